//! `cargo xtask corpus <dir> [--bin path]`: the corpus smoke run. Runs the
//! dockhard binary on the corpus with `--format json`; it must exit 0 or 1
//! (never 2, never a crash), report no DH001 on Dockerfiles that are known
//! to build with BuildKit, and report DH002 only on compose files that
//! `docker compose config` rejects.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// Corpus folders whose Dockerfiles all build with BuildKit: a DH001 there is
/// a parser bug.
const MUST_PARSE: &[&str] = &[
    "repos/docker-library/",
    "repos/nodejs/",
    "repos/docker/awesome-compose/",
];

/// Corpus compose files that `docker compose config` rejects, and why. Files
/// in the version 1 format (services at the top level, no `services:`) are
/// rejected too; they are recognised by their own message, checked below.
const COMPOSE_REJECTS: &[(&str, &str)] = &[
    (
        "fixtures/docker/compose/pkg/e2e/fixtures/wrong-composefile/",
        "compose's own fixtures of invalid files",
    ),
    (
        "repos/vimagick/dockerfiles/calendso/docker-compose.yml",
        "invalid YAML: an alias to an undefined anchor",
    ),
    (
        "repos/vimagick/dockerfiles/3proxy/docker-compose.yml",
        "top-level typo `verson`",
    ),
    (
        "repos/vimagick/dockerfiles/langfuse/docker-compose.yml",
        "top-level typo `service`",
    ),
    (
        "repos/vimagick/dockerfiles/wekan/docker-compose.yml",
        "top-level typo `sevices`",
    ),
    (
        "repos/vimagick/dockerfiles/matomo/docker-compose.yml",
        "service key `depends` (for `depends_on`)",
    ),
    (
        "repos/vimagick/dockerfiles/monit/docker-compose.yml",
        "version 1 key `net` in a version 3 file",
    ),
    (
        "repos/vimagick/dockerfiles/openldap/docker-compose.yml",
        "`restart:` indented as a service",
    ),
    (
        "repos/vimagick/dockerfiles/dnsmasq/pxe/docker-compose.yml",
        "version 1 format, and the typo `restsart`",
    ),
];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut dir = PathBuf::from("../shared/corpus");
    let mut bin = PathBuf::from("target/release/dockhard");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--bin" {
            bin = it.next().map(PathBuf::from).ok_or("--bin needs a path")?;
        } else {
            dir = PathBuf::from(a);
        }
    }
    if !dir.is_dir() {
        return Err(format!("{}: no corpus here", dir.display()));
    }
    let output = Command::new(&bin)
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .map_err(|e| {
            format!(
                "{}: {e} (build it with `cargo build --release -p dockhard`)",
                bin.display()
            )
        })?;
    let code = output.status.code();
    if !matches!(code, Some(0 | 1)) {
        return Err(format!(
            "dockhard exited with {code:?} on the corpus:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("the JSON report does not parse: {e}"))?;
    let diagnostics = report["diagnostics"]
        .as_array()
        .ok_or("no diagnostics array")?;
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut bad = Vec::new();
    let root = std::fs::canonicalize(&dir).unwrap_or(dir.clone());
    for d in diagnostics {
        let code = d["code"].as_str().unwrap_or("?").to_string();
        let path = d["path"].as_str().unwrap_or("");
        let rel = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| {
                p.strip_prefix(&root)
                    .ok()
                    .map(|r| r.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| path.to_string());
        if code == "DH002" {
            let message = d["message"].as_str().unwrap_or("");
            let listed = COMPOSE_REJECTS.iter().any(|(p, _)| rel.starts_with(p));
            let version_1 = message.starts_with("version 1 format")
                && std::fs::read_to_string(path)
                    .is_ok_and(|t| !t.lines().any(|l| l.starts_with("services:")));
            if !listed && !version_1 {
                bad.push(format!("{rel}:{}: DH002 {message}", d["line"]));
            }
            if version_1 {
                *per_rule
                    .entry("DH002 (version 1 format)".into())
                    .or_default() += 1;
            }
        }
        if code == "DH001" && MUST_PARSE.iter().any(|p| rel.starts_with(p)) {
            bad.push(format!(
                "{rel}:{}: {}",
                d["line"],
                d["message"].as_str().unwrap_or("")
            ));
        }
        *per_rule.entry(code).or_default() += 1;
    }
    let summary = &report["summary"];
    println!(
        "corpus: {} files, {} findings (exit {}): {}",
        summary["files"],
        diagnostics.len(),
        code.unwrap_or(-1),
        per_rule
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "DH001: {} in all, {} under {}; DH002: {} in all",
        per_rule.get("DH001").copied().unwrap_or(0),
        bad.iter().filter(|b| !b.contains("DH002")).count(),
        MUST_PARSE.join(", "),
        per_rule.get("DH002").copied().unwrap_or(0),
    );
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "DH001 on files that build with BuildKit, or DH002 on compose files that docker compose accepts:\n{}",
            bad.join("\n")
        ))
    }
}
