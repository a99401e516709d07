//! `--format checkstyle` and `--format junit`, and the XML escaping they share.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dockhard_rules::{Diagnostic, Severity};

use super::range;
use crate::outcome::Outcome;

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Escapes text for an XML attribute value or element content. Characters
/// XML 1.0 cannot carry at all (C0 controls other than tab, line feed and
/// carriage return; U+FFFE, U+FFFF) become U+FFFD; tab, line feed and
/// carriage return are written as references so attribute values keep them.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            // Allowed, but discouraged as literal characters: write them as references.
            c if ('\u{7F}'..='\u{9F}').contains(&c) => {
                out.push_str(&format!("&#x{:X};", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// Every linted file (and every file a finding is in), with its findings in order.
fn by_file(outcome: &Outcome) -> BTreeMap<PathBuf, Vec<&Diagnostic>> {
    let mut files: BTreeMap<PathBuf, Vec<&Diagnostic>> = outcome
        .files
        .iter()
        .map(|p| (p.clone(), Vec::new()))
        .collect();
    for d in &outcome.diagnostics {
        files.entry(d.file.path.clone()).or_default().push(d);
    }
    files
}

fn display(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn checkstyle_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Checkstyle XML: one `<file>` per linted file, one `<error>` per finding.
pub fn checkstyle(outcome: &Outcome) -> String {
    let mut out = String::from(DECLARATION);
    out.push_str("<checkstyle version=\"4.3\">\n");
    for (path, diagnostics) in by_file(outcome) {
        let name = escape(&display(&path));
        if diagnostics.is_empty() {
            out.push_str(&format!("  <file name=\"{name}\"/>\n"));
            continue;
        }
        out.push_str(&format!("  <file name=\"{name}\">\n"));
        for d in diagnostics {
            let r = range(&d.file, d.span);
            out.push_str(&format!(
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"dockhard.{}\"/>\n",
                r.line,
                r.column,
                checkstyle_severity(d.severity),
                escape(&d.message),
                escape(d.code),
            ));
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// JUnit XML: a `<testsuite>` per linted file, a failing `<testcase>` per
/// finding, and one passing `<testcase>` for a file without findings.
pub fn junit(outcome: &Outcome) -> String {
    let files = by_file(outcome);
    let failures = outcome.diagnostics.len();
    let tests: usize = files.values().map(|ds| ds.len().max(1)).sum();
    let mut out = String::from(DECLARATION);
    out.push_str(&format!(
        "<testsuites name=\"dockhard\" tests=\"{tests}\" failures=\"{failures}\">\n"
    ));
    for (path, diagnostics) in &files {
        let name = escape(&display(path));
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\">\n",
            diagnostics.len().max(1),
            diagnostics.len()
        ));
        if diagnostics.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"no findings\" classname=\"{name}\"/>\n"
            ));
        }
        for d in diagnostics {
            let r = range(&d.file, d.span);
            let body = format!(
                "{}:{}:{}: {}",
                d.file.display_path(),
                r.line,
                r.column,
                d.message
            );
            out.push_str(&format!(
                "    <testcase name=\"{} {}\" classname=\"{name}\">\n",
                escape(d.code),
                escape(d.name)
            ));
            out.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                escape(&d.message),
                d.severity.as_str(),
                escape(&body)
            ));
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape(r#"a & b < c > d "e" 'f'"#),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"
        );
        assert_eq!(escape("x\ty\nz\r"), "x&#9;y&#10;z&#13;");
        assert_eq!(escape("\u{0}\u{1}\u{1b}[1m"), "\u{FFFD}\u{FFFD}\u{FFFD}[1m");
        assert_eq!(escape("\u{7f}\u{85}"), "&#x7F;&#x85;");
        assert_eq!(escape("çé ✓"), "çé ✓");
    }
}
