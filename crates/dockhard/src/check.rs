//! `dockhard check`: discover, lint in parallel, fix, report, exit code.

use std::collections::{BTreeSet, HashMap};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use dockhard_parser::compose::load_project;
use dockhard_parser::kinds::load_command_input;
use dockhard_parser::loader::Loader;
use dockhard_rules::config::{
    Config, ConfigError, FailLevel as ConfigFailLevel, Overrides, config_in, load_config,
};
use dockhard_rules::diagnostic::sort_and_dedup;
use dockhard_rules::kind::compose_projects;
use dockhard_rules::settings::Selector;
use dockhard_rules::{
    Diagnostic, FileKind, Settings, Severity, SourceFile, command_files, daemons_in_commands,
    daemons_in_dockerfile, lint_commands, lint_daemon_json, lint_dockerfile, lint_project, linter,
    load, merge_daemons, project_files,
};
use rayon::prelude::*;

use crate::cli::{CheckArgs, ColorChoice, CommonArgs, FailLevel, OutputFormat};
use crate::discover::{Input, Origin, discover};
use crate::outcome::Outcome;
use crate::paths::display_path;
use crate::read::ReadError;
use crate::{fix, output};

fn selectors(list: &[String]) -> Result<Vec<Selector>, String> {
    list.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Selector::parse(s).map_err(|e| e.to_string()))
        .collect()
}

/// What the command line puts on top of the configuration files.
fn overrides(args: &CommonArgs) -> Result<Overrides, String> {
    let mut extend_select = selectors(&args.extend_select)?;
    if args.require_reason {
        extend_select.push(Selector::parse("DH007").map_err(|e| e.to_string())?);
    }
    let data = match &args.eol_data {
        Some(dir) => Some(Arc::new(
            dockhard_rules::data::DataSet::load_dir(dir).map_err(|e| format!("--eol-data: {e}"))?,
        )),
        None => None,
    };
    Ok(Overrides {
        select: (!args.select.is_empty())
            .then(|| selectors(&args.select))
            .transpose()?,
        extend_select,
        ignore: selectors(&args.ignore)?,
        allowed_capabilities: Vec::new(),
        as_of: args.as_of.clone(),
        data,
    })
}

/// The configuration files of a run: `--config FILE` for every file,
/// nothing with `--isolated`, else the closest `dockhard.toml` or
/// `.dockhard.toml` at or above each linted file. Each file is read once,
/// and each linted file's settings are computed once.
pub(crate) struct Configs {
    overrides: Overrides,
    explicit: Option<Arc<Config>>,
    isolated: bool,
    /// Directory -> the configuration file that applies there.
    found: HashMap<PathBuf, Option<PathBuf>>,
    loaded: HashMap<PathBuf, Option<Arc<Config>>>,
    /// Linted file (absolute, normalised) -> its settings.
    settings: HashMap<PathBuf, Arc<Settings>>,
    /// The settings files share: by configuration file and the
    /// `per-file-ignores` entries that match.
    shared: HashMap<(Option<PathBuf>, Vec<usize>), Arc<Settings>>,
    errors: Vec<ConfigError>,
}

impl Configs {
    pub(crate) fn new(args: &CommonArgs, cwd: &Path) -> Result<Configs, String> {
        let mut configs = Configs {
            overrides: overrides(args)?,
            explicit: None,
            isolated: args.isolated,
            found: HashMap::new(),
            loaded: HashMap::new(),
            settings: HashMap::new(),
            shared: HashMap::new(),
            errors: Vec::new(),
        };
        if let Some(path) = &args.config {
            if !path.is_file() {
                return Err(format!("{}: no such configuration file", path.display()));
            }
            configs.explicit = configs.load(&cwd.join(path));
        }
        Ok(configs)
    }

    fn load(&mut self, path: &Path) -> Option<Arc<Config>> {
        if let Some(c) = self.loaded.get(path) {
            return c.clone();
        }
        let config = match load_config(path) {
            Ok(c) => Some(Arc::new(c)),
            Err(errors) => {
                self.errors.extend(errors);
                None
            }
        };
        self.loaded.insert(path.to_path_buf(), config.clone());
        config
    }

