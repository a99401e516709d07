//! `--format json`: the contract of DESIGN.md.

use dockhard_rules::{Diagnostic, SourceFile, registry};
use serde_json::{Value, json};

use super::range;
use crate::outcome::Outcome;

fn diagnostic(d: &Diagnostic) -> Value {
    let file: &SourceFile = &d.file;
    let r = range(file, d.span);
    let fix = d.fix.as_ref().map(|f| {
        json!({
            "applicability": f.applicability.as_str(),
            "message": f.message,
            "edits": f.edits.iter().map(|e| {
                let r = range(file, e.span);
                json!({
                    "line": r.line, "column": r.column,
                    "end_line": r.end_line, "end_column": r.end_column,
                    "content": e.content,
                })
            }).collect::<Vec<_>>(),
        })
    });
    let related: Vec<Value> = d
        .labels
        .iter()
        .map(|l| {
            let f = l.file.as_deref().unwrap_or(file);
            let at = f.line_col(l.span.start);
            json!({
                "path": f.display_path(),
                "line": at.line,
                "column": at.column,
                "message": l.message,
            })
        })
        .collect();
    json!({
        "code": d.code,
        "name": d.name,
        "severity": d.severity.as_str(),
        "message": d.message,
        "path": file.display_path(),
        "line": r.line,
        "column": r.column,
        "end_line": r.end_line,
        "end_column": r.end_column,
        "label": d.label,
        "help": d.help,
        "url": registry::by_code(d.code).map(|r| r.doc_url()),
        "fix": fix,
        "related": related,
    })
}

pub fn json(outcome: &Outcome) -> String {
    let diagnostics: Vec<Value> = outcome.diagnostics.iter().map(diagnostic).collect();
    let c = super::counts(outcome);
    let report = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "diagnostics": diagnostics,
        "summary": {
            "files": outcome.files.len(),
            "errors": c.errors,
            "warnings": c.warnings,
            "infos": c.infos,
        },
    });
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}
