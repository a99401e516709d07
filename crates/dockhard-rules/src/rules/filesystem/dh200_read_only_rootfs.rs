use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container whose root filesystem is writable: no
    /// `read_only: true` (booleans written as strings included), or
    /// `read_only: false` written out.
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

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    match &spec.read_only {
        Some(field) => {
            if field.value == Some(false) {
                cx.report(
                    field.origin,
                    "the root filesystem is explicitly writable (`read_only: false`)",
                )
                .label("writable")
                .help(HELP);
            }
        }
        None => {
            cx.report(
                spec.origin,
                "the root filesystem is writable: no `read_only: true`",
            )
            .label("service")
            .help(HELP);
        }
    }
}
