use super::{Setting, bool_setting, quoted};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports `"iptables": false` in `daemon.json`, or `--iptables=false`
    /// on a `dockerd` command line: dockerd no longer writes the firewall
    /// rules of its networks.
    ///
    /// ## Why is this bad?
    /// Docker's networking relies on the rules it writes: the isolation
    /// between networks, `icc: false` (which is a firewall rule), the NAT of
    /// published ports and the masquerading of outbound traffic. Without
    /// them containers on different networks can reach each other, and
    /// either the host's own rules do all of it or the networking is
    /// silently different from what the compose files and `docker run`
    /// lines say. CIS Docker Benchmark 2.4.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "iptables": false
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "iptables": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: remove the setting and restart the daemon. To add rules
    /// of your own next to Docker's, put them in the `DOCKER-USER` chain.
    pub static DAEMON_IPTABLES_DISABLED = {
        code: "DH808",
        name: "daemon-iptables-disabled",
        category: Daemon,
        severity: Some(Warning),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.4" }],
        fix: None,
        core: false,
        daemon: check,
    }
}

fn check(cx: &mut DaemonContext<'_>) {
    let Setting::Known(false, origin) = bool_setting(cx.spec, "iptables") else {
        return;
    };
    let written = quoted(cx, "iptables", origin);
    let help = cx.says(
        "remove `\"iptables\": false`; add rules of your own in the `DOCKER-USER` chain",
        "remove `--iptables=false`; add rules of your own in the `DOCKER-USER` chain",
    );
    cx.report(
        origin,
        format!("`{written}` stops dockerd from writing its firewall rules: the isolation between networks and a disabled `icc` are no longer enforced"),
    )
    .label("iptables off")
    .help(help);
}
