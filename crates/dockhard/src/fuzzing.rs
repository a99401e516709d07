//! For the fuzz targets (`crates/dockhard-fuzz`), not for users: `dockhard
//! check` on files held in memory, rendered in every output format.
//!
//! This follows `check::run` step by step (recognise each file, group the
//! compose files into projects, lint each unit with the same library entry
//! points, apply `--fix` edits, merge the daemons' settings, sort, render)
//! without the disk: files are read through an in-memory [`Loader`], so an
//! `include:` or `extends:` can only reach the other files of the input, and
//! fixes are applied to the text in memory.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dockhard_parser::compose::{FileRole, load_project};
use dockhard_parser::kinds::load_command_input;
use dockhard_parser::loader::Loader;
use dockhard_rules::config::{Overrides, settings};
use dockhard_rules::diagnostic::sort_and_dedup;
use dockhard_rules::kind::compose_projects;
use dockhard_rules::settings::Selector;
use dockhard_rules::{
    Diagnostic, FileKind, Settings, SourceFile, command_files, daemons_in_commands,
    daemons_in_dockerfile, lint_commands, lint_daemon_json, lint_dockerfile, lint_project, linter,
    load, merge_daemons, project_files,
};

use crate::outcome::Outcome;
use crate::output;

/// The working directory the files of a run are under.
pub const ROOT: &str = "/fuzz";

/// Files in memory; anything else cannot be read.
pub struct MemLoader {
    pub files: HashMap<PathBuf, Vec<u8>>,
    pub env: HashMap<String, String>,
}

impl Loader for MemLoader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let bytes = self
            .files
            .get(path)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
        String::from_utf8(bytes.clone())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    fn env(&self, name: &str) -> Option<String> {
        self.env.get(name).cloned()
    }

    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect();
        out.sort();
        out
    }
}

/// What a run in memory produced: the diagnostics (sorted) and the report
/// in each format, by format name.
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub rendered: Vec<(&'static str, String)>,
    /// A Dockerfile whose fixes gave it a syntax error it did not have
    /// (`--fix` refuses to write such a file: a fix that breaks a file is
    /// a bug), with the error.
    pub broken_by_fixes: Option<String>,
}

/// A file of the run: its kind as `dockhard check` recognises it on a walk
/// (by name, else by a shell shebang), or `None` if it is skipped.
fn kind_of(path: &Path, bytes: &[u8]) -> Option<FileKind> {
    FileKind::detect(path).or_else(|| {
        if path.extension().is_some() {
            return None;
        }
        let n = bytes
            .len()
            .min(dockhard_parser::kinds::script::SHEBANG_BYTES);
        FileKind::detect_content(&bytes[..n])
    })
}

/// The settings of a run with every rule enabled and a fixed date (so that
/// end-of-life findings do not depend on the day).
pub fn all_rules(path: &Path) -> Settings {
    let overrides = Overrides {
        select: Selector::parse("all").ok().map(|s| vec![s]),
        as_of: Some("2026-11-29".to_string()),
        ..Overrides::default()
    };
    settings(None, path, &overrides)
}

