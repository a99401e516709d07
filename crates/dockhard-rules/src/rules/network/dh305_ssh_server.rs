use dockhard_parser::dockerfile::{Instruction, Kind, Stage};
use dockhard_parser::shell::{Command, Script, Word, parse_argv_at};
use dockhard_parser::spec::{ContainerSpec, Field, Origin, Port};
use dockhard_parser::values;

use crate::context::{ContainerContext, DockerfileContext};
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports an SSH server in a container. In a Dockerfile: a `RUN` that
    /// installs one (`openssh-server`, `dropbear`, Debian's `ssh`, and
    /// `openssh` where that package includes the server: Alpine, Arch,
    /// openSUSE) with apt-get, apt, apk, yum, dnf, microdnf, zypper or
    /// pacman; a `RUN`, `CMD` or `ENTRYPOINT` that starts one (`sshd`,
    /// `/usr/sbin/sshd -D`, `dropbear`, `service ssh start`,
    /// `/etc/init.d/ssh start`, `systemctl enable ssh`, `rc-service sshd
    /// start`); and `EXPOSE 22` (`22/tcp`, or a range that covers 22). One
    /// finding per instruction. In a compose service: a `command` or
    /// `entrypoint` that starts one, and container port 22 published
    /// (`ports`) or exposed (`expose`). SSH clients (`openssh-client`,
    /// `openssh-clients`) are not reported.
    ///
    /// ## Why is this bad?
    /// An SSH server is one more daemon to patch, one more set of keys and
    /// passwords to manage, and a way into the container that bypasses the
    /// engine's access control and logs. `docker exec` already gives a shell
    /// to whoever may manage the container, and nobody else should have one.
    /// CIS Docker Benchmark 5.7.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// CMD ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-client
    /// CMD ["/usr/local/bin/app"]
    /// ```
    ///
    /// ## Fix
    /// None offered: remove the server, get a shell with `docker exec`, copy
    /// files with `docker cp` or a volume. Where serving SSH is the
    /// container's purpose (a git server, a bastion), suppress the finding
    /// with a reason.
    pub static SSH_SERVER = {
        code: "DH305",
        name: "ssh-server",
        category: Network,
        severity: Some(Warning),
        inputs: [Dockerfile, Compose],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "5.7" },
            Source::Trivy("DS004"),
            Source::Checkov("CKV_DOCKER_1"),
        ],
        fix: None,
        core: false,
        commands: [],
        dockerfile: check_dockerfile,
        container: check_service,
    }
}

const HELP: &str = "get a shell with `docker exec` and copy files with `docker cp` instead of \
                    running an SSH server in the container";

/// Packages that are an SSH server wherever they exist.
const SERVER_PACKAGES: &[&str] = &[
    "openssh-server",
    "openssh-server-pam",
    "dropbear",
    "dropbear-bin",
    "dropbear-run",
];

/// An installed package that is (or includes) an SSH server, with the
/// package manager's notion of it: Debian's `ssh` is the client and the
/// server; `openssh` includes the server on Alpine, Arch and openSUSE, not
/// on Red Hat systems (where it is the files the client and server share).
fn server_package(manager: &str, package: &str) -> Option<&'static str> {
    if SERVER_PACKAGES.contains(&package) {
        return Some("");
    }
    match (manager, package) {
        ("apt-get" | "apt" | "aptitude", "ssh") => {
            Some(", which brings the SSH server with the client")
        }
        ("apk" | "pacman" | "zypper", "openssh") => {
            Some(", which includes the SSH server (`openssh-server`)")
        }
        _ => None,
    }
}

/// The package words of an install command, with its manager.
fn installed_packages(cmd: &Command) -> Option<(&str, Vec<&Word>)> {
    let manager = cmd.program()?;
    let args = cmd.args();
    let start = match manager {
        "apt-get" | "apt" | "aptitude" | "yum" | "dnf" | "microdnf" | "tdnf" => {
            args.iter().position(|w| w.value == "install")?
        }
        "apk" => args.iter().position(|w| w.value == "add")?,
        "zypper" => args
            .iter()
            .position(|w| matches!(w.value.as_str(), "install" | "in"))?,
        "pacman" => args.iter().position(|w| {
            w.value == "--sync"
                || w.value.strip_prefix("-S").is_some_and(|rest| {
                    rest.chars()
                        .all(|c| matches!(c, 'y' | 'u' | 'w' | 'q' | 'v'))
                })
        })?,
        _ => return None,
    };
    let packages = args[start + 1..]
        .iter()
        .filter(|w| !w.dynamic && !w.value.starts_with('-'))
        .collect();
    Some((manager, packages))
}

/// The package's name without a version, release or architecture:
/// `openssh-server=1:9.2p1-2`, `openssh~9.7`, `dropbear/bookworm-backports`.
fn package_name(word: &str) -> &str {
    let end = word
        .find(['=', '~', '<', '>', '/', '@'])
        .unwrap_or(word.len());
    let name = &word[..end];
    name.split_once(':').map_or(name, |(n, _)| n)
}

/// Init scripts and units that name the SSH server.
fn is_ssh_service(name: &str) -> bool {
    matches!(
        name.trim_end_matches(".service"),
        "ssh" | "sshd" | "dropbear" | "openssh"
    )
}

