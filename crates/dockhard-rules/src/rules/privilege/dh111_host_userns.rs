use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::host_namespace::{self, Namespace};

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's user namespace: compose
    /// `userns_mode: host`, `--userns=host` or `--userns host` on a
    /// `docker`/`podman` `run` or `create` command line (and in GitHub
    /// Actions container `options:`), and podman's
    /// `--userns=ns:/proc/1/ns/user` (PID 1's namespace: the host's).
    /// Podman's other modes (`keep-id`, `auto`, `nomap`) are not reported,
    /// nor is a mode that cannot be known.
    ///
    /// ## Why is this bad?
    /// Where the daemon remaps users (`userns-remap`), `--userns=host` opts
    /// the container out: its root is the host's root again, and a process
    /// that escapes it owns the host. CIS Docker Benchmark 5.31.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --userns=host example/backup:1.0
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run -d --user 10001 example/backup:1.0
    /// ```
    ///
    /// ## Fix
    /// None: leave the user namespace to the daemon's `userns-remap` (with
    /// podman, `--userns=auto`); a container that needs host UIDs for a bind
    /// mount can run as that UID with `--user`.
    pub static HOST_USERNS = {
        code: "DH111",
        name: "host-userns",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.31" }],
        fix: None,
        core: false,
        container: check,
    }
}

const USERNS: Namespace = Namespace {
    key: "userns_mode",
    flag: "--userns",
    ns_file: "user",
    label: "host user namespace",
    shares: "user namespace: user remapping (the daemon's `userns-remap`) is off for the container, so its root is root on the host",
    help_compose: "remove `userns_mode: host` so the daemon's `userns-remap` applies",
    help_command: "remove `--userns=host` so the daemon's `userns-remap` applies (with podman, use `--userns=auto`)",
};

fn check(cx: &mut ContainerContext<'_>) {
    host_namespace::check(cx, cx.spec.userns_mode.as_ref(), &USERNS);
}
