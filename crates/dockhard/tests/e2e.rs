//! The bundled end-to-end sample, run through the binary in every format.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

fn run(format: &str) -> (Option<i32>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_dockhard"))
        .args([
            "check",
            "fixtures/e2e",
            "--no-summary",
            "--as-of",
            "2026-11-29",
            "--format",
            format,
        ])
        .current_dir(root)
        .env("COLUMNS", "100")
        .output()
        .expect("run dockhard");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn e2e_sample_in_each_format() {
    for format in ["human", "concise", "json"] {
        let (code, text) = run(format);
        assert_eq!(
            code,
            Some(1),
            "{format}: findings at warning level fail the run"
        );
        let text = text.replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::with_settings!({
            snapshot_path => "snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("e2e_{format}"), text);
        });
    }
}
