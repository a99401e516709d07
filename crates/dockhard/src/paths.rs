//! How paths are shown: relative to the working directory, without `./`,
//! when under it; absolute otherwise.

use dockhard_parser::paths::normalize;
use std::path::{Path, PathBuf};

pub fn display_path(path: &Path, cwd: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&cwd.join(path))
    };
    match absolute.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => absolute,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths() {
        let cwd = Path::new("/work/repo");
        assert_eq!(
            display_path(Path::new("./a/Dockerfile"), cwd),
            Path::new("a/Dockerfile")
        );
        assert_eq!(
            display_path(Path::new("a/../b/Dockerfile"), cwd),
            Path::new("b/Dockerfile")
        );
        assert_eq!(
            display_path(Path::new("../other/Dockerfile"), cwd),
            Path::new("/work/other/Dockerfile")
        );
        assert_eq!(
            display_path(Path::new("/work/repo/x/Dockerfile"), cwd),
            Path::new("x/Dockerfile")
        );
        assert_eq!(
            display_path(Path::new("/tmp/Dockerfile"), cwd),
            Path::new("/tmp/Dockerfile")
        );
    }
}
