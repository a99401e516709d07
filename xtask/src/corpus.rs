//! `cargo xtask corpus <dir> [--bin path]`: the corpus smoke run. Runs the
//! dockhard binary on the corpus with `--format json`; it must exit 0 or 1
//! (never 2, never a crash), report no DH001 on Dockerfiles that are known
//! to build with BuildKit, report DH002 only on compose files that
//! `docker compose config` rejects, report no DH006 on the command-line
//! files (scripts, Makefiles, CI files, units: all readable), and show the
//! findings checked by hand below, and not the near misses.

use std::collections::{BTreeMap, BTreeSet};

use dockhard_parser::kinds::FileKind;
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

/// Findings on command-line files checked by hand (path under the corpus,
/// line, code): each must be reported.
const MUST_FIND: &[(&str, u64, &str)] = &[
    // systemd: `--cap-add=NET_ADMIN` on an ExecStart line.
    (
        "repos/kylemanna/docker-openvpn/init/docker-openvpn@.service",
        67,
        "DH107",
    ),
    // script: `docker exec -u root` to install build dependencies.
    (
        "repos/timescale/timescaledb/scripts/docker-build.sh",
        56,
        "DH117",
    ),
    // script: a privileged binfmt registration.
    (
        "repos/SeleniumHQ/docker-selenium/tests/charts/make/chart_setup_env.sh",
        46,
        "DH104",
    ),
    // Makefile: `--privileged` through `$(DOCKER_RUN_DOCKER)` and `$(DOCKER_FLAGS)`.
    ("repos/moby/moby/Makefile", 162, "DH104"),
    // Makefile: `$(SUDO) docker run --rm --privileged`.
    ("repos/weaveworks/weave/Makefile", 257, "DH104"),
    // GitHub Actions: a job container's `options: --user root`.
    (
        "repos/citusdata/citus/.github/workflows/build_and_test.yml",
        53,
        "DH100",
    ),
    // GitHub Actions: a service container's `options: --privileged ...`.
    (
        "repos/timescale/timescaledb/.github/workflows/linux-32bit-build-and-test.yaml",
        50,
        "DH104",
    ),
    // GitHub Actions: `sudo podman run --privileged` in a `run: |` block.
    (
        "repos/containers/bootc/.github/workflows/ci.yml",
        83,
        "DH104",
    ),
    // GitLab CI: `docker run --rm --privileged docker/binfmt` in a script list.
    (
        "repos/cnative-dev/auto-build-image/.gitlab/ci/build.gitlab-ci.yml",
        17,
        "DH104",
    ),
    // script: `--user 0:0` to read /etc/shadow.
    (
        "repos/docker-library/official-images/test/tests/no-hard-coded-passwords/run.sh",
        5,
        "DH100",
    ),
    // script: `docker network create "$netid"`, a bridge with icc on.
    ("repos/MariaDB/mariadb-docker/.test/lib.sh", 137, "DH300"),
    // systemd: `docker run` with no `--network`, on docker0.
    (
        "repos/coreos/unit-examples/blog-vulcan-example/example-v1.0.0-A.service",
        10,
        "DH301",
    ),
    // systemd: a long-running `docker run` (apache) with no `--memory`.
    (
        "repos/coreos/unit-examples/simple-fleet/apache.1.service",
        7,
        "DH600",
    ),
    // systemd: `--memory="512m"` but no `--pids-limit`.
    (
        "repos/karnauskas/up-service-files/aggregate-concept-transformer@.service",
        19,
        "DH601",
    ),
    // script: `docker service create` without `--limit-cpu`.
    (
        "repos/vfarcic/cloud-provisioning/scripts/aws-swarm-services.sh",
        17,
        "DH602",
    ),
];

/// Near misses in real command-line files (path, line, code): no such
/// finding there (`*`: no finding at all).
const MUST_NOT_FIND: &[(&str, u64, &str)] = &[
    // `echo "Run 'docker run -d ...' to launch"`: a message.
    (
        "repos/timescale/timescaledb/scripts/docker-build.sh",
        96,
        "*",
    ),
    // `docker compose run`: not a container command of the CLI.
    (
        "repos/nginx-proxy/acme-companion/test/setup/setup-boulder.sh",
        32,
        "*",
    ),
    // `$SSH $HOST1 docker network create`: run on another host by a program
    // whose name is not known.
    (
        "repos/weaveworks/weave/test/820_plugin_subnet_test.sh",
        10,
        "*",
    ),
    // `docker network create -d "nat"`: not a bridge.
    (
        "repos/gitlabhq/gitlab-runner/.gitlab/ci/test.gitlab-ci.yml",
        265,
        "DH300",
    ),
    // `docker network create --driver overlay proxy`: not a bridge (DH306
    // judges overlay networks).
    (
        "repos/vfarcic/cloud-provisioning/scripts/swarm-services-1.sh",
        3,
        "DH300",
    ),
];

/// The kind of a corpus file, by name and, for a file without an
/// extension, by its shebang.
fn kind_of(path: &std::path::Path) -> Option<FileKind> {
    FileKind::detect(path).or_else(|| {
        if path.extension().is_some() {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        FileKind::detect_content(bytes.get(..128).unwrap_or(&bytes))
    })
}

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
        // End of life judged at a fixed date: the run is reproducible.
        .args(["check", "--format", "json", "--as-of", "2026-11-29"])
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
    let mut command_line: BTreeMap<String, BTreeMap<&'static str, usize>> = BTreeMap::new();
    let mut found: BTreeSet<(String, u64, String)> = BTreeSet::new();
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
        let line = d["line"].as_u64().unwrap_or(0);
        found.insert((rel.clone(), line, code.clone()));
        if let Some(kind) = kind_of(std::path::Path::new(path)).filter(|k| k.is_command_line()) {
            *command_line
                .entry(code.clone())
                .or_default()
                .entry(kind.as_str())
                .or_default() += 1;
            if code == "DH006" {
                bad.push(format!(
                    "{rel}:{line}: DH006 {}",
                    d["message"].as_str().unwrap_or("")
                ));
            }
        }
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
    println!("command-line files, findings per rule and kind:");
    for (code, kinds) in &command_line {
        let total: usize = kinds.values().sum();
        let detail: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("  {code} {total} ({})", detail.join(", "));
    }
    for (path, line, code) in MUST_FIND {
        if !found.contains(&(path.to_string(), *line, code.to_string())) {
            bad.push(format!(
                "{path}:{line}: {code} was checked by hand and is missing"
            ));
        }
    }
    for (path, line, code) in MUST_NOT_FIND {
        for (p, l, c) in &found {
            if p == path && l == line && (*code == "*" || c == code) {
                bad.push(format!("{path}:{line}: {c} on a near miss"));
            }
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "DH001 on files that build with BuildKit, DH002 on compose files that docker compose accepts, DH006 on command-line files, or hand-checked findings wrong:\n{}",
            bad.join("\n")
        ))
    }
}
