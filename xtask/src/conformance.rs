//! BuildKit parser conformance: our AST dump against BuildKit's `result`
//! files, negative cases, and the line-number reference.

use std::fs;
use std::path::{Path, PathBuf};

use dockhard_parser::dockerfile::dump_buildkit;
use dockhard_parser::{Dockerfile, LineIndex};

/// BuildKit's `TestParseLineNumber` expectations for `testfile-line/Dockerfile`
/// (moby/buildkit frontend/dockerfile/parser/parser_test.go): start and end
/// line of each instruction.
const LINE_REFERENCE: &[(u32, u32)] = &[(5, 5), (11, 12), (17, 31)];

fn case_dirs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn run(dir: Option<&str>) -> Result<(), String> {
    let root = PathBuf::from(dir.unwrap_or("../shared/conformance/buildkit"));
    let verbose = std::env::var_os("CONFORMANCE_VERBOSE").is_some();

    let cases = case_dirs(&root.join("testfiles"))?;
    let mut matched = 0;
    let mut failures = Vec::new();
    for case in &cases {
        let source = read(&case.join("Dockerfile"))?;
        let expected = read(&case.join("result"))?;
        let df = Dockerfile::parse(&source);
        let got = dump_buildkit(&df);
        let want: Vec<&str> = expected.lines().map(str::trim_end).collect();
        if df.errors.iter().all(|e| !is_line_level(&e.message)) && got == want {
            matched += 1;
        } else {
            failures.push(format!(
                "{}\n  expected: {want:#?}\n  got:      {got:#?}\n  errors:   {:?}",
                case.display(),
                df.errors
            ));
        }
    }

    let negatives = case_dirs(&root.join("testfiles-negative"))?;
    let mut rejected = 0;
    for case in &negatives {
        let source = read(&case.join("Dockerfile"))?;
        let df = Dockerfile::parse(&source);
        if df.errors.is_empty() {
            failures.push(format!(
                "{}: accepted, but BuildKit rejects it",
                case.display()
            ));
        } else {
            rejected += 1;
        }
    }

    let line_file = root.join("testfile-line/Dockerfile");
    let source = read(&line_file)?;
    let df = Dockerfile::parse(&source);
    let index = LineIndex::new(&source);
    let got: Vec<(u32, u32)> = df
        .instructions
        .iter()
        .map(|i| {
            (
                index.line_col(&source, i.span.start).line,
                index.line_col(&source, i.span.end).line,
            )
        })
        .collect();
    let differ = if got.len() != LINE_REFERENCE.len() {
        LINE_REFERENCE.len().max(got.len())
    } else {
        got.iter()
            .zip(LINE_REFERENCE)
            .filter(|(a, b)| a != b)
            .count()
    };
    if differ > 0 {
        failures.push(format!(
            "{}: lines {got:?}, BuildKit {LINE_REFERENCE:?}",
            line_file.display()
        ));
    }

    let lines = if differ == 0 {
        "ok".to_string()
    } else {
        format!("{differ} differ")
    };
    println!(
        "buildkit: {matched}/{} match, negative: {rejected}/{}, line numbers: {lines}",
        cases.len(),
        negatives.len()
    );
    if verbose || !failures.is_empty() {
        for f in &failures {
            eprintln!("{f}");
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} conformance failure(s)", failures.len()))
    }
}

/// Errors of BuildKit's line parser (which would make `Parse` fail), as opposed
/// to instruction-level checks that its parser tests do not run.
fn is_line_level(message: &str) -> bool {
    message.contains("must have two arguments")
        || message.contains("can't find =")
        || message.contains("comprised of strings only")
        || message.contains("parser directive")
        || message.contains("escape token")
        || message.contains("unterminated heredoc")
        || message.contains("file with no instructions")
}
