//! `--fix`: applies fixes to Dockerfiles on disk, re-linting until nothing
//! more can be fixed.
//!
//! A user's file is never left half-written or worse than it was: the fixed
//! text must parse with no syntax error the original did not have (else the
//! file is kept and the run fails); it is written to a temporary file in the
//! same directory, read back and compared, given the original's permissions
//! (and owner, where allowed), and renamed over the original in one step;
//! the original is re-read first, and left alone if it changed since it was
//! linted. A symbolic link is followed: its target is fixed, the link stays a
//! link; a file reached by two paths (a link and its target, `a/../x` and
//! `x`) is fixed once, by its canonical path. A hard link elsewhere keeps the
//! old text: the fixed file is a new one that takes the name.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use dockhard_parser::Dockerfile;
use dockhard_rules::diagnostic::apply_edits;
use dockhard_rules::{Applicability, Diagnostic, Edit, Settings, SourceFile, lint_dockerfile};

use crate::discover::{Input, Origin};

const MAX_PASSES: usize = 5;

/// Applies the fixes of `diagnostics` to `text` in memory, re-linting
/// after each pass until nothing more changes (at most `MAX_PASSES`);
/// `diagnostics` become what remains. Only safe fixes unless
/// `unsafe_fixes`. `None` when nothing changed.
pub(crate) fn fix_text(
    text: &str,
    display: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    settings: &Settings,
    unsafe_fixes: bool,
) -> Option<String> {
    let mut text = text.to_string();
    let mut changed = false;
    for _ in 0..MAX_PASSES {
        let edits: Vec<Edit> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| unsafe_fixes || f.applicability == Applicability::Safe)
            .flat_map(|f| f.edits.clone())
            .collect();
        if edits.is_empty() {
            break;
        }
        let next = apply_edits(&text, &edits);
        if next == text {
            break;
        }
        text = next;
        changed = true;
        let file = SourceFile::new(display.to_path_buf(), text.clone());
        *diagnostics = lint_dockerfile(&file, settings);
    }
    changed.then_some(text)
}

/// Fixes the Dockerfiles among `inputs` (each with its settings); their
/// diagnostics in `all` are replaced by what remains after fixing. Returns
/// the files that could not be written, and why (the run then fails).
pub fn apply(
    all: &mut Vec<Diagnostic>,
    inputs: &[(&Input, &Settings)],
    unsafe_fixes: bool,
) -> Vec<String> {
    let mut failures = Vec::new();
    // Files written, by their real path: a file reached twice (a link and
    // its target) is fixed once, and its other name gets the new findings.
    let mut written: HashMap<PathBuf, String> = HashMap::new();
    for &(input, settings) in inputs {
        let Origin::File(path) = &input.origin else {
            continue;
        };
        let mine = |d: &Diagnostic| d.file.path == input.display;
        let Some(file) = all.iter().find(|d| mine(d)).map(|d| d.file.clone()) else {
            continue;
        };
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if let Some(text) = written.get(&real) {
            let file = SourceFile::new(input.display.clone(), text.clone());
            all.retain(|d| !mine(d));
            all.extend(lint_dockerfile(&file, settings));
            continue;
        }
        let mut diagnostics: Vec<Diagnostic> = all.iter().filter(|d| mine(d)).cloned().collect();
        let Some(text) = fix_text(
            &file.text,
            &input.display,
            &mut diagnostics,
            settings,
            unsafe_fixes,
        ) else {
            continue;
        };
        if let Some(error) = new_syntax_error(&file.text, &text) {
            // A fix that breaks the file is a bug of dockhard's: keep the
            // file and its findings, and fail the run.
            failures.push(format!(
                "{}: the fixes would make the file invalid ({error}); not written",
                input.display.display()
            ));
            continue;
        }
        match write_atomically(path, file.text.as_bytes(), text.as_bytes()) {
            Ok(()) => {
                all.retain(|d| !mine(d));
                all.extend(diagnostics);
                written.insert(real, text);
            }
            Err(e) => failures.push(format!(
                "{}: cannot write fixes: {e}",
                input.display.display()
            )),
        }
    }
    failures
}

/// A syntax error of `fixed` that `original` does not have (by message:
/// positions move when text is edited).
pub(crate) fn new_syntax_error(original: &str, fixed: &str) -> Option<String> {
    let mut before: HashMap<String, usize> = HashMap::new();
    for e in Dockerfile::parse(original).errors {
        *before.entry(e.message).or_default() += 1;
    }
    for e in Dockerfile::parse(fixed).errors {
        match before.get_mut(&e.message) {
            Some(n) if *n > 0 => *n -= 1,
            _ => return Some(e.message),
        }
    }
    None
}

