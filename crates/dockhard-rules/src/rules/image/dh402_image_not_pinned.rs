use crate::context::{ContainerContext, DockerfileContext};
use crate::declare_rule;
use crate::rule::Source;

use super::{Reference, container_reference, dockerfile_references};

declare_rule! {
    /// ## What it does
    /// Reports an image not pinned by digest (`@sha256:…`): a `FROM`,
    /// `COPY --from=<image>`, `RUN --mount=from=<image>`, a compose `image:`
    /// and the image of a `docker run`, `create` or `service create`. Off by
    /// default: select it (`--select DH402`) where every image must be
    /// pinned.
    ///
    /// Not reported, as for DH401: `scratch` and the stages of the
    /// Dockerfile, a compose `image:` next to `build:` (the image being
    /// built), an image that another service or a `docker build -t` of the
    /// same file builds, and a value that is not known (a build argument
    /// without a default, an unset `${IMAGE}`, `"$IMAGE"`).
    ///
    /// ## Why is this bad?
    /// A tag is a name the publisher can move: `python:3.13-slim` is rebuilt
    /// every few weeks, and a compromised registry account can point any tag
    /// at any content. Only a digest names the exact bytes that were
    /// reviewed and tested, so that every build and every host runs the same
    /// image (CIS Docker Benchmark 5.28 asks to pull images by digest).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.29-alpine
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.29-alpine@sha256:42a516af16b852e33b7682d5ef8acbd5d13fe08fecadc7ed98605ba5e3b26ab8
    /// ```
    ///
    /// ## Fix
    /// None offered: the digest must come from the registry
    /// (`docker buildx imagetools inspect nginx:1.29-alpine`). Keep the tag
    /// beside it for readers, and let a bot (Renovate, Dependabot) update
    /// both.
    pub static IMAGE_NOT_PINNED = {
        code: "DH402",
        name: "image-not-pinned",
        category: Image,
        severity: None,
        inputs: [Dockerfile, Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.28" }],
        fix: None,
        core: false,
        dockerfile: check,
        container: check_container,
    }
}

/// The message and help for a reference without a digest.
fn judge(reference: &Reference<'_>) -> Option<(String, String)> {
    let name = reference.name();
    if name.digest.is_some() {
        return None;
    }
    let message = format!(
        "{} is not pinned by digest: its tag can be moved to other content, so what is pulled can change without a change here",
        reference.subject()
    );
    let tagged = format!(
        "{}:{}",
        name.full_path(),
        name.tag.as_deref().unwrap_or("<version>")
    );
    let help = format!(
        "pin the digest you tested, `{tagged}@sha256:<digest>` (`docker buildx imagetools inspect {tagged}` prints it), and let a bot update it"
    );
    Some((message, help))
}

fn check(cx: &mut DockerfileContext<'_>) {
    let file = cx.file;
    for (span, reference) in dockerfile_references(cx.dockerfile, &file.text) {
        if let Some((message, help)) = judge(&reference) {
            cx.report(span, message).label("no digest").help(help);
        }
    }
}

fn check_container(cx: &mut ContainerContext<'_>) {
    let Some((origin, reference)) = container_reference(cx) else {
        return;
    };
    if let Some((message, help)) = judge(&reference) {
        cx.report(origin, message).label("no digest").help(help);
    }
}
