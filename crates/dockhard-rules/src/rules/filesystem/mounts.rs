//! What a mount gives the container from the host, for the mount rules
//! (DH201, DH202, DH203): the host path behind it, normalised, and how the
//! mount is quoted in a finding.

use dockhard_parser::spec::{Field, Mount, MountKind};

use crate::context::ContainerContext;

/// The host path a mount binds: a bind mount's source, a named pipe, or the
/// directory a named volume binds with its driver options
/// (`driver_opts: {type: none, o: bind, device: /srv}`).
pub(crate) struct HostSource<'a> {
    /// The path as written.
    pub path: &'a str,
    /// The path made absolute and lexical (`//etc/../etc/` is `/etc`);
    /// `None` for a relative path (`./conf`, `~/x`) or a Windows path.
    pub absolute: Option<String>,
}

pub(crate) fn host_source(mount: &Mount) -> Option<HostSource<'_>> {
    let path = match mount.kind {
        MountKind::Bind | MountKind::Npipe => mount.source.as_deref()?,
        MountKind::Volume => mount.volume_device.as_deref()?,
        _ => return None,
    };
    Some(HostSource {
        path,
        absolute: normalize(path),
    })
}

/// An absolute Unix path without `.`, `..`, repeated or trailing slashes.
pub(crate) fn normalize(path: &str) -> Option<String> {
    if !path.starts_with('/') || path.starts_with("//./") {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// How a finding quotes a mount: on a command line the flag as written
/// (`-v /etc:/etc:ro`), in compose the volume entry (`/etc:/etc:ro`, or the
/// named volume and the directory its driver options bind).
pub(crate) fn quote(cx: &ContainerContext<'_>, field: &Field<Mount>, mount: &Mount) -> String {
    if cx.is_command() {
        return format!("`{}`", cx.written(field.origin));
    }
    let ro = if mount.read_only { ":ro" } else { "" };
    let source = mount.source.as_deref().unwrap_or("");
    let entry = format!("`{source}:{}{ro}`", mount.target);
    match (&mount.volume_device, mount.kind) {
        (Some(device), MountKind::Volume) => {
            format!("the volume {entry} (its `driver_opts` bind `{device}`)")
        }
        _ => format!("the volume {entry}"),
    }
}

/// The name of a container runtime's API socket.
fn socket_runtime(name: &str) -> Option<&'static str> {
    match name {
        "docker.sock" | "docker.sock.raw" | "cri-dockerd.sock" | "dockershim.sock" => {
            Some("Docker")
        }
        "containerd.sock" | "containerd.sock.ttrpc" => Some("containerd"),
        "podman.sock" => Some("Podman"),
        "crio.sock" => Some("CRI-O"),
        _ => None,
    }
}

/// A container runtime's directory under `/run`, where its socket lives.
fn directory_runtime(name: &str) -> Option<&'static str> {
    match name {
        "docker" => Some("Docker"),
        "containerd" => Some("containerd"),
        "podman" => Some("Podman"),
        "crio" => Some("CRI-O"),
        _ => None,
    }
}

