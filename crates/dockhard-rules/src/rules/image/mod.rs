//! Image and supply-chain rules, and what the image rules share: which
//! references they judge (in a Dockerfile, a compose service, a command
//! line) and how a finding names one; and the sources of an `ADD`.

pub(crate) mod commands;
pub mod dh400_eol_image;
pub mod dh401_image_latest;
pub mod dh402_image_not_pinned;
pub mod dh403_untrusted_registry;
pub mod dh404_add_remote;
pub mod dh405_add_instead_of_copy;
pub mod dh406_pipe_to_shell;
pub mod dh407_tls_verification_disabled;
pub mod dh408_unverified_packages;
pub mod dh409_update_alone;
pub mod dh410_healthcheck_missing;

use dockhard_parser::Span;
use dockhard_parser::dockerfile::{Dockerfile, Instruction, Kind, Stage, expand};
use dockhard_parser::spec::{ContainerSpec, Origin};

use crate::context::ContainerContext;
use crate::images::{ImageName, ImageUse, ImageUseKind, dockerfile_images, image_name};

/// An image reference a rule judges.
pub(crate) struct Reference<'a> {
    /// The reference after substitution (`python:3.13`).
    pub value: String,
    /// The text written there (`${BASE}`), when it differs from the value.
    pub written: Option<&'a str>,
    pub kind: ImageUseKind,
}

impl Reference<'_> {
    /// The reference, and what was written when that differs:
    /// `` `ubuntu` (from `${BASE}`) ``.
    pub fn quoted(&self) -> String {
        match self.written {
            Some(w) => format!("`{}` (from `{w}`)", self.value),
            None => format!("`{}`", self.value),
        }
    }

    /// The start of a sentence about the image, by where it is used:
    /// `` `python` ``, "files are copied from `golang`, which".
    pub fn subject(&self) -> String {
        let quoted = self.quoted();
        match self.kind {
            ImageUseKind::From => quoted,
            ImageUseKind::CopyFrom => format!("files are copied from {quoted}, which"),
            ImageUseKind::MountFrom => format!("this step mounts {quoted}, which"),
        }
    }

    pub fn name(&self) -> ImageName {
        image_name(&self.value)
    }
}

/// The images of a Dockerfile the image rules judge, once per place: known
/// references only (not one that depends on a build argument without a
/// default), stages and `scratch` excluded.
pub(crate) fn dockerfile_references<'a>(
    df: &Dockerfile,
    source: &'a str,
) -> Vec<(Span, Reference<'a>)> {
    let mut out: Vec<(Span, Reference<'a>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for ImageUse {
        kind,
        reference,
        span,
        ..
    } in dockerfile_images(df)
    {
        let Some(value) = reference.filter(|r| !r.trim().is_empty()) else {
            continue;
        };
        if !seen.insert(span) {
            continue;
        }
        let written = differs(source.get(span.range()).unwrap_or(""), &value);
        out.push((
            span,
            Reference {
                value,
                written,
                kind,
            },
        ));
    }
    out
}

/// The text written for a value, when it says something else than the
/// value (a variable, not quotes).
fn differs<'a>(written: &'a str, value: &str) -> Option<&'a str> {
    let bare = written.trim().trim_matches(|c| c == '"' || c == '\'');
    (!bare.is_empty() && bare != value).then_some(written.trim())
}

