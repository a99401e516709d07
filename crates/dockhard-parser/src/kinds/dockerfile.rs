//! Dockerfiles, by name: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
//! `*.dockerfile`, `Containerfile`, `Containerfile.*` (the parser is
//! [`crate::dockerfile`]).

use std::path::Path;

pub fn detect(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    let dockerfile = lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile");
    // Editor backups and ignore files are not Dockerfiles.
    let excluded = lower.ends_with(".dockerignore")
        || lower.ends_with(".containerignore")
        || lower.ends_with('~')
        || lower.ends_with(".orig")
        || lower.ends_with(".rej")
        || lower.ends_with(".swp");
    dockerfile && !excluded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Containerfile.fedora",
            "dir/Dockerfile",
        ] {
            assert!(detect(Path::new(name)), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            ".dockerignore",
            "Dockerfile~",
            "mydockerfile",
            "Dockerfile.orig",
            "README.md",
        ] {
            assert!(!detect(Path::new(name)), "{name}");
        }
    }
}
