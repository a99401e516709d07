//! Large and deep inputs: each must be read without a stack overflow, and
//! the work must stay bounded. Work is judged by counts (what was found,
//! how long the values grew), never by wall time. Every test runs on a
//! thread with a 2 MiB stack when optimised (`cargo test --release -p
//! dockhard-fuzz`) and 16 MiB in a debug build, whose frames are several
//! times larger: far less than the 64 MiB of the threads `dockhard check`
//! lints on, so that what passes here passes there with a wide margin.

use std::path::PathBuf;

use dockhard_fuzz::on_fuzzer_stack;
use dockhard_parser::commandline;
use dockhard_parser::compose::load_project;
use dockhard_parser::dockerfile::{Dockerfile, Kind};
use dockhard_parser::kinds::{ShellBlock, makefile};
use dockhard_parser::loader::Loader;
use dockhard_parser::mapped::MappedText;
use dockhard_parser::shell::parse_script;
use dockhard_parser::{json, yaml};

fn script(text: &str) -> dockhard_parser::shell::Script {
    parse_script(&MappedText::contiguous(text, 0))
}

/// Lints `files` through the whole pipeline (every rule, every format).
fn check(files: &[(&str, String)]) -> dockhard::fuzzing::Report {
    let files: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.clone().into_bytes()))
        .collect();
    let report = dockhard::fuzzing::check(&files, &[]);
    assert_eq!(dockhard::fuzzing::span_problem(&report.diagnostics), None);
    report
}

struct Mem(Vec<(PathBuf, String)>);

impl Loader for Mem {
    fn read(&self, path: &std::path::Path) -> std::io::Result<String> {
        self.0
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }

    fn env(&self, _: &str) -> Option<String> {
        None
    }
}

#[test]
fn dockerfile_of_100_000_lines() {
    on_fuzzer_stack(|| {
        let mut text = String::from("FROM alpine AS base\nARG V=1\n");
        for i in 0..25_000 {
            text.push_str(&format!(
                "ENV E{i}=$V\nRUN echo {i} && chmod 755 /x\nCOPY a{i} /b/\n# comment {i}\n"
            ));
        }
        let df = Dockerfile::parse(&text);
        assert_eq!(df.instructions.len(), 2 + 75_000);
        assert_eq!(df.comments.len(), 25_000);
        assert!(df.errors.is_empty());
    });
}

#[test]
fn dockerfile_of_20_000_lines_through_every_rule() {
    on_fuzzer_stack(|| {
        let mut text = String::from("FROM alpine\nARG V=1\n");
        for i in 0..5_000 {
            text.push_str(&format!(
                "ENV E{i}=$V\nRUN echo $E{i} && chmod u+s /x\nCOPY a{i} /b/\nUSER root\n"
            ));
        }
        let report = check(&[("Dockerfile", text)]);
        // Each `chmod u+s` and each `USER root` is reported once.
        let count = |code: &str| report.diagnostics.iter().filter(|d| d.code == code).count();
        assert_eq!(count("DH102"), 5_000);
    });
}

#[test]
fn stages_each_built_on_the_one_before() {
    on_fuzzer_stack(|| {
        // Each stage copies `A` from the one before; only the first sets `B`.
        let mut text = String::from("FROM alpine AS s0\nENV A=1 B=2\n");
        for i in 1..5_000 {
            text.push_str(&format!("FROM s{} AS s{i}\nENV A=$A\n", i - 1));
        }
        text.push_str("USER $A\nUSER $B\n");
        let df = Dockerfile::parse(&text);
        assert_eq!(df.stages.len(), 5_000);
        let last = df.final_stage().unwrap_or_else(|| panic!("no stage"));
        let n = df.instructions.len();
        let value = |at: usize| {
            let Kind::User(word) = &df.instructions[at].kind else {
                panic!("not USER")
            };
            df.evaluate_at(last, at, word)
        };
        assert_eq!(value(n - 2).as_deref(), Some("1"));
        // Inherited through all 5,000 stages.
        assert_eq!(value(n - 1).as_deref(), Some("2"));
        check(&[("Dockerfile", text)]);
    });
}

