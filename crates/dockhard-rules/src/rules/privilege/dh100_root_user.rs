use dockhard_parser::dockerfile::Base;

use crate::analysis::{self, UserSource, is_nonroot_image, is_root_user};
use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container that runs as root. In a Dockerfile: the final stage's
    /// effective user is root, because its last `USER` (or that of the stage it is
    /// built `FROM`) is `root`, `0`, `root:<group>` or `0:<gid>`, or because no
    /// stage in its chain sets a `USER` at all. `USER ${VAR}` is judged on the
    /// value the variable has by default; a value only known at build time is
    /// not reported.
    ///
    /// ## Why is this bad?
    /// Root in a container is root on the host's kernel. A process that escapes
    /// (a kernel or runtime bug, a mounted socket, an added capability) does so
    /// with full privileges; most images need none. CIS Docker Benchmark 4.1.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// USER node
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Fix
    /// None: the right user depends on the image. Create one
    /// (`RUN useradd --system --uid 10001 app`) or use one the base image has,
    /// and switch to it with `USER` in the final stage. Images that run as
    /// non-root by default (distroless `:nonroot` tags) need no `USER`.
    pub static ROOT_USER = {
        code: "DH100",
        name: "root-user",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Dockerfile, Compose, CommandLine],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.1" },
            Source::Hadolint("DL3002"),
            Source::Trivy("DS002"),
            Source::Checkov("CKV_DOCKER_3"),
            Source::Checkov("CKV_DOCKER_8"),
        ],
        fix: None,
        core: true,
        dockerfile: check,
    }
}

const HELP: &str = "create an unprivileged user (e.g. `RUN useradd --system --uid 10001 app`) \
                    and add `USER app` (or `USER 10001`) to the final stage";

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let Some(last) = df.final_stage() else { return };
    let Some(final_from) = df.instructions.get(last.from) else {
        return;
    };
    let from_span = final_from.head_span(cx.source());
    match analysis::effective_user(df, last) {
        UserSource::Instruction {
            stage,
            word,
            value: Some(value),
            ..
        } if is_root_user(&value) => {
            let written = word.value.as_str();
            let how = if written == value {
                format!("`USER {written}`")
            } else {
                format!("`USER {written}`, which is `{value}`")
            };
            let inherited = stage.index != last.index;
            let report = cx
                .report(word.span, format!("the container runs as root: {how}"))
                .label("root")
                .help(HELP);
            if inherited {
                report.secondary(from_span, "the final stage inherits this user");
            }
        }
        UserSource::ImageDefault { root } => {
            let reference = match &root.base {
                Base::Image { reference } => reference.clone(),
                Base::Scratch => Some("scratch".to_string()),
                Base::Stage(_) => None,
            };
            if reference.as_deref().is_some_and(is_nonroot_image) {
                return;
            }
            if matches!(root.base, Base::Image { reference: None }) {
                // The base image is a build argument: its default user is unknown.
                return;
            }
            let through = if root.index == last.index {
                String::new()
            } else {
                " nor in the stages it is built from".to_string()
            };
            let image = reference.unwrap_or_default();
            cx.report(
                from_span,
                format!(
                    "no USER in the final stage{through}: the container runs as root, the default user of `{image}`"
                ),
            )
            .label("final stage")
            .help(HELP);
        }
        _ => {}
    }
}
