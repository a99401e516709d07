//! GitLab CI files (`.gitlab-ci.yml`, `*.gitlab-ci.yml`, and the files they
//! `include:` locally): the `script`, `before_script` and `after_script` of
//! each job and of `default:`, as a string or a list (nested lists from
//! anchors flattened, `!reference` tags skipped: the script is linted where
//! it is written). `image:` and `services:` are not command lines.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::github_actions::mark_expressions;
use super::{CommandInput, Extracted, InputFile, ShellBlock};
use crate::loader::Loader;
use crate::location::{FileId, Origin};
use crate::span::Span;
use crate::yaml::{self, Node};
use crate::yaml_text::scalar_text;

pub fn detect(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".gitlab-ci.yml") || n.ends_with(".gitlab-ci.yaml"))
}

/// Top-level keys that are not jobs.
const NOT_JOBS: &[&str] = &[
    "stages",
    "variables",
    "include",
    "workflow",
    "image",
    "services",
    "cache",
    "types",
    "spec",
    "default",
    "before_script",
    "after_script",
];

const SCRIPTS: &[&str] = &["before_script", "script", "after_script"];

/// Files read for one unit at most (includes of includes ...).
const MAX_FILES: usize = 64;

struct State<'a> {
    loader: &'a dyn Loader,
    root: PathBuf,
    input: CommandInput,
    seen_paths: HashSet<PathBuf>,
}

fn script_items(
    source: &str,
    file: FileId,
    node: &Node,
    seen: &mut HashSet<Span>,
    out: &mut Extracted,
) {
    if node.tag.as_deref() == Some("!reference") {
        return;
    }
    if let Some(items) = node.as_seq() {
        for item in items {
            script_items(source, file, item, seen, out);
        }
        return;
    }
    let Some(value) = node.scalar_text() else {
        return;
    };
    if !seen.insert(node.defined) {
        return;
    }
    let text = mark_expressions(scalar_text(source, node.defined, &value));
    out.blocks.push(ShellBlock::new(file, text));
}

/// The local files an `include:` names (remote, project, template and
/// component includes are not in this repository).
fn local_includes(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let mut one = |n: &Node| {
        if let Some(s) = n.as_str() {
            if !s.contains("://") {
                out.push(s.to_string());
            }
        } else if n.get("project").is_none()
            && let Some(local) = n.get("local").and_then(Node::as_str)
        {
            out.push(local.to_string());
        }
    };
    match node.as_seq() {
        Some(items) => items.iter().for_each(&mut one),
        None => one(node),
    }
    out
}

impl State<'_> {
    fn resolve(&self, written: &str) -> Vec<PathBuf> {
        let relative = written.trim_start_matches('/');
        let path = crate::paths::normalize(&self.root.join(relative));
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return Vec::new();
        };
        if !name.contains('*') {
            return vec![path];
        }
        // `.gitlab/ci/*.yml`: a wildcard in the file name.
        let (prefix, suffix) = name.split_once('*').unwrap_or((name, ""));
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut found: Vec<PathBuf> = self
            .loader
            .list(&dir)
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
            })
            .collect();
        found.sort();
        found
    }

    fn file(&mut self, path: PathBuf, text: String) {
        if self.input.files.len() >= MAX_FILES || !self.seen_paths.insert(path.clone()) {
            return;
        }
        let file = self.input.files.len();
        self.input.files.push(InputFile {
            path,
            text: text.clone(),
        });
        let out = &mut self.input.extracted;
        for c in yaml::comments(&text) {
            out.comment(file, c.span);
        }
        let root = match yaml::parse(&text, yaml::Limits::default()) {
            Ok(root) => root,
            Err(e) => {
                out.errors.push((
                    Origin::new(file, e.span),
                    format!("invalid YAML: {}; its commands are not linted", e.message),
                ));
                return;
            }
        };
        let mut seen = HashSet::new();
        for (key, value) in root.as_map().unwrap_or(&[]) {
            let Some(name) = key.as_str() else { continue };
            match name {
                "default" => {
                    for s in SCRIPTS {
                        if let Some(n) = value.get(s) {
                            script_items(&text, file, n, &mut seen, out);
                        }
                    }
                }
                "before_script" | "after_script" => {
                    script_items(&text, file, value, &mut seen, out)
                }
                _ if NOT_JOBS.contains(&name) => {}
                _ => {
                    for s in SCRIPTS {
                        if let Some(n) = value.get(s) {
                            script_items(&text, file, n, &mut seen, out);
                        }
                    }
                }
            }
        }
        let includes = root.get("include").map(local_includes).unwrap_or_default();
        for written in includes {
            for path in self.resolve(&written) {
                if let Ok(text) = self.loader.read(&path) {
                    self.file(path, text);
                }
            }
        }
    }
}

/// Where `include: local:` paths start: the directory of the repository's
/// `.gitlab-ci.yml` (the file itself, or the nearest one above it).
fn project_root(path: &Path, loader: &dyn Loader) -> PathBuf {
    let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml" {
        return parent;
    }
    for dir in parent.ancestors().skip(1).take(6) {
        if loader.read(&dir.join(".gitlab-ci.yml")).is_ok() {
            return dir.to_path_buf();
        }
    }
    parent
}

/// Reads a GitLab CI file and the local files it includes.
pub fn load(path: &Path, text: String, loader: &dyn Loader) -> CommandInput {
    let mut state = State {
        loader,
        root: project_root(path, loader),
        input: CommandInput {
            kind: super::FileKind::GitlabCi,
            files: Vec::new(),
            extracted: Extracted::default(),
        },
        seen_paths: HashSet::new(),
    };
    state.file(path.to_path_buf(), text);
    state.input
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Files(HashMap<PathBuf, String>);

    impl Loader for Files {
        fn read(&self, path: &Path) -> std::io::Result<String> {
            self.0
                .get(path)
                .cloned()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        }
        fn env(&self, _: &str) -> Option<String> {
            None
        }
        fn list(&self, dir: &Path) -> Vec<PathBuf> {
            self.0
                .keys()
                .filter(|p| p.parent() == Some(dir))
                .cloned()
                .collect()
        }
    }

    #[test]
    fn jobs_defaults_lists_anchors_and_includes() {
        let main = "include:\n  - local: /ci/build.yml\n  - '/ci/*.gitlab-ci.yml'\n  - remote: https://x/y.yml\nstages: [a]\nvariables:\n  X: docker run --privileged no\ndefault:\n  before_script:\n    - docker login\n.tmpl: &tmpl\n  - docker run --rm t\njob:\n  image: docker:27\n  services: [docker:dind]\n  script:\n    - *tmpl\n    - docker run a\n    - !reference [.x, script]\nother:\n  script: docker run b\n";
        let files = Files(HashMap::from([
            (
                PathBuf::from("/r/ci/build.yml"),
                "build:\n  script: [docker build .]\n".to_string(),
            ),
            (
                PathBuf::from("/r/ci/x.gitlab-ci.yml"),
                "x:\n  after_script: docker exec c\ninclude: /ci/build.yml\n".to_string(),
            ),
        ]));
        let input = load(Path::new("/r/.gitlab-ci.yml"), main.to_string(), &files);
        let texts: Vec<(usize, &str)> = input
            .extracted
            .blocks
            .iter()
            .map(|b| (b.file, b.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (0, "docker login"),
                (0, "docker run --rm t"),
                (0, "docker run a"),
                (0, "docker run b"),
                (1, "docker build ."),
                (2, "docker exec c"),
            ]
        );
        assert_eq!(input.files.len(), 3);
    }
}
