//! Which files to lint: walking directories (respecting `.gitignore`,
//! including hidden folders, never `.git/`), explicit files, standard input.

use std::path::{Path, PathBuf};

use dockhard_rules::FileKind;
use ignore::WalkBuilder;

use crate::cli::KindArg;
use crate::paths::display_path;
use crate::read::{ReadError, describe, first_bytes, unresolvable};

/// Where an input's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
    /// Something the walk met but could not read (a directory it could not
    /// list): a DH006 at that path.
    Unreadable(PathBuf, ReadError),
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
    /// Paths that do not exist or cannot be followed (a usage error: exit
    /// code 2), and why.
    pub missing: Vec<(PathBuf, String)>,
    /// Explicit files that are not a known input (skipped, with a warning).
    pub skipped: Vec<PathBuf>,
    /// Entries of a walk named like an input that are not files it can
    /// read (a FIFO, a device, a dangling link), and why: skipped, with a
    /// note.
    pub passed_over: Vec<(PathBuf, String)>,
}

fn kind_override(kind: Option<KindArg>) -> Option<FileKind> {
    kind.map(KindArg::kind)
}

/// A file without an extension whose first line is a shell shebang.
fn shebang_script(path: &Path) -> Option<FileKind> {
    if path.extension().is_some() {
        return None;
    }
    let bytes = first_bytes(path, dockhard_parser::kinds::script::SHEBANG_BYTES as u64)?;
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
    let mut d = Discovery::default();
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
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                d.missing.push((path.clone(), unresolvable(path, &e)));
                continue;
            }
        };
        if !meta.is_file() && !meta.is_dir() {
            // A FIFO or a device named on the command line: a DH006 when it
            // is read (never opened for long), whatever its name.
            d.inputs.push(Input {
                origin: Origin::File(path.clone()),
                display: display_path(path, cwd),
                kind: forced
                    .or_else(|| FileKind::detect(path))
                    .unwrap_or(FileKind::Dockerfile),
            });
            continue;
        }
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
        for result in walker {
            let entry = match result {
                Ok(entry) => entry,
                Err(e) => {
                    walk_error(&e, cwd, &mut d);
                    continue;
                }
            };
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            let p = entry.path();
            if file_type.is_file() {
                if let Some(kind) = FileKind::detect(p).or_else(|| shebang_script(p)) {
                    d.inputs.push(Input {
                        origin: Origin::File(p.to_path_buf()),
                        display: display_path(p, cwd),
                        kind,
                    });
                }
                continue;
            }
            if file_type.is_dir() {
                continue;
            }
            // A symbolic link (never followed into a directory: the walk
            // stays in the tree and cannot loop), a FIFO, a device, a socket.
            let target = if file_type.is_symlink() {
                match std::fs::metadata(p) {
                    Ok(meta) if meta.is_dir() => continue,
                    Ok(meta) if meta.is_file() => Ok(()),
                    Ok(meta) => Err(describe(&meta.file_type()).to_string()),
                    Err(e) => Err(unresolvable(p, &e)),
                }
            } else {
                Err(describe(&file_type).to_string())
            };
            match target {
                Ok(()) => {
                    if let Some(kind) = FileKind::detect(p).or_else(|| shebang_script(p)) {
                        d.inputs.push(Input {
                            origin: Origin::File(p.to_path_buf()),
                            display: display_path(p, cwd),
                            kind,
                        });
                    }
                }
                Err(why) => {
                    if FileKind::detect(p).is_some() {
                        d.passed_over.push((display_path(p, cwd), why));
                    }
                }
            }
        }
    }
    d.inputs.sort_by(|a, b| a.display.cmp(&b.display));
    // A path named twice (`Dockerfile ./Dockerfile`, or a file inside a
    // directory also named) is linted once.
    d.inputs.dedup_by(|a, b| {
        a.display == b.display
            && matches!(
                (&a.origin, &b.origin),
                (Origin::File(_), Origin::File(_)) | (Origin::Stdin, Origin::Stdin)
            )
    });
    d
}

/// An error of the walk: a directory that cannot be read is a DH006 at
/// that directory (its files are unknown); a problem with an ignore file
/// is a note.
fn walk_error(error: &ignore::Error, cwd: &Path, d: &mut Discovery) {
    let mut e = error;
    let mut path = None;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err;
            }
            _ => break,
        }
    }
    match (path, e) {
        (Some(p), ignore::Error::Io(io))
            if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) =>
        {
            // The walker wraps the system's error in one that names the path
            // again; the system's own words are enough.
            let why = std::error::Error::source(io)
                .or_else(|| io.get_ref().and_then(|inner| inner.source()))
                .map_or_else(|| io.to_string(), ToString::to_string);
            d.inputs.push(Input {
                origin: Origin::Unreadable(p.clone(), ReadError::Directory(why)),
                display: display_path(&p, cwd),
                kind: FileKind::Dockerfile,
            });
        }
        (Some(p), _) => d
            .passed_over
            .push((display_path(&p, cwd), error.to_string())),
        (None, _) => d.passed_over.push((PathBuf::new(), error.to_string())),
    }
}
