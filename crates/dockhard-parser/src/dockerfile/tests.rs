//! Parser tests of our own: heredocs as BuildKit documents them, spans,
//! error recovery, stages and variable scope.

use super::*;

fn parse(src: &str) -> Dockerfile {
    Dockerfile::parse(src)
}

fn slice(src: &str, span: Span) -> &str {
    span.slice(src)
}

#[test]
fn heredoc_basic_run() {
    let src = "FROM alpine\nRUN <<EOF\necho hello\necho world\nEOF\nUSER app\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 3);
    let run = &df.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    let h = &run.heredocs[0];
    assert_eq!(h.name, "EOF");
    assert!(h.expand && !h.chomp);
    assert_eq!(h.body.value, "echo hello\necho world\n");
    assert_eq!(slice(src, h.body.span), "echo hello\necho world\n");
    assert_eq!(slice(src, h.terminator), "EOF");
    assert_eq!(slice(src, h.marker), "<<EOF");
    assert!(slice(src, run.span).ends_with("EOF"));
    assert_eq!(df.instructions[2].keyword, Keyword::User);
}

#[test]
fn heredoc_not_first_word_and_several_on_one_line() {
    let src = "FROM a\nRUN cat <<EOF > /file && cat <<-'END' >> /file\nx $HOME\nEOF\n\t\ty\n\tEND\nCMD x\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let run = &df.instructions[1];
    assert_eq!(run.heredocs.len(), 2);
    assert_eq!(run.heredocs[0].body.value, "x $HOME\n");
    assert!(run.heredocs[0].expand);
    let end = &run.heredocs[1];
    assert_eq!(end.name, "END");
    assert!(end.chomp && !end.expand);
    assert_eq!(end.body.value, "\t\ty\n");
    assert_eq!(end.content(), "y\n");
    assert_eq!(df.instructions[2].keyword, Keyword::Cmd);
}

#[test]
fn heredoc_quoted_delimiters() {
    for (marker, expand) in [("<<\"EOF\"", false), ("<<'EOF'", false), ("<<EOF", true)] {
        let src = format!("FROM a\nRUN {marker}\nls\nEOF\n");
        let df = parse(&src);
        assert!(df.errors.is_empty(), "{marker}: {:?}", df.errors);
        let h = &df.instructions[1].heredocs[0];
        assert_eq!(h.name, "EOF", "{marker}");
        assert_eq!(h.expand, expand, "{marker}");
    }
}

#[test]
fn heredoc_copy_sources() {
    let src = "FROM a\nCOPY --chmod=755 <<EOF <<EOT /app/\n#!/bin/sh\nEOF\nsecond\nEOT\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let Kind::Copy(copy) = &df.instructions[1].kind else {
        panic!("not a COPY")
    };
    assert_eq!(copy.heredoc_sources, [0, 1]);
    assert!(copy.sources.is_empty());
    assert_eq!(copy.dest.as_ref().map(|d| d.value.as_str()), Some("/app/"));
    assert_eq!(df.instructions[1].heredocs[1].body.value, "second\n");
}

#[test]
fn heredoc_in_onbuild_and_not_in_json() {
    let df = parse("FROM a\nONBUILD RUN <<EOF\nls\nEOF\nRUN [\"echo\", \"<<EOF\"]\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(df.instructions[1].heredocs.len(), 1);
    assert!(df.instructions[2].heredocs.is_empty());
    let Kind::Onbuild(inner) = &df.instructions[1].kind else {
        panic!("not ONBUILD")
    };
    assert_eq!(inner.heredocs.len(), 1);
}

#[test]
fn heredoc_unterminated_is_an_error_at_the_marker() {
    let src = "FROM a\nRUN <<EOF\nls\n";
    let df = parse(src);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].message, "unterminated heredoc");
    assert_eq!(slice(src, df.errors[0].span), "<<EOF");
}

