//! What a rule gets to look at, and how it reports.

use std::sync::Arc;

use dockhard_parser::{Dockerfile, Span};

use crate::diagnostic::{Diagnostic, Fix, Label, Severity, SourceFile};
use crate::rule::RuleMeta;
use crate::settings::Settings;

/// The context of a Dockerfile rule: the parsed file, its text, the settings.
pub struct DockerfileContext<'a> {
    pub dockerfile: &'a Dockerfile,
    pub file: &'a Arc<SourceFile>,
    pub settings: &'a Settings,
    pub(crate) rule: &'static RuleMeta,
    pub(crate) severity: Severity,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
}

impl DockerfileContext<'_> {
    pub fn source(&self) -> &str {
        &self.file.text
    }

    /// Starts a finding at `span`; it is recorded when the builder is dropped.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        DiagnosticBuilder {
            sink: self.diagnostics,
            diagnostic: Some(Diagnostic {
                code: self.rule.code,
                name: self.rule.name,
                severity: self.severity,
                message: message.into(),
                span,
                label: None,
                labels: Vec::new(),
                help: None,
                fix: None,
            }),
        }
    }
}

/// Adds labels, help and a fix to a finding; records it on drop.
pub struct DiagnosticBuilder<'a> {
    sink: &'a mut Vec<Diagnostic>,
    diagnostic: Option<Diagnostic>,
}

impl DiagnosticBuilder<'_> {
    fn with(mut self, f: impl FnOnce(&mut Diagnostic)) -> Self {
        if let Some(d) = self.diagnostic.as_mut() {
            f(d);
        }
        self
    }

    /// The primary label: what the span is.
    pub fn label(self, message: impl Into<String>) -> Self {
        self.with(|d| d.label = Some(message.into()))
    }

    /// A secondary label in the same file.
    pub fn secondary(self, span: Span, message: impl Into<String>) -> Self {
        self.with(|d| {
            d.labels.push(Label {
                span,
                message: message.into(),
                file: None,
            })
        })
    }

    /// A secondary label in another file.
    pub fn related(self, file: Arc<SourceFile>, span: Span, message: impl Into<String>) -> Self {
        self.with(|d| {
            d.labels.push(Label {
                span,
                message: message.into(),
                file: Some(file),
            })
        })
    }

    pub fn help(self, message: impl Into<String>) -> Self {
        self.with(|d| d.help = Some(message.into()))
    }

    pub fn fix(self, fix: Fix) -> Self {
        self.with(|d| d.fix = Some(fix))
    }
}

impl Drop for DiagnosticBuilder<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.diagnostic.take() {
            self.sink.push(d);
        }
    }
}
