//! What a rule gets to look at, and how it reports.

use std::sync::Arc;

use dockhard_parser::compose::Project;
use dockhard_parser::daemon::DaemonSpec;
use dockhard_parser::spec::{CommandKind, ContainerSpec, NetworkSpec, Origin, SpecSource};
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
            diagnostic: Some(Diagnostic::new(self.rule, file, span, severity, message)),
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

    /// Like [`report`](Self::report), with a severity the rule rates itself.
    pub fn report_rated(
        &mut self,
        span: Span,
        rated: Severity,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity_for(rated);
        let file = self.file;
        self.reporter.start(file, span, severity, message.into())
    }
}

/// The files of a lint unit, as the diagnostics show them (index: the
/// `FileId` of an [`Origin`]): a compose project's files, a GitLab CI file
/// and its includes, or one file.
pub struct UnitFiles<'a> {
    /// The compose project, for compose units (rules follow a service's
    /// `build:` into its Dockerfile).
    pub project: Option<&'a Project>,
    pub files: Vec<Arc<SourceFile>>,
}

impl UnitFiles<'_> {
    pub fn file(&self, origin: Origin) -> Option<&Arc<SourceFile>> {
        self.files.get(origin.file)
    }

    fn file_or_unknown(&self, origin: Origin) -> Arc<SourceFile> {
        self.file(origin)
            .cloned()
            .unwrap_or_else(|| SourceFile::new("<unknown>", String::new()))
    }
}

/// How a spec is named in a finding's message: the service's profiles for
/// compose, the command and the container (`--name`, else the image) for a
/// command line.
fn naming(spec_name: &str, profiles: &[String], source: &SpecSource) -> String {
    match source {
        SpecSource::Compose if profiles.is_empty() => String::new(),
        SpecSource::Compose => {
            let list: Vec<String> = profiles.iter().map(|p| format!("`{p}`")).collect();
            let word = if list.len() == 1 {
                "profile"
            } else {
                "profiles"
            };
            format!(" (service `{spec_name}`, {word} {})", list.join(", "))
        }
        SpecSource::Command(c) => {
            let command = c.command_name();
            match (&c.container_name, c.kind) {
                (Some(name), CommandKind::Exec) => format!(" (`{command}` in container `{name}`)"),
                (Some(name), _) => format!(" (`{command}`, container `{name}`)"),
                (None, CommandKind::Container | CommandKind::Service) if spec_name != command => {
                    format!(" (`{command}` of `{spec_name}`)")
                }
                (None, CommandKind::Exec) if spec_name != command => {
                    format!(" (`{command}` in `{spec_name}`)")
                }
                _ => format!(" (`{command}`)"),
            }
        }
    }
}

/// The context of a rule over one container: a compose service or a
/// command line.
pub struct ContainerContext<'a> {
    pub spec: &'a ContainerSpec,
    /// Every container of the lint unit, this one included: the compose
    /// project's services, or the command lines of the file (the images
    /// they build are not pulled).
    pub unit: &'a [ContainerSpec],
    pub files: &'a UnitFiles<'a>,
    pub(crate) reporter: Reporter<'a>,
}

impl<'a> ContainerContext<'a> {
    /// The compose project the service belongs to (`None` for a command line).
    pub fn project(&self) -> Option<&'a Project> {
        self.files.project
    }

    pub fn settings(&self) -> &Settings {
        self.reporter.settings
    }

    /// Whether the container comes from a command line.
    pub fn is_command(&self) -> bool {
        self.spec.command().is_some()
    }

    /// The compose wording or the command-line wording of a setting.
    pub fn says(&self, compose: &'static str, command_line: &'static str) -> &'static str {
        if self.is_command() {
            command_line
        } else {
            compose
        }
    }

    /// The text written at `origin` (`-u 0`, `--cap-add=SYS_ADMIN`).
    pub fn written(&self, origin: Origin) -> &'a str {
        let files = self.files;
        origin
            .span
            .slice(files.file(origin).map_or("", |f| f.text.as_str()))
    }

    /// What a missing measure is reported at: "service" or "command".
    pub fn owner_label(&self) -> &'static str {
        self.says("service", "command")
    }

    /// Starts a finding where `origin` was written. A value that came
    /// through an anchor or merge key gets a label where it was defined; a
    /// service under a profile is named with it; a command line names its
    /// container.
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
        message.push_str(&naming(
            &self.spec.name,
            &self.spec.profiles,
            &self.spec.source,
        ));
        let files = self.files;
        let is_command = self.is_command();
        let file = files.file_or_unknown(origin);
        let mut builder = self.reporter.start(&file, origin.span, severity, message);
        if origin.is_aliased() {
            let how = if is_command {
                "the variable is defined here"
            } else {
                "defined here, through an anchor"
            };
            builder = builder.secondary(origin.defined, how);
        }
        // A value from an override or an extended file: show the service too.
        let service = self.spec.origin;
        if origin.file != service.file && !is_command {
            let name = self.spec.name.clone();
            builder =
                builder.related_origin(files, service, format!("service `{name}` is defined here"));
        }
        builder
    }
}

