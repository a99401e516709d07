use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::ports::{flag_text, is_service, ports_discarded, range, short};

declare_rule! {
    /// ## What it does
    /// Reports a port published on every interface of the host: a compose
    /// `ports:` entry or a `-p`/`--publish` with no host address, or with a
    /// wildcard one (`0.0.0.0`, `::`, `::ffff:0.0.0.0`), in the short syntax
    /// (`"8080:80"`, `"80"` on a random host port, ranges, `"[::]:80:80"`)
    /// and the long one (`published`/`target` without `host_ip`); also
    /// `-P`/`--publish-all`, and `docker service create --publish`, whose
    /// ports listen on every node of the swarm. Ports bound to one address
    /// (`127.0.0.1:8080:80`, `[::1]:80:80`, `10.0.0.5:80:80`), `expose:` and
    /// `--expose` (not published), values that cannot be known, and the
    /// ports of a container on the `host` or `none` network or another
    /// container's (Docker discards them) are not reported.
    ///
    /// ## Why is this bad?
    /// A port published without an address listens on every interface: the
    /// public one as well as the private network or the loopback it was
    /// meant for. Docker opens it in its own iptables chains, ahead of the
    /// host's firewall (ufw, firewalld rules do not apply), so a database or
    /// an admin page published for local use is reachable from anywhere the
    /// host is. CIS Docker Benchmark 5.14.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     ports: ["5432:5432"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     ports: ["127.0.0.1:5432:5432"]
    /// ```
    ///
    /// ## Fix
    /// None offered: which address the port should listen on (loopback, a
    /// private interface) is a choice only the author can make. Where it
    /// must be public, suppress the finding with a reason.
    pub static PORTS_ALL_INTERFACES = {
        code: "DH303",
        name: "ports-all-interfaces",
        category: Network,
        severity: Some(Info),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.14" }],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    if ports_discarded(spec) {
        return;
    }
    let service = is_service(spec);
    for field in &spec.ports {
        let Some(port) = &field.value else { continue };
        if !port.binds_all_interfaces() {
            continue;
        }
        let written = if cx.is_command() {
            flag_text(cx.written(field.origin))
        } else {
            short(port, port.host_ip.as_deref())
        };
        let on = match port.published {
            Some(_) => "is published on all the host's interfaces",
            None => "is published on a random host port, on all the host's interfaces",
        };
        let publishes = match port.published {
            Some(p) if p.start == p.end => format!("host port {}", p.start),
            Some(p) => format!("host ports {}", range(p)),
            None => format!(
                "container port {} on a random host port",
                range(port.target)
            ),
        };
        let (message, help) = if service {
            (
                format!("`{written}` publishes the port on every interface of every node of the swarm"),
                "publish only what must be reachable from outside the swarm; services reach each other over an overlay network without published ports".to_string(),
            )
        } else if cx.is_command() {
            (
                format!(
                    "`{written}` publishes {publishes} on all the host's interfaces, reachable from every network the host is on"
                ),
                format!(
                    "bind it to the address that needs it: `-p {}`",
                    short(port, Some("127.0.0.1"))
                ),
            )
        } else {
            (
                format!("port `{written}` {on}, reachable from every network the host is on"),
                format!(
                    "bind it to the address that needs it: `\"{}\"` (long syntax: `host_ip: 127.0.0.1`)",
                    short(port, Some("127.0.0.1"))
                ),
            )
        };
        cx.report(field.origin, message)
            .label("all interfaces")
            .help(help);
    }
    if let Some(field) = &spec.publish_all
        && field.value == Some(true)
    {
        let written = flag_text(cx.written(field.origin));
        cx.report(
            field.origin,
            format!(
                "`{written}` publishes every exposed port on a random host port on all the host's interfaces"
            ),
        )
        .label("all interfaces")
        .help("publish only the ports that must be reachable, bound to the address that needs them: `-p 127.0.0.1:8080:80`");
    }
}
