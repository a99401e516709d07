//! Image references: how a reference splits into registry, path, tag and
//! digest, and every place a Dockerfile names an image (`FROM`,
//! `COPY --from=<image>`, `RUN --mount=from=<image>`).

use dockhard_parser::Span;

use crate::data::DataSet;
use dockhard_parser::dockerfile::{Base, Dockerfile, Instruction, Kind, Stage};
use dockhard_parser::values::csv_fields;

/// An image reference split into its parts, Docker Hub names normalised:
/// `docker.io/library/python:3.12` and `python:3.12` are both path
/// `python` with no registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageName {
    /// The registry host (`ghcr.io`, `localhost:5000`); `None` for Docker Hub.
    pub registry: Option<String>,
    /// The repository path, without Docker Hub's `library/` (`python`,
    /// `bitnami/postgresql`, `distroless/static`).
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageName {
    /// `registry/path` as written in tables (`gcr.io/distroless/static`,
    /// `postgres`).
    pub fn full_path(&self) -> String {
        match &self.registry {
            Some(r) => format!("{r}/{}", self.path),
            None => self.path.clone(),
        }
    }

    /// The registry an image is pulled from (`docker.io` for Docker Hub).
    pub fn registry_host(&self) -> &str {
        self.registry.as_deref().unwrap_or("docker.io")
    }
}

const DOCKER_HUB: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io"];

/// Splits a reference as Docker does: the first component is a registry
/// when it has a `.` or a `:` or is `localhost`.
pub fn image_name(reference: &str) -> ImageName {
    let reference = reference.trim();
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (reference, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(colon) => (
            &rest[..last_slash + colon],
            Some(rest[last_slash + colon + 1..].to_string()),
        ),
        None => (rest, None),
    };
    let (registry, path) = match name.split_once('/') {
        Some((first, path))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first.to_ascii_lowercase()), path)
        }
        _ => (None, name),
    };
    let hub = registry.as_deref().is_none_or(|r| DOCKER_HUB.contains(&r));
    let path = if hub {
        path.strip_prefix("library/").unwrap_or(path)
    } else {
        path
    };
    ImageName {
        registry: if hub { None } else { registry },
        path: path.to_string(),
        tag: tag.filter(|t| !t.is_empty()),
        digest: digest.filter(|d| !d.is_empty()),
    }
}

/// A shell glob over a tag: `*` any run, `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Who an image runs as, from `image-users.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageUser {
    /// The image config's `User` (`65532`, `nobody`, `root` when unset).
    pub user: String,
    /// Whether the process the image starts runs as root; `None`: not verified.
    pub runs_as_root: Option<bool>,
    /// The entrypoint starts as root and switches to another user.
    pub drops_privileges: bool,
    /// How it switches, from the table's note (`entrypoint gosu mongodb`).
    pub how: Option<String>,
}

/// The default user of an image, when the table knows it: the exact
/// image's rows, else those of the longest prefix rule (`gcr.io/distroless/`,
/// `quay.io/fedora/python-*`), the first whose tag pattern matches (a bare
/// name is `latest`).
pub fn image_user(data: &DataSet, reference: &str) -> Option<ImageUser> {
    let name = image_name(reference);
    let path = name.full_path();
    let tag = name.tag.as_deref().unwrap_or("latest");
    let table = &data.image_users;
    let rows: Vec<&[&'static str]> = {
        let exact: Vec<&[&'static str]> = table
            .rows()
            .filter(|r| table.cell(r, "image") == path)
            .collect();
        if exact.is_empty() {
            let prefix_len = |r: &[&'static str]| {
                let image = table.cell(r, "image");
                let prefix = image.strip_suffix('*').unwrap_or(image);
                (image.ends_with('/') || image.ends_with('*')) && path.starts_with(prefix)
            };
            let longest = table
                .rows()
                .filter(|r| prefix_len(r))
                .map(|r| table.cell(r, "image").len())
                .max()?;
            table
                .rows()
                .filter(|r| prefix_len(r) && table.cell(r, "image").len() == longest)
                .collect()
        } else {
            exact
        }
    };
    let row = rows
        .into_iter()
        .find(|r| glob(table.cell(r, "tag_pattern"), tag))?;
    let yes_no = |v: &str| match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let note = table.cell(row, "note");
    let how = note
        .split(';')
        .map(str::trim)
        .find(|c| {
            ["gosu", "su-exec", "setpriv", "chroot", "entrypoint", "s6"]
                .iter()
                .any(|k| c.contains(k))
        })
        .map(str::to_string);
    Some(ImageUser {
        user: table.cell(row, "default_user").to_string(),
        runs_as_root: yes_no(table.cell(row, "runs_as_root")),
        drops_privileges: yes_no(table.cell(row, "drops_privileges")) == Some(true),
        how,
    })
}

/// Where a Dockerfile names an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageUseKind {
    From,
    CopyFrom,
    MountFrom,
}

