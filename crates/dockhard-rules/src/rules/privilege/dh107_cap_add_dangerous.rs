use crate::context::ContainerContext;
use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports `cap_add` (`--cap-add`) of a dangerous capability. `ALL` and `SYS_ADMIN` are
    /// errors (they are most of root); `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`,
    /// `DAC_READ_SEARCH`, `DAC_OVERRIDE`, `NET_ADMIN`, `BPF`, `PERFMON`,
    /// `SYS_BOOT`, `MAC_ADMIN`, `MAC_OVERRIDE`, `SYSLOG`, `SYS_TIME`, `NET_RAW`,
    /// `SYS_RESOURCE`, `LINUX_IMMUTABLE` and `CHECKPOINT_RESTORE` are warnings.
    /// Names match in any case, with or without `CAP_`. Capabilities listed in
    /// the `allowed-capabilities` setting are not reported.
    ///
    /// ## Why is this bad?
    /// Each of these lets a process in the container act on the host: load
    /// kernel modules, read any file, trace other processes, reconfigure the
    /// network, change the clock. Adding one undoes part of the isolation the
    /// container was meant to give. CIS Docker Benchmark 5.4.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: example/monitor:3
    ///     cap_add: [SYS_ADMIN]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: example/monitor:3
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## Fix
    /// None: find the operation that needs the capability and give the
    /// container that alone, or move it out of the container.
    pub static CAP_ADD_DANGEROUS = {
        code: "DH107",
        name: "cap-add-dangerous",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "5.4" },
            Source::Other("CIS community C.5.3.x"),
        ],
        fix: None,
        core: true,
        container: check,
    }
}

/// Dangerous capabilities, their tier, and what they give.
const DANGEROUS: &[(&str, Severity, &str)] = &[
    (
        "ALL",
        Severity::Error,
        "every capability, as a privileged container",
    ),
    (
        "SYS_ADMIN",
        Severity::Error,
        "most of root: mount, namespaces, BPF, device control",
    ),
    (
        "SYS_MODULE",
        Severity::Warning,
        "the power to load kernel modules into the host kernel",
    ),
    (
        "SYS_PTRACE",
        Severity::Warning,
        "the power to trace and inject into other processes",
    ),
    (
        "SYS_RAWIO",
        Severity::Warning,
        "raw I/O on devices and ports",
    ),
    (
        "DAC_READ_SEARCH",
        Severity::Warning,
        "the power to read any file, bypassing permissions (the shocker escape)",
    ),
    (
        "DAC_OVERRIDE",
        Severity::Warning,
        "the power to write any file, bypassing permissions",
    ),
    (
        "NET_ADMIN",
        Severity::Warning,
        "the power to reconfigure interfaces, routes and firewall rules",
    ),
    (
        "BPF",
        Severity::Warning,
        "the power to load BPF programs into the kernel",
    ),
    (
        "PERFMON",
        Severity::Warning,
        "kernel performance monitoring, a source of leaks",
    ),
    (
        "SYS_BOOT",
        Severity::Warning,
        "the power to reboot the host",
    ),
    (
        "MAC_ADMIN",
        Severity::Warning,
        "the power to change the mandatory access control policy",
    ),
    (
        "MAC_OVERRIDE",
        Severity::Warning,
        "the power to bypass mandatory access control",
    ),
    (
        "SYSLOG",
        Severity::Warning,
        "the power to read and clear the kernel log",
    ),
    (
        "SYS_TIME",
        Severity::Warning,
        "the power to set the host's clock",
    ),
    (
        "NET_RAW",
        Severity::Warning,
        "raw sockets: spoofing and sniffing on the bridge",
    ),
    (
        "SYS_RESOURCE",
        Severity::Warning,
        "the power to override resource limits",
    ),
    (
        "LINUX_IMMUTABLE",
        Severity::Warning,
        "the power to change immutable and append-only file flags",
    ),
    (
        "CHECKPOINT_RESTORE",
        Severity::Warning,
        "the power to checkpoint and restore other processes",
    ),
];

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    for field in &spec.cap_add {
        let Some(cap) = &field.value else { continue };
        let Some(&(name, tier, gives)) = DANGEROUS.iter().find(|(n, _, _)| *n == cap.0) else {
            continue;
        };
        if cx
            .settings()
            .allowed_capabilities
            .iter()
            .any(|a| dockhard_parser::compose::syntax::capability(a) == *cap)
        {
            continue;
        }
        let what = if cx.is_command() {
            format!("`{}`", cx.written(field.origin))
        } else {
            format!("`cap_add: {name}`")
        };
        cx.report_rated(field.origin, tier, format!("{what} gives the container {gives}"))
            .label(name)
            .help("drop it, or grant a narrower capability; if it is needed, add it to `allowed-capabilities`");
    }
}
