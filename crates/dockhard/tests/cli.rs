//! The binary end to end: discovery, formats, exit codes, stdin, fixes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::{TempDir, codes, dockhard, json, stdout};
use serde_json::Value;

const CLEAN: &str =
    "FROM debian:13-slim\nRUN useradd --system app && chsh -s /usr/sbin/nologin root\nUSER app\n";
const ROOT: &str = "FROM debian:13-slim\nRUN chsh -s /usr/sbin/nologin root\nUSER root\n";
const INFO_ONLY: &str = "FROM debian:13-slim\nUSER nobody\n";

#[test]
fn exit_codes_follow_the_fail_level() {
    let t = TempDir::new("exit");
    t.write("clean/Dockerfile", CLEAN);
    t.write("root/Dockerfile", ROOT);
    t.write("info/Dockerfile", INFO_ONLY);
    assert_eq!(dockhard(&t.0, &["check", "clean"]).status.code(), Some(0));
    assert_eq!(dockhard(&t.0, &["check", "root"]).status.code(), Some(1));
    assert_eq!(dockhard(&t.0, &["check", "info"]).status.code(), Some(0));
    assert_eq!(
        dockhard(&t.0, &["check", "--fail-level", "info", "info"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        dockhard(&t.0, &["check", "--fail-level", "error", "root"])
            .status
            .code(),
        Some(0)
    );
    let missing = dockhard(&t.0, &["check", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope"));
    let bad = dockhard(&t.0, &["check", "--select", "root-usr", "clean"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean `root-user`"));
    assert_eq!(
        dockhard(&t.0, &["check", "--format", "yaml"]).status.code(),
        Some(2)
    );
}

#[test]
fn json_follows_the_contract() {
    let t = TempDir::new("json");
    t.write("app/Dockerfile", ROOT);
    let out = dockhard(&t.0, &["check", "--format", "json", "./app"]);
    let v = json(&out);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["warnings"], 1);
    let d = &v["diagnostics"][0];
    for key in [
        "code",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "fix",
        "related",
    ] {
        assert!(d.get(key).is_some(), "missing {key}: {d}");
    }
    assert_eq!(d["code"], "DH100");
    assert_eq!(d["name"], "root-user");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "app/Dockerfile");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(6))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(3), Some(10))
    );
    assert!(d["fix"].is_null());
}

#[test]
fn paths_outside_the_working_directory_are_absolute() {
    let t = TempDir::new("outside");
    t.write("a/Dockerfile", ROOT);
    t.write("b/x", "");
    let out = dockhard(&t.0.join("b"), &["check", "--format", "json", "../a"]);
    let path = json(&out)["diagnostics"][0]["path"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(Path::new(&path).is_absolute(), "{path}");
    assert!(
        path.ends_with("a/Dockerfile") && !path.contains(".."),
        "{path}"
    );
}

#[test]
fn concise_lines_are_path_line_col_severity_code_message() {
    let t = TempDir::new("concise");
    t.write("Dockerfile", ROOT);
    let out = dockhard(&t.0, &["check", "--format", "concise"]);
    let text = stdout(&out);
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["Dockerfile:3:6: warning[DH100] the container runs as root: `USER root`"]
    );
}

#[test]
fn discovery_respects_gitignore_hidden_dirs_and_names() {
    let t = TempDir::new("walk");
    t.write(".gitignore", "ignored/\n");
    t.write("ignored/Dockerfile", ROOT);
    t.write(".devcontainer/Dockerfile", ROOT);
    t.write(".git/Dockerfile", ROOT);
    t.write("svc/api.Dockerfile", ROOT);
    t.write("svc/Dockerfile.dev", ROOT);
    t.write("svc/Containerfile", ROOT);
    t.write("svc/Dockerfile.dockerignore", "*.md\n");
    t.write("svc/notes.txt", ROOT);
    let out = dockhard(&t.0, &["check", "--format", "json", "--select", "DH100"]);
    let paths: Vec<String> = codes(&json(&out)).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            ".devcontainer/Dockerfile",
            "svc/Containerfile",
            "svc/Dockerfile.dev",
            "svc/api.Dockerfile"
        ]
    );
    // An explicitly named file is linted even if ignored, and sniffed by content.
    let out = dockhard(
        &t.0,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "DH100",
            "ignored/Dockerfile",
            "svc/notes.txt",
        ],
    );
    assert_eq!(codes(&json(&out)).len(), 2);
}

