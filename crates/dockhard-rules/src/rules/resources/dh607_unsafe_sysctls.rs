use dockhard_parser::spec::Field;

use crate::context::ContainerContext;
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `sysctls` entry (map or list form) or a `--sysctl` that is
    /// not isolated per container, so that setting it would set the host's
    /// value: `vm.*`, `kernel.*` and `fs.*` other than the namespaced ones
    /// below, `user.*`, and the `net.*` the kernel keeps host-wide; and a
    /// namespaced one when the container shares that namespace with the
    /// host (`network_mode: host`, `ipc: host`, `uts: host`, `--network
    /// host`...).
    ///
    /// Namespaced, and safe to set for one container:
    ///
    /// - IPC namespace: `kernel.shm*`, `kernel.msg*`, `kernel.sem*`,
    ///   `fs.mqueue.*`;
    /// - UTS namespace: `kernel.domainname`, `kernel.hostname`;
    /// - network namespace: `net.*`, except those the kernel keeps for the
    ///   whole host: `net.core.*` other than `somaxconn`, `xfrm_*`,
    ///   `optmem_max`, `txrehash` and `tstamp_allow_data`;
    ///   `net.ipv4.tcp_mem`, `udp_mem`, `tcp_max_orphans`, `tcp_low_latency`,
    ///   `fib_sync_mem`, `inet_peer_*` and `cipso_*`;
    ///   `net.netfilter.nf_conntrack_max`, `nf_conntrack_buckets`,
    ///   `nf_conntrack_expect_max` and `net.nf_conntrack_max`.
    ///
    /// Each finding points at the entry. Names may be written with `/`
    /// (`net/core/somaxconn`). A name is judged even when its value cannot
    /// be known.
    ///
    /// ## Why is this bad?
    /// A sysctl outside the container's namespaces is a setting of the whole
    /// host. Docker's runtime (runc) refuses such a sysctl, and refuses the
    /// network and IPC ones when the container uses the host's network or
    /// IPC namespace: the container fails to start with "sysctl … is not in
    /// a separate kernel namespace" (or "not allowed in host network
    /// namespace"); the host-wide `net.*` ones fail because the container's
    /// network namespace does not have them. A runtime that applied them
    /// would change the host for every process on it. Either way the service
    /// depends on a host setting it cannot make itself.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   search:
    ///     image: example/search:8
    ///     sysctls:
    ///       vm.max_map_count: 262144
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # vm.max_map_count=262144 is set on the host, in /etc/sysctl.d/
    /// services:
    ///   search:
    ///     image: example/search:8
    ///     sysctls:
    ///       net.core.somaxconn: 1024
    /// ```
    ///
    /// ## Fix
    /// None offered: set a host-wide sysctl on the host (`/etc/sysctl.d/`,
    /// or the provisioning that builds the host) and remove it from the
    /// container; give the container its own namespace for a namespaced one.
    pub static UNSAFE_SYSCTLS = {
        code: "DH607",
        name: "unsafe-sysctls",
        category: Resources,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [],
        fix: None,
        core: false,
        container: check,
    }
}

/// The namespace a sysctl belongs to, if any.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Namespace {
    Ipc,
    Uts,
    Network,
}

/// `net.core.*` sysctls the kernel keeps per network namespace.
const NAMESPACED_NET_CORE: &[&str] = &["somaxconn", "optmem_max", "txrehash", "tstamp_allow_data"];

/// `net.*` sysctls outside `net.core` that the kernel keeps for the whole
/// host (`ipv4_table` in `net/ipv4/sysctl_net_ipv4.c`; conntrack's limits,
/// read-only outside the host's namespace).
const HOST_WIDE_NET: &[&str] = &[
    "net.ipv4.tcp_mem",
    "net.ipv4.udp_mem",
    "net.ipv4.tcp_max_orphans",
    "net.ipv4.tcp_low_latency",
    "net.ipv4.fib_sync_mem",
    "net.netfilter.nf_conntrack_max",
    "net.netfilter.nf_conntrack_buckets",
    "net.netfilter.nf_conntrack_expect_max",
    "net.nf_conntrack_max",
];

const HOST_WIDE_NET_PREFIXES: &[&str] = &["net.ipv4.inet_peer_", "net.ipv4.cipso_"];

fn namespace(name: &str) -> Option<Namespace> {
    if ["kernel.shm", "kernel.msg", "kernel.sem"]
        .iter()
        .any(|p| name.starts_with(p))
        || name.starts_with("fs.mqueue.")
    {
        return Some(Namespace::Ipc);
    }
    if name == "kernel.domainname" || name == "kernel.hostname" {
        return Some(Namespace::Uts);
    }
    if let Some(core) = name.strip_prefix("net.core.") {
        let namespaced = core.starts_with("xfrm_") || NAMESPACED_NET_CORE.contains(&core);
        return namespaced.then_some(Namespace::Network);
    }
    if name.starts_with("net.")
        && !HOST_WIDE_NET.contains(&name)
        && !HOST_WIDE_NET_PREFIXES.iter().any(|p| name.starts_with(p))
    {
        return Some(Namespace::Network);
    }
    None
}

/// The setting that shares a namespace with the host, if the container does.
fn host_namespace<'a>(cx: &ContainerContext<'a>, ns: Namespace) -> Option<&'a Field<String>> {
    let spec = cx.spec;
    let field = match ns {
        Namespace::Network => spec.network_mode.as_ref(),
        Namespace::Ipc => spec.ipc.as_ref(),
        Namespace::Uts => spec.uts.as_ref(),
    }?;
    (field.value.as_deref().map(str::trim) == Some("host")).then_some(field)
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    for (name, field) in &spec.sysctls {
        let name = name.trim().replace('/', ".");
        let what = if cx.is_command() {
            format!("`{}`", cx.written(field.origin))
        } else {
            format!("sysctl `{name}`")
        };
        match namespace(&name) {
            None => {
                let help = cx.says(
                    "set it on the host (a file in `/etc/sysctl.d/`) and remove it from the service",
                    "set it on the host (a file in `/etc/sysctl.d/`) and remove it from the command",
                );
                cx.report(
                    field.origin,
                    format!("{what} is not isolated per container: it is the host's setting, which Docker refuses to set for a container and which would change the whole host"),
                )
                .label("host-wide sysctl")
                .help(help);
            }
            Some(ns) => {
                let Some(shared) = host_namespace(cx, ns) else {
                    continue;
                };
                let setting = if cx.is_command() {
                    cx.written(shared.origin).to_string()
                } else {
                    match ns {
                        Namespace::Network => "network_mode: host",
                        Namespace::Ipc => "ipc: host",
                        Namespace::Uts => "uts: host",
                    }
                    .to_string()
                };
                let files = cx.files;
                cx.report(
                    field.origin,
                    format!("with `{setting}`, {what} is the host's own setting: Docker refuses to set it, and setting it would change the whole host"),
                )
                .label("host's sysctl")
                .related_origin(files, shared.origin, "the host's namespace is shared here")
                .help("remove it (set it on the host if the host needs it), or give the container its own namespace");
            }
        }
    }
}