#[test]
fn heredoc_dest_is_rejected() {
    let df = parse("FROM a\nCOPY x <<EOF\nhi\nEOF\n");
    assert!(
        df.errors
            .iter()
            .any(|e| e.message.contains("heredoc as a destination")),
        "{:?}",
        df.errors
    );
}

#[test]
fn here_string_is_not_a_heredoc() {
    let df = parse("FROM a\nRUN cat <<<\"x\" && echo \"<<EOF\"\nUSER x\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert!(df.instructions[1].heredocs.is_empty());
    assert_eq!(df.instructions.len(), 3);
}

#[test]
fn flags_and_arguments_have_tight_spans() {
    let src = "FROM a\nRUN --mount=type=cache,target=/root/.cache --network=host pip install x\n";
    let df = parse(src);
    let run = &df.instructions[1];
    assert_eq!(run.flags.len(), 2);
    let net = run.flag("network").expect("network flag");
    assert_eq!(slice(src, net.span), "--network=host");
    assert_eq!(slice(src, net.name.span), "network");
    assert_eq!(net.value_str(), Some("host"));
    assert_eq!(slice(src, net.value.as_ref().expect("value").span), "host");
    assert_eq!(slice(src, run.args_span()), "pip install x");
    assert_eq!(slice(src, run.keyword_span), "RUN");
}

#[test]
fn copy_link_and_parents_are_flags_not_paths() {
    let df = parse("FROM a\nCOPY --link --parents --exclude=*.md ./src/ /dst/\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let Kind::Copy(copy) = &df.instructions[1].kind else {
        panic!("not a COPY")
    };
    assert_eq!(df.instructions[1].flags.len(), 3);
    assert_eq!(copy.sources.len(), 1);
    assert_eq!(copy.sources[0].value, "./src/");
}

#[test]
fn env_forms() {
    let src = "FROM a\nENV X=\nENV A=\"b c\" D=e\\ f\nENV LEGACY some value\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let Kind::Env(x) = &df.instructions[1].kind else {
        panic!()
    };
    assert_eq!(x[0].key.value, "X");
    assert_eq!(x[0].value.value, "");
    let Kind::Env(pairs) = &df.instructions[2].kind else {
        panic!()
    };
    assert_eq!(slice(src, pairs[0].key.span), "A");
    assert_eq!(slice(src, pairs[0].value.span), "\"b c\"");
    assert_eq!(pairs[1].value.value, "e\\ f");
    let Kind::Env(legacy) = &df.instructions[3].kind else {
        panic!()
    };
    assert!(legacy[0].legacy);
    assert_eq!(legacy[0].value.value, "some value");
}

#[test]
fn label_legacy_form() {
    let df = parse("FROM a\nLABEL maintainer someone <a@b.c>\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let Kind::Label(l) = &df.instructions[1].kind else {
        panic!()
    };
    assert_eq!(l[0].key.value, "maintainer");
    assert_eq!(l[0].value.value, "someone <a@b.c>");
}

#[test]
fn escape_directive_backtick() {
    let src = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\nUSER ContainerUser\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.escape, '`');
    assert_eq!(
        df.directive("escape").map(|d| d.value.value.as_str()),
        Some("`")
    );
    assert_eq!(df.instructions[1].args[0].value, "dir   c:\\");
    assert_eq!(df.instructions.len(), 3);
}

#[test]
fn directives_only_at_the_top() {
    let df = parse("FROM a\n# escape=`\nRUN a \\\n b\n");
    assert_eq!(df.escape, '\\');
    assert!(df.directives.is_empty());
    assert_eq!(df.instructions[1].args[0].value, "a  b");
    let df = parse(
        "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\n# syntax=x\nFROM a\n",
    );
    assert_eq!(df.directives.len(), 2);
    assert!(df.errors[0].message.contains("only one syntax"));
    let df = parse("# escape=x\nFROM a\n");
    assert!(df.errors[0].message.contains("invalid escape token"));
}

