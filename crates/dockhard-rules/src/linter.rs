//! Runs the enabled rules over one file.

use std::sync::Arc;

use dockhard_parser::Dockerfile;

use crate::context::DockerfileContext;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::kind::FileKind;
use crate::registry::RULES;
use crate::rules::meta::dh001_dockerfile_syntax::DOCKERFILE_SYNTAX;
use crate::settings::Settings;

/// Lints one file of a known kind; diagnostics come sorted by position.
pub fn lint(file: &Arc<SourceFile>, kind: FileKind, settings: &Settings) -> Vec<Diagnostic> {
    let mut diagnostics = match kind {
        FileKind::Dockerfile => lint_dockerfile(file, settings),
    };
    diagnostics.sort_by(|a, b| (a.span, a.code).cmp(&(b.span, b.code)));
    diagnostics
}

fn lint_dockerfile(file: &Arc<SourceFile>, settings: &Settings) -> Vec<Diagnostic> {
    let df = Dockerfile::parse(&file.text);
    let mut diagnostics = Vec::new();
    if let Some(severity) = settings.severity_of(DOCKERFILE_SYNTAX.code) {
        for error in &df.errors {
            diagnostics.push(Diagnostic {
                code: DOCKERFILE_SYNTAX.code,
                name: DOCKERFILE_SYNTAX.name,
                severity,
                message: error.message.clone(),
                span: error.span,
                label: None,
                labels: Vec::new(),
                help: None,
                fix: None,
            });
        }
    }
    for rule in RULES {
        let (Some(check), Some(severity)) = (rule.dockerfile, settings.severity_of(rule.code))
        else {
            continue;
        };
        let mut cx = DockerfileContext {
            dockerfile: &df,
            file,
            settings,
            rule,
            severity,
            diagnostics: &mut diagnostics,
        };
        check(&mut cx);
    }
    diagnostics
}
