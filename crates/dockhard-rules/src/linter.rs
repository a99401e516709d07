//! Runs the enabled rules over a Dockerfile or a compose project.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockhard_parser::commandline::{self, CommandLines};
use dockhard_parser::compose::{FileRole, Project};
use dockhard_parser::dockerfile::Kind;
use dockhard_parser::kinds::CommandInput;
use dockhard_parser::spec::{ContainerSpec, NetworkSpec};
use dockhard_parser::{Dockerfile, Span};

use crate::context::{
    ContainerContext, DaemonContext, DockerfileContext, NetworkContext, Reporter, UnitFiles,
};
use crate::diagnostic::{Diagnostic, SourceFile, sort_and_dedup};
use crate::registry::RULES;
use crate::rules::meta::dh001_dockerfile_syntax::DOCKERFILE_SYNTAX;
use crate::rules::meta::dh002_compose_syntax::COMPOSE_SYNTAX;
use crate::settings::Settings;
use crate::suppression;
use dockhard_parser::daemon::DaemonSpec;

/// Files larger than this are not read (DH006), unless the configuration's
/// `max-file-size` says otherwise.
pub const MAX_FILE_SIZE: usize = 10 * 1024 * 1024;

/// A size for a message: `10 MiB`, `512 KiB`, or a number of bytes.
pub fn format_size(bytes: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} bytes")
}

/// The message of a file over the size limit (`size`: what is known of its
/// size, at least one byte over the limit).
pub fn too_large_message(size: Option<u64>, limit: u64) -> String {
    let size = match size {
        Some(n) => format!("file is {n} bytes, "),
        None => "file is ".to_string(),
    };
    format!(
        "{size}over the {} limit (`max-file-size`): not linted",
        format_size(limit)
    )
}

/// The byte order of a UTF-16 byte-order mark at the start of `bytes`.
pub fn utf16_bom(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, ..] => Some("little-endian"),
        [0xFE, 0xFF, ..] => Some("big-endian"),
        _ => None,
    }
}

/// Turns the bytes of an input into a [`SourceFile`]; an input that is not
/// UTF-8 text (invalid UTF-8, UTF-16, a NUL byte) or is over the size limit
/// gets a DH006 finding instead of its rules.
pub fn load(
    path: impl Into<PathBuf>,
    bytes: Vec<u8>,
    settings: &Settings,
) -> (Arc<SourceFile>, Option<Diagnostic>) {
    let path = path.into();
    if bytes.len() as u64 > settings.max_file_size {
        let file = SourceFile::new(path, String::new());
        let d = unreadable_because(
            &file,
            settings,
            too_large_message(Some(bytes.len() as u64), settings.max_file_size),
            dockhard_parser::Span::empty_at(0),
            unreadable_help::TOO_LARGE,
        );
        return (file, d);
    }
    if let Some(order) = utf16_bom(&bytes) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = SourceFile::new(path, text);
        let d = unreadable_because(
            &file,
            settings,
            format!(
                "UTF-16 text ({order}, by its byte-order mark): this kind of file is read as UTF-8 by the tools that use it; not linted"
            ),
            dockhard_parser::Span::new(0, '\u{FFFD}'.len_utf8() as u32),
            unreadable_help::ENCODING,
        );
        return (file, d);
    }
    match String::from_utf8(bytes) {
        Ok(text) => match text.find('\0') {
            Some(at) => {
                let file = SourceFile::new(path, text);
                let d = unreadable_because(
                    &file,
                    settings,
                    "a NUL byte: a binary file, or text in another encoding than UTF-8 (UTF-16 without a byte-order mark?); not linted".to_string(),
                    dockhard_parser::Span::new(at as u32, at as u32 + 1),
                    unreadable_help::ENCODING,
                );
                (file, d)
            }
            None => (SourceFile::new(path, text), None),
        },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes().get(at).copied().unwrap_or(0);
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = SourceFile::new(path, text);
            let d = unreadable_because(
                &file,
                settings,
                format!("not UTF-8: byte 0x{bad:02X} at offset {at}; the file is not linted"),
                dockhard_parser::Span::new(at as u32, at as u32 + '\u{FFFD}'.len_utf8() as u32),
                unreadable_help::ENCODING,
            );
            (file, d)
        }
    }
}