    /// The configuration for the files of a directory (an absolute path).
    pub(crate) fn for_dir(&mut self, dir: &Path) -> Option<Arc<Config>> {
        if self.explicit.is_some() || self.isolated {
            return self.explicit.clone();
        }
        let path = self.config_path(dir);
        self.load(&path?)
    }

    /// The configuration file that applies in `dir`: its own, else its
    /// parent's (looked up once per directory).
    fn config_path(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(p) = self.found.get(dir) {
            return p.clone();
        }
        let p = match config_in(dir) {
            Some(p) => Some(p),
            None => dir.parent().and_then(|parent| self.config_path(parent)),
        };
        self.found.insert(dir.to_path_buf(), p.clone());
        p
    }

    fn config_file_for_dir(&mut self, dir: &Path) -> Option<PathBuf> {
        match &self.explicit {
            Some(c) => Some(c.path.clone()),
            None if self.isolated => None,
            None => self.config_path(dir),
        }
    }

    /// The settings for a file, as the working directory names it: its
    /// configuration with the command line on top.
    pub(crate) fn settings_for(&mut self, file: &Path, cwd: &Path) -> Arc<Settings> {
        let path = dockhard_parser::paths::normalize(&cwd.join(file));
        if let Some(s) = self.settings.get(&path) {
            return s.clone();
        }
        let config = path.parent().and_then(|dir| self.for_dir(dir));
        let key = (
            path.parent().and_then(|dir| self.config_file_for_dir(dir)),
            dockhard_rules::config::matching_per_file_ignores(config.as_deref(), &path),
        );
        let settings = match self.shared.get(&key) {
            Some(s) => s.clone(),
            None => {
                let s = Arc::new(dockhard_rules::config::settings(
                    config.as_deref(),
                    &path,
                    &self.overrides,
                ));
                self.shared.insert(key, s.clone());
                s
            }
        };
        self.settings.insert(path, settings.clone());
        settings
    }

    /// Prints the configuration errors met so far as miette reports with
    /// their place in the TOML file; `true` if there were any.
    pub(crate) fn report_errors(&self) -> bool {
        let handler = miette::GraphicalReportHandler::new_themed(
            if color_on(std::io::stderr().is_terminal()) {
                miette::GraphicalTheme::unicode()
            } else {
                miette::GraphicalTheme::unicode_nocolor()
            },
        );
        for e in &self.errors {
            let mut out = String::new();
            if handler.render_report(&mut out, e).is_err() {
                out = format!("dockhard: {e}\n");
            }
            eprint!("{out}");
        }
        !self.errors.is_empty()
    }
}

/// Colour by default on a terminal, unless `NO_COLOR` is set (and not empty).
fn color_on(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Reads files from disk (regular files within the size limit only), except
/// those already read (the unit's own inputs, standard input).
struct OverlayLoader {
    overlay: HashMap<PathBuf, String>,
    limit: u64,
}

impl Loader for OverlayLoader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        if let Some(text) = self.overlay.get(&dockhard_parser::paths::normalize(path)) {
            return Ok(text.clone());
        }
        let bytes = crate::read::read_file(path, self.limit)
            .map_err(|e| std::io::Error::other(e.message()))?;
        String::from_utf8(bytes).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
            )
        })
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        dockhard_parser::loader::FsLoader.list(dir)
    }
}

/// One piece of work: a file linted on its own (a Dockerfile, or a
/// command-line input with the files it includes), or a compose project
/// (base file first).
enum Unit {
    Single(Input),
    Compose(Vec<Input>),
}

impl Unit {
    /// The file whose configuration the unit is linted with.
    fn first_path(&self) -> PathBuf {
        match self {
            Unit::Single(input) => load_path(input),
            Unit::Compose(inputs) => inputs.first().map(load_path).unwrap_or_default(),
        }
    }
}

