//! What kind of input a file is, from its name.

use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Dockerfile,
}

impl FileKind {
    /// Recognises a file by name: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
    /// `*.dockerfile`, `Containerfile`, `Containerfile.*`.
    pub fn detect(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
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
        (dockerfile && !excluded).then_some(FileKind::Dockerfile)
    }

    pub fn from_name(name: &str) -> Option<FileKind> {
        match name.to_ascii_lowercase().as_str() {
            "dockerfile" | "containerfile" => Some(FileKind::Dockerfile),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "dockerfile",
        }
    }
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
            assert_eq!(
                FileKind::detect(Path::new(name)),
                Some(FileKind::Dockerfile),
                "{name}"
            );
        }
        for name in [
            "Dockerfile.dockerignore",
            ".dockerignore",
            "Dockerfile~",
            "mydockerfile",
            "Dockerfile.orig",
            "compose.yaml",
            "README.md",
        ] {
            assert_eq!(FileKind::detect(Path::new(name)), None, "{name}");
        }
    }
}