/// Whether the line (as BuildKit splits lines, at `\n`) that holds `span`
/// has a carriage return that is not part of a `\r\n`.
fn lone_carriage_return(text: &str, span: Span) -> bool {
    let bytes = text.as_bytes();
    let at = (span.start as usize).min(bytes.len());
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let line = &bytes[start..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.contains(&b'\r')
}

/// What to do about a file that could not be read, by cause.
pub mod unreadable_help {
    pub const ENCODING: &str = "save the file as UTF-8 text";
    pub const TOO_LARGE: &str = "raise `max-file-size` in dockhard.toml to lint it, or exclude it (.gitignore, --ignore DH006)";
    pub const NOT_REGULAR: &str = "name a regular file, or `-` to read standard input";
    pub const PERMISSION: &str = "make it readable by the user that runs dockhard";
    pub const INVALID: &str = "correct the file: the service that reads it would reject it too";
}

/// A DH006 finding (if the rule is enabled).
pub fn unreadable(
    file: &Arc<SourceFile>,
    settings: &Settings,
    message: String,
    span: dockhard_parser::Span,
) -> Option<Diagnostic> {
    unreadable_because(file, settings, message, span, unreadable_help::PERMISSION)
}

/// A DH006 finding with the help that fits its cause (see
/// [`unreadable_help`]).
pub fn unreadable_because(
    file: &Arc<SourceFile>,
    settings: &Settings,
    message: String,
    span: dockhard_parser::Span,
    help: &str,
) -> Option<Diagnostic> {
    let rule = &crate::rules::meta::dh006_unreadable_file::UNREADABLE_FILE;
    let severity = settings.severity_of(rule.code)?;
    Some(Diagnostic {
        label: Some("not readable".to_string()),
        help: Some(help.to_string()),
        ..Diagnostic::new(rule, file, span, severity, message)
    })
}

fn reporter<'a>(
    rule: &'static crate::rule::RuleMeta,
    settings: &'a Settings,
    diagnostics: &'a mut Vec<Diagnostic>,
) -> Option<Reporter<'a>> {
    let severity = settings.severity_of(rule.code)?;
    Some(Reporter {
        rule,
        severity,
        settings,
        diagnostics,
    })
}

/// Lints a Dockerfile; diagnostics come sorted by position.
pub fn lint_dockerfile(file: &Arc<SourceFile>, settings: &Settings) -> Vec<Diagnostic> {
    let df = Dockerfile::parse(&file.text);
    let mut diagnostics = Vec::new();
    if let Some(severity) = settings.severity_of(DOCKERFILE_SYNTAX.code) {
        for error in &df.errors {
            diagnostics.push(Diagnostic {
                help: lone_carriage_return(&file.text, error.span).then(|| {
                    "BuildKit ends a line only at `\\n`: the carriage returns on this line \
                     (old Mac OS line ends) do not end it; save the file with LF or CRLF line ends"
                        .to_string()
                }),
                ..Diagnostic::new(
                    &DOCKERFILE_SYNTAX,
                    file,
                    error.span,
                    severity,
                    error.message.clone(),
                )
            });
        }
    }
    for rule in RULES {
        let Some(check) = rule.dockerfile else {
            continue;
        };
        let Some(reporter) = reporter(rule, settings, &mut diagnostics) else {
            continue;
        };
        let mut cx = DockerfileContext {
            dockerfile: &df,
            file,
            reporter,
        };
        check(&mut cx);
    }
    // `docker run` inside a RUN: judged on the values written there.
    let mut lines = CommandLines::default();
    for instruction in &df.instructions {
        let target = match &instruction.kind {
            Kind::Onbuild(inner) => inner.as_ref(),
            _ => instruction,
        };
        if matches!(
            target.kind,
            Kind::Run(_) | Kind::Cmd(_) | Kind::Entrypoint(_)
        ) && let Some(script) = target.script()
        {
            let found = commandline::analyse_script(script, 0, true);
            lines.containers.extend(found.containers);
            lines.networks.extend(found.networks);
        }
    }
    lines.daemons = dockerfile_daemons(&df);
    if !lines.containers.is_empty() || !lines.networks.is_empty() || !lines.daemons.is_empty() {
        let files = UnitFiles {
            project: None,
            files: vec![file.clone()],
        };
        run_all_rules(
            &files,
            &lines.containers,
            &lines.networks,
            &lines.daemons,
            settings,
            &mut diagnostics,
        );
    }
    let suppressions = vec![(
        file.clone(),
        suppression::dockerfile_suppressions(&df, &file.text),
    )];
    let mut diagnostics = suppression::apply(diagnostics, &suppressions, settings);
    sort_and_dedup(&mut diagnostics);
    diagnostics
}