/// A file that could not be read: DH006 and nothing else.
fn unreadable_outcome(input: &Input, error: &ReadError, settings: &Settings) -> Outcome {
    let file = SourceFile::new(input.display.clone(), String::new());
    let d = linter::unreadable_because(
        &file,
        settings,
        error.message(),
        dockhard_parser::Span::empty_at(0),
        error.help(),
    );
    Outcome {
        diagnostics: d.into_iter().collect(),
        files: BTreeSet::from([file.path.clone()]),
        daemons: Vec::new(),
    }
}

/// Lints one Dockerfile given its bytes.
pub fn lint_dockerfile_input(
    input: &Input,
    bytes: Result<Vec<u8>, ReadError>,
    settings: &Settings,
) -> (Arc<SourceFile>, Vec<Diagnostic>) {
    match bytes {
        Ok(bytes) => {
            let (file, unreadable) = load(input.display.clone(), bytes, settings);
            match unreadable {
                Some(d) => (file, vec![d]),
                None => {
                    let diagnostics = lint_dockerfile(&file, settings);
                    (file, diagnostics)
                }
            }
        }
        Err(e) => {
            let file = SourceFile::new(input.display.clone(), String::new());
            let d = linter::unreadable_because(
                &file,
                settings,
                e.message(),
                dockhard_parser::Span::empty_at(0),
                e.help(),
            );
            (file, d.into_iter().collect())
        }
    }
}

/// Standard input, read once (bounded) when an input names it.
type Stdin = Option<Result<Vec<u8>, ReadError>>;

/// The bytes of an input, within the size limit of its settings. A compose
/// file or a `daemon.json` in UTF-16 with a byte-order mark is read as
/// compose and dockerd read it: decoded.
fn read(input: &Input, stdin: &Stdin, settings: &Settings) -> Result<Vec<u8>, ReadError> {
    let bytes = match &input.origin {
        Origin::File(p) => crate::read::read_file(p, settings.max_file_size)?,
        Origin::Stdin => match stdin {
            Some(result) => result.clone()?,
            None => Vec::new(),
        },
        Origin::Unreadable(_, error) => return Err(error.clone()),
    };
    if matches!(input.kind, FileKind::Compose | FileKind::DaemonJson)
        && let Some(utf8) = crate::read::utf16_to_utf8(&bytes)
    {
        return Ok(utf8);
    }
    Ok(bytes)
}

/// The path a project loads an input from (standard input gets its name).
fn load_path(input: &Input) -> PathBuf {
    match &input.origin {
        Origin::File(p) | Origin::Unreadable(p, _) => p.clone(),
        Origin::Stdin => input.display.clone(),
    }
}

/// Lints a script, Makefile, CI file or unit: its shell text is parsed only
/// when it names `docker` or `podman` (or holds a suppression comment).
fn lint_command_input(input: &Input, stdin: &Stdin, settings: &Settings, cwd: &Path) -> Outcome {
    let bytes = match read(input, stdin, settings) {
        Ok(b) => b,
        Err(e) => return unreadable_outcome(input, &e, settings),
    };
    let (file, unreadable) = load(input.display.clone(), bytes, settings);
    let unreadable = unreadable.or_else(|| one_line_to_the_shell(input.kind, &file, settings));
    let mut outcome = Outcome {
        diagnostics: unreadable.into_iter().collect(),
        files: BTreeSet::from([file.path.clone()]),
        daemons: Vec::new(),
    };
    // A workflow's container options name no program, and a GitLab CI file
    // may include others: those are always read.
    let quiet = !dockhard_parser::commandline::may_hold_commands(&file.text)
        && !file.text.contains("dockhard")
        && !matches!(input.kind, FileKind::GitlabCi | FileKind::GithubActions);
    if !outcome.diagnostics.is_empty() || quiet {
        return outcome;
    }
    let path = load_path(input);
    let loader = OverlayLoader {
        overlay: HashMap::new(),
        limit: settings.max_file_size,
    };
    let command_input = load_command_input(input.kind, &path, file.text.clone(), &loader);
    let display = |p: &Path| {
        if p == path {
            input.display.clone()
        } else {
            display_path(p, cwd)
        }
    };
    let files = command_files(&command_input, &display);
    outcome
        .files
        .extend(files.files.iter().map(|f| f.path.clone()));
    outcome
        .diagnostics
        .extend(lint_commands(&files, &command_input, settings));
    if files.files.iter().any(|f| f.text.contains("dockerd")) {
        outcome.daemons = daemons_in_commands(&files, &command_input);
    }
    outcome
}

