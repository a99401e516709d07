//! The Docker daemon's configuration file, `daemon.json` (the settings are
//! read by [`crate::daemon`]).

use std::path::Path;

pub fn detect(path: &Path) -> bool {
    super::file_name(path) == Some("daemon.json")
}
