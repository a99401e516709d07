use crate::context::HostContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// `dockhard host` lints the daemon's settings with the daemon rules
    /// (DH800–DH811): `/etc/docker/daemon.json`, the rootless
    /// `~/.config/docker/daemon.json`, and the running `dockerd`'s flags
    /// (read from `/proc` when allowed), judged together as the daemon
    /// merges them. When none of them can be read, this rule says so: the
    /// daemon's settings are not judged (an engine that is not installed or
    /// not running has none).
    ///
    /// ## Why is this bad?
    /// The daemon's settings decide what every container gets by default:
    /// inter-container communication, `no-new-privileges`, user namespaces,
    /// where the API listens.
    ///
    /// ## Example
    /// ```host
    /// daemon settings: not known
    /// ```
    ///
    /// ## Use instead
    /// ```host
    /// daemon settings: /etc/docker/daemon.json
    /// ```
    ///
    /// ## Fix
    /// None: run `dockhard host` where the daemon's configuration is
    /// readable, or give it with `--daemon-json FILE` / `--dockerd-args`.
    pub static DAEMON_CONFIG = {
        code: "DH903",
        name: "daemon-config",
        category: Host,
        severity: Some(Info),
        inputs: [Host],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.x" }],
        fix: None,
        core: false,
        host: check,
    }
}

fn check(cx: &mut HostContext<'_>) {
    if cx.facts.daemon.value.is_some() {
        return;
    }
    let span = cx.host.daemon;
    let why = cx.facts.daemon.source.clone();
    cx.report(
        span,
        format!("the daemon's settings could not be read ({why}): they are not judged"),
    )
    .label("not read")
    .help("run where /etc/docker/daemon.json or the running dockerd is readable, or pass --daemon-json / --dockerd-args");
}
