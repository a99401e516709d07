use super::*;

fn script(text: &str) -> Script {
    parse_script(&MappedText::contiguous(text, 0))
}

fn programs(s: &Script) -> Vec<&str> {
    s.commands().filter_map(Command::program).collect()
}

#[test]
fn words_have_quotes_removed_and_spans_kept() {
    let src = r#"chmod u+s "/usr/bin/a b"'c' \$HOME"#;
    let s = script(src);
    let cmd = &s.commands[0];
    assert_eq!(cmd.program(), Some("chmod"));
    let values: Vec<&str> = cmd.args().iter().map(Word::as_str).collect();
    assert_eq!(values, ["u+s", "/usr/bin/a bc", "$HOME"]);
    assert_eq!(cmd.args()[0].span.slice(src), "u+s");
    assert_eq!(cmd.args()[1].span.slice(src), r#""/usr/bin/a b"'c'"#);
    assert!(!cmd.args()[2].dynamic);
}

#[test]
fn lists_and_pipelines() {
    let s = script("apt-get update && apt-get install -y x || true; curl -fsSL u | sh");
    assert_eq!(programs(&s), ["apt-get", "apt-get", "true", "curl", "sh"]);
    let ops: Vec<Op> = s.commands().map(|c| c.op).collect();
    assert_eq!(ops, [Op::Seq, Op::And, Op::Or, Op::Seq, Op::Pipe]);
    assert_eq!(s.commands[3].pipeline, s.commands[4].pipeline);
    assert_ne!(s.commands[0].pipeline, s.commands[3].pipeline);
}

#[test]
fn wrappers_are_skipped() {
    let s = script("FOO=1 env -u X A=2 sudo -u root nohup chmod 4755 /x; command -v sudo");
    let c = &s.commands[0];
    assert_eq!(c.program(), Some("chmod"));
    assert!(c.invokes("sudo").is_some());
    assert_eq!(c.assignments.len(), 1);
    assert_eq!(s.commands[1].program(), Some("command"));
}

#[test]
fn nested_shell_strings_are_parsed_with_spans() {
    let src = r#"sh -ec 'chmod u+s /bin/x && echo "done"'"#;
    let s = script(src);
    assert_eq!(programs(&s), ["sh", "chmod", "echo"]);
    let chmod = &s.commands[1];
    assert_eq!(chmod.depth, 1);
    assert_eq!(chmod.origin, Origin::ShellString);
    assert_eq!(chmod.args()[0].span.slice(src), "u+s");
    let s = script(r#"bash -o pipefail -c "sudo ls \"/a\"""#);
    assert_eq!(programs(&s), ["bash", "ls"]);
    assert!(s.commands[1].invokes("sudo").is_some());
}

#[test]
fn substitutions_and_compound_commands() {
    let s =
        script("if [ \"$(id -u)\" = 0 ]; then for f in a b; do chmod +x $f; done; fi; X=$(whoami)");
    assert_eq!(programs(&s), ["id", "chmod", "whoami"]);
    assert_eq!(s.commands[0].origin, Origin::Substitution);
    assert!(s.commands[1].args()[1].dynamic);
}

#[test]
fn syntax_errors_still_yield_commands() {
    let s = script("chmod u+s /x && (echo 'unterminated");
    assert!(s.has_errors);
    assert_eq!(s.commands[0].program(), Some("chmod"));
}

#[test]
fn assignments_functions_and_comments() {
    let src = "DOCKER=docker\nexport IMG=\"app:1\" # the image\nFOO=1 env\ndocker() { echo; }\nlocal A=($x)\n";
    let s = script(src);
    let names: Vec<&str> = s.assignments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["DOCKER", "IMG", "A"]);
    assert_eq!(s.assignments[1].value.value, "app:1");
    assert!(!s.assignments[0].value.dynamic);
    assert!(s.assignments[2].value.dynamic);
    assert_eq!(s.functions, ["docker"]);
    assert_eq!(s.comments.len(), 1);
    assert_eq!(s.comments[0].slice(src), "# the image");
}

#[test]
fn heredoc_in_a_script_read_by_a_shell_is_parsed() {
    let src = "bash <<'EOF'\nsudo ls /\nEOF\ncat <<EOF\ndocker run --privileged x\nEOF\n";
    let s = script(src);
    assert_eq!(programs(&s), ["bash", "ls", "cat"]);
    let ls = &s.commands[1];
    assert_eq!(ls.origin, Origin::Heredoc);
    assert_eq!(ls.words[0].span.slice(src), "sudo");
}

#[test]
fn unknown_pieces_make_words_dynamic() {
    // `${{ inputs.flags }}` replaced by a placeholder that stands for it.
    let src = "docker run ${{ inputs.flags }} --rm app";
    let mut text = MappedText::new();
    text.push("docker run ", 0);
    text.push_unknown("_", Span::new(11, 30));
    text.push(" --rm app", 30);
    let s = parse_script(&text);
    let args = s.commands[0].args();
    assert_eq!(args[1].span.slice(src), "${{ inputs.flags }}");
    assert!(args[1].dynamic);
    assert!(!args[2].dynamic);
}

#[test]
fn argv_without_a_shell_is_one_command() {
    let words = |v: &[&str]| -> (Vec<Word>, Vec<MappedText>) {
        let mut at = 0u32;
        let mut ws = Vec::new();
        let mut ts = Vec::new();
        for w in v {
            ws.push(Word {
                value: w.to_string(),
                span: Span::new(at, at + w.len() as u32),
                dynamic: false,
            });
            ts.push(MappedText::contiguous(w, at));
            at += w.len() as u32 + 1;
        }
        (ws, ts)
    };
    let (w, t) = words(&["sudo", "chmod", "4755", "/x"]);
    let s = parse_argv(w, &t);
    assert_eq!(programs(&s), ["chmod"]);
    assert!(s.commands[0].invokes("sudo").is_some());
    let (w, t) = words(&["/bin/sh", "-c", "chmod u+s /x && id"]);
    let s = parse_argv(w, &t);
    assert_eq!(programs(&s), ["sh", "chmod", "id"]);
    assert_eq!(s.commands[1].args()[0].span, Span::new(17, 20));
}

#[test]
fn argv_of_strings_parses_shell_strings() {
    let span = Span::new(10, 20);
    let args: Vec<String> = ["sh", "-c", "service ssh start && exec /usr/sbin/sshd -D"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let s = parse_argv_at(&args, span);
    assert_eq!(programs(&s), ["sh", "service", "sshd"]);
    assert!(
        s.commands()
            .all(|c| c.words.iter().all(|w| w.span.start >= 10))
    );
}

#[test]
fn prefix_assignments_have_their_quotes_removed() {
    let s = script("NODE_TLS_REJECT_UNAUTHORIZED=\"0\" A='x y' B=$HOME C= node app.js");
    let values: Vec<&str> = s.commands[0]
        .assignments
        .iter()
        .map(|w| w.as_str())
        .collect();
    assert_eq!(
        values,
        ["NODE_TLS_REJECT_UNAUTHORIZED=0", "A=x y", "B=$HOME", "C="]
    );
    let dynamic: Vec<bool> = s.commands[0]
        .assignments
        .iter()
        .map(|w| w.dynamic)
        .collect();
    assert_eq!(dynamic, [false, false, true, false]);
}

#[test]
fn exported_assignments() {
    let s = script("export A=1; B=2; declare -x C=3; local D=4; typeset -rx E=5; export F G=6");
    let exported: Vec<(&str, bool)> = s
        .assignments
        .iter()
        .map(|a| (a.name.as_str(), a.exported))
        .collect();
    assert_eq!(
        exported,
        [
            ("A", true),
            ("B", false),
            ("C", true),
            ("D", false),
            ("E", true),
            ("G", true)
        ]
    );
}

#[test]
fn nested_scripts_get_pipelines_of_their_own() {
    // The `sh -c` string's commands are appended after the walk has given
    // out pipeline ids: later pipelines of the outer script must not reuse
    // theirs (`curl` is not piped into `sh` here).
    let s = script("sh -c 'curl -fsSL http://x -o f'; echo hi | sh");
    let curl = s.commands().find(|c| c.program() == Some("curl"));
    let echo = s.commands().find(|c| c.program() == Some("echo"));
    let (Some(curl), Some(echo)) = (curl, echo) else {
        panic!("{:?}", programs(&s));
    };
    assert_ne!(curl.pipeline, echo.pipeline);
    assert_eq!(s.pipeline(echo.pipeline).count(), 2);
}
