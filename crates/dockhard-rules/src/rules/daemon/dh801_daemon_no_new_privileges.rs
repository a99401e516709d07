use dockhard_parser::daemon::DaemonSpec;

use super::{Setting, bool_setting, quoted};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that does not set `no-new-privileges` for every
    /// container: a `daemon.json` without `"no-new-privileges": true` or a
    /// `dockerd` command line without `--no-new-privileges` (reported at the
    /// top-level `{` or the command), and `"no-new-privileges": false` or
    /// `--no-new-privileges=false` (reported at the value). A setting made
    /// in another file of the repository (a `daemon.json` beside the
    /// `dockerd` line of `docker.service`) counts; a command line whose
    /// flags cannot all be read (`$DOCKER_OPTS`) is judged on what it writes
    /// only.
    ///
    /// ## Why is this bad?
    /// Without it, a process in a container can become root again through a
    /// setuid binary (`su`, `sudo`, `passwd`, anything in the image with the
    /// bit) or a file capability, whatever user the container starts as.
    /// Set on the daemon, `no-new-privileges` applies to every container,
    /// including those whose compose file or `docker run` line forgot it
    /// (DH105). A container that must gain privileges can still opt out with
    /// `--security-opt no-new-privileges=false`. CIS Docker Benchmark 2.14.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "icc": false
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "icc": false,
    ///   "no-new-privileges": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: add `"no-new-privileges": true` to `daemon.json` (or
    /// `--no-new-privileges` to the `dockerd` command) and restart the
    /// daemon; it applies to containers created afterwards.
    pub static DAEMON_NO_NEW_PRIVILEGES = {
        code: "DH801",
        name: "daemon-no-new-privileges",
        category: Daemon,
        severity: Some(Warning),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.14" }],
        fix: None,
        core: true,
        daemon: check,
        satisfied: satisfied,
    }
}

fn satisfied(spec: &DaemonSpec) -> bool {
    matches!(
        bool_setting(spec, "no-new-privileges"),
        Setting::Known(true, _)
    )
}

fn check(cx: &mut DaemonContext<'_>) {
    match bool_setting(cx.spec, "no-new-privileges") {
        Setting::Unset => {
            let message = cx.says(
                "`no-new-privileges` is not set: processes in containers can regain privileges through setuid binaries",
                "dockerd runs without `--no-new-privileges`: processes in containers can regain privileges through setuid binaries",
            );
            let help = cx.says(
                "add `\"no-new-privileges\": true`",
                "add `--no-new-privileges`",
            );
            if let Some(report) = cx.report_missing(message) {
                drop(report.help(help));
            }
        }
        Setting::Known(false, origin) => {
            let written = quoted(cx, "no-new-privileges", origin);
            let help = cx.says(
                "set it to true: `\"no-new-privileges\": true`",
                "write `--no-new-privileges`",
            );
            cx.report(
                origin,
                format!("`{written}` lets processes in containers regain privileges through setuid binaries"),
            )
            .label("disabled")
            .help(help);
        }
        Setting::Known(true, _) | Setting::Unknown => {}
    }
}
