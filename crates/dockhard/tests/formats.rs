//! The report formats for other tools (sarif, checkstyle, junit, gitlab,
//! github) against golden files, their well-formedness, fingerprint
//! stability, and `--output`.
//!
//! The golden files are in `tests/golden/`; `UPDATE_GOLDEN=1 cargo test -p
//! dockhard --test formats` rewrites them. Before comparing, the version is
//! replaced by `<VERSION>` and the temporary directory by `<TMP>`; in SARIF the
//! rule documentation (checked here against the registry) is replaced by a
//! placeholder, so that editing a rule's doc does not touch these files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A Dockerfile with an info (DH101), a fixable warning (DH701, unsafe fix)
/// and a warning (DH100).
const DOCKERFILE: &str = "FROM debian:13-slim\nRUN --network=host apt-get update\nUSER root\n";
/// No findings.
const CLEAN: &str =
    "FROM debian:13-slim\nRUN useradd --system app && chsh -s /usr/sbin/nologin root\nUSER app\n";
/// `privileged: true` through an anchor: DH104 with a secondary label.
const COMPOSE: &str = "x-common: &common\n  privileged: true\nservices:\n  web:\n    image: nginx:1.30\n    <<: *common\n";

/// The rules these inputs exercise; selecting them keeps the golden files
/// stable when rules are added.
const SELECT: &str = "--select=DH100,DH101,DH104,DH701";

mod common;
use common::{TempDir, dockhard};

/// The fixed set of inputs.
fn sample(name: &str) -> TempDir {
    let t = TempDir::new(name);
    t.write("Dockerfile", DOCKERFILE);
    t.write("clean/Dockerfile", CLEAN);
    t.write("compose.yaml", COMPOSE);
    t
}

/// Runs `dockhard check . --format FORMAT` on the sample; the findings make
/// it exit 1.
fn report(t: &TempDir, format: &str) -> String {
    let o = dockhard(&t.0, &["check", ".", SELECT, "--format", format]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{format}: stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 report")
}

fn normalise(text: &str, tmp: &Path) -> String {
    let version = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
    text.replace(&tmp.to_string_lossy().replace('\\', "/"), "<TMP>")
        .replace(&version, "\"<VERSION>\"")
}

fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn check_golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from its golden file from line {}:\n  expected: {:?}\n  actual:   {:?}\n\
             whole output:\n{actual}\n(UPDATE_GOLDEN=1 rewrites the golden files)",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line),
        );
    }
}

/// Checks the rule documentation in a SARIF log against the registry and
/// replaces it with placeholders.
fn elide_rule_docs(sarif: &mut Value) {
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .expect("rules");
    for rule in rules {
        let code = rule["id"].as_str().expect("rule id").to_string();
        let meta = dockhard_rules::registry::by_code(&code).expect("known rule");
        let doc = meta.markdown();
        assert_eq!(rule["shortDescription"]["text"], meta.summary(), "{code}");
        assert_eq!(rule["help"]["markdown"], doc.trim(), "{code}");
        assert_eq!(rule["help"]["text"], doc.trim(), "{code}");
        assert_eq!(
            rule["fullDescription"]["markdown"],
            dockhard_rules::rule::section(&doc, "What it does"),
            "{code}"
        );
        assert_eq!(rule["helpUri"], meta.doc_url(), "{code}");
        rule["shortDescription"]["text"] = format!("<summary of {code}>").into();
        rule["fullDescription"]["text"] = format!("<what {code} does>").into();
        rule["fullDescription"]["markdown"] = format!("<what {code} does>").into();
        rule["help"]["text"] = format!("<doc of {code}>").into();
        rule["help"]["markdown"] = format!("<doc of {code}>").into();
    }
}

#[test]
fn formats_match_their_golden_files() {
    let t = sample("golden");
    for (format, file) in [
        ("checkstyle", "checkstyle.xml"),
        ("junit", "junit.xml"),
        ("gitlab", "gitlab.json"),
        ("github", "github.txt"),
    ] {
        check_golden(file, &normalise(&report(&t, format), &t.0));
    }
    let mut sarif: Value = serde_json::from_str(&report(&t, "sarif")).expect("SARIF is JSON");
    elide_rule_docs(&mut sarif);
    let mut text = serde_json::to_string_pretty(&sarif).unwrap();
    text.push('\n');
    check_golden("sarif.json", &normalise(&text, &t.0));
}

