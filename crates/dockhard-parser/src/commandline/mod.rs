//! `docker` and `podman` command lines: found in the shell model of any
//! input, read with the CLIs' own flag tables, and lowered into the
//! [`ContainerSpec`]s and [`NetworkSpec`]s that rules judge.
//!
//! Commands are found behind wrappers (`sudo -E`, `env A=1`, `exec`,
//! `nohup`, `time`, `command`, `xargs`), through a variable that holds the
//! program name when the file gives it a value (`DOCKER=docker`,
//! `$DOCKER run`), inside `$(...)` and `sh -c '...'`; `docker compose` and a
//! shell function named `docker` are not these commands.

pub mod flags;
mod lower;

use std::collections::HashMap;

use crate::daemon::{self, DaemonSpec};
use crate::kinds::ShellBlock;
use crate::location::{FileId, Origin};
use crate::shell::{self, Command, Script, Word};
use crate::span::Span;
use crate::spec::{CommandKind, ContainerSpec, NetworkSpec};

pub use flags::{FlagUse, FlagValue, ParsedArgs, Tool};

/// A container command found in a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerCommand {
    pub tool: Tool,
    pub kind: CommandKind,
    /// As written: `run`, `container run`, `buildx build`.
    pub subcommand: String,
    pub file: FileId,
    /// The first word of the command (`sudo`, `env` or `docker`).
    pub start: Span,
    /// The whole command, across its continuation lines.
    pub span: Span,
    pub args: ParsedArgs,
    pub values_only: bool,
    /// Values that came through a variable defined elsewhere in the file (a
    /// make variable): (where it is used, where it is defined).
    pub definitions: Vec<(Span, Span)>,
}

impl ContainerCommand {
    /// Where a value written at `span` was defined, when it came through a
    /// variable.
    pub fn defined_at(&self, span: Span) -> Option<Span> {
        self.definitions
            .iter()
            .find(|(used, _)| used.start < span.end.max(span.start + 1) && span.start < used.end)
            .map(|(_, defined)| *defined)
    }
}

/// What the command lines of an input hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandLines {
    pub commands: Vec<ContainerCommand>,
    pub containers: Vec<ContainerSpec>,
    pub networks: Vec<NetworkSpec>,
    /// `dockerd` command lines: the daemon's settings.
    pub daemons: Vec<DaemonSpec>,
    /// The spans of the `dockerd` commands (for suppressions).
    pub daemon_commands: Vec<Origin>,
    /// Shell comments in the blocks, for suppressions.
    pub comments: Vec<Origin>,
}

impl CommandLines {
    /// Lowers the commands found into specs.
    fn lower(&mut self) {
        for command in &self.commands {
            match command.kind {
                CommandKind::Network => {
                    if let Some(n) = lower::network(command) {
                        self.networks.push(n);
                    }
                }
                _ => self.containers.push(lower::container(command)),
            }
        }
    }
}

/// Whether a text may hold a container command (a file without the word is
/// not shell-parsed).
pub fn may_hold_commands(text: &str) -> bool {
    // (`dockerd` contains `docker`.)
    text.contains("docker") || text.contains("podman")
}

/// A `dockerd` command: the daemon's settings from its flags.
fn daemon_command(cmd: &Command, vars: &Variables<'_>, file: FileId) -> Option<(DaemonSpec, Span)> {
    let (words, argv) = resolved_words(cmd, vars)?;
    let program = words.get(argv)?;
    if program.dynamic || basename(&program.value) != "dockerd" {
        return None;
    }
    let args = words.get(argv + 1..)?;
    if args.iter().any(|w| {
        !w.dynamic
            && (w.value == "--help"
                || w.value == "-h"
                || w.value == "--version"
                || w.value == "-v"
                || w.value == "--validate")
    }) {
        return None;
    }
    let first = cmd.words.first()?;
    Some((daemon::from_command(args, file, first.span), cmd.span))
}

/// Finds, reads and lowers the container commands of some shell blocks.
pub fn analyse(blocks: &[ShellBlock]) -> CommandLines {
    let mut out = CommandLines::default();
    for block in blocks {
        if !may_hold_commands(block.text.as_str()) {
            continue;
        }
        let script = shell::parse_script(&block.text);
        out.comments.extend(
            script
                .comments
                .iter()
                .map(|span| Origin::new(block.file, *span)),
        );
        let before = out.commands.len();
        find_in_script(&script, block.file, block.values_only, &mut out);
        let definitions = block.text.definitions();
        if !definitions.is_empty() {
            for c in &mut out.commands[before..] {
                c.definitions = definitions.clone();
            }
        }
    }
    out.lower();
    out
}

/// The container commands of a parsed script (a Dockerfile RUN's, say).
pub fn analyse_script(script: &Script, file: FileId, values_only: bool) -> CommandLines {
    let mut out = CommandLines::default();
    find_in_script(script, file, values_only, &mut out);
    out.lower();
    out
}

