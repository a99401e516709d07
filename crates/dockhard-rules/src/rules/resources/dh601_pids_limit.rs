use super::{is_service, sets_no_limit, written_limit};
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container without a PIDs limit: a compose service with
    /// neither `pids_limit` nor `deploy.resources.limits.pids`, a `docker
    /// run`/`create` without `--pids-limit`, a `docker service create`
    /// without `--limit-pids`. `-1` and `0` mean "unlimited" to Docker and
    /// podman (`pids_limit: -1`, `--pids-limit 0`): they are reported where
    /// they are written. Where both compose keys are written, the one compose
    /// applies is judged (`deploy.resources.limits.pids` when it is above
    /// `0`, else `pids_limit`).
    ///
    /// A podman command without `--pids-limit` is not reported: podman
    /// applies a default limit (`pids_limit = 2048` in `containers.conf`).
    /// A value that cannot be known is not reported, and neither is a
    /// missing limit on a command whose flags cannot all be read, in the
    /// container options of a GitHub Actions job, or in a Dockerfile `RUN`.
    ///
    /// ## Why is this bad?
    /// The number of processes is a host-wide resource. Without a limit, a
    /// fork bomb or a runaway worker pool in one container fills the host's
    /// process table, and nothing else on the host (sshd included) can start
    /// a process. CIS Docker Benchmark 5.29.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --name worker --memory 512m example/worker:1.3
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run -d --name worker --memory 512m --pids-limit 200 example/worker:1.3
    /// ```
    ///
    /// ## Fix
    /// None offered: set a limit above the number of processes and threads
    /// the container runs at its busiest (`pids_limit: 200`,
    /// `--pids-limit 200`).
    pub static PIDS_LIMIT = {
        code: "DH601",
        name: "pids-limit",
        category: Resources,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.29" }],
        fix: None,
        core: false,
        container: check,
    }
}

const WHY: &str = "a fork bomb in the container can fill the host's process table";

fn help(cx: &ContainerContext<'_>) -> &'static str {
    if is_service(cx) {
        "add `--limit-pids` above the processes and threads the service runs at its busiest (e.g. `--limit-pids 200`)"
    } else {
        cx.says(
            "set `pids_limit` above the processes and threads the service runs at its busiest, e.g. `pids_limit: 200`",
            "add `--pids-limit` above the processes and threads the container runs at its busiest (e.g. `--pids-limit 200`)",
        )
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let help = help(cx);
    match &spec.limits.pids {
        Some(limit) if sets_no_limit(limit) => {
            let written = written_limit(cx, limit);
            cx.report(
                limit.field.origin,
                format!("`{written}` means no PIDs limit: {WHY}"),
            )
            .label("unlimited")
            .help(help);
        }
        Some(_) => {}
        None if spec.judges_missing() => {
            // Podman limits a container to 2048 PIDs unless told otherwise.
            if spec.command().is_some_and(|c| c.tool == "podman") {
                return;
            }
            let missing = if is_service(cx) {
                "`--limit-pids`"
            } else {
                cx.says(
                    "`pids_limit` or `deploy.resources.limits.pids`",
                    "`--pids-limit`",
                )
            };
            let label = cx.owner_label();
            cx.report(spec.origin, format!("no PIDs limit ({missing}): {WHY}"))
                .label(label)
                .help(help);
        }
        None => {}
    }
}
