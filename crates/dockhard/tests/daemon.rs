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

#[test]
fn two_repositories_are_two_daemons() {
    let t = TempDir::new("daemon-two-repos");
    // Repository a sets icc in its daemon.json; repository b's unit does not.
    t.write("a/.git/HEAD", "ref: refs/heads/main\n");
    t.write("a/etc/docker/daemon.json", DAEMON_JSON);
    t.write("b/.git/HEAD", "ref: refs/heads/main\n");
    t.write(
        "b/lib/systemd/system/docker.service",
        unit("--icc=true --no-new-privileges -H fd://"),
    );
    let found = findings(&t, "DH003,DH800");
    // b's unit is judged alone (its `--icc=true`), a's daemon.json is not
    // in conflict with a flag of another repository.
    assert_eq!(
        found,
        [(
            "b/lib/systemd/system/docker.service".to_string(),
            "DH800".to_string()
        )]
    );
}

#[test]
fn a_config_file_flag_names_the_json_it_reads() {
    let t = TempDir::new("daemon-config-file");
    t.write("etc/docker/daemon.json", DAEMON_JSON);
    t.write(
        "lib/systemd/system/docker.service",
        unit("--config-file /etc/docker/other.json --no-new-privileges -H fd://"),
    );
    // The unit reads other.json, not daemon.json: its icc is missing.
    assert_eq!(
        findings(&t, "DH800"),
        [(
            "lib/systemd/system/docker.service".to_string(),
            "DH800".to_string()
        )]
    );
    t.write(
        "lib/systemd/system/docker.service",
        unit("--config-file=/etc/docker/daemon.json --no-new-privileges -H fd://"),
    );
    assert_eq!(findings(&t, "DH800"), Vec::<(String, String)>::new());
}

#[test]
fn a_dockerd_in_a_run_is_judged_on_what_it_writes() {
    let t = TempDir::new("daemon-in-run");
    // A throwaway daemon during the build: nothing missing is reported and
    // it satisfies no other file; what it writes is still judged.
    t.write(
        "Dockerfile",
        "FROM docker:27-dind\nRUN dockerd --host=unix:///tmp/d.sock & sleep 5 && docker -H unix:///tmp/d.sock pull alpine\nRUN dockerd --icc=true & sleep 1\nUSER 1000\n",
    );
    assert_eq!(
        findings(&t, "DH800,DH801,DH805"),
        [("Dockerfile".to_string(), "DH800".to_string())]
    );
}
