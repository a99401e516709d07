use dockhard_parser::dockerfile::{Instruction, Kind};

use crate::context::{ContainerContext, DockerfileContext};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a build step on the host's network: `RUN --network=host` in a
    /// Dockerfile, compose `build.network: host` and the `network.host`
    /// entitlement, and `docker build --network host` or
    /// `docker buildx build --allow network.host`.
    ///
    /// ## Why is this bad?
    /// The step shares the build host's network namespace: it can reach
    /// services bound to the host's loopback (metadata endpoints, databases,
    /// the Docker API on a TCP port) and listen on the host's interfaces.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN --network=host pip install -r requirements.txt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// In a Dockerfile, removes the `--network=host` flag (unsafe: the step may rely on a host
    /// service; publish what it needs instead).
    pub static BUILD_HOST_NETWORK = {
        code: "DH701",
        name: "build-host-network",
        category: Build,
        severity: Some(Warning),
        inputs: [Dockerfile, Compose, CommandLine],
        sources: [Source::Other("BuildKit entitlement network.host")],
        fix: Sometimes,
        core: false,
        commands: [Build],
        dockerfile: check,
        container: check_container,
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    for instruction in &cx.dockerfile.instructions {
        check_instruction(cx, instruction);
    }
}

fn check_instruction(cx: &mut DockerfileContext<'_>, instruction: &Instruction) {
    if let Kind::Onbuild(inner) = &instruction.kind {
        check_instruction(cx, inner);
        return;
    }
    if !matches!(instruction.kind, Kind::Run(_)) {
        return;
    }
    for flag in instruction.flags_named("network") {
        if flag
            .value_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("host"))
        {
            let removal = super::flag_removal(cx.source(), flag.span);
            cx.report(
                flag.span,
                "RUN --network=host gives this step the build host's network",
            )
            .label("host network")
            .help("remove the flag; the default network is enough to download dependencies")
            .fix(Fix {
                message: "remove `--network=host`".to_string(),
                applicability: Applicability::Unsafe,
                edits: vec![Edit::deletion(removal)],
            });
        }
    }
}

fn check_container(cx: &mut ContainerContext<'_>) {
    let Some(build) = &cx.spec.build else { return };
    if let Some(field) = &build.network
        && field
            .value
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("host"))
    {
        let what = if cx.is_command() {
            format!("`{}`", cx.written(field.origin))
        } else {
            "`build.network: host`".to_string()
        };
        cx.report(
            field.origin,
            format!("{what} gives build steps the host's network"),
        )
        .label("host network")
        .help("remove it; the default build network is enough to download dependencies");
    }
    for e in &build.entitlements {
        if e.value.as_deref() == Some("network.host") {
            let (what, help) = if cx.is_command() {
                (
                    format!("`{}`", cx.written(e.origin)),
                    "remove `network.host` from `--allow`",
                )
            } else {
                (
                    "the `network.host` entitlement".to_string(),
                    "remove the entitlement",
                )
            };
            cx.report(
                e.origin,
                format!("{what} lets build steps use the host's network"),
            )
            .label("host network")
            .help(help);
        }
    }
}
