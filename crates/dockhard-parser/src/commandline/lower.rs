//! From a command's flags to the specs rules judge. Flag names are the long
//! names of the CLIs' tables (`-u` arrives as `user`); every field points at
//! the flag that set it.

use super::{ContainerCommand, FlagUse, Tool};
use crate::location::Origin;
use crate::shell::Word;
use crate::spec::{
    Build, CommandInfo, CommandKind, ContainerSpec, Field, Limit, NetworkSpec, Port, SpecSource,
};
use crate::values;

/// Where a flag was written; for one that came through a variable, where
/// the variable was defined too.
fn origin(cmd: &ContainerCommand, flag: &FlagUse) -> Origin {
    at(cmd, flag.span())
}

fn at(cmd: &ContainerCommand, span: crate::span::Span) -> Origin {
    Origin {
        file: cmd.file,
        span,
        defined: cmd.defined_at(span).unwrap_or(span),
    }
}

fn text_field(cmd: &ContainerCommand, flag: &FlagUse) -> Field<String> {
    Field {
        value: flag.text().map(str::to_string),
        origin: origin(cmd, flag),
    }
}

fn bool_field(cmd: &ContainerCommand, flag: &FlagUse) -> Field<bool> {
    Field {
        value: flag.bool(),
        origin: origin(cmd, flag),
    }
}

fn parsed<T>(
    cmd: &ContainerCommand,
    flag: &FlagUse,
    f: impl FnOnce(&str) -> Option<T>,
) -> Field<T> {
    Field {
        value: flag.text().and_then(f),
        origin: origin(cmd, flag),
    }
}

fn word_field(cmd: &ContainerCommand, word: &Word) -> Field<String> {
    let origin = at(cmd, word.span);
    if word.dynamic {
        Field::unknown(origin)
    } else {
        Field::known(word.value.clone(), origin)
    }
}

/// Podman reads list flags as comma-separated (`--cap-add A,B`); docker
/// takes each flag's value whole.
fn list_values<'a>(cmd: &ContainerCommand, flag: &'a FlagUse) -> Vec<Option<&'a str>> {
    match flag.text() {
        None => vec![None],
        Some(t) if cmd.tool == Tool::Podman => t.split(',').map(Some).collect(),
        Some(t) => vec![Some(t)],
    }
}

/// `published=8080,target=80,mode=host` (`service create --publish`).
fn long_port(text: &str) -> Option<Port> {
    let mut port = Port {
        host_ip: None,
        published: None,
        target: crate::spec::PortRange { start: 0, end: 0 },
        protocol: "tcp".to_string(),
    };
    let mut target = None;
    for field in values::csv_fields(text) {
        let (k, v) = field.split_once('=')?;
        let range = || values::port(v).ok().map(|p| p.target);
        match k.trim() {
            "published" => port.published = range(),
            "target" => target = range(),
            "protocol" => port.protocol = v.to_ascii_lowercase(),
            _ => {}
        }
    }
    port.target = target?;
    Some(port)
}

fn port(text: &str) -> Option<Port> {
    if text.contains('=') {
        long_port(text)
    } else {
        values::port(text).ok()
    }
}

fn info(cmd: &ContainerCommand) -> CommandInfo {
    CommandInfo {
        tool: cmd.tool.as_str().to_string(),
        subcommand: cmd.subcommand.clone(),
        kind: cmd.kind,
        complete: cmd.args.complete,
        values_only: cmd.values_only,
        container_name: cmd
            .args
            .flags
            .iter()
            .rev()
            .find(|f| f.name == "name")
            .and_then(|f| f.text())
            .map(str::to_string),
    }
}

