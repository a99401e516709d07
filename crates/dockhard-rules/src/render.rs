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
        let inner = self.snippet(span, context_lines_before, context_lines_after)?;
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

/// A snippet longer than this (a minified line, a generated script's one
/// line) is cut to the span and [`SNIPPET_MARGIN`] bytes around it.
const MAX_SNIPPET: usize = 16 * 1024;
const SNIPPET_MARGIN: usize = 512;

impl SourceFile {
    /// Line breaks before byte `offset`: miette counts them in the text it
    /// shows, where a lone `\r` is a `\n`, as [`LineIndex`] counts them.
    ///
    /// [`LineIndex`]: dockhard_parser::span::LineIndex
    fn breaks_before(&self, offset: usize) -> usize {
        self.index.line_of(offset as u32)
    }

    /// Where the line holding byte `offset` starts.
    fn miette_line_start(&self, offset: usize) -> usize {
        self.index.line_start(self.index.line_of(offset as u32)) as usize
    }

    /// What miette's own `read_span` gives for the whole text, computed on
    /// the lines around the span: miette scans from the start of the text,
    /// which made rendering n findings of a long file n times its length.
    /// The window starts at a line start with enough lines before the span,
    /// so its offsets and line numbers are miette's shifted by the window's
    /// start. A snippet that would be longer than [`MAX_SNIPPET`] (a very
    /// long line) is cut around the span.
    fn snippet(
        &self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<MietteSpanContents<'_>, MietteError> {
        let text = self.shown.as_deref().unwrap_or(&self.text);
        let start = span.offset();
        let end = start.saturating_add(span.len());
        if end > text.len() {
            let inner = text.read_span(span, before, after)?;
            return Ok(MietteSpanContents::new(
                inner.data(),
                *inner.span(),
                inner.line(),
                inner.column(),
                inner.line_count(),
            ));
        }
        let first = self.index.line_of(start as u32).saturating_sub(before + 1);
        let w = self.index.line_start(first) as usize;
        // The lines miette may read: up to `after` lines after the span's.
        let last = self.index.line_of(end as u32) + after + 1;
        let e = if last < self.index.line_count() {
            self.index.line_start(last) as usize
        } else {
            text.len()
        };
        if e - w <= MAX_SNIPPET + span.len() {
            let local = SourceSpan::new((start - w).into(), span.len());
            let inner = text[w..].read_span(&local, before, after)?;
            let prefix = self.breaks_before(w);
            return Ok(MietteSpanContents::new(
                inner.data(),
                SourceSpan::new((inner.span().offset() + w).into(), inner.span().len()),
                inner.line() + prefix,
                inner.column(),
                inner.line_count() + prefix,
            ));
        }
        let line_start = self.miette_line_start(start);
        let mut a = start.saturating_sub(SNIPPET_MARGIN).max(line_start);
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        let limit = end.saturating_add(SNIPPET_MARGIN).min(text.len());
        let mut b = text.as_bytes()[end..limit]
            .iter()
            .position(|c| matches!(c, b'\n' | b'\r'))
            .map_or(limit, |i| end + i);
        while !text.is_char_boundary(b) {
            b += 1;
        }
        Ok(MietteSpanContents::new(
            &text.as_bytes()[a..b],
            SourceSpan::new(a.into(), b - a),
            self.breaks_before(a),
            a - self.miette_line_start(a),
            self.breaks_before(b),
        ))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The windowed `read_span` gives what miette's own gives on the whole
    /// text (as shown: a lone `\r` is a `\n`), for every span of a few texts with every kind of line break.
    #[test]
    fn snippets_are_miettes_own() {
        let texts = [
            "FROM a\nUSER root\nRUN x\n\nRUN y",
            "a\r\nb\rc\n\r\nd\r\r\ne\n",
            "é\nçé x\n€\n𝄞 y\n",
            "\n\n\nx\n\n",
            "\u{FEFF}FROM a\r\nUSER root\r",
            "",
        ];
        for text in texts {
            let file = SourceFile::new("f", text.to_string());
            for start in 0..=text.len() {
                for len in 0..=(text.len() - start).min(6) {
                    for context in [0, 1, 2] {
                        let span = SourceSpan::new(start.into(), len);
                        let ours = file.snippet(&span, context, context);
                        let shown = file.shown.as_deref().unwrap_or(text);
                        let theirs = shown.read_span(&span, context, context);
                        match (ours, theirs) {
                            (Ok(o), Ok(t)) => {
                                assert_eq!(
                                    (o.data(), o.span(), o.line(), o.column(), o.line_count()),
                                    (t.data(), t.span(), t.line(), t.column(), t.line_count()),
                                    "{text:?} {start}+{len} context {context}"
                                );
                            }
                            (o, t) => assert_eq!(o.is_ok(), t.is_ok(), "{text:?} {start}+{len}"),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn snippets_of_a_very_long_line_are_cut_around_the_span() {
        let line = "x".repeat(100_000);
        let text = format!("FROM a\nRUN {line} chmod u+s /y {line}\nUSER a\n");
        let file = SourceFile::new("f", text.clone());
        let at = text.find("u+s").unwrap_or(0);
        let span = SourceSpan::new(at.into(), 3);
        let s = file.snippet(&span, 2, 2).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.data().len() <= 2 * SNIPPET_MARGIN + 3);
        assert_eq!(s.line(), 1);
        assert!(String::from_utf8_lossy(s.data()).contains("chmod u+s /y"));
    }
}
