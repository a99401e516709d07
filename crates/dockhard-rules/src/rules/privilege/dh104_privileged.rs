use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a privileged container: `privileged: true` in a compose
    /// service (booleans written as strings, `"true"` or `yes`, included).
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device, and
    /// no seccomp, AppArmor or SELinux confinement: root in it is root on the
    /// host, one `mount` away. CIS Docker Benchmark 5.5.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.4
    ///     privileged: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.4
    ///     cap_add: [NET_ADMIN]
    ///     devices: ["/dev/net/tun"]
    /// ```
    ///
    /// ## Fix
    /// None: find which capability or device the container needs and grant
    /// that alone (`cap_add`, `devices`).
    pub static PRIVILEGED = {
        code: "DH104",
        name: "privileged",
        category: Privilege,
        severity: Some(Error),
        inputs: [Compose, CommandLine],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "5.5" },
            Source::Other("KICS (privileged containers in compose)"),
        ],
        fix: None,
        core: true,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let Some(field) = &cx.spec.privileged else {
        return;
    };
    if field.value != Some(true) {
        return;
    }
    cx.report(field.origin, "the container is privileged: every capability, every host device, no confinement")
        .label("privileged")
        .help("remove `privileged`; grant only the capability (`cap_add`) or device (`devices`) the container needs");
}
