use super::{is_service, sets_no_limit, written_limit};
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container with neither a CPU limit nor a CPU share: a
    /// compose service with none of `cpus`, `deploy.resources.limits.cpus`,
    /// `cpu_quota` and `cpu_shares`, a `docker run`/`create` (or podman)
    /// with none of `--cpus`, `--cpu-quota` and `--cpu-shares`/`-c`, a
    /// `docker service create` without `--limit-cpu`. Any one of them is
    /// enough. A value that sets nothing (`cpus: 0`, `--cpu-shares 0`, which
    /// is the default weight, `--cpu-quota -1`) is reported where it is
    /// written when no other setting limits the CPU.
    ///
    /// `cpuset`/`--cpuset-cpus` alone is not counted: it chooses which CPUs
    /// the container may run on, not how much of them it may take. A value
    /// that cannot be known is not reported, and neither is a missing limit
    /// on a command whose flags cannot all be read, in the container options
    /// of a GitHub Actions job, or in a Dockerfile `RUN`.
    ///
    /// ## Why is this bad?
    /// A container without a CPU limit or share competes with the host and
    /// every other container on equal terms for all of the host's CPUs: a
    /// busy loop, a crypto miner or a burst of load slows everything else
    /// down. CIS Docker Benchmark 5.12.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:1.3
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:1.3
    ///     cpus: 1.5
    /// ```
    ///
    /// ## Fix
    /// None offered: give the container a share of the CPUs it needs
    /// (`cpus: 1.5`, `--cpus 1.5`), or a relative weight (`cpu_shares: 512`).
    pub static CPU_LIMIT = {
        code: "DH602",
        name: "cpu-limit",
        category: Resources,
        severity: Some(Info),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.12" }],
        fix: None,
        core: false,
        container: check,
    }
}

const WHY: &str = "the container can take every CPU of the host";

fn help(cx: &ContainerContext<'_>) -> &'static str {
    if is_service(cx) {
        "add `--limit-cpu` with the CPUs the service needs (e.g. `--limit-cpu 1.5`)"
    } else {
        cx.says(
            "set `cpus` to the CPUs the service needs (e.g. `cpus: 1.5`), or give it a relative weight with `cpu_shares`",
            "add `--cpus` with the CPUs the container needs (e.g. `--cpus 1.5`), or a relative weight with `--cpu-shares`",
        )
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let help = help(cx);
    match &spec.limits.cpus {
        Some(limit) if sets_no_limit(limit) => {
            let written = written_limit(cx, limit);
            cx.report(
                limit.field.origin,
                format!("`{written}` sets no CPU limit: {WHY}"),
            )
            .label("no limit")
            .help(help);
        }
        Some(_) => {}
        None if spec.judges_missing() => {
            let missing = if is_service(cx) {
                "`--limit-cpu`"
            } else {
                cx.says(
                    "`cpus`, `cpu_shares`, `cpu_quota` or `deploy.resources.limits.cpus`",
                    "`--cpus`, `--cpu-shares` or `--cpu-quota`",
                )
            };
            let label = cx.owner_label();
            cx.report(
                spec.origin,
                format!("no CPU limit or share ({missing}): {WHY}"),
            )
            .label(label)
            .help(help);
        }
        None => {}
    }
}
