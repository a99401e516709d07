//! Configuration files through the binary: discovery (closest wins),
//! `--config`, `--isolated`, every key, command-line precedence, invalid
//! files, and `--require-reason`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{TempDir, codes, dockhard, json, stderr, with_code};

/// DH100 (warning), DH101 (info) in the final stage.
const ROOT: &str = "FROM debian:13-slim\nUSER root\n";
const PRIVILEGED: &str =
    "services:\n  web:\n    image: nginx:1.30\n    privileged: true\n    cap_add: [NET_ADMIN]\n";

fn found(t: &TempDir, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let out = dockhard(&t.0, &all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    let mut c = codes(&json(&out));
    c.sort();
    c
}

fn has(found: &[(String, String)], path: &str, code: &str) -> bool {
    found.iter().any(|(p, c)| p == path && c == code)
}

#[test]
fn the_closest_configuration_wins() {
    let t = TempDir::new("closest");
    t.write("dockhard.toml", "ignore = [\"DH101\"]\n");
    t.write("Dockerfile", ROOT);
    t.write("sub/.dockhard.toml", "ignore = [\"DH100\"]\n");
    t.write("sub/Dockerfile", ROOT);
    let f = found(&t, &[]);
    assert!(has(&f, "Dockerfile", "DH100"), "{f:?}");
    assert!(!has(&f, "Dockerfile", "DH101"), "{f:?}");
    // The closest file replaces the outer one (no merging without `extend`).
    assert!(!has(&f, "sub/Dockerfile", "DH100"), "{f:?}");
    assert!(has(&f, "sub/Dockerfile", "DH101"), "{f:?}");
}

#[test]
fn extend_inherits_from_another_file() {
    let t = TempDir::new("extend");
    t.write("base.toml", "ignore = [\"DH101\"]\n");
    t.write(
        "sub/dockhard.toml",
        "extend = \"../base.toml\"\nignore = [\"DH100\"]\n",
    );
    t.write("sub/Dockerfile", ROOT);
    let f = found(&t, &[]);
    assert!(!has(&f, "sub/Dockerfile", "DH100"), "{f:?}");
    assert!(!has(&f, "sub/Dockerfile", "DH101"), "{f:?}");
}

#[test]
fn explicit_config_and_isolated() {
    let t = TempDir::new("explicit");
    t.write("dockhard.toml", "ignore = [\"DH100\"]\n");
    t.write("other.toml", "ignore = [\"DH101\"]\n");
    t.write("Dockerfile", ROOT);
    let f = found(&t, &["--config", "other.toml"]);
    assert!(
        has(&f, "Dockerfile", "DH100") && !has(&f, "Dockerfile", "DH101"),
        "{f:?}"
    );
    let f = found(&t, &["--isolated"]);
    assert!(
        has(&f, "Dockerfile", "DH100") && has(&f, "Dockerfile", "DH101"),
        "{f:?}"
    );
    let out = dockhard(&t.0, &["check", "--config", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.toml"), "{}", stderr(&out));
}

#[test]
fn select_by_code_name_prefix_category_and_all() {
    let t = TempDir::new("select");
    t.write("Dockerfile", ROOT);
    t.write("compose.yaml", PRIVILEGED);
    for (select, want, not) in [
        ("\"DH104\"", "DH104", "DH100"),
        ("\"privileged\"", "DH104", "DH100"),
        ("\"DH10\"", "DH100", "DH200"),
        ("\"filesystem\"", "DH200", "DH100"),
        ("\"all\"", "DH100", "DH002"),
    ] {
        t.write("dockhard.toml", format!("select = [{select}]\n"));
        let f = found(&t, &[]);
        assert!(f.iter().any(|(_, c)| c == want), "{select}: {f:?}");
        assert!(!f.iter().any(|(_, c)| c == not), "{select}: {f:?}");
    }
}

#[test]
fn ignore_beats_select_and_the_more_specific_wins() {
    let t = TempDir::new("specific");
    t.write("Dockerfile", ROOT);
    // A prefix is ignored but a code under it is selected: the code wins.
    t.write(
        "dockhard.toml",
        "select = [\"DH100\"]\nignore = [\"DH1\"]\n",
    );
    let f = found(&t, &[]);
    assert!(
        has(&f, "Dockerfile", "DH100") && !has(&f, "Dockerfile", "DH101"),
        "{f:?}"
    );
    // At equal specificity, ignore wins.
    t.write(
        "dockhard.toml",
        "select = [\"DH100\"]\nignore = [\"DH100\"]\n",
    );
    let f = found(&t, &[]);
    assert!(!has(&f, "Dockerfile", "DH100"), "{f:?}");
}

#[test]
fn extend_select_turns_on_an_off_by_default_rule() {
    let t = TempDir::new("extend-select");
    t.write(
        "Dockerfile",
        "FROM debian:13-slim\n# dockhard ignore=DH100\nUSER root\n",
    );
    assert!(!has(&found(&t, &[]), "Dockerfile", "DH007"));
    t.write("dockhard.toml", "extend-select = [\"DH007\"]\n");
    assert!(has(&found(&t, &[]), "Dockerfile", "DH007"));
}

#[test]
fn per_file_ignores_match_globs_from_the_config_directory() {
    let t = TempDir::new("per-file");
    t.write(
        "dockhard.toml",
        "[per-file-ignores]\n\"test/**\" = [\"DH100\"]\n\"*.compose.yaml\" = [\"privilege\"]\n",
    );
    t.write("Dockerfile", ROOT);
    t.write("test/fixtures/Dockerfile", ROOT);
    t.write("dev.compose.yaml", PRIVILEGED);
    let f = found(&t, &[]);
    assert!(has(&f, "Dockerfile", "DH100"), "{f:?}");
    assert!(!has(&f, "test/fixtures/Dockerfile", "DH100"), "{f:?}");
    assert!(has(&f, "test/fixtures/Dockerfile", "DH101"), "{f:?}");
    assert!(!has(&f, "dev.compose.yaml", "DH104"), "{f:?}");
    assert!(has(&f, "dev.compose.yaml", "DH200"), "{f:?}");
}

#[test]
fn severity_overrides_show_in_the_report_and_the_exit_code() {
    let t = TempDir::new("severity");
    t.write("Dockerfile", ROOT);
    t.write(
        "dockhard.toml",
        "[severity]\nDH100 = \"info\"\nroot-login-shell = \"error\"\n",
    );
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    let v = json(&out);
    let sev = |code: &str| {
        with_code(&v, code)
            .first()
            .map(|d| d["severity"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(sev("DH100").as_deref(), Some("info"));
    assert_eq!(sev("DH101").as_deref(), Some("error"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn fail_level_from_the_file_and_the_command_line() {
    let t = TempDir::new("fail-level");
    t.write("Dockerfile", ROOT); // a warning and an info
    assert_eq!(dockhard(&t.0, &["check"]).status.code(), Some(1));
    t.write("dockhard.toml", "fail-level = \"error\"\n");
    assert_eq!(dockhard(&t.0, &["check"]).status.code(), Some(0));
    // The command line overrides the file.
    let out = dockhard(&t.0, &["check", "--fail-level", "info"]);
    assert_eq!(out.status.code(), Some(1));
    t.write(
        "dockhard.toml",
        "fail-level = \"never\"\n[severity]\nDH100 = \"error\"\n",
    );
    assert_eq!(dockhard(&t.0, &["check"]).status.code(), Some(0));
}

#[test]
fn allowed_capabilities_silence_dh107_for_those_only() {
    let t = TempDir::new("caps");
    t.write(
        "compose.yaml",
        "services:\n  vpn:\n    image: wg:1\n    cap_add: [NET_ADMIN, SYS_MODULE]\n",
    );
    let count = |t: &TempDir| {
        found(t, &["--select", "DH107"])
            .iter()
            .filter(|(_, c)| c == "DH107")
            .count()
    };
    assert_eq!(count(&t), 2);
    t.write(
        "dockhard.toml",
        "allowed-capabilities = [\"cap_net_admin\"]\n",
    );
    assert_eq!(count(&t), 1);
}

#[test]
fn trusted_registries_and_as_of_are_validated() {
    let t = TempDir::new("options");
    t.write("Dockerfile", ROOT);
    t.write(
        "dockhard.toml",
        "trusted-registries = [\"registry.example.com\"]\nas-of = \"2026-11-28\"\n",
    );
    assert_eq!(dockhard(&t.0, &["check"]).status.code(), Some(1));
    t.write("dockhard.toml", "as-of = \"2026-13-01\"\n");
    let out = dockhard(&t.0, &["check"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_invalid_config_is_a_spanned_error_and_exit_2() {
    let t = TempDir::new("invalid");
    t.write("Dockerfile", ROOT);
    t.write(
        "dockhard.toml",
        "select = [\"DH100\"]\nignore = [\"DH1OO\"]\n",
    );
    let out = dockhard(&t.0, &["check", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("dockhard.toml"), "{err}");
    assert!(err.contains("DH1OO"), "{err}");
    // miette's source excerpt: the line and its number.
    assert!(err.contains("2 │ ignore = [\"DH1OO\"]"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "nothing is linted with a broken config"
    );
}

#[test]
fn command_line_selectors_override_the_file() {
    let t = TempDir::new("cli-wins");
    t.write("Dockerfile", ROOT);
    t.write("dockhard.toml", "select = [\"DH101\"]\n");
    let f = found(&t, &["--select", "DH100"]);
    assert!(
        has(&f, "Dockerfile", "DH100") && !has(&f, "Dockerfile", "DH101"),
        "{f:?}"
    );
    // --ignore adds to the file's ignores.
    let f = found(&t, &["--ignore", "DH101"]);
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn require_reason_reports_suppressions_without_one() {
    let t = TempDir::new("reason");
    t.write(
        "Dockerfile",
        "FROM debian:13-slim\n# dockhard ignore=DH101 -- no shell in this image\n# dockhard ignore=DH100\nUSER root\n",
    );
    let f = found(&t, &[]);
    assert!(!has(&f, "Dockerfile", "DH007"), "{f:?}");
    let out = dockhard(&t.0, &["check", "--format", "json", "--require-reason"]);
    let v = json(&out);
    let dh007 = with_code(&v, "DH007");
    assert_eq!(dh007.len(), 1, "{v}");
    assert_eq!(dh007[0]["line"], 3);
}

#[test]
fn findings_in_an_extended_file_follow_that_files_configuration() {
    let t = TempDir::new("project-files");
    // The service extends one defined under shared/, whose configuration
    // ignores DH104 there; the finding is written in shared/base.yaml.
    t.write(
        "app/compose.yaml",
        "services:\n  web:\n    extends:\n      file: ../shared/base.yaml\n      service: base\n",
    );
    t.write(
        "shared/base.yaml",
        "services:\n  base:\n    image: nginx:1.30\n    privileged: true\n",
    );
    let f = found(&t, &["--select", "DH104", "app"]);
    assert!(has(&f, "shared/base.yaml", "DH104"), "{f:?}");
    t.write("shared/dockhard.toml", "ignore = [\"DH104\"]\n");
    let f = found(&t, &["--select", "DH104", "app"]);
    assert!(!has(&f, "shared/base.yaml", "DH104"), "{f:?}");
    // A per-file-ignore in the base file's configuration reaches it too.
    t.write("shared/dockhard.toml", "");
    t.write(
        "dockhard.toml",
        "[per-file-ignores]\n\"shared/*.yaml\" = [\"privileged\"]\n",
    );
    let f = found(&t, &["--select", "DH104", "app"]);
    assert!(
        has(&f, "shared/base.yaml", "DH104"),
        "the closest (empty) config applies: {f:?}"
    );
    std::fs::remove_file(t.0.join("shared/dockhard.toml")).expect("remove");
    let f = found(&t, &["--select", "DH104", "app"]);
    assert!(!has(&f, "shared/base.yaml", "DH104"), "{f:?}");
}
