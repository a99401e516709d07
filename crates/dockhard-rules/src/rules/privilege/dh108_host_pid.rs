use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::host_namespace::{self, Namespace};

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's PID namespace: compose `pid: host`,
    /// `--pid=host` or `--pid host` on a `docker`/`podman` `run` or `create`
    /// command line (and in GitHub Actions container `options:`), and podman's
    /// `--pid=ns:/proc/1/ns/pid` (PID 1's namespace: the host's). Sharing
    /// another container's namespace (`pid: "service:db"`,
    /// `--pid=container:db`) is not reported, nor is a mode that cannot be
    /// known (`${PID_MODE}` with no value, `--pid "$MODE"`).
    ///
    /// ## Why is this bad?
    /// The container sees every process on the host with its command line
    /// (and whatever secrets were passed there), and its root can signal
    /// them: stop the host's services, or trace them when it also has
    /// `SYS_PTRACE`. Process isolation between host and container is gone.
    /// CIS Docker Benchmark 5.16.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   exporter:
    ///     image: example/exporter:1.2
    ///     pid: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   exporter:
    ///     image: example/exporter:1.2
    ///     pid: "service:app"
    ///   app:
    ///     image: example/app:3.0
    /// ```
    ///
    /// ## Fix
    /// None: a tool that must see the host's processes belongs on the host;
    /// one that watches a single application can share that container's
    /// namespace instead.
    pub static HOST_PID = {
        code: "DH108",
        name: "host-pid",
        category: Privilege,
        severity: Some(Error),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.16" }],
        fix: None,
        core: false,
        container: check,
    }
}

const PID: Namespace = Namespace {
    key: "pid",
    flag: "--pid",
    ns_file: "pid",
    label: "host PID namespace",
    shares: "PID namespace: the container sees every process on the host, with its command line, and its root can signal them",
    help_compose: "remove `pid: host`; to see one other service's processes, use `pid: \"service:<name>\"`",
    help_command: "remove `--pid=host`; to see one other container's processes, use `--pid=container:<name>`",
};

fn check(cx: &mut ContainerContext<'_>) {
    host_namespace::check(cx, cx.spec.pid.as_ref(), &PID);
}
