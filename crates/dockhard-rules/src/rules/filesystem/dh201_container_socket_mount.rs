use dockhard_parser::dockerfile::Kind;

use super::mounts::{self, HostSource, RuntimeAccess};
use crate::analysis;
use crate::context::{ContainerContext, DockerfileContext};
use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container given a container runtime's API: a mount whose
    /// host source is the Docker, containerd, Podman or CRI-O socket
    /// (`/var/run/docker.sock`, `/run/docker.sock`, the rootless
    /// `/run/user/<uid>/docker.sock`, `/run/containerd/containerd.sock`,
    /// `/run/podman/podman.sock`, `/var/run/crio/crio.sock`, a socket of
    /// those names anywhere, the Windows pipe `\\.\pipe\docker_engine`), or
    /// a directory that holds one: `/run`, `/var/run`, a runtime's directory
    /// (`/run/docker`, `/run/containerd`, `/run/podman`, `/run/crio`) and a
    /// user's runtime directory (`/run/user/<uid>`). Every form counts:
    /// `-v`, `--volume`, `--mount` (also on `podman build`, whose mounts
    /// reach every `RUN`), compose short and long syntax, a named
    /// volume whose `driver_opts` bind such a path, and compose
    /// `use_api_socket: true`. A read-only mount is reported too: it does
    /// not limit what the API lets a client do. Paths are compared after
    /// normalisation (`//var/run/docker.sock/` is the socket); the mount's
    /// target does not matter, its host source does.
    ///
    /// In a Dockerfile, `VOLUME` of a runtime socket's path is a warning: a
    /// `VOLUME` cannot mount anything from the host (it creates an empty
    /// anonymous volume), but it marks the image as made to run with the
    /// host's socket mounted there. `VOLUME /run` is not reported: images
    /// declare their own run directory for pid files. A `docker run` inside
    /// a `RUN` is judged as a command line.
    ///
    /// ## Why is this bad?
    /// Whoever can reach the socket controls the runtime: it can start a
    /// privileged container that mounts the host's `/`, which is root on the
    /// host. Mounting the socket undoes every other isolation measure of the
    /// container. CIS Docker Benchmark 5.32.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ci-agent:
    ///     image: example/agent:3
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock:ro
    /// ```
    ///
    /// ## Use instead
    /// A daemon of its own, reached over TLS, for the jobs that need one:
    /// ```yaml
    /// services:
    ///   ci-agent:
    ///     image: example/agent:3
    ///     environment:
    ///       DOCKER_HOST: tcp://builder.internal:2376
    ///       DOCKER_TLS_VERIFY: "1"
    ///       DOCKER_CERT_PATH: /certs
    ///     volumes:
    ///       - ./certs:/certs:ro
    /// ```
    ///
    /// ## Fix
    /// None: remove the mount. If the container must talk to the runtime,
    /// put a proxy that allows only the API calls it needs in front of the
    /// socket (and keep the socket on the proxy alone), or give it a
    /// rootless daemon of its own.
    pub static CONTAINER_SOCKET_MOUNT = {
        code: "DH201",
        name: "container-socket-mount",
        category: Filesystem,
        severity: Some(Error),
        inputs: [Compose, CommandLine, Dockerfile],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.32" }],
        fix: None,
        core: false,
        commands: [Container, Service, Build],
        dockerfile: check_dockerfile,
        container: check,
    }
}

const WHY: &str = "whoever reaches the socket controls the runtime and can start a privileged container, which is root on the host";

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    for field in &spec.volumes {
        let Some(mount) = &field.value else { continue };
        let Some(source) = mounts::host_source(mount) else {
            continue;
        };
        let Some(access) = mounts::runtime_access(&source) else {
            continue;
        };
        let quoted = mounts::quote(cx, field, mount);
        let read_only = if mount.read_only {
            "; read-only does not limit what the API allows"
        } else {
            ""
        };
        let help = cx.says(
            "remove the volume; if the service must talk to the runtime, point it (`DOCKER_HOST`) at a socket proxy that allows only the API calls it needs",
            "remove the mount; if the container must talk to the runtime, point it (`DOCKER_HOST`) at a socket proxy that allows only the API calls it needs",
        );
        cx.report(
            field.origin,
            format!(
                "{quoted} mounts {}: {WHY}{read_only}",
                target_phrase(&source, &access)
            ),
        )
        .label(label(&access))
        .help(help);
    }
    if let Some(field) = &spec.use_api_socket
        && field.value == Some(true)
    {
        cx.report(
            field.origin,
            format!("`use_api_socket: true` mounts the Docker API socket and the registry credentials into the container: {WHY}"),
        )
        .label("Docker API socket")
        .help("remove `use_api_socket`; if the service must talk to the runtime, point it (`DOCKER_HOST`) at a socket proxy that allows only the API calls it needs");
    }
}

/// "the host's Docker API socket", with the path when it was written
/// otherwise (`//var/run/docker.sock/`).
fn target_phrase(source: &HostSource<'_>, access: &RuntimeAccess) -> String {
    match source.absolute.as_deref() {
        Some(path) if path != source.path.trim_end_matches('/') => {
            format!("{} (`{path}`)", access.describe())
        }
        _ => access.describe(),
    }
}

fn label(access: &RuntimeAccess) -> String {
    match access {
        RuntimeAccess::Socket(runtime) => format!("{runtime} API socket"),
        RuntimeAccess::Directory(runtime) => format!("{runtime} socket directory"),
        RuntimeAccess::Run | RuntimeAccess::UserRun => "runtime socket directory".to_string(),
    }
}

/// `VOLUME` of a runtime socket's path in the final image.
fn check_dockerfile(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let Some(last) = df.final_stage() else { return };
    for stage in analysis::stage_chain(df, last) {
        for idx in stage.instructions.clone() {
            let Some(instruction) = df.instructions.get(idx) else {
                continue;
            };
            let Kind::Volume(words) = &instruction.kind else {
                continue;
            };
            for word in words {
                let Some(path) = df.evaluate_at(stage, idx, word) else {
                    continue;
                };
                let source = HostSource {
                    path: &path,
                    absolute: mounts::normalize(&path),
                };
                let Some(RuntimeAccess::Socket(runtime)) = mounts::runtime_access(&source) else {
                    continue;
                };
                cx.report_rated(
                    word.span,
                    Severity::Warning,
                    format!(
                        "`VOLUME {path}` declares the {runtime} API socket's path: it mounts nothing from the host itself, but the image is made to run with the host's socket mounted there, and {WHY}"
                    ),
                )
                    .label(format!("{runtime} API socket"))
                    .help("remove the VOLUME; if the program must talk to the runtime, let it reach a socket proxy that allows only the API calls it needs (`DOCKER_HOST`)");
            }
        }
    }
}
