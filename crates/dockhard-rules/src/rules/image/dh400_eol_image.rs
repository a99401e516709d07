use dockhard_parser::Span;
use dockhard_parser::spec::Origin;

use crate::context::{ContainerContext, DockerfileContext};
use crate::data::Date;
use crate::declare_rule;
use crate::eol::{Lifecycle, product_name};
use crate::images::{ImageUseKind, dockerfile_images};
use crate::rule::Source;
use crate::settings::Settings;

declare_rule! {
    /// ## What it does
    /// Reports an image whose release is past its end of life: a `FROM`,
    /// `COPY --from=<image>`, `RUN --mount=from=<image>`, a compose `image:`
    /// (not one next to `build:`, which names the image being built) or the
    /// image of a `docker run`. The tag is read the way official images
    /// encode releases, so one reference can name several: `python:3.8-slim-buster`
    /// is Python 3.8 on Debian 10, `node:16-alpine3.16` Node.js 16 on Alpine
    /// 3.16. One finding per reference names every release past its end of
    /// life and the earliest date, and says so when extended (LTS or paid)
    /// support still runs. Moving tags (`python:3`, `node:lts`, `latest`),
    /// images and tags the tables do not know, and references that depend on
    /// a build argument without a default are not reported.
    ///
    /// Judged against today, or the date given by `--as-of` (or `as-of` in
    /// `dockhard.toml`). The tables come from endoflife.date and the official
    /// images' tag history; `dockhard --version` gives their date and
    /// `--eol-data DIR` reads newer ones.
    ///
    /// ## Why is this bad?
    /// A release past its end of life gets no security fixes: every flaw
    /// found since, in the distribution's packages, the language runtime or
    /// the database, stays in the image, including the ones that let a
    /// process escape its container or take over its host.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.8-slim-buster
    /// USER nobody
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim-trixie
    /// USER nobody
    /// ```
    ///
    /// ## Fix
    /// None offered: move to a supported release, test, and pin it; the help
    /// names the newest supported release of each product.
    pub static EOL_IMAGE = {
        code: "DH400",
        name: "eol-image",
        category: Image,
        severity: Some(Warning),
        inputs: [Dockerfile, Compose, CommandLine],
        sources: [Source::Seed, Source::Other("endoflife.date")],
        fix: None,
        core: true,
        dockerfile: check,
        container: check_container,
    }
}

/// What is past its end of life in a reference, for a message.
struct Finding {
    message: String,
    label: String,
    help: String,
}

/// `subject` says what the image is to the reader (`` `python:3.8` ``,
/// "files are copied from `golang:1.19`, which").
fn judge(settings: &Settings, reference: &str, subject: &str) -> Option<Finding> {
    let data = settings.data();
    let date = settings.as_of_date();
    let ended: Vec<Lifecycle> = data
        .releases_of(reference)
        .iter()
        .filter_map(|r| data.lifecycle(r, date))
        .filter(|l| l.ended)
        .collect();
    if ended.is_empty() {
        return None;
    }
    let name = |l: &Lifecycle| format!("{} {}", product_name(&l.release.product), l.release.cycle);
    let parts: Vec<String> = ended
        .iter()
        .map(|l| match l.eol {
            Some(d) => format!("{} (since {d})", name(l)),
            None => format!("{} (date not published)", name(l)),
        })
        .collect();
    let earliest: Option<Date> = ended.iter().filter_map(|l| l.eol).min();
    let mut message = format!("{subject} is past its end of life: {}", join(&parts));
    let extended: Vec<String> = ended
        .iter()
        .filter_map(|l| l.extended_until.map(|d| format!("{} until {d}", name(l))))
        .collect();
    if !extended.is_empty() {
        message.push_str(&format!(
            "; extended (LTS or paid) support still runs for {}",
            join(&extended)
        ));
    }
    let newer: Vec<String> = ended
        .iter()
        .filter_map(|l| {
            data.newest_supported(&l.release.product, date)
                .map(|c| format!("{} {c}", product_name(&l.release.product)))
        })
        .collect();
    let help = if newer.is_empty() {
        "move to a supported release".to_string()
    } else {
        format!("move to a supported release (newest: {})", join(&newer))
    };
    let label = match earliest {
        Some(d) => format!("end of life since {d}"),
        None => "end of life".to_string(),
    };
    Some(Finding {
        message,
        label,
        help,
    })
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    let uses = dockerfile_images(cx.dockerfile);
    let mut seen: std::collections::HashSet<Span> = std::collections::HashSet::new();
    for image in uses {
        let Some(reference) = image.reference.as_deref() else {
            continue;
        };
        if !seen.insert(image.span) {
            continue;
        }
        let subject = match image.kind {
            ImageUseKind::From => format!("`{reference}`"),
            ImageUseKind::CopyFrom => format!("files are copied from `{reference}`, which"),
            ImageUseKind::MountFrom => format!("this step mounts `{reference}`, which"),
        };
        let Some(f) = judge(cx.settings(), reference, &subject) else {
            continue;
        };
        cx.report(image.span, f.message).label(f.label).help(f.help);
    }
}

fn check_container(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    // `image:` next to `build:` names the image being built.
    if spec.build.is_some() {
        return;
    }
    let Some(field) = &spec.image else { return };
    let Some(reference) = field.value.as_deref() else {
        return;
    };
    let origin: Origin = field.origin;
    let Some(f) = judge(cx.settings(), reference, &format!("`{reference}`")) else {
        return;
    };
    cx.report(origin, f.message).label(f.label).help(f.help);
}
