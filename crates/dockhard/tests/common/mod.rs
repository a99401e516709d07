//! Helpers shared by the binary's integration tests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A temporary directory (links resolved, as the binary sees its working
/// directory), removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("dockhard-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir.canonicalize().expect("canonical temp dir"))
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("parent dir");
        }
        fs::write(&path, content).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The date `check` judges end of life against in tests, so that they
/// never depend on the day they run.
pub const AS_OF: &str = "2026-11-29";

/// The arguments with `--as-of AS_OF` after `check` (unless given).
pub fn with_date<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = args.to_vec();
    if out.first() == Some(&"check") && !out.iter().any(|a| a.starts_with("--as-of")) {
        out.insert(1, AS_OF);
        out.insert(1, "--as-of");
    }
    out
}

/// Runs the binary in `cwd`.
pub fn dockhard(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockhard"))
        .args(with_date(args))
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("run dockhard")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// (path, code) of every diagnostic of a JSON report.
pub fn codes(v: &Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The diagnostics of a JSON report with this code.
pub fn with_code<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}