#[test]
fn bom_crlf_and_case_insensitive_keywords() {
    let src = "\u{feff}from alpine AS Build\r\nrun echo \\\r\n  hi\r\nUsEr nobody\r\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(df.instructions[1].args[0].value, "echo   hi");
    let Kind::User(u) = &df.instructions[2].kind else {
        panic!()
    };
    assert_eq!(u.value, "nobody");
    assert_eq!(
        df.stages[0].name.as_ref().map(|n| n.value.as_str()),
        Some("build")
    );
}

#[test]
fn comments_inside_continuations_are_kept() {
    let src = "FROM a\nRUN a \\\n  # inner\n  && b\n# dockhard ignore=DH118\nRUN sudo x\n";
    let df = parse(src);
    assert_eq!(df.instructions[1].args[0].value, "a   && b");
    let texts: Vec<&str> = df.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["inner", "dockhard ignore=DH118"]);
    assert!(df.comments[0].in_continuation);
    assert_eq!(slice(src, df.comments[1].span), "# dockhard ignore=DH118");
}

#[test]
fn errors_are_recovered_per_instruction() {
    let src =
        "FROM a\nENV PATH\nFROBNICATE x\nCOPY onlyone\nUSER app\nHEALTHCHECK --interval=5 CMD x\n";
    let df = parse(src);
    let msgs: Vec<&str> = df.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    assert!(msgs[0].contains("ENV must have two arguments"));
    assert!(msgs[1].starts_with("unknown instruction: FROBNICATE"));
    assert!(msgs[2].contains("COPY requires at least two arguments"));
    assert!(msgs[3].contains("invalid duration"));
    assert_eq!(slice(src, df.errors[1].span), "FROBNICATE");
    let Kind::User(u) = &df.instructions[4].kind else {
        panic!()
    };
    assert_eq!(u.value, "app");
}

#[test]
fn unknown_flags_and_bad_values() {
    let df = parse("FROM a\nCOPY --user=me a b\nRUN --mount x\nADD --link=maybe a b\n");
    let msgs: Vec<&str> = df.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "unknown flag: user",
            "missing a value on flag: mount",
            "expecting boolean value for flag link, not: maybe"
        ]
    );
}

#[test]
fn instructions_before_from() {
    let df = parse("ARG V=1\nRUN x\nFROM a:$V\n");
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].message, "no build stage in current context");
    assert_eq!(df.meta_args().count(), 1);
}

#[test]
fn stages_and_bases() {
    let src = "ARG BASE=debian:12\nFROM ${BASE} AS base\nFROM base AS build\nFROM scratch\nFROM $UNSET_LATER\nARG LATER\nFROM golang:${GO_VERSION:-1.22}\n";
    let df = parse(src);
    let bases: Vec<&Base> = df.stages.iter().map(|s| &s.base).collect();
    assert_eq!(
        bases,
        [
            &Base::Image {
                reference: Some("debian:12".into())
            },
            &Base::Stage(0),
            &Base::Scratch,
            &Base::Image {
                reference: Some(String::new())
            },
            &Base::Image {
                reference: Some("golang:1.22".into())
            },
        ]
    );
    let df = parse("ARG IMG\nFROM $IMG\n");
    assert_eq!(df.stages[0].base, Base::Image { reference: None });
}

#[test]
fn scope_follows_arg_env_and_stage_inheritance() {
    let src = "ARG U=root\nFROM a AS one\nARG U\nENV APP_USER=app HOME=/home/$U\nFROM one\nARG V=${APP_USER}:x\nUSER $V\n";
    let df = parse(src);
    let stage = &df.stages[1];
    let user_idx = df.instructions.len() - 1;
    let Kind::User(word) = &df.instructions[user_idx].kind else {
        panic!()
    };
    assert_eq!(
        df.evaluate_at(stage, user_idx, word).as_deref(),
        Some("app:x")
    );
    let one = &df.stages[0];
    let scope = df.scope_at(one, one.instructions.end);
    assert_eq!(scope.lookup("HOME"), Lookup::Value("/home/root".into()));
}

