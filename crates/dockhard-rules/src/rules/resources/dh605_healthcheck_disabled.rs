use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container whose healthcheck is turned off: compose
    /// `healthcheck: {disable: true}` or `healthcheck: {test: ["NONE"]}`,
    /// `--no-healthcheck` on a `docker run`/`create`/`service create` (not
    /// `--no-healthcheck=false`), and podman's `--health-cmd none`. It
    /// disables the `HEALTHCHECK` the image may define.
    ///
    /// `disable: false` and a service without a `healthcheck:` are not
    /// reported (the image's own check, if any, applies; a Dockerfile without
    /// one is DH410). A string `test: NONE` is not a disable either: compose
    /// runs a string as a shell command (`CMD-SHELL NONE`), a check that
    /// always fails.
    ///
    /// ## Why is this bad?
    /// Without a healthcheck, Docker cannot tell a running container from a
    /// working one: a hung or broken service stays "up", is not restarted or
    /// taken out of a swarm's routing, and `depends_on: {condition:
    /// service_healthy}` cannot wait for it. CIS Docker Benchmark 5.27.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     healthcheck:
    ///       disable: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     healthcheck:
    ///       test: ["CMD", "/app/healthcheck"]
    ///       interval: 30s
    /// ```
    ///
    /// ## Fix
    /// None offered: remove the setting to keep the image's healthcheck, or
    /// write one that exercises the service (`healthcheck.test`,
    /// `--health-cmd`).
    pub static HEALTHCHECK_DISABLED = {
        code: "DH605",
        name: "healthcheck-disabled",
        category: Resources,
        severity: Some(Info),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.27" }],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let Some(field) = &cx.spec.healthcheck_disabled else {
        return;
    };
    if field.value != Some(true) {
        return;
    }
    let text = cx.written(field.origin);
    let written = if cx.is_command() {
        text.to_string()
    } else if text.to_ascii_uppercase().contains("NONE") {
        // The `test` list (`["NONE"]`, or its `- NONE` item).
        "healthcheck: {test: [\"NONE\"]}".to_string()
    } else {
        "healthcheck: {disable: true}".to_string()
    };
    let help = cx.says(
        "remove it to keep the image's `HEALTHCHECK`, or set `healthcheck.test` to a command that checks the service",
        "remove it to keep the image's `HEALTHCHECK`, or give `--health-cmd` a command that checks the container",
    );
    cx.report(
        field.origin,
        format!("`{written}` turns the healthcheck off: Docker cannot tell a hung container from a working one"),
    )
    .label("healthcheck disabled")
    .help(help);
}