/// The image a container pulls, when the image rules can judge it: a known
/// value (not `${IMAGE}` unset, not `"$IMAGE"`), not the image a compose
/// `build:` makes (its `image:` names the result), and not an image another
/// container of the unit builds (`docker build -t app .` then
/// `docker run app`: the image is local, nothing is pulled).
pub(crate) fn container_reference<'a>(
    cx: &ContainerContext<'a>,
) -> Option<(Origin, Reference<'a>)> {
    let spec = cx.spec;
    if spec.build.is_some() {
        return None;
    }
    let field = spec.image.as_ref()?;
    let value = field.value.as_deref()?.trim();
    // An image the command line does not write (a GitHub Actions
    // `options:` without `image:`) has no place in the file.
    if value.is_empty() || field.origin.span.is_empty() {
        return None;
    }
    if built_in_unit(cx.unit, value) {
        return None;
    }
    // Through a YAML anchor (`<<: *web`), the text there is the alias: the
    // finding's secondary label shows where the value is written.
    let written = if field.origin.is_aliased() && !cx.is_command() {
        None
    } else {
        differs(cx.written(field.origin), value)
    };
    Some((
        field.origin,
        Reference {
            value: value.to_string(),
            written,
            kind: ImageUseKind::From,
        },
    ))
}

/// Whether a container of the unit builds `reference`: a compose service
/// with `build:` and that `image:` or `build.tags`, or `docker build -t`.
fn built_in_unit(unit: &[ContainerSpec], reference: &str) -> bool {
    let wanted = local_name(reference);
    unit.iter().any(|spec| {
        let Some(build) = &spec.build else {
            return false;
        };
        spec.image
            .iter()
            .chain(&build.tags)
            .filter_map(|f| f.value.as_deref())
            .any(|name| local_name(name) == wanted)
    })
}

/// A name as the local image store knows it: `app` is `app:latest`, and
/// podman stores what it builds under `localhost/`.
fn local_name(reference: &str) -> (Option<String>, String, String) {
    let n = image_name(reference);
    let registry = n.registry.filter(|r| r != "localhost");
    (
        registry,
        n.path,
        n.tag.unwrap_or_else(|| "latest".to_string()),
    )
}

/// What an `ADD` source is, as BuildKit tells them apart: a git repository
/// first, then an HTTP(S) URL, else a path in the build context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AddSource {
    Git(GitSource),
    Http,
    Local,
    /// A URL of a scheme BuildKit does not fetch (`ftp://`): neither.
    Other,
}

/// A git source: its ref (`#v1.2`, `?ref=`, `?tag=`, `?branch=`) and the
/// commit it must be (`?checksum=`, `?commit=`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GitSource {
    pub reference: Option<String>,
    pub checksum: Option<String>,
}

/// A full commit hash, as BuildKit recognises one (SHA-1 or SHA-256).
pub(crate) fn is_commit_sha(text: &str) -> bool {
    (text.len() == 40 || text.len() == 64)
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// `user@host:path[?query][#fragment]` (BuildKit's `gitSSHRegex`).
fn scp_style(src: &str) -> Option<(&str, &str)> {
    let (user, rest) = src.split_once('@')?;
    let (host, path) = rest.split_once(':')?;
    let user_ok = !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    (user_ok && host_ok).then_some((host, path))
}

/// Splits `path?query#fragment`.
fn split_url(rest: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    (path, query, fragment)
}

fn git_source(query: Option<&str>, fragment: Option<&str>) -> GitSource {
    let mut git = GitSource::default();
    if let Some(fragment) = fragment {
        let reference = fragment.split(':').next().unwrap_or("");
        if !reference.is_empty() {
            git.reference = Some(reference.to_string());
        }
    }
    for pair in query.unwrap_or("").split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "ref" | "tag" | "branch" if !value.is_empty() => {
                git.reference = Some(value.to_string());
            }
            "checksum" | "commit" if !value.is_empty() => git.checksum = Some(value.to_string()),
            _ => {}
        }
    }
    git
}

