use dockhard_parser::dockerfile::{Instruction, Kind};

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that invokes `sudo`, as a command or as a wrapper
    /// (`sudo -u app make`), also inside `sh -c '...'` and heredoc scripts.
    /// Installing the `sudo` package is not reported; running it is.
    ///
    /// ## Why is this bad?
    /// `RUN` already runs as the current `USER`. `sudo` in a build means the
    /// image ships `sudo` and a user allowed to use it, so an unprivileged
    /// process in the running container can become root again. Its TTY and
    /// signal handling also behave badly in containers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// Removes `sudo` and its options (unsafe: if the RUN runs as a
    /// non-root `USER`, move it before the `USER` instruction, or switch with
    /// `USER root` around it).
    pub static SUDO = {
        code: "DH118",
        name: "sudo",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Dockerfile],
        sources: [Source::Hadolint("DL3004"), Source::Trivy("DS010")],
        fix: Sometimes,
        core: false,
        dockerfile: check,
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    for instruction in &cx.dockerfile.instructions {
        check_instruction(cx, instruction);
    }
}

fn check_instruction(cx: &mut DockerfileContext<'_>, instruction: &Instruction) {
    if let Kind::Onbuild(inner) = &instruction.kind {
        check_instruction(cx, inner);
        return;
    }
    if !matches!(instruction.kind, Kind::Run(_)) {
        return;
    }
    let Some(script) = instruction.script() else {
        return;
    };
    for cmd in script.commands() {
        let Some(pos) = cmd
            .wrappers()
            .iter()
            .chain(cmd.program_word())
            .position(|w| w.value.rsplit('/').next() == Some("sudo"))
        else {
            continue;
        };
        let sudo = &cmd.words[pos];
        // `sudo cmd ...` -> `cmd ...`; with options (`sudo -u app`) the intent
        // is a user switch, which a deletion would lose: no fix.
        let fix = cmd
            .words
            .get(pos + 1)
            .filter(|next| !next.value.starts_with('-'))
            .map(|next| Fix {
                message: "remove `sudo`".to_string(),
                applicability: Applicability::Unsafe,
                edits: vec![Edit::deletion(dockhard_parser::Span::new(
                    sudo.span.start,
                    next.span.start,
                ))],
            });
        let mut report = cx
            .report(sudo.span, "RUN invokes `sudo`")
            .label("sudo")
            .help("RUN already runs as the current USER: drop `sudo`, and switch with `USER` where root is needed");
        if let Some(fix) = fix {
            report = report.fix(fix);
        }
        drop(report);
    }
}
