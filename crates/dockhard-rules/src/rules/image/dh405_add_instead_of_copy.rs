use dockhard_parser::dockerfile::{Instruction, Kind};

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Source;
use crate::rules::build::flag_removal;

use super::{AddSource, add_instructions, add_source, word_value};

declare_rule! {
    /// ## What it does
    /// Reports an `ADD` that copies local files `COPY` would copy the same
    /// way: files and directories of the build context that are not tar
    /// archives, and inline files (`ADD <<EOF /etc/app.conf`), which `ADD`
    /// never extracts. `ADD` has two uses of its own: downloading (URLs and
    /// git repositories, see DH404) and extracting a local tar archive. A
    /// source that may be an archive is not reported: a name ending in
    /// `.tar`, `.tgz`, `.tar.gz`, `.tbz2`, `.txz`, `.tzst`, `.gz`, `.bz2`,
    /// `.xz`, `.zst` and the like (Docker tells archives by their content,
    /// so the name is the best sign there is), or a wildcard that can match
    /// one (`dist/*`). With `--unpack=false` nothing is extracted, and every
    /// local source counts. `.zip` files are never extracted.
    ///
    /// An `ADD` that also has an archive or a download is reported for its
    /// plain files, without a fix; sources whose value is not known (a build
    /// argument without a default) leave the instruction unjudged.
    ///
    /// ## Why is this bad?
    /// `ADD` may download or extract; `COPY` only copies. A reader (and a
    /// reviewer) of `ADD app/ /srv/` has to check each source to know which
    /// it does, and a file that later becomes a tarball, or a path that
    /// turns into a URL through a build argument, changes the step's
    /// behaviour silently (CIS Docker Benchmark 4.9: use `COPY` instead of
    /// `ADD`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ADD requirements.txt app/ /srv/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY requirements.txt app/ /srv/
    /// ```
    ///
    /// ## Fix
    /// When every source is a local file that is not an archive (or an
    /// inline file), replaces `ADD` by `COPY` and drops the flags only `ADD`
    /// takes and that do nothing for local files (`--unpack`,
    /// `--keep-git-dir`). Safe: `COPY` copies those sources exactly as `ADD`
    /// did. None when the instruction also adds an archive or a download,
    /// or has `--checksum`.
    pub static ADD_INSTEAD_OF_COPY = {
        code: "DH405",
        name: "add-instead-of-copy",
        category: Image,
        severity: Some(Info),
        inputs: [Dockerfile],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.9" },
            Source::Hadolint("DL3020"),
        ],
        fix: Sometimes,
        core: false,
        dockerfile: check,
    }
}

/// Names of the formats Docker extracts (tar, gzip, bzip2, xz, zstd).
const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tzst", ".gz", ".bz2", ".xz", ".zst",
];

/// Whether a local source may be a tar archive that `ADD` extracts.
fn may_be_archive(source: &str) -> bool {
    let name = source.trim_end_matches(['/', '\\']);
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if last.ends_with(['*', '?', ']']) {
        return true;
    }
    let lower = last.to_ascii_lowercase();
    ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// `--unpack` as BuildKit reads it: absent means extract local archives.
/// `None` when its value is not known.
fn unpacks(instruction: &Instruction) -> Option<bool> {
    match instruction.flag("unpack") {
        None => Some(true),
        Some(f) => match f.value_str().map(str::to_ascii_lowercase).as_deref() {
            None | Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => None,
        },
    }
}

/// Flags `COPY` takes as `ADD` does.
const SHARED_FLAGS: &[&str] = &["chown", "chmod", "link", "exclude"];
/// Flags only `ADD` takes that do nothing for local files.
const DROPPED_FLAGS: &[&str] = &["unpack", "keep-git-dir"];

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let source = cx.file.text.as_str();
    for (stage, index, instruction) in add_instructions(df) {
        // Without a destination BuildKit refuses the instruction (DH001).
        let Kind::Add(add) = &instruction.kind else {
            continue;
        };
        if add.dest.is_none() {
            continue;
        }
        let Some(unpack) = unpacks(instruction) else {
            continue;
        };
        let mut plain: Vec<String> = Vec::new();
        let mut other = 0usize;
        let mut unknown = false;
        for word in &add.sources {
            // Unknown, or empty (a variable never declared): not judged.
            let Some(value) = word_value(df, stage, index, word).filter(|v| !v.is_empty()) else {
                unknown = true;
                break;
            };
            match add_source(&value) {
                AddSource::Local if !(unpack && may_be_archive(&value)) => plain.push(value),
                _ => other += 1,
            }
        }
        if unknown {
            continue;
        }
        for &h in &add.heredoc_sources {
            if let Some(doc) = instruction.heredocs.get(h) {
                plain.push(format!("<<{}", doc.name));
            }
        }
        if plain.is_empty() {
            continue;
        }
        let list = plain
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let keyword = instruction.keyword_span;
        if other > 0 {
            cx.report(
                keyword,
                format!(
                    "this `ADD` also copies {list}, which `COPY` would copy the same way: mixed with an archive or a download, the plain files hide what the step needs `ADD` for"
                ),
            )
            .label("plain files in an `ADD`")
            .help(format!(
                "copy {list} with a `COPY` of its own, and keep `ADD` for the archive or download"
            ));
            continue;
        }
        // An instruction BuildKit refuses keeps its error under `COPY` too
        // (in other words): no fix, which would only change the message.
        let span = instruction.span;
        let refused = df
            .errors
            .iter()
            .any(|e| span.start <= e.span.start && e.span.end <= span.end);
        let fixable = !refused
            && instruction.flags.iter().all(|f| {
                SHARED_FLAGS.contains(&f.name.value.as_str())
                    || DROPPED_FLAGS.contains(&f.name.value.as_str())
            });
        let builder = cx
            .report(
                keyword,
                format!(
                    "this `ADD` only copies {list}, as `COPY` does: `ADD` can also download and extract archives, so readers must check which one it does"
                ),
            )
            .label("use `COPY`")
            .help("write `COPY` instead of `ADD`");
        if fixable {
            let written = keyword.slice(source);
            let copy = if written.chars().all(|c| c.is_ascii_lowercase()) {
                "copy"
            } else {
                "COPY"
            };
            let mut edits = vec![Edit::replacement(keyword, copy)];
            let mut message = "replace `ADD` by `COPY`".to_string();
            for flag in &instruction.flags {
                if DROPPED_FLAGS.contains(&flag.name.value.as_str()) {
                    edits.push(Edit::deletion(flag_removal(source, flag.span)));
                    message.push_str(&format!(", drop `{}`", flag.span.slice(source)));
                }
            }
            builder.fix(Fix {
                message,
                applicability: Applicability::Safe,
                edits,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names() {
        for yes in [
            "rootfs.tar.xz",
            "a.TGZ",
            "dist/*",
            "pkg-?",
            "data.gz",
            "v.tzst",
        ] {
            assert!(may_be_archive(yes), "{yes}");
        }
        for no in [
            "app.conf",
            "src/",
            ".",
            "a.zip",
            "*.sh",
            "run.tar.sh",
            "x.jar",
            "x.tar.lz4",
        ] {
            assert!(!may_be_archive(no), "{no}");
        }
    }
}