#[test]
fn env_values_that_double_at_each_line() {
    on_fuzzer_stack(|| {
        let mut text = String::from("FROM alpine\nENV A=xxxxxxxx\n");
        for _ in 0..64 {
            text.push_str("ENV A=$A$A\n");
        }
        text.push_str("USER $A\nRUN echo $A\n");
        let df = Dockerfile::parse(&text);
        let stage = df.final_stage().unwrap_or_else(|| panic!("no stage"));
        let at = df.instructions.len() - 2;
        let Kind::User(word) = &df.instructions[at].kind else {
            panic!("not USER")
        };
        // 8 * 2^64 bytes cannot be built: the value is unknown.
        assert_eq!(df.evaluate_at(stage, at, word), None);
        check(&[("Dockerfile", text)]);
    });
}

#[test]
fn one_instruction_over_50_000_continuation_lines() {
    on_fuzzer_stack(|| {
        let mut text = String::from("FROM alpine\nRUN echo \\\n");
        for i in 0..50_000 {
            text.push_str(&format!("  a{i} \\\n"));
        }
        text.push_str("  end\n");
        let df = Dockerfile::parse(&text);
        assert_eq!(df.instructions.len(), 2);
        let script = df.instructions[1]
            .script()
            .unwrap_or_else(|| panic!("no script"));
        assert_eq!(script.commands.len(), 1);
        assert_eq!(script.commands[0].words.len(), 50_002);
        // Backslash continuations with comments between them.
        let mut text = String::from("FROM alpine\nRUN a \\\n");
        for _ in 0..20_000 {
            text.push_str("# c\n\\\n");
        }
        text.push_str("b\n");
        let df = Dockerfile::parse(&text);
        assert_eq!(df.instructions.len(), 2);
    });
}

#[test]
fn a_heredoc_of_100_000_lines() {
    on_fuzzer_stack(|| {
        let mut text = String::from("FROM alpine\nRUN <<EOF\n");
        for i in 0..100_000 {
            text.push_str(&format!("echo {i}\n"));
        }
        text.push_str("EOF\n");
        let df = Dockerfile::parse(&text);
        let script = df.instructions[1]
            .script()
            .unwrap_or_else(|| panic!("no script"));
        assert_eq!(script.commands.len(), 100_000);
        // And heredocs without an end, one after another.
        let text = format!("FROM alpine\n{}", "RUN <<A <<B <<C\n".repeat(10_000));
        let df = Dockerfile::parse(&text);
        assert!(!df.instructions.is_empty());
    });
}

#[test]
fn onbuild_nested_10_000_times() {
    on_fuzzer_stack(|| {
        let text = format!("FROM alpine\n{}RUN x\n", "ONBUILD ".repeat(10_000));
        let df = Dockerfile::parse(&text);
        assert_eq!(df.instructions.len(), 2);
        check(&[("Dockerfile", text)]);
    });
}

#[test]
fn command_substitutions_nested_10_000_deep() {
    on_fuzzer_stack(|| {
        let n = 10_000;
        let text = format!(
            "{}docker run --privileged x{}",
            "echo $(".repeat(n),
            ")".repeat(n)
        );
        let s = script(&text);
        // Commands nested deeper than the limit are not read, and the
        // script says it could not be read completely.
        assert!(s.has_errors);
        assert!(s.commands.len() <= n);
        for text in [
            format!("{}x{}", "(".repeat(n), ")".repeat(n)),
            format!("{}x{}", "{ ".repeat(n), "; }".repeat(n)),
            format!("echo {}x{}", "\"$(echo ".repeat(n), ")\"".repeat(n)),
            format!("{}x{}", "if a; then ".repeat(n), "; fi".repeat(n)),
            format!("echo {}", "`echo ".repeat(n)),
            format!("x=$(({}1{}))", "(".repeat(n), ")".repeat(n)),
        ] {
            let _ = script(&text);
        }
    });
}

