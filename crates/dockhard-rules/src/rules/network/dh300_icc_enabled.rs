use dockhard_parser::compose::syntax::go_bool;

use crate::context::NetworkContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a bridge network that lets containers talk to each other: a
    /// compose network (with no driver, or the `bridge` driver) without
    /// `driver_opts: {com.docker.network.bridge.enable_icc: "false"}`, the
    /// implicit `default` network that compose creates for services without
    /// `networks:` (reported once per project, at the first such service),
    /// and a `docker network create` without
    /// `-o com.docker.network.bridge.enable_icc=false`. `internal: true`
    /// (`--internal`) does not help: it cuts traffic to the outside only.
    /// Other drivers (overlay, macvlan, ipvlan, host, none) and external
    /// networks are not reported; nor is `podman network create`, whose
    /// networks have no such option.
    ///
    /// ## Why is this bad?
    /// With inter-container communication on, every container on the network
    /// can reach every port of every other one, so one compromised service
    /// can attack the database, the cache and the admin interfaces directly.
    /// Turning icc off leaves only the traffic you publish or link.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     networks: [front]
    /// networks:
    ///   front: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     networks: [front]
    /// networks:
    ///   front:
    ///     driver_opts:
    ///       com.docker.network.bridge.enable_icc: "false"
    /// ```
    ///
    /// ## Fix
    /// None offered: set the driver option on each network; for services on
    /// the implicit network, declare `networks: {default: {driver_opts:
    /// {com.docker.network.bridge.enable_icc: "false"}}}`; on the command
    /// line, `docker network create -o com.docker.network.bridge.enable_icc=false NAME`.
    pub static ICC_ENABLED = {
        code: "DH300",
        name: "icc-enabled",
        category: Network,
        severity: Some(Warning),
        inputs: [Network, Compose, CommandLine],
        sources: [Source::Seed],
        fix: None,
        core: true,
        network: check,
    }
}

const ICC: &str = "com.docker.network.bridge.enable_icc";

fn check(cx: &mut NetworkContext<'_>) {
    let net = cx.network;
    let command = cx.is_command();
    if net
        .external
        .as_ref()
        .is_some_and(|e| e.value != Some(false))
    {
        return;
    }
    let driver = match &net.driver {
        None => "bridge",
        Some(f) => match f.value.as_deref() {
            Some(d) => d,
            None => return,
        },
    };
    if driver != "bridge" {
        return;
    }
    let help_set = if command {
        format!("add `-o {ICC}=false`")
    } else {
        format!("add `driver_opts: {{{ICC}: \"false\"}}`")
    };
    if let Some(field) = net.driver_opt(ICC) {
        match field.value.as_deref().map(go_bool) {
            Some(Some(false)) | None => return,
            Some(Some(true)) => {
                cx.report(
                    field.origin,
                    format!(
                        "network `{}` explicitly enables inter-container communication",
                        net.name
                    ),
                )
                .label("icc on")
                .help(if command {
                    format!("set `-o {ICC}=false`")
                } else {
                    format!("set `{ICC}: \"false\"`")
                });
                return;
            }
            Some(None) => {}
        }
    }
    if !net.source.judges_missing() {
        return;
    }
    if net.implicit {
        let service = cx.text_at(net.origin).to_string();
        cx.report(
            net.origin,
            format!(
                "service `{service}` is on the project's implicit `default` network, where every container can reach every other"
            ),
        )
        .label("on the default network")
        .help(format!(
            "declare the default network with icc off: `networks: {{default: {{driver_opts: {{{ICC}: \"false\"}}}}}}`"
        ));
        return;
    }
    let internal = net.internal.as_ref().is_some_and(|i| i.value == Some(true));
    let note = match (internal, command) {
        (true, true) => {
            " (`--internal` only cuts traffic to the outside; containers still reach each other)"
        }
        (true, false) => {
            " (`internal: true` only cuts traffic to the outside; containers still reach each other)"
        }
        _ => "",
    };
    cx.report(
        net.origin,
        format!(
            "network `{}` allows inter-container communication{note}",
            net.name
        ),
    )
    .label("icc on")
    .help(help_set);
}
