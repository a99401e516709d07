//! Seed inputs for the fuzz targets, from real files (`fixtures/`, the
//! shared corpus), in the layouts the targets read (mode bytes, NUL between
//! files). `scripts/fuzz.sh` writes them with the `fuzz-seeds` binary.

use std::path::{Path, PathBuf};

use dockhard_parser::dockerfile::{CommandForm, Dockerfile, Kind};
use dockhard_parser::kinds::FileKind;

use crate::{CHECK_NAMES, COMMAND_PREFIXES};

/// Seeds larger than this are not written (libFuzzer's `-max_len` in
/// `scripts/fuzz.sh` is the same).
pub const MAX_SEED: usize = 256 * 1024;

fn with_mode(mode: u8, text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 1);
    out.push(mode);
    out.extend_from_slice(text);
    out
}

fn join(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&0u8)
}

/// The [`CHECK_NAMES`] index for a file of this kind and name.
fn check_name(kind: FileKind, path: &Path) -> u8 {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let wanted = match kind {
        FileKind::Dockerfile => "Dockerfile",
        FileKind::Compose if name.contains("override") => "docker-compose.override.yml",
        FileKind::Compose => "compose.yaml",
        FileKind::DaemonJson => "daemon.json",
        FileKind::GithubActions => ".github/workflows/x.yml",
        FileKind::GitlabCi => ".gitlab-ci.yml",
        FileKind::Systemd => "x.service",
        FileKind::Makefile => "Makefile",
        FileKind::Script if path.extension().is_some() => "x.sh",
        FileKind::Script => "tool",
    };
    CHECK_NAMES
        .iter()
        .position(|n| *n == wanted)
        .map_or(0, |i| i as u8)
}

/// Seeds from one file, by target name.
pub fn for_file(path: &Path, bytes: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".toml") {
        out.push(("config", bytes.to_vec()));
        return out;
    }
    let kind = FileKind::detect(path).or_else(|| {
        let n = bytes.len().min(128);
        FileKind::detect_content(&bytes[..n])
    });
    let Some(kind) = kind else {
        return out;
    };
    if !bytes.contains(&0) {
        out.push(("check", with_mode(check_name(kind, path), bytes)));
    }
    let text = String::from_utf8_lossy(bytes);
    match kind {
        FileKind::Dockerfile => {
            out.push(("dockerfile", bytes.to_vec()));
            out.extend(run_scripts(&text));
        }
        FileKind::Compose => {}
        FileKind::DaemonJson => out.push(("daemon", with_mode(0, bytes))),
        _ => {
            out.push(("shell", with_mode(0, bytes)));
            out.push(("commandline", with_mode(0, bytes)));
            out.push(("commandline", with_mode(0x80, bytes)));
        }
    }
    // Each command line on its own: the flags after `docker run` with the
    // matching prefix, and `dockerd`'s.
    for line in text.lines() {
        for (i, prefix) in COMMAND_PREFIXES.iter().enumerate().skip(1) {
            if let Some(at) = line.find(prefix) {
                let rest = &line[at + prefix.len()..];
                out.push(("commandline", with_mode(i as u8, rest.as_bytes())));
            }
        }
        if let Some(at) = line.find("dockerd ") {
            out.push(("daemon", with_mode(1, &line.as_bytes()[at + 8..])));
        }
    }
    out
}

/// The RUN (CMD, ENTRYPOINT) command lines of a Dockerfile as `shell`
/// seeds: shell form (with heredoc bodies) and exec form.
fn run_scripts(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    let df = Dockerfile::parse(text);
    let mut out = Vec::new();
    for instruction in &df.instructions {
        let (Kind::Run(cl) | Kind::Cmd(cl) | Kind::Entrypoint(cl)) = &instruction.kind else {
            continue;
        };
        match &cl.form {
            CommandForm::Exec(args) => {
                let args: Vec<&[u8]> = args.iter().map(|a| a.value.as_bytes()).collect();
                out.push(("shell", with_mode(2, &join(&args))));
                out.push(("shell", with_mode(3, &join(&args))));
            }
            CommandForm::Shell(line) => {
                let line = line.as_str();
                if instruction.heredocs.is_empty() {
                    out.push(("shell", with_mode(0, line.as_bytes())));
                } else {
                    let bodies: Vec<String> =
                        instruction.heredocs.iter().map(|h| h.content()).collect();
                    let mut parts: Vec<&[u8]> = vec![line.as_bytes()];
                    parts.extend(bodies.iter().map(|b| b.as_bytes()));
                    out.push(("shell", with_mode(1, &join(&parts))));
                }
            }
        }
    }
    out
}

