//! `dockhard check`: discover, lint in parallel, fix, report, exit code.

use std::collections::{BTreeSet, HashMap};
use std::io::{IsTerminal, Read, Write};
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

/// Reads files from disk, except those given on standard input.
struct OverlayLoader {
    overlay: HashMap<PathBuf, String>,
}

impl Loader for OverlayLoader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        match self.overlay.get(path) {
            Some(text) => Ok(text.clone()),
            None => std::fs::read_to_string(path),
        }
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
fn unreadable_outcome(input: &Input, error: &std::io::Error, settings: &Settings) -> Outcome {
    let file = SourceFile::new(input.display.clone(), String::new());
    let d = linter::unreadable(
        &file,
        settings,
        format!("cannot read the file: {error}"),
        dockhard_parser::Span::empty_at(0),
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
    bytes: std::io::Result<Vec<u8>>,
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
            let d = linter::unreadable(
                &file,
                settings,
                format!("cannot read the file: {e}"),
                dockhard_parser::Span::empty_at(0),
            );
            (file, d.into_iter().collect())
        }
    }
}

fn read(input: &Input, stdin: &Option<Vec<u8>>) -> std::io::Result<Vec<u8>> {
    match &input.origin {
        Origin::File(p) => std::fs::read(p),
        Origin::Stdin => Ok(stdin.clone().unwrap_or_default()),
    }
}

/// The path a project loads an input from (standard input gets its name).
fn load_path(input: &Input) -> PathBuf {
    match &input.origin {
        Origin::File(p) => p.clone(),
        Origin::Stdin => input.display.clone(),
    }
}

/// Lints a script, Makefile, CI file or unit: its shell text is parsed only
/// when it names `docker` or `podman` (or holds a suppression comment).
fn lint_command_input(
    input: &Input,
    stdin: &Option<Vec<u8>>,
    settings: &Settings,
    cwd: &Path,
) -> Outcome {
    let bytes = match read(input, stdin) {
        Ok(b) => b,
        Err(e) => return unreadable_outcome(input, &e, settings),
    };
    let (file, unreadable) = load(input.display.clone(), bytes, settings);
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

/// Lints a `daemon.json`; its settings are kept for the run's end.
fn lint_daemon_json_input(input: &Input, stdin: &Option<Vec<u8>>, settings: &Settings) -> Outcome {
    let bytes = match read(input, stdin) {
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

fn lint_compose(
    inputs: &[Input],
    stdin: &Option<Vec<u8>>,
    settings: &Settings,
    cwd: &Path,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut overlay = HashMap::new();
    for input in inputs {
        match read(input, stdin).map(|b| load(input.display.clone(), b, settings)) {
            Ok((file, None)) => {
                if input.origin == Origin::Stdin {
                    overlay.insert(load_path(input), file.text.clone());
                }
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
    let loader = OverlayLoader { overlay };
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

fn lint_unit(unit: &Unit, stdin: &Option<Vec<u8>>, settings: &Settings, cwd: &Path) -> Outcome {
    match unit {
        Unit::Single(input) if input.kind == FileKind::Dockerfile => {
            let (file, diagnostics) = lint_dockerfile_input(input, read(input, stdin), settings);
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
            if !path.is_file() {
                eprintln!("dockhard: {}: no such file", path.display());
                missing += 1;
                continue;
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

/// The command line's fail level, else the configuration's, else warning.
pub(crate) fn threshold(args: &CommonArgs, run_config: Option<&Config>) -> Option<Severity> {
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
    for path in &found.missing {
        eprintln!("dockhard: {}: no such file or directory", path.display());
    }
    for path in &found.skipped {
        eprintln!(
            "dockhard: {}: not a file dockhard reads (by name or content); skipped (use --kind to force)",
            path.display()
        );
    }
    let stdin = if found.inputs.iter().any(|i| i.origin == Origin::Stdin) {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Some(buf)
    } else {
        None
    };
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

    let progress = crate::progress::Progress::start(units.len());
    let mut outcomes: Vec<Outcome> = units
        .par_iter()
        .map(|(u, settings)| {
            let o = lint_unit(u, &stdin, settings, &cwd);
            progress.tick();
            o
        })
        .collect();
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
    if args.fix {
        let dockerfiles: Vec<(&Input, &Settings)> = units
            .iter()
            .filter_map(|(u, settings)| match u {
                Unit::Single(i) if i.kind == FileKind::Dockerfile => Some((i, &**settings)),
                _ => None,
            })
            .collect();
        fix::apply(&mut outcome.diagnostics, &dockerfiles, args.unsafe_fixes)?;
    }
    sort_and_dedup(&mut outcome.diagnostics);
    write_report(&args.common, &outcome, &cwd, started.elapsed())?;
    if missing > 0 {
        return Ok(ExitCode::from(2));
    }
    let failing = threshold(&args.common, run_config.as_deref())
        .is_some_and(|t| outcome.diagnostics.iter().any(|d| d.severity >= t));
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
