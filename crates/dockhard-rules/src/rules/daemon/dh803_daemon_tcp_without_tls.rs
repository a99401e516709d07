use dockhard_parser::daemon::DaemonSpec;

use super::{Setting, bool_setting, flag_written, host_of, is_loopback_host, text_setting};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that serves its API on a TCP address without
    /// verifying clients by TLS: a `hosts` entry (`-H`, `--host`) that is
    /// `tcp://` (also `tcp://` with no host, which dockerd binds to
    /// `localhost:2375`, and an address without a scheme such as
    /// `0.0.0.0:2375`, which dockerd reads as TCP) while TLS is off, or on
    /// without client verification (`"tlsverify": false`). It points at the
    /// TCP address; an address on loopback (`localhost`, `127.0.0.1`, `::1`)
    /// is a warning, any other an error. `unix://`, `fd://` and `npipe://`
    /// are not reported.
    ///
    /// As dockerd reads them (moby `daemon/command`): `"tlsverify": true`
    /// (`--tlsverify`) verifies clients, and so does `"tls": true` (`--tls`)
    /// alone, because dockerd defaults verification to the `tls` value;
    /// `"tlsverify": false` turns TLS on but accepts any client. With
    /// verification on, the certificate settings (`tlscacert`, `tlscert`,
    /// `tlskey`) not given (or empty) are a warning: dockerd then reads `ca.pem`,
    /// `cert.pem` and `key.pem` from `$DOCKER_CERT_PATH` or the `~/.docker`
    /// of the user it runs as (and does not start without them), so the CA
    /// it trusts is whatever that client directory holds. TLS settings in
    /// another file of the repository (a `daemon.json` beside the `dockerd`
    /// line of `docker.service`) count. A command line whose flags cannot all
    /// be read (`$DOCKER_OPTS`) is reported only when TLS is turned off in
    /// writing (`--tls=false`, `--tlsverify=false`); a setting whose value
    /// cannot be known is not judged.
    ///
    /// Docker's deprecation notice announced that dockerd would refuse
    /// unauthenticated TCP from v27.0 on; the code (v26 to v29) still
    /// starts: it logs warnings and, for an address that is not loopback
    /// when neither `--tls` nor `--tlsverify` is written, delays startup by
    /// 15 seconds, then listens. `--tls=false` written explicitly skips the
    /// delay. Either way the API is served without authentication.
    ///
    /// ## Why is this bad?
    /// The Docker API is root on the host: whoever can reach it can start a
    /// privileged container with the host's filesystem mounted. Over TCP
    /// without client certificates there is no authentication at all:
    /// anyone on the network (or, for a loopback address, any local user,
    /// any container on the host network, and a web page through DNS
    /// rebinding) controls the daemon. Exposed port 2375 is one of the most
    /// scanned-for services on the internet, used to plant cryptominers.
    /// CIS Docker Benchmark 2.7.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
    ///   "tlsverify": true,
    ///   "tlscacert": "/etc/docker/tls/ca.pem",
    ///   "tlscert": "/etc/docker/tls/server-cert.pem",
    ///   "tlskey": "/etc/docker/tls/server-key.pem"
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: certificates have to be made. Serve the API on the
    /// unix socket only and reach a remote daemon over SSH
    /// (`DOCKER_HOST=ssh://user@host`), or create a CA, a server and client
    /// certificates and set `tlsverify` with `tlscacert`, `tlscert` and
    /// `tlskey` (port 2376 by convention).
    pub static DAEMON_TCP_WITHOUT_TLS = {
        code: "DH803",
        name: "daemon-tcp-without-tls",
        category: Daemon,
        severity: Some(Error),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.7" }],
        fix: None,
        core: false,
        daemon: check,
        satisfied: satisfied,
    }
}

/// What TLS the daemon serves its TCP addresses with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tls {
    /// Clients must present a certificate signed by the CA.
    Verified,
    /// `tlsverify: false`: encrypted, but any client is accepted.
    Unverified,
    Off,
    Unknown,
}

fn tls(spec: &DaemonSpec) -> Tls {
    match (bool_setting(spec, "tlsverify"), bool_setting(spec, "tls")) {
        (Setting::Unknown, _) | (Setting::Unset, Setting::Unknown) => Tls::Unknown,
        (Setting::Known(true, _), _) => Tls::Verified,
        // Any `tlsverify` turns TLS on.
        (Setting::Known(false, _), _) => Tls::Unverified,
        // Verification defaults to the `tls` value.
        (Setting::Unset, Setting::Known(true, _)) => Tls::Verified,
        (Setting::Unset, Setting::Known(false, _) | Setting::Unset) => Tls::Off,
    }
}

