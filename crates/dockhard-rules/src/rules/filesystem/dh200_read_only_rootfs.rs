use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container whose root filesystem is writable: no
    /// `read_only: true` (booleans written as strings included), or
    /// `read_only: false` written out; on a command line, no `--read-only`,
    /// or `--read-only=false`. A command whose flags cannot all be read (an
    /// expansion such as `$OPTS` where a flag may stand) is not reported as
    /// missing it.
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an intruder drop tools, change
    /// binaries and configuration, and persist for the container's lifetime.
    /// With a read-only root, the only writable places are the ones you chose
    /// (volumes, tmpfs). CIS Docker Benchmark 5.13.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     read_only: true
    ///     tmpfs:
    ///       - /var/cache/nginx
    ///       - /run
    /// ```
    ///
    /// ## Fix
    /// None offered: set `read_only: true`, then give each path the service
    /// writes a `tmpfs:` entry (scratch data) or a volume (data to keep).
    pub static READ_ONLY_ROOTFS = {
        code: "DH200",
        name: "read-only-rootfs",
        category: Filesystem,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.13" }],
        fix: None,
        core: true,
        container: check,
    }
}

const HELP: &str = "set `read_only: true`; give paths the service must write a `tmpfs:` entry \
                    (e.g. `tmpfs: [/tmp, /run]`) or a volume";
const HELP_COMMAND: &str = "add `--read-only`; give paths the container must write a `--tmpfs` (e.g. `--tmpfs /tmp`) or a volume";

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let help = cx.says(HELP, HELP_COMMAND);
    match &spec.read_only {
        Some(field) if field.value == Some(false) => {
            let written = if cx.is_command() {
                cx.written(field.origin)
            } else {
                "read_only: false"
            };
            cx.report(
                field.origin,
                format!("the root filesystem is explicitly writable (`{written}`)"),
            )
            .label("writable")
            .help(help);
        }
        Some(_) => {}
        None if spec.judges_missing() => {
            let missing = cx.says("read_only: true", "--read-only");
            let label = cx.owner_label();
            cx.report(
                spec.origin,
                format!("the root filesystem is writable: no `{missing}`"),
            )
            .label(label)
            .help(help);
        }
        None => {}
    }
}
