//! `--format github`: GitHub Actions workflow commands, which the runner turns
//! into annotations on the pull request.

use dockhard_rules::Severity;

use super::range;
use crate::outcome::Outcome;

/// Escapes a command's message (GitHub's `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (GitHub's `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE name::message`
pub fn github(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let r = range(&d.file, d.span);
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            command(d.severity),
            escape_property(&d.file.display_path()),
            r.line,
            r.column,
            r.end_line,
            r.end_column,
            escape_property(&format!("{} {}", d.code, d.name)),
            escape_data(&d.message),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(
            escape_property("50% a\r\nb: c, d"),
            "50%25 a%0D%0Ab%3A c%2C d"
        );
    }
}
