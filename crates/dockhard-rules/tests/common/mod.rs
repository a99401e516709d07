//! The fixture harness: the files under `fixtures/<CODE>/` are linted with
//! only that rule enabled; the findings must equal their `# expect:` markers.
//!
//! Markers: in a Dockerfile, a comment line `# expect: DH100` (several codes
//! allowed, comma separated, repeated for repeated findings) applies to the
//! next instruction; in YAML, a trailing `# expect: DH201` applies to its
//! line, and one on its own line to the next line. In command-line inputs
//! (scripts, Makefiles, CI files, units) the same, where a code may say how
//! many lines below that line its finding is, for commands continued over
//! several lines: `# expect: DH105, DH107@+2`. `# fixture-select: DH118`
//! enables more rules for the fixture (for the suppression rules). `# expect-file: DH001` is a finding outside any instruction. A
//! fixture with no finding says `# expect: none` at the top. Fixtures are
//! judged as of 2026-11-29 (`# fixture-as-of: YYYY-MM-DD` sets another date).
//! `# fixture-trusted-registries: ghcr.io/acme, docker.io/library` sets
//! `trusted-registries` (unset otherwise; an empty list is written `[]`).
//! Compose files
//! are linted as projects (base file, overrides, extended and included
//! files), Dockerfiles one by one.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockhard_parser::Dockerfile;
use dockhard_parser::compose::{FileRole, FsLoader, load_project};
use dockhard_parser::kinds::load_command_input;
use dockhard_rules::kind::compose_projects;
use dockhard_rules::render::{HumanOptions, render_human};
use dockhard_rules::{
    Diagnostic, FileKind, Settings, SourceFile, command_files, lint_commands, lint_dockerfile,
    lint_project, load, project_files,
};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("fixtures")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The lint units of a rule's fixtures: each Dockerfile alone, compose files
/// grouped into projects.
pub fn fixture_units(code: &str) -> Vec<Vec<PathBuf>> {
    let mut files = Vec::new();
    collect(&fixtures_dir().join(code), &mut files);
    files.sort();
    let mut units: Vec<Vec<PathBuf>> = files
        .iter()
        .filter(|p| FileKind::detect(p) == Some(FileKind::Dockerfile))
        .map(|p| vec![p.clone()])
        .collect();
    let compose: Vec<PathBuf> = files
        .iter()
        .filter(|p| FileKind::detect(p) == Some(FileKind::Compose))
        .cloned()
        .collect();
    units.extend(compose_projects(&compose));
    units.extend(
        files
            .iter()
            .filter(|p| command_kind(p).is_some() || is_daemon_json(p) || is_host(p))
            .map(|p| vec![p.clone()]),
    );
    units.sort();
    units
}

/// Where a finding is: the file, and the instruction (Dockerfile) or line
/// (YAML) it is on; `None` for outside any instruction.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expectation {
    pub code: String,
    pub file: PathBuf,
    pub place: Option<usize>,
}

pub struct FixtureRun {
    pub files: Vec<Arc<SourceFile>>,
    pub diagnostics: Vec<Diagnostic>,
    pub expected: Vec<Expectation>,
    pub found: Vec<Expectation>,
    pub declared_none: bool,
}

fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .to_path_buf()
}

fn is_dockerfile(path: &Path) -> bool {
    FileKind::detect(path) == Some(FileKind::Dockerfile)
}

/// A host's facts for `dockhard host` (`kernel: 5.8.0` lines): findings
/// are about the host, not a line of the fixture, so markers name codes only.
fn is_host(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "host")
}

fn is_daemon_json(path: &Path) -> bool {
    FileKind::detect(path) == Some(FileKind::DaemonJson)
}

/// JSON has no comments: a `daemon.json` fixture's markers are in
/// `daemon.json.expect` beside it, one `CODE LINE` (or `none`) per line.
fn sidecar_markers(file: &SourceFile, expected: &mut Vec<Expectation>, declared_none: &mut bool) {
    let path = workspace_root().join(&file.path);
    let sidecar = path.with_file_name(format!(
        "{}.expect",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("")
    ));
    let text = std::fs::read_to_string(&sidecar).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (a daemon.json fixture needs one)",
            sidecar.display()
        )
    });
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if line == "none" {
            *declared_none = true;
            continue;
        }
        let mut parts = line.split_whitespace();
        let code = parts.next().unwrap_or_default().to_string();
        let place = parts.next().and_then(|n| n.parse::<usize>().ok());
        expected.push(Expectation {
            code,
            file: file.path.clone(),
            place,
        });
    }
}

/// The kind of a command-line fixture (by name, or a shell shebang).
pub fn command_kind(path: &Path) -> Option<FileKind> {
    let kind = FileKind::detect(path).or_else(|| {
        let bytes = std::fs::read(path).ok()?;
        FileKind::detect_content(&bytes)
    })?;
    kind.is_command_line().then_some(kind)
}

