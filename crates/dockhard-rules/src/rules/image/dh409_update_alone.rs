use std::collections::HashSet;

use dockhard_parser::dockerfile::Kind;
use dockhard_parser::shell::{Command, SHELLS, shell_command_string};

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;
use crate::rules::image::commands::{Manager, all_instructions, parse_args, program_args};

declare_rule! {
    /// ## What it does
    /// Reports a package index update in a `RUN` that installs nothing with
    /// that package manager after it: `apt-get update` / `apt update` /
    /// `aptitude update`, `apk update`, `yum`/`dnf`/`microdnf`/`tdnf
    /// makecache`, `zypper refresh` (also inside `sh -c` and heredoc
    /// scripts) with no later `install`, `upgrade`, `add`, … of the same
    /// manager in that `RUN`. `apk add --update` and `apk add --no-cache`
    /// refresh and install at once and are fine; `yum update` and
    /// `dnf update` upgrade packages, so they are not index updates.
    ///
    /// A `RUN` that goes on to run something that may install packages out
    /// of sight (a script file, `make`, a script piped into a shell, a
    /// command whose name is a variable) is not reported.
    ///
    /// ## Why is this bad?
    /// Docker caches each `RUN` as a layer and reruns it only when its text
    /// (or an earlier layer) changes. A `RUN apt-get update` on its own is
    /// therefore run once and reused for months, and the `RUN apt-get
    /// install` after it installs from that old index: package versions that
    /// miss security fixes, or a build that fails when the mirror has dropped
    /// the files the old index names. The index also takes room in the layer
    /// for nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:13-slim
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends ca-certificates
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:13-slim
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends ca-certificates \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// None offered: move the update into the `RUN` that installs
    /// (`apt-get update && apt-get install …`, `apk add --no-cache …`,
    /// `dnf install …`, which refreshes its metadata itself).
    pub static UPDATE_ALONE = {
        code: "DH409",
        name: "update-alone",
        category: Image,
        severity: Some(Info),
        inputs: [Dockerfile],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.7" },
            Source::Trivy("DS017"),
            Source::Checkov("CKV_DOCKER_5"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let mut seen = HashSet::new();
    for instruction in all_instructions(df) {
        if !matches!(instruction.kind, Kind::Run(_)) {
            continue;
        }
        let Some(script) = instruction.script() else {
            continue;
        };
        let commands: Vec<&Command> = script.commands().collect();
        for (i, cmd) in commands.iter().enumerate() {
            let Some((manager, written)) = index_update(cmd) else {
                continue;
            };
            let later = &commands[i + 1..];
            if later
                .iter()
                .any(|c| uses_index(c, manager) || may_install(c))
            {
                continue;
            }
            if !seen.insert((cmd.span.start, cmd.span.end)) {
                continue;
            }
            cx.report(
                cmd.span,
                format!(
                    "`{written}` runs in a RUN that installs nothing with it: Docker caches this \
                     layer, and a later RUN installs from its stale index"
                ),
            )
            .label("index update alone")
            .help(help(manager));
        }
    }
}

fn help(manager: Manager) -> &'static str {
    match manager {
        Manager::Apt => {
            "update and install in one RUN: `apt-get update && apt-get install -y … && rm -rf \
             /var/lib/apt/lists/*`"
        }
        Manager::Apk => "install with `apk add --no-cache …`, which fetches a fresh index itself",
        Manager::Dnf => {
            "drop `makecache`: `dnf install` (or `yum install`) refreshes its metadata itself, in the RUN that installs"
        }
        Manager::Zypper => {
            "refresh and install in one RUN: `zypper refresh && zypper install -y …`"
        }
    }
}

/// The manager's subcommand (first operand) and the program name.
fn subcommand(cmd: &Command) -> Option<(Manager, &str, &str)> {
    let (program, args) = program_args(cmd)?;
    let manager = Manager::of(program)?;
    let parsed = parse_args(args, manager.syntax());
    let sub = parsed.operands.first()?;
    (!sub.dynamic).then_some((manager, program, sub.as_str()))
}

/// An index update, and how it was written (`apt-get update`).
fn index_update(cmd: &Command) -> Option<(Manager, String)> {
    let (manager, program, sub) = subcommand(cmd)?;
    let is_update = match manager {
        Manager::Apt | Manager::Apk => sub == "update",
        Manager::Dnf => sub == "makecache",
        Manager::Zypper => matches!(sub, "refresh" | "ref"),
    };
    is_update.then(|| (manager, format!("{program} {sub}")))
}

/// Subcommands that read the index: they install, upgrade or fetch packages.
fn reads_index(manager: Manager, sub: &str) -> bool {
    match manager {
        Manager::Apt => matches!(
            sub,
            "install"
                | "reinstall"
                | "upgrade"
                | "dist-upgrade"
                | "full-upgrade"
                | "safe-upgrade"
                | "build-dep"
                | "satisfy"
                | "source"
                | "download"
        ),
        Manager::Apk => matches!(sub, "add" | "upgrade" | "fix" | "fetch"),
        Manager::Dnf => matches!(
            sub,
            "install"
                | "in"
                | "reinstall"
                | "localinstall"
                | "groupinstall"
                | "group"
                | "groups"
                | "module"
                | "update"
                | "up"
                | "upgrade"
                | "update-minimal"
                | "upgrade-minimal"
                | "distro-sync"
                | "distrosync"
                | "dsync"
                | "downgrade"
                | "builddep"
                | "swap"
                | "download"
        ),
        Manager::Zypper => matches!(
            sub,
            "install"
                | "in"
                | "update"
                | "up"
                | "dist-upgrade"
                | "dup"
                | "patch"
                | "source-install"
                | "si"
                | "install-new-recommends"
                | "inr"
                | "download"
        ),
    }
}

/// Whether `cmd` installs (or upgrades, fetches) with `manager`, directly
/// or run by a tool that is not a known wrapper (`debconf-apt-progress --
/// apt-get install`, `retry apt-get install`).
fn uses_index(cmd: &Command, manager: Manager) -> bool {
    if let Some((m, _, sub)) = subcommand(cmd) {
        return m == manager && reads_index(manager, sub);
    }
    let words = &cmd.words[cmd.argv_start.min(cmd.words.len())..];
    words.iter().enumerate().any(|(i, w)| {
        let name = w.as_str().rsplit('/').next().unwrap_or(w.as_str());
        Manager::of(name) == Some(manager)
            && words[i + 1..]
                .iter()
                .any(|s| reads_index(manager, s.as_str()))
    })
}

/// Programs that install packages with the system's package manager.
const INSTALLERS: &[&str] = &[
    "install_packages",
    "apt-fast",
    "apt-install",
    "gdebi",
    "mk-build-deps",
    "rosdep",
    "make",
    "ansible-playbook",
    "debconf-apt-progress",
];

/// Whether `cmd` may install packages where the rule cannot see: a script
/// file, a script piped into a shell, a command named by a variable.
fn may_install(cmd: &Command) -> bool {
    let Some(word) = cmd.program_word() else {
        return false;
    };
    let Some(program) = cmd.program() else {
        return false;
    };
    if word.dynamic || INSTALLERS.contains(&program) {
        return true;
    }
    let path = word.as_str();
    let system = [
        "/bin/",
        "/sbin/",
        "/usr/bin/",
        "/usr/sbin/",
        "/usr/local/bin/",
    ]
    .iter()
    .any(|dir| path.starts_with(dir));
    if (path.contains('/') && !system) || path.ends_with(".sh") || path.ends_with(".bash") {
        return true;
    }
    if matches!(program, "source" | ".") {
        return true;
    }
    if SHELLS.contains(&program) {
        // `sh -c '...'` with a string the parser reads is judged through
        // its commands; anything else runs a script out of sight.
        return match shell_command_string(cmd.args()) {
            Some(k) => cmd.args().get(k).is_none_or(|w| w.dynamic),
            None => true,
        };
    }
    false
}
