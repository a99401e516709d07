//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues).

use dockhard_rules::Severity;
use serde::Serialize;

use super::fingerprint::fingerprints;
use super::range;
use crate::outcome::Outcome;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// GitLab's severities are info, minor, major, critical and blocker.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn gitlab(outcome: &Outcome) -> Result<String, String> {
    let issues: Vec<Issue<'_>> = outcome
        .diagnostics
        .iter()
        .zip(fingerprints(&outcome.diagnostics))
        .map(|(d, fingerprint)| {
            let r = range(&d.file, d.span);
            Issue {
                description: format!("{} {}: {}", d.code, d.name, d.message),
                check_name: d.code,
                fingerprint,
                severity: severity(d.severity),
                location: Location {
                    path: d.file.display_path(),
                    lines: Lines {
                        begin: r.line,
                        end: r.last_line(),
                    },
                },
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}
