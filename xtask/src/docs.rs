//! `cargo xtask docs [--check]`: writes `docs/rules/<CODE>.md` and the index
//! from the rules' metadata.

use std::fs;
use std::path::PathBuf;

use dockhard_rules::RULES;
use dockhard_rules::docs::{index_markdown, rule_markdown};

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|p| p.join("docs/rules"))
        .unwrap_or_else(|| PathBuf::from("docs/rules"))
}

pub fn run(check: bool) -> Result<(), String> {
    let dir = docs_dir();
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<(PathBuf, String)> = RULES
        .iter()
        .map(|r| (dir.join(format!("{}.md", r.code)), rule_markdown(r)))
        .collect();
    files.push((dir.join("README.md"), index_markdown(RULES)));
    let mut stale = Vec::new();
    for (path, content) in files {
        if fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()) {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else {
            fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!("stale docs (run `cargo xtask docs`): {stale:?}"))
    }
}
