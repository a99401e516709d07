//! Report formats.

use std::time::Duration;

use dockhard_rules::Severity;
use dockhard_rules::render::{HumanOptions, render_human};

use crate::check::FileResult;

mod json;

pub use json::json;

pub fn human(results: &[FileResult], color: bool) -> String {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    let mut out = String::new();
    for r in results.iter().filter(|r| !r.diagnostics.is_empty()) {
        out.push_str(&render_human(
            &r.file,
            &r.diagnostics,
            HumanOptions {
                color,
                width,
                links: color,
            },
        ));
    }
    out
}

pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn counts(results: &[FileResult]) -> Counts {
    let all = results.iter().flat_map(|r| &r.diagnostics);
    let mut c = Counts {
        errors: 0,
        warnings: 0,
        infos: 0,
    };
    for d in all {
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

pub fn summary_line(results: &[FileResult], elapsed: Duration) -> String {
    let c = counts(results);
    let files = plural(results.len(), "file");
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
pub fn concise(results: &[FileResult]) -> String {
    let mut out = String::new();
    for r in results {
        let path = r.file.display_path();
        for d in &r.diagnostics {
            let lc = r.file.line_col(d.span.start);
            out.push_str(&format!(
                "{path}:{}:{}: {}[{}] {}\n",
                lc.line, lc.column, d.severity, d.code, d.message
            ));
        }
    }
    out
}
