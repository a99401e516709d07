use super::*;
use crate::Dockerfile;

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

fn run_script(df_src: &str) -> (Dockerfile, Script) {
    let df = Dockerfile::parse(df_src);
    let script = df
        .instructions
        .iter()
        .rev()
        .find_map(|i| i.script().cloned())
        .expect("a RUN with a script");
    (df, script)
}

#[test]
fn dockerfile_run_continuations_map_to_source() {
    let src = "FROM a\nRUN apt-get update \\\n && chmod \\\n   g+s /x\n";
    let (_, s) = run_script(src);
    let chmod = s.invocations("chmod").next().expect("chmod");
    assert_eq!(chmod.args()[0].span.slice(src), "g+s");
}

#[test]
fn heredoc_alone_is_the_script() {
    let src = "FROM a\nRUN <<EOF\nset -e\nchmod u+s /x\nEOF\n";
    let (_, s) = run_script(src);
    assert_eq!(programs(&s), ["set", "chmod"]);
    assert_eq!(s.commands[1].args()[0].span.slice(src), "u+s");
}

#[test]
fn heredoc_as_data_is_not_a_script() {
    let src = "FROM a\nRUN cat <<EOF > /etc/x && chmod 0644 /etc/x\nsudo rm -rf /\nEOF\n";
    let (_, s) = run_script(src);
    assert_eq!(programs(&s), ["cat", "chmod"]);
    assert_eq!(s.commands[0].redirects.len(), 2);
}

#[test]
fn heredoc_read_by_a_shell_is_a_script() {
    for src in [
        "FROM a\nRUN bash -ex <<'EOF'\nsudo ls\nEOF\n",
        "FROM a\nRUN cat <<EOF | sh\nsudo ls\nEOF\n",
        "FROM a\nRUN python3 - <<EOF && sh <<SH\nprint(1)\nEOF\nsudo ls\nSH\n",
    ] {
        let (_, s) = run_script(src);
        let sudo = s.commands().find(|c| c.invokes("sudo").is_some());
        let sudo = sudo.unwrap_or_else(|| panic!("no sudo in {src:?}: {s:?}"));
        assert_eq!(sudo.origin, Origin::Heredoc);
        assert_eq!(sudo.words[0].span.slice(src), "sudo");
    }
}

#[test]
fn shebang_of_another_interpreter_is_not_parsed() {
    let src = "FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n";
    let (_, s) = run_script(src);
    assert!(s.commands.is_empty());
}

#[test]
fn non_posix_shell_is_not_parsed() {
    let df = Dockerfile::parse("FROM a\nSHELL [\"powershell\", \"-c\"]\nRUN Get-Item x\n");
    assert!(df.instructions[2].script().is_none());
    let df = Dockerfile::parse("FROM a\nRUN ls\n");
    assert!(df.instructions[1].script().is_some());
}