/// One image a Dockerfile uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageUse {
    pub kind: ImageUseKind,
    /// The reference after build-argument substitution; `None` when it
    /// depends on an argument without a default.
    pub reference: Option<String>,
    /// The reference as written (for a `--from`/`from=`, its value).
    pub span: Span,
    /// The stage it is in, and the instruction's index.
    pub stage: usize,
    pub instruction: usize,
}

/// Whether `name` is a stage of `df` before stage `before` (by name or
/// index), as `COPY --from` and `--mount from=` may name one.
fn is_stage(df: &Dockerfile, name: &str, before: usize) -> bool {
    if let Ok(i) = name.parse::<usize>() {
        return i < before;
    }
    let lower = name.to_lowercase();
    df.stages[..before.min(df.stages.len())]
        .iter()
        .any(|s| s.name.as_ref().is_some_and(|n| n.value == lower))
}

fn flag_image(
    df: &Dockerfile,
    stage: &Stage,
    index: usize,
    value: &dockhard_parser::Text,
    kind: ImageUseKind,
) -> Option<ImageUse> {
    let reference = df.evaluate_at(stage, index, value);
    if let Some(r) = &reference
        && (is_stage(df, r, stage.index) || r.eq_ignore_ascii_case("scratch"))
    {
        return None;
    }
    Some(ImageUse {
        kind,
        reference,
        span: value.span,
        stage: stage.index,
        instruction: index,
    })
}

fn instruction_images(
    df: &Dockerfile,
    stage: &Stage,
    index: usize,
    instruction: &Instruction,
    out: &mut Vec<ImageUse>,
) {
    match &instruction.kind {
        Kind::Copy(_) | Kind::Add(_) => {
            if let Some(value) = instruction.flag("from").and_then(|f| f.value.as_ref()) {
                out.extend(flag_image(df, stage, index, value, ImageUseKind::CopyFrom));
            }
        }
        Kind::Run(_) => {
            for mount in instruction.flags_named("mount") {
                let Some(value) = &mount.value else { continue };
                // `type=bind,from=alpine:3.20,target=/x`: the `from=` field.
                let mut at = 0usize;
                for field in csv_fields(&value.value) {
                    let len = field.len();
                    if let Some(image) = field.trim().strip_prefix("from=") {
                        let start = value.value[at..].find(image).map_or(0, |i| at + i);
                        let written = value.span.len() as usize == value.value.len();
                        let span = if written {
                            Span::new(
                                value.span.start + start as u32,
                                value.span.start + (start + image.len()) as u32,
                            )
                        } else {
                            value.span
                        };
                        let text = dockhard_parser::Text::new(image, span);
                        out.extend(flag_image(df, stage, index, &text, ImageUseKind::MountFrom));
                    }
                    at += len + 1;
                }
            }
        }
        Kind::Onbuild(inner) => instruction_images(df, stage, index, inner, out),
        _ => {}
    }
}