/// A script or Makefile whose lines end in carriage returns alone (classic
/// Mac OS): the shell and make end a line only at `\n`, so to them the file
/// is one line (a script starting with `#!` is one comment). What an editor
/// shows as commands is not what runs: DH006 rather than silence.
pub(crate) fn one_line_to_the_shell(
    kind: FileKind,
    file: &Arc<SourceFile>,
    settings: &Settings,
) -> Option<Diagnostic> {
    if !matches!(kind, FileKind::Script | FileKind::Makefile) || file.text.contains('\n') {
        return None;
    }
    let at = file.text.trim_end_matches('\r').find('\r')?;
    let tool = if kind == FileKind::Makefile {
        "make"
    } else {
        "the shell"
    };
    linter::unreadable_because(
        file,
        settings,
        format!(
            "the lines end in carriage returns alone (classic Mac OS), which {tool} does not take \
             as line ends: to it the whole file is one line; not linted"
        ),
        dockhard_parser::Span::new(at as u32, at as u32 + 1),
        "save the file with LF line ends",
    )
}

/// Lints a `daemon.json`; its settings are kept for the run's end.
fn lint_daemon_json_input(input: &Input, stdin: &Stdin, settings: &Settings) -> Outcome {
    let bytes = match read(input, stdin, settings) {
        Ok(b) => b,
        Err(e) => return unreadable_outcome(input, &e, settings),
    };
    let (file, unreadable) = load(input.display.clone(), bytes, settings);
    let mut outcome = Outcome {
        diagnostics: unreadable.into_iter().collect(),
        files: BTreeSet::from([file.path.clone()]),
        daemons: Vec::new(),
    };
    if outcome.diagnostics.is_empty() {
        outcome.diagnostics = lint_daemon_json(&file, settings);
        if let Some(spec) = linter::daemon_json(&file).spec {
            outcome.daemons.push((file, spec));
        }
    }
    outcome
}

fn lint_compose(inputs: &[Input], stdin: &Stdin, settings: &Settings, cwd: &Path) -> Outcome {
    let mut outcome = Outcome::default();
    let mut overlay = HashMap::new();
    for input in inputs {
        match read(input, stdin, settings).map(|b| load(input.display.clone(), b, settings)) {
            Ok((file, None)) => {
                // Read once: the project loads what was checked here (and
                // as it was decoded), under the path it normalises to.
                overlay.insert(
                    dockhard_parser::paths::normalize(&load_path(input)),
                    file.text.clone(),
                );
            }
            Ok((file, Some(d))) => {
                outcome.files.insert(file.path.clone());
                outcome.diagnostics.push(d);
                return outcome;
            }
            Err(e) => return unreadable_outcome(input, &e, settings),
        }
    }
    let paths: Vec<PathBuf> = inputs.iter().map(load_path).collect();
    let loader = OverlayLoader {
        overlay,
        limit: settings.max_file_size,
    };
    let project = load_project(&paths, &loader);
    let display = |p: &Path| display_path(p, cwd);
    let pf = project_files(&project, &display, &[]);
    for (f, pfile) in pf.files.iter().zip(&project.files) {
        if matches!(
            pfile.role,
            dockhard_parser::compose::FileRole::Compose
                | dockhard_parser::compose::FileRole::Referenced
        ) {
            outcome.files.insert(f.path.clone());
        }
    }
    outcome.diagnostics.extend(lint_project(&pf, settings));
    outcome
}

