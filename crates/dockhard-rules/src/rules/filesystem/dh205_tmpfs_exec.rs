use dockhard_parser::spec::Tmpfs;

use crate::context::ContainerContext;
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a tmpfs mount (`tmpfs:` in compose, `--tmpfs` on a command
    /// line) whose options do not write both `noexec` and `nosuid`. Docker
    /// and Podman mount a tmpfs `noexec,nosuid,nodev` by default and merge
    /// the options written after the path over those defaults, the last
    /// word winning: `exec` or `suid` written out makes the mount executable
    /// or setuid-capable (the finding says so), and a mount that writes
    /// neither relies on the engine's defaults. Long-syntax `type: tmpfs`
    /// volumes and `--mount type=tmpfs`, which cannot take these options,
    /// are not reported.
    ///
    /// ## Why is this bad?
    /// A writable, executable tmpfs is where an intruder drops and runs its
    /// tools, even when the root filesystem is read-only; with `suid`, a
    /// setuid binary written there gives root back to an unprivileged
    /// process. Writing `noexec,nosuid` states the intent where the mount is
    /// defined, and keeps the mount non-executable whatever options are
    /// added to it later.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp:exec,size=64m
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp:noexec,nosuid,size=64m
    /// ```
    ///
    /// ## Fix
    /// None offered: write `noexec,nosuid` in the mount's options (and drop
    /// `exec`/`suid`); if a program must run from the mount, ship it in the
    /// image instead.
    pub static TMPFS_EXEC = {
        code: "DH205",
        name: "tmpfs-exec",
        category: Filesystem,
        severity: Some(Info),
        inputs: [Compose, CommandLine],
        sources: [],
        fix: None,
        core: false,
        container: check,
    }
}

/// The last of two opposite options written (`exec`/`noexec`): Docker
/// merges options in order, the later one winning.
fn last_of<'a>(tmpfs: &'a Tmpfs, on: &str, off: &str) -> Option<&'a str> {
    tmpfs
        .options
        .iter()
        .rev()
        .find(|o| *o == on || *o == off)
        .map(String::as_str)
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    for field in &spec.tmpfs {
        let Some(tmpfs) = &field.value else { continue };
        let exec = last_of(tmpfs, "exec", "noexec");
        let suid = last_of(tmpfs, "suid", "nosuid");
        if exec == Some("noexec") && suid == Some("nosuid") {
            continue;
        }
        let quoted = if cx.is_command() {
            cx.written(field.origin).to_string()
        } else {
            let options = tmpfs.options.join(",");
            if options.is_empty() {
                format!("tmpfs: {}", tmpfs.target)
            } else {
                format!("tmpfs: {}:{options}", tmpfs.target)
            }
        };
        let explicit: Vec<&str> = [
            (exec == Some("exec")).then_some("`exec` lets programs run from it"),
            (suid == Some("suid")).then_some("`suid` honours setuid bits on it"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let message = if explicit.is_empty() {
            let missing: Vec<&str> = [
                (exec != Some("noexec")).then_some("noexec"),
                (suid != Some("nosuid")).then_some("nosuid"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let keeps = if exec == Some("noexec") {
                "setuid bits ignored"
            } else {
                "it non-executable"
            };
            format!(
                "`{quoted}` does not write `{}`: it relies on the engine's defaults (noexec,nosuid); writing them keeps {keeps} whatever options are added later",
                missing.join(",")
            )
        } else {
            format!(
                "`{quoted}` is a writable mount where {}",
                explicit.join(", and ")
            )
        };
        let help = cx.says(
            "write `noexec,nosuid` in its options, e.g. `/tmp:noexec,nosuid,size=64m`",
            "write `noexec,nosuid` in its options, e.g. `--tmpfs /tmp:noexec,nosuid,size=64m`",
        );
        let label = match (exec == Some("exec"), suid == Some("suid")) {
            (true, true) => "executable, setuid-capable tmpfs",
            (true, false) => "executable tmpfs",
            (false, true) => "setuid-capable tmpfs",
            (false, false) => "noexec,nosuid not written",
        };
        cx.report(field.origin, message).label(label).help(help);
    }
}
