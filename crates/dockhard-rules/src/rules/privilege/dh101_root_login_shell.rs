use dockhard_parser::Span;
use dockhard_parser::dockerfile::Kind;
use dockhard_parser::shell::Command;

use crate::analysis::{self, option_value};
use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a final stage that leaves root's login shell open: no `RUN` in
    /// the stage (or in the stages it is built `FROM`) sets root's shell to
    /// `nologin` or `false`, with `chsh -s /usr/sbin/nologin root`,
    /// `usermod -s /usr/sbin/nologin root`, or an edit of root's line in
    /// `/etc/passwd`. Images without a shell (`scratch`, distroless) are not
    /// reported. `passwd -l root` does not count: it locks the password, not
    /// the shell.
    ///
    /// ## Why is this bad?
    /// An attacker who gets code execution as any user, or who can run
    /// `docker exec`, `su` or `login` in the container, gets an interactive root
    /// shell for free. Disabling root's shell closes that door; services never
    /// need it.
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
    /// RUN useradd --system app && chsh -s /usr/sbin/nologin root
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// None offered automatically: the command depends on the base image. On
    /// Debian/Ubuntu/RHEL use `chsh -s /usr/sbin/nologin root`; on Alpine (no
    /// `chsh` by default) use
    /// `sed -i -e 's#^root:\(.*\):[^:]*$#root:\1:/sbin/nologin#' /etc/passwd`.
    pub static ROOT_LOGIN_SHELL = {
        code: "DH101",
        name: "root-login-shell",
        category: Privilege,
        severity: Some(Info),
        inputs: [Dockerfile],
        sources: [Source::Seed],
        fix: None,
        core: true,
        dockerfile: check,
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let Some(last) = df.final_stage() else { return };
    if analysis::has_no_shell(df, last) {
        return;
    }
    let mut disabled: Option<Span> = None;
    for stage in analysis::stage_chain(df, last) {
        for instruction in df.stage_instructions(stage) {
            if !matches!(instruction.kind, Kind::Run(_)) {
                continue;
            }
            let Some(script) = instruction.script() else {
                continue;
            };
            for cmd in script.commands() {
                match root_shell_change(cmd) {
                    Some(true) => disabled = Some(cmd.span),
                    Some(false) => disabled = None,
                    None => {}
                }
            }
        }
    }
    if disabled.is_some() {
        return;
    }
    let Some(from) = df.instructions.get(last.from) else {
        return;
    };
    cx.report(
        from.head_span(cx.source()),
        "root's login shell is not disabled in the final stage",
    )
    .label("final stage")
    .help("add `RUN chsh -s /usr/sbin/nologin root` (or `usermod -s /usr/sbin/nologin root`; on Alpine, edit root's line in /etc/passwd)");
}

fn is_nologin(shell: &str) -> bool {
    matches!(shell.rsplit('/').next(), Some("nologin" | "false"))
}

/// `Some(true)` if the command sets root's shell to nologin/false,
/// `Some(false)` if it sets it to a real shell, `None` if it does neither.
fn root_shell_change(cmd: &Command) -> Option<bool> {
    match cmd.program()? {
        "chsh" | "usermod" => {
            let shell = option_value(cmd, "-s", "--shell")?;
            let user = cmd.args().last()?;
            if user.value != "root" {
                return None;
            }
            Some(is_nologin(shell))
        }
        "sed" => {
            let edits_passwd = cmd.args().iter().any(|w| w.value == "/etc/passwd");
            let in_place = cmd
                .args()
                .iter()
                .any(|w| w.value.starts_with("-i") || w.value.starts_with("--in-place"));
            let expression = cmd.args().iter().any(|w| {
                w.value.contains("root")
                    && (w.value.contains("nologin") || w.value.contains("/false"))
            });
            (edits_passwd && in_place && expression).then_some(true)
        }
        _ => None,
    }
}
