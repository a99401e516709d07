pub mod dh600_memory_limit;
pub mod dh601_pids_limit;
pub mod dh602_cpu_limit;
pub mod dh603_oom_kill_disabled;
pub mod dh604_restart_policy;
pub mod dh605_healthcheck_disabled;
pub mod dh606_cgroup_parent;
pub mod dh607_unsafe_sysctls;
pub mod dh608_logging_disabled;

use dockhard_parser::compose::syntax::sets_limit;
use dockhard_parser::spec::{CommandKind, Limit};

use crate::context::ContainerContext;

/// `docker service create`, whose limits are `--limit-*` flags.
fn is_service(cx: &ContainerContext<'_>) -> bool {
    cx.spec
        .command()
        .is_some_and(|c| c.kind == CommandKind::Service)
}

/// A limit written with a value that sets none (`0`, `-1`).
fn sets_no_limit(limit: &Limit) -> bool {
    limit.field.value.as_deref().and_then(sets_limit) == Some(false)
}

/// A limit as written: the flag on a command line, `key: value` in compose.
fn written_limit(cx: &ContainerContext<'_>, limit: &Limit) -> String {
    if cx.is_command() {
        cx.written(limit.field.origin).to_string()
    } else {
        let value = limit.field.value.as_deref().unwrap_or_default();
        format!("{}: {value}", limit.setting)
    }
}
