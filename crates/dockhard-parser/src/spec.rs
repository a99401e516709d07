//! `ContainerSpec` and `NetworkSpec`: one running container, and one network,
//! as rules see them, whatever they came from (a compose service, a
//! `docker run` or `docker network create` command line). Every field keeps
//! where it was written.

pub use crate::location::{FileId, Origin};

/// A value and where it was written; `value` is `None` when it cannot be
/// known (an unset variable): such a value is never judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field<T> {
    pub value: Option<T>,
    pub origin: Origin,
}

impl<T> Field<T> {
    pub fn known(value: T, origin: Origin) -> Field<T> {
        Field {
            value: Some(value),
            origin,
        }
    }

    pub fn unknown(origin: Origin) -> Field<T> {
        Field {
            value: None,
            origin,
        }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

/// A `security_opt` entry: `no-new-privileges`, `seccomp=unconfined`,
/// `label:disable` ... (`:` and `=` both separate name and value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityOpt {
    pub name: String,
    pub value: Option<String>,
}

/// A Linux capability as written, normalised: upper case, no `CAP_` prefix.
/// `ALL` (any case) means all; `CAP_ALL` is not a capability.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Capability(pub String);

impl Capability {
    pub fn is_all(&self) -> bool {
        self.0 == "ALL"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    pub start: u16,
    pub end: u16,
}

/// A published or exposed port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// `None`: all interfaces.
    pub host_ip: Option<String>,
    /// `None`: only the container port (not published, or a random host port).
    pub published: Option<PortRange>,
    pub target: PortRange,
    pub protocol: String,
}

impl Port {
    /// Published on every interface: no host IP, or a wildcard address
    /// (`0.0.0.0`, `::`, `::ffff:0.0.0.0`).
    pub fn binds_all_interfaces(&self) -> bool {
        match self.host_ip.as_deref() {
            None => true,
            Some(ip) => matches!(
                ip.to_ascii_lowercase().as_str(),
                "0.0.0.0" | "::" | "::0" | "0:0:0:0:0:0:0:0" | "::ffff:0.0.0.0" | "*"
            ),
        }
    }

    /// Published on the loopback interface only (`127.0.0.0/8`, `::1`,
    /// `localhost`).
    pub fn binds_loopback(&self) -> bool {
        self.host_ip.as_deref().is_some_and(|ip| {
            ip.starts_with("127.")
                || ip == "::1"
                || ip.eq_ignore_ascii_case("localhost")
                || ip.eq_ignore_ascii_case("::ffff:127.0.0.1")
        })
    }
}

/// A host device given to the container: `/dev/x[:/dev/y[:rwm]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub host: String,
    pub container: Option<String>,
    /// Cgroup permissions (`r`, `w`, `m`), when written.
    pub permissions: Option<String>,
}

/// A tmpfs mount: `/run:rw,noexec,nosuid,size=64m`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tmpfs {
    pub target: String,
    /// The mount options as written (`noexec`, `size=64m` ...).
    pub options: Vec<String>,
}

impl Tmpfs {
    pub fn has_option(&self, name: &str) -> bool {
        self.options.iter().any(|o| o == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
    Npipe,
    Image,
    Cluster,
}

/// A volume or bind mount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// Host path (bind), volume name (volume), or `None` (anonymous, tmpfs,
    /// or a bind whose source is a command line's expansion: unknown).
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    /// Bind propagation (`shared`, `rshared`, ...).
    pub propagation: Option<String>,
    /// For a named volume whose driver options bind a host path
    /// (`driver_opts: {type: none, o: bind, device: /srv}`): that path.
    pub volume_device: Option<String>,
}

/// A resource limit and the setting it was written with: the compose key
/// (`mem_limit`, `deploy.resources.limits.memory`) or the flag's long name
/// (`memory`, `limit-memory`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    pub setting: &'static str,
    pub field: Field<String>,
}

/// `deploy.resources.limits`, `mem_limit`, `cpus`, `pids_limit`. Where
/// several settings give a limit, the one Docker applies: the first that
/// sets one (`deploy.resources.limits` over the service-level keys, as
/// compose does; `cpus` over `cpu_quota` over `cpu_shares`), else the first
/// written (a `0` that sets none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub memory: Option<Limit>,
    pub cpus: Option<Limit>,
    pub pids: Option<Limit>,
}

