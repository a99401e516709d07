//! Facts about a Dockerfile that several rules share: the stages a stage
//! builds on, the user a stage runs as, what its base image is.

use dockhard_parser::Text;
use dockhard_parser::dockerfile::{Base, Dockerfile, Kind, Stage};
use dockhard_parser::shell::{Command, Word};

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

/// A `chmod` as a RUN writes it: the program itself (also after `xargs`,
/// `sudo` ...), or the command of `find ... -exec chmod MODE {} +`.
#[derive(Debug)]
pub struct ChmodCall<'a> {
    /// The mode word (`777`, `a+w`); never an expansion.
    pub mode: &'a Word,
    /// The files after the mode (`{}` for `find -exec`).
    pub operands: &'a [Word],
    /// `-R` / `--recursive`.
    pub recursive: bool,
    /// Run by `find -exec`, on the files `find` selects.
    pub by_find: bool,
}

/// Whether a word is one of chmod's options rather than a mode such as
/// `-w` or `-s` (GNU chmod reads those as modes).
fn is_chmod_option(word: &str) -> bool {
    match word.strip_prefix("--") {
        Some(long) => !long.is_empty(),
        None => {
            word.len() > 1
                && word.starts_with('-')
                && word[1..].chars().all(|c| "RcfvhHLP".contains(c))
        }
    }
}

fn chmod_in(args: &[Word], by_find: bool) -> Option<ChmodCall<'_>> {
    let mut recursive = false;
    for (i, w) in args.iter().enumerate() {
        let v = w.value.as_str();
        if v.starts_with("--reference") {
            return None;
        }
        if is_chmod_option(v) {
            recursive |= v == "--recursive" || (!v.starts_with("--") && v.contains('R'));
            continue;
        }
        if w.dynamic {
            return None;
        }
        let rest = &args[i + 1..];
        let end = if by_find {
            rest.iter()
                .position(|w| matches!(w.value.as_str(), ";" | "+"))
                .unwrap_or(rest.len())
        } else {
            rest.len()
        };
        return Some(ChmodCall {
            mode: w,
            operands: &rest[..end],
            recursive,
            by_find,
        });
    }
    None
}

/// The `chmod` a command runs, directly or through `find -exec`.
pub fn chmod_call(cmd: &Command) -> Option<ChmodCall<'_>> {
    match cmd.program()? {
        "chmod" => chmod_in(cmd.args(), false),
        "find" => {
            let args = cmd.args();
            let exec = args.iter().position(|w| {
                matches!(w.value.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir")
            })?;
            let rest = &args[exec + 1..];
            if rest.first()?.value.rsplit('/').next() != Some("chmod") {
                return None;
            }
            chmod_in(&rest[1..], true)
        }
        _ => None,
    }
}

