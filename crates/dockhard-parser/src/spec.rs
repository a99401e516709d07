//! `ContainerSpec` and `NetworkSpec`: one running container, and one network,
//! as rules see them, whatever they came from (a compose service today, a
//! `docker run` command line later). Every field keeps where it was written.

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
    /// Host path (bind), volume name (volume), or `None` (anonymous, tmpfs).
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    /// Bind propagation (`shared`, `rshared`, ...).
    pub propagation: Option<String>,
    /// For a named volume whose driver options bind a host path
    /// (`driver_opts: {type: none, o: bind, device: /srv}`): that path.
    pub volume_device: Option<String>,
}

/// `deploy.resources.limits`, `mem_limit`, `cpus`, `pids_limit`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub memory: Option<Field<String>>,
    pub cpus: Option<Field<String>>,
    pub pids: Option<Field<String>>,
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
}

/// One running container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerSpec {
    /// The service (or container) name.
    pub name: String,
    /// The service key in the file where the service is first defined.
    pub origin: Origin,
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
    pub tmpfs: Vec<Field<String>>,
    pub devices: Vec<Field<String>>,
    pub ports: Vec<Field<Port>>,
    pub environment: Vec<(Field<String>, Option<Field<String>>)>,
    pub secrets: Vec<Field<String>>,
    pub limits: Limits,
    pub restart: Option<Field<String>>,
    pub healthcheck_disabled: Option<Field<bool>>,
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
            environment: Vec::new(),
            secrets: Vec::new(),
            limits: Limits::default(),
            restart: None,
            healthcheck_disabled: None,
            sysctls: Vec::new(),
            build: None,
            command: None,
            entrypoint: None,
            use_api_socket: None,
        }
    }
}

/// A network: a compose network, or (later) a `docker network create`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkSpec {
    /// The name in the project (`default` for the implicit one).
    pub name: String,
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
