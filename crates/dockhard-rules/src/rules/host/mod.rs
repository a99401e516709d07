//! Rules over the machine `dockhard host` audits.

pub mod dh900_kernel_vulnerable;
pub mod dh901_engine_vulnerable;
pub mod dh902_engine_eol;
pub mod dh903_daemon_config;

use crate::data::DataSet;
use crate::versions::{Version, satisfies};

/// A CVE that affects a version of a component (`cves.tsv`).
pub(crate) struct Affecting {
    pub cve: String,
    pub title: String,
    /// The first fixed release on the version's branch, when there is one.
    pub fixed_in: Option<String>,
    pub severity: String,
}

/// The CVEs of `component` whose ranges hold `version`.
pub(crate) fn affecting(data: &DataSet, component: &str, version: &Version) -> Vec<Affecting> {
    let t = &data.cves;
    let mut out: Vec<Affecting> = Vec::new();
    for row in t.rows() {
        if t.cell(row, "component") != component {
            continue;
        }
        if satisfies(version, t.cell(row, "affected")) != Some(true) {
            continue;
        }
        let cve = t.cell(row, "cve").to_string();
        if out.iter().any(|a| a.cve == cve) {
            continue;
        }
        out.push(Affecting {
            cve,
            title: t.cell(row, "title").to_string(),
            fixed_in: Some(t.cell(row, "fixed_in").to_string()).filter(|f| !f.is_empty()),
            severity: t.cell(row, "severity").to_string(),
        });
    }
    out
}

/// `CVE-2024-21626 (runc working directory leak, fixed in 1.1.12)`.
pub(crate) fn describe(list: &[Affecting]) -> String {
    list.iter()
        .map(|a| {
            let fix = match &a.fixed_in {
                Some(f) => format!("fixed in {f}"),
                None => "no fix on this branch: move to a newer one".to_string(),
            };
            let severity = if a.severity.is_empty() || a.severity == "?" {
                String::new()
            } else {
                format!("{}; ", a.severity)
            };
            format!("{} ({}; {severity}{fix})", a.cve, a.title)
        })
        .collect::<Vec<_>>()
        .join(", ")
}
