//! `--format sarif`: SARIF 2.1.0 (for GitHub code scanning and other
//! SARIF viewers), built with `serde-sarif`'s types.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use dockhard_parser::Span;
use dockhard_rules::{Diagnostic, RULES, RuleMeta, Severity, SourceFile, registry, rule};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Location, Message,
    MultiformatMessageString, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::fingerprint::{KEY, fingerprints};
use super::range;
use crate::outcome::Outcome;

/// The OASIS schema of SARIF 2.1.0.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The base of relative artifact URIs: the directory dockhard ran in.
pub const SRCROOT: &str = "%SRCROOT%";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result_level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

/// GitHub code scanning ranks results of rules tagged `security` by this
/// CVSS-like score.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

/// Percent-encodes a path for a URI: everything but unreserved characters,
/// sub-delimiters, `@` and `/` (and `:` when `keep_colon`).
fn encode_path(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
            || (keep_colon && b == b':');
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `file:` URI for an absolute path (with a trailing `/` when `dir`).
pub fn file_uri(path: &Path, dir: bool) -> String {
    let mut p = path.to_string_lossy().replace('\\', "/");
    if dir && !p.ends_with('/') {
        p.push('/');
    }
    let p = encode_path(&p, true);
    if p.starts_with('/') {
        format!("file://{p}")
    } else {
        format!("file:///{p}")
    }
}

/// Where a file is: relative to `%SRCROOT%` when its display path is
/// relative, a `file:` URI otherwise.
fn artifact(file: &SourceFile) -> ArtifactLocation {
    if file.path.is_absolute() {
        ArtifactLocation::builder()
            .uri(file_uri(&file.path, false))
            .build()
    } else {
        ArtifactLocation::builder()
            .uri(encode_path(&file.display_path(), false))
            .uri_base_id(SRCROOT)
            .build()
    }
}

fn region(file: &SourceFile, span: Span) -> Region {
    let r = range(file, span);
    Region::builder()
        .start_line(i64::from(r.line))
        .start_column(i64::from(r.column))
        .end_line(i64::from(r.end_line))
        .end_column(i64::from(r.end_column))
        .build()
}

fn location(file: &SourceFile, span: Span, message: Option<&str>) -> Location {
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact(file))
        .region(region(file, span))
        .build();
    match message {
        Some(m) => Location::builder()
            .physical_location(physical)
            .message(m)
            .build(),
        None => Location::builder().physical_location(physical).build(),
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn markdown(s: String) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(s.clone())
        .markdown(s)
        .build()
}

fn descriptor(r: &RuleMeta) -> ReportingDescriptor {
    let markdown_doc = r.markdown();
    let what = rule::section(&markdown_doc, "What it does").to_string();
    let configuration = match r.default_severity {
        Some(s) => ReportingConfiguration::builder()
            .level(json!(level(s)))
            .build(),
        None => ReportingConfiguration::builder().enabled(false).build(),
    };
    let mut properties = BTreeMap::new();
    if let Some(s) = r.default_severity {
        properties.insert("security-severity".to_string(), json!(security_severity(s)));
    }
    ReportingDescriptor::builder()
        .id(r.code)
        .name(r.name)
        .short_description(text(r.summary()))
        .full_description(markdown(what))
        .help(markdown(markdown_doc.trim().to_string()))
        .help_uri(r.doc_url())
        .default_configuration(configuration)
        .properties(
            PropertyBag::builder()
                .tags(vec![
                    r.category.as_str().to_string(),
                    "security".to_string(),
                ])
                .additional_properties(properties)
                .build(),
        )
        .build()
}

/// A rule dockhard does not know (should not happen): its code and name only.
fn unknown_descriptor(code: &str, name: &str) -> ReportingDescriptor {
    ReportingDescriptor::builder().id(code).name(name).build()
}

fn fix(d: &Diagnostic, f: &dockhard_rules::Fix) -> Fix {
    let replacements: Vec<_> = f
        .edits
        .iter()
        .map(|e| {
            let deleted = region(&d.file, e.span);
            if e.content.is_empty() {
                serde_sarif::sarif::Replacement::builder()
                    .deleted_region(deleted)
                    .build()
            } else {
                serde_sarif::sarif::Replacement::builder()
                    .deleted_region(deleted)
                    .inserted_content(ArtifactContent::builder().text(e.content.clone()).build())
                    .build()
            }
        })
        .collect();
    let mut properties = BTreeMap::new();
    properties.insert("applicability".to_string(), json!(f.applicability.as_str()));
    Fix::builder()
        .description(Message::builder().text(f.message.clone()).build())
        .artifact_changes(vec![
            ArtifactChange::builder()
                .artifact_location(artifact(&d.file))
                .replacements(replacements)
                .build(),
        ])
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build()
}

fn result(d: &Diagnostic, rule_index: usize, fingerprint: String) -> SarifResult {
    let related: Vec<Location> = d
        .labels
        .iter()
        .zip(1i64..)
        .map(|(l, id)| {
            let file = l.file.as_deref().unwrap_or(&d.file);
            let mut loc = location(file, l.span, Some(&l.message));
            loc.id = Some(id);
            loc
        })
        .collect();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(KEY.to_string(), fingerprint);
    let mut r = SarifResult::builder()
        .rule_id(d.code)
        .rule_index(i64::try_from(rule_index).unwrap_or(-1))
        .level(result_level(d.severity))
        .message(Message::builder().text(d.message.clone()).build())
        .locations(vec![location(&d.file, d.span, d.label.as_deref())])
        .partial_fingerprints(fingerprints)
        .build();
    if !related.is_empty() {
        r.related_locations = Some(related);
    }
    if let Some(f) = &d.fix {
        r.fixes = Some(vec![fix(d, f)]);
    }
    r
}

pub fn sarif(outcome: &Outcome, cwd: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    // The rules with results, in code order, and each one's index.
    let mut codes: Vec<(&'static str, &'static str)> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.code, d.name))
        .collect();
    codes.sort_by_key(|(code, _)| {
        (
            RULES
                .iter()
                .position(|r| r.code == *code)
                .unwrap_or(usize::MAX),
            *code,
        )
    });
    codes.dedup_by_key(|(code, _)| *code);
    let index: BTreeMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (*c, i))
        .collect();
    let rules: Vec<ReportingDescriptor> = codes
        .iter()
        .map(|(code, name)| {
            registry::by_code(code).map_or_else(|| unknown_descriptor(code, name), descriptor)
        })
        .collect();

    let driver = ToolComponent::builder()
        .name("dockhard")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules)
        .build();
    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        SRCROOT.to_string(),
        ArtifactLocation::builder().uri(file_uri(cwd, true)).build(),
    );
    // The run without its results, which are written one at a time.
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(json!("unicodeCodePoints"))
        .original_uri_base_ids(base_ids)
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let Value::Object(log) = serde_json::to_value(&log)? else {
        return Err(std::io::Error::other("a SARIF log is an object"));
    };
    let results = Results {
        diagnostics: &outcome.diagnostics,
        fingerprints: fingerprints(&outcome.diagnostics),
        index,
    };
    serde_json::to_writer_pretty(
        &mut *out,
        &Log {
            log: &log,
            results: &results,
        },
    )?;
    out.write_all(b"\n")
}