/// The source files of a project, with their paths as `display` shows them;
/// `known` are files already read (whose `SourceFile` should be shared).
pub fn project_files<'a>(
    project: &'a Project,
    display: &dyn Fn(&Path) -> PathBuf,
    known: &[Arc<SourceFile>],
) -> UnitFiles<'a> {
    let files = project
        .files
        .iter()
        .map(|f| {
            let shown = display(&f.path);
            known
                .iter()
                .find(|k| k.path == shown && k.text == f.text)
                .cloned()
                .unwrap_or_else(|| SourceFile::new(shown, f.text.clone()))
        })
        .collect();
    UnitFiles {
        project: Some(project),
        files,
    }
}

/// Runs the container rules over containers and the network rules over
/// networks, each rule only on the specs it judges.
fn run_spec_rules(
    files: &UnitFiles<'_>,
    containers: &[ContainerSpec],
    networks: &[NetworkSpec],
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) {
    run_all_rules(files, containers, networks, &[], settings, diagnostics);
}

/// Runs the container, network and daemon rules over the specs of a unit.
fn run_all_rules(
    files: &UnitFiles<'_>,
    containers: &[ContainerSpec],
    networks: &[NetworkSpec],
    daemons: &[DaemonSpec],
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for rule in RULES {
        if let Some(check) = rule.daemon {
            for spec in daemons {
                let Some(reporter) = reporter(rule, settings, diagnostics) else {
                    break;
                };
                let mut cx = DaemonContext {
                    spec,
                    files,
                    reporter,
                };
                check(&mut cx);
            }
        }
        if let Some(check) = rule.container {
            for spec in containers.iter().filter(|s| rule.judges(&s.source)) {
                let Some(reporter) = reporter(rule, settings, diagnostics) else {
                    break;
                };
                let mut cx = ContainerContext {
                    spec,
                    unit: containers,
                    files,
                    reporter,
                };
                check(&mut cx);
            }
        }
        if let Some(check) = rule.network {
            for network in networks {
                let Some(reporter) = reporter(rule, settings, diagnostics) else {
                    break;
                };
                let mut cx = NetworkContext {
                    network,
                    files,
                    reporter,
                };
                check(&mut cx);
            }
        }
    }
}

/// Lints a loaded compose project: its structure (DH002), each service, and
/// the project's networks.
pub fn lint_project(files: &UnitFiles<'_>, settings: &Settings) -> Vec<Diagnostic> {
    let Some(project) = files.project else {
        return Vec::new();
    };
    let mut diagnostics = Vec::new();
    if let Some(severity) = settings.severity_of(COMPOSE_SYNTAX.code) {
        for error in &project.errors {
            let Some(file) = files.files.get(error.file) else {
                continue;
            };
            diagnostics.push(Diagnostic::new(
                &COMPOSE_SYNTAX,
                file,
                error.span,
                severity,
                error.message.clone(),
            ));
        }
    }
    run_spec_rules(
        files,
        &project.services,
        &project.networks,
        settings,
        &mut diagnostics,
    );
    let suppressions: Vec<_> = files
        .files
        .iter()
        .zip(&project.files)
        .filter(|(_, f)| matches!(f.role, FileRole::Compose | FileRole::Referenced))
        .map(|(s, _)| (s.clone(), suppression::yaml_suppressions(&s.text)))
        .collect();
    let mut diagnostics = suppression::apply(diagnostics, &suppressions, settings);
    sort_and_dedup(&mut diagnostics);
    diagnostics
}

/// The source files of a command-line input, with their paths as `display`
/// shows them.
pub fn command_files(
    input: &CommandInput,
    display: &dyn Fn(&Path) -> PathBuf,
) -> UnitFiles<'static> {
    UnitFiles {
        project: None,
        files: input
            .files
            .iter()
            .map(|f| SourceFile::new(display(&f.path), f.text.clone()))
            .collect(),
    }
}

