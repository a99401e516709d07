use super::{is_service, sets_no_limit, written_limit};
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container without a memory limit: a compose service with
    /// neither `mem_limit` nor `deploy.resources.limits.memory`, a `docker
    /// run`/`create` (or podman) without `-m`/`--memory`, a `docker service
    /// create` without `--limit-memory`. A limit of `0` (`mem_limit: 0`,
    /// `-m 0`) is Docker's way of saying "no limit": it is reported where it
    /// is written. Where both compose keys are written, the one compose
    /// applies is judged (`deploy.resources.limits.memory`, unless it is
    /// `0`).
    ///
    /// A value that cannot be known (`${MEM}` unset) is not reported;
    /// `${MEM:-512m}` is judged on its default. A command whose flags cannot
    /// all be read (`$OPTS` where a flag may stand), the container options of
    /// a GitHub Actions job and a `docker run` inside a Dockerfile `RUN` are
    /// not reported as missing a limit.
    ///
    /// ## Why is this bad?
    /// A container without a memory limit can take all of the host's memory:
    /// a leak, a burst of load or an attacker's allocations starve every
    /// other container and the host's own services, and the kernel's OOM
    /// killer then picks its victims across the host. CIS Docker Benchmark
    /// 5.11.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     mem_limit: 512m
    /// ```
    ///
    /// ## Fix
    /// None offered: measure what the container uses under load and set a
    /// limit above it (`mem_limit`, `deploy.resources.limits.memory`,
    /// `--memory`, `--limit-memory`).
    pub static MEMORY_LIMIT = {
        code: "DH600",
        name: "memory-limit",
        category: Resources,
        severity: Some(Info),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.11" }],
        fix: None,
        core: false,
        container: check,
    }
}

const WHY: &str = "the container can take all of the host's memory";

fn help(cx: &ContainerContext<'_>) -> &'static str {
    if is_service(cx) {
        "add `--limit-memory` with a size above what the service uses under load (e.g. `--limit-memory 512m`)"
    } else {
        cx.says(
            "set `mem_limit` (or `deploy.resources.limits.memory`) to a size above what the service uses under load, e.g. `mem_limit: 512m`",
            "add `--memory` with a size above what the container uses under load (e.g. `--memory 512m`)",
        )
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let help = help(cx);
    match &spec.limits.memory {
        Some(limit) if sets_no_limit(limit) => {
            let written = written_limit(cx, limit);
            cx.report(
                limit.field.origin,
                format!("`{written}` sets no memory limit: {WHY}"),
            )
            .label("no limit")
            .help(help);
        }
        Some(_) => {}
        None if spec.judges_missing() => {
            let missing = if is_service(cx) {
                "`--limit-memory`"
            } else {
                cx.says(
                    "`mem_limit` or `deploy.resources.limits.memory`",
                    "`--memory`",
                )
            };
            let label = cx.owner_label();
            cx.report(spec.origin, format!("no memory limit ({missing}): {WHY}"))
                .label(label)
                .help(help);
        }
        None => {}
    }
}