pub(super) fn container(cmd: &ContainerCommand) -> ContainerSpec {
    let info = info(cmd);
    // A missing measure points at the command's first word, even when that
    // word came through a variable (`$(DOCKER) run`).
    let start = Origin::new(cmd.file, cmd.start);
    let positional = cmd.args.positionals.first();
    let mut spec = ContainerSpec::new(String::new(), start);
    match cmd.kind {
        CommandKind::Build => {
            spec.build = Some(build(cmd, start));
        }
        CommandKind::Exec => {}
        _ => {
            spec.image = positional.map(|w| word_field(cmd, w));
            let rest = cmd.args.positionals.get(1..).unwrap_or(&[]);
            if !rest.is_empty() {
                let span = rest
                    .iter()
                    .map(|w| w.span)
                    .reduce(crate::span::Span::cover)
                    .unwrap_or_default();
                let words = rest.iter().map(|w| w.value.clone()).collect();
                let origin = at(cmd, span);
                spec.command = Some(if rest.iter().any(|w| w.dynamic) {
                    Field::unknown(origin)
                } else {
                    Field::known(words, origin)
                });
            }
        }
    }
    spec.name = info
        .container_name
        .clone()
        .or_else(|| positional.filter(|w| !w.dynamic).map(|w| w.value.clone()))
        .unwrap_or_else(|| info.command_name());
    let mut cpu: Vec<Limit> = Vec::new();
    for flag in &cmd.args.flags {
        let o = origin(cmd, flag);
        match flag.name {
            "user" => spec.user = Some(text_field(cmd, flag)),
            "privileged" => spec.privileged = Some(bool_field(cmd, flag)),
            "read-only" => spec.read_only = Some(bool_field(cmd, flag)),
            "cap-add" | "cap-drop" => {
                let caps = list_values(cmd, flag).into_iter().map(|v| Field {
                    value: v.map(values::capability),
                    origin: o,
                });
                if flag.name == "cap-add" {
                    spec.cap_add.extend(caps);
                } else {
                    spec.cap_drop.extend(caps);
                }
            }
            "security-opt" => spec.security_opt.push(Field {
                value: flag.text().map(values::security_opt),
                origin: o,
            }),
            "network" | "net" => {
                let f = text_field(cmd, flag);
                if spec.network_mode.is_none() {
                    spec.network_mode = Some(f.clone());
                }
                spec.networks.push(f);
            }
            "pid" => spec.pid = Some(text_field(cmd, flag)),
            "ipc" => spec.ipc = Some(text_field(cmd, flag)),
            "uts" => spec.uts = Some(text_field(cmd, flag)),
            "userns" => spec.userns_mode = Some(text_field(cmd, flag)),
            "cgroupns" => spec.cgroup = Some(text_field(cmd, flag)),
            // What is written out of a value that expands a variable is
            // known: the options of `-v "$PWD:/data:rshared"`, the source
            // of `-v /var/run/docker.sock:"$TARGET"`.
            "volume" => spec.volumes.push(Field {
                value: match &flag.value {
                    Some(v) if v.dynamic => values::volume_with_expansions(&v.text),
                    _ => flag.text().and_then(|t| values::volume(t).ok()),
                },
                origin: o,
            }),
            "mount" => spec.volumes.push(Field {
                value: match &flag.value {
                    Some(v) if v.dynamic => values::mount_option_with_expansions(&v.text),
                    _ => flag.text().and_then(|t| values::mount_option(t).ok()),
                },
                origin: o,
            }),
            "tmpfs" => spec
                .tmpfs
                .push(parsed(cmd, flag, |t| Some(values::tmpfs(t)))),
            "device" => spec
                .devices
                .push(parsed(cmd, flag, |t| Some(values::device(t)))),
            "expose" => spec.expose.push(text_field(cmd, flag)),
            "restart-max-attempts" => {
                spec.restart_policy.get_or_insert(o);
                spec.restart_max_attempts = Some(text_field(cmd, flag));
            }
            "device-cgroup-rule" => spec.device_cgroup_rules.push(text_field(cmd, flag)),
            "publish" | "port" => spec.ports.push(parsed(cmd, flag, port)),
            "publish-all" => spec.publish_all = Some(bool_field(cmd, flag)),
            "env" => {
                let (name, value) = match flag.text() {
                    Some(t) => match t.split_once('=') {
                        Some((n, v)) => (Some(n.to_string()), Some(Field::known(v.to_string(), o))),
                        None => (Some(t.to_string()), None),
                    },
                    None => (None, None),
                };
                if let Some(name) = name {
                    spec.environment.push((Field::known(name, o), value));
                }
            }
            "memory" | "limit-memory" => spec.limits.memory = Some(limit(cmd, flag)),
            "cpus" | "cpu-quota" | "cpu-shares" | "limit-cpu" => {
                // The last of each flag counts; any of them limits.
                cpu.retain(|l: &Limit| l.setting != flag.name);
                cpu.push(limit(cmd, flag));
            }
            "pids-limit" | "limit-pids" => spec.limits.pids = Some(limit(cmd, flag)),
            "restart" => spec.restart = Some(text_field(cmd, flag)),
            "restart-condition" => {
                spec.restart_policy.get_or_insert(o);
                spec.restart = Some(text_field(cmd, flag));
            }
            "no-healthcheck" => spec.healthcheck_disabled = Some(bool_field(cmd, flag)),
            // Podman: "a value of none disables existing healthchecks";
            // docker runs it as a shell command.
            "health-cmd" if cmd.tool == Tool::Podman => {
                spec.healthcheck_disabled = Some(parsed(cmd, flag, |t| {
                    Some(t.trim().eq_ignore_ascii_case("none"))
                }));
            }
            "sysctl" => {
                if let Some((k, v)) = flag.text().and_then(|t| t.split_once('=')) {
                    spec.sysctls
                        .push((k.trim().to_string(), Field::known(v.trim().to_string(), o)));
                }
            }
            "cgroup-parent" => spec.cgroup_parent = Some(text_field(cmd, flag)),
            "log-driver" => spec.log_driver = Some(text_field(cmd, flag)),
            "detach" => spec.detach = Some(bool_field(cmd, flag)),
            "oom-kill-disable" => spec.oom_kill_disable = Some(bool_field(cmd, flag)),
            "entrypoint" => {
                spec.entrypoint = Some(Field {
                    value: flag
                        .text()
                        .map(|t| t.split_whitespace().map(str::to_string).collect()),
                    origin: o,
                });
            }
            _ => {}
        }
    }
    // As compose: the first of the CPU settings that limits, else the first.
    let sets = cpu.iter().position(|l| {
        l.field
            .value
            .as_deref()
            .is_none_or(|v| values::sets_limit(v) != Some(false))
    });
    spec.limits.cpus = cpu.into_iter().nth(sets.unwrap_or(0));
    spec.source = SpecSource::Command(info);
    spec
}

