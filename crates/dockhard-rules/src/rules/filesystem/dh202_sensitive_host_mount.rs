use super::mounts;
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a mount of a sensitive host directory: an error when it is
    /// read-write, a warning when it is read-only. Sensitive are `/` itself;
    /// `/etc`, `/proc`, `/sys`, `/boot`, `/dev`, `/usr`, `/bin`, `/sbin`,
    /// `/lib`, `/lib32`, `/lib64`, `/libx32`, `/root`, `/var/lib/docker`,
    /// `/var/lib/containerd`, `/var/lib/containers` (Podman) and
    /// `/var/lib/kubelet`, `/run/systemd` and `/run/dbus` (systemd's
    /// sockets and the system bus: control of the host's services), each
    /// with everything under it (`/etc/shadow`, `/proc/1/root`); and the directories that hold them, `/var` and
    /// `/var/lib`, and `/home` itself (every user's home; one user's
    /// directory below it is not reported). Read-only mounts of the time
    /// zone (`/etc/localtime`, `/etc/timezone`, `/usr/share/zoneinfo`) are
    /// not reported.
    ///
    /// The host source is what counts, in every form (`-v`, `--mount`, also
    /// on `podman build`, compose short and long syntax, a named volume whose `driver_opts`
    /// bind a host directory), after normalisation (`/etc/`, `//etc` and
    /// `/etc/../etc` are `/etc`). Relative paths (`./conf`) and named
    /// volumes are not host system paths. Container runtime sockets and
    /// `/run`, `/var/run` are DH201.
    ///
    /// ## Why is this bad?
    /// These directories are the host's own system: its configuration, its
    /// programs and libraries, its kernel interfaces and devices, the
    /// storage of its containers. Read-write, a process in the container can
    /// change what the host runs as root (a line in `/etc/cron.d`, a
    /// library in `/usr/lib`), which is an escape. Read-only, it can still
    /// read the host's secrets (`/etc/shadow`, SSH keys, other containers'
    /// files). CIS Docker Benchmark 5.6.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:2
    ///     volumes:
    ///       - /etc:/host/etc
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:2
    ///     volumes:
    ///       - /srv/backup/config:/config:ro
    ///       - /etc/localtime:/etc/localtime:ro
    /// ```
    ///
    /// ## Fix
    /// None: mount only the files the container needs, from a directory of
    /// their own, read-only where it only reads them.
    pub static SENSITIVE_HOST_MOUNT = {
        code: "DH202",
        name: "sensitive-host-mount",
        category: Filesystem,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.6" }],
        fix: None,
        core: false,
        commands: [Container, Service, Build],
        container: check,
    }
}

/// A sensitive directory; whether everything under it is sensitive too, and
/// what it holds.
struct Sensitive {
    path: &'static str,
    subtree: bool,
    holds: &'static str,
}

const SENSITIVE: &[Sensitive] = &[
    Sensitive {
        path: "/",
        subtree: false,
        holds: "the host's whole filesystem",
    },
    Sensitive {
        path: "/etc",
        subtree: true,
        holds: "the host's configuration (users, passwords, sudoers, cron, services)",
    },
    Sensitive {
        path: "/proc",
        subtree: true,
        holds: "the host's processes and kernel settings",
    },
    Sensitive {
        path: "/sys",
        subtree: true,
        holds: "the host's kernel, cgroup and device settings",
    },
    Sensitive {
        path: "/boot",
        subtree: true,
        holds: "the host's kernel and boot loader",
    },
    Sensitive {
        path: "/dev",
        subtree: true,
        holds: "the host's devices",
    },
    Sensitive {
        path: "/usr",
        subtree: true,
        holds: "the host's programs and libraries",
    },
    Sensitive {
        path: "/bin",
        subtree: true,
        holds: "the host's programs",
    },
    Sensitive {
        path: "/sbin",
        subtree: true,
        holds: "the host's system programs",
    },
    Sensitive {
        path: "/lib",
        subtree: true,
        holds: "the host's libraries and kernel modules",
    },
    Sensitive {
        path: "/lib32",
        subtree: true,
        holds: "the host's libraries",
    },
    Sensitive {
        path: "/lib64",
        subtree: true,
        holds: "the host's libraries",
    },
    Sensitive {
        path: "/libx32",
        subtree: true,
        holds: "the host's libraries",
    },
    Sensitive {
        path: "/root",
        subtree: true,
        holds: "root's home directory (SSH keys, shell startup files)",
    },
    Sensitive {
        path: "/home",
        subtree: false,
        holds: "every user's home directory (SSH keys, shell startup files)",
    },
    Sensitive {
        path: "/var",
        subtree: false,
        holds: "the host's state, Docker's storage included",
    },
    Sensitive {
        path: "/var/lib",
        subtree: false,
        holds: "the host's state, Docker's storage included",
    },
    Sensitive {
        path: "/var/lib/docker",
        subtree: true,
        holds: "Docker's storage (every container's files and volumes)",
    },
    Sensitive {
        path: "/var/lib/containerd",
        subtree: true,
        holds: "containerd's storage (every container's files)",
    },
    Sensitive {
        path: "/var/lib/containers",
        subtree: true,
        holds: "Podman's storage (every container's files and volumes)",
    },
    Sensitive {
        path: "/var/lib/kubelet",
        subtree: true,
        holds: "the kubelet's state (pod volumes, secrets, credentials)",
    },
    // Not container runtimes (DH201), but as good as root on the host:
    // systemd's private socket and the system bus start and change services.
    Sensitive {
        path: "/run/systemd",
        subtree: true,
        holds: "systemd's control sockets (start, stop and change the host's services)",
    },
    Sensitive {
        path: "/var/run/systemd",
        subtree: true,
        holds: "systemd's control sockets (start, stop and change the host's services)",
    },
    Sensitive {
        path: "/run/dbus",
        subtree: true,
        holds: "the system D-Bus (systemd, logind, polkit and other root services)",
    },
    Sensitive {
        path: "/var/run/dbus",
        subtree: true,
        holds: "the system D-Bus (systemd, logind, polkit and other root services)",
    },
];