/// The context of a rule over one network: a compose network (the implicit
/// `default` included) or a `docker network create`.
pub struct NetworkContext<'a> {
    pub network: &'a NetworkSpec,
    pub files: &'a UnitFiles<'a>,
    pub(crate) reporter: Reporter<'a>,
}

impl NetworkContext<'_> {
    pub fn settings(&self) -> &Settings {
        self.reporter.settings
    }

    pub fn is_command(&self) -> bool {
        self.network.source.command().is_some()
    }

    /// The text of the file at `origin` (for a name written there).
    pub fn text_at(&self, origin: Origin) -> &str {
        origin
            .span
            .slice(self.files.file(origin).map_or("", |f| f.text.as_str()))
    }

    pub fn report(&mut self, origin: Origin, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity;
        let file = self.files.file_or_unknown(origin);
        let mut message = message.into();
        if let SpecSource::Command(c) = &self.network.source {
            message.push_str(&format!(" (`{}`)", c.command_name()));
        }
        let how = if self.is_command() {
            "the variable is defined here"
        } else {
            "defined here, through an anchor"
        };
        let builder = self.reporter.start(&file, origin.span, severity, message);
        if origin.is_aliased() {
            builder.secondary(origin.defined, how)
        } else {
            builder
        }
    }
}

/// The context of a rule over one daemon's settings: a `daemon.json`, or a
/// `dockerd` command line.
pub struct DaemonContext<'a> {
    pub spec: &'a DaemonSpec,
    pub files: &'a UnitFiles<'a>,
    pub(crate) reporter: Reporter<'a>,
}

impl<'a> DaemonContext<'a> {
    pub fn settings(&self) -> &Settings {
        self.reporter.settings
    }

    pub fn is_json(&self) -> bool {
        self.spec.is_json()
    }

    /// The `daemon.json` wording or the `dockerd` flag wording.
    pub fn says(&self, json: &'static str, flag: &'static str) -> &'static str {
        if self.is_json() { json } else { flag }
    }

    /// The text written at `origin`.
    pub fn written(&self, origin: Origin) -> &'a str {
        let files = self.files;
        origin
            .span
            .slice(files.file(origin).map_or("", |f| f.text.as_str()))
    }

    /// Starts a finding about a value written at `origin`.
    pub fn report(&mut self, origin: Origin, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity;
        self.report_rated(origin, severity, message)
    }

    pub fn report_rated(
        &mut self,
        origin: Origin,
        rated: Severity,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity_for(rated);
        let file = self.files.file_or_unknown(origin);
        self.reporter
            .start(&file, origin.span, severity, message.into())
    }

    /// Starts a finding about a setting that is not written, at the
    /// top-level `{` or the `dockerd` word; none when the settings cannot
    /// all be read. Another file of the run that sets it makes it go.
    pub fn report_missing(&mut self, message: impl Into<String>) -> Option<DiagnosticBuilder<'_>> {
        if !self.spec.judges_missing() {
            return None;
        }
        let origin = self.spec.origin;
        let label = self.says("the daemon's settings", "dockerd");
        let builder = self.report(origin, message).label(label);
        Some(builder.with(|d| d.daemon_missing = true))
    }
}

/// The context of a rule over the facts of a host.
pub struct HostContext<'a> {
    pub facts: &'a crate::host::HostFacts,
    pub host: &'a crate::host::HostFile,
    pub(crate) reporter: Reporter<'a>,
}

impl HostContext<'_> {
    pub fn settings(&self) -> &Settings {
        self.reporter.settings
    }

    pub fn report(&mut self, span: Span, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity;
        self.report_rated(span, severity, message)
    }

    pub fn report_rated(
        &mut self,
        span: Span,
        rated: Severity,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        let severity = self.reporter.severity_for(rated);
        let file = self.host.file.clone();
        self.reporter.start(&file, span, severity, message.into())
    }
}

/// Adds labels, help and a fix to a finding; records it on drop.
pub struct DiagnosticBuilder<'a> {
    sink: &'a mut Vec<Diagnostic>,
    diagnostic: Option<Diagnostic>,
}

impl DiagnosticBuilder<'_> {
    pub(crate) fn with(mut self, f: impl FnOnce(&mut Diagnostic)) -> Self {
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

    /// A secondary label at an origin of the unit.
    pub fn related_origin(
        self,
        files: &UnitFiles<'_>,
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

    /// A daemon finding about a value whose remedy may be written in
    /// another file (a `tcp://` host here, TLS turned on beside it): like a
    /// missing setting, it goes when another file of the run satisfies the
    /// rule.
    pub fn satisfiable(self) -> Self {
        self.with(|d| d.daemon_missing = true)
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
