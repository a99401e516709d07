//! What DH108 to DH112 share: a namespace mode (`pid: host`, `--ipc=host`)
//! that puts the container in one of the host's namespaces.

use dockhard_parser::spec::Field;

use crate::context::ContainerContext;

/// One namespace a container can share with the host.
pub(crate) struct Namespace {
    /// The compose key (`pid`, `userns_mode`).
    pub key: &'static str,
    /// The command-line flag (`--pid`, `--userns`).
    pub flag: &'static str,
    /// The namespace's file under `/proc/<pid>/ns/`.
    pub ns_file: &'static str,
    /// The finding's label: `host PID namespace`.
    pub label: &'static str,
    /// What sharing it gives the container, after "shares the host's ...".
    pub shares: &'static str,
    pub help_compose: &'static str,
    pub help_command: &'static str,
}

/// Whether a mode puts the container in the host's namespace. Docker
/// compares the mode exactly (`PidMode.IsHost`: `== "host"`) and refuses
/// other spellings (`Host`, ` host`), so only `host` counts; podman also
/// joins a namespace by path (`ns:/proc/1/ns/pid`), where PID 1's is the
/// host's.
fn is_host(mode: &str, ns_file: &str) -> bool {
    mode == "host"
        || mode
            .strip_prefix("ns:/proc/1/ns/")
            .is_some_and(|f| f == ns_file)
}

/// Reports `field` when its mode is the host's namespace.
pub(crate) fn check(cx: &mut ContainerContext<'_>, field: Option<&Field<String>>, ns: &Namespace) {
    let Some(field) = field else { return };
    let Some(mode) = field.value.as_deref() else {
        return;
    };
    if !is_host(mode, ns.ns_file) {
        return;
    }
    // A flag that came through a variable (`$(RUN)`) is quoted from its value.
    let written = if cx.is_command() && field.origin.is_aliased() {
        format!("{}={mode}", ns.flag)
    } else if cx.is_command() {
        cx.written(field.origin).to_string()
    } else {
        format!("{}: {mode}", ns.key)
    };
    let help = cx.says(ns.help_compose, ns.help_command);
    cx.report(
        field.origin,
        format!("`{written}` shares the host's {}", ns.shares),
    )
    .label(ns.label)
    .help(help);
}

#[cfg(test)]
mod tests {
    use super::is_host;

    #[test]
    fn host_modes() {
        assert!(is_host("host", "pid"));
        assert!(is_host("ns:/proc/1/ns/pid", "pid"));
        assert!(!is_host("ns:/proc/1/ns/ipc", "pid"));
        assert!(!is_host("ns:/proc/42/ns/pid", "pid"));
        assert!(!is_host("Host", "pid"));
        assert!(!is_host(" host", "pid"));
        assert!(!is_host("container:db", "pid"));
        assert!(!is_host("service:db", "pid"));
        assert!(!is_host("private", "pid"));
    }
}
