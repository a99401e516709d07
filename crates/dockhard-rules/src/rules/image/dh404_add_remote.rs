use dockhard_parser::dockerfile::Kind;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;

use super::{AddSource, GitSource, add_instructions, add_source, is_commit_sha, word_value};

declare_rule! {
    /// ## What it does
    /// Reports an `ADD` that downloads something it does not verify: an
    /// HTTP(S) URL without `--checksum=sha256:…`, or a git repository
    /// (`https://…/repo.git`, `git@host:repo.git`, `ssh://`, `git://`)
    /// that is not pinned to a commit. A git source is pinned by a full
    /// commit SHA as its ref (`repo.git#<40 hex digits>`), or by a checksum
    /// BuildKit verifies the checked-out commit against (`--checksum=<commit>`,
    /// `?checksum=` or `?commit=` in the URL), which lets the ref be a tag. A
    /// checksum shorter than a full commit SHA is reported: BuildKit accepts
    /// any prefix, and a crafted commit can match a short one. The finding
    /// points at the source. Values from build arguments are judged on their
    /// defaults; unknown ones are not judged.
    ///
    /// ## Why is this bad?
    /// What the server returns at build time goes into the image unchecked:
    /// a compromised download site, a moved tag or branch, or a
    /// man-in-the-middle on plain `http://` changes the image without a
    /// change in the Dockerfile and without anyone noticing. A checksum or a
    /// commit makes the build fail instead (CIS Docker Benchmark 4.9).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:13
    /// ADD https://example.com/tool-1.4.tar.gz /opt/
    /// ADD https://github.com/example/config.git#v2 /etc/config
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:13
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool-1.4.tar.gz /opt/
    /// ADD --checksum=0c9e7fa1a3e6a4bd2c1e1e0c6c1d58b3b3c4f5a6 https://github.com/example/config.git#v2 /etc/config
    /// ```
    ///
    /// ## Fix
    /// None offered: the checksum must come from a copy you have checked
    /// (`sha256sum`, `git rev-parse v2^{commit}`).
    pub static ADD_REMOTE = {
        code: "DH404",
        name: "add-remote",
        category: Image,
        severity: Some(Warning),
        inputs: [Dockerfile],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.9" },
            Source::Trivy("DS005"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

/// Whether a git source is pinned to a commit; the problem when not.
fn git_problem(git: &GitSource, flag_checksum: Option<Option<&str>>) -> Option<String> {
    // `--checksum` whose value is not known: assume it pins.
    if matches!(flag_checksum, Some(None)) {
        return None;
    }
    let checksum = flag_checksum.flatten().or(git.checksum.as_deref());
    if let Some(sum) = checksum {
        let hex = sum.chars().all(|c| c.is_ascii_hexdigit());
        if hex && (sum.len() == 40 || sum.len() == 64) {
            return None;
        }
        if hex {
            return Some(format!(
                "its checksum `{sum}` is only a prefix of {} characters, which a crafted commit can match",
                sum.len()
            ));
        }
        // Not a commit hash: BuildKit rejects it; not this rule's business.
        return None;
    }
    match git.reference.as_deref() {
        Some(r) if is_commit_sha(r) => None,
        Some(r) => Some(format!(
            "it checks out `{r}`, a branch or tag that can be moved to other commits"
        )),
        None => Some(
            "it checks out the default branch, whatever commit that is at build time".to_string(),
        ),
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    for (stage, index, instruction) in add_instructions(df) {
        let Kind::Add(add) = &instruction.kind else {
            continue;
        };
        // `Some(None)`: a checksum whose value is not known.
        let flag_checksum: Option<Option<String>> = instruction.flag("checksum").map(|f| {
            f.value
                .as_ref()
                .and_then(|v| word_value(df, stage, index, v))
        });
        let flag_checksum_ref = flag_checksum.as_ref().map(|c| c.as_deref());
        for word in &add.sources {
            let Some(value) = word_value(df, stage, index, word) else {
                continue;
            };
            match add_source(&value) {
                AddSource::Http => {
                    if flag_checksum.is_some() {
                        continue;
                    }
                    let plain = if value.to_ascii_lowercase().starts_with("http://") {
                        " over plain HTTP"
                    } else {
                        ""
                    };
                    cx.report(
                        word.span,
                        format!(
                            "`ADD` downloads `{value}`{plain} without `--checksum`: whatever the server returns at build time goes into the image unverified"
                        ),
                    )
                    .label("not verified")
                    .help(
                        "add `--checksum=sha256:<digest>` with the digest of a copy you checked (`sha256sum`), so that the build fails when the file changes",
                    );
                }
                AddSource::Git(git) => {
                    let Some(problem) = git_problem(&git, flag_checksum_ref) else {
                        continue;
                    };
                    cx.report(
                        word.span,
                        format!(
                            "`ADD` clones `{value}` without pinning a commit: {problem}"
                        ),
                    )
                    .label("not pinned to a commit")
                    .help(
                        "pin the full commit SHA: `#<commit>` as the ref, or keep the tag and add `--checksum=<commit>` (`git rev-parse <tag>^{commit}` prints it)",
                    );
                }
                AddSource::Local | AddSource::Other => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(reference: Option<&str>, checksum: Option<&str>) -> GitSource {
        GitSource {
            reference: reference.map(str::to_string),
            checksum: checksum.map(str::to_string),
        }
    }

    #[test]
    fn git_sources_pinned_by_commit_or_checksum() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert!(git_problem(&git(Some(sha), None), None).is_none());
        assert!(git_problem(&git(Some("v1"), None), Some(Some(sha))).is_none());
        assert!(git_problem(&git(Some("v1"), Some(sha)), None).is_none());
        assert!(git_problem(&git(Some("v1"), None), Some(None)).is_none());
        assert!(git_problem(&git(Some("v1"), None), None).is_some());
        assert!(git_problem(&git(None, None), None).is_some());
        assert!(git_problem(&git(Some("v1"), None), Some(Some("be1f38e"))).is_some());
    }
}