/// Markers of a command-line input, found in the text: a `# expect:` after
/// content applies to its line; on its own line, to the next line that is
/// not a comment; `CODE@+N` to N lines below.
fn text_markers(file: &SourceFile, expected: &mut Vec<Expectation>, declared_none: &mut bool) {
    let lines: Vec<&str> = file.text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("# expect") else {
            continue;
        };
        let rest = &line[at + 2..];
        let (rest, file_level) = if let Some(r) = rest.strip_prefix("expect-file:") {
            (r, true)
        } else if let Some(r) = rest.strip_prefix("expect:") {
            (r, false)
        } else {
            continue;
        };
        if rest.trim() == "none" {
            *declared_none = true;
            continue;
        }
        let own_line = line[..at].trim().is_empty();
        let base = if own_line {
            (i + 1..lines.len())
                .find(|&j| {
                    let t = lines[j].trim_start();
                    !t.is_empty() && !t.starts_with('#')
                })
                .unwrap_or(i + 1)
        } else {
            i
        };
        for code in rest.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let (code, offset) = match code.split_once("@+") {
                Some((c, n)) => (c, n.trim().parse::<usize>().unwrap_or(0)),
                None => (code, 0),
            };
            expected.push(Expectation {
                code: code.to_string(),
                file: file.path.clone(),
                place: (!file_level).then_some(base + offset + 1),
            });
        }
    }
}

fn place_of(file: &SourceFile, offset: u32) -> Option<usize> {
    if is_dockerfile(&file.path) {
        let df = Dockerfile::parse(&file.text);
        df.instructions
            .iter()
            .position(|i| i.span.start <= offset && offset <= i.span.end)
    } else {
        Some(file.line_col(offset).line as usize)
    }
}

/// The markers of one file.
fn markers(file: &SourceFile, expected: &mut Vec<Expectation>, declared_none: &mut bool) {
    if is_daemon_json(&file.path) {
        sidecar_markers(file, expected, declared_none);
        return;
    }
    if command_kind(&workspace_root().join(&file.path)).is_some()
        || command_kind(&file.path).is_some()
    {
        text_markers(file, expected, declared_none);
        return;
    }
    let comments: Vec<(String, dockhard_parser::Span, bool)> = if is_dockerfile(&file.path) {
        Dockerfile::parse(&file.text)
            .comments
            .into_iter()
            .map(|c| (c.text, c.span, true))
            .collect()
    } else {
        dockhard_parser::yaml::comments(&file.text)
            .into_iter()
            .map(|c| (c.text, c.span, c.own_line))
            .collect()
    };
    let df = is_dockerfile(&file.path).then(|| Dockerfile::parse(&file.text));
    for (text, span, own_line) in comments {
        let (rest, file_level) = if let Some(r) = text.strip_prefix("expect-file:") {
            (r, true)
        } else if let Some(r) = text.strip_prefix("expect:") {
            (r, false)
        } else {
            continue;
        };
        if rest.trim() == "none" {
            *declared_none = true;
            continue;
        }
        let place = if file_level {
            None
        } else if let Some(df) = &df {
            df.instructions.iter().position(|i| i.span.start > span.end)
        } else if own_line {
            // On its own line: the next line (comment lines included).
            Some(file.line_col(span.start).line as usize + 1)
        } else {
            Some(file.line_col(span.start).line as usize)
        };
        for code in rest.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            expected.push(Expectation {
                code: code.to_string(),
                file: file.path.clone(),
                place,
            });
        }
    }
}

/// Rules a fixture enables besides its own: `# fixture-select: DH118, DH100`.
fn extra_rules(unit: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    let sidecars: Vec<PathBuf> = unit
        .iter()
        .filter(|p| is_daemon_json(p))
        .map(|p| p.with_extension("json.expect"))
        .collect();
    for path in unit.iter().chain(&sidecars) {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("# fixture-select:") {
                out.extend(
                    rest.split(',')
                        .map(|c| c.trim().to_string())
                        .filter(|c| !c.is_empty()),
                );
            }
        }
    }
    out
}

/// The date fixtures are judged against: fixed, so that tests never depend
/// on the day they run (`# fixture-as-of: YYYY-MM-DD` sets another).
pub const FIXTURE_DATE: &str = "2026-11-29";

fn fixture_date(unit: &[PathBuf]) -> String {
    for path in unit {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("# fixture-as-of:") {
                return rest.trim().to_string();
            }
        }
    }
    FIXTURE_DATE.to_string()
}

/// `trusted-registries` for the fixture: `# fixture-trusted-registries: a, b`.
fn fixture_trusted_registries(unit: &[PathBuf]) -> Option<Vec<String>> {
    for path in unit {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("# fixture-trusted-registries:") {
                let rest = rest.trim();
                if rest == "[]" {
                    return Some(Vec::new());
                }
                return Some(rest.split(',').map(|e| e.trim().to_string()).collect());
            }
        }
    }
    None
}

