//! Stable fingerprints of findings, for SARIF `partialFingerprints` and GitLab
//! Code Quality: they survive lines moving (a line added above a finding)
//! but change when the flagged line itself changes.
//!
//! The fingerprint is the SHA-256, in lower-case hex, of the rule code, the
//! display path (forward slashes), the text of the line the primary span
//! starts on (trimmed), and the occurrence index of that same (code, path,
//! line text) triple among the run's findings in order, separated by NUL
//! bytes and preceded by the scheme's name ([`KEY`]).

use std::collections::HashMap;
use std::fmt::Write;

use dockhard_rules::{Diagnostic, SourceFile};
use sha2::{Digest, Sha256};

/// The scheme's name and version: the SARIF `partialFingerprints` key.
pub const KEY: &str = "dockhard/v1";

/// The text of the line `offset` is on, without its line break and without
/// leading or trailing white space.
pub fn line_text(file: &SourceFile, offset: u32) -> &str {
    let offset = offset.min(u32::try_from(file.text.len()).unwrap_or(u32::MAX));
    let line = file.index.line_of(offset);
    let start = file.index.line_start(line) as usize;
    let end = if line + 1 < file.index.line_count() {
        file.index.line_start(line + 1) as usize
    } else {
        file.text.len()
    };
    file.text.get(start..end).unwrap_or("").trim()
}

/// The hasher after the parts every occurrence shares (scheme, code, path,
/// line text).
fn digest_prefix(code: &str, path: &str, line: &str) -> Sha256 {
    let mut hasher = Sha256::new();
    for part in [KEY, code, path, line] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
}

#[cfg(test)]
fn digest(code: &str, path: &str, line: &str, occurrence: usize) -> String {
    finish(digest_prefix(code, path, line), occurrence)
}

fn finish(mut hasher: Sha256, occurrence: usize) -> String {
    hasher.update(occurrence.to_string().as_bytes());
    hasher.update([0u8]);
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize().iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// One fingerprint per diagnostic, in the same order. `diagnostics` must be
/// in the run's order (sorted by path and position) for the occurrence
/// indices to be stable.
///
/// Each distinct line is hashed once per rule and path however many findings
/// it has (a long line with thousands of findings is not hashed thousands of
/// times over).
pub fn fingerprints(diagnostics: &[Diagnostic]) -> Vec<String> {
    // Line texts by identity: (file text, line number) -> an id shared by
    // every line with the same text.
    let mut line_ids: HashMap<(*const u8, usize), usize> = HashMap::new();
    let mut texts: HashMap<&str, usize> = HashMap::new();
    let mut prefixes: HashMap<(&str, String, usize), (Sha256, usize)> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let path = d.file.display_path();
            let offset = d
                .span
                .start
                .min(u32::try_from(d.file.text.len()).unwrap_or(u32::MAX));
            let line_number = d.file.index.line_of(offset);
            let next = texts.len();
            let id = *line_ids
                .entry((d.file.text.as_ptr(), line_number))
                .or_insert_with(|| *texts.entry(line_text(&d.file, offset)).or_insert(next));
            let (prefix, n) =
                prefixes
                    .entry((d.code, path, id))
                    .or_insert_with_key(|(code, path, _)| {
                        (digest_prefix(code, path, line_text(&d.file, offset)), 0)
                    });
            let occurrence = *n;
            *n += 1;
            finish(prefix.clone(), occurrence)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_text_is_trimmed_and_bounded() {
        let f = SourceFile::new("Dockerfile", "FROM a\n  USER root  \r\nRUN x".to_string());
        assert_eq!(line_text(&f, 0), "FROM a");
        assert_eq!(line_text(&f, 10), "USER root");
        assert_eq!(line_text(&f, 23), "RUN x");
        assert_eq!(line_text(&f, 1000), "RUN x");
        let empty = SourceFile::new("Dockerfile", String::new());
        assert_eq!(line_text(&empty, 0), "");
    }

    #[test]
    fn digests_are_hex_and_distinct() {
        let a = digest("DH100", "Dockerfile", "USER root", 0);
        assert_eq!(a.len(), 64);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, digest("DH100", "Dockerfile", "USER root", 1));
        assert_ne!(a, digest("DH101", "Dockerfile", "USER root", 0));
        // The separator keeps fields apart.
        assert_ne!(digest("DH100", "a", "bc", 0), digest("DH100", "ab", "c", 0));
    }
}
