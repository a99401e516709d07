use dockhard_parser::compose::syntax::go_bool;

use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container where processes may gain privileges: no
    /// `no-new-privileges` in `security_opt` (`--security-opt` on a command
    /// line), or one explicitly set to false. Every spelling counts:
    /// `no-new-privileges`, `no-new-privileges:true`, `no-new-privileges=true`
    /// (and Docker's other boolean words, `1`, `t`). A missing setting is
    /// reported at the service (or the command), with the `security_opt:`
    /// list as a second place; a command whose flags cannot all be read is
    /// not reported as missing it.
    ///
    /// ## Why is this bad?
    /// Without it, a process can become root again through a setuid binary
    /// (`su`, `passwd`, `sudo`, anything in the image with the bit), whatever
    /// user the container starts as. `no-new-privileges` makes the kernel
    /// ignore setuid bits and file capabilities. CIS Docker Benchmark 5.26.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     user: "10001"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     user: "10001"
    ///     security_opt:
    ///       - no-new-privileges:true
    /// ```
    ///
    /// ## Fix
    /// None offered: add `security_opt: [no-new-privileges:true]` to the
    /// service (or set `"no-new-privileges": true` in `daemon.json` for every
    /// container, see DH801).
    pub static NO_NEW_PRIVILEGES = {
        code: "DH105",
        name: "no-new-privileges",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "5.26" },
            Source::Other("KICS (which misses the `=` and bare forms)"),
            Source::Other("Semgrep"),
        ],
        fix: None,
        core: true,
        container: check,
    }
}

const HELP: &str = "add `security_opt: [\"no-new-privileges:true\"]` to the service";
const HELP_COMMAND: &str = "add `--security-opt no-new-privileges`";

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let mut last = None;
    for opt in &spec.security_opt {
        match &opt.value {
            None => return, // an unknown value could be it
            Some(o) if o.name == "no-new-privileges" => last = Some((opt, o)),
            Some(_) => {}
        }
    }
    match last {
        None => {
            if !spec.judges_missing() {
                return;
            }
            let help = cx.says(HELP, HELP_COMMAND);
            let label = cx.owner_label();
            let files = cx.files;
            let report = cx
                .report(spec.origin, "`no-new-privileges` is not set: processes can regain privileges through setuid binaries")
                .label(label)
                .help(help);
            if let Some(key) = spec.security_opt_key {
                drop(report.related_origin(files, key, "no `no-new-privileges` in this list"));
            }
        }
        Some((field, opt)) => {
            let value = opt.value.as_deref();
            if value.is_none() || value.and_then(go_bool) == Some(true) {
                return;
            }
            if value.and_then(go_bool) == Some(false) {
                let written = if cx.is_command() {
                    cx.written(field.origin).to_string()
                } else {
                    format!("no-new-privileges:{}", value.unwrap_or_default())
                };
                let help = cx.says(
                    "set it to true: `no-new-privileges:true`",
                    "set it to true: `--security-opt no-new-privileges=true`",
                );
                cx.report(
                    field.origin,
                    format!("`no-new-privileges` is explicitly disabled (`{written}`)"),
                )
                .label("disabled")
                .help(help);
            }
        }
    }
}