#[test]
fn inherited_env_is_found_up_any_chain() {
    let chain = |n: usize| {
        let mut src = String::from("FROM a AS s0\nENV ROOT=r\n");
        for i in 1..n {
            src.push_str(&format!("FROM s{} AS s{i}\nENV V{i}=x\n", i - 1));
        }
        src.push_str("USER $ROOT\n");
        parse(&src)
    };
    let user = |df: &Dockerfile| {
        let at = df.instructions.len() - 1;
        let Kind::User(word) = &df.instructions[at].kind else {
            panic!()
        };
        let stage = df.final_stage().expect("stage");
        df.evaluate_at(stage, at, word)
    };
    assert_eq!(user(&chain(1)).as_deref(), Some("r"));
    assert_eq!(user(&chain(100)).as_deref(), Some("r"));
    assert_eq!(user(&chain(5000)).as_deref(), Some("r"));
    // A stage's own later ENV and its siblings' ENV are not inherited; a
    // child sees its parent's last value.
    let df = parse(
        "FROM a AS base\nENV X=1\nFROM base AS one\nENV X=2\nFROM base AS two\nUSER $X\nFROM one\nUSER $X\nENV X=3\n",
    );
    let users: Vec<Option<String>> = df
        .instructions
        .iter()
        .enumerate()
        .filter_map(|(at, i)| match &i.kind {
            Kind::User(word) => {
                let stage = df.stage_of(at)?;
                Some(df.evaluate_at(stage, at, word))
            }
            _ => None,
        })
        .collect();
    assert_eq!(users, [Some("1".to_string()), Some("2".to_string())]);
}

#[test]
fn a_value_that_doubles_each_line_is_bounded() {
    let mut src = String::from("FROM a\nENV A=0123456789abcdef\n");
    for _ in 0..64 {
        src.push_str("ENV A=$A$A\n");
    }
    src.push_str("USER $A\n");
    let df = parse(&src);
    let at = df.instructions.len() - 1;
    let Kind::User(word) = &df.instructions[at].kind else {
        panic!()
    };
    let stage = df.final_stage().expect("stage");
    // 16 bytes doubled 64 times: unknown, once past the bound.
    assert_eq!(df.evaluate_at(stage, at, word), None);
    // Before the twelfth instruction A holds 16 KiB: `$A$A` is 32 KiB.
    let at = 12;
    let Kind::Env(pairs) = &df.instructions[at].kind else {
        panic!()
    };
    assert_eq!(
        df.evaluate_at(stage, at, &pairs[0].value).map(|v| v.len()),
        Some(32 << 10),
        "values within the bound are still known"
    );
}

#[test]
fn stage_of_an_instruction() {
    let df = parse("ARG A\nFROM a AS one\nRUN x\nFROM one\nUSER u\n");
    let found: Vec<Option<usize>> = (0..6).map(|i| df.stage_of(i).map(|s| s.index)).collect();
    assert_eq!(found, [None, Some(0), Some(0), Some(1), Some(1), None]);
}

#[test]
fn json_fallback_and_errors() {
    let df = parse("FROM a\nCMD [\"a\", 'b']\nENTRYPOINT [\"x\"]\nSHELL bash -c\n");
    assert!(!df.instructions[1].json);
    assert!(df.instructions[2].json);
    assert!(
        df.errors
            .iter()
            .any(|e| e.message.contains("SHELL requires"))
    );
}

#[test]
fn empty_and_comment_only_files() {
    for src in ["", "# just a comment\n\n", "\n\n"] {
        let df = parse(src);
        assert_eq!(df.errors.len(), 1, "{src:?}");
        assert_eq!(df.errors[0].message, "file with no instructions");
    }
}