#[test]
fn sh_c_strings_nested_in_each_other() {
    on_fuzzer_stack(|| {
        // Each level quotes the one inside: the text grows fourfold.
        let mut text = String::from("docker run --privileged x");
        for _ in 0..10 {
            text = format!("sh -c {}", shell_quote(&text));
        }
        let s = script(&text);
        // Nesting is read to a fixed depth: the 9 outer shells.
        assert_eq!(s.commands.len(), 9);
    });
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[test]
fn ten_thousand_heredocs_read_by_shells() {
    on_fuzzer_stack(|| {
        let text = "bash <<EOF\ndocker run --privileged x\nEOF\n".repeat(10_000);
        let s = script(&text);
        assert_eq!(s.commands.len(), 20_000);
        let found = commandline::analyse(&[ShellBlock::new(0, MappedText::contiguous(&text, 0))]);
        assert_eq!(found.containers.len(), 10_000);
    });
}

#[test]
fn a_docker_run_with_50_000_flags() {
    on_fuzzer_stack(|| {
        let text = format!(
            "docker run {}alpine\n",
            "-v /a:/b --cap-add=SYS_ADMIN ".repeat(25_000)
        );
        let found = commandline::analyse(&[ShellBlock::new(0, MappedText::contiguous(&text, 0))]);
        assert_eq!(found.containers.len(), 1);
        assert_eq!(found.containers[0].cap_add.len(), 25_000);
        let report = check(&[("x.sh", text)]);
        assert!(report.diagnostics.iter().any(|d| d.code == "DH107"));
    });
}

#[test]
fn yaml_nested_10_000_deep() {
    on_fuzzer_stack(|| {
        let n = 10_000;
        // (Indentation makes a block mapping's text grow as the square.)
        let block: String = (0..1_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        for text in [
            format!("{}{}", "[".repeat(n), "]".repeat(n)),
            format!("{}{}", "{a: ".repeat(n), "}".repeat(n)),
            format!("{}x", "- ".repeat(n)),
            block,
        ] {
            assert!(yaml::parse(&text, yaml::Limits::default()).is_err());
            let services = format!("services:\n  web:\n    x-deep: {text}\n");
            let report = check(&[("compose.yaml", text), ("compose.override.yaml", services)]);
            assert!(report.diagnostics.iter().any(|d| d.code == "DH002"));
        }
    });
}

#[test]
fn yaml_nested_just_within_the_limit_through_every_rule() {
    on_fuzzer_stack(|| {
        let depth = yaml::Limits::default().max_depth - 4;
        let deep: String = (0..depth)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i + 3)))
            .collect();
        let text = format!("services:\n  web:\n    x-deep:\n{deep}      privileged: true\n");
        let text = text.replacen("    x-deep:\n", "    privileged: true\n    x-deep:\n", 1);
        let report = check(&[("compose.yaml", text)]);
        assert!(
            report.diagnostics.iter().all(|d| d.code != "DH002"),
            "{:?}",
            report.diagnostics.first().map(|d| &d.message)
        );
        assert!(report.diagnostics.iter().any(|d| d.code == "DH104"));
    });
}

