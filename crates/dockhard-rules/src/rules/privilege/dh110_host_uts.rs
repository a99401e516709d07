use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::host_namespace::{self, Namespace};

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's UTS namespace: compose `uts: host`,
    /// `--uts=host` or `--uts host` on a `docker`/`podman` `run` or `create`
    /// command line (and in GitHub Actions container `options:`), and podman's
    /// `--uts=ns:/proc/1/ns/uts` (PID 1's namespace: the host's). A mode
    /// that cannot be known is not reported.
    ///
    /// ## Why is this bad?
    /// The container shares the host's hostname and NIS domain name: it sees
    /// them, and a process in it with `SYS_ADMIN` can change them for the
    /// whole host (and for every other container sharing it). CIS Docker
    /// Benchmark 5.21.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:2.0
    ///     uts: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:2.0
    ///     hostname: agent
    /// ```
    ///
    /// ## Fix
    /// None: give the container a name of its own with `hostname:`
    /// (`--hostname`), or pass the host's name in an environment variable.
    pub static HOST_UTS = {
        code: "DH110",
        name: "host-uts",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.21" }],
        fix: None,
        core: false,
        container: check,
    }
}

const UTS: Namespace = Namespace {
    key: "uts",
    flag: "--uts",
    ns_file: "uts",
    label: "host UTS namespace",
    shares: "UTS namespace: the container sees the host's hostname, and a process in it with `SYS_ADMIN` can change it for the whole host",
    help_compose: "remove `uts: host`; name the container with `hostname:`",
    help_command: "remove `--uts=host`; name the container with `--hostname`",
};

fn check(cx: &mut ContainerContext<'_>) {
    host_namespace::check(cx, cx.spec.uts.as_ref(), &UTS);
}
