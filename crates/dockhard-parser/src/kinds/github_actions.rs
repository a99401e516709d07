//! GitHub Actions workflows (`.github/workflows/*.y(a)ml`): the `run:` of
//! each step run by `sh` or `bash` (not `pwsh`, `python`, nor the Windows
//! default), and the `options:` of a job's `container:` and `services:`,
//! which the runner passes to `docker create` (judged on values written
//! only: the runner adds flags of its own). `${{ ... }}` is an unknown value.

use std::collections::HashSet;
use std::path::Path;

use super::{Extracted, ShellBlock};
use crate::location::Origin;
use crate::mapped::MappedText;
use crate::span::Span;
use crate::yaml::{self, Node};
use crate::yaml_text::scalar_text;

pub fn detect(path: &Path) -> bool {
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == "yml" || e == "yaml");
    yaml && super::compose::is_workflow(path)
}

/// A `${{ ... }}` expression is replaced before the shell runs: its value is
/// unknown wherever it stands, quoted or not.
pub(super) fn mark_expressions(text: MappedText) -> MappedText {
    let s = text.as_str();
    let mut ranges = Vec::new();
    let mut at = 0;
    while let Some(open) = s.get(at..).and_then(|r| r.find("${{")) {
        let start = at + open;
        let Some(close) = s.get(start + 3..).and_then(|r| r.find("}}")) else {
            break;
        };
        let end = start + 3 + close + 2;
        ranges.push((start, end));
        at = end;
    }
    if ranges.is_empty() {
        text
    } else {
        text.with_unknown(&ranges, "${_}")
    }
}

fn shell_of(node: &Node) -> Option<&str> {
    node.get("defaults")?.get("run")?.get("shell")?.as_str()
}

/// Whether a step's shell is one this model reads. Without `shell:`, the
/// runner uses bash (pwsh on Windows runners).
fn is_posix_shell(shell: Option<&str>, windows: bool) -> bool {
    match shell {
        None => !windows,
        Some(s) => {
            let program = s.split_whitespace().next().unwrap_or("");
            let base = program.rsplit('/').next().unwrap_or(program);
            matches!(base, "bash" | "sh")
        }
    }
}

fn runs_on_windows(job: &Node) -> bool {
    let Some(runs_on) = job.get("runs-on") else {
        return false;
    };
    let mentions = |n: &Node| {
        n.as_str()
            .is_some_and(|s| s.to_ascii_lowercase().contains("windows"))
    };
    mentions(runs_on)
        || runs_on
            .as_seq()
            .is_some_and(|items| items.iter().any(mentions))
}

/// The scalar's text mapped to the file, expressions unknown.
fn mapped(source: &str, node: &Node) -> Option<MappedText> {
    let value = node.scalar_text()?;
    Some(mark_expressions(scalar_text(source, node.defined, &value)))
}

/// `container:`/`services.<name>:` with `options:`: a `docker create` of its
/// image with those flags.
fn options_block(source: &str, node: &Node) -> Option<ShellBlock> {
    let options = node.get("options")?;
    let mut text = MappedText::new();
    text.push_synthetic("docker create ");
    text.extend(&mapped(source, options)?);
    text.push_synthetic(" ");
    match node.get("image").and_then(|i| mapped(source, i)) {
        Some(image) if !image.is_empty() => text.extend(&image),
        _ => text.push_synthetic("image"),
    }
    Some(ShellBlock {
        file: 0,
        text,
        values_only: true,
    })
}

pub fn extract(source: &str) -> Extracted {
    let mut out = Extracted::default();
    for c in yaml::comments(source) {
        out.comment(0, c.span);
    }
    let root = match yaml::parse(source, yaml::Limits::default()) {
        Ok(root) => root,
        Err(e) => {
            out.errors.push((
                Origin::new(0, e.span),
                format!("invalid YAML: {}; its commands are not linted", e.message),
            ));
            return out;
        }
    };
    let workflow_shell = shell_of(&root);
    let mut seen: HashSet<Span> = HashSet::new();
    let jobs = root.get("jobs").and_then(Node::as_map).unwrap_or(&[]);
    for (_, job) in jobs {
        let job_shell = shell_of(job).or(workflow_shell);
        let windows = runs_on_windows(job);
        if let Some(container) = job.get("container")
            && seen.insert(container.defined)
        {
            out.blocks.extend(options_block(source, container));
        }
        for (_, service) in job.get("services").and_then(Node::as_map).unwrap_or(&[]) {
            if seen.insert(service.defined) {
                out.blocks.extend(options_block(source, service));
            }
        }
        for step in job.get("steps").and_then(Node::as_seq).unwrap_or(&[]) {
            let Some(run) = step.get("run") else { continue };
            let shell = step.get("shell").and_then(Node::as_str).or(job_shell);
            if !is_posix_shell(shell, windows) || !seen.insert(run.defined) {
                continue;
            }
            if let Some(text) = mapped(source, run) {
                out.blocks.push(ShellBlock::new(0, text));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse_script;

    #[test]
    fn runs_options_and_shells() {
        let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n      image: node:20\n      options: --user root\n    services:\n      db:\n        image: postgres:16\n        options: >-\n          --health-cmd pg_isready\n    steps:\n      - run: docker run --rm x\n      - shell: pwsh\n        run: docker run --privileged y\n      - shell: python\n        run: print(1)\n  w:\n    runs-on: windows-latest\n    steps:\n      - run: docker run z\n";
        let e = extract(src);
        let texts: Vec<&str> = e.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "docker create --user root node:20",
                "docker create --health-cmd pg_isready postgres:16",
                "docker run --rm x"
            ]
        );
        assert!(e.blocks[0].values_only && !e.blocks[2].values_only);
    }

    #[test]
    fn expressions_are_unknown() {
        let src = "jobs:\n  a:\n    steps:\n      - run: docker run ${{ inputs.flags }} --name '${{ matrix.n }}' app\n";
        let e = extract(src);
        let script = parse_script(&e.blocks[0].text);
        let args = script.commands[0].args();
        assert!(args[1].dynamic);
        assert!(args[3].dynamic);
        assert!(!args[4].dynamic);
    }

    #[test]
    fn invalid_yaml_is_an_error() {
        let e = extract("jobs: [\n");
        assert_eq!(e.errors.len(), 1);
        assert!(e.blocks.is_empty());
    }
}