/// `build:` of a compose service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    /// The `build` key.
    pub origin: Origin,
    /// The context, as written.
    pub context: Option<Field<String>>,
    /// The context resolved against the directory compose resolves it in
    /// (`None` for a remote context or an unknown value).
    pub context_path: Option<std::path::PathBuf>,
    pub dockerfile: Option<Field<String>>,
    /// The Dockerfile's path on disk, when the context is local.
    pub dockerfile_path: Option<std::path::PathBuf>,
    pub dockerfile_inline: Option<Field<String>>,
    pub target: Option<Field<String>>,
    pub privileged: Option<Field<bool>>,
    pub entitlements: Vec<Field<String>>,
    pub network: Option<Field<String>>,
    /// The names the built image is tagged with: `build.tags`, `-t`/`--tag`
    /// (compose's `image:` next to `build:` is the spec's image).
    pub tags: Vec<Field<String>>,
}

/// What a command line does, for the rules that apply to some commands only
/// (`docker exec` creates no container: only DH104 and DH117 judge it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandKind {
    /// `run`, `create`, `container run|create`, GitHub Actions container options.
    Container,
    /// `docker service create`.
    Service,
    /// `docker exec`, `docker container exec`.
    Exec,
    /// `docker build`, `docker buildx build`, `docker image build`.
    Build,
    /// `docker network create`.
    Network,
}

/// A `docker`/`podman` command line as it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandInfo {
    /// `docker` or `podman`.
    pub tool: String,
    /// The subcommand as written: `run`, `container run`, `service create`.
    pub subcommand: String,
    pub kind: CommandKind,
    /// Every word where a flag may stand was read: no expansion there
    /// (`$OPTS`, `${{ ... }}`) and no flag the table does not know. When
    /// false, what is missing is unknown and never reported.
    pub complete: bool,
    /// Judged only on the values written, never on missing measures
    /// (GitHub Actions container options, a command inside a Dockerfile RUN).
    pub values_only: bool,
    /// `--name`, when written with a known value.
    pub container_name: Option<String>,
}

impl CommandInfo {
    /// `docker run`, `podman container create`.
    pub fn command_name(&self) -> String {
        format!("{} {}", self.tool, self.subcommand)
    }
}

/// Where a spec came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecSource {
    /// A compose service (or network).
    Compose,
    /// A command line in a script, Makefile, CI file, unit or Dockerfile RUN.
    Command(CommandInfo),
}

impl SpecSource {
    pub fn command(&self) -> Option<&CommandInfo> {
        match self {
            SpecSource::Compose => None,
            SpecSource::Command(c) => Some(c),
        }
    }

    /// Whether a measure that is not written can be reported as missing.
    pub fn judges_missing(&self) -> bool {
        match self {
            SpecSource::Compose => true,
            SpecSource::Command(c) => c.complete && !c.values_only,
        }
    }
}