/// A command that starts an SSH server, and how to name it.
fn starts_server(cmd: &Command) -> Option<String> {
    let program = cmd.program()?;
    let args: Vec<&str> = cmd.args().iter().map(|w| w.value.as_str()).collect();
    let starts = |verb: &str| matches!(verb, "start" | "restart");
    match (program, args.as_slice()) {
        ("sshd" | "dropbear", _) => Some(format!("`{program}`")),
        ("service" | "rc-service", [name, verb, ..]) if is_ssh_service(name) && starts(verb) => {
            Some(format!("`{program} {name} {verb}`"))
        }
        ("rc-update", ["add", name, ..]) if is_ssh_service(name) => {
            Some(format!("`rc-update add {name}`"))
        }
        ("systemctl", _) => {
            let verb = args
                .iter()
                .position(|a| matches!(*a, "start" | "restart" | "enable"))?;
            let unit = args[verb + 1..].iter().find(|a| !a.starts_with('-'))?;
            is_ssh_service(unit).then(|| format!("`systemctl {} {unit}`", args[verb]))
        }
        (name, [verb, ..])
            if is_ssh_service(name)
                && starts(verb)
                && cmd
                    .program_word()
                    .is_some_and(|w| w.value.starts_with("/etc/init.d/")) =>
        {
            Some(format!("`/etc/init.d/{name} {verb}`"))
        }
        _ => None,
    }
}

fn check_dockerfile(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    for (idx, instruction) in df.instructions.iter().enumerate() {
        let stage = df.stage_of(idx);
        check_instruction(cx, instruction, stage.map(|s| (s, idx)));
    }
}

fn check_instruction(
    cx: &mut DockerfileContext<'_>,
    instruction: &Instruction,
    at: Option<(&Stage, usize)>,
) {
    let keyword = instruction.keyword.as_str().to_ascii_uppercase();
    match &instruction.kind {
        Kind::Onbuild(inner) => check_instruction(cx, inner, None),
        Kind::Run(_) | Kind::Cmd(_) | Kind::Entrypoint(_) => {
            let Some(script) = instruction.script() else {
                return;
            };
            let run = matches!(instruction.kind, Kind::Run(_));
            if run {
                for cmd in script.commands() {
                    let Some((manager, packages)) = installed_packages(cmd) else {
                        continue;
                    };
                    for word in packages {
                        let name = package_name(&word.value);
                        if let Some(note) = server_package(manager, name) {
                            let help = if note.is_empty() {
                                HELP.to_string()
                            } else {
                                format!(
                                    "{HELP}; install `openssh-client` if only the client is needed"
                                )
                            };
                            cx.report(
                                word.span,
                                format!(
                                    "RUN installs `{name}`{note}: the image ships an SSH server"
                                ),
                            )
                            .label("SSH server")
                            .help(help);
                            return;
                        }
                    }
                }
            }
            for cmd in script.commands() {
                if let Some(what) = starts_server(cmd) {
                    let span = cmd.program_word().map_or(cmd.span, |w| w.span);
                    let message = if run {
                        format!("RUN runs {what}: the image is set up to serve SSH")
                    } else {
                        format!("{keyword} starts {what}: the container runs an SSH server")
                    };
                    cx.report(span, message).label("SSH server").help(HELP);
                    return;
                }
            }
        }
        Kind::Expose(words) => {
            for word in words {
                let value = match at {
                    Some((stage, idx)) => cx.dockerfile.evaluate_at(stage, idx, word),
                    None => dockhard_parser::dockerfile::expand::literal(
                        &word.value,
                        cx.dockerfile.escape,
                    ),
                };
                let Some(value) = value else { continue };
                let Ok(port) = values::port(&value) else {
                    continue;
                };
                if is_ssh_port(&port) {
                    cx.report(
                        word.span,
                        format!("`EXPOSE {value}` declares the SSH port, 22: the image is meant to run an SSH server"),
                    )
                    .label("SSH port")
                    .help(HELP);
                    return;
                }
            }
        }
        _ => {}
    }
}

fn is_ssh_port(port: &Port) -> bool {
    port.protocol == "tcp" && port.target.start <= 22 && 22 <= port.target.end
}

/// The script a compose `command` or `entrypoint` runs.
fn script_of(field: &Field<Vec<String>>) -> Option<Script> {
    let words = field.value.as_ref()?;
    Some(parse_argv_at(words, field.origin.span))
}

/// What the service's `entrypoint` (alone) or `command` (as the
/// entrypoint's arguments) starts, where, and which key it is.
fn started_by(spec: &ContainerSpec) -> Option<(String, Origin, &'static str)> {
    let entrypoint = spec.entrypoint.as_ref();
    if let Some(e) = entrypoint
        && let Some(what) = script_of(e).and_then(|s| s.commands().find_map(starts_server))
    {
        return Some((what, e.origin, "entrypoint"));
    }
    let command = spec.command.as_ref()?;
    let mut words = match entrypoint {
        Some(e) => e.value.clone()?,
        None => Vec::new(),
    };
    words.extend(command.value.clone()?);
    let what = parse_argv_at(&words, command.origin.span)
        .commands()
        .find_map(starts_server)?;
    Some((what, command.origin, "command"))
}

fn check_service(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    if let Some((what, origin, key)) = started_by(spec) {
        cx.report(
            origin,
            format!("`{key}` runs {what}: the container runs an SSH server"),
        )
        .label("SSH server")
        .help(HELP);
    }
    for field in &spec.ports {
        let Some(port) = &field.value else { continue };
        if is_ssh_port(port) {
            cx.report(
                field.origin,
                "`ports` publishes container port 22, the SSH port: the container runs an SSH server",
            )
            .label("SSH port")
            .help(HELP);
        }
    }
    for field in &spec.expose {
        let Some(port) = field.value.as_deref().and_then(|v| values::port(v).ok()) else {
            continue;
        };
        if is_ssh_port(&port) {
            cx.report(
                field.origin,
                "`expose` declares container port 22, the SSH port: the container runs an SSH server",
            )
            .label("SSH port")
            .help(HELP);
        }
    }
}
