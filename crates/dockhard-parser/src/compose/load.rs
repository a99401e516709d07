//! Loading a compose project: reading its files, interpolating, `include`,
//! `extends`, merging override files, then normalising.

pub(super) use crate::paths::normalize as normalize_path;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::interpolate::{Interpolated, MAX_SUBSTITUTED, interpolate_within};
use super::merge::{self, merge_maps};
use super::normalize;
use super::schema;
use super::tree::{CNode, CValue, FileId, Origin, Scalar};
use crate::dockerfile::Dockerfile;
use crate::span::Span;
use crate::spec::{ContainerSpec, NetworkSpec};
use crate::yaml;

pub use crate::loader::{FsLoader, Loader};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    /// A compose file given for the project (the first is the base).
    Compose,
    /// A file pulled in by `extends: {file: ...}` or `include`.
    Referenced,
    /// A Dockerfile a service builds from.
    Dockerfile,
    /// The project's `.env`.
    EnvFile,
}

/// A file of the project.
#[derive(Clone, Debug)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub text: String,
    pub role: FileRole,
    /// The directory relative paths written in this file resolve against.
    pub base_dir: PathBuf,
}

/// Something `docker compose config` would reject (DH002).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectError {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// A Dockerfile that a service builds from.
#[derive(Clone, Debug)]
pub struct BuiltDockerfile {
    pub path: PathBuf,
    pub file: FileId,
    pub dockerfile: Dockerfile,
}

/// A loaded compose project.
#[derive(Clone, Debug, Default)]
pub struct Project {
    pub files: Vec<ProjectFile>,
    pub services: Vec<ContainerSpec>,
    /// Networks defined at the top level, then the implicit `default` when
    /// a service uses it without it being defined.
    pub networks: Vec<NetworkSpec>,
    pub errors: Vec<ProjectError>,
    pub dockerfiles: Vec<BuiltDockerfile>,
    pub project_dir: PathBuf,
}

impl Project {
    pub fn file(&self, id: FileId) -> Option<&ProjectFile> {
        self.files.get(id)
    }

    pub fn dockerfile(&self, path: &Path) -> Option<&BuiltDockerfile> {
        self.dockerfiles.iter().find(|d| d.path == path)
    }
}

/// A remote resource (`oci://...`, a git URL, a custom loader's `name:`):
/// not read, and not an error.
fn is_remote(reference: &str) -> bool {
    if reference.contains("://") || reference.starts_with("git@") {
        return true;
    }
    match reference.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

struct State<'a> {
    loader: &'a dyn Loader,
    project: Project,
    dotenv: HashMap<String, String>,
    /// Loaded files by path: their id and tree (after include and extends).
    loaded: HashMap<PathBuf, (FileId, Option<CNode>)>,
    /// Files being loaded, for cycle detection.
    stack: Vec<PathBuf>,
}

/// Loads the project made of `paths` (the base file first, then overrides).
pub fn load_project(paths: &[PathBuf], loader: &dyn Loader) -> Project {
    let project_dir = paths
        .first()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut state = State {
        loader,
        project: Project {
            project_dir: project_dir.clone(),
            ..Project::default()
        },
        dotenv: HashMap::new(),
        loaded: HashMap::new(),
        stack: Vec::new(),
    };
    state.read_dotenv(&project_dir);
    let mut merged: Option<CNode> = None;
    for path in paths {
        let Some(tree) = state.load(path, FileRole::Compose, &project_dir) else {
            continue;
        };
        merged = Some(match merged {
            None => tree,
            Some(base) => merge::merge(base, tree, &mut Vec::new()),
        });
    }
    if let Some(mut root) = merged {
        merge::strip_resets(&mut root);
        normalize::normalize(&root, &mut state.project, loader);
    }
    // A cycle met from two services is one error.
    let mut seen = std::collections::HashSet::new();
    state
        .project
        .errors
        .retain(|e| seen.insert((e.file, e.span, e.message.clone())));
    state.project
}

