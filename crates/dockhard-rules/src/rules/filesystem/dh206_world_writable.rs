use dockhard_parser::dockerfile::{Instruction, Kind};
use dockhard_parser::shell::{Command, Script, Word};

use crate::analysis::{ModeEffect, chmod_call, mode_effect, mode_option};
use crate::context::DockerfileContext;
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile instruction that makes files or directories
    /// writable by every user: `chmod 777`, `chmod -R 0777`, `chmod o+w`,
    /// `chmod a+w` (any mode that sets the others' write bit, also through
    /// `find ... -exec chmod` and `xargs chmod`), `install -m 777`,
    /// `mkdir -m 777`, and `COPY --chmod=777` / `ADD --chmod=...`.
    ///
    /// A mode with the sticky bit (`chmod 1777 /srv/shared`, `a+rwxt`) is
    /// not reported unless it is applied recursively: that is how a shared
    /// scratch directory such as `/tmp` is made (users can add files but
    /// not change or delete other users'). `chmod -R 1777` makes every file
    /// under the directory world-writable, and is reported, unless it only
    /// reaches directories the same `RUN` creates with `mkdir`
    /// (`mkdir -p "$GOPATH/src" && chmod -R 1777 "$GOPATH"`). A mode without
    /// "who" (`chmod +w`) is not reported: the umask (022) keeps others'
    /// write bit off.
    ///
    /// ## Why is this bad?
    /// A world-writable file can be changed by any process in the
    /// container, whatever user it runs as. An intruder in an unprivileged
    /// service can then rewrite a script, a binary or a configuration file
    /// that another user (often root) runs or trusts, and take over that
    /// user.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN mkdir /app/data && chmod -R 777 /app/data
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd --system app && mkdir /app/data && chown app /app/data && chmod 750 /app/data
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// None: give write access to the user that needs it (`chown app`, then
    /// `chmod 750` or `u+w`), or use a group (`chgrp`, `g+w`).
    pub static WORLD_WRITABLE = {
        code: "DH206",
        name: "world-writable",
        category: Filesystem,
        severity: Some(Warning),
        inputs: [Dockerfile],
        sources: [],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

const HELP: &str = "give write access to the user that needs it (`chown app` with `chmod 750`), or to a group (`chgrp`, `g+w`); a shared scratch directory gets the sticky bit (`chmod 1777`)";

fn check(cx: &mut DockerfileContext<'_>) {
    for instruction in &cx.dockerfile.instructions {
        check_instruction(cx, instruction);
    }
}

/// Whether a mode makes what it applies to world-writable. The sticky bit
/// exempts a directory (it is then a shared scratch directory), unless the
/// mode is applied recursively to the files beneath it.
fn world_writable(effect: ModeEffect, recursive: bool) -> bool {
    effect.others_write == Some(true) && (recursive || effect.sticky != Some(true))
}

fn check_instruction(cx: &mut DockerfileContext<'_>, instruction: &Instruction) {
    match &instruction.kind {
        Kind::Onbuild(inner) => check_instruction(cx, inner),
        Kind::Copy(_) | Kind::Add(_) => {
            let Some(flag) = instruction.flag("chmod") else {
                return;
            };
            let Some(value) = &flag.value else { return };
            let Some(effect) = mode_effect(&value.value) else {
                return;
            };
            // COPY applies the mode to every file it copies.
            if world_writable(effect, true) {
                let keyword = instruction.keyword.as_str().to_uppercase();
                cx.report(
                    value.span,
                    format!(
                        "`{keyword} --chmod={}` makes the copied files writable by every user in the container: a process of any user can change what others run or read there",
                        value.value
                    ),
                )
                .label("world-writable")
                .help(HELP);
            }
        }
        Kind::Run(_) => {
            let Some(script) = instruction.script() else {
                return;
            };
            let created = created_directories(script);
            for cmd in script.commands() {
                if let Some((word, message)) = finding(cmd, &created) {
                    cx.report(word.span, message)
                        .label("world-writable")
                        .help(HELP);
                }
            }
        }
        _ => {}
    }
}

/// `` `/app` `` or `` `/app` and 2 more ``, or what `find` selects.
fn targets(operands: &[Word], by_find: bool) -> String {
    if by_find {
        return "the files `find` selects".to_string();
    }
    let files: Vec<&Word> = operands
        .iter()
        .filter(|w| !w.value.starts_with('-'))
        .collect();
    match files.as_slice() {
        [] => "the files it is given".to_string(),
        [one] => format!("`{}`", one.value),
        [first, rest @ ..] => format!("`{}` and {} more", first.value, rest.len()),
    }
}

/// The directories a script creates with `mkdir` (as written).
fn created_directories(script: &Script) -> Vec<&str> {
    script
        .invocations("mkdir")
        .flat_map(|c| c.args())
        .filter(|w| !w.value.starts_with('-'))
        .map(|w| w.value.as_str())
        .collect()
}

/// Whether `chmod -R` of a sticky mode only reaches directories the same
/// RUN has just created (`mkdir -p "$GOPATH/src" && chmod -R 1777
/// "$GOPATH"`): then no file beneath is made world-writable.
fn only_new_directories(operands: &[Word], created: &[&str]) -> bool {
    let files: Vec<&Word> = operands
        .iter()
        .filter(|w| !w.value.starts_with('-'))
        .collect();
    !files.is_empty()
        && files.iter().all(|o| {
            let dir = o.value.trim_end_matches('/');
            created.iter().any(|c| {
                *c == dir
                    || c.strip_prefix(dir)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        })
}

fn finding<'a>(cmd: &'a Command, created: &[&str]) -> Option<(&'a Word, String)> {
    match cmd.program()? {
        "chmod" | "find" => {
            let call = chmod_call(cmd)?;
            let effect = mode_effect(&call.mode.value)?;
            let recursive = call.recursive && !only_new_directories(call.operands, created);
            if !world_writable(effect, recursive) {
                return None;
            }
            let recursive = if call.recursive { "-R " } else { "" };
            let exec = if call.by_find { "find -exec " } else { "" };
            Some((
                call.mode,
                format!(
                    "`{exec}chmod {recursive}{}` makes {} writable by every user in the container: a process of any user can change what others run or read there",
                    call.mode.value,
                    targets(call.operands, call.by_find)
                ),
            ))
        }
        program @ ("install" | "mkdir") => {
            let (word, mode) = mode_option(cmd)?;
            let effect = mode_effect(mode)?;
            if !world_writable(effect, false) {
                return None;
            }
            let operands: Vec<Word> = cmd
                .args()
                .iter()
                .filter(|w| !w.value.starts_with('-') && w.span != word.span)
                .cloned()
                .collect();
            // install's last operand is the destination.
            let what = match operands.last() {
                Some(w) if program == "install" => format!("`{}`", w.value),
                _ => targets(&operands, false),
            };
            Some((
                word,
                format!(
                    "`{program} -m {mode}` creates {what} writable by every user in the container: a process of any user can change what others run or read there"
                ),
            ))
        }
        _ => None,
    }
}
