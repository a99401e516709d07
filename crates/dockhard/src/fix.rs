//! `--fix`: applies fixes to Dockerfiles on disk, re-linting until nothing
//! more can be fixed.

use dockhard_rules::diagnostic::apply_edits;
use dockhard_rules::{Applicability, Diagnostic, Edit, Settings, SourceFile, lint_dockerfile};

use crate::discover::{Input, Origin};

const MAX_PASSES: usize = 5;

/// Fixes the Dockerfiles among `inputs` (each with its settings); their
/// diagnostics in `all` are replaced by what remains after fixing.
pub fn apply(
    all: &mut Vec<Diagnostic>,
    inputs: &[(&Input, &Settings)],
    unsafe_fixes: bool,
) -> Result<(), String> {
    for &(input, settings) in inputs {
        let Origin::File(path) = &input.origin else {
            continue;
        };
        let mine = |d: &Diagnostic| d.file.path == input.display;
        let Some(file) = all.iter().find(|d| mine(d)).map(|d| d.file.clone()) else {
            continue;
        };
        let mut diagnostics: Vec<Diagnostic> = all.iter().filter(|d| mine(d)).cloned().collect();
        let mut text = file.text.clone();
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
            let file = SourceFile::new(input.display.clone(), text.clone());
            diagnostics = lint_dockerfile(&file, settings);
        }
        if changed {
            std::fs::write(path, &text)
                .map_err(|e| format!("{}: cannot write fixes: {e}", path.display()))?;
            all.retain(|d| !mine(d));
            all.extend(diagnostics);
        }
    }
    Ok(())
}