fn lint_unit(unit: &Unit, stdin: &Stdin, settings: &Settings, cwd: &Path) -> Outcome {
    match unit {
        Unit::Single(input) if input.kind == FileKind::Dockerfile => {
            let (file, diagnostics) =
                lint_dockerfile_input(input, read(input, stdin, settings), settings);
            let daemons = if file.text.contains("dockerd") {
                daemons_in_dockerfile(&file)
            } else {
                Vec::new()
            };
            Outcome {
                diagnostics,
                files: BTreeSet::from([file.path.clone()]),
                daemons,
            }
        }
        Unit::Single(input) if input.kind == FileKind::DaemonJson => {
            lint_daemon_json_input(input, stdin, settings)
        }
        Unit::Single(input) => lint_command_input(input, stdin, settings, cwd),
        Unit::Compose(inputs) => lint_compose(inputs, stdin, settings, cwd),
    }
}

/// The units of a run: each file alone, compose files grouped into projects
/// (plus the explicit `--compose-file` set). Returns how many explicit
/// compose files were missing.
fn plan_units(inputs: Vec<Input>, compose_files: &[PathBuf], cwd: &Path) -> (Vec<Unit>, usize) {
    let mut units = Vec::new();
    let mut compose_inputs: HashMap<PathBuf, Input> = HashMap::new();
    for input in inputs {
        match input.kind {
            FileKind::Compose => {
                compose_inputs.insert(load_path(&input), input);
            }
            _ => units.push(Unit::Single(input)),
        }
    }
    let mut compose_paths: Vec<PathBuf> = compose_inputs.keys().cloned().collect();
    compose_paths.sort();
    for project in compose_projects(&compose_paths) {
        let inputs = project
            .iter()
            .filter_map(|p| compose_inputs.get(p).cloned())
            .collect();
        units.push(Unit::Compose(inputs));
    }
    let mut missing = 0;
    if !compose_files.is_empty() {
        let mut inputs = Vec::new();
        for path in compose_files {
            // A FIFO or a device is read (and refused) like any input.
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => {
                    eprintln!(
                        "dockhard: {}: a directory, not a compose file",
                        path.display()
                    );
                    missing += 1;
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    eprintln!(
                        "dockhard: {}: {}",
                        path.display(),
                        crate::read::unresolvable(path, &e)
                    );
                    missing += 1;
                    continue;
                }
            }
            inputs.push(Input {
                origin: Origin::File(path.clone()),
                display: display_path(path, cwd),
                kind: FileKind::Compose,
            });
        }
        if !inputs.is_empty() {
            units.push(Unit::Compose(inputs));
        }
    }
    (units, missing)
}

/// A compose project is linted with the settings of its base file; a
/// finding in another of its files (an override, an extended or included
/// file) follows that file's own configuration and per-file-ignores.
fn apply_file_settings(
    units: &[(Unit, Arc<Settings>)],
    outcomes: &mut [Outcome],
    configs: &mut Configs,
    cwd: &Path,
) {
    for ((unit, _), o) in units.iter().zip(outcomes.iter_mut()) {
        let base = match unit {
            Unit::Compose(inputs) => inputs.first().map(|i| i.display.clone()),
            Unit::Single(input) => Some(input.display.clone()),
        };
        o.diagnostics.retain_mut(|d| {
            if Some(&d.file.path) == base.as_ref() {
                return true;
            }
            let settings = configs.settings_for(&d.file.path, cwd);
            if !settings.is_enabled(d.code) {
                return false;
            }
            if settings.severity_is_overridden(d.code)
                && let Some(severity) = settings.severity_of(d.code)
            {
                d.severity = severity;
            }
            true
        });
    }
}

