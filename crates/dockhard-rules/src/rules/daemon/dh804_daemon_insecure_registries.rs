use super::{flag_written, host_of, is_loopback_host};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports each entry of `insecure-registries` (`--insecure-registry`):
    /// a registry (`registry.example:5000`) or a network (`10.0.0.0/8`) that
    /// dockerd talks to over plain HTTP, or over HTTPS without checking the
    /// certificate. Entries on loopback (`localhost:5000`,
    /// `127.0.0.1:5000`, `127.0.0.0/8`, `::1`) are not reported: dockerd
    /// always treats `127.0.0.0/8` and `::1/128` as insecure, so listing
    /// them changes nothing. An `http://` or `https://` prefix is read as
    /// dockerd reads it (removed); an entry whose value cannot be known is
    /// not judged.
    ///
    /// ## Why is this bad?
    /// Images from an insecure registry are fetched without transport
    /// security: anyone on the network path (or who can answer for the
    /// registry's name) can serve other images than the ones pushed, and
    /// read the credentials sent with `docker login`. A network range makes
    /// every registry in it insecure, including ones set up later.
    /// CIS Docker Benchmark 2.5.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "insecure-registries": ["registry.internal.example:5000"]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "insecure-registries": []
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: give the registry a certificate (from a public CA, or
    /// a private CA trusted through `/etc/docker/certs.d/<host:port>/ca.crt`
    /// on each daemon) and remove the entry.
    pub static DAEMON_INSECURE_REGISTRIES = {
        code: "DH804",
        name: "daemon-insecure-registries",
        category: Daemon,
        severity: Some(Warning),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.5" }],
        fix: None,
        core: false,
        daemon: check,
    }
}

/// What an entry makes insecure, as dockerd reads it; none for entries on
/// loopback (already insecure) and for what dockerd refuses.
enum Entry {
    Registry,
    Network { everything: bool },
}

fn entry(value: &str) -> Option<Entry> {
    let value = value.trim();
    let value = match value.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            rest
        }
        Some(_) => return None,
        None => value,
    };
    if value.is_empty() {
        return None;
    }
    if let Some((ip, bits)) = value.split_once('/') {
        let ip: std::net::IpAddr = ip.parse().ok()?;
        let bits: u8 = bits.parse().ok()?;
        let loopback = match ip {
            std::net::IpAddr::V4(v4) => v4.is_loopback() && bits >= 8,
            std::net::IpAddr::V6(v6) => v6.is_loopback() && bits == 128,
        };
        return (!loopback).then_some(Entry::Network {
            everything: bits == 0,
        });
    }
    (!is_loopback_host(host_of(value))).then_some(Entry::Registry)
}

fn check(cx: &mut DaemonContext<'_>) {
    let help = cx.says(
        "give the registry a trusted certificate (`/etc/docker/certs.d/<host:port>/ca.crt` for a private CA) and remove the entry",
        "give the registry a trusted certificate (`/etc/docker/certs.d/<host:port>/ca.crt` for a private CA) and remove the flag",
    );
    for field in cx.spec.list("insecure-registries") {
        let Some(value) = field.value.as_deref() else {
            continue;
        };
        let Some(kind) = entry(value) else {
            continue;
        };
        let shown = if cx.is_json() {
            value.trim().to_string()
        } else {
            flag_written(cx, field.origin)
        };
        let message = match kind {
            Entry::Registry => format!(
                "`{shown}` makes dockerd pull from this registry without verified TLS: anyone on the network path can swap its images and read the login sent to it"
            ),
            Entry::Network { everything: true } => format!(
                "`{shown}` makes every registry insecure: dockerd pulls without verified TLS from any address, so anyone on the network path can swap images"
            ),
            Entry::Network { everything: false } => format!(
                "`{shown}` makes every registry in this network insecure: dockerd pulls from them without verified TLS, so anyone on the network path can swap their images"
            ),
        };
        cx.report(field.origin, message)
            .label("insecure registry")
            .help(help);
    }
}