#[test]
fn sarif_parses_as_sarif_2_1_0() {
    use serde_sarif::sarif::{ResultLevel, Sarif};

    let t = sample("sarif");
    let text = report(&t, "sarif");
    let raw: Value = serde_json::from_str(&text).unwrap();
    assert!(
        raw["$schema"]
            .as_str()
            .unwrap()
            .contains("sarif-schema-2.1.0")
    );
    assert_eq!(raw["version"], "2.1.0");

    let log: Sarif = serde_json::from_str(&text).expect("parses as serde_sarif's Sarif");
    assert_eq!(log.runs.len(), 1);
    let run = &log.runs[0];
    let driver = &run.tool.driver;
    assert_eq!(driver.name, "dockhard");
    assert_eq!(driver.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    assert!(driver.information_uri.is_some());
    let rules = driver.rules.as_ref().expect("rules");
    let results = run.results.as_ref().expect("results");
    assert_eq!(results.len(), 4);
    assert_eq!(rules.len(), 4, "one rule per code with a result");

    let mut fixes = 0;
    for r in results {
        let index = usize::try_from(r.rule_index.expect("ruleIndex")).unwrap();
        assert_eq!(Some(&rules[index].id), r.rule_id.as_ref());
        assert!(
            r.partial_fingerprints
                .as_ref()
                .unwrap()
                .contains_key("dockhard/v1")
        );
        let loc = r.locations.as_ref().unwrap()[0]
            .physical_location
            .as_ref()
            .unwrap();
        let artifact = loc.artifact_location.as_ref().unwrap();
        assert_eq!(artifact.uri_base_id.as_deref(), Some("%SRCROOT%"));
        let region = loc.region.as_ref().unwrap();
        assert!(region.start_line.unwrap() >= 1 && region.start_column.unwrap() >= 1);
        assert!(region.end_line.unwrap() >= region.start_line.unwrap());
        for f in r.fixes.iter().flatten() {
            fixes += 1;
            let change = &f.artifact_changes[0];
            assert_eq!(change.artifact_location.uri.as_deref(), Some("Dockerfile"));
            assert_eq!(change.replacements.len(), 1);
            assert!(
                change.replacements[0].inserted_content.is_none(),
                "a deletion"
            );
        }
        match r.rule_id.as_deref() {
            Some("DH104") => {
                assert_eq!(r.level, Some(ResultLevel::Error));
                let related = r.related_locations.as_ref().expect("secondary label");
                assert_eq!(related.len(), 1);
                assert_eq!(related[0].id, Some(1));
                let region = related[0]
                    .physical_location
                    .as_ref()
                    .unwrap()
                    .region
                    .as_ref()
                    .unwrap();
                assert_eq!(region.start_line, Some(2), "the anchored value");
            }
            Some("DH101") => assert_eq!(r.level, Some(ResultLevel::Note)),
            Some("DH100" | "DH701") => assert_eq!(r.level, Some(ResultLevel::Warning)),
            other => panic!("unexpected rule {other:?}"),
        }
    }
    assert_eq!(fixes, 1);
    let base = &run.original_uri_base_ids.as_ref().unwrap()["%SRCROOT%"];
    assert!(base.uri.as_deref().unwrap().starts_with("file:///"));
    assert!(base.uri.as_deref().unwrap().ends_with('/'));
}

#[test]
fn xml_formats_are_well_formed() {
    let t = sample("xml");

    let text = report(&t, "checkstyle");
    let doc = roxmltree::Document::parse(&text).expect("checkstyle is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    assert_eq!(root.attribute("version"), Some("4.3"));
    let errors: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .collect();
    assert_eq!(errors.len(), 4);
    let dh101 = errors
        .iter()
        .find(|e| e.attribute("source") == Some("dockhard.DH101"))
        .unwrap();
    assert_eq!(
        dh101.attribute("message"),
        Some("root's login shell is not disabled in the final stage"),
        "the apostrophe survives escaping"
    );

    let text = report(&t, "junit");
    let doc = roxmltree::Document::parse(&text).expect("junit is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("name"), Some("dockhard"));
    assert_eq!(root.attribute("tests"), Some("5"));
    assert_eq!(root.attribute("failures"), Some("4"));
    let suites: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(
        suites,
        ["Dockerfile", "clean/Dockerfile", "compose.yaml"],
        "a suite for every linted file"
    );
    let failures = root
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, 4);
}

#[test]
fn odd_paths_are_escaped() {
    let t = TempDir::new("odd");
    t.write("a, b & c: d/Dockerfile", "FROM debian:13-slim\nUSER root\n");
    let args = ["check", ".", "--select=DH100"];

    let o = dockhard(&t.0, &[&args[..], &["--format", "checkstyle"]].concat());
    let text = String::from_utf8(o.stdout).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed");
    let file = doc.descendants().find(|n| n.has_tag_name("file")).unwrap();
    assert_eq!(file.attribute("name"), Some("a, b & c: d/Dockerfile"));

    let o = dockhard(&t.0, &[&args[..], &["--format", "junit"]].concat());
    roxmltree::Document::parse(&String::from_utf8(o.stdout).unwrap()).expect("well-formed");

    let o = dockhard(&t.0, &[&args[..], &["--format", "github"]].concat());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.starts_with("::warning file=a%2C b & c%3A d/Dockerfile,line=2,col=6,"),
        "{text}"
    );

    let o = dockhard(&t.0, &[&args[..], &["--format", "sarif"]].concat());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a,%20b%20&%20c%3A%20d/Dockerfile"
    );
}

