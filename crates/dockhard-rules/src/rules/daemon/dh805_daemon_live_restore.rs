use dockhard_parser::daemon::DaemonSpec;

use super::{Setting, bool_setting, quoted};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a daemon whose containers stop when it stops: a
    /// `daemon.json` without `"live-restore": true` or a `dockerd` command
    /// line without `--live-restore` (reported at the top-level `{` or the
    /// command), and `"live-restore": false` (reported at the value). A
    /// setting made in another file of the repository counts; a command
    /// line whose flags cannot all be read (`$DOCKER_OPTS`) is judged on
    /// what it writes only.
    ///
    /// ## Why is this bad?
    /// Without live restore, restarting or upgrading the daemon (a security
    /// update of Docker Engine, a crash) stops every container, so updates
    /// get postponed to keep services up. With it, containers keep running
    /// while the daemon is down and are picked up again when it returns.
    /// Live restore applies to standalone containers, not to swarm
    /// services. CIS Docker Benchmark 2.15.
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
    ///   "live-restore": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: add `"live-restore": true` to `daemon.json` (or
    /// `--live-restore` to the `dockerd` command). Set in `daemon.json`, it
    /// takes effect on a reload (`systemctl reload docker`), without
    /// stopping containers.
    pub static DAEMON_LIVE_RESTORE = {
        code: "DH805",
        name: "daemon-live-restore",
        category: Daemon,
        severity: Some(Info),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.15" }],
        fix: None,
        core: false,
        daemon: check,
        satisfied: satisfied,
    }
}

fn satisfied(spec: &DaemonSpec) -> bool {
    matches!(bool_setting(spec, "live-restore"), Setting::Known(true, _))
}

fn check(cx: &mut DaemonContext<'_>) {
    match bool_setting(cx.spec, "live-restore") {
        Setting::Unset => {
            let message = cx.says(
                "`live-restore` is not set: every container stops whenever the daemon is restarted or upgraded",
                "dockerd runs without `--live-restore`: every container stops whenever the daemon is restarted or upgraded",
            );
            let help = cx.says("add `\"live-restore\": true`", "add `--live-restore`");
            if let Some(report) = cx.report_missing(message) {
                drop(report.help(help));
            }
        }
        Setting::Known(false, origin) => {
            let written = quoted(cx, "live-restore", origin);
            let help = cx.says(
                "set it to true: `\"live-restore\": true`",
                "write `--live-restore`",
            );
            cx.report(
                origin,
                format!("`{written}` turns live restore off: every container stops whenever the daemon is restarted or upgraded"),
            )
            .label("live restore off")
            .help(help);
        }
        Setting::Known(true, _) | Setting::Unknown => {}
    }
}