fn satisfied(spec: &DaemonSpec) -> bool {
    tls(spec) == Tls::Verified
}

/// The address of a TCP host (`tcp://ADDR`, or an address without a
/// scheme, which dockerd reads as TCP); none for other protocols and for
/// what dockerd refuses (a path).
fn tcp_address(host: &str) -> Option<&str> {
    let host = host.trim();
    if host.is_empty() {
        return None;
    }
    let address = match host.split_once("://") {
        Some(("tcp", address)) => address,
        Some(_) => return None,
        None => host,
    };
    (!address.contains('/')).then_some(address)
}

const HELP_JSON: &str = "set `\"tlsverify\": true` with `tlscacert`, `tlscert` and `tlskey`, or serve the API on `unix://` only and reach it over SSH";
const HELP_FLAGS: &str = "add `--tlsverify --tlscacert=ca.pem --tlscert=server-cert.pem --tlskey=server-key.pem`, or serve the API on `unix://` only and reach it over SSH";

fn check(cx: &mut DaemonContext<'_>) {
    let spec = cx.spec;
    let tls = tls(spec);
    if tls == Tls::Unknown {
        return;
    }
    let hosts: Vec<_> = spec
        .list("hosts")
        .into_iter()
        .filter_map(|f| Some((tcp_address(f.value.as_deref()?)?, f.origin)))
        .collect();
    let tls_written_off = matches!(bool_setting(spec, "tls"), Setting::Known(false, _));
    let help = cx.says(HELP_JSON, HELP_FLAGS);
    for &(address, origin) in &hosts {
        // The address as written: the item of `hosts`, or the flag.
        let shown = if cx.is_json() {
            cx.written(origin).trim_matches('"').to_string()
        } else {
            flag_written(cx, origin)
        };
        let loopback = {
            let host = host_of(address);
            host.is_empty() || is_loopback_host(host)
        };
        let (rated, who) = if loopback {
            (
                Severity::Warning,
                "any local user or process (a container on the host network, a web page through DNS rebinding) controls the daemon, and so the host, as root",
            )
        } else {
            (
                Severity::Error,
                "anyone who reaches the port controls the daemon, and so the host, as root",
            )
        };
        let message = match tls {
            // Flags that cannot be read could turn TLS on, unless it is
            // turned off in writing.
            Tls::Off if spec.judges_missing() || tls_written_off => {
                format!("`{shown}` serves the Docker API over TCP without TLS: {who}")
            }
            Tls::Unverified => format!(
                "`{shown}` serves the Docker API with TLS but accepts any client (`tlsverify` is false): {who}"
            ),
            _ => continue,
        };
        cx.report_rated(origin, rated, message)
            .label(if tls == Tls::Off {
                "no TLS"
            } else {
                "clients not verified"
            })
            .help(help)
            .satisfiable();
    }
    // Verification on: the certificates it uses.
    let Some(&(_, origin)) = hosts.first() else {
        return;
    };
    if tls != Tls::Verified || !spec.judges_missing() {
        return;
    }
    let missing: Vec<String> = ["tlscacert", "tlscert", "tlskey"]
        .into_iter()
        // An empty path is no path: dockerd fills it with the default.
        .filter(|key| match text_setting(spec, key) {
            Setting::Unset => true,
            Setting::Known(path, _) => path.trim().is_empty(),
            Setting::Unknown => false,
        })
        .map(|key| {
            if cx.is_json() {
                format!("`{key}`")
            } else {
                format!("`--{key}`")
            }
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    let help = cx.says(
        "set `tlscacert`, `tlscert` and `tlskey` to the daemon's own CA, certificate and key",
        "add `--tlscacert`, `--tlscert` and `--tlskey` with the daemon's own CA, certificate and key",
    );
    cx.report_rated(
        origin,
        Severity::Warning,
        format!(
            "clients are verified by TLS, but {} not given: dockerd takes them from `$DOCKER_CERT_PATH` or the `~/.docker` of the user it runs as, so the CA it trusts is whatever that client directory holds",
            list(&missing)
        ),
    )
    .label("certificates not given")
    .help(help);
}

/// `a`, `a and b`, `a, b and c`, with the verb.
fn list(items: &[String]) -> String {
    match items {
        [one] => format!("{one} is"),
        [init @ .., last] => format!("{} and {last} are", init.join(", ")),
        [] => String::new(),
    }
}