#[test]
fn yaml_alias_bomb() {
    on_fuzzer_stack(|| {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..20 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let services = format!("services:\n  web:\n    image: x\n{text}");
        assert!(yaml::parse(&text, yaml::Limits::default()).is_err());
        let report = check(&[("compose.yaml", services)]);
        assert!(report.diagnostics.iter().any(|d| d.code == "DH002"));
        // Merge keys over one anchor: 90 times is within the budget (100
        // aliases per anchor), 5,000 times is not.
        for (services, read) in [(90, true), (5_000, false)] {
            let mut text = String::from("x-a: &a {privileged: true, cap_add: [ALL]}\nservices:\n");
            for i in 0..services {
                text.push_str(&format!("  s{i}:\n    <<: *a\n    image: x\n"));
            }
            let report = check(&[("compose.yaml", text)]);
            let privileged = report
                .diagnostics
                .iter()
                .filter(|d| d.code == "DH104")
                .count();
            if read {
                assert_eq!(privileged, services);
            } else {
                assert_eq!(privileged, 0);
                assert!(report.diagnostics.iter().any(|d| d.code == "DH002"));
            }
        }
    });
}

#[test]
fn json_nested_10_000_deep() {
    on_fuzzer_stack(|| {
        let n = 10_000;
        let doc = json::parse(&format!("{}{}", "[".repeat(n), "]".repeat(n)));
        assert!(!doc.errors.is_empty());
        let doc = json::parse(&format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n)));
        assert!(!doc.errors.is_empty());
        check(&[(
            "daemon.json",
            format!("{{\"x\": {}{}}}", "[".repeat(n), "]".repeat(n)),
        )]);
    });
}

#[test]
fn compose_extends_chain_of_2_000_services() {
    on_fuzzer_stack(|| {
        let mut text = String::from("services:\n  s0:\n    image: x\n    privileged: true\n");
        for i in 1..2_000 {
            text.push_str(&format!("  s{i}:\n    extends: s{}\n", i - 1));
        }
        let loader = Mem(vec![(PathBuf::from("/p/compose.yaml"), text)]);
        let project = load_project(&[PathBuf::from("/p/compose.yaml")], &loader);
        assert_eq!(project.services.len(), 2_000);
        assert!(project.errors.is_empty(), "{:?}", project.errors.first());
        assert!(
            project
                .services
                .iter()
                .all(|s| s.privileged.as_ref().and_then(|f| f.get().copied()) == Some(true))
        );
    });
}

#[test]
fn compose_extends_across_files_in_a_cycle() {
    on_fuzzer_stack(|| {
        let files: Vec<(PathBuf, String)> = (0..50)
            .map(|i| {
                (
                    PathBuf::from(format!("/p/c{i}.yaml")),
                    format!(
                        "include: [c{}.yaml]\nservices:\n  s{i}:\n    extends: {{file: c{}.yaml, service: s{}}}\n",
                        (i + 1) % 50,
                        (i + 1) % 50,
                        (i + 1) % 50
                    ),
                )
            })
            .collect();
        let loader = Mem(files);
        let project = load_project(&[PathBuf::from("/p/c0.yaml")], &loader);
        assert!(project.files.len() <= 50);
        assert!(!project.errors.is_empty());
    });
}

#[test]
fn makefile_variables_that_double() {
    on_fuzzer_stack(|| {
        let mut text = String::from("A0 := xxxxxxxx\n");
        for i in 1..64 {
            text.push_str(&format!("A{i} = $(A{})$(A{})\n", i - 1, i - 1));
        }
        text.push_str("run:\n\tdocker run --privileged $(A63)\n");
        let extracted = makefile::extract(&text);
        let total: usize = extracted.blocks.iter().map(|b| b.text.len()).sum();
        assert!(total < 1024 * 1024, "{total} bytes of recipe text");
        check(&[("Makefile", text)]);
    });
}

#[test]
fn a_long_line_of_every_kind() {
    on_fuzzer_stack(|| {
        let long = "x".repeat(1024 * 1024);
        for name in [
            "Dockerfile",
            "compose.yaml",
            "daemon.json",
            ".github/workflows/x.yml",
            ".gitlab-ci.yml",
            "x.service",
            "Makefile",
            "x.sh",
        ] {
            check(&[(name, format!("docker run {long}\n"))]);
        }
    });
}