#[test]
fn healthcheck_forms() {
    let src = "FROM a\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK NONE\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let Kind::Healthcheck(Healthcheck::Cmd(c)) = &df.instructions[1].kind else {
        panic!()
    };
    let CommandForm::Shell(text) = &c.form else {
        panic!()
    };
    assert_eq!(text.as_str(), "curl -f http://localhost/ || exit 1");
    assert_eq!(
        slice(src, text.full_span()),
        "curl -f http://localhost/ || exit 1"
    );
    assert!(c.script.as_ref().is_some_and(|s| s.commands.len() == 2));
    assert_eq!(
        df.instructions[2].kind,
        Kind::Healthcheck(Healthcheck::None)
    );
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "\\",
        "FROM a \\",
        "RUN <<",
        "RUN <<-",
        "FROM\n",
        "FROM a AS\n",
        "ONBUILD\n",
        "ONBUILD ONBUILD RUN x\n",
        "HEALTHCHECK\n",
        "HEALTHCHECK CMD\n",
        "ENV =x\n",
        "ARG =x\n",
        "FROM a\nRUN [\"\\ud800\"]\n",
        "FROM a\nUSER ${\n",
        "FROM ${A:?required}\n",
        "\u{feff}",
        "FROM a\r\rRUN b\r\n",
        "FROM a\nCOPY <<'\n",
        "FROM é\nRUN ü \\\n ä",
    ];
    for input in inputs {
        let _ = parse(input);
    }
}

mod shell_scripts {
    use crate::Dockerfile;
    use crate::shell::{Command, Origin, Script};

    fn programs(s: &Script) -> Vec<&str> {
        s.commands().filter_map(Command::program).collect()
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

    #[test]
    fn exec_form_is_an_argument_vector() {
        let src = "FROM a\nRUN [\"sudo\", \"chmod\", \"4755\", \"/usr/local/bin/helper\"]\n";
        let (_, s) = run_script(src);
        assert_eq!(programs(&s), ["chmod"]);
        assert_eq!(s.commands[0].args()[0].span.slice(src), "\"4755\"");
        let src = "FROM a\nRUN [\"/bin/sh\", \"-c\", \"chmod u+s /x\"]\n";
        let (_, s) = run_script(src);
        assert_eq!(programs(&s), ["sh", "chmod"]);
        assert_eq!(s.commands[1].args()[0].span.slice(src), "u+s");
        // Invalid JSON is the shell form, as BuildKit reads it.
        let src = "FROM a\nRUN [\"chmod\", \"u+s\" /x]\n";
        let (_, s) = run_script(src);
        assert!(!programs(&s).contains(&"chmod"), "{:?}", programs(&s));
    }
}

#[test]
fn values_follow_redefinitions_and_inheritance() {
    // Redefinitions, an ENV line reading its own names (it sees the scope
    // before the line), an ARG without default taking the meta arg's,
    // inherited ENV over the stage's own ARG. (The fuzz target `dockerfile`
    // checks every word against a replay of the stage.)
    let src = "ARG A=1 B=${A}2\nARG C\nFROM x AS one\nARG A B=$A-b\nENV E=$B F=$E G=${C:-c}\nUSER $E:$F:$G\nENV E=again\nFROM one AS two\nENV F=$E-$F\nARG B=${F}\nUSER $B\nFROM two\nARG E=arg F\nUSER $E/$F/$B/$A\nENV E=$E-own\nUSER $E\nFROM one\nUSER $E$F\n";
    let df = parse(src);
    let mut values = Vec::new();
    for (idx, instruction) in df.instructions.iter().enumerate() {
        if let (Kind::User(word), Some(stage)) = (&instruction.kind, df.stage_of(idx)) {
            values.push(df.evaluate_at(stage, idx, word));
        }
    }
    let values: Vec<Option<&str>> = values.iter().map(Option::as_deref).collect();
    assert_eq!(
        values,
        [
            // F reads the E before this ENV line (unset); C is not
            // declared in the stage.
            Some("1-b::c"),
            Some("again-"),
            // Inherited ENV over the stage's own ARG; B and A not declared.
            Some("again/again-//"),
            Some("again-own"),
            Some("again"),
        ]
    );
}
