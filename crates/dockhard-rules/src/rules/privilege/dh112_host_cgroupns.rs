use crate::context::ContainerContext;
use crate::declare_rule;

use super::host_namespace::{self, Namespace};

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's cgroup namespace: compose
    /// `cgroup: host`, `--cgroupns=host` or `--cgroupns host` on a
    /// `docker`/`podman` `run` or `create` command line (and in GitHub
    /// Actions container `options:`), and podman's
    /// `--cgroupns=ns:/proc/1/ns/cgroup` (PID 1's namespace: the host's).
    /// `private` is not reported, nor is a mode that cannot be known.
    ///
    /// ## Why is this bad?
    /// The container sees the host's whole cgroup hierarchy instead of its
    /// own subtree: every service's and container's cgroup, with its path
    /// and limits, an inventory of the host. A container that can also write
    /// cgroups (privileged, or with `SYS_ADMIN`) can then change other
    /// containers' limits. Docker makes the namespace private by default on
    /// cgroup v2 hosts; writing `host` undoes that.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ci-runner:
    ///     image: example/runner:5
    ///     cgroup: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ci-runner:
    ///     image: example/runner:5
    ///     cgroup: private
    /// ```
    ///
    /// ## Fix
    /// None: use `cgroup: private` (`--cgroupns=private`); a tool that
    /// monitors the host's cgroups belongs on the host.
    pub static HOST_CGROUPNS = {
        code: "DH112",
        name: "host-cgroupns",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [],
        fix: None,
        core: false,
        container: check,
    }
}

const CGROUPNS: Namespace = Namespace {
    key: "cgroup",
    flag: "--cgroupns",
    ns_file: "cgroup",
    label: "host cgroup namespace",
    shares: "cgroup namespace: the container sees the host's whole cgroup hierarchy, every other container's cgroups included",
    help_compose: "use `cgroup: private` (the default on cgroup v2 hosts)",
    help_command: "use `--cgroupns=private` (the default on cgroup v2 hosts)",
};

fn check(cx: &mut ContainerContext<'_>) {
    host_namespace::check(cx, cx.spec.cgroup.as_ref(), &CGROUPNS);
}