/// Lints a command-line input (script, Makefile, CI file, systemd unit):
/// the `docker`/`podman` commands of its shell text.
pub fn lint_commands(
    files: &UnitFiles<'_>,
    input: &CommandInput,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (origin, message) in &input.extracted.errors {
        if let Some(file) = files.file(*origin) {
            diagnostics.extend(unreadable_because(
                file,
                settings,
                message.clone(),
                origin.span,
                unreadable_help::INVALID,
            ));
        }
    }
    let lines = commandline::analyse(&input.extracted.blocks);
    run_all_rules(
        files,
        &lines.containers,
        &lines.networks,
        &lines.daemons,
        settings,
        &mut diagnostics,
    );
    // Comments of the input's own syntax, and shell comments in its blocks.
    let yaml = input.kind.is_yaml();
    let suppressions: Vec<_> = files
        .files
        .iter()
        .enumerate()
        .map(|(id, f)| {
            let in_file = |c: &&dockhard_parser::location::Origin| c.file == id;
            let own: Vec<Span> = input
                .extracted
                .comments
                .iter()
                .filter(in_file)
                .map(|c| c.span)
                .collect();
            let shell: Vec<Span> = lines
                .comments
                .iter()
                .filter(in_file)
                .map(|c| c.span)
                .collect();
            let commands: Vec<Span> = lines
                .commands
                .iter()
                .filter(|c| c.file == id)
                .map(|c| c.span)
                .chain(
                    lines
                        .daemon_commands
                        .iter()
                        .filter(|c| c.file == id)
                        .map(|c| c.span),
                )
                .collect();
            let mut list = if yaml {
                suppression::yaml_suppressions(&f.text)
            } else {
                suppression::command_line_suppressions(&f.text, &own, &commands)
            };
            list.extend(suppression::command_line_suppressions(
                &f.text, &shell, &commands,
            ));
            (f.clone(), list)
        })
        .collect();
    let mut diagnostics = suppression::apply(diagnostics, &suppressions, settings);
    sort_and_dedup(&mut diagnostics);
    diagnostics
}

fn syntax_diagnostic(
    rule: &'static crate::rule::RuleMeta,
    file: &Arc<SourceFile>,
    settings: &Settings,
    span: Span,
    message: String,
) -> Option<Diagnostic> {
    let severity = settings.severity_of(rule.code)?;
    Some(Diagnostic::new(rule, file, span, severity, message))
}

/// The daemon settings of a `daemon.json`, and what dockerd would refuse
/// in it.
pub fn daemon_json(file: &SourceFile) -> dockhard_parser::daemon::DaemonJson {
    dockhard_parser::daemon::from_json(&dockhard_parser::json::parse(&file.text), 0)
}

/// Lints a `daemon.json`: what dockerd refuses in it (DH003), and the
/// daemon rules over its settings.
pub fn lint_daemon_json(file: &Arc<SourceFile>, settings: &Settings) -> Vec<Diagnostic> {
    use crate::rules::meta::dh003_daemon_json_syntax::DAEMON_JSON_SYNTAX;
    let parsed = daemon_json(file);
    let mut diagnostics: Vec<Diagnostic> = parsed
        .problems
        .iter()
        .filter_map(|(span, message)| {
            syntax_diagnostic(&DAEMON_JSON_SYNTAX, file, settings, *span, message.clone())
        })
        .collect();
    if let Some(spec) = &parsed.spec {
        let files = UnitFiles {
            project: None,
            files: vec![file.clone()],
        };
        run_all_rules(
            &files,
            &[],
            &[],
            std::slice::from_ref(spec),
            settings,
            &mut diagnostics,
        );
    }
    sort_and_dedup(&mut diagnostics);
    diagnostics
}

/// The daemon settings written in a file of a run, with that file.
pub type DaemonOf = (Arc<SourceFile>, DaemonSpec);

/// The daemon settings a command-line input or a Dockerfile writes as
/// `dockerd` command lines.
pub fn daemons_in_commands(files: &UnitFiles<'_>, input: &CommandInput) -> Vec<DaemonOf> {
    commandline::analyse(&input.extracted.blocks)
        .daemons
        .into_iter()
        .filter_map(|d| Some((files.files.get(d.origin.file)?.clone(), d)))
        .collect()
}

/// The `dockerd` command lines of a Dockerfile that start the image's daemon
/// (CMD, ENTRYPOINT). A `dockerd` in a RUN is a throwaway daemon of the
/// build: it is judged on what it writes and is no other file's daemon.
pub fn daemons_in_dockerfile(file: &Arc<SourceFile>) -> Vec<DaemonOf> {
    let df = Dockerfile::parse(&file.text);
    dockerfile_daemons(&df)
        .into_iter()
        .filter(|d| d.judges_missing())
        .map(|d| (file.clone(), d))
        .collect()
}

/// The `dockerd` command lines of a Dockerfile; those in a RUN are judged
/// only on what they write.
fn dockerfile_daemons(df: &Dockerfile) -> Vec<DaemonSpec> {
    let mut out = Vec::new();
    for instruction in &df.instructions {
        let target = match &instruction.kind {
            Kind::Onbuild(inner) => inner.as_ref(),
            _ => instruction,
        };
        let Some(script) = target.script() else {
            continue;
        };
        let in_run = matches!(target.kind, Kind::Run(_));
        for mut d in commandline::analyse_script(script, 0, true).daemons {
            if in_run {
                d.source = dockhard_parser::daemon::DaemonSource::Command { complete: false };
            }
            out.push(d);
        }
    }
    out
}

