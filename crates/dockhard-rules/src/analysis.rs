//! Facts about a Dockerfile that several rules share: the stages a stage
//! builds on, the user a stage runs as, what its base image is.

use dockhard_parser::Text;
use dockhard_parser::dockerfile::{Base, Dockerfile, Kind, Stage};
use dockhard_parser::shell::Command;

/// The stages `stage` builds on, from the one based on an image (or
/// scratch) down to `stage` itself.
pub fn stage_chain<'a>(df: &'a Dockerfile, stage: &'a Stage) -> Vec<&'a Stage> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let Base::Stage(parent) = current.base {
        match df.stages.get(parent) {
            Some(p) if p.index < current.index => {
                chain.push(p);
                current = p;
            }
            _ => break,
        }
    }
    chain.reverse();
    chain
}

/// Where the user a stage runs as comes from.
#[derive(Debug)]
pub enum UserSource<'a> {
    /// The last `USER` of the stage or of a stage it builds on.
    Instruction {
        stage: &'a Stage,
        instruction: usize,
        word: &'a Text,
        /// The user after variable substitution; `None` when it depends on a
        /// build argument without a default.
        value: Option<String>,
    },
    /// No `USER` anywhere in the chain: the base image's default user.
    ImageDefault { root: &'a Stage },
}

/// The user `stage` runs as.
pub fn effective_user<'a>(df: &'a Dockerfile, stage: &'a Stage) -> UserSource<'a> {
    let chain = stage_chain(df, stage);
    for s in chain.iter().rev() {
        for idx in s.instructions.clone().rev() {
            if let Some(instruction) = df.instructions.get(idx)
                && let Kind::User(word) = &instruction.kind
            {
                return UserSource::Instruction {
                    stage: s,
                    instruction: idx,
                    word,
                    value: df.evaluate_at(s, idx, word),
                };
            }
        }
    }
    UserSource::ImageDefault { root: chain[0] }
}

/// Whether a `USER` value (`user[:group]`) names root: `root` or UID 0.
pub fn is_root_user(value: &str) -> bool {
    let user = value.split(':').next().unwrap_or("").trim();
    user == "root"
        || (!user.is_empty()
            && user.bytes().all(|b| b.is_ascii_digit())
            && user.trim_start_matches('0').is_empty())
}

/// An image reference split into its parts (`registry/path:tag@digest`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag or digest (`gcr.io/distroless/static`).
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

pub fn parse_image(reference: &str) -> ImageRef<'_> {
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (reference, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(colon) => ImageRef {
            name: &rest[..last_slash + colon],
            tag: Some(&rest[last_slash + colon + 1..]),
            digest,
        },
        None => ImageRef {
            name: rest,
            tag: None,
            digest,
        },
    }
}

/// Images without a shell or user database (distroless, scratch-like).
pub fn is_shell_less_image(reference: &str) -> bool {
    let image = parse_image(reference);
    let name = image.name.to_ascii_lowercase();
    let debug = image
        .tag
        .is_some_and(|t| t.split('-').any(|p| p == "debug"));
    name.contains("/distroless/") && !debug
}

/// Images known to run as a non-root user without a `USER`: distroless
/// `:nonroot` and `:debug-nonroot` tags.
pub fn is_nonroot_image(reference: &str) -> bool {
    let image = parse_image(reference);
    image.name.to_ascii_lowercase().contains("/distroless/")
        && image
            .tag
            .is_some_and(|t| t.split('-').any(|p| p == "nonroot"))
}

/// The base image reference of a stage chain's root, if it is an image.
pub fn root_image<'a>(df: &'a Dockerfile, stage: &'a Stage) -> Option<&'a str> {
    match &stage_chain(df, stage)[0].base {
        Base::Image { reference } => reference.as_deref(),
        _ => None,
    }
}

/// Whether the chain of `stage` starts from scratch or a shell-less image.
pub fn has_no_shell(df: &Dockerfile, stage: &Stage) -> bool {
    match &stage_chain(df, stage)[0].base {
        Base::Scratch => true,
        Base::Image { reference: Some(r) } => is_shell_less_image(r),
        _ => false,
    }
}

/// The value of an option that takes an argument, in any of its spellings:
/// `-s X`, `-sX`, `--shell X`, `--shell=X`.
pub fn option_value<'a>(cmd: &'a Command, short: &str, long: &str) -> Option<&'a str> {
    let args = cmd.args();
    let mut i = 0;
    while i < args.len() {
        let w = args[i].value.as_str();
        if w == short || w == long {
            return args.get(i + 1).map(|a| a.value.as_str());
        }
        if let Some(v) = w.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
            return Some(v);
        }
        if short.len() == 2
            && let Some(v) = w.strip_prefix(short)
            && !v.is_empty()
            && !w.starts_with("--")
        {
            return Some(v);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_users() {
        for root in ["root", "0", "00", "root:root", "0:0", "root:1000", "0:app"] {
            assert!(is_root_user(root), "{root}");
        }
        for other in ["app", "1000", "1000:0", "Root", "rootless", "", "10"] {
            assert!(!is_root_user(other), "{other}");
        }
    }

    #[test]
    fn image_refs() {
        assert_eq!(
            parse_image("localhost:5000/a/b:1.2@sha256:abc"),
            ImageRef {
                name: "localhost:5000/a/b",
                tag: Some("1.2"),
                digest: Some("sha256:abc")
            }
        );
        assert_eq!(parse_image("localhost:5000/a").tag, None);
        assert!(is_nonroot_image(
            "gcr.io/distroless/static-debian12:nonroot"
        ));
        assert!(is_nonroot_image("gcr.io/distroless/base:debug-nonroot"));
        assert!(!is_nonroot_image("gcr.io/distroless/base:latest"));
        assert!(!is_nonroot_image("example.com/nonroot:nonroot"));
        assert!(is_shell_less_image("gcr.io/distroless/static"));
        assert!(!is_shell_less_image("gcr.io/distroless/base:debug"));
    }
}
