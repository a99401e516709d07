//! `dockhard`: the command line, as a library so that other binaries (the
//! pre-commit hook's package at the repository root) run the same program.

mod check;
mod cli;
mod discover;
mod fix;
#[doc(hidden)]
pub mod fuzzing;
mod host;
mod outcome;
mod output;
mod paths;
mod progress;
mod read;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Runs dockhard with the process's arguments; the exit code follows
/// DESIGN.md (0 clean, 1 findings at or above the fail level, 2 errors).
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Host(args) => host::run(*args),
        Command::Explain { rule } => cli::explain(&rule),
        Command::Rules { format } => cli::list_rules(format),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dockhard: {e}");
            ExitCode::from(2)
        }
    }
}
