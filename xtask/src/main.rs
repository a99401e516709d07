//! Developer commands: `cargo xtask <command>`.
//!
//! - `conformance <dir>`: compares our Dockerfile parse with BuildKit's
//!   reference fixtures (`../shared/conformance/buildkit`).
//! - `docs`: regenerates `docs/rules/<CODE>.md` from the rule metadata.
//! - `corpus <dir>`: the corpus smoke run of the release binary.

mod conformance;
mod corpus;
mod docs;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("conformance") => conformance::run(args.get(1).map(String::as_str)),
        Some("docs") => docs::run(args.iter().any(|a| a == "--check")),
        Some("corpus") => corpus::run(&args[1..]),
        _ => Err(
            "usage: cargo xtask conformance <buildkit-dir> | docs [--check] | corpus <dir> [--bin <dockhard>]"
                .to_string(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