/// Seeds from the files of one directory together: its compose project (the
/// main file, an override, a file it names that can be extended or
/// included, `.env`, its Dockerfile) and a `check` input holding several of
/// its files.
pub fn for_dir(files: &[(PathBuf, Vec<u8>)]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    let name = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string()
    };
    let compose: Vec<&(PathBuf, Vec<u8>)> = files
        .iter()
        .filter(|(p, _)| FileKind::detect(p) == Some(FileKind::Compose))
        .collect();
    let find = |pred: &dyn Fn(&str) -> bool| {
        files
            .iter()
            .find(|(p, _)| pred(&name(p)))
            .map(|(_, b)| b.clone())
    };
    let env = find(&|n| n == ".env").unwrap_or_default();
    let dockerfile = find(&|n| n == "Dockerfile").unwrap_or_default();
    for (main_path, main) in compose
        .iter()
        .filter(|(p, _)| !name(p).contains("override"))
    {
        let mut main = String::from_utf8_lossy(main).into_owned();
        let over = compose
            .iter()
            .find(|(p, _)| p != main_path && name(p).contains("override"))
            .map(|(_, b)| b.clone())
            .unwrap_or_default();
        // A YAML file the main file names is the one it extends or includes.
        let mut referenced: Vec<Vec<u8>> = Vec::new();
        for (p, b) in files {
            let n = name(p);
            if p == main_path || !(n.ends_with(".yml") || n.ends_with(".yaml")) {
                continue;
            }
            if main.contains(&n) && referenced.len() < 2 {
                let target = if referenced.is_empty() {
                    "base.yaml"
                } else {
                    "inc/compose.yaml"
                };
                main = main.replace(&n, target);
                referenced.push(b.clone());
            }
        }
        let base = referenced.first().cloned().unwrap_or_default();
        let inc = referenced.get(1).cloned().unwrap_or_default();
        let seed = join(&[main.as_bytes(), &over, &base, &inc, &env, &dockerfile]);
        if !seed.is_empty() {
            out.push(("compose", seed));
        }
    }
    let mut parts = Vec::new();
    let mut size = 0;
    for (p, b) in files {
        let kind = FileKind::detect(p);
        let Some(kind) = kind else { continue };
        if b.contains(&0) || size + b.len() > 64 * 1024 || parts.len() >= 4 {
            continue;
        }
        size += b.len();
        parts.push(with_mode(check_name(kind, p), b));
    }
    if parts.len() > 1 {
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        out.push(("check", join(&refs)));
    }
    out
}

