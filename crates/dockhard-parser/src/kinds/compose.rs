//! Compose files, by name (`compose.y(a)ml`, `docker-compose*.y(a)ml`,
//! `compose.*.y(a)ml`, `*.compose.y(a)ml`, never a GitHub Actions workflow),
//! and which of them make one project (the loader is [`crate::compose`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn is_yaml_ext(name: &str) -> Option<&str> {
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
}

/// A compose file name: `compose.y(a)ml`, `docker-compose.y(a)ml`,
/// `compose.*.y(a)ml`, `docker-compose*.y(a)ml`, `*.compose.y(a)ml`.
pub fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(stem) = is_yaml_ext(&lower) else {
        return false;
    };
    stem == "compose"
        || stem.starts_with("compose.")
        || stem.starts_with("docker-compose")
        || stem.ends_with(".compose")
}

/// Default file names, in the order compose looks for them.
const BASE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

fn is_override_name(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "compose.override.yaml"
            | "compose.override.yml"
            | "docker-compose.override.yaml"
            | "docker-compose.override.yml"
    )
}

/// `compose.prod.yaml`, `docker-compose.test.yml`: a variant used together
/// with the base file (`-f compose.yaml -f compose.prod.yaml`).
fn is_dotted_variant(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(stem) = is_yaml_ext(&lower) else {
        return false;
    };
    (stem.starts_with("compose.") || stem.starts_with("docker-compose.")) && !is_override_name(name)
}

/// A GitHub Actions workflow has a `services:` key but is not a compose file.
pub(crate) fn is_workflow(path: &Path) -> bool {
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    parts
        .windows(2)
        .any(|w| w[0] == ".github" && w[1] == "workflows")
}

/// A compose file, by name, outside `.github/workflows/`.
pub fn detect(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_compose_name)
        && !is_workflow(path)
}

/// Groups compose files into projects, as `docker compose` would run them:
/// in each directory the base file (`compose.yaml`, then `compose.yml`,
/// `docker-compose.yaml`, `docker-compose.yml`) with its override files; a
/// dotted variant (`compose.prod.yaml`) with the base; any other compose file
/// on its own. The base file comes first in each project.
pub fn compose_projects(files: &[PathBuf]) -> Vec<Vec<PathBuf>> {
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        by_dir.entry(dir).or_default().push(f.clone());
    }
    let mut projects = Vec::new();
    for (_, mut list) in by_dir {
        list.sort();
        let name = |p: &PathBuf| {
            p.file_name()
                .and_then(|n| n.to_str())
                .map(str::to_ascii_lowercase)
                .unwrap_or_default()
        };
        let base = BASE_NAMES
            .iter()
            .find_map(|b| list.iter().find(|p| name(p) == *b).cloned());
        let overrides: Vec<PathBuf> = list
            .iter()
            .filter(|p| is_override_name(&name(p)))
            .cloned()
            .collect();
        for p in &list {
            let n = name(p);
            if Some(p) == base.as_ref() {
                let mut project = vec![p.clone()];
                project.extend(overrides.iter().cloned());
                projects.push(project);
            } else if is_override_name(&n) {
                if base.is_none() {
                    projects.push(vec![p.clone()]);
                }
            } else if BASE_NAMES.contains(&n.as_str()) {
                projects.push(vec![p.clone()]);
            } else if is_dotted_variant(&n)
                && let Some(b) = &base
            {
                projects.push(vec![b.clone(), p.clone()]);
            } else {
                projects.push(vec![p.clone()]);
            }
        }
    }
    projects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_names() {
        for name in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.yaml",
            "compose.override.yaml",
            "compose.prod.yml",
            "docker-compose.dev.yaml",
            "docker-compose-cluster.yml",
            "web.compose.yaml",
            "x/Compose.YAML",
        ] {
            assert!(detect(Path::new(name)), "{name}");
        }
        for name in [
            "compose.json",
            "compose-test.yaml",
            "config.yaml",
            ".github/workflows/docker-compose.yml",
            "mycompose.yml",
        ] {
            assert!(!detect(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn projects() {
        let files: Vec<PathBuf> = [
            "a/compose.yaml",
            "a/compose.override.yaml",
            "a/compose.prod.yaml",
            "a/docker-compose-cluster.yml",
            "b/docker-compose.override.yml",
            "c/docker-compose.yml",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let projects = compose_projects(&files);
        let show: Vec<Vec<&str>> = projects
            .iter()
            .map(|p| p.iter().filter_map(|x| x.to_str()).collect())
            .collect();
        assert_eq!(
            show,
            vec![
                vec!["a/compose.yaml", "a/compose.prod.yaml"],
                vec!["a/compose.yaml", "a/compose.override.yaml"],
                vec!["a/docker-compose-cluster.yml"],
                vec!["b/docker-compose.override.yml"],
                vec!["c/docker-compose.yml"],
            ]
        );
    }
}
