//! `--fix`: applies fixes to the files on disk, re-linting until nothing
//! more can be fixed.

use dockhard_rules::diagnostic::apply_edits;
use dockhard_rules::{Applicability, Edit, Settings, SourceFile, lint};

use crate::check::FileResult;

const MAX_PASSES: usize = 5;

pub fn apply(
    results: &mut [FileResult],
    settings: &Settings,
    unsafe_fixes: bool,
) -> Result<(), String> {
    for result in results.iter_mut() {
        let Some(path) = result.fs_path.clone() else {
            continue;
        };
        let mut text = result.file.text.clone();
        let mut diagnostics = std::mem::take(&mut result.diagnostics);
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
            let file = SourceFile::new(result.file.path.clone(), text.clone());
            diagnostics = lint(&file, result.input.kind, settings);
            result.file = file;
        }
        result.diagnostics = diagnostics;
        if changed {
            std::fs::write(&path, &text)
                .map_err(|e| format!("{}: cannot write fixes: {e}", path.display()))?;
        }
    }
    Ok(())
}
