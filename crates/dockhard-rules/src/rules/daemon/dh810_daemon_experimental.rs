use super::{Setting, bool_setting, quoted};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports `"experimental": true` in `daemon.json`, or `--experimental`
    /// on a `dockerd` command line: the daemon's experimental features
    /// turned on.
    ///
    /// ## Why is this bad?
    /// Experimental features are not covered by Docker's stability
    /// guarantees and get less review and testing than the rest of the
    /// engine: their behaviour, API and security properties can change or
    /// disappear in any release. A production daemon should run only what
    /// is supported. CIS Docker Benchmark 2.18.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "experimental": true
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "experimental": false
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: remove the setting (check first that nothing uses an
    /// experimental feature, such as `docker checkpoint`) and restart the
    /// daemon.
    pub static DAEMON_EXPERIMENTAL = {
        code: "DH810",
        name: "daemon-experimental",
        category: Daemon,
        severity: Some(Info),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.18" }],
        fix: None,
        core: false,
        daemon: check,
    }
}

fn check(cx: &mut DaemonContext<'_>) {
    let Setting::Known(true, origin) = bool_setting(cx.spec, "experimental") else {
        return;
    };
    let written = quoted(cx, "experimental", origin);
    let help = cx.says(
        "remove `\"experimental\": true` on production daemons",
        "remove `--experimental` on production daemons",
    );
    cx.report(
        origin,
        format!("`{written}` turns on the daemon's experimental features, which have no stability guarantees and less review"),
    )
    .label("experimental")
    .help(help);
}