fn find_in_script(script: &Script, file: FileId, values_only: bool, out: &mut CommandLines) {
    let vars = Variables::of(script);
    for cmd in script.commands() {
        if let Some(c) = container_command(cmd, &vars, &script.functions, file, values_only) {
            out.commands.push(c);
        } else if let Some((d, span)) = daemon_command(cmd, &vars, file) {
            out.daemons.push(d);
            out.daemon_commands.push(Origin::new(file, span));
        }
    }
}

/// The shell variables a script sets, for resolving `$DOCKER run`.
struct Variables<'a> {
    values: HashMap<&'a str, Vec<&'a Word>>,
}

impl<'a> Variables<'a> {
    fn of(script: &'a Script) -> Variables<'a> {
        let mut values: HashMap<&str, Vec<&Word>> = HashMap::new();
        for a in &script.assignments {
            values.entry(a.name.as_str()).or_default().push(&a.value);
        }
        Variables { values }
    }

    /// The words an expansion stands for, when the file knows its value:
    /// `$X`, `${X}`, `"$X"`, `${X:-default}` (the default when the file
    /// never sets X). Every assignment must agree.
    fn resolve(&self, written: &str, depth: u32) -> Option<String> {
        if depth > 4 {
            return None;
        }
        let inner = written.trim_matches('"');
        let body = inner.strip_prefix('$')?;
        let (name, default) = if let Some(b) = body.strip_prefix('{') {
            let b = b.strip_suffix('}')?;
            let end = b
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(b.len());
            let (name, op) = b.split_at(end);
            let default = if op.is_empty() {
                None
            } else {
                Some(
                    op.strip_prefix(":-")
                        .or_else(|| op.strip_prefix(":="))
                        .or_else(|| op.strip_prefix('-'))
                        .or_else(|| op.strip_prefix('='))?,
                )
            };
            (name, default)
        } else {
            if !body.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            (body, None)
        };
        if name.is_empty() {
            return None;
        }
        match self.values.get(name) {
            Some(assigned) => {
                let mut value: Option<String> = None;
                for w in assigned {
                    let v = if w.dynamic {
                        // `DOCKER=${DOCKER:-docker}`: its own default.
                        self.resolve_default_of(name, &w.value)
                            .or_else(|| self.resolve(&w.value, depth + 1))?
                    } else {
                        w.value.clone()
                    };
                    match &value {
                        Some(prev) if *prev != v => return None,
                        _ => value = Some(v),
                    }
                }
                value
            }
            None => default
                .filter(|d| !d.contains('$') && !d.contains('`'))
                .map(str::to_string),
        }
    }

    /// For `X=${X:-v}`: `v`.
    fn resolve_default_of(&self, name: &str, written: &str) -> Option<String> {
        let inner = written.trim_matches('"');
        let b = inner.strip_prefix("${")?.strip_suffix('}')?;
        let rest = b.strip_prefix(name)?;
        let d = rest
            .strip_prefix(":-")
            .or_else(|| rest.strip_prefix(":="))
            .or_else(|| rest.strip_prefix('-'))
            .or_else(|| rest.strip_prefix('='))?;
        (!d.contains('$') && !d.contains('`')).then(|| d.to_string())
    }
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// The words of a command with the program resolved: a variable holding
/// the program name (or `sudo docker`) is replaced by its words, which
/// point at the variable.
fn resolved_words(cmd: &Command, vars: &Variables<'_>) -> Option<(Vec<Word>, usize)> {
    let start = cmd.argv_start;
    let program = cmd.words.get(start)?;
    if !program.dynamic {
        return Some((cmd.words.clone(), start));
    }
    let Some(value) = vars.resolve(&program.value, 0) else {
        // `$(SUDO) docker run`, `$SUDO docker run`: a variable that holds
        // `sudo` or nothing, before the program.
        let name = program.value.to_ascii_uppercase();
        if name.contains("SUDO") && cmd.words.len() > start + 1 {
            let rest = &cmd.words[start + 1..];
            let argv = start + 1 + shell::argv_start(rest);
            return Some((cmd.words.clone(), argv));
        }
        return None;
    };
    let mut words: Vec<Word> = cmd.words[..start].to_vec();
    words.extend(value.split_whitespace().map(|v| Word {
        value: v.to_string(),
        span: program.span,
        dynamic: false,
    }));
    words.extend(cmd.words[start + 1..].iter().cloned());
    let argv = shell::argv_start(&words);
    Some((words, argv))
}

/// Where the subcommand starts after the tool's global flags, or `None`
/// when they cannot be read.
/// Global flags may come through an expansion (`docker $CLIENT_ARGS run`):
/// it is skipped, and the second value says so (what it holds is unknown).
fn skip_global_flags(tool: Tool, words: &[Word]) -> Option<(usize, bool)> {
    let table = flags::FlagTable::get();
    let mut i = 0;
    let mut expanded = false;
    while let Some(w) = words.get(i) {
        if w.dynamic {
            if !flags::may_be_flags(w) {
                return None;
            }
            expanded = true;
            i += 1;
            continue;
        }
        let v = w.value.as_str();
        if !v.starts_with('-') || v == "-" {
            return Some((i, expanded));
        }
        let (name, inline) = match v.strip_prefix("--") {
            Some(body) => match body.split_once('=') {
                Some((n, _)) => (table.long(tool, "global", n), true),
                None => (table.long(tool, "global", body), false),
            },
            None => {
                let mut chars = v[1..].chars();
                let c = chars.next()?;
                let attached = chars.next().is_some();
                (table.short(tool, "global", c), attached)
            }
        };
        let def = name?;
        i += match (def.kind, inline) {
            (flags::FlagKind::Value, false) => 2,
            _ => 1,
        };
    }
    None
}

/// `docker build` is buildx's where buildx is installed (the default since
/// Docker 23), the classic builder's elsewhere: flags of either are read.
const BUILD: &[&str] = &["buildx build", "build"];

/// The subcommand at `words[i..]`: its kind, how it was written, the flag
/// table to read it with, and where its arguments start.
fn subcommand(
    tool: Tool,
    words: &[Word],
    i: usize,
) -> Option<(CommandKind, String, &'static [&'static str], usize)> {
    let word = |k: usize| {
        words
            .get(k)
            .filter(|w| !w.dynamic)
            .map(|w| w.value.as_str())
    };
    let first = word(i)?;
    let container = |sub: &str| match sub {
        "run" => Some((CommandKind::Container, &["run"][..])),
        "create" => Some((CommandKind::Container, &["create"][..])),
        "exec" => Some((CommandKind::Exec, &["exec"][..])),
        _ => None,
    };
    if let Some((kind, table)) = container(first) {
        return Some((kind, first.to_string(), table, i + 1));
    }
    match (first, word(i + 1)) {
        ("container", Some(sub)) => {
            let (kind, table) = container(sub)?;
            Some((kind, format!("container {sub}"), table, i + 2))
        }
        ("network", Some("create")) => Some((
            CommandKind::Network,
            "network create".to_string(),
            &["network create"],
            i + 2,
        )),
        ("service", Some("create")) if tool == Tool::Docker => Some((
            CommandKind::Service,
            "service create".to_string(),
            &["service create"],
            i + 2,
        )),
        ("build", _) => Some((CommandKind::Build, "build".to_string(), BUILD, i + 1)),
        ("image" | "builder", Some("build")) => {
            Some((CommandKind::Build, format!("{first} build"), BUILD, i + 2))
        }
        ("buildx", _) => {
            // `docker buildx [--builder x] build`
            let mut k = i + 1;
            loop {
                match word(k)? {
                    "build" | "b" => break,
                    "--builder" => k += 2,
                    w if w.starts_with("--builder=") || w == "--debug" || w == "-D" => k += 1,
                    _ => return None,
                }
            }
            Some((CommandKind::Build, "buildx build".to_string(), BUILD, k + 1))
        }
        _ => None,
    }
}

fn container_command(
    cmd: &Command,
    vars: &Variables<'_>,
    functions: &[String],
    file: FileId,
    values_only: bool,
) -> Option<ContainerCommand> {
    let (words, argv) = resolved_words(cmd, vars)?;
    let program = words.get(argv)?;
    if program.dynamic {
        return None;
    }
    let name = basename(&program.value);
    let tool = Tool::from_program(name)?;
    // A shell function of that name runs instead of the program.
    if !program.value.contains('/') && functions.iter().any(|f| f == name) {
        return None;
    }
    let rest = words.get(argv + 1..)?;
    let (sub_at, expanded) = skip_global_flags(tool, rest)?;
    let (kind, subcommand, table, args_at) = subcommand(tool, rest, sub_at)?;
    let interspersed = matches!(kind, CommandKind::Network | CommandKind::Build);
    let mut args = flags::parse_args(tool, table, rest.get(args_at..)?, interspersed);
    // Global flags from an expansion could be anything (`--config` with
    // other defaults, a `--context`): what is missing is not known.
    args.complete &= !expanded;
    if args.help {
        return None;
    }
    // A missing measure points at the `docker` word (RULES.md), not at a
    // wrapper before it (`sudo`, `exec`, `env A=1`).
    let start = program.span;
    Some(ContainerCommand {
        tool,
        kind,
        subcommand,
        file,
        start,
        span: cmd.span,
        args,
        values_only,
        definitions: Vec::new(),
    })
}

#[cfg(test)]
mod tests;
