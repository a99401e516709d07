//! The fixture harness: each file under `fixtures/<CODE>/` is linted with only
//! that rule enabled; the findings must equal its `# expect:` markers.
//!
//! Markers: a comment line `# expect: DH100` (several codes allowed, comma
//! separated, repeated for repeated findings) applies to the next instruction;
//! `# expect-file: DH001` is a finding outside any instruction; a fixture
//! with no finding says `# expect: none` at the top.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dockhard_parser::Dockerfile;
use dockhard_rules::render::{HumanOptions, render_human};
use dockhard_rules::{Diagnostic, FileKind, Settings, SourceFile, lint, load};

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

/// Every fixture file of a rule, sorted.
pub fn fixture_files(code: &str) -> Vec<PathBuf> {
    let dir = fixtures_dir().join(code);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// Where a finding is: the index of the instruction that contains it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expectation {
    pub code: String,
    pub instruction: Option<usize>,
}

pub struct FixtureRun {
    pub file: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub expected: Vec<Expectation>,
    pub found: Vec<Expectation>,
    pub declared_none: bool,
}

fn instruction_at(df: &Dockerfile, offset: u32) -> Option<usize> {
    df.instructions
        .iter()
        .position(|i| i.span.start <= offset && offset <= i.span.end)
}

pub fn run_fixture(path: &Path, code: &str) -> FixtureRun {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let relative = path
        .strip_prefix(workspace_root())
        .unwrap_or(path)
        .to_path_buf();
    let settings = Settings::only(&[code]);
    let (file, unreadable) = load(relative, bytes, &settings);
    let kind = FileKind::detect(path).unwrap_or(FileKind::Dockerfile);
    let diagnostics = match unreadable {
        Some(d) => vec![d],
        None => lint(&file, kind, &settings),
    };

    let df = Dockerfile::parse(&file.text);
    let mut expected = Vec::new();
    let mut declared_none = false;
    for comment in &df.comments {
        let (rest, file_level) = if let Some(r) = comment.text.strip_prefix("expect-file:") {
            (r, true)
        } else if let Some(r) = comment.text.strip_prefix("expect:") {
            (r, false)
        } else {
            continue;
        };
        if rest.trim() == "none" {
            declared_none = true;
            continue;
        }
        let target = if file_level {
            None
        } else {
            df.instructions
                .iter()
                .position(|i| i.span.start > comment.span.end)
        };
        for code in rest.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            expected.push(Expectation {
                code: code.to_string(),
                instruction: target,
            });
        }
    }
    let mut found: Vec<Expectation> = diagnostics
        .iter()
        .map(|d| Expectation {
            code: d.code.to_string(),
            instruction: instruction_at(&df, d.span.start),
        })
        .collect();
    expected.sort();
    found.sort();
    FixtureRun {
        file,
        diagnostics,
        expected,
        found,
        declared_none,
    }
}

pub fn describe(run: &FixtureRun, list: &[Expectation]) -> Vec<String> {
    let df = Dockerfile::parse(&run.file.text);
    list.iter()
        .map(|e| match e.instruction {
            Some(i) => {
                let line = run.file.line_col(df.instructions[i].span.start).line;
                format!("{} at line {line}", e.code)
            }
            None => format!("{} outside instructions", e.code),
        })
        .collect()
}

pub fn render(run: &FixtureRun) -> String {
    render_human(
        &run.file,
        &run.diagnostics,
        HumanOptions {
            color: false,
            width: 100,
            links: false,
        },
    )
}