/// The `-m MODE` (`-mMODE`, `--mode MODE`, `--mode=MODE`, `-pm MODE`,
/// `-Dm755`) of `install` or `mkdir`: the word that holds the mode, and
/// the mode.
pub fn mode_option(cmd: &Command) -> Option<(&Word, &str)> {
    let args = cmd.args();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        let v = word.value.as_str();
        if v == "--" {
            return None;
        }
        if let Some(long) = v.strip_prefix("--") {
            if let Some(mode) = long.strip_prefix("mode=") {
                return (!word.dynamic).then_some((word, mode));
            }
            if long == "mode" {
                return args
                    .get(i + 1)
                    .filter(|n| !n.dynamic)
                    .map(|n| (n, n.value.as_str()));
            }
            i += 1;
            continue;
        }
        if let Some(cluster) = v.strip_prefix('-').filter(|c| !c.is_empty()) {
            // Options of install that take a value end the cluster.
            for (at, c) in cluster.char_indices() {
                let rest = &cluster[at + c.len_utf8()..];
                match c {
                    'm' if rest.is_empty() => {
                        return args
                            .get(i + 1)
                            .filter(|n| !n.dynamic)
                            .map(|n| (n, n.value.as_str()));
                    }
                    'm' => return (!word.dynamic).then_some((word, rest)),
                    'o' | 'g' | 't' | 'S' => {
                        if rest.is_empty() {
                            i += 1;
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        i += 1;
    }
    None
}

/// What a chmod mode does to the bits that matter for hardening. `None`
/// in a field: the mode leaves it as it was, or it cannot be known
/// (`o=u` copies the owner's bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModeEffect {
    pub others_write: Option<bool>,
    pub sticky: Option<bool>,
    pub setuid: Option<bool>,
    pub setgid: Option<bool>,
}

/// Reads an octal (`0777`, `1777`) or symbolic (`a+w`, `u-s,g-s`) mode as
/// chmod applies it, under the usual umask (022): a symbolic clause without
/// "who" (`+w`, `=rwx`) does not add write access for others.
pub fn mode_effect(mode: &str) -> Option<ModeEffect> {
    if mode.is_empty() {
        return None;
    }
    if mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let value = u32::from_str_radix(mode, 8).ok()?;
        if value > 0o7777 {
            return None;
        }
        return Some(ModeEffect {
            others_write: Some(value & 0o002 != 0),
            sticky: Some(value & 0o1000 != 0),
            setuid: Some(value & 0o4000 != 0),
            setgid: Some(value & 0o2000 != 0),
        });
    }
    let mut effect = ModeEffect::default();
    for clause in mode.split(',') {
        let who_len = clause
            .bytes()
            .take_while(|b| matches!(b, b'u' | b'g' | b'o' | b'a'))
            .count();
        let who = &clause[..who_len];
        let (user, group, others) = if who.is_empty() || who.contains('a') {
            (true, true, true)
        } else {
            (who.contains('u'), who.contains('g'), who.contains('o'))
        };
        // Without "who", the umask keeps others' write bit as it was.
        let others_w = others && !who.is_empty();
        let mut rest = &clause[who_len..];
        if rest.is_empty() {
            return None;
        }
        while let Some(op) = rest.chars().next() {
            if !matches!(op, '+' | '-' | '=') {
                return None;
            }
            let perms_len = rest[1..]
                .bytes()
                .take_while(|b| !matches!(b, b'+' | b'-' | b'='))
                .count();
            let perms = &rest[1..1 + perms_len];
            if !perms.bytes().all(|b| b"rwxXstugo".contains(&b)) {
                return None;
            }
            let copies = perms.bytes().any(|b| b"ugo".contains(&b));
            let has = |c: char| -> Option<bool> {
                if perms.contains(c) {
                    Some(true)
                } else if copies {
                    None
                } else {
                    Some(false)
                }
            };
            let apply = |field: &mut Option<bool>, applies: bool, bit: Option<bool>| {
                if !applies {
                    return;
                }
                match (op, bit) {
                    ('+', Some(true)) => *field = Some(true),
                    ('-', Some(true)) => *field = Some(false),
                    ('=', Some(b)) => *field = Some(b),
                    (_, None) => *field = None,
                    _ => {}
                }
            };
            apply(&mut effect.others_write, others_w, has('w'));
            // `=` without who clears others' write bit too (umask-masked).
            if op == '=' && others && who.is_empty() {
                effect.others_write = Some(false);
            }
            apply(&mut effect.sticky, others, has('t'));
            apply(&mut effect.setuid, user, has('s'));
            apply(&mut effect.setgid, group, has('s'));
            rest = &rest[1 + perms_len..];
        }
    }
    Some(effect)
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

    #[test]
    fn mode_effects() {
        let ow = |m: &str| mode_effect(m).and_then(|e| e.others_write);
        for world in [
            "777", "0777", "1777", "666", "0002", "a+w", "o+w", "ugo+rwx", "go+w", "a=rwx", "o=rw",
            "-R", "u+x,o+w",
        ] {
            if world == "-R" {
                continue;
            }
            assert_eq!(ow(world), Some(true), "{world}");
        }
        for not in [
            "755", "0775", "+w", "=rwx", "a-w", "o-w", "g+w", "u+w", "a+w,o-w", "o=rx",
        ] {
            assert_ne!(ow(not), Some(true), "{not}");
        }
        assert_eq!(ow("o=u"), None);
        assert_eq!(mode_effect("1777").and_then(|e| e.sticky), Some(true));
        assert_eq!(mode_effect("a+rwxt").and_then(|e| e.sticky), Some(true));
        assert_eq!(mode_effect("+t").and_then(|e| e.sticky), Some(true));
        assert_eq!(mode_effect("u+t").and_then(|e| e.sticky), None);
        let strip = mode_effect("a-s").expect("mode");
        assert_eq!((strip.setuid, strip.setgid), (Some(false), Some(false)));
        let strip = mode_effect("u-s,g-s").expect("mode");
        assert_eq!((strip.setuid, strip.setgid), (Some(false), Some(false)));
        let strip = mode_effect("-s").expect("mode");
        assert_eq!((strip.setuid, strip.setgid), (Some(false), Some(false)));
        assert_eq!(mode_effect("0755").and_then(|e| e.setuid), Some(false));
        assert_eq!(mode_effect("x+w"), None);
        assert_eq!(mode_effect("99"), None);
    }
}
