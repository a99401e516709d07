use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a privileged container: `privileged: true` in a compose
    /// service (booleans written as strings, `"true"` or `yes`, included),
    /// `--privileged` on a `docker run`/`create` command line (not
    /// `--privileged=false`), and `docker exec --privileged`, which runs the
    /// command with every capability (CIS Docker Benchmark 5.23).
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
        commands: [Container, Service, Exec],
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
    let exec = cx
        .spec
        .command()
        .is_some_and(|c| c.kind == dockhard_parser::spec::CommandKind::Exec);
    if exec {
        cx.report(
            field.origin,
            "`exec --privileged` runs the command with every capability and no confinement",
        )
        .label("privileged")
        .help("remove `--privileged`; run the command with the container's own privileges");
        return;
    }
    let help = cx.says(
        "remove `privileged`; grant only the capability (`cap_add`) or device (`devices`) the container needs",
        "remove `--privileged`; grant only the capability (`--cap-add`) or device (`--device`) the container needs",
    );
    cx.report(
        field.origin,
        "the container is privileged: every capability, every host device, no confinement",
    )
    .label("privileged")
    .help(help);
}
