//! From the merged compose model to `ContainerSpec`s and `NetworkSpec`s.

use std::path::{Path, PathBuf};

use super::load::{BuiltDockerfile, FileRole, Loader, Project, ProjectFile, normalize_path};
use super::merge::list_to_map;
use super::syntax;
use super::tree::{CNode, CValue, Origin};
use crate::dockerfile::Dockerfile;
use crate::spec::{
    Build, Capability, ContainerSpec, Field, Limit, Mount, MountKind, NetworkSpec, Port, PortRange,
    SecurityOpt,
};

fn string_field(node: &CNode) -> Option<Field<String>> {
    match node.scalar()? {
        Some(t) => Some(Field::known(t.to_string(), node.origin)),
        None => Some(Field::unknown(node.origin)),
    }
}

/// A boolean, also written as a string (`"true"`, `yes`).
fn bool_field(node: &CNode) -> Option<Field<bool>> {
    match node.scalar()? {
        Some(t) => Some(Field {
            value: syntax::compose_bool(t),
            origin: node.origin,
        }),
        None => Some(Field::unknown(node.origin)),
    }
}

/// A list of scalars, or one scalar standing for a one-item list.
fn string_list(node: &CNode) -> Vec<Field<String>> {
    match &node.value {
        CValue::Seq(items) => items.iter().filter_map(string_field).collect(),
        CValue::Scalar(_) => string_field(node).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn words(node: &CNode) -> Option<Field<Vec<String>>> {
    match &node.value {
        CValue::Seq(items) => {
            let mut out = Vec::new();
            for i in items {
                match i.text() {
                    Some(t) => out.push(t.to_string()),
                    None => return Some(Field::unknown(node.origin)),
                }
            }
            Some(Field::known(out, node.origin))
        }
        CValue::Scalar(s) => Some(match &s.text {
            // Compose splits the string form as a shell would, quotes kept
            // together, but runs no shell.
            Some(t) => Field::known(syntax::shell_words(t), node.origin),
            None => Field::unknown(node.origin),
        }),
        _ => None,
    }
}

fn map_field<T>(field: Field<String>, f: impl FnOnce(&str) -> T) -> Field<T> {
    Field {
        value: field.value.as_deref().map(f),
        origin: field.origin,
    }
}

fn port_field(node: &CNode) -> Option<Field<Port>> {
    if node.as_map().is_some() {
        let get = |k: &str| node.get(k).and_then(CNode::text);
        if node.get("target").is_some_and(CNode::is_unknown)
            || node.get("published").is_some_and(CNode::is_unknown)
            || node.get("host_ip").is_some_and(CNode::is_unknown)
        {
            return Some(Field::unknown(node.origin));
        }
        let range = |t: &str| syntax::port(t).ok().map(|p| p.target);
        let target = get("target").and_then(range);
        let published = get("published").and_then(range);
        return Some(Field {
            value: target.map(|target| Port {
                host_ip: get("host_ip").map(str::to_string).filter(|s| !s.is_empty()),
                published,
                target,
                protocol: get("protocol").unwrap_or("tcp").to_ascii_lowercase(),
            }),
            origin: node.origin,
        });
    }
    let field = string_field(node)?;
    Some(Field {
        value: field.value.as_deref().and_then(|t| syntax::port(t).ok()),
        origin: field.origin,
    })
}

fn mount_field(node: &CNode, project: &Project, root: &CNode) -> Option<Field<Mount>> {
    let mut mount = if node.as_map().is_some() {
        let get = |k: &str| node.get(k).and_then(CNode::text);
        if ["type", "source", "target"]
            .iter()
            .any(|k| node.get(k).is_some_and(CNode::is_unknown))
        {
            return Some(Field::unknown(node.origin));
        }
        let kind = match get("type").unwrap_or("volume") {
            "bind" => MountKind::Bind,
            "tmpfs" => MountKind::Tmpfs,
            "npipe" => MountKind::Npipe,
            "image" => MountKind::Image,
            "cluster" => MountKind::Cluster,
            _ => MountKind::Volume,
        };
        Mount {
            kind,
            source: get("source").map(str::to_string).filter(|s| !s.is_empty()),
            target: get("target").unwrap_or_default().to_string(),
            read_only: node
                .get("read_only")
                .and_then(CNode::text)
                .and_then(syntax::compose_bool)
                .unwrap_or(false),
            propagation: node
                .get("bind")
                .and_then(|b| b.get("propagation"))
                .and_then(CNode::text)
                .map(str::to_string),
            volume_device: None,
        }
    } else {
        let field = string_field(node)?;
        match field.value.as_deref().map(syntax::volume) {
            Some(Ok(m)) => m,
            Some(Err(_)) | None => return Some(Field::unknown(node.origin)),
        }
    };
    // A named volume whose driver options bind a host directory.
    if mount.kind == MountKind::Volume
        && let Some(name) = &mount.source
        && let Some(def) = root.get("volumes").and_then(|v| v.get(name))
        && let Some(opts) = def.get("driver_opts")
    {
        let opt = |k: &str| opts.get(k).and_then(CNode::text);
        let binds = opt("o").is_some_and(|o| {
            o.split(',')
                .any(|x| x.trim() == "bind" || x.trim() == "rbind")
        });
        if binds && let Some(device) = opt("device") {
            mount.volume_device = Some(device.to_string());
        }
    }
    let _ = project;
    Some(Field::known(mount, node.origin))
}

fn is_remote_context(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}

fn base_dir(project: &Project, origin: Origin) -> PathBuf {
    project
        .files
        .get(origin.file)
        .map(|f| f.base_dir.clone())
        .unwrap_or_else(|| project.project_dir.clone())
}

fn build(node: &CNode, project: &Project) -> Build {
    let mut b = Build {
        origin: node.origin,
        context: None,
        context_path: None,
        dockerfile: None,
        dockerfile_path: None,
        dockerfile_inline: None,
        target: None,
        privileged: None,
        entitlements: Vec::new(),
        network: None,
        tags: Vec::new(),
    };
    let context_node = if node.scalar().is_some() {
        Some(node)
    } else {
        node.get("context")
    };
    b.context = context_node.and_then(string_field);
    if node.as_map().is_some() {
        b.dockerfile = node.get("dockerfile").and_then(string_field);
        b.dockerfile_inline = node.get("dockerfile_inline").and_then(string_field);
        b.target = node.get("target").and_then(string_field);
        b.privileged = node.get("privileged").and_then(bool_field);
        b.entitlements = node
            .get("entitlements")
            .map(string_list)
            .unwrap_or_default();
        b.network = node.get("network").and_then(string_field);
        b.tags = node.get("tags").map(string_list).unwrap_or_default();
    }
    // A build without a context uses the directory of the file.
    let (context_text, context_origin) = match &b.context {
        Some(Field {
            value: Some(c),
            origin,
        }) => (Some(c.clone()), *origin),
        Some(Field { value: None, .. }) => (None, node.origin),
        None => (Some(".".to_string()), node.origin),
    };
    if let Some(ctx) = context_text.filter(|c| !is_remote_context(c)) {
        let ctx_path = normalize_path(&base_dir(project, context_origin).join(&ctx));
        let dockerfile = match &b.dockerfile {
            Some(Field { value: Some(d), .. }) => Some(d.clone()),
            Some(Field { value: None, .. }) => None,
            None => Some("Dockerfile".to_string()),
        };
        if b.dockerfile_inline.is_none() {
            b.dockerfile_path = dockerfile.map(|d| normalize_path(&ctx_path.join(d)));
        }
        b.context_path = Some(ctx_path);
    }
    b
}

/// The limit Docker applies among settings in compose's order of
/// precedence: the first that sets one (or whose value is unknown), else
/// the first written.
fn limit(settings: &[(&'static str, Option<&CNode>)]) -> Option<Limit> {
    let written: Vec<Limit> = settings
        .iter()
        .filter_map(|&(setting, node)| {
            let field = string_field(node?)?;
            Some(Limit { setting, field })
        })
        .collect();
    let sets = written.iter().position(|l| {
        l.field
            .value
            .as_deref()
            .is_none_or(|v| syntax::sets_limit(v) != Some(false))
    });
    written.into_iter().nth(sets.unwrap_or(0))
}

fn capabilities(node: &CNode) -> Vec<Field<Capability>> {
    string_list(node)
        .into_iter()
        .map(|f| map_field(f, syntax::capability))
        .collect()
}

fn service(
    name: &str,
    key_origin: Origin,
    node: &CNode,
    project: &Project,
    root: &CNode,
) -> ContainerSpec {
    let mut s = ContainerSpec::new(name, key_origin);
    let get = |k: &str| node.get(k);
    s.profiles = get("profiles")
        .map(string_list)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|f| f.value)
        .collect();
    s.image = get("image").and_then(string_field);
    s.user = get("user").and_then(string_field);
    s.privileged = get("privileged").and_then(bool_field);
    s.read_only = get("read_only").and_then(bool_field);
    if let Some((k, v)) = node.entry("cap_add") {
        s.cap_add_key = Some(k.origin);
        s.cap_add = capabilities(v);
    }
    if let Some((k, v)) = node.entry("cap_drop") {
        s.cap_drop_key = Some(k.origin);
        s.cap_drop = capabilities(v);
    }
    if let Some((k, v)) = node.entry("security_opt") {
        s.security_opt_key = Some(k.origin);
        s.security_opt = string_list(v)
            .into_iter()
            .map(|f| map_field(f, syntax::security_opt))
            .collect::<Vec<Field<SecurityOpt>>>();
    }
    s.network_mode = get("network_mode").and_then(string_field);
    match get("networks") {
        Some(n) if n.as_map().is_some() => {
            s.networks = n
                .as_map()
                .unwrap_or(&[])
                .iter()
                .map(|(k, _)| Field::known(k.name.clone(), k.origin))
                .collect();
        }
        Some(n) => s.networks = string_list(n),
        None => {}
    }
    s.on_default_network = (get("networks").is_none() && s.network_mode.is_none())
        || s.networks
            .iter()
            .any(|n| n.value.as_deref() == Some("default"));
    s.pid = get("pid").and_then(string_field);
    s.ipc = get("ipc").and_then(string_field);
    s.uts = get("uts").and_then(string_field);
    s.userns_mode = get("userns_mode").and_then(string_field);
    s.cgroup = get("cgroup").and_then(string_field);
    s.volumes = get("volumes")
        .and_then(CNode::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| mount_field(v, project, root))
        .collect();
    s.tmpfs = get("tmpfs")
        .map(string_list)
        .unwrap_or_default()
        .into_iter()
        .map(|f| map_field(f, syntax::tmpfs))
        .collect();
    s.devices = get("devices")
        .and_then(CNode::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|d| match d.as_map() {
            Some(_) => {
                let text = |k: &str| d.get(k).and_then(CNode::text).map(str::to_string);
                if ["source", "target", "permissions"]
                    .iter()
                    .any(|k| d.get(k).is_some_and(CNode::is_unknown))
                {
                    return Some(Field::unknown(d.origin));
                }
                let host = text("source")?;
                Some(Field::known(
                    crate::spec::Device {
                        host,
                        container: text("target"),
                        permissions: text("permissions"),
                    },
                    d.origin,
                ))
            }
            None => string_field(d).map(|f| map_field(f, syntax::device)),
        })
        .collect();
    s.expose = get("expose").map(string_list).unwrap_or_default();
    s.ports = get("ports")
        .and_then(CNode::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(port_field)
        .collect();
    if let Some(env) = get("environment") {
        let env = list_to_map(env);
        s.environment = env
            .as_map()
            .unwrap_or(&[])
            .iter()
            .map(|(k, v)| (Field::known(k.name.clone(), k.origin), string_field(v)))
            .collect();
    }
    s.secrets = get("secrets")
        .and_then(CNode::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|x| match x.as_map() {
            Some(_) => x.get("source").and_then(string_field),
            None => string_field(x),
        })
        .collect();
    let limits = get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get("limits"));
    let deploy = |k: &'static str| limits.and_then(|l| l.get(k));
    s.limits.memory = limit(&[
        ("deploy.resources.limits.memory", deploy("memory")),
        ("mem_limit", get("mem_limit")),
    ]);
    s.limits.cpus = limit(&[
        ("deploy.resources.limits.cpus", deploy("cpus")),
        ("cpus", get("cpus")),
        ("cpu_quota", get("cpu_quota")),
        ("cpu_shares", get("cpu_shares")),
    ]);
    s.limits.pids = limit(&[
        ("deploy.resources.limits.pids", deploy("pids")),
        ("pids_limit", get("pids_limit")),
    ]);
    s.device_cgroup_rules = get("device_cgroup_rules")
        .map(string_list)
        .unwrap_or_default();
    s.cgroup_parent = get("cgroup_parent").and_then(string_field);
    s.log_driver = get("logging")
        .and_then(|l| l.get("driver"))
        .and_then(string_field);
    s.oom_kill_disable = get("oom_kill_disable").and_then(bool_field);
    // Compose applies `deploy.restart_policy` over `restart` when both are
    // written; swarm reads only the former.
    match get("deploy")
        .and_then(|d| d.entry("restart_policy"))
        .filter(|(_, policy)| policy.as_map().is_some())
    {
        Some((key, policy)) => {
            s.restart_policy = Some(key.origin);
            s.restart = policy.get("condition").and_then(string_field);
            s.restart_max_attempts = policy.get("max_attempts").and_then(string_field);
        }
        None => s.restart = get("restart").and_then(string_field),
    }
    if let Some(hc) = get("healthcheck") {
        let disable = hc.get("disable").and_then(bool_field);
        // A string `test` is a shell command (`CMD-SHELL NONE`); only the
        // list form's first word disables the check.
        let test_none = hc.get("test").and_then(|test| {
            let first = test.as_seq()?.first()?.text()?;
            Some(Field::known(
                first.eq_ignore_ascii_case("NONE"),
                test.origin,
            ))
        });
        s.healthcheck_disabled = match (disable, test_none) {
            (Some(d), _) if d.value == Some(true) => Some(d),
            (_, Some(t)) if t.value == Some(true) => Some(t),
            (d, t) => d.or(t),
        };
    }
    if let Some(sys) = get("sysctls") {
        let sys = list_to_map(sys);
        s.sysctls = sys
            .as_map()
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, v)| {
                string_field(v).map(|f| {
                    (
                        k.name.clone(),
                        Field {
                            value: f.value,
                            origin: k.origin,
                        },
                    )
                })
            })
            .collect();
    }
    s.build = get("build").map(|b| build(b, project));
    s.command = get("command").and_then(words);
    s.entrypoint = get("entrypoint").and_then(words);
    s.use_api_socket = get("use_api_socket").and_then(bool_field);
    s
}

fn network(name: &str, origin: Origin, node: &CNode) -> NetworkSpec {
    let opts = node
        .get("driver_opts")
        .and_then(CNode::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| string_field(v).map(|f| (k.name.clone(), f)))
        .collect();
    NetworkSpec {
        name: name.to_string(),
        source: crate::spec::SpecSource::Compose,
        origin,
        implicit: false,
        driver: node.get("driver").and_then(string_field),
        driver_opts: opts,
        internal: node.get("internal").and_then(bool_field),
        external: node.get("external").and_then(|e| match e.as_map() {
            // The legacy `external: {name: x}` form.
            Some(_) => Some(Field::known(true, e.origin)),
            None => bool_field(e),
        }),
    }
}

/// Fills the project's services and networks from the merged model, and
/// loads the Dockerfiles services are built from.
pub(super) fn normalize(root: &CNode, project: &mut Project, loader: &dyn Loader) {
    let mut services = Vec::new();
    for (key, node) in root.get("services").and_then(CNode::as_map).unwrap_or(&[]) {
        if node.as_map().is_none() {
            continue;
        }
        services.push(service(&key.name, key.origin, node, project, root));
    }
    let mut networks: Vec<NetworkSpec> = root
        .get("networks")
        .and_then(CNode::as_map)
        .unwrap_or(&[])
        .iter()
        .map(|(k, v)| network(&k.name, k.origin, v))
        .collect();
    if !networks.iter().any(|n| n.name == "default")
        && let Some(first) = services.iter().find(|s| s.on_default_network)
    {
        networks.push(NetworkSpec {
            name: "default".to_string(),
            source: crate::spec::SpecSource::Compose,
            origin: first.origin,
            implicit: true,
            driver: None,
            driver_opts: Vec::new(),
            internal: None,
            external: None,
        });
    }
    for s in &services {
        let Some(path) = s.build.as_ref().and_then(|b| b.dockerfile_path.clone()) else {
            continue;
        };
        if project.dockerfile(&path).is_some() {
            continue;
        }
        let Ok(text) = loader.read(&path) else {
            continue;
        };
        let dockerfile = Dockerfile::parse(&text);
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        project.files.push(ProjectFile {
            path: path.clone(),
            text,
            role: FileRole::Dockerfile,
            base_dir: dir,
        });
        let file = project.files.len() - 1;
        project.dockerfiles.push(BuiltDockerfile {
            path,
            file,
            dockerfile,
        });
    }
    project.services = services;
    project.networks = networks;
    let _ = PortRange { start: 0, end: 0 };
}
