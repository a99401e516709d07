use dockhard_parser::compose::syntax::go_bool;

use crate::context::ProjectContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a bridge network that lets containers talk to each other: a
    /// compose network (with no driver, or the `bridge` driver) without
    /// `driver_opts: {com.docker.network.bridge.enable_icc: "false"}`, and the
    /// implicit `default` network that compose creates for services without
    /// `networks:` (reported once per project, at the first such service).
    /// `internal: true` does not help: it cuts traffic to the outside only.
    /// Other drivers (overlay, macvlan, ipvlan, host, none) and external
    /// networks are not reported.
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
    /// {com.docker.network.bridge.enable_icc: "false"}}}`.
    pub static ICC_ENABLED = {
        code: "DH300",
        name: "icc-enabled",
        category: Network,
        severity: Some(Warning),
        inputs: [Network, Compose],
        sources: [Source::Seed],
        fix: None,
        core: true,
        project: check,
    }
}

const ICC: &str = "com.docker.network.bridge.enable_icc";

fn check(cx: &mut ProjectContext<'_>) {
    let project = cx.project();
    for net in &project.networks {
        if net
            .external
            .as_ref()
            .is_some_and(|e| e.value != Some(false))
        {
            continue;
        }
        let driver = match &net.driver {
            None => "bridge",
            Some(f) => match f.value.as_deref() {
                Some(d) => d,
                None => continue,
            },
        };
        if driver != "bridge" {
            continue;
        }
        let icc = net.driver_opt(ICC);
        if let Some(field) = icc {
            match field.value.as_deref().map(go_bool) {
                Some(Some(false)) | None => continue,
                Some(Some(true)) => {
                    cx.report(
                        field.origin,
                        format!(
                            "network `{}` explicitly enables inter-container communication",
                            net.name
                        ),
                    )
                    .label("icc on")
                    .help(format!("set `{ICC}: \"false\"`"));
                    continue;
                }
                Some(None) => {}
            }
        }
        if net.implicit {
            let service = net
                .origin
                .span
                .slice(cx.files.file(net.origin).map_or("", |f| f.text.as_str()))
                .to_string();
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
            continue;
        }
        let internal = net.internal.as_ref().is_some_and(|i| i.value == Some(true));
        let note = if internal {
            " (`internal: true` only cuts traffic to the outside; containers still reach each other)"
        } else {
            ""
        };
        cx.report(
            net.origin,
            format!(
                "network `{}` allows inter-container communication{note}",
                net.name
            ),
        )
        .label("icc on")
        .help(format!("add `driver_opts: {{{ICC}: \"false\"}}`"));
    }
}