/// What a host path gives of a container runtime's API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RuntimeAccess {
    /// The runtime's socket (or the Windows named pipe of the Docker engine).
    Socket(&'static str),
    /// The runtime's directory, which holds its socket (`/run/containerd`).
    Directory(&'static str),
    /// `/run` or `/var/run`: every runtime's socket.
    Run,
    /// `/run/user` or `/run/user/<uid>`: where rootless Docker and Podman
    /// keep their sockets.
    UserRun,
}

impl RuntimeAccess {
    /// A noun phrase for the message.
    pub(crate) fn describe(&self) -> String {
        match self {
            RuntimeAccess::Socket(runtime) => format!("the host's {runtime} API socket"),
            RuntimeAccess::Directory(runtime) => {
                format!("the host's {runtime} run directory, which holds its API socket")
            }
            RuntimeAccess::Run => {
                "the host's run directory, which holds the Docker and containerd sockets"
                    .to_string()
            }
            RuntimeAccess::UserRun => {
                "a user's runtime directory, where rootless Docker and Podman keep their sockets"
                    .to_string()
            }
        }
    }
}

/// Whether a host path is a container runtime's socket or a directory that
/// holds one. Sockets are recognised by name anywhere (`~/.docker/run/docker.sock`,
/// `/run/k3s/containerd/containerd.sock`); directories under `/run` or
/// `/var/run` only, and only the runtime's own directory, not what is
/// deeper in it (`/run/docker/netns` holds no socket of the API).
pub(crate) fn runtime_access(source: &HostSource<'_>) -> Option<RuntimeAccess> {
    let unified = source.path.replace('\\', "/").to_ascii_lowercase();
    if let Some(pipe) = unified.strip_prefix("//./pipe/") {
        return pipe
            .starts_with("docker_engine")
            .then_some(RuntimeAccess::Socket("Docker"));
    }
    let path = source.absolute.as_deref().unwrap_or(source.path);
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if let Some(runtime) = socket_runtime(name) {
        return Some(RuntimeAccess::Socket(runtime));
    }
    let absolute = source.absolute.as_deref()?;
    let rest = ["/var/run", "/run"].iter().find_map(|root| {
        absolute
            .strip_prefix(root)
            .filter(|r| r.is_empty() || r.starts_with('/'))
    })?;
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    let inside = match parts.as_slice() {
        [] => return Some(RuntimeAccess::Run),
        ["user"] => return Some(RuntimeAccess::UserRun),
        ["user", uid] if uid.bytes().all(|b| b.is_ascii_digit()) => {
            return Some(RuntimeAccess::UserRun);
        }
        ["user", uid, inside @ ..] if uid.bytes().all(|b| b.is_ascii_digit()) => inside,
        inside => inside,
    };
    match inside {
        [dir] => directory_runtime(dir).map(RuntimeAccess::Directory),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(path: &str) -> Option<RuntimeAccess> {
        runtime_access(&HostSource {
            path,
            absolute: normalize(path),
        })
    }

    #[test]
    fn normalises() {
        assert_eq!(normalize("/etc/").as_deref(), Some("/etc"));
        assert_eq!(normalize("//etc").as_deref(), Some("/etc"));
        assert_eq!(normalize("/etc/../etc/./").as_deref(), Some("/etc"));
        assert_eq!(normalize("/../..").as_deref(), Some("/"));
        assert_eq!(normalize("/").as_deref(), Some("/"));
        assert_eq!(normalize("./etc"), None);
        assert_eq!(normalize("~/etc"), None);
    }

    #[test]
    fn runtime_paths() {
        use RuntimeAccess::*;
        for (path, expected) in [
            ("/var/run/docker.sock", Some(Socket("Docker"))),
            ("/run/docker.sock", Some(Socket("Docker"))),
            ("//var/run/docker.sock", Some(Socket("Docker"))),
            ("/var/run/../run/docker.sock", Some(Socket("Docker"))),
            ("/run/user/1000/docker.sock", Some(Socket("Docker"))),
            (
                "/run/containerd/containerd.sock",
                Some(Socket("containerd")),
            ),
            (
                "/run/k3s/containerd/containerd.sock",
                Some(Socket("containerd")),
            ),
            ("/run/podman/podman.sock", Some(Socket("Podman"))),
            ("/run/user/1000/podman/podman.sock", Some(Socket("Podman"))),
            ("/var/run/crio/crio.sock", Some(Socket("CRI-O"))),
            ("/home/u/.docker/run/docker.sock", Some(Socket("Docker"))),
            ("./docker.sock", Some(Socket("Docker"))),
            ("\\\\.\\pipe\\docker_engine", Some(Socket("Docker"))),
            ("//./pipe/docker_engine", Some(Socket("Docker"))),
            ("/run", Some(Run)),
            ("/var/run/", Some(Run)),
            ("/run/docker", Some(Directory("Docker"))),
            ("/var/run/containerd", Some(Directory("containerd"))),
            ("/run/crio", Some(Directory("CRI-O"))),
            ("/run/user/1000/podman", Some(Directory("Podman"))),
            ("/run/user", Some(UserRun)),
            ("/run/user/1000", Some(UserRun)),
            ("/run/docker/netns", None),
            ("/run/dbus/system_bus_socket", None),
            ("/run/user/1000/bus", None),
            ("/var/run/postgresql", None),
            ("/srv/run", None),
            ("/runner", None),
            ("/var/lib/docker", None),
            ("//./pipe/other", None),
        ] {
            assert_eq!(access(path), expected, "{path}");
        }
    }
}
