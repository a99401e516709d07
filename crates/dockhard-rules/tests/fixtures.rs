//! Runs every rule's fixtures: findings must equal the inline `# expect:`
//! markers exactly, and the rendered output must match its snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{describe, fixture_files, render, run_fixture};
use dockhard_rules::RULES;

#[test]
fn fixtures_match_their_expectations_and_snapshots() {
    let mut failures = Vec::new();
    let mut count = 0;
    for rule in RULES {
        for path in fixture_files(rule.code) {
            count += 1;
            let run = run_fixture(&path, rule.code);
            if run.expected.is_empty() && !run.declared_none {
                failures.push(format!(
                    "{}: no `# expect:` marker and no `# expect: none` at the top",
                    path.display()
                ));
            }
            if run.expected != run.found {
                failures.push(format!(
                    "{}:\n  expected: {:?}\n  found:    {:?}\n{}",
                    path.display(),
                    describe(&run, &run.expected),
                    describe(&run, &run.found),
                    render(&run)
                ));
                continue;
            }
            let stem = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("fixture")
                .replace('.', "_");
            let name = format!("{}__{}", rule.code, stem);
            insta::with_settings!({
                snapshot_path => "snapshots",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name, render(&run));
            });
        }
    }
    assert!(count > 0, "no fixtures found under fixtures/");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