/// Whether two files of a run write the settings of one daemon: a
/// `daemon.json` and a `dockerd` command line (two of a kind are two
/// daemons) in the same scope (the binary passes each file's repository),
/// the command's `--config-file`, when it has one, naming the JSON file.
fn same_daemon(
    a: &DaemonOf,
    b: &DaemonOf,
    scope_of: &mut dyn FnMut(&Path) -> Option<PathBuf>,
) -> bool {
    let (json, command) = match (a.1.is_json(), b.1.is_json()) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => return false,
    };
    if let Some(config) = &command.1.config_file {
        let named = Path::new(config).file_name();
        if named.is_none() || named != json.0.path.file_name() {
            return false;
        }
    }
    scope_of(&json.0.path) == scope_of(&command.0.path)
}

/// Where a repository writes a daemon's settings in two places (a
/// `daemon.json` and `dockerd` flags): a setting made in either satisfies
/// the rules for both, so a missing-setting finding goes when the other
/// file satisfies its rule; a setting made in both is DH003 (dockerd refuses
/// to start). `settings_of` gives a file's settings; `scope_of` the scope
/// a file's daemon lives in (files of two scopes are two hosts).
pub fn merge_daemons(
    diagnostics: &mut Vec<Diagnostic>,
    daemons: &[DaemonOf],
    settings_of: &mut dyn FnMut(&Path) -> Settings,
    scope_of: &mut dyn FnMut(&Path) -> Option<PathBuf>,
) {
    use crate::rules::meta::dh003_daemon_json_syntax::DAEMON_JSON_SYNTAX;
    if daemons.len() < 2 {
        return;
    }
    // The pairs of files that write one daemon, by index.
    let mut pairs = Vec::new();
    for (i, a) in daemons.iter().enumerate() {
        for (j, b) in daemons.iter().enumerate().skip(i + 1) {
            if a.0.path != b.0.path && same_daemon(a, b, scope_of) {
                pairs.push((i, j));
            }
        }
    }
    if pairs.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        if !d.daemon_missing {
            return true;
        }
        let Some(satisfied) = crate::registry::by_code(d.code).and_then(|r| r.daemon_satisfied)
        else {
            return true;
        };
        !pairs.iter().any(|&(i, j)| {
            let (a, b) = (&daemons[i], &daemons[j]);
            (a.0.path == d.file.path && satisfied(&b.1))
                || (b.0.path == d.file.path && satisfied(&a.1))
        })
    });
    for &(i, j) in &pairs {
        let (json_of, command_of) = if daemons[i].1.is_json() {
            (&daemons[i], &daemons[j])
        } else {
            (&daemons[j], &daemons[i])
        };
        let (json_file, json) = json_of;
        let (flag_file, command) = command_of;
        for setting in &command.settings {
            let Some(in_json) = json.get(&setting.key) else {
                continue;
            };
            // `--add-runtime` and `runtimes` are merged, not refused.
            if setting.key == "runtimes" {
                continue;
            }
            let settings = settings_of(&flag_file.path);
            let flag = setting.written.span.slice(&flag_file.text).to_string();
            let message = format!(
                "`{flag}` is set both as a dockerd flag and as `{}` in `{}`: dockerd refuses to start with a setting in both",
                setting.key,
                json_file.path.display()
            );
            if let Some(mut d) = syntax_diagnostic(
                &DAEMON_JSON_SYNTAX,
                flag_file,
                &settings,
                setting.written.span,
                message,
            ) {
                d.label = Some("also in daemon.json".to_string());
                d.labels.push(crate::diagnostic::Label {
                    span: in_json.written.span,
                    message: "set here too".to_string(),
                    file: Some(json_file.clone()),
                });
                d.help = Some(format!(
                    "keep `{}` in one place: remove the flag or the key",
                    setting.key
                ));
                diagnostics.push(d);
            }
        }
    }
    sort_and_dedup(diagnostics);
}

/// Lints the facts of a host (`dockhard host`): the host rules (DH900–DH903)
/// over them, shown in the `<host>` text the facts render to.
pub fn lint_host(
    facts: &crate::host::HostFacts,
    settings: &Settings,
) -> (crate::host::HostFile, Vec<Diagnostic>) {
    let host = facts.render();
    let mut diagnostics = Vec::new();
    for rule in RULES {
        let Some(check) = rule.host else { continue };
        let Some(reporter) = reporter(rule, settings, &mut diagnostics) else {
            continue;
        };
        let mut cx = crate::context::HostContext {
            facts,
            host: &host,
            reporter,
        };
        check(&mut cx);
    }
    sort_and_dedup(&mut diagnostics);
    (host, diagnostics)
}
