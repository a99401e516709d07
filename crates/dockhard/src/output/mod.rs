//! Report formats.

use std::time::Duration;

use dockhard_parser::Span;
use dockhard_rules::render::{HumanOptions, render_human};
use dockhard_rules::{Severity, SourceFile};

use crate::outcome::Outcome;

pub mod fingerprint;
mod github;
mod gitlab;
mod json;
mod sarif;
mod xml;

pub use github::github;
pub use gitlab::gitlab;
pub use json::json;
pub use sarif::sarif;
pub use xml::{checkstyle, junit};

/// A span as one-based lines and character columns; the end is exclusive
/// (the column after the last character).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Range {
    /// The last line the span covers: a span that ends just after a line
    /// break does not cover the next line.
    pub fn last_line(&self) -> u32 {
        if self.end_line > self.line && self.end_column == 1 {
            self.end_line - 1
        } else {
            self.end_line
        }
    }
}

pub fn range(file: &SourceFile, span: Span) -> Range {
    let start = file.line_col(span.start);
    let end = file.line_col(span.end.max(span.start));
    Range {
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

pub fn human(outcome: &Outcome, color: bool) -> String {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    render_human(
        &outcome.diagnostics,
        HumanOptions {
            color,
            width,
            links: color,
        },
    )
}

pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn counts(outcome: &Outcome) -> Counts {
    let mut c = Counts {
        errors: 0,
        warnings: 0,
        infos: 0,
    };
    for d in &outcome.diagnostics {
        match d.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => c.infos += 1,
        }
    }
    c
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn summary_line(outcome: &Outcome, elapsed: Duration) -> String {
    let c = counts(outcome);
    let files = plural(outcome.files.len(), "file");
    let time = format!("{:.2}s", elapsed.as_secs_f64());
    if c.errors + c.warnings + c.infos == 0 {
        format!("No findings in {files} ({time}).\n")
    } else {
        format!(
            "Found {}, {}, {} in {files} ({time}).\n",
            plural(c.errors, "error"),
            plural(c.warnings, "warning"),
            plural(c.infos, "info"),
        )
    }
}

/// `path:line:col: severity[CODE] message`
pub fn concise(outcome: &Outcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for d in &outcome.diagnostics {
        let lc = d.file.line_col(d.span.start);
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            d.file.display_path(),
            lc.line,
            lc.column,
            d.severity,
            d.code,
            d.message
        )?;
    }
    Ok(())
}