/// The results, each built as it is written.
struct Results<'a> {
    diagnostics: &'a [Diagnostic],
    fingerprints: Vec<String>,
    index: BTreeMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.diagnostics.len()))?;
        for (d, fp) in self.diagnostics.iter().zip(&self.fingerprints) {
            let i = self.index.get(d.code).copied().unwrap_or(0);
            seq.serialize_element(&result(d, i, fp.clone()))?;
        }
        seq.end()
    }
}

/// The log with the results put into its one run, where `serde-sarif`
/// would put them (its fields are in alphabetical order).
struct Log<'a> {
    log: &'a Map<String, Value>,
    results: &'a Results<'a>,
}

struct RunWithResults<'a> {
    run: &'a Map<String, Value>,
    results: &'a Results<'a>,
}

impl Serialize for Log<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.log.len()))?;
        for (key, value) in self.log {
            match (key.as_str(), value) {
                ("runs", Value::Array(runs)) => {
                    let runs: Vec<RunWithResults> = runs
                        .iter()
                        .filter_map(Value::as_object)
                        .map(|run| RunWithResults {
                            run,
                            results: self.results,
                        })
                        .collect();
                    map.serialize_entry(key, &runs)?;
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

impl Serialize for RunWithResults<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.run.len() + 1))?;
        let mut written = false;
        for (key, value) in self.run {
            if !written && key.as_str() > "results" {
                map.serialize_entry("results", self.results)?;
                written = true;
            }
            map.serialize_entry(key, value)?;
        }
        if !written {
            map.serialize_entry("results", self.results)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(encode_path("a b/c:d#e%f", false), "a%20b/c%3Ad%23e%25f");
        assert_eq!(encode_path("ç", false), "%C3%A7");
        assert_eq!(
            file_uri(Path::new("/tmp/my dir"), true),
            "file:///tmp/my%20dir/"
        );
        assert_eq!(
            file_uri(Path::new("/tmp/Dockerfile"), false),
            "file:///tmp/Dockerfile"
        );
    }
}
