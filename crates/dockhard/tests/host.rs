//! `dockhard host` on injected machines: every fact given, none read from
//! the machine the tests run on.

mod common;

use std::path::Path;

use common::{TempDir, codes, dockhard, json, stderr};

fn hosts() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hosts"))
}

fn host(
    t: &TempDir,
    kernel: &str,
    version: &str,
    daemon: &str,
    extra: &[&str],
) -> std::process::Output {
    let version = hosts().join(version);
    let daemon = hosts().join(daemon);
    let mut args = vec![
        "host",
        "--as-of",
        "2026-11-29",
        "--format",
        "json",
        "--kernel-release",
        kernel,
        "--docker-version-json",
        version.to_str().unwrap_or_default(),
        "--daemon-json",
        daemon.to_str().unwrap_or_default(),
    ];
    args.extend_from_slice(extra);
    dockhard(&t.0, &args)
}

fn found(out: &std::process::Output) -> Vec<String> {
    let mut c: Vec<String> = codes(&json(out)).into_iter().map(|(_, c)| c).collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn an_old_and_vulnerable_machine() {
    let t = TempDir::new("host-old");
    let out = host(
        &t,
        "5.8.0",
        "old-version.json",
        "old-daemon.json",
        &["--dockerd-args", "--icc=true"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let codes = found(&out);
    for code in ["DH900", "DH901", "DH902"] {
        assert!(codes.iter().any(|c| c == code), "{code} missing: {codes:?}");
    }
    // The kernel is upstream: vulnerable, an error.
    let v = json(&out);
    let kernel = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "DH900"))
        .expect("DH900");
    assert_eq!(kernel["severity"], "error");
    assert_eq!(kernel["path"], "<host>");
    // `icc` both in daemon.json and as a flag: dockerd would not start.
    assert!(codes.iter().any(|c| c == "DH003"), "{codes:?}");
    // The daemon's settings: inter-container traffic on, TCP without TLS,
    // an insecure registry, experimental features, nothing else hardened.
    for code in [
        "DH800", "DH801", "DH802", "DH803", "DH804", "DH805", "DH806", "DH810",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} missing: {codes:?}");
    }
    let tcp = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "DH803"))
        .expect("DH803");
    assert_eq!(tcp["severity"], "error");
    assert!(
        tcp["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("old-daemon.json")),
        "{tcp}"
    );
    // What was read is said on standard error in the machine formats.
    assert!(stderr(&out).contains("docker engine: 20.10.7"));
}

#[test]
fn a_distribution_kernel_is_possibly_vulnerable() {
    let t = TempDir::new("host-distro");
    let out = host(
        &t,
        "5.15.0-91-generic",
        "current-version.json",
        "hardened-daemon.json",
        &[],
    );
    let v = json(&out);
    let kernel = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "DH900"))
        .expect("DH900");
    assert_eq!(kernel["severity"], "warning");
    assert!(
        kernel["message"]
            .as_str()
            .is_some_and(|m| m.contains("possibly vulnerable"))
    );
}

#[test]
fn a_current_and_hardened_machine() {
    let t = TempDir::new("host-current");
    let out = host(
        &t,
        "6.12.58",
        "current-version.json",
        "hardened-daemon.json",
        &[],
    );
    let v = json(&out);
    let codes = found(&out);
    assert!(
        !codes
            .iter()
            .any(|c| ["DH900", "DH901", "DH902", "DH903"].contains(&c.as_str())),
        "{v}"
    );
    // A hardened daemon.json: no daemon rule fires.
    assert!(!codes.iter().any(|c| c.starts_with("DH8")), "{v}");
}

#[test]
fn only_the_client_installed_is_clear_not_an_error() {
    let t = TempDir::new("host-client");
    let out = dockhard(
        &t.0,
        &[
            "host",
            "--format",
            "concise",
            "--kernel-release",
            "6.12.58",
            "--docker-version-json",
            hosts()
                .join("client-only.json")
                .to_str()
                .unwrap_or_default(),
            "--daemon-json",
            "/nonexistent/daemon.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("the engine is not reachable"), "{err}");
    assert!(err.contains("/nonexistent/daemon.json"), "{err}");
}
