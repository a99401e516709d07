use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::ports::{flag_text, ports_discarded, range, short};

declare_rule! {
    /// ## What it does
    /// Reports a port published on a privileged host port, below 1024
    /// (`"80:8080"`, `-p 443:8443`, `published: 80`, `--publish
    /// published=80,target=80`), on any address, loopback included; a range
    /// counts when it starts below 1024. The container's own port does not
    /// matter (`"8080:80"` is not reported), nor do `expose:`, a random host
    /// port (`"80"`, `-p 80`), values that cannot be known, and the ports of
    /// a container on the `host` or `none` network or another container's
    /// (Docker discards them).
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are the ones only root may bind on a host, so
    /// clients and firewall rules trust them as the host's own services
    /// (SSH, DNS, HTTP). Docker binds them for any container, for anyone who
    /// may start one: a container can take the place of a host service, or
    /// shadow one that is down. CIS Docker Benchmark 5.8.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -p 80:8080 example/web:3.2
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run -d -p 8080:8080 example/web:3.2
    /// ```
    ///
    /// ## Fix
    /// None offered: publish on a port above 1023 and let a reverse proxy or
    /// load balancer that belongs to the host own ports 80 and 443.
    pub static PRIVILEGED_HOST_PORT = {
        code: "DH304",
        name: "privileged-host-port",
        category: Network,
        severity: Some(Info),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.8" }],
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
    for field in &spec.ports {
        let Some(port) = &field.value else { continue };
        let Some(published) = port.published else {
            continue;
        };
        // Host port 0 asks Docker for a random port.
        if published.start >= 1024 || (published.start == 0 && published.end == 0) {
            continue;
        }
        let host = range(published);
        let which = if published.start == published.end {
            format!("host port {host} is a privileged port (below 1024)")
        } else {
            format!("host ports {host} start among the privileged ports (below 1024)")
        };
        let written = if cx.is_command() {
            format!("`{}`", flag_text(cx.written(field.origin)))
        } else {
            format!("port `{}`", short(port, port.host_ip.as_deref()))
        };
        let suggestion = (published.start == published.end && published.start < 1000).then(|| {
            let mut high = port.clone();
            let p = 8000 + published.start;
            high.published = Some(dockhard_parser::spec::PortRange { start: p, end: p });
            short(&high, high.host_ip.as_deref())
        });
        let help = match (suggestion, cx.is_command()) {
            (Some(s), true) => format!(
                "publish on a port above 1023 (`-p {s}`) and let a proxy or load balancer of the host own the privileged port"
            ),
            (Some(s), false) => format!(
                "publish on a port above 1023 (`\"{s}\"`) and let a proxy or load balancer of the host own the privileged port"
            ),
            (None, _) => "publish on ports above 1023 and let a proxy or load balancer of the host own the privileged ports".to_string(),
        };
        cx.report(
            field.origin,
            format!(
                "{written}: {which}, which the host's clients trust to be the host's own services"
            ),
        )
        .label("privileged port")
        .help(help);
    }
}
