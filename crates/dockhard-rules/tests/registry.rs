//! The registry's invariants: unique codes and names, complete docs, fixtures
//! for every rule, fix availability as declared, doc examples that work, and
//! generated docs that are up to date.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use common::{fixture_units, run_unit, workspace_root};
use dockhard_rules::rule::{FixAvailability, section};
use dockhard_rules::{RULES, Settings, SourceFile, lint_dockerfile, lint_project, project_files};

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for rule in RULES {
        assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
        assert!(names.insert(rule.name), "duplicate name {}", rule.name);
        assert!(
            rule.code.len() == 5
                && rule.code.starts_with("DH")
                && rule.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "bad code {}",
            rule.code
        );
        assert!(
            rule.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "name not kebab-case: {}",
            rule.name
        );
        assert!(!rule.inputs.is_empty(), "{} applies to nothing", rule.code);
    }
    let sorted: Vec<&str> = {
        let mut v: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        v.sort();
        v
    };
    let order: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    assert_eq!(order, sorted, "RULES must be in code order");
}

#[test]
fn every_doc_has_its_sections() {
    for rule in RULES {
        let doc = rule.markdown();
        for heading in [
            "What it does",
            "Why is this bad?",
            "Example",
            "Use instead",
            "Fix",
        ] {
            assert!(
                !section(&doc, heading).is_empty(),
                "{}: missing or empty `## {heading}`",
                rule.code
            );
        }
        assert!(!rule.summary().is_empty(), "{}: no summary", rule.code);
    }
}

/// The first code block of a doc section, and its language.
fn code_block(text: &str) -> Option<(String, String)> {
    let start = text.find("```")? + 3;
    let lang_end = text[start..].find('\n')? + start;
    let lang = text[start..lang_end].trim().to_string();
    let end = text[lang_end + 1..].find("```")? + lang_end + 1;
    Some((lang, text[lang_end + 1..end].to_string()))
}

struct Mem(String);

impl dockhard_parser::compose::Loader for Mem {
    fn read(&self, path: &std::path::Path) -> std::io::Result<String> {
        if path == std::path::Path::new("/doc/compose.yaml") {
            Ok(self.0.clone())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "not in the doc",
            ))
        }
    }

    fn env(&self, _: &str) -> Option<String> {
        None
    }
}

fn lint_snippet(code: &str, lang: &str, text: String) -> usize {
    // Rules a snippet's suppression comments name are enabled too, so that
    // the suppression rules (DH004, DH007) have something to judge.
    let mut codes = vec![code];
    codes.extend(RULES.iter().map(|r| r.code).filter(|c| text.contains(c)));
    let mut settings = Settings::only(&codes);
    settings.as_of = Some("2026-11-29".to_string());
    // `trusted-registries = ["a", "b"]`, as a comment of the snippet shows it.
    settings.trusted_registries = text
        .lines()
        .find_map(|l| l.split_once("trusted-registries = [").map(|(_, r)| r))
        .map(|list| {
            list.split(']')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|e| e.trim().trim_matches('"').to_string())
                .filter(|e| !e.is_empty())
                .collect()
        });
    let diagnostics = match lang {
        "dockerfile" => {
            let file: Arc<SourceFile> = SourceFile::new("Dockerfile", text);
            lint_dockerfile(&file, &settings)
        }
        "yaml" => {
            let project = dockhard_parser::compose::load_project(
                &[std::path::PathBuf::from("/doc/compose.yaml")],
                &Mem(text),
            );
            let files = project_files(&project, &|p| p.to_path_buf(), &[]);
            lint_project(&files, &settings)
        }
        "sh" => {
            let input = dockhard_parser::kinds::load_command_input(
                dockhard_rules::FileKind::Script,
                std::path::Path::new("doc.sh"),
                text,
                &Mem(String::new()),
            );
            let files = dockhard_rules::command_files(&input, &|p| p.to_path_buf());
            dockhard_rules::lint_commands(&files, &input, &settings)
        }
        "host" => {
            let facts = dockhard_rules::host::HostFacts::from_text(&text);
            dockhard_rules::lint_host(&facts, &settings).1
        }
        "json" => {
            let file: Arc<SourceFile> = SourceFile::new("daemon.json", text);
            dockhard_rules::lint_daemon_json(&file, &settings)
        }
        other => {
            panic!("{code}: code block in `{other}`, expected dockerfile, yaml, sh, json or host")
        }
    };
    diagnostics.iter().filter(|d| d.code == code).count()
}

#[test]
fn doc_examples_trigger_and_use_instead_does_not() {
    for rule in RULES {
        let doc = rule.markdown();
        // Rules about the bytes of a file (DH006) have no example to lint.
        if rule.code == "DH006" {
            continue;
        }
        let (lang, example) = code_block(section(&doc, "Example"))
            .unwrap_or_else(|| panic!("{}: Example has no code block", rule.code));
        let (lang2, instead) = code_block(section(&doc, "Use instead"))
            .unwrap_or_else(|| panic!("{}: Use instead has no code block", rule.code));
        assert!(
            lint_snippet(rule.code, &lang, example.clone()) > 0,
            "{}: the doc's example does not trigger the rule:\n{example}",
            rule.code
        );
        let others_in_instead = lint_snippet(rule.code, &lang2, instead.clone());
        assert_eq!(
            others_in_instead, 0,
            "{}: the doc's `Use instead` triggers the rule:\n{instead}",
            rule.code
        );
    }
}

#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    for rule in RULES {
        let units = fixture_units(rule.code);
        assert!(
            !units.is_empty(),
            "{}: no fixtures in fixtures/{}/",
            rule.code,
            rule.code
        );
        let runs: Vec<_> = units.iter().map(|u| run_unit(u, rule.code)).collect();
        assert!(
            runs.iter().any(|r| !r.expected.is_empty()),
            "{}: no fixture with a finding",
            rule.code
        );
        assert!(
            runs.iter().any(|r| r.declared_none),
            "{}: no near-miss fixture (`# expect: none`)",
            rule.code
        );
    }
}

#[test]
fn fix_availability_matches_what_rules_do() {
    for rule in RULES {
        let diagnostics: Vec<_> = fixture_units(rule.code)
            .iter()
            .flat_map(|u| run_unit(u, rule.code).diagnostics)
            .filter(|d| d.code == rule.code)
            .collect();
        let with_fix = diagnostics.iter().filter(|d| d.fix.is_some()).count();
        match rule.fix {
            FixAvailability::None => assert_eq!(with_fix, 0, "{}: declares no fix", rule.code),
            FixAvailability::Always => assert_eq!(
                with_fix,
                diagnostics.len(),
                "{}: declares a fix for every finding",
                rule.code
            ),
            FixAvailability::Sometimes => {
                assert!(
                    with_fix > 0,
                    "{}: declares fixes but offers none",
                    rule.code
                );
                assert!(
                    with_fix < diagnostics.len(),
                    "{}: always offers a fix; declare `Always`",
                    rule.code
                );
            }
        }
    }
}

#[test]
fn generated_docs_are_up_to_date() {
    let dir = workspace_root().join("docs/rules");
    let mut stale = Vec::new();
    for rule in RULES {
        let path = dir.join(format!("{}.md", rule.code));
        let want = dockhard_rules::docs::rule_markdown(rule);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    let index = dir.join("README.md");
    if std::fs::read_to_string(&index).ok().as_deref()
        != Some(dockhard_rules::docs::index_markdown(RULES).as_str())
    {
        stale.push(index.display().to_string());
    }
    assert!(
        stale.is_empty(),
        "stale rule docs (run `cargo xtask docs`): {stale:?}"
    );
}