/// Every image a Dockerfile uses, in order: the images stages are built
/// `FROM` (not earlier stages, not `scratch`), and those `COPY --from` and
/// `RUN --mount=from=` name.
pub fn dockerfile_images(df: &Dockerfile) -> Vec<ImageUse> {
    let mut out = Vec::new();
    for stage in &df.stages {
        if let Base::Image { reference } = &stage.base
            && let Some(instruction) = df.instructions.get(stage.from)
            && let Kind::From(from) = &instruction.kind
        {
            out.push(ImageUse {
                kind: ImageUseKind::From,
                reference: reference.clone(),
                span: from.image.span,
                stage: stage.index,
                instruction: stage.from,
            });
        }
        for index in stage.instructions.clone() {
            if index == stage.from {
                continue;
            }
            if let Some(instruction) = df.instructions.get(index) {
                instruction_images(df, stage, index, instruction, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_and_normalise() {
        let n = image_name("docker.io/library/python:3.8-slim-buster@sha256:abc");
        assert_eq!(
            (
                n.registry.as_deref(),
                n.path.as_str(),
                n.tag.as_deref(),
                n.digest.as_deref()
            ),
            (None, "python", Some("3.8-slim-buster"), Some("sha256:abc"))
        );
        let n = image_name("localhost:5000/team/app");
        assert_eq!(
            (n.registry.as_deref(), n.path.as_str(), n.tag),
            (Some("localhost:5000"), "team/app", None)
        );
        assert_eq!(
            image_name("bitnami/postgresql:16").full_path(),
            "bitnami/postgresql"
        );
        assert_eq!(
            image_name("gcr.io/distroless/static:nonroot").full_path(),
            "gcr.io/distroless/static"
        );
        assert_eq!(
            image_name("gcr.io/distroless/static").registry_host(),
            "gcr.io"
        );
        assert_eq!(image_name("nginx").registry_host(), "docker.io");
    }

    #[test]
    fn default_users_from_the_table() {
        let data = DataSet::builtin();
        let user = |r: &str| image_user(data, r);
        let static_ = user("cgr.dev/chainguard/static").expect("chainguard static");
        assert_eq!(static_.runs_as_root, Some(false));
        assert_eq!(
            user("bitnami/postgresql:16").map(|u| u.runs_as_root),
            Some(Some(false))
        );
        assert_eq!(
            user("docker.io/bitnami/postgresql:16@sha256:00").map(|u| u.user),
            Some("1001".to_string())
        );
        assert_eq!(
            user("gcr.io/distroless/static-debian12:nonroot").map(|u| u.runs_as_root),
            Some(Some(false))
        );
        assert_eq!(
            user("gcr.io/distroless/static-debian12").map(|u| u.runs_as_root),
            Some(Some(true))
        );
        let mongo = user("mongo:7").expect("mongo");
        assert!(mongo.drops_privileges && mongo.runs_as_root == Some(true));
        assert!(mongo.how.is_some_and(|h| h.contains("gosu")));
        assert_eq!(user("example.com/unknown:1"), None);
        assert!(glob("*nonroot*", "debug-nonroot-amd64"));
        assert!(glob("7.*", "7.4-alpine") && !glob("7.*", "17.0"));
        assert!(glob("*", "latest") && !glob("psmdb*", "8.0"));
    }

    #[test]
    fn images_of_a_dockerfile() {
        let src = "ARG BASE=python:3.8\nFROM ${BASE} AS build\nFROM build AS test\nRUN --mount=type=bind,from=alpine:3.15,target=/x true\nCOPY --from=build /a /b\nCOPY --from=nginx:1.19 /etc/nginx /n\nFROM scratch\nCOPY --from=0 /a /a\n";
        let df = Dockerfile::parse(src);
        let uses = dockerfile_images(&df);
        let seen: Vec<(ImageUseKind, Option<&str>, &str)> = uses
            .iter()
            .map(|u| (u.kind, u.reference.as_deref(), u.span.slice(src)))
            .collect();
        assert_eq!(
            seen,
            [
                (ImageUseKind::From, Some("python:3.8"), "${BASE}"),
                (ImageUseKind::MountFrom, Some("alpine:3.15"), "alpine:3.15"),
                (ImageUseKind::CopyFrom, Some("nginx:1.19"), "nginx:1.19"),
            ]
        );
    }
}