fn gitlab_issues(t: &TempDir) -> Vec<Value> {
    let v: Value = serde_json::from_str(&report(t, "gitlab")).expect("gitlab is JSON");
    v.as_array().expect("an array").clone()
}

#[test]
fn gitlab_is_code_quality_json() {
    let t = sample("gitlab");
    let issues = gitlab_issues(&t);
    assert_eq!(issues.len(), 4);
    let mut fingerprints = HashSet::new();
    for i in &issues {
        assert!(i["description"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(
            i["check_name"]
                .as_str()
                .is_some_and(|s| s.starts_with("DH"))
        );
        let severity = i["severity"].as_str().unwrap();
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&severity),
            "{severity}"
        );
        assert!(i["location"]["path"].is_string());
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(i["location"]["lines"]["end"].as_u64() >= i["location"]["lines"]["begin"].as_u64());
        let fp = i["fingerprint"].as_str().unwrap();
        assert_eq!(fp.len(), 64);
        assert!(fingerprints.insert(fp.to_string()), "duplicate fingerprint");
    }
}

#[test]
fn github_lines_are_workflow_commands() {
    let t = sample("github");
    let text = report(&t, "github");
    let re = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=DH\d{3} [a-z0-9-]+::[^\r\n]+$",
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    for line in lines {
        assert!(re.is_match(line), "not a workflow command: {line}");
    }
    assert!(text.contains("::notice file=Dockerfile,line=1,"));
    assert!(text.contains("::error file=compose.yaml,line=6,col=9,"));
}

#[test]
fn output_writes_the_report_to_a_file() {
    let t = sample("output");
    let expected = report(&t, "sarif");
    for flag in ["--output", "-o"] {
        let o = dockhard(
            &t.0,
            &[
                "check",
                ".",
                SELECT,
                "--format",
                "sarif",
                flag,
                "report.sarif",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "exit code unchanged");
        assert!(o.stdout.is_empty(), "stdout is not a terminal: quiet");
        assert_eq!(
            fs::read_to_string(t.0.join("report.sarif")).unwrap(),
            expected
        );
    }
    // Overwrites; and a clean run exits 0.
    let o = dockhard(
        &t.0,
        &["check", "clean", "--format", "gitlab", "-o", "report.sarif"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    assert_eq!(
        fs::read_to_string(t.0.join("report.sarif")).unwrap(),
        "[]\n"
    );
    // A file that cannot be written is an error of the run.
    let o = dockhard(&t.0, &["check", ".", "-o", "no/such/dir/report.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot write the report"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn sarif_fingerprints(t: &TempDir) -> (Vec<String>, Vec<i64>) {
    let v: Value = serde_json::from_str(&report(t, "sarif")).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let fps = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["dockhard/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let lines = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_i64()
                .unwrap()
        })
        .collect();
    (fps, lines)
}

#[test]
fn fingerprints_survive_lines_moving() {
    let t = sample("fingerprints");
    let before = gitlab_issues(&t);
    let (sarif_before, lines_before) = sarif_fingerprints(&t);

    t.write("Dockerfile", format!("\n{DOCKERFILE}"));
    let after = gitlab_issues(&t);
    let (sarif_after, lines_after) = sarif_fingerprints(&t);

    let fp = |v: &[Value]| -> Vec<String> {
        v.iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let begin = |v: &[Value]| -> Vec<u64> {
        v.iter()
            .map(|i| i["location"]["lines"]["begin"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(begin(&before), [1, 2, 3, 6]);
    assert_eq!(
        begin(&after),
        [2, 3, 4, 6],
        "the Dockerfile's findings moved"
    );
    assert_eq!(fp(&before), fp(&after), "gitlab fingerprints unchanged");
    assert_ne!(lines_before, lines_after);
    assert_eq!(sarif_before, sarif_after, "SARIF fingerprints unchanged");
    assert_eq!(sarif_before, fp(&before), "one scheme for both formats");

    // Changing the flagged line changes its fingerprint (only its own).
    t.write(
        "Dockerfile",
        DOCKERFILE.replace("apt-get update", "apt-get update -q"),
    );
    let changed = fp(&gitlab_issues(&t));
    assert_eq!(changed[0], fp(&before)[0]);
    assert_ne!(changed[1], fp(&before)[1]);
    assert_eq!(changed[2..], fp(&before)[2..]);
}

#[test]
fn identical_lines_get_distinct_fingerprints() {
    let t = TempDir::new("repeat");
    let line = "RUN --network=host apt-get update\n";
    t.write("Dockerfile", format!("FROM debian:13-slim\n{line}{line}"));
    let o = dockhard(
        &t.0,
        &["check", ".", "--select=DH701", "--format", "gitlab"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let fps: HashSet<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), 2);
}
