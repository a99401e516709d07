use dockhard_parser::daemon::DaemonSpec;

use super::{Setting, bool_setting, quoted, text_setting};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that runs containers without user namespace
    /// remapping: a `daemon.json` without `userns-remap` or a `dockerd`
    /// command line without `--userns-remap` (reported at the top-level `{`
    /// or the command), and an empty `userns-remap` (reported at the value:
    /// an empty string turns it off). A daemon in rootless mode
    /// (`"rootless": true`) is not reported: it runs in a user namespace
    /// itself. A setting made in another file of the repository counts; a
    /// command line whose flags cannot all be read (`$DOCKER_OPTS`) is
    /// judged on what it writes only.
    ///
    /// ## Why is this bad?
    /// Without remapping, uid 0 in a container is uid 0 on the host: a
    /// process that breaks out of the container (a kernel bug, a mounted
    /// socket, a writable host path) is root on the host. With
    /// `userns-remap`, the container's root maps to an unprivileged range of
    /// the host's uids (`default` creates the `dockremap` user for it).
    /// Remapping has costs: volumes owned by host users need their ownership
    /// adjusted, and `--privileged`, `--pid=host` and `--network=host`
    /// containers need `--userns=host`. CIS Docker Benchmark 2.9.
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
    ///   "userns-remap": "default"
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: remapping changes the ownership every container sees;
    /// add `"userns-remap": "default"` (or a user of your own with ranges in
    /// `/etc/subuid` and `/etc/subgid`) and restart the daemon, which then
    /// keeps its images and containers under a new directory.
    pub static DAEMON_USERNS_REMAP = {
        code: "DH802",
        name: "daemon-userns-remap",
        category: Daemon,
        severity: Some(Info),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.9" }],
        fix: None,
        core: false,
        daemon: check,
        satisfied: satisfied,
    }
}

fn rootless(spec: &DaemonSpec) -> bool {
    matches!(bool_setting(spec, "rootless"), Setting::Known(true, _))
}

fn satisfied(spec: &DaemonSpec) -> bool {
    rootless(spec)
        || matches!(text_setting(spec, "userns-remap"), Setting::Known(v, _) if !v.trim().is_empty())
}

fn check(cx: &mut DaemonContext<'_>) {
    if rootless(cx.spec) {
        return;
    }
    let help = cx.says(
        "add `\"userns-remap\": \"default\"`",
        "add `--userns-remap=default`",
    );
    match text_setting(cx.spec, "userns-remap") {
        Setting::Unset => {
            let message = cx.says(
                "`userns-remap` is not set: root in a container is root on the host",
                "dockerd runs without `--userns-remap`: root in a container is root on the host",
            );
            if let Some(report) = cx.report_missing(message) {
                drop(report.help(help));
            }
        }
        Setting::Known(v, origin) if v.trim().is_empty() => {
            let written = quoted(cx, "userns-remap", origin);
            cx.report(
                origin,
                format!("`{written}` turns user namespace remapping off: root in a container is root on the host"),
            )
            .label("empty")
            .help(help);
        }
        Setting::Known(..) | Setting::Unknown => {}
    }
}
