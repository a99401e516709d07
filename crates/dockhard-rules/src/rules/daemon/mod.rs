//! The daemon's settings (`daemon.json`, `dockerd` flags): CIS Docker
//! Benchmark section 2.

pub mod dh800_daemon_icc;
pub mod dh801_daemon_no_new_privileges;
pub mod dh802_daemon_userns_remap;
pub mod dh803_daemon_tcp_without_tls;
pub mod dh804_daemon_insecure_registries;
pub mod dh805_daemon_live_restore;
pub mod dh806_daemon_userland_proxy;
pub mod dh807_daemon_seccomp_unconfined;
pub mod dh808_daemon_iptables_disabled;
pub mod dh809_daemon_logging;
pub mod dh810_daemon_experimental;
pub mod dh811_daemon_default_bind;

use std::net::IpAddr;

use dockhard_parser::daemon::{DaemonSpec, DaemonValue};
use dockhard_parser::spec::Origin;

use crate::context::DaemonContext;

/// A setting's last value, as the rules judge it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Setting<T> {
    /// Not written: dockerd's default applies.
    Unset,
    /// Written, but what it holds cannot be known (`--icc=$ICC`, a JSON
    /// `null`): never judged.
    Unknown,
    /// The value, and where it is written.
    Known(T, Origin),
}

pub(crate) fn bool_setting(spec: &DaemonSpec, key: &str) -> Setting<bool> {
    let Some(setting) = spec.get(key) else {
        return Setting::Unset;
    };
    match &setting.value {
        DaemonValue::Bool(field) => match field.value {
            Some(v) => Setting::Known(v, field.origin),
            None => Setting::Unknown,
        },
        _ => Setting::Unknown,
    }
}

pub(crate) fn text_setting<'a>(spec: &'a DaemonSpec, key: &str) -> Setting<&'a str> {
    let Some(setting) = spec.get(key) else {
        return Setting::Unset;
    };
    match &setting.value {
        DaemonValue::Text(field) => match field.value.as_deref() {
            Some(v) => Setting::Known(v, field.origin),
            None => Setting::Unknown,
        },
        _ => Setting::Unknown,
    }
}

/// How a message quotes a setting: `"icc": true` in a `daemon.json`, the
/// flag as written (`--icc=true`, `-H tcp://0.0.0.0:2375`) on a command
/// line. `origin` is the value's (a command line's covers the flag too).
pub(crate) fn quoted(cx: &DaemonContext<'_>, key: &str, origin: Origin) -> String {
    if cx.is_json() {
        format!("\"{key}\": {}", cx.written(origin))
    } else {
        flag_written(cx, origin)
    }
}

/// A flag and its value as written on a command line; a shorthand from a
/// cluster (the `l` of `-Dl debug`) gets its dash back.
pub(crate) fn flag_written(cx: &DaemonContext<'_>, origin: Origin) -> String {
    let written = cx.written(origin);
    if written.starts_with('-') {
        written.to_string()
    } else {
        format!("-{written}")
    }
}

/// `bridge: none` (`-b none`): dockerd creates no default bridge, so the
/// settings of the default bridge (`icc`, `ip`) have nothing to apply to.
pub(crate) fn no_default_bridge(spec: &DaemonSpec) -> bool {
    matches!(text_setting(spec, "bridge"), Setting::Known(b, _) if b.trim() == "none")
}

/// An address that means every interface (`0.0.0.0`, `::`,
/// `::ffff:0.0.0.0`).
pub(crate) fn is_wildcard(ip: &str) -> bool {
    match ip.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_unspecified(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_unspecified() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_unspecified())
        }
        Err(_) => false,
    }
}

/// A host that is this machine only: `localhost`, `127.0.0.0/8`, `::1`
/// (and `::ffff:127.x`).
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// The host of `host`, `host:port`, `[v6]:port` or `[v6]`.
pub(crate) fn host_of(address: &str) -> &str {
    let address = address.trim();
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match address.split_once(':') {
        // A bare IPv6 address (several colons) has no port to strip.
        Some((host, port)) if !port.contains(':') => host,
        _ => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(is_wildcard("0.0.0.0") && is_wildcard("::") && is_wildcard("::ffff:0.0.0.0"));
        assert!(!is_wildcard("127.0.0.1") && !is_wildcard("10.0.0.1") && !is_wildcard("x"));
        assert!(is_loopback_host("127.0.0.2") && is_loopback_host("LOCALHOST"));
        assert!(is_loopback_host("::1") && !is_loopback_host("10.0.0.1"));
        assert_eq!(host_of("registry.local:5000"), "registry.local");
        assert_eq!(host_of("[::1]:5000"), "::1");
        assert_eq!(host_of("::1"), "::1");
        assert_eq!(host_of(":2375"), "");
        assert_eq!(host_of("localhost"), "localhost");
    }
}
