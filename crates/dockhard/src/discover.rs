//! Which files to lint: walking directories (respecting `.gitignore`,
//! including hidden folders, never `.git/`), explicit files, standard input.

use std::path::{Path, PathBuf};

use dockhard_rules::FileKind;
use ignore::WalkBuilder;

use crate::cli::KindArg;
use crate::paths::display_path;

/// Where an input's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
}

#[derive(Clone, Debug)]
pub struct Input {
    pub origin: Origin,
    /// The path shown in output.
    pub display: PathBuf,
    pub kind: FileKind,
}

/// The inputs of a run, and problems with the arguments.
#[derive(Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    /// Paths that do not exist (a usage error: exit code 2).
    pub missing: Vec<PathBuf>,
    /// Explicit files that are not a known input (skipped, with a warning).
    pub skipped: Vec<PathBuf>,
}

fn kind_override(kind: Option<KindArg>) -> Option<FileKind> {
    kind.map(KindArg::kind)
}

/// The first bytes of a file (never the whole file; nothing for a FIFO or
/// a device, which could block).
fn first_bytes(path: &Path, n: usize) -> Option<Vec<u8>> {
    use std::io::Read;
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut buf = Vec::with_capacity(n);
    file.take(n as u64).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// A file without an extension whose first line is a shell shebang.
fn shebang_script(path: &Path) -> Option<FileKind> {
    if path.extension().is_some() {
        return None;
    }
    let bytes = first_bytes(path, dockhard_parser::kinds::script::SHEBANG_BYTES)?;
    FileKind::detect_content(&bytes)
}

/// Recognises a file by content: a shell shebang; a Dockerfile's first
/// instruction is FROM or ARG; a YAML file with a top-level `services:` key
/// is a compose file (unless it is a GitHub Actions workflow, which has
/// `jobs:` too).
fn sniff(path: &Path) -> Option<FileKind> {
    let bytes = first_bytes(path, 64 * 1024)?;
    if let Some(kind) = FileKind::detect_content(&bytes) {
        return Some(kind);
    }
    let text = String::from_utf8_lossy(&bytes);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let word = first.split_whitespace().next()?.to_ascii_uppercase();
    if matches!(word.as_str(), "FROM" | "ARG") {
        return Some(FileKind::Dockerfile);
    }
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"));
    let top_level = |key: &str| text.lines().any(|l| l.starts_with(key));
    (yaml && top_level("services:") && !top_level("jobs:")).then_some(FileKind::Compose)
}

pub fn discover(
    paths: &[PathBuf],
    kind: Option<KindArg>,
    stdin_filename: Option<&Path>,
    cwd: &Path,
) -> Discovery {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let forced = kind_override(kind);
    let mut d = Discovery {
        inputs: Vec::new(),
        missing: Vec::new(),
        skipped: Vec::new(),
    };
    for path in paths {
        if path.as_os_str() == "-" {
            let display =
                stdin_filename.map_or_else(|| PathBuf::from("-"), |p| display_path(p, cwd));
            let kind = forced
                .or_else(|| stdin_filename.and_then(FileKind::detect))
                .unwrap_or(FileKind::Dockerfile);
            d.inputs.push(Input {
                origin: Origin::Stdin,
                display,
                kind,
            });
            continue;
        }
        let Ok(meta) = std::fs::metadata(path) else {
            d.missing.push(path.clone());
            continue;
        };
        if meta.is_file() {
            match forced
                .or_else(|| FileKind::detect(path))
                .or_else(|| sniff(path))
            {
                Some(kind) => d.inputs.push(Input {
                    origin: Origin::File(path.clone()),
                    display: display_path(path, cwd),
                    kind,
                }),
                None => d.skipped.push(path.clone()),
            }
            continue;
        }
        let walker = WalkBuilder::new(path)
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .parents(true)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let p = entry.path();
            if let Some(kind) = FileKind::detect(p).or_else(|| shebang_script(p)) {
                d.inputs.push(Input {
                    origin: Origin::File(p.to_path_buf()),
                    display: display_path(p, cwd),
                    kind,
                });
            }
        }
    }
    d.inputs.sort_by(|a, b| a.display.cmp(&b.display));
    d.inputs
        .dedup_by(|a, b| a.display == b.display && a.origin == b.origin);
    d
}
