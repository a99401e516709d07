use dockhard_parser::spec::CommandKind;

use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container whose logs are turned off: `logging: {driver:
    /// none}` in a compose service, `--log-driver none` (or
    /// `--log-driver=none`) on a `docker run -d`, `docker create`, `docker
    /// service create` or the podman equivalents. Other drivers, and a driver
    /// that cannot be known (`${LOG_DRIVER}` unset), are not reported;
    /// `${LOG_DRIVER:-none}` is judged on its default.
    ///
    /// A `docker run` without `-d`/`--detach` is not reported: it runs in
    /// the foreground, and the container's output goes to whoever ran the
    /// command (a terminal, a pipe into the next command, the CI job's log,
    /// the systemd unit's journal); `none` only stops Docker from keeping a
    /// copy of its own.
    ///
    /// ## Why is this bad?
    /// With the `none` driver, everything the container writes to stdout and
    /// stderr is thrown away: `docker logs` shows nothing, nothing reaches a
    /// log collector, and after an incident there is no record of what the
    /// container did. CIS Docker Benchmark 2.13 asks for logs to be kept,
    /// centrally.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --log-driver none example/api:2.1
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run -d --log-driver local --log-opt max-size=10m example/api:2.1
    /// ```
    ///
    /// ## Fix
    /// None offered: use a driver that keeps logs (`local`, `json-file` with
    /// `max-size`, `journald`, or a remote driver such as `syslog` or
    /// `fluentd`); to keep logs small, rotate them rather than drop them.
    pub static LOGGING_DISABLED = {
        code: "DH608",
        name: "logging-disabled",
        category: Resources,
        severity: Some(Info),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.13" }],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let Some(field) = &cx.spec.log_driver else {
        return;
    };
    if field.value.as_deref().map(str::trim) != Some("none") {
        return;
    }
    // A `docker run` in the foreground hands the container's output to
    // whoever ran it (a terminal, a pipe, the CI log, the unit's journal):
    // `none` only stops Docker from keeping a copy of its own.
    let foreground = cx
        .spec
        .command()
        .is_some_and(|c| c.kind == CommandKind::Container && c.subcommand.ends_with("run"))
        && cx.spec.detach.as_ref().and_then(|d| d.value) != Some(true);
    if foreground {
        return;
    }
    let written = if cx.is_command() {
        cx.written(field.origin)
    } else {
        "logging: {driver: none}"
    };
    let help = cx.says(
        "use a driver that keeps logs, e.g. `logging: {driver: local}` (or `json-file` with a `max-size` option)",
        "use a driver that keeps logs, e.g. `--log-driver local` (or `json-file` with `--log-opt max-size=10m`)",
    );
    cx.report(
        field.origin,
        format!("`{written}` throws the container's logs away: nothing it writes is kept for an investigation"),
    )
    .label("logging off")
    .help(help);
}
