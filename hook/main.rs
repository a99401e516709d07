//! `dockhard-hook`: dockhard as the pre-commit hook installs it (see
//! `.pre-commit-hooks.yaml`); the same program as `dockhard`.

fn main() -> std::process::ExitCode {
    dockhard::run()
}
