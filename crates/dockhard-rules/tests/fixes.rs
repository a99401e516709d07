//! Every fix offered on the fixtures applies cleanly: applying them (unsafe
//! ones included), re-linting until nothing changes, leaves no fixable
//! finding of the rule and no new syntax error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture_units, run_unit};
use dockhard_parser::Dockerfile;
use dockhard_rules::diagnostic::apply_edits;
use dockhard_rules::{Edit, RULES, Settings, SourceFile, lint_dockerfile};

#[test]
fn fixes_converge_and_keep_the_file_valid() {
    let mut checked = 0;
    for rule in RULES {
        for unit in fixture_units(rule.code) {
            let run = run_unit(&unit, rule.code);
            if run.diagnostics.iter().all(|d| d.fix.is_none()) {
                continue;
            }
            // Fixes are offered on Dockerfiles so far.
            let path = &unit[0];
            let original = &run.files[0];
            let errors_before = Dockerfile::parse(&original.text).errors.len();
            let mut text = original.text.clone();
            let mut converged = false;
            for _ in 0..5 {
                let file = SourceFile::new(original.path.clone(), text.clone());
                let diagnostics = lint_dockerfile(&file, &Settings::only(&[rule.code]));
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