/// Hand-written seeds for what real files rarely hold: cycles between
/// compose files, `extends` chains, configuration `extend` chains, every
/// mode of every target.
pub fn handwritten() -> Vec<(&'static str, Vec<u8>)> {
    let t = |target: &'static str, s: &str| (target, s.as_bytes().to_vec());
    vec![
        t(
            "compose",
            "include:\n  - inc/compose.yaml\nservices:\n  web:\n    extends:\n      file: base.yaml\n      service: base\n    image: ${FUZZ:-x}\n\0services:\n  web:\n    privileged: !reset null\n\0services:\n  base:\n    extends: {file: compose.yaml, service: web}\n    cap_add: [ALL]\n\0include:\n  - ../compose.yaml\nservices:\n  inc:\n    build: .\n\0IMG=alpine\nexport X=\"a\\nb\"\n\0FROM alpine\nUSER root\n",
        ),
        t(
            "compose",
            "x-a: &a {privileged: true, cap_add: [SYS_ADMIN]}\nservices:\n  a:\n    <<: *a\n    extends: b\n  b:\n    extends: a\n  c:\n    extends: c\n",
        ),
        t(
            "config",
            "extend = \"../base.toml\"\nselect = [\"all\"]\nignore = [\"DH101\", \"privilege\"]\n[severity]\nDH100 = \"error\"\n[per-file-ignores]\n\"test/**\" = [\"DH1\"]\n\0extend = \"proj/dockhard.toml\"\nfail-level = \"never\"\nas-of = \"2026-02-30\"\n",
        ),
        t(
            "config",
            "select = [\"all\"]\nignore = [\"DH101\"]\nextend-select = [\"DH007\"]\nfail-level = \"error\"\nallowed-capabilities = [\"NET_BIND_SERVICE\"]\ntrusted-registries = [\"registry.example.com\", \"docker.io/library\"]\nas-of = \"2026-11-28\"\n\n[severity]\nDH100 = \"error\"\n\n[per-file-ignores]\n\"test/**\" = [\"DH100\", \"privilege\"]\n\"{a,b}/[!x]*.sh\" = [\"DH4\"]\n",
        ),
        t(
            "config",
            "extend = \"sub/dockhard.toml\"\n\0select = [\"DH1\"]\n\0extend = \"../base.toml\"\nignore = [\"nope\", 3]\n\0extend = \"../.dockhard.toml\"\n[severity]\nDH999 = \"loud\"\n[per-file-ignores]\n\"[\" = [\"DH100\"]\n",
        ),
        t(
            "config",
            "unknown = 1\nselect = \"all\"\nselect = []\nfail-level = \"sometimes\"\nas-of = 2026-11-28\n[severity\n",
        ),
        t(
            "daemon",
            "\x00{\"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2376\"], \"tls\": true, \"tlsverify\": false, \"icc\": false, \"userns-remap\": \"default\", \"no-new-privileges\": true, \"live-restore\": true, \"userland-proxy\": false, \"seccomp-profile\": \"unconfined\", \"iptables\": false, \"log-driver\": \"json-file\", \"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"}, \"experimental\": true, \"ip\": \"0.0.0.0\", \"insecure-registries\": [\"10.0.0.0/8\", \"r:5000\"], \"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Hard\": 64000, \"Soft\": 64000}}, \"authorization-plugins\": [\"authz\"], \"icc\": true}",
        ),
        t(
            "daemon",
            "\x01--host=tcp://0.0.0.0:2375 -H unix:///run/d.sock --tlsverify=false --icc=false --userns-remap=default --no-new-privileges --live-restore --userland-proxy=false --seccomp-profile unconfined --iptables=false --log-driver syslog --log-opt max-size=1m --experimental --ip 0.0.0.0 --insecure-registry 10.0.0.0/8 --config-file /etc/docker/daemon.json \"$OPTS\"",
        ),
        t("shell", "\x01cat <<EOF | sh\0docker run --privileged x\n"),
        t(
            "shell",
            "\x00bash -c \"sh -c 'docker run -v /:/h \\$(echo x)'\"\n",
        ),
        t("shell", "\x02sh\0-c\0docker run --cap-add=ALL x"),
        t(
            "daemon",
            "\x00{\"icc\": true, \"userns-remap\": \"\", \"log-opts\": {\"max-size\": \"1m\"}}",
        ),
        t(
            "daemon",
            "\x01-H tcp://0.0.0.0:2375 --icc=false --userland-proxy --log-opt max-size=1m",
        ),
        t(
            "check",
            "\x00FROM alpine\nRUN dockerd --icc=true &\n\0\x03{\"icc\": true}\0\x05include: ci/inc.yml\njob:\n  script: docker run --privileged x\n\0\x0bjob2:\n  script: [sudo docker run -v /:/host x]\n",
        ),
    ]
}