/// Lints `files` (paths relative to [`ROOT`]) as `dockhard check` would in
/// a directory holding only them, then renders the result in every format.
pub fn check(files: &[(PathBuf, Vec<u8>)], env: &[(&str, &str)]) -> Report {
    let root = PathBuf::from(ROOT);
    let loader = MemLoader {
        files: files
            .iter()
            .map(|(p, b)| (root.join(p), b.clone()))
            .collect(),
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let mut outcome = Outcome::default();
    let mut broken_by_fixes = None;
    let mut compose = Vec::new();
    for (rel, bytes) in files {
        let path = root.join(rel);
        let Some(kind) = kind_of(&path, bytes) else {
            continue;
        };
        let decoded = decode(kind, bytes);
        let bytes = &decoded;
        let settings = all_rules(&path);
        match kind {
            FileKind::Compose => compose.push(path),
            FileKind::Dockerfile => {
                let (linted, broken) = dockerfile(rel, bytes, &settings);
                outcome.merge(linted);
                broken_by_fixes = broken_by_fixes.or(broken);
            }
            FileKind::DaemonJson => outcome.merge(daemon_json(rel, bytes, &settings)),
            _ => outcome.merge(commands(kind, rel, &path, bytes, &settings, &loader)),
        }
    }
    compose.sort();
    compose.dedup();
    for project in compose_projects(&compose) {
        outcome.merge(compose_project(&project, &loader));
    }
    // Every file is in one scope (no repository root among them).
    let daemons = std::mem::take(&mut outcome.daemons);
    merge_daemons(
        &mut outcome.diagnostics,
        &daemons,
        &mut |p| all_rules(p),
        &mut |_| None,
    );
    sort_and_dedup(&mut outcome.diagnostics);
    let rendered = render(&outcome, &root);
    Report {
        diagnostics: outcome.diagnostics,
        rendered,
        broken_by_fixes,
    }
}

/// A compose file or `daemon.json` in UTF-16 with a byte-order mark is
/// decoded, as `check` reads it.
fn decode(kind: FileKind, bytes: &[u8]) -> Vec<u8> {
    if matches!(kind, FileKind::Compose | FileKind::DaemonJson)
        && let Some(utf8) = crate::read::utf16_to_utf8(bytes)
    {
        return utf8;
    }
    bytes.to_vec()
}

fn unreadable(display: &Path, error: Diagnostic) -> Outcome {
    Outcome {
        diagnostics: vec![error],
        files: BTreeSet::from([display.to_path_buf()]),
        daemons: Vec::new(),
    }
}

/// A Dockerfile, with `--fix` (unsafe fixes too) applied in memory as
/// `fix::apply` does on disk; and the syntax error the fixes introduced,
/// if any.
fn dockerfile(rel: &Path, bytes: &[u8], settings: &Settings) -> (Outcome, Option<String>) {
    let (file, problem) = load(rel.to_path_buf(), bytes.to_vec(), settings);
    if let Some(d) = problem {
        return (unreadable(rel, d), None);
    }
    let mut diagnostics = lint_dockerfile(&file, settings);
    let daemons = if file.text.contains("dockerd") {
        daemons_in_dockerfile(&file)
    } else {
        Vec::new()
    };
    let text = crate::fix::fix_text(&file.text, rel, &mut diagnostics, settings, true)
        .unwrap_or_else(|| file.text.clone());
    let broken = crate::fix::new_syntax_error(&file.text, &text)
        .map(|e| format!("{e}\n--- before\n{}\n--- after fixes\n{text}", file.text));
    let outcome = Outcome {
        diagnostics,
        files: BTreeSet::from([file.path.clone()]),
        daemons,
    };
    (outcome, broken)
}

fn daemon_json(rel: &Path, bytes: &[u8], settings: &Settings) -> Outcome {
    let (file, problem) = load(rel.to_path_buf(), bytes.to_vec(), settings);
    if let Some(d) = problem {
        return unreadable(rel, d);
    }
    let mut outcome = Outcome {
        diagnostics: lint_daemon_json(&file, settings),
        files: BTreeSet::from([file.path.clone()]),
        daemons: Vec::new(),
    };
    if let Some(spec) = linter::daemon_json(&file).spec {
        outcome.daemons.push((file, spec));
    }
    outcome
}

fn display(p: &Path) -> PathBuf {
    p.strip_prefix(ROOT).unwrap_or(p).to_path_buf()
}

fn commands(
    kind: FileKind,
    rel: &Path,
    path: &Path,
    bytes: &[u8],
    settings: &Settings,
    loader: &MemLoader,
) -> Outcome {
    let (file, problem) = load(rel.to_path_buf(), bytes.to_vec(), settings);
    if let Some(d) = problem.or_else(|| crate::check::one_line_to_the_shell(kind, &file, settings))
    {
        return unreadable(rel, d);
    }
    let mut outcome = Outcome {
        diagnostics: Vec::new(),
        files: BTreeSet::from([file.path.clone()]),
        daemons: Vec::new(),
    };
    let quiet = !dockhard_parser::commandline::may_hold_commands(&file.text)
        && !file.text.contains("dockhard")
        && !matches!(kind, FileKind::GitlabCi | FileKind::GithubActions);
    if quiet {
        return outcome;
    }
    let input = load_command_input(kind, path, file.text.clone(), loader);
    let files = command_files(&input, &display);
    outcome
        .files
        .extend(files.files.iter().map(|f| f.path.clone()));
    outcome
        .diagnostics
        .extend(lint_commands(&files, &input, settings));
    if files.files.iter().any(|f| f.text.contains("dockerd")) {
        outcome.daemons = daemons_in_commands(&files, &input);
    }
    outcome
}

fn compose_project(paths: &[PathBuf], loader: &MemLoader) -> Outcome {
    let Some(first) = paths.first() else {
        return Outcome::default();
    };
    let settings = all_rules(first);
    let mut outcome = Outcome::default();
    for path in paths {
        let bytes = loader.files.get(path).cloned().unwrap_or_default();
        if let (file, Some(d)) = load(display(path), bytes, &settings) {
            outcome.files.insert(file.path.clone());
            outcome.diagnostics.push(d);
            return outcome;
        }
    }
    let project = load_project(paths, loader);
    let pf = project_files(&project, &display, &[]);
    for (f, pfile) in pf.files.iter().zip(&project.files) {
        if matches!(pfile.role, FileRole::Compose | FileRole::Referenced) {
            outcome.files.insert(f.path.clone());
        }
    }
    outcome.diagnostics.extend(lint_project(&pf, &settings));
    outcome
}

/// The report in every format `dockhard check --format` has (human with
/// and without colour).
fn render(outcome: &Outcome, cwd: &Path) -> Vec<(&'static str, String)> {
    let or_error = |r: Result<String, String>| r.unwrap_or_else(|e| format!("error: {e}"));
    // The streamed formats, written to memory.
    let streamed = |write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>| {
        let mut out = Vec::new();
        match write(&mut out) {
            Ok(()) => String::from_utf8_lossy(&out).into_owned(),
            Err(e) => format!("error: {e}"),
        }
    };
    let mut human = output::human(outcome, false);
    human.push_str(&output::summary_line(outcome, Duration::ZERO));
    vec![
        ("human", human),
        ("human-color", output::human(outcome, true)),
        ("concise", streamed(&|out| output::concise(outcome, out))),
        ("json", streamed(&|out| output::json(outcome, out))),
        ("sarif", streamed(&|out| output::sarif(outcome, cwd, out))),
        ("checkstyle", output::checkstyle(outcome)),
        ("junit", output::junit(outcome)),
        ("gitlab", or_error(output::gitlab(outcome))),
        ("github", output::github(outcome)),
    ]
}

/// Checks that every span of a diagnostic (primary, labels, fix edits) is
/// inside its file and on character boundaries; the renderers and `--fix`
/// rely on it. Returns the first violation.
pub fn span_problem(diagnostics: &[Diagnostic]) -> Option<String> {
    fn bad(file: &Arc<SourceFile>, span: dockhard_parser::Span) -> bool {
        let (s, e) = (span.start as usize, span.end as usize);
        s > e
            || e > file.text.len()
            || !file.text.is_char_boundary(s)
            || !file.text.is_char_boundary(e)
    }
    for d in diagnostics {
        if bad(&d.file, d.span) {
            return Some(format!(
                "{} {}: span {:?} outside its file",
                d.code, d.message, d.span
            ));
        }
        for l in &d.labels {
            let file = l.file.as_ref().unwrap_or(&d.file);
            if bad(file, l.span) {
                return Some(format!(
                    "{}: label span {:?} outside its file",
                    d.code, l.span
                ));
            }
        }
        for e in d.fix.iter().flat_map(|f| &f.edits) {
            if bad(&d.file, e.span) {
                return Some(format!(
                    "{}: fix edit span {:?} outside its file",
                    d.code, e.span
                ));
            }
        }
    }
    None
}
