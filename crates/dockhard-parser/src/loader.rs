//! How parsers read the other files an input refers to (a compose file's
//! `extends`, a GitLab CI file's `include:`) and the environment: the binary
//! reads the disk, tests give fixed contents.

use std::path::Path;

pub trait Loader {
    fn read(&self, path: &Path) -> std::io::Result<String>;
    /// A variable of the process environment.
    fn env(&self, name: &str) -> Option<String>;
    /// The files of a directory (for a wildcard in a GitLab CI include).
    fn list(&self, dir: &Path) -> Vec<std::path::PathBuf> {
        let _ = dir;
        Vec::new()
    }
}

/// Reads files from disk and variables from the process environment.
pub struct FsLoader;

impl Loader for FsLoader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn list(&self, dir: &Path) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }
}
