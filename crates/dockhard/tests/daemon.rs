//! The daemon's settings written in two places: a `daemon.json` and the
//! `dockerd` line of `docker.service`. A setting made in either satisfies
//! the daemon rules for both; the same setting made in both is DH003.

mod common;

use common::{TempDir, codes, dockhard, json, stderr, with_code};

const DAEMON_JSON: &str = "{\n  \"icc\": false\n}\n";

fn unit(flags: &str) -> String {
    format!(
        "[Unit]\nDescription=Docker Application Container Engine\n\n[Service]\nType=notify\nExecStart=/usr/bin/dockerd {flags}\n"
    )
}

/// (path, code) of the findings of a run over `t` with `select`.
fn findings(t: &TempDir, select: &str) -> Vec<(String, String)> {
    let out = dockhard(
        &t.0,
        &["check", "--format", "json", "--select", select, "."],
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let mut found = codes(&json(&out));
    found.sort();
    found
}

#[test]
fn a_setting_in_either_file_satisfies_both() {
    let t = TempDir::new("daemon-two-places");
    t.write("etc/docker/daemon.json", DAEMON_JSON);
    t.write(
        "lib/systemd/system/docker.service",
        unit("--no-new-privileges -H fd://"),
    );
    // Neither file is missing `icc` (set in daemon.json) nor
    // `no-new-privileges` (set on the command line).
    assert_eq!(findings(&t, "DH800,DH801"), Vec::<(String, String)>::new());
}

#[test]
fn each_file_alone_is_missing_what_the_other_sets() {
    let t = TempDir::new("daemon-alone-json");
    t.write("etc/docker/daemon.json", DAEMON_JSON);
    assert_eq!(
        findings(&t, "DH800,DH801"),
        [("etc/docker/daemon.json".to_string(), "DH801".to_string())]
    );
    let t = TempDir::new("daemon-alone-unit");
    t.write(
        "lib/systemd/system/docker.service",
        unit("--no-new-privileges -H fd://"),
    );
    assert_eq!(
        findings(&t, "DH800,DH801"),
        [(
            "lib/systemd/system/docker.service".to_string(),
            "DH800".to_string()
        )]
    );
}

#[test]
fn tls_in_one_file_answers_a_tcp_host_in_the_other() {
    let t = TempDir::new("daemon-tls-split");
    t.write(
        "etc/docker/daemon.json",
        "{\n  \"tlsverify\": true,\n  \"tlscacert\": \"/etc/docker/ca.pem\",\n  \"tlscert\": \"/etc/docker/cert.pem\",\n  \"tlskey\": \"/etc/docker/key.pem\"\n}\n",
    );
    t.write(
        "lib/systemd/system/docker.service",
        unit("-H fd:// -H tcp://0.0.0.0:2376"),
    );
    assert_eq!(findings(&t, "DH803"), Vec::<(String, String)>::new());
    // Without the daemon.json, the TCP address is served without TLS.
    let t = TempDir::new("daemon-tls-alone");
    t.write(
        "lib/systemd/system/docker.service",
        unit("-H fd:// -H tcp://0.0.0.0:2376"),
    );
    assert_eq!(
        findings(&t, "DH803"),
        [(
            "lib/systemd/system/docker.service".to_string(),
            "DH803".to_string()
        )]
    );
}

#[test]
fn a_setting_in_both_files_is_dh003_at_the_flag() {
    let t = TempDir::new("daemon-both");
    t.write("etc/docker/daemon.json", DAEMON_JSON);
    t.write(
        "lib/systemd/system/docker.service",
        unit("--icc=false --no-new-privileges -H fd://"),
    );
    let out = dockhard(
        &t.0,
        &["check", "--format", "json", "--select", "DH003,DH800", "."],
    );
    let v = json(&out);
    let dh003 = with_code(&v, "DH003");
    assert_eq!(dh003.len(), 1, "{v}");
    assert_eq!(
        dh003[0]["path"].as_str(),
        Some("lib/systemd/system/docker.service")
    );
    // `--icc` on line 6, after `ExecStart=/usr/bin/dockerd `.
    assert_eq!(
        (dh003[0]["line"].as_u64(), dh003[0]["column"].as_u64()),
        (Some(6), Some(28))
    );
    assert!(with_code(&v, "DH800").is_empty(), "{v}");
}
