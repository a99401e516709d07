//! Every input kept under `fuzz/regressions/<target>/` (crashes, hangs and
//! slow inputs the fuzzers found, and the seeds that reproduce them) is run
//! through its target's body: it must return without panicking.

use std::path::PathBuf;

use dockhard_fuzz::{TARGETS, on_fuzzer_stack};

fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions")
}

#[test]
fn every_regression_input_runs() {
    let mut ran = 0;
    for (name, body) in TARGETS {
        let dir = regressions_dir().join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.file_name().is_some_and(|n| n == "README.md") {
                continue;
            }
            let Ok(data) = std::fs::read(&path) else {
                panic!("cannot read {}", path.display());
            };
            eprintln!("{name}: {}", path.display());
            on_fuzzer_stack(move || body(&data));
            ran += 1;
        }
    }
    eprintln!("{ran} regression inputs");
}

#[test]
fn regression_folders_name_targets() {
    let Ok(entries) = std::fs::read_dir(regressions_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            assert!(
                dockhard_fuzz::target(&name).is_some(),
                "fuzz/regressions/{name} is not a fuzz target"
            );
        }
    }
}

#[test]
fn every_target_takes_empty_and_small_inputs() {
    for (_, body) in TARGETS {
        for data in [
            &b""[..],
            b"\0",
            b"\x01",
            b"\xff\xfe",
            b"\x00\x00\x00\x00\x00\x00\x00",
        ] {
            body(data);
        }
    }
}