/// Writes the report in the chosen format (to `--output` and, on a
/// terminal, the human report to standard output).
pub(crate) fn write_report(
    args: &CommonArgs,
    outcome: &Outcome,
    cwd: &Path,
    elapsed: std::time::Duration,
) -> Result<(), String> {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => color_on(std::io::stdout().is_terminal()),
    };
    let report = |format: OutputFormat, color: bool, out: &mut dyn Write| -> std::io::Result<()> {
        match format {
            OutputFormat::Human => {
                out.write_all(output::human(outcome, color).as_bytes())?;
                if !args.no_summary {
                    out.write_all(output::summary_line(outcome, elapsed).as_bytes())?;
                }
                Ok(())
            }
            OutputFormat::Concise => output::concise(outcome, out),
            OutputFormat::Json => output::json(outcome, out),
            OutputFormat::Sarif => output::sarif(outcome, cwd, out),
            OutputFormat::Checkstyle => out.write_all(output::checkstyle(outcome).as_bytes()),
            OutputFormat::Junit => out.write_all(output::junit(outcome).as_bytes()),
            OutputFormat::Gitlab => out.write_all(
                output::gitlab(outcome)
                    .map_err(std::io::Error::other)?
                    .as_bytes(),
            ),
            OutputFormat::Github => out.write_all(output::github(outcome).as_bytes()),
        }
    };
    let to_stdout = match &args.output {
        None => Some((args.format, color)),
        Some(path) if is_linted(path, outcome, cwd) => {
            return Err(format!(
                "{}: is a file being linted; the report is not written over it",
                path.display()
            ));
        }
        Some(path) => {
            // A file is not a terminal: colour only when asked for.
            let write = || -> std::io::Result<()> {
                let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
                report(args.format, args.color == ColorChoice::Always, &mut file)?;
                file.flush()
            };
            write().map_err(|e| format!("cannot write the report to {}: {e}", path.display()))?;
            std::io::stdout()
                .is_terminal()
                .then_some((OutputFormat::Human, color))
        }
    };
    if let Some((format, color)) = to_stdout {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        if let Err(e) = report(format, color, &mut out).and_then(|()| out.flush())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(format!("cannot write the report: {e}"));
        }
    }
    Ok(())
}

/// Whether `path` is one of the run's linted files, by name or, when it
/// exists, as the same file under another name (a link, `a/../b`).
fn is_linted(path: &Path, outcome: &Outcome, cwd: &Path) -> bool {
    if outcome.files.contains(&display_path(path, cwd)) {
        return true;
    }
    let Ok(target) = std::fs::canonicalize(cwd.join(path)) else {
        return false;
    };
    outcome
        .files
        .iter()
        .any(|f| std::fs::canonicalize(cwd.join(f)).is_ok_and(|c| c == target))
}

/// The stack of each linting thread. The readers recurse only as deep as
/// their limits allow (YAML 128 levels, JSON 256), but a level of YAML
/// takes over 16 KiB of stack in a debug build, more than the 2 MiB threads
/// get by default; the memory is reserved, and used only as deep as a file
/// goes.
const LINT_STACK: usize = 64 << 20;

/// Standard input, when an input names it: at most the size limit of the
/// unit that reads it (more is a DH006 for that input, not a run error).
fn read_stdin(units: &[(Unit, Arc<Settings>)]) -> Result<Stdin, String> {
    let reads_stdin = |u: &Unit| match u {
        Unit::Single(i) => i.origin == Origin::Stdin,
        Unit::Compose(inputs) => inputs.iter().any(|i| i.origin == Origin::Stdin),
    };
    let Some((_, settings)) = units.iter().find(|(u, _)| reads_stdin(u)) else {
        return Ok(None);
    };
    match crate::read::read_bounded(std::io::stdin().lock(), settings.max_file_size, 0) {
        Err(ReadError::Io(_, e)) => Err(format!("cannot read standard input: {e}")),
        result => Ok(Some(result)),
    }
}

/// The repository a file is in: the closest directory at or above it with
/// a `.git`; `None` outside any (such files share one scope). Cached by
/// directory.
fn repository_root(file: &Path, cache: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    let dir = dockhard_parser::paths::normalize(file.parent()?);
    if let Some(root) = cache.get(&dir) {
        return root.clone();
    }
    let root = if dir.join(".git").exists() {
        Some(dir.clone())
    } else {
        dir.parent()
            .and_then(|parent| repository_root(&parent.join("-"), cache))
    };
    cache.insert(dir, root.clone());
    root
}

