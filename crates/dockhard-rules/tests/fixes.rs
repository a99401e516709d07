//! Every fix offered on the fixtures applies cleanly: applying them (unsafe
//! ones included), re-linting until nothing changes, leaves no fixable
//! finding of the rule and no new syntax error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture_files, run_fixture};
use dockhard_parser::Dockerfile;
use dockhard_rules::diagnostic::apply_edits;
use dockhard_rules::{Edit, FileKind, RULES, Settings, SourceFile, lint};

#[test]
fn fixes_converge_and_keep_the_file_valid() {
    let mut checked = 0;
    for rule in RULES {
        for path in fixture_files(rule.code) {
            let run = run_fixture(&path, rule.code);
            if run.diagnostics.iter().all(|d| d.fix.is_none()) {
                continue;
            }
            let errors_before = Dockerfile::parse(&run.file.text).errors.len();
            let mut text = run.file.text.clone();
            let mut converged = false;
            for _ in 0..5 {
                let file = SourceFile::new(run.file.path.clone(), text.clone());
                let diagnostics = lint(&file, FileKind::Dockerfile, &Settings::only(&[rule.code]));
                let edits: Vec<Edit> = diagnostics
                    .iter()
                    .filter_map(|d| d.fix.as_ref())
                    .flat_map(|f| f.edits.clone())
                    .collect();
                if edits.is_empty() {
                    converged = true;
                    break;
                }
                text = apply_edits(&text, &edits);
            }
            assert!(converged, "{}: fixes did not converge", path.display());
            let errors_after = Dockerfile::parse(&text).errors.len();
            assert!(
                errors_after <= errors_before,
                "{}: fixing introduced syntax errors:\n{text}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no fixture offers a fix");
}
