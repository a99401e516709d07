use dockhard_parser::daemon::DaemonSpec;

use super::{Setting, is_wildcard, no_default_bridge, quoted, text_setting};
use crate::context::DaemonContext;
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that publishes ports on every interface by default:
    /// a `daemon.json` without `"ip"` or a `dockerd` command line without
    /// `--ip` (reported at the top-level `{` or the command), and `ip` set
    /// to an address meaning every interface (`0.0.0.0`, `::`,
    /// `::ffff:0.0.0.0`, or empty, which dockerd reads as its default
    /// `0.0.0.0`; reported at the value). Any specific address
    /// (`127.0.0.1`, an internal interface's) is fine. A daemon started with
    /// `"bridge": "none"` (`-b none`) has no default bridge and is not
    /// reported. A setting made in another file of the repository counts; a
    /// command line whose flags cannot all be read (`$DOCKER_OPTS`) is
    /// judged on what it writes only.
    ///
    /// ## Why is this bad?
    /// `docker run -p 8080:80` binds the host's port on every interface,
    /// reachable from any network the host is on, and Docker's NAT rules
    /// bypass host firewalls such as ufw. A debugging port or a database
    /// published "just for local use" ends up on the internet. With
    /// `"ip": "127.0.0.1"`, a port without an address is published on
    /// loopback only, and exposing it is a choice written out
    /// (`-p 0.0.0.0:8080:80`). The setting covers the default bridge only
    /// (dockerd passes it to that network): a user-defined network, such as
    /// the one a compose project creates, takes
    /// `com.docker.network.bridge.host_binding_ipv4` of its own.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "ip": "0.0.0.0"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "ip": "127.0.0.1"
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: add `"ip": "127.0.0.1"` and restart the daemon, then
    /// write the address of every port that must be reachable from outside
    /// (`-p 0.0.0.0:443:443`).
    pub static DAEMON_DEFAULT_BIND = {
        code: "DH811",
        name: "daemon-default-bind",
        category: Daemon,
        severity: Some(Info),
        inputs: [DaemonJson],
        sources: [],
        fix: None,
        core: false,
        daemon: check,
        satisfied: satisfied,
    }
}

fn satisfied(spec: &DaemonSpec) -> bool {
    no_default_bridge(spec)
        || matches!(text_setting(spec, "ip"), Setting::Known(ip, _) if !every_interface(ip))
}

/// An address meaning every interface; an empty one is dockerd's default,
/// `0.0.0.0`.
fn every_interface(ip: &str) -> bool {
    ip.trim().is_empty() || is_wildcard(ip)
}

fn check(cx: &mut DaemonContext<'_>) {
    if no_default_bridge(cx.spec) {
        return;
    }
    let help = cx.says("set `\"ip\": \"127.0.0.1\"`", "add `--ip=127.0.0.1`");
    match text_setting(cx.spec, "ip") {
        Setting::Unset => {
            let message = cx.says(
                "`ip` is not set: ports published without an address (`-p 8080:80`) listen on every interface of the host",
                "dockerd runs without `--ip`: ports published without an address (`-p 8080:80`) listen on every interface of the host",
            );
            if let Some(report) = cx.report_missing(message) {
                drop(report.help(help));
            }
        }
        Setting::Known(ip, origin) if every_interface(ip) => {
            let written = quoted(cx, "ip", origin);
            cx.report(
                origin,
                format!("`{written}` publishes ports given without an address (`-p 8080:80`) on every interface of the host"),
            )
            .label("every interface")
            .help(help);
        }
        Setting::Known(..) | Setting::Unknown => {}
    }
}