impl State<'_> {
    fn add_file(&mut self, path: &Path, text: String, role: FileRole, base_dir: &Path) -> FileId {
        self.project.files.push(ProjectFile {
            path: path.to_path_buf(),
            text,
            role,
            base_dir: base_dir.to_path_buf(),
        });
        self.project.files.len() - 1
    }

    fn error(&mut self, file: FileId, span: Span, message: impl Into<String>) {
        self.project.errors.push(ProjectError {
            file,
            span,
            message: message.into(),
        });
    }

    /// `.env` in the project directory, read as compose-go reads it (see
    /// `dotenv`); what compose would stop at is an error at its place.
    fn read_dotenv(&mut self, dir: &Path) {
        let path = dir.join(".env");
        let Ok(text) = self.loader.read(&path) else {
            return;
        };
        let loader = self.loader;
        let (entries, error) = super::dotenv::parse(&text, &|name| loader.env(name));
        for entry in entries {
            match entry.value {
                Some(v) => {
                    self.dotenv.insert(entry.key, v);
                }
                None => {
                    self.dotenv.remove(&entry.key);
                }
            }
        }
        let id = self.add_file(&path, text, FileRole::EnvFile, dir);
        if let Some(e) = error {
            self.error(id, Span::from_range(e.range), e.message);
        }
    }

    /// A file of the project as a message names it: relative to the
    /// project's directory when under it.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(normalize_path(&self.project.project_dir))
            .unwrap_or(path)
            .display()
            .to_string()
    }

    fn lookup(&self, name: &str) -> Option<String> {
        self.loader
            .env(name)
            .or_else(|| self.dotenv.get(name).cloned())
    }

    /// Reads, parses, checks and interpolates one compose file, then applies
    /// its `include` and `extends`. `None` if it cannot be read or parsed.
    fn load(&mut self, path: &Path, role: FileRole, base_dir: &Path) -> Option<CNode> {
        let path = normalize_path(path);
        if let Some((_, tree)) = self.loaded.get(&path) {
            return tree.clone();
        }
        if self.stack.contains(&path) {
            return None;
        }
        let text = match self.loader.read(&path) {
            Ok(t) => t,
            Err(e) => {
                // Reported by the caller where the path was written.
                let _ = e;
                return None;
            }
        };
        let id = self.add_file(&path, text.clone(), role, base_dir);
        self.loaded.insert(path.clone(), (id, None));
        let node = match yaml::parse(&text, yaml::Limits::default()) {
            Ok(n) => n,
            Err(e) => {
                self.error(id, e.span, e.message);
                return None;
            }
        };
        for e in schema::validate(&node) {
            self.error(id, e.span, e.message);
        }
        node.as_map()?;
        let node = lift_version_1(node);
        let mut tree = CNode::from_yaml(&node, id);
        // What interpolation may take in for this file, in all: linear in
        // its length (a scalar repeated by aliases, each taking in a large
        // `.env` value, costs no more).
        let mut budget = text.len().saturating_mul(16).saturating_add(8 << 20);
        self.interpolate(&mut tree, id, &mut budget);
        // While its own `include` and `extends` are applied, a file that
        // another file extends (back) is seen as written: a service can still
        // be resolved from it, and a cycle of `extends` is found.
        self.loaded.insert(path.clone(), (id, Some(tree.clone())));
        self.stack.push(path.clone());
        self.apply_include(&mut tree, id, &path);
        self.apply_extends(&mut tree, id, &path);
        self.stack.pop();
        self.loaded.insert(path, (id, Some(tree.clone())));
        Some(tree)
    }

    fn interpolate(&mut self, node: &mut CNode, file: FileId, budget: &mut usize) {
        match &mut node.value {
            CValue::Scalar(Scalar {
                text: Some(text),
                is_string: true,
            }) if text.contains('$') => {
                let limit = (*budget).min(MAX_SUBSTITUTED);
                let result = interpolate_within(text, &|name| self.lookup(name), limit);
                if let Ok((_, taken)) = &result {
                    *budget = budget.saturating_sub(*taken);
                }
                match result.map(|(value, _)| value) {
                    Ok(Interpolated::Known(v)) => *text = v,
                    Ok(Interpolated::Unknown) => {
                        node.value = CValue::Scalar(Scalar {
                            text: None,
                            is_string: true,
                        })
                    }
                    Err(e) => {
                        let span = node.origin.span;
                        node.value = CValue::Scalar(Scalar {
                            text: None,
                            is_string: true,
                        });
                        self.error(file, span, e.to_string());
                    }
                }
            }
            CValue::Seq(items) => {
                for item in items {
                    self.interpolate(item, file, budget);
                }
            }
            CValue::Map(entries) => {
                for (_, v) in entries {
                    self.interpolate(v, file, budget);
                }
            }
            _ => {}
        }
    }

    /// `include:` entries: the included files' services, networks, volumes,
    /// secrets and configs are added; a name the including file defines wins.
    fn apply_include(&mut self, tree: &mut CNode, file: FileId, path: &Path) {
        let Some(entries) = tree
            .get("include")
            .and_then(CNode::as_seq)
            .map(<[CNode]>::to_vec)
        else {
            return;
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for entry in entries {
            let (paths, project_dir): (Vec<(String, Origin)>, Option<String>) = match entry.text() {
                Some(p) => (vec![(p.to_string(), entry.origin)], None),
                None => {
                    let paths = match entry.get("path") {
                        Some(p) if p.text().is_some() => {
                            vec![(p.text().unwrap_or_default().to_string(), p.origin)]
                        }
                        Some(p) => p
                            .as_seq()
                            .unwrap_or(&[])
                            .iter()
                            .filter_map(|x| x.text().map(|t| (t.to_string(), x.origin)))
                            .collect(),
                        None => Vec::new(),
                    };
                    let pd = entry
                        .get("project_directory")
                        .and_then(CNode::text)
                        .map(str::to_string);
                    (paths, pd)
                }
            };
            for (rel, origin) in paths {
                if is_remote(&rel) {
                    continue;
                }
                let included = normalize_path(&dir.join(&rel));
                if let Some(at) = self.stack.iter().position(|p| *p == included) {
                    let cycle: Vec<String> = self.stack[at..]
                        .iter()
                        .chain(std::iter::once(&included))
                        .map(|p| self.shown(p))
                        .collect();
                    self.error(
                        file,
                        origin.span,
                        format!("include cycle: {}", cycle.join(" → ")),
                    );
                    continue;
                }
                let base = project_dir
                    .as_deref()
                    .map(|d| normalize_path(&dir.join(d)))
                    .unwrap_or_else(|| {
                        included.parent().map(Path::to_path_buf).unwrap_or_default()
                    });
                let Some(sub) = self.load(&included, FileRole::Referenced, &base) else {
                    if let Err(e) = self.loader.read(&included) {
                        self.error(
                            file,
                            origin.span,
                            format!("cannot read included file `{rel}`: {e}"),
                        );
                    }
                    continue;
                };
                for section in ["services", "networks", "volumes", "secrets", "configs"] {
                    let Some(their) = sub.get(section).and_then(CNode::as_map).map(<[_]>::to_vec)
                    else {
                        continue;
                    };
                    let Some(root) = tree.as_map_mut() else {
                        return;
                    };
                    let pos = root.iter().position(|(k, _)| k.name == section);
                    let target = match pos {
                        Some(i) => &mut root[i].1,
                        None => {
                            root.push((
                                super::tree::Key {
                                    name: section.to_string(),
                                    origin,
                                },
                                CNode {
                                    value: CValue::Map(Vec::new()),
                                    origin,
                                    tag: None,
                                },
                            ));
                            let last = root.len() - 1;
                            &mut root[last].1
                        }
                    };
                    if let Some(ours) = target.as_map_mut() {
                        for (k, v) in their {
                            if !ours.iter().any(|(o, _)| o.name == k.name) {
                                ours.push((k, v));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Resolves `extends` of every service of a file.
    fn apply_extends(&mut self, tree: &mut CNode, file: FileId, path: &Path) {
        let names: Vec<String> = tree
            .get("services")
            .and_then(CNode::as_map)
            .map(|m| m.iter().map(|(k, _)| k.name.clone()).collect())
            .unwrap_or_default();
        for name in names {
            let mut chain = Vec::new();
            if let Some(resolved) = self.resolve_service(tree, file, path, &name, &mut chain)
                && let Some(services) = tree
                    .as_map_mut()
                    .and_then(|m| m.iter_mut().find(|(k, _)| k.name == "services"))
                    .and_then(|(_, v)| v.as_map_mut())
                && let Some(slot) = services.iter_mut().find(|(k, _)| k.name == name)
            {
                slot.1 = resolved;
            }
        }
    }

    /// A service with its `extends` chain merged in.
    fn resolve_service(
        &mut self,
        tree: &CNode,
        file: FileId,
        path: &Path,
        name: &str,
        chain: &mut Vec<(PathBuf, String)>,
    ) -> Option<CNode> {
        let service = tree.get("services")?.get(name)?.clone();
        let Some(extends) = service.get("extends").cloned() else {
            return Some(service);
        };
        let key = (path.to_path_buf(), name.to_string());
        if let Some(at) = chain.iter().position(|k| *k == key) {
            let one_file = chain[at..].iter().all(|(p, _)| p == path);
            let cycle: Vec<String> = chain[at..]
                .iter()
                .chain(std::iter::once(&key))
                .map(|(p, n)| {
                    if one_file {
                        format!("`{n}`")
                    } else {
                        format!("`{n}` ({})", self.shown(p))
                    }
                })
                .collect();
            // A block mapping has no span of its own: its `service:` has.
            let span = extends
                .get("service")
                .map_or(extends.origin.span, |s| s.origin.span);
            self.error(
                file,
                span,
                format!("circular `extends`: {}", cycle.join(" → ")),
            );
            return Some(without(&service, "extends"));
        }
        chain.push(key);
        let (base_name, base_file) = match extends.text() {
            Some(s) => (s.to_string(), None),
            None => (
                extends
                    .get("service")
                    .and_then(CNode::text)
                    .unwrap_or_default()
                    .to_string(),
                extends
                    .get("file")
                    .map(|f| (f.text().map(str::to_string), f.origin)),
            ),
        };
        let base = match base_file {
            None | Some((None, _)) => {
                let found = tree
                    .get("services")
                    .and_then(|s| s.get(&base_name))
                    .is_some();
                if !found {
                    self.error(
                        file,
                        extends.origin.span,
                        format!("service `{name}` extends `{base_name}`, which is not defined"),
                    );
                    None
                } else {
                    self.resolve_service(tree, file, path, &base_name, chain)
                }
            }
            Some((Some(rel), _)) if is_remote(&rel) => None,
            Some((Some(rel), origin)) => {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let other = normalize_path(&dir.join(&rel));
                let other_dir = other.parent().map(Path::to_path_buf).unwrap_or_default();
                match self.load(&other, FileRole::Referenced, &other_dir) {
                    Some(other_tree) => {
                        let other_id = self.loaded.get(&other).map(|(id, _)| *id).unwrap_or(file);
                        match self.resolve_service(&other_tree, other_id, &other, &base_name, chain)
                        {
                            Some(b) => Some(b),
                            None => {
                                self.error(
                                    file,
                                    extends.origin.span,
                                    format!("service `{base_name}` not found in `{rel}`"),
                                );
                                None
                            }
                        }
                    }
                    None => {
                        if let Err(e) = self.loader.read(&other) {
                            self.error(
                                file,
                                origin.span,
                                format!("cannot read extended file `{rel}`: {e}"),
                            );
                        }
                        None
                    }
                }
            }
        };
        chain.pop();
        let local = without(&service, "extends");
        Some(match base {
            Some(b) => {
                let mut path_keys = vec!["services".to_string(), name.to_string()];
                match (b.value, local.value) {
                    (CValue::Map(bm), CValue::Map(lm)) => CNode {
                        value: CValue::Map(merge_maps(bm, lm, &mut path_keys)),
                        origin: local.origin,
                        tag: None,
                    },
                    (_, v) => CNode {
                        value: v,
                        origin: local.origin,
                        tag: local.tag,
                    },
                }
            }
            None => local,
        })
    }
}

fn without(node: &CNode, key: &str) -> CNode {
    let mut n = node.clone();
    if let Some(m) = n.as_map_mut() {
        m.retain(|(k, _)| k.name != key);
    }
    n
}

/// A version 1 file (services at the top level, no `services:`) is read as
/// if its services were under `services:`, so that their settings are still
/// judged; the file has its DH002 for the format already.
fn lift_version_1(root: yaml::Node) -> yaml::Node {
    let Some(names) = schema::version_1_services(&root)
        .map(|services| services.iter().map(|(k, _)| k.span).collect::<Vec<_>>())
    else {
        return root;
    };
    let span = root.span;
    let yaml::Value::Map(entries) = root.value else {
        return yaml::Node::synthetic(root.value, span);
    };
    let (services, rest): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|(k, _)| names.contains(&k.span));
    // `net:` became `network_mode:` with the same values (`host`,
    // `container:name`, `none`, `bridge`). Without it, a version 1 container
    // joins the daemon's default bridge (docker-compose 1.x made no project
    // network for this format): `network_mode: bridge`, written nowhere, so
    // it sits at the service's name.
    let services = services
        .into_iter()
        .map(|(k, mut v)| {
            if let yaml::Value::Map(entries) = &mut v.value {
                let mut has_net = false;
                for (key, _) in entries.iter_mut() {
                    if key.scalar_text().as_deref() == Some("net") {
                        key.value = yaml::Value::String("network_mode".into());
                        has_net = true;
                    }
                }
                if !has_net {
                    entries.push((
                        yaml::Node::synthetic(yaml::Value::String("network_mode".into()), k.span),
                        yaml::Node::synthetic(yaml::Value::String("bridge".into()), k.span),
                    ));
                }
            }
            (k, v)
        })
        .collect();
    let key = yaml::Node::synthetic(
        yaml::Value::String("services".into()),
        Span::empty_at(span.start),
    );
    let mut lifted = vec![(key, yaml::Node::synthetic(yaml::Value::Map(services), span))];
    lifted.extend(rest);
    yaml::Node {
        value: yaml::Value::Map(lifted),
        ..root
    }
}
