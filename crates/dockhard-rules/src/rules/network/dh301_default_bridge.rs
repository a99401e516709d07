use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container on Docker's default bridge network `docker0`:
    /// compose `network_mode: bridge`, `docker run --network bridge`
    /// (or `default`), and a `docker run`/`docker create` without
    /// `--network`. A command whose flags cannot all be read (an expansion
    /// such as `$OPTS` where a flag may stand) is not reported as missing it;
    /// nor are `docker service create` (services join overlay networks) and
    /// podman, whose default network is not `docker0`.
    ///
    /// ## Why is this bad?
    /// Every container started without a network joins `docker0`, where
    /// inter-container communication is on unless the daemon sets
    /// `"icc": false`: each one can reach every port of every other, whoever
    /// started them. A user-defined network with icc off isolates what the
    /// default bridge mixes. CIS Docker Benchmark 5.30 (and 2.2 for the daemon).
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --name api example/api:2.1
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker network create -o com.docker.network.bridge.enable_icc=false api-net
    /// docker run -d --name api --network api-net example/api:2.1
    /// ```
    ///
    /// ## Fix
    /// None offered: create a network for the containers that must talk
    /// (with icc off where they need not), and start each with `--network`.
    pub static DEFAULT_BRIDGE = {
        code: "DH301",
        name: "default-bridge",
        category: Network,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "5.30" },
            Source::Cis { edition: "v1.6.0", control: "2.2" },
        ],
        fix: None,
        core: false,
        commands: [Container],
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    if spec.command().is_some_and(|c| c.tool != "docker") {
        return;
    }
    match &spec.network_mode {
        Some(field) => {
            let Some(mode) = field.value.as_deref() else {
                return;
            };
            let default = mode == "bridge" || (cx.is_command() && mode == "default");
            if default {
                let written = if cx.is_command() {
                    cx.written(field.origin).to_string()
                } else {
                    format!("network_mode: {mode}")
                };
                let help = cx.says(
                    "put the service on a network of the project (remove `network_mode`, or list `networks:`)",
                    "create a network (`docker network create`) and start the container with `--network` on it",
                );
                cx.report(
                    field.origin,
                    format!("`{written}` puts the container on the default bridge `docker0`, where icc is on unless the daemon turns it off"),
                )
                .label("default bridge")
                .help(help);
            }
        }
        None if cx.is_command() && spec.judges_missing() => {
            cx.report(
                spec.origin,
                "no `--network`: the container joins the default bridge `docker0`, where icc is on unless the daemon turns it off",
            )
            .label("command")
            .help("create a network (`docker network create`) and start the container with `--network` on it");
        }
        None => {}
    }
}
