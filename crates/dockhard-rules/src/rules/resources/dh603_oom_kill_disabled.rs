use super::sets_no_limit;
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::diagnostic::Severity;

declare_rule! {
    /// ## What it does
    /// Reports a container whose OOM killer is disabled: `oom_kill_disable:
    /// true` (booleans written as strings included), `--oom-kill-disable`
    /// (not `--oom-kill-disable=false`). It is an error when the container
    /// has no memory limit either (no `mem_limit`,
    /// `deploy.resources.limits.memory` or `--memory`, or a limit of `0`), a
    /// warning otherwise. On a command whose flags cannot all be read, or in
    /// the container options of a GitHub Actions job, a limit that is not
    /// written may still be there: the finding is a warning.
    ///
    /// Docker applies the option on cgroup v1 hosts only; on cgroup v2 it
    /// discards it with a warning, so the setting is at best dead and at
    /// worst a trap on an older host.
    ///
    /// ## Why is this bad?
    /// With the OOM killer disabled, a container that reaches its memory
    /// limit is not stopped: its processes hang until memory is freed. With
    /// no memory limit at all, Docker's own documentation warns that the host
    /// can run out of memory and the kernel may have to kill the host's
    /// processes instead.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: example/cache:4
    ///     oom_kill_disable: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: example/cache:4
    ///     mem_limit: 1g
    /// ```
    ///
    /// ## Fix
    /// None offered: remove `oom_kill_disable`; if the container must not be
    /// killed first, lower its `oom_score_adj` and give it a memory limit
    /// with headroom.
    pub static OOM_KILL_DISABLED = {
        code: "DH603",
        name: "oom-kill-disabled",
        category: Resources,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let Some(field) = &spec.oom_kill_disable else {
        return;
    };
    if field.value != Some(true) {
        return;
    }
    let written = if cx.is_command() {
        cx.written(field.origin)
    } else {
        "oom_kill_disable: true"
    };
    let no_memory_limit = match &spec.limits.memory {
        Some(limit) => sets_no_limit(limit),
        None => spec.judges_missing(),
    };
    let help = cx.says(
        "remove `oom_kill_disable`; to protect the container, lower its `oom_score_adj` and give it a memory limit with headroom",
        "remove `--oom-kill-disable`; to protect the container, lower its `--oom-score-adj` and give it a `--memory` limit with headroom",
    );
    if no_memory_limit {
        cx.report_rated(
            field.origin,
            Severity::Error,
            format!("`{written}` without a memory limit: when the container fills the host's memory, the kernel may kill the host's processes instead"),
        )
        .label("OOM killer disabled")
        .help(help);
    } else {
        cx.report_rated(
            field.origin,
            Severity::Warning,
            format!("`{written}`: at its memory limit the container's processes hang instead of being stopped"),
        )
        .label("OOM killer disabled")
        .help(help);
    }
}