/// Replaces the contents of `path` (or of the file a link at `path` points
/// to) with `fixed`, in one rename, if it still holds `original`.
fn write_atomically(path: &Path, original: &[u8], fixed: &[u8]) -> Result<(), String> {
    let target = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let meta = std::fs::metadata(&target).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("no longer a regular file".to_string());
    }
    // Re-read, bounded by what was linted (plus one byte to see growth).
    let now = crate::read::read_file(&target, original.len() as u64)
        .map_err(|_| "the file changed since it was read; not written".to_string())?;
    if now != original {
        return Err("the file changed since it was read; not written".to_string());
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let (temp, file) = create_temp(dir, &target)?;
    if let Err(e) = replace(file, &temp, &target, &meta, fixed) {
        let _ = std::fs::remove_file(&temp);
        return Err(e.to_string());
    }
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Fills the temporary file, gives it the original's permissions (and
/// owner, where allowed) and renames it over the original.
fn replace(
    mut file: std::fs::File,
    temp: &Path,
    target: &Path,
    meta: &std::fs::Metadata,
    fixed: &[u8],
) -> std::io::Result<()> {
    file.write_all(fixed)?;
    file.sync_all()?;
    // What reached the disk is read back before it replaces anything (the
    // text was parsed before it was written): a short write, or a file
    // system that lost or changed bytes, keeps the original.
    let written = crate::read::read_file(temp, fixed.len() as u64)
        .map_err(|e| std::io::Error::other(e.message()))?;
    if written != fixed {
        return Err(std::io::Error::other(
            "the temporary file does not hold what was written; the original is kept",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // As root the owner is kept; a user who may not change it owns the
        // file already, or shares its group.
        let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
    }
    file.set_permissions(meta.permissions())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(temp, target)
}

/// A new file next to `target`, readable and writable by its creator only
/// until it gets the original's permissions.
fn create_temp(dir: &Path, target: &Path) -> Result<(PathBuf, std::fs::File), String> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = String::new();
    for attempt in 0..100u32 {
        let temp = dir.join(format!(
            ".{name}.dockhard-fix-{}-{attempt}.tmp",
            std::process::id()
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&temp) {
            Ok(f) => return Ok((temp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                last = e.to_string();
            }
            Err(e) => return Err(format!("cannot create a temporary file: {e}")),
        }
    }
    Err(format!("cannot create a temporary file: {last}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_may_not_add_a_syntax_error() {
        let ok = "FROM a\nCOPY x /x\n";
        assert_eq!(new_syntax_error("FROM a\nADD x /x\n", ok), None);
        assert!(new_syntax_error(ok, "FROM a\nCOPY\n").is_some());
        // An error the original already had is not new.
        assert_eq!(
            new_syntax_error(
                "FROM a\nFROBNICATE\nADD x /x\n",
                "FROM a\nFROBNICATE\nCOPY x /x\n"
            ),
            None
        );
    }

    #[test]
    fn a_fix_that_breaks_the_file_is_not_written_and_fails_the_run() {
        let dir = std::env::temp_dir().join(format!("dockhard-fix-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("Dockerfile");
        let original = "FROM alpine:3.20\nADD x /x\nUSER nobody\n";
        std::fs::write(&path, original).expect("write");
        let input = Input {
            origin: Origin::File(path.clone()),
            display: PathBuf::from("Dockerfile"),
            kind: dockhard_rules::FileKind::Dockerfile,
        };
        let settings = Settings::default();
        let file = SourceFile::new("Dockerfile", original.to_string());
        let mut all = lint_dockerfile(&file, &settings);
        // A fix as a buggy rule could write it: `COPY` with no arguments.
        let add = all
            .iter_mut()
            .find(|d| d.fix.is_some())
            .expect("a fixable finding");
        let start = original.find("ADD").expect("ADD") as u32;
        let end = start + "ADD x /x".len() as u32;
        if let Some(fix) = add.fix.as_mut() {
            fix.applicability = Applicability::Safe;
            fix.edits = vec![Edit {
                span: dockhard_parser::Span::new(start, end),
                content: "COPY".to_string(),
            }];
        }
        let before = all.len();
        let failures = apply(&mut all, &[(&input, &settings)], false);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(
            failures[0].contains("would make the file invalid"),
            "{failures:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).expect("read"), original);
        // The findings are the original's.
        assert_eq!(all.len(), before);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
