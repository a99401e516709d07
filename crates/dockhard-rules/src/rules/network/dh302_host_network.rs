use dockhard_parser::spec::CommandKind;

use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container on the host's network stack: compose
    /// `network_mode: host`, and `--network host` / `--net=host` on a
    /// `docker run`/`create` command line (podman too) or a
    /// `docker service create`. Other modes are not reported: `none`,
    /// `bridge`, `container:NAME`, `service:NAME`, and networks that are
    /// merely named like it (`hostnet`).
    ///
    /// ## Why is this bad?
    /// With the host's network namespace the container sees every host
    /// interface, can bind any host port, reach every service that listens
    /// on the host's `localhost` only (the Docker API on TCP, databases,
    /// cloud metadata proxies), and sniff traffic with `NET_RAW`. Published
    /// ports and network isolation no longer apply. CIS Docker Benchmark 5.10.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     network_mode: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports: ["127.0.0.1:8080:80"]
    /// ```
    ///
    /// ## Fix
    /// None offered: remove the host network and publish the ports the
    /// container serves (`ports:`, `-p`), bound to the address that needs
    /// them.
    pub static HOST_NETWORK = {
        code: "DH302",
        name: "host-network",
        category: Network,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.10" }],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    // A command line may repeat `--network`; compose has one `network_mode`.
    let fields: Vec<_> = if cx.is_command() {
        spec.networks.iter().collect()
    } else {
        spec.network_mode.iter().collect()
    };
    for field in fields {
        if field.value.as_deref() != Some("host") {
            continue;
        }
        let written = if cx.is_command() {
            cx.written(field.origin).to_string()
        } else {
            "network_mode: host".to_string()
        };
        let service = spec
            .command()
            .is_some_and(|c| c.kind == CommandKind::Service);
        let help = if service {
            "remove the host network; attach the service to an overlay network and publish only the ports it serves (`--publish`)"
        } else {
            cx.says(
                "remove `network_mode: host`; publish the ports the service serves with `ports:`, bound to the address that needs them",
                "remove the host network; publish the ports the container serves with `-p`, bound to the address that needs them (`-p 127.0.0.1:8080:80`)",
            )
        };
        cx.report(
            field.origin,
            format!(
                "`{written}` shares the host's network stack: the container can bind any host port and reach services listening on the host's localhost"
            ),
        )
        .label("host network")
        .help(help);
    }
}