/// One running container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerSpec {
    /// The service name; for a command line, `--name`, else the image.
    pub name: String,
    /// The service key in the file where the service is first defined; for
    /// a command line, its first word (`sudo`, `env` or `docker`).
    pub origin: Origin,
    pub source: SpecSource,
    pub profiles: Vec<String>,
    pub image: Option<Field<String>>,
    pub user: Option<Field<String>>,
    pub privileged: Option<Field<bool>>,
    pub read_only: Option<Field<bool>>,
    /// The `cap_add` / `cap_drop` keys, when present.
    pub cap_add_key: Option<Origin>,
    pub cap_drop_key: Option<Origin>,
    pub cap_add: Vec<Field<Capability>>,
    pub cap_drop: Vec<Field<Capability>>,
    pub security_opt_key: Option<Origin>,
    pub security_opt: Vec<Field<SecurityOpt>>,
    pub network_mode: Option<Field<String>>,
    /// Networks the container joins, by name (the implicit `default` included).
    pub networks: Vec<Field<String>>,
    /// No `networks:` and no `network_mode`: on the project's `default` network.
    pub on_default_network: bool,
    pub pid: Option<Field<String>>,
    pub ipc: Option<Field<String>>,
    pub uts: Option<Field<String>>,
    pub userns_mode: Option<Field<String>>,
    pub cgroup: Option<Field<String>>,
    pub volumes: Vec<Field<Mount>>,
    pub tmpfs: Vec<Field<Tmpfs>>,
    pub devices: Vec<Field<Device>>,
    pub ports: Vec<Field<Port>>,
    /// `expose:`, `--expose`: container ports (or ranges) not published.
    pub expose: Vec<Field<String>>,
    /// `-P` / `--publish-all`.
    pub publish_all: Option<Field<bool>>,
    pub device_cgroup_rules: Vec<Field<String>>,
    pub cgroup_parent: Option<Field<String>>,
    /// `logging.driver`, `--log-driver`.
    pub log_driver: Option<Field<String>>,
    /// `docker run -d`/`--detach`: the container runs in the background.
    /// Without it, its output goes to whoever ran the command.
    pub detach: Option<Field<bool>>,
    pub oom_kill_disable: Option<Field<bool>>,
    pub environment: Vec<(Field<String>, Option<Field<String>>)>,
    pub secrets: Vec<Field<String>>,
    pub limits: Limits,
    /// `restart`, `--restart`; with a swarm restart policy, its condition
    /// (`deploy.restart_policy.condition`, `--restart-condition`).
    pub restart: Option<Field<String>>,
    /// `deploy.restart_policy.max_attempts`, `--restart-max-attempts`.
    pub restart_max_attempts: Option<Field<String>>,
    /// Where a swarm restart policy is written: the `deploy.restart_policy`
    /// key (which overrides `restart`), or the first `service create
    /// --restart-condition`/`--restart-max-attempts`. Its condition, when
    /// not written, is `any`.
    pub restart_policy: Option<Origin>,
    /// `healthcheck: {disable: true}` or `test: ["NONE"]`, `--no-healthcheck`,
    /// podman's `--health-cmd none`.
    pub healthcheck_disabled: Option<Field<bool>>,
    /// `sysctls` (map or list form), `--sysctl`: the name, and the value
    /// pointing at the entry.
    pub sysctls: Vec<(String, Field<String>)>,
    pub build: Option<Build>,
    pub command: Option<Field<Vec<String>>>,
    pub entrypoint: Option<Field<Vec<String>>>,
    pub use_api_socket: Option<Field<bool>>,
}

impl ContainerSpec {
    pub fn new(name: impl Into<String>, origin: Origin) -> ContainerSpec {
        ContainerSpec {
            name: name.into(),
            origin,
            source: SpecSource::Compose,
            profiles: Vec::new(),
            image: None,
            user: None,
            privileged: None,
            read_only: None,
            cap_add_key: None,
            cap_drop_key: None,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            security_opt_key: None,
            security_opt: Vec::new(),
            network_mode: None,
            networks: Vec::new(),
            on_default_network: false,
            pid: None,
            ipc: None,
            uts: None,
            userns_mode: None,
            cgroup: None,
            volumes: Vec::new(),
            tmpfs: Vec::new(),
            devices: Vec::new(),
            ports: Vec::new(),
            expose: Vec::new(),
            publish_all: None,
            device_cgroup_rules: Vec::new(),
            cgroup_parent: None,
            log_driver: None,
            detach: None,
            oom_kill_disable: None,
            environment: Vec::new(),
            secrets: Vec::new(),
            limits: Limits::default(),
            restart: None,
            restart_max_attempts: None,
            restart_policy: None,
            healthcheck_disabled: None,
            sysctls: Vec::new(),
            build: None,
            command: None,
            entrypoint: None,
            use_api_socket: None,
        }
    }

    /// Whether a measure that is not written can be reported as missing.
    pub fn judges_missing(&self) -> bool {
        self.source.judges_missing()
    }

    pub fn command(&self) -> Option<&CommandInfo> {
        self.source.command()
    }
}

/// A network: a compose network, or a `docker network create`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkSpec {
    /// The name in the project (`default` for the implicit one).
    pub name: String,
    pub source: SpecSource,
    /// The network's key, or for the implicit default network the first
    /// service that uses it.
    pub origin: Origin,
    /// Compose creates it without a definition (the implicit `default`).
    pub implicit: bool,
    pub driver: Option<Field<String>>,
    pub driver_opts: Vec<(String, Field<String>)>,
    pub internal: Option<Field<bool>>,
    pub external: Option<Field<bool>>,
}

impl NetworkSpec {
    pub fn driver_opt(&self, name: &str) -> Option<&Field<String>> {
        self.driver_opts
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}
