//! `dockhard`: the command line.

fn main() -> std::process::ExitCode {
    dockhard::run()
}
