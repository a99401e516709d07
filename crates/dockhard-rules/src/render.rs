//! Diagnostics as miette reports: the human output, source-spanned.

use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Diagnostic, Label, Severity, SourceFile};
use crate::registry;

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.shown.as_ref().unwrap_or(&self.text);
        let inner = text.read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.display_path(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

fn source_span(span: dockhard_parser::Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), span.len() as usize)
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// A diagnostic as a miette report.
pub struct Report<'a> {
    pub diagnostic: &'a Diagnostic,
    pub file: &'a Arc<SourceFile>,
    /// Show the rule's documentation URL (as a terminal link).
    pub show_url: bool,
    related: Vec<RelatedLabel<'a>>,
}

impl<'a> Report<'a> {
    pub fn new(diagnostic: &'a Diagnostic) -> Self {
        let file = &diagnostic.file;
        let related = diagnostic
            .labels
            .iter()
            .filter_map(|label| {
                label.file.as_ref().map(|f| RelatedLabel {
                    label,
                    file: f.as_ref(),
                })
            })
            .collect();
        Report {
            diagnostic,
            file,
            show_url: false,
            related,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("code", &self.diagnostic.code)
            .field("message", &self.diagnostic.message)
            .finish()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.diagnostic.code, self.diagnostic.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.diagnostic.severity))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diagnostic;
        let fix = d.fix.as_ref().map(|f| {
            format!(
                "fix available ({}): {}",
                f.applicability.as_str(),
                f.message
            )
        });
        match (&d.help, fix) {
            (Some(h), Some(f)) => Some(Box::new(format!("{h}\n{f}"))),
            (Some(h), None) => Some(Box::new(h.as_str())),
            (None, Some(f)) => Some(Box::new(f)),
            (None, None) => None,
        }
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if !self.show_url {
            return None;
        }
        registry::by_code(self.diagnostic.code)
            .map(|r| Box::new(r.doc_url()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.file.as_ref())
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(d.label.clone(), source_span(d.span));
        let secondary = d
            .labels
            .iter()
            .filter(|l| l.file.is_none())
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), source_span(l.span)));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

/// A label in another file, shown as a related report.
struct RelatedLabel<'a> {
    label: &'a Label,
    file: &'a SourceFile,
}

impl fmt::Debug for RelatedLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label.message)
    }
}

impl fmt::Display for RelatedLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label.message)
    }
}

impl std::error::Error for RelatedLabel<'_> {}

impl miette::Diagnostic for RelatedLabel<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.file)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.message.clone()),
            source_span(self.label.span),
        ))))
    }
}

/// How to render human output.
#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// Terminal hyperlinks for rule docs.
    pub links: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
            links: false,
        }
    }
}

/// Renders diagnostics with miette's graphical handler.
pub fn render_human(diagnostics: &[Diagnostic], options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(options.links)
        .with_context_lines(1);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let file = &diagnostic.file;
        let mut report = Report::new(diagnostic);
        report.show_url = options.links;
        if handler.render_report(&mut out, &report).is_err() {
            // A span outside the text: fall back to one line.
            let lc = file.line_col(diagnostic.span.start);
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                file.display_path(),
                lc.line,
                lc.column,
                diagnostic.severity,
                diagnostic.code,
                diagnostic.message
            ));
        }
    }
    out
}
