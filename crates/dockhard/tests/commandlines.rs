//! Command-line inputs through the binary: found by name and by shebang,
//! `--kind` forcing one, standard input, GitLab CI includes, and the
//! deploy script of the issue that started it.

mod common;

use common::{TempDir, codes, dockhard, json, stderr, with_code};

const PRIVILEGED_SOCKET: &str =
    "docker run --privileged -v /var/run/docker.sock:/var/run/docker.sock app\n";

#[test]
fn a_deploy_script_gets_what_a_compose_service_would() {
    let t = TempDir::new("deploy-script");
    t.write(
        "deploy.sh",
        format!("#!/bin/sh\nset -e\n{PRIVILEGED_SOCKET}"),
    );
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let found: Vec<String> = codes(&v).into_iter().map(|(_, c)| c).collect();
    for code in ["DH104", "DH105", "DH106", "DH200", "DH301"] {
        assert!(found.iter().any(|c| c == code), "{code} missing: {found:?}");
    }
    // The flag at its own line and column; missing measures at `docker`.
    let privileged = with_code(&v, "DH104")[0];
    assert_eq!(
        (privileged["line"].as_u64(), privileged["column"].as_u64()),
        (Some(3), Some(12))
    );
    let missing = with_code(&v, "DH105")[0];
    assert_eq!(
        (missing["line"].as_u64(), missing["column"].as_u64()),
        (Some(3), Some(1))
    );
}

#[test]
fn kinds_by_name_shebang_and_forced() {
    let t = TempDir::new("kinds");
    t.write(
        "bin/deploy",
        format!("#!/usr/bin/env bash\n{PRIVILEGED_SOCKET}"),
    );
    t.write("bin/notes", PRIVILEGED_SOCKET);
    t.write("Makefile", format!("run:\n\t{PRIVILEGED_SOCKET}"));
    t.write(
        "ops/app.service",
        format!("[Service]\nExecStart=/usr/bin/{PRIVILEGED_SOCKET}"),
    );
    t.write(
        ".github/workflows/ci.yml",
        format!("jobs:\n  a:\n    steps:\n      - run: {PRIVILEGED_SOCKET}"),
    );
    let out = dockhard(&t.0, &["check", "--format", "json", "--select", "DH104"]);
    let v = json(&out);
    let mut files: Vec<String> = codes(&v).into_iter().map(|(p, _)| p).collect();
    files.sort();
    // A file without an extension and without a shebang is not read.
    assert_eq!(
        files,
        [
            ".github/workflows/ci.yml",
            "Makefile",
            "bin/deploy",
            "ops/app.service"
        ]
    );
    // `--kind` forces it.
    let out = dockhard(
        &t.0,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "DH104",
            "--kind",
            "script",
            "bin/notes",
        ],
    );
    assert_eq!(
        codes(&json(&out)),
        [("bin/notes".to_string(), "DH104".to_string())]
    );
    // Standard input, named by `--stdin-filename`.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockhard"))
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "DH104",
            "--stdin-filename",
            "x/run.sh",
            "-",
        ])
        .current_dir(&t.0)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            if let Some(stdin) = child.stdin.as_mut() {
                stdin.write_all(PRIVILEGED_SOCKET.as_bytes())?;
            }
            child.wait_with_output()
        })
        .expect("run with stdin");
    assert_eq!(
        codes(&json(&out)),
        [("x/run.sh".to_string(), "DH104".to_string())]
    );
}

#[test]
fn gitlab_ci_reads_its_local_includes() {
    let t = TempDir::new("gitlab");
    t.write(
        ".gitlab-ci.yml",
        "include:\n  - local: /ci/docker.yml\ntest:\n  script:\n    - docker run --rm app\n",
    );
    t.write(
        "ci/docker.yml",
        format!("build:\n  script:\n    - {PRIVILEGED_SOCKET}"),
    );
    let out = dockhard(&t.0, &["check", "--format", "json", "--select", "DH104"]);
    let v = json(&out);
    assert_eq!(
        codes(&v),
        [("ci/docker.yml".to_string(), "DH104".to_string())]
    );
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn files_without_docker_words_are_read_but_not_reported() {
    let t = TempDir::new("quiet");
    t.write("build.sh", "#!/bin/sh\nmake all\n");
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["summary"]["files"], 1);
    assert!(codes(&v).is_empty());
}