/// Files that are fine to read: the host's time zone.
const TIME_ZONE: &[&str] = &["/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo"];

fn is_under(path: &str, dir: &str) -> bool {
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The most specific sensitive directory `path` is, or is under.
fn sensitive(path: &str) -> Option<&'static Sensitive> {
    SENSITIVE
        .iter()
        .filter(|s| {
            if s.subtree {
                is_under(path, s.path)
            } else {
                path == s.path
            }
        })
        .max_by_key(|s| s.path.len())
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    for field in &spec.volumes {
        let Some(mount) = &field.value else { continue };
        let Some(source) = mounts::host_source(mount) else {
            continue;
        };
        let Some(path) = source.absolute.as_deref() else {
            continue;
        };
        if mounts::runtime_access(&source).is_some() {
            continue;
        }
        let Some(dir) = sensitive(path) else { continue };
        let time_zone = TIME_ZONE.iter().any(|t| is_under(path, t));
        if time_zone && mount.read_only {
            continue;
        }
        let quoted = mounts::quote(cx, field, mount);
        let what = if time_zone {
            format!("`{path}`, the host's time zone,")
        } else if path == dir.path {
            format!("`{path}`, {},", dir.holds)
        } else if is_under(path, "/dev/shm") {
            format!("`{path}`, the host's shared memory,")
        } else {
            format!("`{path}`, in the host's `{}`,", dir.path)
        };
        let (tier, access, consequence) = if time_zone {
            (
                Severity::Error,
                "read-write",
                "the container can change the host's time zone data",
            )
        } else if mount.read_only {
            (
                Severity::Warning,
                "read-only",
                "the container can read what the host keeps there",
            )
        } else {
            (
                Severity::Error,
                "read-write",
                "the container can change what the host runs and trusts",
            )
        };
        let help = if time_zone {
            cx.says(
                "mount the time zone read-only: add `:ro` (or `read_only: true`)",
                "mount the time zone read-only: add `:ro` (or `readonly` to `--mount`)",
            )
        } else if mount.read_only {
            "mount only the files the container needs, from a directory of their own"
        } else {
            cx.says(
                "mount only the files the container needs, from a directory of their own, read-only (`:ro`) where it only reads them",
                "mount only the files the container needs, from a directory of their own, read-only (`:ro`, `readonly`) where it only reads them",
            )
        };
        cx.report_rated(
            field.origin,
            tier,
            format!("{quoted} mounts {what} {access}: {consequence}"),
        )
        .label(format!("host `{path}`, {access}"))
        .help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::sensitive;

    #[test]
    fn sensitive_paths() {
        for (path, dir) in [
            ("/", Some("/")),
            ("/etc", Some("/etc")),
            ("/etc/shadow", Some("/etc")),
            ("/proc/1/root", Some("/proc")),
            ("/var/lib/docker/volumes", Some("/var/lib/docker")),
            ("/var/lib", Some("/var/lib")),
            ("/home", Some("/home")),
            ("/home/alice/project", None),
            ("/var/lib/postgresql", None),
            ("/var/log", None),
            ("/etcd", None),
            ("/srv/etc", None),
            ("/opt", None),
            ("/tmp", None),
        ] {
            assert_eq!(sensitive(path).map(|s| s.path), dir, "{path}");
        }
    }
}