/// Exit code 1 when a finding is at or above the fail level, else 0.
pub(crate) fn findings_exit_code(
    args: &CommonArgs,
    run_config: Option<&Config>,
    diagnostics: &[Diagnostic],
) -> ExitCode {
    let failing =
        threshold(args, run_config).is_some_and(|t| diagnostics.iter().any(|d| d.severity >= t));
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The command line's fail level, else the configuration's, else warning.
fn threshold(args: &CommonArgs, run_config: Option<&Config>) -> Option<Severity> {
    match args.fail_level {
        Some(FailLevel::Info) => Some(Severity::Info),
        Some(FailLevel::Warning) => Some(Severity::Warning),
        Some(FailLevel::Error) => Some(Severity::Error),
        Some(FailLevel::Never) => None,
        None => match run_config.and_then(|c| c.options.fail_level) {
            Some(ConfigFailLevel::At(s)) => Some(s),
            Some(ConfigFailLevel::Never) => None,
            None => Some(Severity::Warning),
        },
    }
}

pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let mut configs = Configs::new(&args.common, &cwd)?;
    let only_compose_set = !args.compose_files.is_empty() && args.paths.is_empty();
    let found = if only_compose_set {
        crate::discover::Discovery::default()
    } else {
        discover(&args.paths, args.kind, args.stdin_filename.as_deref(), &cwd)
    };
    for (path, why) in &found.missing {
        eprintln!("dockhard: {}: {why}", path.display());
    }
    for (path, why) in &found.passed_over {
        if path.as_os_str().is_empty() {
            eprintln!("dockhard: {why}");
        } else {
            eprintln!("dockhard: {}: {why}; skipped", path.display());
        }
    }
    for path in &found.skipped {
        eprintln!(
            "dockhard: {}: not a file dockhard reads (by name or content); skipped (use --kind to force)",
            path.display()
        );
    }
    let (units, missing_compose) = plan_units(found.inputs, &args.compose_files, &cwd);
    let missing = found.missing.len() + missing_compose;

    // Settings per unit, from the configuration that applies to its (first)
    // file; all configuration files are read before anything is linted.
    let units: Vec<(Unit, Arc<Settings>)> = units
        .into_iter()
        .map(|u| {
            let settings = configs.settings_for(&u.first_path(), &cwd);
            (u, settings)
        })
        .collect();
    let run_config = configs.for_dir(&cwd);
    if configs.report_errors() {
        return Ok(ExitCode::from(2));
    }
    let stdin = read_stdin(&units)?;

    let progress = crate::progress::Progress::start(units.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(LINT_STACK)
        .build()
        .map_err(|e| format!("cannot start the linting threads: {e}"))?;
    let mut outcomes: Vec<Outcome> = pool.install(|| {
        units
            .par_iter()
            .map(|(u, settings)| {
                let o = lint_unit(u, &stdin, settings, &cwd);
                progress.tick();
                o
            })
            .collect()
    });
    progress.finish();
    apply_file_settings(&units, &mut outcomes, &mut configs, &cwd);
    if configs.report_errors() {
        return Ok(ExitCode::from(2));
    }
    let mut outcome = Outcome::default();
    for o in outcomes {
        outcome.merge(o);
    }
    // A daemon's settings written in two places are judged together.
    let daemons = std::mem::take(&mut outcome.daemons);
    let mut roots = HashMap::new();
    merge_daemons(
        &mut outcome.diagnostics,
        &daemons,
        &mut |path| (*configs.settings_for(path, &cwd)).clone(),
        &mut |path| repository_root(&cwd.join(path), &mut roots),
    );
    let mut fix_failures = Vec::new();
    if args.fix {
        let dockerfiles: Vec<(&Input, &Settings)> = units
            .iter()
            .filter_map(|(u, settings)| match u {
                Unit::Single(i) if i.kind == FileKind::Dockerfile => Some((i, &**settings)),
                _ => None,
            })
            .collect();
        fix_failures = fix::apply(&mut outcome.diagnostics, &dockerfiles, args.unsafe_fixes);
        for failure in &fix_failures {
            eprintln!("dockhard: {failure}");
        }
    }
    sort_and_dedup(&mut outcome.diagnostics);
    write_report(&args.common, &outcome, &cwd, started.elapsed())?;
    if missing > 0 || !fix_failures.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(findings_exit_code(
        &args.common,
        run_config.as_deref(),
        &outcome.diagnostics,
    ))
}
