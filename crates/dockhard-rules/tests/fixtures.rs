//! Runs every rule's fixtures: findings must equal the inline `# expect:`
//! markers exactly, and the rendered output must match its snapshot.

mod common;

use common::{describe, fixture_units, render, run_unit, workspace_root};
use dockhard_rules::RULES;

#[test]
fn fixtures_match_their_expectations_and_snapshots() {
    let mut failures = Vec::new();
    let mut count = 0;
    for rule in RULES {
        for unit in fixture_units(rule.code) {
            count += 1;
            let run = run_unit(&unit, rule.code);
            let shown = unit[0]
                .strip_prefix(workspace_root())
                .unwrap_or(&unit[0])
                .display()
                .to_string();
            if run.expected.is_empty() && !run.declared_none {
                failures.push(format!(
                    "{shown}: no `# expect:` marker and no `# expect: none` at the top"
                ));
            }
            if run.expected != run.found {
                failures.push(format!(
                    "{shown}:\n  expected: {:?}\n  found:    {:?}\n{}",
                    describe(&run, &run.expected),
                    describe(&run, &run.found),
                    render(&run)
                ));
                continue;
            }
            let fixture_dir = workspace_root().join("fixtures").join(rule.code);
            let name = unit[unit.len() - 1]
                .strip_prefix(&fixture_dir)
                .unwrap_or(&unit[0])
                .display()
                .to_string()
                .replace(['/', '.'], "_");
            let name = format!("{}__{}", rule.code, name);
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
