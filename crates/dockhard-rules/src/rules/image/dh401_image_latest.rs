use crate::context::{ContainerContext, DockerfileContext};
use crate::declare_rule;
use crate::rule::Source;

use super::{Reference, container_reference, dockerfile_references};

declare_rule! {
    /// ## What it does
    /// Reports an image named without a tag or with the `latest` tag: a
    /// `FROM`, `COPY --from=<image>`, `RUN --mount=from=<image>`, a compose
    /// `image:` and the image of a `docker run`, `create` or
    /// `service create`. One finding per reference.
    ///
    /// Not reported: `scratch` and the stages of the Dockerfile; a reference
    /// pinned by digest (`alpine@sha256:…`, `alpine:latest@sha256:…`: the
    /// digest decides what is pulled); a compose `image:` next to `build:`,
    /// which names the image being built, and an image that another service
    /// or a `docker build -t` of the same file builds (it is not pulled); a
    /// value that is not known (a build argument without a default, an unset
    /// `${IMAGE}`, `"$IMAGE"`). A build argument's default is judged.
    ///
    /// ## Why is this bad?
    /// An untagged image is `latest`, and `latest` is whatever the publisher
    /// pushed last: the next build or pull can bring a new major release, a
    /// broken image or a compromised one, without a change in your files and
    /// without a review. Builds stop being reproducible, and a rollback to
    /// yesterday's file does not bring yesterday's image back.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY --from=ghcr.io/astral-sh/uv:0.9.2 /uv /bin/uv
    /// ```
    ///
    /// ## Fix
    /// None offered: choose the release you test against and name it; pin
    /// its digest too (`python:3.13-slim@sha256:…`, see DH402) for builds
    /// that must not change.
    pub static IMAGE_LATEST = {
        code: "DH401",
        name: "image-latest",
        category: Image,
        severity: Some(Warning),
        inputs: [Dockerfile, Compose, CommandLine],
        sources: [
            Source::Hadolint("DL3006"),
            Source::Hadolint("DL3007"),
            Source::Trivy("DS001"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
        container: check_container,
    }
}

/// What is wrong with a reference's tag, if anything: a message ending, a
/// label and a help.
fn judge(reference: &Reference<'_>) -> Option<(String, &'static str, String)> {
    let name = reference.name();
    if name.digest.is_some() {
        return None;
    }
    let subject = reference.subject();
    let (message, label) = match name.tag.as_deref() {
        None => (
            format!(
                "{subject} has no tag, so it is `latest`: whatever the publisher pushed last, which can change under the same name at the next pull"
            ),
            "no tag",
        ),
        Some("latest") => (
            format!(
                "{subject} uses the `latest` tag: whatever the publisher pushed last, which can change under the same name at the next pull"
            ),
            "`latest`",
        ),
        Some(_) => return None,
    };
    let path = name.full_path();
    let help = format!(
        "name the release you test against, `{path}:<version>`, and pin its digest for builds that must not change (`{path}:<version>@sha256:<digest>`)"
    );
    Some((message, label, help))
}

fn check(cx: &mut DockerfileContext<'_>) {
    let file = cx.file;
    for (span, reference) in dockerfile_references(cx.dockerfile, &file.text) {
        if let Some((message, label, help)) = judge(&reference) {
            cx.report(span, message).label(label).help(help);
        }
    }
}

fn check_container(cx: &mut ContainerContext<'_>) {
    let Some((origin, reference)) = container_reference(cx) else {
        return;
    };
    if let Some((message, label, help)) = judge(&reference) {
        cx.report(origin, message).label(label).help(help);
    }
}
