//! `fuzz-seeds OUT SOURCE...`: writes seed inputs for every fuzz target
//! into `OUT/<target>/`, from the files under each SOURCE directory (and
//! the hand-written seeds). Used by `scripts/fuzz.sh`.

use std::collections::BTreeMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use dockhard_fuzz::seeds::{MAX_SEED, for_dir, for_file, handwritten};

fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<(PathBuf, Vec<u8>)>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n == ".git" || n == "target")
            {
                continue;
            }
            walk(&path, out);
        } else if meta.is_file()
            && meta.len() as usize <= MAX_SEED
            && let Ok(bytes) = std::fs::read(&path)
        {
            out.entry(dir.to_path_buf())
                .or_default()
                .push((path, bytes));
        }
    }
}

fn main() -> std::process::ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let Some((out, sources)) = args.split_first() else {
        eprintln!("usage: fuzz-seeds OUT SOURCE...");
        return std::process::ExitCode::from(2);
    };
    let mut dirs = BTreeMap::new();
    for source in sources {
        walk(source, &mut dirs);
    }
    let mut seeds = handwritten();
    for files in dirs.values() {
        for (path, bytes) in files {
            seeds.extend(for_file(path, bytes));
        }
        seeds.extend(for_dir(files));
    }
    let mut written: BTreeMap<&str, usize> = BTreeMap::new();
    for (target, bytes) in seeds {
        if bytes.len() > MAX_SEED {
            continue;
        }
        let dir = out.join(target);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("fuzz-seeds: {}: {e}", dir.display());
            return std::process::ExitCode::from(2);
        }
        let mut h = DefaultHasher::new();
        bytes.hash(&mut h);
        let path = dir.join(format!("seed-{:016x}", h.finish()));
        if !path.exists() {
            if let Err(e) = std::fs::write(&path, &bytes) {
                eprintln!("fuzz-seeds: {}: {e}", path.display());
                return std::process::ExitCode::from(2);
            }
            *written.entry(target).or_default() += 1;
        }
    }
    for (target, n) in written {
        println!("{target}: {n} seeds");
    }
    std::process::ExitCode::SUCCESS
}
