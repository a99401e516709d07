use dockhard_parser::dockerfile::{Instruction, Kind};

use crate::context::{ContainerContext, DockerfileContext};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a build step that runs without the build sandbox:
    /// `RUN --security=insecure` in a Dockerfile, compose `build.privileged`
    /// and the `security.insecure` entitlement, and
    /// `docker build`/`docker buildx build --allow security.insecure`.
    ///
    /// ## Why is this bad?
    /// An insecure `RUN` is a privileged container on the build host: all
    /// capabilities, no seccomp or AppArmor profile, host devices. Whoever can
    /// change the Dockerfile (or a base image's ONBUILD) owns the builder and
    /// whatever secrets and caches it holds.
    ///
    /// ## Example
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1-labs
    /// FROM alpine:3.20
    /// RUN --security=insecure mount -t tmpfs none /mnt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// RUN --mount=type=tmpfs,target=/mnt ls /mnt
    /// ```
    ///
    /// ## Fix
    /// In a Dockerfile, removes the `--security=insecure` flag (unsafe: the step may need the
    /// privileges; find a sandboxed way such as a `--mount` instead).
    pub static INSECURE_BUILD = {
        code: "DH700",
        name: "insecure-build",
        category: Build,
        severity: Some(Error),
        inputs: [Dockerfile, Compose, CommandLine],
        sources: [Source::Other("BuildKit entitlement security.insecure")],
        fix: Sometimes,
        core: true,
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
    for flag in instruction.flags_named("security") {
        if flag
            .value_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("insecure"))
        {
            let removal = super::flag_removal(cx.source(), flag.span);
            cx.report(flag.span, "RUN --security=insecure runs this step without the build sandbox")
                .label("insecure")
                .help("remove the flag; give the step what it needs with `RUN --mount=...` instead of full privileges")
                .fix(Fix {
                    message: "remove `--security=insecure`".to_string(),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit::deletion(removal)],
                });
        }
    }
}

fn check_container(cx: &mut ContainerContext<'_>) {
    let Some(build) = &cx.spec.build else { return };
    if let Some(field) = &build.privileged
        && field.value == Some(true)
    {
        cx.report(
            field.origin,
            "`build.privileged: true` runs the build without the sandbox",
        )
        .label("privileged build")
        .help("remove it; give build steps what they need with `RUN --mount=...`");
    }
    for e in &build.entitlements {
        if e.value.as_deref() == Some("security.insecure") {
            let (what, help) = if cx.is_command() {
                (
                    format!("`{}`", cx.written(e.origin)),
                    "remove `security.insecure` from `--allow`",
                )
            } else {
                (
                    "the `security.insecure` entitlement".to_string(),
                    "remove the entitlement",
                )
            };
            cx.report(
                e.origin,
                format!("{what} lets build steps run without the sandbox"),
            )
            .label("insecure")
            .help(help);
        }
    }
}
