//! `dockhard`: the command line.

mod check;
mod cli;
mod discover;
mod fix;
mod output;
mod paths;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(args),
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
