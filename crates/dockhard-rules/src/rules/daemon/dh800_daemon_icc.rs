use dockhard_parser::daemon::DaemonSpec;

use super::{Setting, bool_setting, no_default_bridge, quoted};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that leaves inter-container communication on for
    /// its default bridge (`docker0`): a `daemon.json` without
    /// `"icc": false`, or a `dockerd` command line without `--icc=false`
    /// (reported at the top-level `{` or the command), and `"icc": true` or
    /// `--icc=true` (reported at the value). A daemon started with
    /// `"bridge": "none"` (`-b none`) has no default bridge and is not
    /// reported. A setting made in another file of the repository (a
    /// `daemon.json` beside the `dockerd` line of `docker.service`)
    /// counts; a command line whose flags cannot all be read (`$DOCKER_OPTS`)
    /// is judged on what it writes only.
    ///
    /// ## Why is this bad?
    /// Containers started with `docker run` and no `--network` join the
    /// default bridge, where with icc on every container reaches every port
    /// of every other one: a compromised web container can talk to the
    /// database's admin port or an unauthenticated cache next to it. With
    /// `icc: false` only ports published to the host (or legacy `--link`s)
    /// are reachable. The setting covers the default bridge only: a
    /// user-defined network needs `com.docker.network.bridge.enable_icc:
    /// "false"` of its own (DH300). CIS Docker Benchmark 2.2.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "live-restore": true
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
    /// None offered: add `"icc": false` to `daemon.json` (or `--icc=false`
    /// to the `dockerd` command) and restart the daemon; containers that
    /// talk to each other on the default bridge need a user-defined network
    /// (or `--link`) afterwards.
    pub static DAEMON_ICC = {
        code: "DH800",
        name: "daemon-icc",
        category: Daemon,
        severity: Some(Warning),
        inputs: [DaemonJson],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "2.2" },
            Source::Seed,
        ],
        fix: None,
        core: true,
        daemon: check,
        satisfied: satisfied,
    }
}

fn satisfied(spec: &DaemonSpec) -> bool {
    no_default_bridge(spec) || matches!(bool_setting(spec, "icc"), Setting::Known(false, _))
}

fn check(cx: &mut DaemonContext<'_>) {
    if no_default_bridge(cx.spec) {
        return;
    }
    let help = cx.says("add `\"icc\": false`", "add `--icc=false`");
    match bool_setting(cx.spec, "icc") {
        Setting::Unset => {
            let message = cx.says(
                "`icc` is not set to false: containers on the default bridge can reach every port of each other",
                "dockerd runs without `--icc=false`: containers on the default bridge can reach every port of each other",
            );
            if let Some(report) = cx.report_missing(message) {
                drop(report.help(help));
            }
        }
        Setting::Known(true, origin) => {
            let written = quoted(cx, "icc", origin);
            let help = cx.says(
                "set it to false: `\"icc\": false`",
                "set it to false: `--icc=false`",
            );
            cx.report(
                origin,
                format!("`{written}` keeps inter-container communication on: containers on the default bridge can reach every port of each other"),
            )
            .label("icc on")
            .help(help);
        }
        Setting::Known(false, _) | Setting::Unknown => {}
    }
}
