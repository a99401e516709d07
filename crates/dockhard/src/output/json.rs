//! `--format json`: the contract of DESIGN.md. Written as it is
//! serialised, one diagnostic at a time: no document tree is built, so a
//! run with a hundred thousand findings does not hold its report twice.

use std::io::Write;

use dockhard_rules::{Diagnostic, SourceFile, registry};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use super::range;
use crate::outcome::Outcome;

#[derive(Serialize)]
struct Report<'a> {
    version: &'static str,
    diagnostics: Diagnostics<'a>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// The diagnostics, each turned into its JSON shape as it is written.
struct Diagnostics<'a>(&'a [Diagnostic]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for d in self.0 {
            seq.serialize_element(&JsonDiagnostic::new(d))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    label: Option<&'a str>,
    help: Option<&'a str>,
    url: Option<String>,
    fix: Option<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    line: u32,
    column: u32,
    message: &'a str,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic) -> JsonDiagnostic<'a> {
        let file: &SourceFile = &d.file;
        let r = range(file, d.span);
        let fix = d.fix.as_ref().map(|f| JsonFix {
            applicability: f.applicability.as_str(),
            message: &f.message,
            edits: f
                .edits
                .iter()
                .map(|e| {
                    let r = range(file, e.span);
                    JsonEdit {
                        line: r.line,
                        column: r.column,
                        end_line: r.end_line,
                        end_column: r.end_column,
                        content: &e.content,
                    }
                })
                .collect(),
        });
        let related = d
            .labels
            .iter()
            .map(|l| {
                let f = l.file.as_deref().unwrap_or(file);
                let at = f.line_col(l.span.start);
                JsonRelated {
                    path: f.display_path(),
                    line: at.line,
                    column: at.column,
                    message: &l.message,
                }
            })
            .collect();
        JsonDiagnostic {
            code: d.code,
            name: d.name,
            severity: d.severity.as_str(),
            message: &d.message,
            path: file.display_path(),
            line: r.line,
            column: r.column,
            end_line: r.end_line,
            end_column: r.end_column,
            label: d.label.as_deref(),
            help: d.help.as_deref(),
            url: registry::by_code(d.code).map(|r| r.doc_url()),
            fix,
            related,
        }
    }
}

pub fn json(outcome: &Outcome, out: &mut dyn Write) -> std::io::Result<()> {
    let c = super::counts(outcome);
    let report = Report {
        version: env!("CARGO_PKG_VERSION"),
        diagnostics: Diagnostics(&outcome.diagnostics),
        summary: Summary {
            files: outcome.files.len(),
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}
