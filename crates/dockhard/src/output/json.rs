//! `--format json`: the contract of DESIGN.md.

use dockhard_rules::{Diagnostic, SourceFile, registry};
use serde_json::{Value, json};

use crate::check::Outcome;

fn position(file: &SourceFile, offset: u32) -> (u32, u32) {
    let lc = file.line_col(offset);
    (lc.line, lc.column)
}

fn diagnostic(d: &Diagnostic) -> Value {
    let file: &SourceFile = &d.file;
    let (line, column) = position(file, d.span.start);
    let (end_line, end_column) = position(file, d.span.end);
    let fix = d.fix.as_ref().map(|f| {
        json!({
            "applicability": f.applicability.as_str(),
            "message": f.message,
            "edits": f.edits.iter().map(|e| {
                let (l, c) = position(file, e.span.start);
                let (el, ec) = position(file, e.span.end);
                json!({
                    "line": l, "column": c, "end_line": el, "end_column": ec,
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
            let (line, column) = position(f, l.span.start);
            json!({
                "path": f.display_path(),
                "line": line,
                "column": column,
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
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
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