fn limit(cmd: &ContainerCommand, flag: &FlagUse) -> Limit {
    Limit {
        setting: flag.name,
        field: text_field(cmd, flag),
    }
}

fn build(cmd: &ContainerCommand, start: Origin) -> Build {
    let mut b = Build {
        origin: start,
        context: cmd.args.positionals.first().map(|w| word_field(cmd, w)),
        context_path: None,
        dockerfile: None,
        dockerfile_path: None,
        dockerfile_inline: None,
        target: None,
        privileged: None,
        entitlements: Vec::new(),
        network: None,
        tags: Vec::new(),
    };
    for flag in &cmd.args.flags {
        match flag.name {
            "file" => b.dockerfile = Some(text_field(cmd, flag)),
            "tag" => b.tags.push(text_field(cmd, flag)),
            "target" => b.target = Some(text_field(cmd, flag)),
            "network" => b.network = Some(text_field(cmd, flag)),
            "allow" => {
                let o = origin(cmd, flag);
                match flag.text() {
                    Some(t) => b.entitlements.extend(
                        values::csv_fields(t)
                            .into_iter()
                            .map(|e| Field::known(e.trim().to_string(), o)),
                    ),
                    None => b.entitlements.push(Field::unknown(o)),
                }
            }
            _ => {}
        }
    }
    b
}

/// `docker network create`. Podman's networks have no icc option to set,
/// so a `podman network create` gives no spec.
pub(super) fn network(cmd: &ContainerCommand) -> Option<NetworkSpec> {
    if cmd.tool != Tool::Docker {
        return None;
    }
    let start = Origin::new(cmd.file, cmd.start);
    let name = cmd
        .args
        .positionals
        .iter()
        .find(|w| !w.dynamic)
        .map_or_else(|| "(unnamed)".to_string(), |w| w.value.clone());
    let mut net = NetworkSpec {
        name,
        source: SpecSource::Command(info(cmd)),
        origin: start,
        implicit: false,
        driver: None,
        driver_opts: Vec::new(),
        internal: None,
        external: None,
    };
    for flag in &cmd.args.flags {
        match flag.name {
            "driver" => net.driver = Some(text_field(cmd, flag)),
            "opt" => {
                let o = origin(cmd, flag);
                // `-o encrypted` is an option with an empty value.
                match flag.text().map(|t| t.split_once('=').unwrap_or((t, ""))) {
                    Some((k, v)) => net
                        .driver_opts
                        .push((k.to_string(), Field::known(v.to_string(), o))),
                    None => {
                        // An unknown option could be the one that matters.
                        if let SpecSource::Command(c) = &mut net.source {
                            c.complete = false;
                        }
                    }
                }
            }
            "internal" => net.internal = Some(bool_field(cmd, flag)),
            _ => {}
        }
    }
    Some(net)
}