#[test]
fn stdin_with_a_filename() {
    let t = TempDir::new("stdin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockhard"))
        .args([
            "check",
            "--as-of",
            "2026-11-29",
            "--format",
            "concise",
            "--stdin-filename",
            "svc/Dockerfile",
            "-",
        ])
        .current_dir(&t.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(ROOT.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("svc/Dockerfile:3:6: warning[DH100]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unreadable_and_invalid_files_do_not_stop_the_run() {
    let t = TempDir::new("bad");
    t.write(
        "a/Dockerfile",
        b"FROM alpine\nLABEL x=\"caf\xe9\"\n".as_slice(),
    );
    t.write("b/Dockerfile", "FROM alpine\nFROBNICATE\nUSER root\n");
    t.write("c/Dockerfile", ROOT);
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let found = codes(&json(&out));
    assert!(
        found.contains(&("a/Dockerfile".into(), "DH006".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("b/Dockerfile".into(), "DH001".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("b/Dockerfile".into(), "DH100".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("c/Dockerfile".into(), "DH100".into())),
        "{found:?}"
    );
}

#[test]
fn output_is_sorted_and_deterministic() {
    let t = TempDir::new("order");
    for name in ["z", "a", "m", "b/c", "b/a"] {
        t.write(&format!("{name}/Dockerfile"), ROOT);
    }
    let first = stdout(&dockhard(&t.0, &["check", "--format", "concise"]));
    let second = stdout(&dockhard(&t.0, &["check", "--format", "concise"]));
    assert_eq!(first, second);
    let paths: Vec<&str> = first
        .lines()
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(paths.len(), 5);
}

#[test]
fn human_output_has_no_colour_when_piped_and_a_summary() {
    let t = TempDir::new("human");
    t.write("Dockerfile", ROOT);
    let out = dockhard(&t.0, &["check"]);
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "escape codes in piped output");
    assert!(text.contains("DH100(root-user)"));
    assert!(text.contains("[Dockerfile:3:6]"));
    assert!(
        text.contains("Found 0 errors, 1 warning, 0 infos in 1 file ("),
        "{text}"
    );
}

#[test]
fn fix_rewrites_files() {
    let t = TempDir::new("fix");
    let path = t.write(
        "Dockerfile",
        "FROM debian:13-slim\nRUN --network=host sudo apt-get update\nUSER nobody\n",
    );
    // Unsafe fixes are not applied by --fix alone.
    dockhard(&t.0, &["check", "--fix", "--select", "DH701,DH118"]);
    assert!(
        fs::read_to_string(&path)
            .expect("read")
            .contains("--network=host")
    );
    let out = dockhard(
        &t.0,
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "DH701,DH118",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        "FROM debian:13-slim\nRUN apt-get update\nUSER nobody\n"
    );
}

#[test]
fn explain_and_rules() {
    let t = TempDir::new("explain");
    let out = dockhard(&t.0, &["explain", "root-user"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("# DH100 root-user"));
    assert_eq!(dockhard(&t.0, &["explain", "DH999"]).status.code(), Some(2));
    let out = dockhard(&t.0, &["rules", "--format", "json"]);
    let list: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        list.as_array()
            .is_some_and(|a| a.iter().any(|r| r["code"] == "DH102"))
    );
}

const HARDENED_SERVICE: &str = "    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    user: \"10001\"\n    networks: [front]\n    mem_limit: 512m\n    pids_limit: 200\n    cpus: 1\n";
const NETWORKS: &str = "networks:\n  front:\n    driver_opts:\n      com.docker.network.bridge.enable_icc: \"false\"\n";

#[test]
fn compose_projects_merge_overrides_and_workflows_are_not_compose_files() {
    let t = TempDir::new("compose");
    t.write(
        "app/compose.yaml",
        format!("services:\n  web:\n    image: nginx:1.30\n{HARDENED_SERVICE}{NETWORKS}"),
    );
    t.write(
        "app/compose.override.yaml",
        "services:\n  web:\n    privileged: true\n",
    );
    t.write(
        ".github/workflows/ci.yml",
        "jobs:\n  test:\n    services:\n      db:\n        image: postgres:17\n        options: --privileged\n",
    );
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    let v = json(&out);
    // The workflow is read as a workflow: its service's options are
    // `docker create` flags.
    assert_eq!(
        codes(&v),
        [
            (".github/workflows/ci.yml".to_string(), "DH104".to_string()),
            ("app/compose.override.yaml".to_string(), "DH104".to_string())
        ],
        "{v}"
    );
    assert_eq!(v["summary"]["files"], 3);
    assert_eq!(v["diagnostics"][0]["line"], 6);
    assert_eq!(v["diagnostics"][0]["column"], 18);
    assert_eq!(v["diagnostics"][1]["line"], 3);
}

#[test]
fn explicit_compose_file_sets_and_stdin() {
    let t = TempDir::new("compose-set");
    t.write(
        "base.yml",
        format!("services:\n  web:\n    image: nginx:1.30\n{HARDENED_SERVICE}{NETWORKS}"),
    );
    t.write("prod.yml", "services:\n  web:\n    read_only: false\n");
    let out = dockhard(
        &t.0,
        &[
            "check",
            "--format",
            "concise",
            "--compose-file",
            "base.yml",
            "--compose-file",
            "prod.yml",
        ],
    );
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        [
            "prod.yml:3:16: warning[DH200] the root filesystem is explicitly writable (`read_only: false`)"
        ]
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockhard"))
        .args([
            "check",
            "--as-of",
            "2026-11-29",
            "--format",
            "concise",
            "--select",
            "DH104",
            "--stdin-filename",
            "compose.yaml",
            "-",
        ])
        .current_dir(&t.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"services:\n  web:\n    image: x\n    privileged: true\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(
        stdout(&out).starts_with("compose.yaml:4:17: error[DH104]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn compose_user_comes_from_the_dockerfile_it_builds() {
    let t = TempDir::new("compose-build");
    t.write("api/Dockerfile", "FROM alpine:3.22\nUSER root\n");
    t.write("compose.yaml", "services:\n  api:\n    build: ./api\n");
    let out = dockhard(&t.0, &["check", "--format", "json", "--select", "DH100"]);
    let v = json(&out);
    let compose = v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["path"] == "compose.yaml")
        .expect("a compose finding");
    assert_eq!(compose["related"][0]["path"], "api/Dockerfile");
    assert_eq!(compose["related"][0]["line"], 2);
}

#[test]
fn invalid_compose_is_dh002_and_the_run_goes_on() {
    let t = TempDir::new("compose-bad");
    t.write("a/compose.yaml", "services:\n  web:\n    image: [x\n");
    t.write(
        "b/compose.yaml",
        "services:\n  web:\n    image: x\n    privileged: true\n",
    );
    let out = dockhard(
        &t.0,
        &["check", "--format", "json", "--select", "DH002,DH104"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        codes(&json(&out)),
        [
            ("a/compose.yaml".to_string(), "DH002".to_string()),
            ("b/compose.yaml".to_string(), "DH104".to_string())
        ]
    );
}
