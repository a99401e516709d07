use dockhard_parser::daemon::DaemonSpec;

use super::{Setting, bool_setting, quoted};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that keeps the userland proxy: a `daemon.json`
    /// without `"userland-proxy": false` or a `dockerd` command line without
    /// `--userland-proxy=false` (reported at the top-level `{` or the
    /// command), and `"userland-proxy": true` (reported at the value). A
    /// setting made in another file of the repository counts; a command
    /// line whose flags cannot all be read (`$DOCKER_OPTS`) is judged on
    /// what it writes only.
    ///
    /// ## Why is this bad?
    /// With the userland proxy, every published port also gets a
    /// `docker-proxy` process listening on the host, forwarding in user
    /// space what the kernel's NAT rules already forward: more code facing
    /// the network, and one process per port (per address family). Without
    /// it, dockerd uses hairpin NAT for traffic from the host and from
    /// containers to published ports. Keep it where hairpin NAT does not
    /// work (some old kernels, `iptables: false`). CIS Docker Benchmark
    /// 2.16.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "userland-proxy": true
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "userland-proxy": false
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: add `"userland-proxy": false` to `daemon.json` (or
    /// `--userland-proxy=false` to the `dockerd` command) and restart the
    /// daemon; check that containers still reach each other's published
    /// ports through the host's address.
    pub static DAEMON_USERLAND_PROXY = {
        code: "DH806",
        name: "daemon-userland-proxy",
        category: Daemon,
        severity: Some(Info),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.16" }],
        fix: None,
        core: false,
        daemon: check,
        satisfied: satisfied,
    }
}

fn satisfied(spec: &DaemonSpec) -> bool {
    matches!(
        bool_setting(spec, "userland-proxy"),
        Setting::Known(false, _)
    )
}

fn check(cx: &mut DaemonContext<'_>) {
    let help = cx.says(
        "set `\"userland-proxy\": false`",
        "add `--userland-proxy=false`",
    );
    match bool_setting(cx.spec, "userland-proxy") {
        Setting::Unset => {
            let message = cx.says(
                "`userland-proxy` is not set to false: every published port also runs a `docker-proxy` process listening on the host",
                "dockerd runs without `--userland-proxy=false`: every published port also runs a `docker-proxy` process listening on the host",
            );
            if let Some(report) = cx.report_missing(message) {
                drop(report.help(help));
            }
        }
        Setting::Known(true, origin) => {
            let written = quoted(cx, "userland-proxy", origin);
            cx.report(
                origin,
                format!("`{written}` keeps the userland proxy: every published port also runs a `docker-proxy` process listening on the host"),
            )
            .label("userland proxy on")
            .help(help);
        }
        Setting::Known(false, _) | Setting::Unknown => {}
    }
}
