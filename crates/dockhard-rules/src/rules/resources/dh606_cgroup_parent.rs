use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container placed under a cgroup of its own choosing:
    /// `cgroup_parent` in a compose service, `--cgroup-parent` on a `docker
    /// run`/`create` (or podman). An empty value (Docker's default parent)
    /// and a value that cannot be known are not reported.
    ///
    /// ## Why is this bad?
    /// Docker puts containers under its own cgroup, where the host's
    /// administrators set the limits and accounting meant for containers. A
    /// custom parent moves the container under another cgroup, with that
    /// cgroup's limits, which may be looser than intended, or shares them
    /// with whatever else lives there. CIS Docker Benchmark 5.25 asks that
    /// such a use be confirmed.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   batch:
    ///     image: example/batch:7
    ///     cgroup_parent: /custom-batch
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   batch:
    ///     image: example/batch:7
    ///     mem_limit: 2g
    ///     cpus: 2
    /// ```
    ///
    /// ## Fix
    /// None offered: remove the setting and give the container its own
    /// limits, or confirm that the parent is a cgroup the host's
    /// administrators defined for containers and suppress the finding with
    /// that reason.
    pub static CGROUP_PARENT = {
        code: "DH606",
        name: "cgroup-parent",
        category: Resources,
        severity: Some(Info),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.25" }],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let Some(field) = &cx.spec.cgroup_parent else {
        return;
    };
    let Some(parent) = field.value.as_deref().map(str::trim) else {
        return;
    };
    if parent.is_empty() {
        return;
    }
    let written = if cx.is_command() {
        cx.written(field.origin).to_string()
    } else {
        format!("cgroup_parent: {parent}")
    };
    let help = cx.says(
        "remove `cgroup_parent` and set the service's own limits, or confirm the parent is meant for containers",
        "remove `--cgroup-parent` and set the container's own limits, or confirm the parent is meant for containers",
    );
    cx.report(
        field.origin,
        format!("`{written}` runs the container under a cgroup other than Docker's: it gets that cgroup's limits, which may be looser than intended"),
    )
    .label("cgroup parent")
    .help(help);
}