pub fn run_unit(unit: &[PathBuf], code: &str) -> FixtureRun {
    let mut codes = vec![code.to_string()];
    codes.extend(extra_rules(unit));
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut settings = Settings::only(&codes);
    settings.as_of = Some(fixture_date(unit));
    settings.trusted_registries = fixture_trusted_registries(unit);
    if is_host(&unit[0]) {
        let text = std::fs::read_to_string(&unit[0])
            .unwrap_or_else(|e| panic!("{}: {e}", unit[0].display()));
        let facts = dockhard_rules::host::HostFacts::from_text(&text);
        let (host, diagnostics) = dockhard_rules::lint_host(&facts, &settings);
        let path = relative(&unit[0]);
        let mut expected = Vec::new();
        let mut declared_none = false;
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("# expect:") {
                if rest.trim() == "none" {
                    declared_none = true;
                    continue;
                }
                for code in rest.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    expected.push(Expectation {
                        code: code.to_string(),
                        file: path.clone(),
                        place: None,
                    });
                }
            }
        }
        let mut found: Vec<Expectation> = diagnostics
            .iter()
            .map(|d| Expectation {
                code: d.code.to_string(),
                file: path.clone(),
                place: None,
            })
            .collect();
        expected.sort();
        found.sort();
        return FixtureRun {
            files: vec![host.file],
            diagnostics,
            expected,
            found,
            declared_none,
        };
    }
    let (files, diagnostics) = if is_daemon_json(&unit[0]) {
        let bytes =
            std::fs::read(&unit[0]).unwrap_or_else(|e| panic!("{}: {e}", unit[0].display()));
        let (file, unreadable) = load(relative(&unit[0]), bytes, &settings);
        let diagnostics = match unreadable {
            Some(d) => vec![d],
            None => dockhard_rules::lint_daemon_json(&file, &settings),
        };
        (vec![file], diagnostics)
    } else if let Some(kind) = command_kind(&unit[0]) {
        let text = std::fs::read_to_string(&unit[0])
            .unwrap_or_else(|e| panic!("{}: {e}", unit[0].display()));
        let input = load_command_input(kind, &unit[0], text, &FsLoader);
        let files = command_files(&input, &|p| relative(p));
        let diagnostics = lint_commands(&files, &input, &settings);
        (files.files, diagnostics)
    } else if is_dockerfile(&unit[0]) {
        let bytes =
            std::fs::read(&unit[0]).unwrap_or_else(|e| panic!("{}: {e}", unit[0].display()));
        let (file, unreadable) = load(relative(&unit[0]), bytes, &settings);
        let diagnostics = match unreadable {
            Some(d) => vec![d],
            None => lint_dockerfile(&file, &settings),
        };
        (vec![file], diagnostics)
    } else {
        let project = load_project(unit, &FsLoader);
        let pf = project_files(&project, &|p| relative(p), &[]);
        let diagnostics = lint_project(&pf, &settings);
        let files = pf
            .files
            .iter()
            .zip(&project.files)
            .filter(|(_, f)| matches!(f.role, FileRole::Compose | FileRole::Referenced))
            .map(|(s, _)| s.clone())
            .collect();
        (files, diagnostics)
    };
    let mut expected = Vec::new();
    let mut declared_none = false;
    for f in &files {
        markers(f, &mut expected, &mut declared_none);
    }
    let mut found: Vec<Expectation> = diagnostics
        .iter()
        .map(|d| Expectation {
            code: d.code.to_string(),
            file: d.file.path.clone(),
            place: place_of(&d.file, d.span.start),
        })
        .collect();
    expected.sort();
    found.sort();
    FixtureRun {
        files,
        diagnostics,
        expected,
        found,
        declared_none,
    }
}

pub fn describe(run: &FixtureRun, list: &[Expectation]) -> Vec<String> {
    list.iter()
        .map(|e| {
            let file = run.files.iter().find(|f| f.path == e.file);
            match (e.place, file) {
                (Some(i), Some(f)) if is_dockerfile(&f.path) => {
                    let df = Dockerfile::parse(&f.text);
                    let line = df
                        .instructions
                        .get(i)
                        .map_or(0, |x| f.line_col(x.span.start).line);
                    format!("{} at {}:{line}", e.code, e.file.display())
                }
                (Some(line), _) => format!("{} at {}:{line}", e.code, e.file.display()),
                (None, _) => format!("{} in {} outside instructions", e.code, e.file.display()),
            }
        })
        .collect()
}

pub fn render(run: &FixtureRun) -> String {
    render_human(
        &run.diagnostics,
        HumanOptions {
            color: false,
            width: 100,
            links: false,
        },
    )
}
