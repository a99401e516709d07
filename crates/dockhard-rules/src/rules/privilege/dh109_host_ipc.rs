use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::host_namespace::{self, Namespace};

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's IPC namespace: compose `ipc: host`,
    /// `--ipc=host` or `--ipc host` on a `docker`/`podman` `run` or `create`
    /// command line (and in GitHub Actions container `options:`), and podman's
    /// `--ipc=ns:/proc/1/ns/ipc` (PID 1's namespace: the host's). The other
    /// modes (`private`, `shareable`, `none`, `service:<name>`,
    /// `container:<name>`) are not reported, nor is a mode that cannot be
    /// known.
    ///
    /// ## Why is this bad?
    /// The container shares the host's System V shared memory, semaphores
    /// and message queues, and the host's `/dev/shm`: it can read and
    /// corrupt what host processes exchange there (databases and browsers
    /// keep data in shared memory). CIS Docker Benchmark 5.17.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:4.0
    ///     ipc: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   broker:
    ///     image: example/broker:4.0
    ///     ipc: shareable
    ///   worker:
    ///     image: example/worker:4.0
    ///     ipc: "service:broker"
    /// ```
    ///
    /// ## Fix
    /// None: containers that must share memory can share it with each
    /// other (`ipc: shareable` on one, `ipc: "service:<name>"` on the
    /// others); a larger `/dev/shm` is `shm_size`.
    pub static HOST_IPC = {
        code: "DH109",
        name: "host-ipc",
        category: Privilege,
        severity: Some(Error),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.17" }],
        fix: None,
        core: false,
        container: check,
    }
}

const IPC: Namespace = Namespace {
    key: "ipc",
    flag: "--ipc",
    ns_file: "ipc",
    label: "host IPC namespace",
    shares: "IPC namespace: the container can read and write the host's shared memory (`/dev/shm`), semaphores and message queues",
    help_compose: "remove `ipc: host`; to share memory with another service, give that one `ipc: shareable` and this one `ipc: \"service:<name>\"` (for a larger `/dev/shm`, `shm_size`)",
    help_command: "remove `--ipc=host`; to share memory with another container, start that one with `--ipc=shareable` and this one with `--ipc=container:<name>` (for a larger `/dev/shm`, `--shm-size`)",
};

fn check(cx: &mut ContainerContext<'_>) {
    host_namespace::check(cx, cx.spec.ipc.as_ref(), &IPC);
}
