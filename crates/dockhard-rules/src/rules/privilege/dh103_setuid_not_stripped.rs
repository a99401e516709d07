use dockhard_parser::dockerfile::Kind;
use dockhard_parser::shell::{Command, Script};

use crate::analysis::{self, chmod_call, mode_effect};
use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a final stage that does not strip setuid and setgid bits: no
    /// `RUN` in the stage, or in the stages it is built `FROM`, finds the
    /// files that carry them and removes the bits (or the files). Counted
    /// as stripping: a `find` that selects them with `-perm` (`/6000`,
    /// `+6000`, `-4000`, `/u+s,g+s` ...) and removes them with
    /// `-exec chmod a-s {} +` (or `u-s,g-s`, `-s`, a numeric mode without
    /// those bits), `-delete`, or through a pipe or loop to
    /// `xargs chmod a-s` / `chmod a-s` in the same `RUN`; and
    /// `chmod -R a-s /`. `chmod a-s` of a few named files does not count:
    /// it leaves the others. Images without a shell (`scratch`, distroless)
    /// are not reported: there is nothing to run the command with, and they
    /// ship no setuid binaries. The rule is off by default; select it
    /// (`--select DH103`) to use it.
    ///
    /// ## Why is this bad?
    /// Base images ship setuid binaries (`su`, `passwd`, `mount`,
    /// `newgrp` ...). Each runs as root whoever starts it, so each bug in
    /// one is a way back to root for a process that runs as an
    /// unprivileged user. A service needs none of them. CIS Docker
    /// Benchmark 4.8.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd --system app
    /// USER app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd --system app \
    ///  && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// None offered: add
    /// `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +` after the
    /// last package installation of the final stage.
    pub static SETUID_NOT_STRIPPED = {
        code: "DH103",
        name: "setuid-not-stripped",
        category: Privilege,
        severity: None,
        inputs: [Dockerfile],
        sources: [Source::Cis { edition: "v1.6.0", control: "4.8" }],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let Some(last) = df.final_stage() else { return };
    if analysis::has_no_shell(df, last) || is_windows(df, last) {
        return;
    }
    let stripped = analysis::stage_chain(df, last).iter().any(|stage| {
        df.stage_instructions(stage).iter().any(|instruction| {
            matches!(instruction.kind, Kind::Run(_)) && instruction.script().is_some_and(strips)
        })
    });
    if stripped {
        return;
    }
    let Some(from) = df.instructions.get(last.from) else {
        return;
    };
    cx.report(
        from.head_span(cx.source()),
        "the final stage does not strip setuid/setgid bits: each setuid binary of the image is a way back to root",
    )
    .label("final stage")
    .help("add `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +` after the last package installation");
}

/// Windows images have no setuid bits.
fn is_windows(
    df: &dockhard_parser::Dockerfile,
    stage: &dockhard_parser::dockerfile::Stage,
) -> bool {
    analysis::root_image(df, stage).is_some_and(|r| {
        let r = r.to_ascii_lowercase();
        r.contains("mcr.microsoft.com/windows")
            || r.contains("nanoserver")
            || r.contains("servercore")
    })
}

/// Whether a script strips the setuid/setgid bits of the files it finds.
fn strips(script: &Script) -> bool {
    let selects = script
        .commands()
        .any(|c| c.program() == Some("find") && selects_special(c));
    script.commands().any(|c| {
        let removes = chmod_call(c).is_some_and(|call| {
            mode_effect(&call.mode.value)
                .is_some_and(|e| e.setuid == Some(false) || e.setgid == Some(false))
                && (selects || (call.recursive && call.operands.iter().any(|w| w.value == "/")))
        });
        let deletes = c.program() == Some("find") && selects_special(c) && c.has_arg("-delete");
        removes || deletes
    })
}

/// `find ... -perm /6000` (and `+6000`, `-4000`, `/u+s` ...).
fn selects_special(cmd: &Command) -> bool {
    let args = cmd.args();
    args.windows(2).any(|pair| {
        if pair[0].value != "-perm" {
            return false;
        }
        let mode = pair[1].value.trim_start_matches(['-', '/', '+']);
        if mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            u32::from_str_radix(mode, 8).is_ok_and(|v| v & 0o6000 != 0)
        } else {
            mode.contains('s')
        }
    })
}