/// Classifies an `ADD` source (its value after substitution) as BuildKit's
/// `dfgitutil.ParseGitRef` and `isHTTPSource` do.
pub(crate) fn add_source(src: &str) -> AddSource {
    if src.starts_with("./") || src.starts_with("../") || src.starts_with("github.com/") {
        return AddSource::Local;
    }
    let scheme_len = src
        .find("://")
        .filter(|&i| i > 0 && src[..i].chars().all(|c| c.is_ascii_alphanumeric()));
    if let Some(i) = scheme_len {
        let scheme = src[..i].to_ascii_lowercase();
        let rest = &src[i + 3..];
        let (path, query, fragment) = split_url(rest);
        // The path after the host.
        let url_path = path.find('/').map_or("", |p| &path[p..]);
        return match scheme.as_str() {
            "http" | "https" if url_path.ends_with(".git") => {
                AddSource::Git(git_source(query, fragment))
            }
            "http" | "https" => AddSource::Http,
            "ssh" | "git" => AddSource::Git(git_source(query, fragment)),
            _ => AddSource::Other,
        };
    }
    if let Some((_, path)) = scp_style(src) {
        let (_, query, fragment) = split_url(path);
        return AddSource::Git(git_source(query, fragment));
    }
    AddSource::Local
}

/// Every `ADD` of a Dockerfile with the stage it is in (`None` for an
/// `ONBUILD ADD`, whose variables are those of a later build) and its index.
pub(crate) fn add_instructions(df: &Dockerfile) -> Vec<(Option<&Stage>, usize, &Instruction)> {
    let mut out = Vec::new();
    for stage in &df.stages {
        for index in stage.instructions.clone() {
            let Some(instruction) = df.instructions.get(index) else {
                continue;
            };
            match &instruction.kind {
                Kind::Add(_) => out.push((Some(stage), index, instruction)),
                Kind::Onbuild(inner) if matches!(inner.kind, Kind::Add(_)) => {
                    out.push((None, index, inner.as_ref()));
                }
                _ => {}
            }
        }
    }
    out
}

/// The value of a word of an instruction: substituted in its stage, or
/// literal in an `ONBUILD` trigger; `None` when unknown.
pub(crate) fn word_value(
    df: &Dockerfile,
    stage: Option<&Stage>,
    index: usize,
    word: &dockhard_parser::Text,
) -> Option<String> {
    match stage {
        Some(stage) => df.evaluate_at(stage, index, word),
        None => expand::literal(&word.value, df.escape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_sources_as_buildkit_tells_them_apart() {
        let git = |r: Option<&str>, c: Option<&str>| {
            AddSource::Git(GitSource {
                reference: r.map(str::to_string),
                checksum: c.map(str::to_string),
            })
        };
        assert_eq!(add_source("https://example.com/a.tar.gz"), AddSource::Http);
        assert_eq!(add_source("HTTP://example.com/a"), AddSource::Http);
        assert_eq!(
            add_source("https://github.com/moby/buildkit.git#v0.14.1:docs"),
            git(Some("v0.14.1"), None)
        );
        assert_eq!(
            add_source("git@github.com:moby/buildkit.git"),
            git(None, None)
        );
        assert_eq!(
            add_source("https://github.com/a/b.git?tag=v1&checksum=abc"),
            git(Some("v1"), Some("abc"))
        );
        assert_eq!(
            add_source("ssh://git@host/a/b#main"),
            git(Some("main"), None)
        );
        // Not `.git`: a download.
        assert_eq!(
            add_source("https://github.com/a/b/archive/v1.tar.gz"),
            AddSource::Http
        );
        assert_eq!(add_source("github.com/a/b"), AddSource::Local);
        assert_eq!(add_source("./x@y:z"), AddSource::Local);
        assert_eq!(add_source("app.conf"), AddSource::Local);
        assert_eq!(add_source("ftp://example.com/a"), AddSource::Other);
        assert!(is_commit_sha("0123456789abcdef0123456789abcdef01234567"));
        assert!(!is_commit_sha("0123456789ABCDEF0123456789ABCDEF01234567"));
        assert!(!is_commit_sha("v1.2.3"));
    }

    #[test]
    fn local_names_compare_as_the_store_does() {
        assert_eq!(local_name("app"), local_name("app:latest"));
        assert_eq!(local_name("localhost/app"), local_name("app"));
        assert_ne!(local_name("app:1"), local_name("app"));
        assert_ne!(local_name("ghcr.io/a/app"), local_name("a/app"));
    }
}
