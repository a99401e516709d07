//! dockhard's rules: one lint per file, the registry, settings, and the
//! diagnostics they produce (rendered by miette).
//!
//! Rules are plain functions over the parser's IR; a rule never reads files
//! or parses text.

pub mod analysis;
pub mod config;
pub mod context;
pub mod data;
pub mod diagnostic;
pub mod docs;
pub mod eol;
pub mod host;
pub mod images;
pub mod kind;
pub mod linter;
pub mod registry;
pub mod render;
pub mod rule;
pub mod rules;
pub mod settings;
pub mod suppression;
pub mod versions;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, SourceFile};
pub use kind::FileKind;
pub use linter::{
    DaemonOf, command_files, daemons_in_commands, daemons_in_dockerfile, lint_commands,
    lint_daemon_json, lint_dockerfile, lint_host, lint_project, load, merge_daemons, project_files,
};
pub use registry::RULES;
pub use rule::RuleMeta;
pub use settings::Settings;
