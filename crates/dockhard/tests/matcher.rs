//! The GitHub problem matcher (`.github/dockhard-matcher.json`) applied to
//! real `--format concise` output: every error and warning line is matched,
//! and what it captures is what the JSON report says. Info findings are left
//! to the summary (a problem matcher knows only errors and warnings).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{TempDir, dockhard, json, stdout};
use regex::Regex;
use serde_json::Value;

fn matcher() -> (Regex, Value) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../.github/dockhard-matcher.json"
    );
    let text = std::fs::read_to_string(path).expect("the matcher file");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let pattern = v["problemMatcher"][0]["pattern"][0].clone();
    assert_eq!(v["problemMatcher"][0]["owner"], "dockhard");
    let re = Regex::new(pattern["regexp"].as_str().expect("regexp")).expect("a valid regex");
    (re, pattern)
}

#[test]
fn the_matcher_reads_concise_output() {
    let (re, pattern) = matcher();
    let group = |name: &str| pattern[name].as_u64().expect("group index") as usize;
    let t = TempDir::new("matcher");
    // Findings of every severity, in a path with spaces and a colon-free
    // compose file; a message with colons and brackets.
    t.write("my app/Dockerfile", "FROM debian:13-slim\nUSER root\n");
    t.write(
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.30\n    privileged: true\n    cap_add: [SYS_ADMIN]\n",
    );
    let concise = dockhard(&t.0, &["check", "--format", "concise"]);
    assert_eq!(concise.status.code(), Some(1));
    let report = json(&dockhard(&t.0, &["check", "--format", "json"]));
    let diagnostics = report["diagnostics"].as_array().expect("array");
    let lines: Vec<String> = stdout(&concise).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), diagnostics.len(), "{lines:?}");
    let mut matched = 0;
    for (line, d) in lines.iter().zip(diagnostics) {
        let severity = d["severity"].as_str().expect("severity");
        match re.captures(line) {
            Some(c) => {
                assert_ne!(severity, "info", "{line}");
                assert_eq!(
                    &c[group("file")],
                    d["path"].as_str().expect("path"),
                    "{line}"
                );
                assert_eq!(
                    c[group("line")].parse::<u64>().ok(),
                    d["line"].as_u64(),
                    "{line}"
                );
                assert_eq!(
                    c[group("column")].parse::<u64>().ok(),
                    d["column"].as_u64(),
                    "{line}"
                );
                assert_eq!(&c[group("severity")], severity, "{line}");
                assert_eq!(
                    &c[group("code")],
                    d["code"].as_str().expect("code"),
                    "{line}"
                );
                assert_eq!(
                    &c[group("message")],
                    d["message"].as_str().expect("msg"),
                    "{line}"
                );
                matched += 1;
            }
            None => assert_eq!(severity, "info", "an unmatched {severity}: {line}"),
        }
    }
    assert!(matched >= 3, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("my app/Dockerfile:2:6: warning[DH100]"))
    );
    assert!(lines.iter().any(|l| l.contains("error[DH104]")));
}
