//! What the port rules (DH303, DH304) share: whether a container's ports
//! are published at all, and how a port reads in the short syntax.

use dockhard_parser::spec::{CommandKind, ContainerSpec, Port, PortRange};

/// Docker discards published ports when the container has no network of
/// its own: `host`, `none`, or another container's (`container:x`,
/// compose `service:x`).
pub(crate) fn ports_discarded(spec: &ContainerSpec) -> bool {
    spec.network_mode
        .as_ref()
        .and_then(|f| f.value.as_deref())
        .is_some_and(|mode| {
            matches!(mode, "host" | "none")
                || mode.starts_with("container:")
                || mode.starts_with("service:")
        })
}

/// A `docker service create`: its ports are published on every node of the
/// swarm, and take no host address.
pub(crate) fn is_service(spec: &ContainerSpec) -> bool {
    spec.command()
        .is_some_and(|c| c.kind == CommandKind::Service)
}

/// A flag as written, with its dash when it sits in a cluster (`-dp 80:80`
/// is written `p 80:80` at the flag's own place).
pub(crate) fn flag_text(written: &str) -> String {
    if written.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("-{written}")
    } else {
        written.to_string()
    }
}

pub(crate) fn range(r: PortRange) -> String {
    if r.start == r.end {
        r.start.to_string()
    } else {
        format!("{}-{}", r.start, r.end)
    }
}

/// The port in compose's short syntax: `[::]:80:80`, `8080:80/udp`, `80`.
pub(crate) fn short(port: &Port, host_ip: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(ip) = host_ip {
        if ip.contains(':') {
            out.push_str(&format!("[{ip}]:"));
        } else {
            out.push_str(&format!("{ip}:"));
        }
    }
    match port.published {
        Some(p) => out.push_str(&format!("{}:", range(p))),
        None if host_ip.is_some() => out.push(':'),
        None => {}
    }
    out.push_str(&range(port.target));
    if port.protocol != "tcp" {
        out.push('/');
        out.push_str(&port.protocol);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(text: &str) -> Port {
        dockhard_parser::values::port(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn short_syntax() {
        for (text, written) in [
            ("8080:80", "8080:80"),
            ("80", "80"),
            ("[::]:80:80", "[::]:80:80"),
            (
                "0.0.0.0:8000-8010:8000-8010/udp",
                "0.0.0.0:8000-8010:8000-8010/udp",
            ),
            ("127.0.0.1::80", "127.0.0.1::80"),
        ] {
            let p = port(text);
            assert_eq!(short(&p, p.host_ip.as_deref()), written, "{text}");
        }
        assert_eq!(
            short(&port("8080:80"), Some("127.0.0.1")),
            "127.0.0.1:8080:80"
        );
    }
}
