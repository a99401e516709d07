use dockhard_parser::dockerfile::Base;
use dockhard_parser::spec::Field;

use crate::analysis::{self, UserSource, is_nonroot_image, is_root_user};
use crate::context::{ContainerContext, DockerfileContext};
use crate::declare_rule;
use crate::images::image_user;
use crate::rule::Source;
use crate::settings::Settings;

declare_rule! {
    /// ## What it does
    /// Reports a container that runs as root. In a Dockerfile: the final stage's
    /// effective user is root, because its last `USER` (or that of the stage it is
    /// built `FROM`) is `root`, `0`, `root:<group>` or `0:<gid>`, or because no
    /// stage in its chain sets a `USER` at all. `USER ${VAR}` is judged on the
    /// value the variable has by default; a value only known at build time is
    /// not reported. A final stage built on an image known to run as a
    /// non-root user (Chainguard, Bitnami, distroless `:nonroot`) inherits
    /// that user. In a compose file: `user: root`, `0`, `0:0`; or no `user:`
    /// where the service is built from a Dockerfile of the project whose
    /// final stage (or `build.target`) runs as root, with a label in that
    /// Dockerfile. On a command line: `docker run -u 0`, `--user root:root`
    /// (not `--user 1000:0`, whose user is not root); a `docker run` without
    /// `-u` is not judged (the image's user is not known).
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
    /// non-root by default need no `USER`: dockhard knows the default user
    /// of widely used images (Chainguard, Bitnami, distroless `:nonroot`,
    /// `nginx-unprivileged` ...; `dockhard --version` gives the table's
    /// date). An image that starts as root and switches user in its
    /// entrypoint (`postgres`, `redis`, `mongo`) still runs as root for
    /// anything but its default command: the finding says so.
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
        container: check_container,
    }
}

/// What is known of a base image's default user.
enum BaseUser {
    NonRoot,
    /// Starts as root and switches in its entrypoint (how, as a phrase).
    DropsPrivileges(String),
    RootOrUnknown,
}

/// The default user of a base image, from the image-users table (and the
/// distroless `nonroot` tags, whatever the registry mirror).
fn base_user(settings: &Settings, reference: &str) -> BaseUser {
    if is_nonroot_image(reference) {
        return BaseUser::NonRoot;
    }
    match image_user(settings.data(), reference) {
        Some(u) if u.runs_as_root == Some(false) => BaseUser::NonRoot,
        Some(u) if u.drops_privileges => BaseUser::DropsPrivileges(
            u.how
                .map(|h| format!(" ({})", h.trim_start_matches("entrypoint ")))
                .unwrap_or_default(),
        ),
        _ => BaseUser::RootOrUnknown,
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
            if matches!(root.base, Base::Image { reference: None }) {
                // The base image is a build argument: its default user is unknown.
                return;
            }
            let image = reference.unwrap_or_default();
            let known = base_user(cx.settings(), &image);
            if let BaseUser::NonRoot = known {
                return;
            }
            let through = if root.index == last.index {
                String::new()
            } else {
                " nor in the stages it is built from".to_string()
            };
            let message = match known {
                BaseUser::DropsPrivileges(how) => format!(
                    "no USER in the final stage{through}: the container starts as root; `{image}` switches user in its entrypoint{how}, which covers only its default command and is undone by another entrypoint or command"
                ),
                _ => format!(
                    "no USER in the final stage{through}: the container runs as root, the default user of `{image}`"
                ),
            };
            cx.report(from_span, message)
                .label("final stage")
                .help(HELP);
        }
        _ => {}
    }
}

fn check_container(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    if let Some(field) = &spec.user {
        if let Some(user) = &field.value
            && is_root_user(user)
        {
            let written = if cx.is_command() {
                cx.written(field.origin).to_string()
            } else {
                format!("user: {user}")
            };
            let help = cx.says(
                "set `user:` to an unprivileged UID, e.g. `user: \"10001:10001\"`",
                "run it as an unprivileged UID, e.g. `--user 10001:10001`",
            );
            cx.report(
                field.origin,
                format!("the container runs as root: `{written}`"),
            )
            .label("root")
            .help(help);
        }
        return;
    }
    let Some(build) = &spec.build else { return };
    let Some(path) = &build.dockerfile_path else {
        return;
    };
    let Some(project) = cx.project() else { return };
    let Some(built) = project.dockerfile(path) else {
        return;
    };
    let df = &built.dockerfile;
    let stage = match &build.target {
        Some(Field {
            value: Some(target),
            ..
        }) => {
            let target = target.to_lowercase();
            df.stages
                .iter()
                .find(|s| s.name.as_ref().is_some_and(|n| n.value == target))
        }
        Some(Field { value: None, .. }) => return,
        None => df.final_stage(),
    };
    let Some(stage) = stage else { return };
    let files = cx.files;
    let Some(dockerfile) = files.files.get(built.file).cloned() else {
        return;
    };
    let shown = dockerfile.display_path();
    let stage_name = match &build.target {
        Some(Field { value: Some(t), .. }) => format!("its build target `{t}`"),
        _ => "its final stage".to_string(),
    };
    match analysis::effective_user(df, stage) {
        UserSource::Instruction {
            word,
            value: Some(value),
            ..
        } if is_root_user(&value) => {
            cx.report(
                spec.origin,
                format!(
                    "the container runs as root: no `user:`, and the image built from `{shown}` runs as `{value}` in {stage_name}"
                ),
            )
            .label("no user")
            .related(dockerfile.clone(), word.span, "the image's user is set here")
            .help("add `user:` with an unprivileged UID, or set a non-root `USER` in the Dockerfile stage the service builds");
        }
        UserSource::ImageDefault { root } => {
            let reference = match &root.base {
                Base::Image { reference: Some(r) } => r.clone(),
                Base::Scratch => "scratch".to_string(),
                _ => return,
            };
            if let BaseUser::NonRoot = base_user(cx.settings(), &reference) {
                return;
            }
            let from = df
                .instructions
                .get(stage.from)
                .map(|i| i.head_span(&dockerfile.text))
                .unwrap_or_default();
            cx.report(
                spec.origin,
                format!(
                    "the container runs as root: no `user:`, and the image built from `{shown}` sets no USER in {stage_name}"
                ),
            )
            .label("no user")
            .related(dockerfile.clone(), from, "this stage runs as root")
            .help("add `user:` with an unprivileged UID, or set a non-root `USER` in the Dockerfile stage the service builds");
        }
        _ => {}
    }
}
