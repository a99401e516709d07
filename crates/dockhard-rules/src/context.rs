//! What a rule gets to look at, and how it reports.

use std::sync::Arc;

use dockhard_parser::compose::Project;
use dockhard_parser::spec::{ContainerSpec, Origin};
use dockhard_parser::{Dockerfile, Span};

use crate::diagnostic::{Diagnostic, Fix, Label, Severity, SourceFile};
use crate::rule::RuleMeta;
use crate::settings::Settings;

/// Collects a rule's findings with its code and severity.
pub struct Reporter<'a> {
    pub(crate) rule: &'static RuleMeta,
    pub(crate) severity: Severity,
    pub(crate) settings: &'a Settings,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
}

impl Reporter<'_> {
    fn start(
        &mut self,
        file: &Arc<SourceFile>,
        span: Span,
        severity: Severity,
        message: String,
    ) -> DiagnosticBuilder<'_> {
        DiagnosticBuilder {
            sink: self.diagnostics,
            diagnostic: Some(Diagnostic {
                file: file.clone(),
                code: self.rule.code,
                name: self.rule.name,
                severity,
                message,
                span,
                label: None,
                labels: Vec::new(),
                help: None,
                fix: None,
            }),
        }
    }

    /// The severity for a finding the rule rates itself (DH107's tiers),
    /// unless the user set the rule's severity.
    fn severity_for(&self, rated: Severity) -> Severity {
        if self.settings.severity_is_overridden(self.rule.code) {
            self.severity
        } else {
            rated
        }
    }
}

/// The context of a Dockerfile rule: the parsed file, its text, the settings.
pub struct DockerfileContext<'a> {
    pub dockerfile: &'a Dockerfile,
    pub file: &'a Arc<SourceFile>,
    pub(crate) reporter: Reporter<'a>,
}

impl DockerfileContext<'_> {
    pub fn source(&self) -> &str {
        &self.file.text
    }

    pub fn settings(&self) -> &Settings {
        self.reporter.settings
    }

    /// Starts a finding at `span`; it is recorded when the builder is dropped.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity;
        let file = self.file;
        self.reporter.start(file, span, severity, message.into())
    }
}

/// The files of a project, as the diagnostics show them.
pub struct ProjectFiles<'a> {
    pub project: &'a Project,
    /// One per `project.files`, same order.
    pub files: Vec<Arc<SourceFile>>,
}

impl ProjectFiles<'_> {
    pub fn file(&self, origin: Origin) -> Option<&Arc<SourceFile>> {
        self.files.get(origin.file)
    }
}

/// The context of a rule over one container (a compose service).
pub struct ContainerContext<'a> {
    pub spec: &'a ContainerSpec,
    pub files: &'a ProjectFiles<'a>,
    pub(crate) reporter: Reporter<'a>,
}

impl<'a> ContainerContext<'a> {
    pub fn project(&self) -> &'a Project {
        self.files.project
    }

    pub fn settings(&self) -> &Settings {
        self.reporter.settings
    }

    /// Starts a finding where `origin` was written. A value that came
    /// through an anchor or merge key gets a label where it was defined; a
    /// service under a profile is named with it.
    pub fn report(&mut self, origin: Origin, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity;
        self.report_rated(origin, severity, message)
    }

    /// Like [`report`](Self::report), with a severity the rule rates itself.
    pub fn report_rated(
        &mut self,
        origin: Origin,
        rated: Severity,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity_for(rated);
        let mut message = message.into();
        if !self.spec.profiles.is_empty() {
            let profiles: Vec<String> = self
                .spec
                .profiles
                .iter()
                .map(|p| format!("`{p}`"))
                .collect();
            let word = if profiles.len() == 1 {
                "profile"
            } else {
                "profiles"
            };
            message.push_str(&format!(
                " (service `{}`, {word} {})",
                self.spec.name,
                profiles.join(", ")
            ));
        }
        let files = self.files;
        let file = files
            .file(origin)
            .cloned()
            .unwrap_or_else(|| SourceFile::new("<unknown>", String::new()));
        let mut builder = self.reporter.start(&file, origin.span, severity, message);
        if origin.is_aliased() {
            builder = builder.secondary(origin.defined, "defined here, through an anchor");
        }
        // A value from an override or an extended file: show the service too.
        let service = self.spec.origin;
        if origin.file != service.file {
            let name = self.spec.name.clone();
            builder =
                builder.related_origin(files, service, format!("service `{name}` is defined here"));
        }
        builder
    }
}

/// The context of a rule over a whole project (its networks).
pub struct ProjectContext<'a> {
    pub files: &'a ProjectFiles<'a>,
    pub(crate) reporter: Reporter<'a>,
}

impl<'a> ProjectContext<'a> {
    pub fn project(&self) -> &'a Project {
        self.files.project
    }

    pub fn settings(&self) -> &Settings {
        self.reporter.settings
    }

    pub fn report(&mut self, origin: Origin, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity;
        let files = self.files;
        let file = files
            .file(origin)
            .cloned()
            .unwrap_or_else(|| SourceFile::new("<unknown>", String::new()));
        let builder = self
            .reporter
            .start(&file, origin.span, severity, message.into());
        if origin.is_aliased() {
            builder.secondary(origin.defined, "defined here, through an anchor")
        } else {
            builder
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

    /// A secondary label in another file (or the same file, given).
    pub fn related(self, file: Arc<SourceFile>, span: Span, message: impl Into<String>) -> Self {
        self.with(|d| {
            let same = Arc::ptr_eq(&d.file, &file);
            d.labels.push(Label {
                span,
                message: message.into(),
                file: (!same).then_some(file),
            })
        })
    }

    /// A secondary label at an origin of the project.
    pub fn related_origin(
        self,
        files: &ProjectFiles<'_>,
        origin: Origin,
        message: impl Into<String>,
    ) -> Self {
        match files.file(origin) {
            Some(f) => self.related(f.clone(), origin.span, message),
            None => self,
        }
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
