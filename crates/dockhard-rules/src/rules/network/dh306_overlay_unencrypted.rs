use crate::context::NetworkContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports an overlay network whose traffic is not encrypted: a compose
    /// network with `driver: overlay` and no `encrypted` driver option, and
    /// a `docker network create -d overlay` without `-o encrypted`. The
    /// option's presence is what counts (Docker encrypts whatever its value,
    /// `""` included). Other drivers, a driver that cannot be known and
    /// external networks are not reported.
    ///
    /// ## Why is this bad?
    /// An overlay network carries the traffic between containers on
    /// different swarm nodes across the network that joins the nodes, in
    /// VXLAN packets that anyone on the path can read and forge. The
    /// `encrypted` option makes the nodes use IPsec between them. The cost
    /// is some throughput, and Windows nodes cannot join such a network.
    /// CIS Docker Benchmark 7.3.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     networks: [backend]
    /// networks:
    ///   backend:
    ///     driver: overlay
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     networks: [backend]
    /// networks:
    ///   backend:
    ///     driver: overlay
    ///     driver_opts:
    ///       encrypted: ""
    /// ```
    ///
    /// ## Fix
    /// None offered: add `driver_opts: {encrypted: ""}` to the network, or
    /// create it with `docker network create -d overlay --opt encrypted NAME`
    /// (an existing network must be removed and created again).
    pub static OVERLAY_UNENCRYPTED = {
        code: "DH306",
        name: "overlay-unencrypted",
        category: Network,
        severity: Some(Info),
        inputs: [Network],
        sources: [Source::Cis { edition: "v1.6.0", control: "7.3" }],
        fix: None,
        core: false,
        network: check,
    }
}

fn check(cx: &mut NetworkContext<'_>) {
    let net = cx.network;
    if net
        .external
        .as_ref()
        .is_some_and(|e| e.value != Some(false))
    {
        return;
    }
    let Some(driver) = &net.driver else { return };
    if driver.value.as_deref() != Some("overlay") {
        return;
    }
    if net.driver_opt("encrypted").is_some() || !net.source.judges_missing() {
        return;
    }
    let command = cx.is_command();
    let help = if command {
        "add `--opt encrypted` to encrypt the traffic between nodes with IPsec"
    } else {
        "add `driver_opts: {encrypted: \"\"}` to encrypt the traffic between nodes with IPsec"
    };
    let files = cx.files;
    let driver_origin = driver.origin;
    let builder = cx
        .report(
            net.origin,
            format!(
                "overlay network `{}` is not encrypted: traffic between swarm nodes crosses their network in clear text",
                net.name
            ),
        )
        .label("unencrypted overlay")
        .help(help);
    if !command {
        drop(builder.related_origin(files, driver_origin, "overlay driver"));
    }
}
