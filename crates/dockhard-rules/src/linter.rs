//! Runs the enabled rules over one file.

use std::sync::Arc;

use dockhard_parser::Dockerfile;

use crate::context::DockerfileContext;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::kind::FileKind;
use crate::registry::RULES;
use crate::rules::meta::dh001_dockerfile_syntax::DOCKERFILE_SYNTAX;
use crate::settings::Settings;

/// Files larger than this are not read (DH006).
pub const MAX_FILE_SIZE: usize = 10 * 1024 * 1024;

/// Turns the bytes of an input into a [`SourceFile`]; an input that is not
/// UTF-8 or too large gets a DH006 finding instead of its rules.
pub fn load(
    path: impl Into<std::path::PathBuf>,
    bytes: Vec<u8>,
    settings: &Settings,
) -> (Arc<SourceFile>, Option<Diagnostic>) {
    let path = path.into();
    if bytes.len() > MAX_FILE_SIZE {
        let file = SourceFile::new(path, String::new());
        let d = unreadable(
            settings,
            format!(
                "file is {} bytes, over the {} MiB limit: not linted",
                bytes.len(),
                MAX_FILE_SIZE / (1024 * 1024)
            ),
            dockhard_parser::Span::empty_at(0),
        );
        return (file, d);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (SourceFile::new(path, text), None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes().get(at).copied().unwrap_or(0);
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = SourceFile::new(path, text);
            let d = unreadable(
                settings,
                format!("not UTF-8: byte 0x{bad:02X} at offset {at}; the file is not linted"),
                dockhard_parser::Span::new(at as u32, at as u32 + '\u{FFFD}'.len_utf8() as u32),
            );
            (file, d)
        }
    }
}

/// A DH006 finding (if the rule is enabled).
pub fn unreadable(
    settings: &Settings,
    message: String,
    span: dockhard_parser::Span,
) -> Option<Diagnostic> {
    let rule = &crate::rules::meta::dh006_unreadable_file::UNREADABLE_FILE;
    let severity = settings.severity_of(rule.code)?;
    Some(Diagnostic {
        code: rule.code,
        name: rule.name,
        severity,
        message,
        span,
        label: Some("not readable".to_string()),
        labels: Vec::new(),
        help: Some("save the file as UTF-8 text".to_string()),
        fix: None,
    })
}

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
