//! Structural checks of one compose file, following the Compose
//! Specification's JSON schema (`compose-spec.json`, which compose-go and
//! `docker compose config` apply): unknown keys where an object is closed,
//! and values of the wrong kind (a mapping where a sequence is expected, a
//! sequence where a scalar is expected, ...).
//!
//! The checks run on the document as written, before interpolation and
//! merging, so they are lenient where compose is: compose validates after
//! interpolation and casts strings to booleans and numbers, so a string is
//! accepted wherever a boolean or a number is, and a number or boolean is
//! accepted where a string is (compose reads `user: 1000` and `version: 3`).
//! Keys starting with `x-` are extensions wherever the schema allows them.
//! Values tagged `!reset` are skipped (compose removes them before it
//! validates); `!override` values are checked as usual. Required properties
//! are not checked: compose validates the merged model, where another file
//! may supply them.

use crate::span::Span;
use crate::yaml::{Node, Value};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// Where: the offending key (unknown key) or value (wrong type).
    pub span: Span,
    /// e.g. "services.web: additional property `wrongField` is not allowed" or
    /// "services.web.cap_add must be a sequence, not a string"
    pub message: String,
}

/// Checks one compose file's document (before interpolation and merging).
pub fn validate(root: &Node) -> Vec<SchemaError> {
    let mut checker = Checker { errors: Vec::new() };
    match &root.value {
        Value::Null => checker.errors.push(SchemaError {
            span: Span::empty_at(0),
            message: "empty compose file".to_string(),
        }),
        Value::Map(_) => match version_1_services(root) {
            Some(services) => {
                let names: Vec<String> = services
                    .iter()
                    .map(|(k, _)| format!("`{}`", key_text(k)))
                    .collect();
                checker.errors.push(SchemaError {
                    span: services[0].0.span,
                    message: format!(
                        "version 1 format: services are written at the top level ({}); \
                         docker compose v2 rejects this file, so move them under `services:`",
                        names.join(", ")
                    ),
                });
                // The rest is checked as the services the loader lifts it to.
                for (k, v) in services {
                    let current = without_version_1_keys(v);
                    checker.check(&current, &Ty::Obj(&SERVICE), &key_text(k));
                }
            }
            None => checker.check(root, &ROOT, ""),
        },
        _ => checker.errors.push(SchemaError {
            span: root.span,
            message: format!(
                "the top level of a compose file must be a mapping, not {}",
                root.kind_name()
            ),
        }),
    }
    checker.errors
}

/// The top-level entries of a version 1 file (no `services:`; services are
/// written at the top level, each with an `image` or a `build`), in order;
/// `None` when the file is not in that format.
pub fn version_1_services(root: &Node) -> Option<Vec<(&Node, &Node)>> {
    let entries = root.as_map()?;
    if root.get("services").is_some() {
        return None;
    }
    let services: Vec<(&Node, &Node)> = entries
        .iter()
        .filter(|(k, v)| {
            let name = key_text(k);
            !name.starts_with("x-")
                && ROOT_KEYS.iter().all(|known| *known != name)
                && (v.get("image").is_some() || v.get("build").is_some())
        })
        .map(|(k, v)| (k, v))
        .collect();
    (!services.is_empty()).then_some(services)
}

/// Service keys of the version 1 format that the Compose Specification
/// dropped; the file already has its error for the format.
pub const VERSION_1_KEYS: &[&str] = &[
    "net",
    "log_driver",
    "log_opt",
    "volume_driver",
    "dockerfile",
];

fn without_version_1_keys(service: &Node) -> Node {
    match &service.value {
        Value::Map(entries) => Node {
            value: Value::Map(
                entries
                    .iter()
                    .filter(|(k, _)| !VERSION_1_KEYS.contains(&key_text(k).as_str()))
                    .cloned()
                    .collect(),
            ),
            ..service.clone()
        },
        _ => service.clone(),
    }
}

/// The expected shape of a value.
#[derive(Clone, Copy)]
enum Ty {
    /// Anything (extensions, free-form options).
    Any,
    /// A string; numbers and booleans are accepted too.
    Str,
    /// A boolean, or a string (interpolated or cast by compose).
    Bool,
    /// A number, or a string (interpolated, or a size like `2g`).
    Num,
    Null,
    /// A string out of a fixed set (checked unless it holds `$`).
    Enum(&'static [&'static str]),
    /// A sequence of items.
    List(&'static Ty),
    /// A mapping with known properties.
    Obj(&'static Obj),
    /// A mapping with free keys and values of one shape.
    Dict(&'static Ty),
    /// A mapping of names (`^[a-zA-Z0-9._-]+$`, as services and volumes are
    /// keyed) to values of one shape.
    Named(&'static Ty),
    /// Any of these shapes, chosen by the kind of the value.
    OneOf(&'static [Ty]),
}

/// A mapping with known properties.
struct Obj {
    props: &'static [(&'static str, Ty)],
    /// `x-` keys are allowed (`patternProperties: {"^x-": {}}`).
    ext: bool,
    /// Other keys are allowed too (no `additionalProperties: false`).
    open: bool,
}

const fn closed(props: &'static [(&'static str, Ty)]) -> Obj {
    Obj {
        props,
        ext: true,
        open: false,
    }
}

const fn closed_no_ext(props: &'static [(&'static str, Ty)]) -> Obj {
    Obj {
        props,
        ext: false,
        open: false,
    }
}

// Shared definitions of the schema.

const STRINGS: Ty = Ty::List(&Ty::Str);
const STRING_OR_LIST: Ty = Ty::OneOf(&[Ty::Str, STRINGS]);
const SCALAR_OR_NULL: Ty = Ty::OneOf(&[Ty::Str, Ty::Null]);
/// `list_or_dict`: `{KEY: value-or-null}` or `["KEY=value"]`.
const LIST_OR_DICT: Ty = Ty::OneOf(&[Ty::Dict(&SCALAR_OR_NULL), STRINGS]);
const OPTIONS: Ty = Ty::Dict(&Ty::Str);
const COMMAND: Ty = Ty::OneOf(&[Ty::Null, Ty::Str, STRINGS]);
const EXTRA_HOSTS: Ty = Ty::OneOf(&[Ty::Dict(&STRING_OR_LIST), STRINGS]);
const EXTERNAL: Ty = Ty::OneOf(&[Ty::Bool, Ty::Obj(&closed(&[("name", Ty::Str)]))]);
const EXTERNAL_OPEN: Ty = Ty::OneOf(&[
    Ty::Bool,
    Ty::Obj(&Obj {
        props: &[("name", Ty::Str)],
        ext: true,
        open: true,
    }),
]);

const ULIMITS: Ty = Ty::Dict(&Ty::OneOf(&[
    Ty::Num,
    Ty::Obj(&closed(&[("hard", Ty::Num), ("soft", Ty::Num)])),
]));

const SERVICE_CONFIG_OR_SECRET: Ty = Ty::List(&Ty::OneOf(&[
    Ty::Str,
    Ty::Obj(&closed(&[
        ("source", Ty::Str),
        ("target", Ty::Str),
        ("uid", Ty::Str),
        ("gid", Ty::Str),
        ("mode", Ty::Num),
    ])),
]));

const SERVICE_HOOK: Ty = Ty::Obj(&closed(&[
    ("command", COMMAND),
    ("user", Ty::Str),
    ("privileged", Ty::Bool),
    ("working_dir", Ty::Str),
    ("environment", LIST_OR_DICT),
]));

const DEVICE_REQUEST: Obj = closed(&[
    ("capabilities", STRINGS),
    ("count", Ty::Num),
    ("device_ids", STRINGS),
    ("driver", Ty::Str),
    ("options", LIST_OR_DICT),
]);

/// `gpus` items: the schema puts `additionalProperties: false` on the array,
/// not on the item, so compose accepts any key in an item.
const GPU_REQUEST: Obj = Obj {
    props: DEVICE_REQUEST.props,
    ext: true,
    open: true,
};

const BLKIO_LIMIT: Ty = Ty::List(&Ty::Obj(&closed_no_ext(&[
    ("path", Ty::Str),
    ("rate", Ty::Num),
])));

const BUILD: Obj = closed(&[
    ("context", Ty::Str),
    ("dockerfile", Ty::Str),
    ("dockerfile_inline", Ty::Str),
    ("entitlements", STRINGS),
    ("args", LIST_OR_DICT),
    ("ssh", LIST_OR_DICT),
    ("labels", LIST_OR_DICT),
    ("cache_from", STRINGS),
    ("cache_to", STRINGS),
    ("no_cache", Ty::Bool),
    ("additional_contexts", LIST_OR_DICT),
    ("network", Ty::Str),
    ("provenance", Ty::Bool),
    ("sbom", Ty::Bool),
    ("pull", Ty::Bool),
    ("target", Ty::Str),
    ("shm_size", Ty::Num),
    ("extra_hosts", EXTRA_HOSTS),
    ("isolation", Ty::Str),
    ("privileged", Ty::Bool),
    ("secrets", SERVICE_CONFIG_OR_SECRET),
    ("tags", STRINGS),
    ("ulimits", ULIMITS),
    ("platforms", STRINGS),
]);

const UPDATE_CONFIG: Ty = Ty::Obj(&closed(&[
    ("parallelism", Ty::Num),
    ("delay", Ty::Str),
    ("failure_action", Ty::Str),
    ("monitor", Ty::Str),
    ("max_failure_ratio", Ty::Num),
    ("order", Ty::Enum(&["start-first", "stop-first"])),
]));

const DEPLOY: Obj = closed(&[
    ("mode", Ty::Str),
    ("endpoint_mode", Ty::Str),
    ("replicas", Ty::Num),
    ("labels", LIST_OR_DICT),
    ("rollback_config", UPDATE_CONFIG),
    ("update_config", UPDATE_CONFIG),
    (
        "resources",
        Ty::Obj(&closed(&[
            (
                "limits",
                Ty::Obj(&closed(&[
                    ("cpus", Ty::Num),
                    ("memory", Ty::Str),
                    ("pids", Ty::Num),
                ])),
            ),
            (
                "reservations",
                Ty::Obj(&closed(&[
                    ("cpus", Ty::Num),
                    ("memory", Ty::Str),
                    (
                        "generic_resources",
                        Ty::List(&Ty::Obj(&closed(&[(
                            "discrete_resource_spec",
                            Ty::Obj(&closed(&[("kind", Ty::Str), ("value", Ty::Num)])),
                        )]))),
                    ),
                    ("devices", Ty::List(&Ty::Obj(&DEVICE_REQUEST))),
                ])),
            ),
        ])),
    ),
    (
        "restart_policy",
        Ty::Obj(&closed(&[
            ("condition", Ty::Str),
            ("delay", Ty::Str),
            ("max_attempts", Ty::Num),
            ("window", Ty::Str),
        ])),
    ),
    (
        "placement",
        Ty::Obj(&closed(&[
            ("constraints", STRINGS),
            (
                "preferences",
                Ty::List(&Ty::Obj(&closed(&[("spread", Ty::Str)]))),
            ),
            ("max_replicas_per_node", Ty::Num),
        ])),
    ),
]);

const DEVELOP: Obj = closed(&[(
    "watch",
    Ty::List(&Ty::Obj(&closed(&[
        ("ignore", STRING_OR_LIST),
        ("include", STRING_OR_LIST),
        ("path", Ty::Str),
        (
            "action",
            Ty::Enum(&["rebuild", "sync", "restart", "sync+restart", "sync+exec"]),
        ),
        ("target", Ty::Str),
        ("exec", SERVICE_HOOK),
    ]))),
)]);

const HEALTHCHECK: Obj = closed(&[
    ("disable", Ty::Bool),
    ("interval", Ty::Str),
    ("retries", Ty::Num),
    ("test", STRING_OR_LIST),
    ("timeout", Ty::Str),
    ("start_period", Ty::Str),
    ("start_interval", Ty::Str),
]);

const SERVICE_NETWORK: Obj = closed(&[
    ("aliases", STRINGS),
    ("interface_name", Ty::Str),
    ("ipv4_address", Ty::Str),
    ("ipv6_address", Ty::Str),
    ("link_local_ips", STRINGS),
    ("mac_address", Ty::Str),
    ("driver_opts", OPTIONS),
    ("priority", Ty::Num),
    ("gw_priority", Ty::Num),
]);

const PORT: Obj = closed(&[
    ("name", Ty::Str),
    ("mode", Ty::Str),
    ("host_ip", Ty::Str),
    ("target", Ty::Num),
    ("published", Ty::Num),
    ("protocol", Ty::Str),
    ("app_protocol", Ty::Str),
]);

const MOUNT: Obj = closed(&[
    (
        "type",
        Ty::Enum(&["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
    ),
    ("source", Ty::Str),
    ("target", Ty::Str),
    ("read_only", Ty::Bool),
    ("consistency", Ty::Str),
    (
        "bind",
        Ty::Obj(&closed(&[
            ("propagation", Ty::Str),
            ("create_host_path", Ty::Bool),
            (
                "recursive",
                Ty::Enum(&["enabled", "disabled", "writable", "readonly"]),
            ),
            ("selinux", Ty::Enum(&["z", "Z"])),
        ])),
    ),
    (
        "volume",
        Ty::Obj(&closed(&[
            ("labels", LIST_OR_DICT),
            ("nocopy", Ty::Bool),
            ("subpath", Ty::Str),
        ])),
    ),
    (
        "tmpfs",
        Ty::Obj(&closed(&[("size", Ty::Num), ("mode", Ty::Num)])),
    ),
    ("image", Ty::Obj(&closed(&[("subpath", Ty::Str)]))),
]);

const SERVICE: Obj = closed(&[
    ("develop", Ty::OneOf(&[Ty::Null, Ty::Obj(&DEVELOP)])),
    ("deploy", Ty::OneOf(&[Ty::Null, Ty::Obj(&DEPLOY)])),
    ("annotations", LIST_OR_DICT),
    ("attach", Ty::Bool),
    ("build", Ty::OneOf(&[Ty::Str, Ty::Obj(&BUILD)])),
    (
        "blkio_config",
        Ty::Obj(&closed_no_ext(&[
            ("device_read_bps", BLKIO_LIMIT),
            ("device_read_iops", BLKIO_LIMIT),
            ("device_write_bps", BLKIO_LIMIT),
            ("device_write_iops", BLKIO_LIMIT),
            ("weight", Ty::Num),
            (
                "weight_device",
                Ty::List(&Ty::Obj(&closed_no_ext(&[
                    ("path", Ty::Str),
                    ("weight", Ty::Num),
                ]))),
            ),
        ])),
    ),
    ("cap_add", STRINGS),
    ("cap_drop", STRINGS),
    ("cgroup", Ty::Enum(&["host", "private"])),
    ("cgroup_parent", Ty::Str),
    ("command", COMMAND),
    ("configs", SERVICE_CONFIG_OR_SECRET),
    ("container_name", Ty::Str),
    ("cpu_count", Ty::Num),
    ("cpu_percent", Ty::Num),
    ("cpu_shares", Ty::Num),
    ("cpu_quota", Ty::Num),
    ("cpu_period", Ty::Num),
    ("cpu_rt_period", Ty::Num),
    ("cpu_rt_runtime", Ty::Num),
    ("cpus", Ty::Num),
    ("cpuset", Ty::Str),
    (
        "credential_spec",
        Ty::Obj(&closed(&[
            ("config", Ty::Str),
            ("file", Ty::Str),
            ("registry", Ty::Str),
        ])),
    ),
    (
        "depends_on",
        Ty::OneOf(&[
            STRINGS,
            Ty::Named(&Ty::Obj(&closed(&[
                ("restart", Ty::Bool),
                ("required", Ty::Bool),
                (
                    "condition",
                    Ty::Enum(&[
                        "service_started",
                        "service_healthy",
                        "service_completed_successfully",
                    ]),
                ),
            ]))),
        ]),
    ),
    ("device_cgroup_rules", STRINGS),
    (
        "devices",
        Ty::List(&Ty::OneOf(&[
            Ty::Str,
            Ty::Obj(&closed(&[
                ("source", Ty::Str),
                ("target", Ty::Str),
                ("permissions", Ty::Str),
            ])),
        ])),
    ),
    ("dns", STRING_OR_LIST),
    ("dns_opt", STRINGS),
    ("dns_search", STRING_OR_LIST),
    ("domainname", Ty::Str),
    ("entrypoint", COMMAND),
    (
        "env_file",
        Ty::OneOf(&[
            Ty::Str,
            Ty::List(&Ty::OneOf(&[
                Ty::Str,
                Ty::Obj(&closed_no_ext(&[
                    ("path", Ty::Str),
                    ("format", Ty::Str),
                    ("required", Ty::Bool),
                ])),
            ])),
        ]),
    ),
    ("label_file", STRING_OR_LIST),
    ("environment", LIST_OR_DICT),
    ("expose", STRINGS),
    (
        "extends",
        Ty::OneOf(&[
            Ty::Str,
            Ty::Obj(&closed_no_ext(&[("service", Ty::Str), ("file", Ty::Str)])),
        ]),
    ),
    (
        "provider",
        Ty::Obj(&closed(&[
            ("type", Ty::Str),
            ("options", Ty::Dict(&STRING_OR_LIST)),
        ])),
    ),
    ("external_links", STRINGS),
    ("extra_hosts", EXTRA_HOSTS),
    (
        "gpus",
        Ty::OneOf(&[Ty::Enum(&["all"]), Ty::List(&Ty::Obj(&GPU_REQUEST))]),
    ),
    ("group_add", STRINGS),
    ("healthcheck", Ty::Obj(&HEALTHCHECK)),
    ("hostname", Ty::Str),
    ("image", Ty::Str),
    ("init", Ty::Bool),
    ("ipc", Ty::Str),
    ("isolation", Ty::Str),
    ("labels", LIST_OR_DICT),
    ("links", STRINGS),
    (
        "logging",
        Ty::Obj(&closed(&[
            ("driver", Ty::Str),
            ("options", Ty::Dict(&SCALAR_OR_NULL)),
        ])),
    ),
    ("mac_address", Ty::Str),
    ("mem_limit", Ty::Num),
    ("mem_reservation", Ty::Num),
    ("mem_swappiness", Ty::Num),
    ("memswap_limit", Ty::Num),
    ("network_mode", Ty::Str),
    (
        "models",
        Ty::OneOf(&[
            STRINGS,
            Ty::Dict(&Ty::Obj(&closed(&[
                ("endpoint_var", Ty::Str),
                ("model_var", Ty::Str),
            ]))),
        ]),
    ),
    (
        "networks",
        Ty::OneOf(&[
            STRINGS,
            Ty::Dict(&Ty::OneOf(&[Ty::Null, Ty::Obj(&SERVICE_NETWORK)])),
        ]),
    ),
    ("oom_kill_disable", Ty::Bool),
    ("oom_score_adj", Ty::Num),
    ("pid", Ty::OneOf(&[Ty::Str, Ty::Null])),
    ("pids_limit", Ty::Num),
    ("platform", Ty::Str),
    (
        "ports",
        Ty::List(&Ty::OneOf(&[Ty::Num, Ty::Str, Ty::Obj(&PORT)])),
    ),
    ("post_start", Ty::List(&SERVICE_HOOK)),
    ("pre_stop", Ty::List(&SERVICE_HOOK)),
    ("privileged", Ty::Bool),
    ("profiles", STRINGS),
    ("pull_policy", Ty::Str),
    ("pull_refresh_after", Ty::Str),
    ("read_only", Ty::Bool),
    ("restart", Ty::Str),
    ("runtime", Ty::Str),
    ("scale", Ty::Num),
    ("security_opt", STRINGS),
    ("shm_size", Ty::Num),
    ("secrets", SERVICE_CONFIG_OR_SECRET),
    ("sysctls", LIST_OR_DICT),
    ("stdin_open", Ty::Bool),
    ("stop_grace_period", Ty::Str),
    ("stop_signal", Ty::Str),
    ("storage_opt", Ty::Dict(&Ty::Any)),
    ("tmpfs", STRING_OR_LIST),
    ("tty", Ty::Bool),
    ("ulimits", ULIMITS),
    ("use_api_socket", Ty::Bool),
    ("user", Ty::Str),
    ("uts", Ty::Str),
    ("userns_mode", Ty::Str),
    ("volumes", Ty::List(&Ty::OneOf(&[Ty::Str, Ty::Obj(&MOUNT)]))),
    ("volumes_from", STRINGS),
    ("working_dir", Ty::Str),
]);

const NETWORK: Obj = closed(&[
    ("name", Ty::Str),
    ("driver", Ty::Str),
    ("driver_opts", OPTIONS),
    (
        "ipam",
        Ty::Obj(&closed(&[
            ("driver", Ty::Str),
            (
                "config",
                Ty::List(&Ty::Obj(&closed(&[
                    ("subnet", Ty::Str),
                    ("ip_range", Ty::Str),
                    ("gateway", Ty::Str),
                    ("aux_addresses", OPTIONS),
                ]))),
            ),
            ("options", OPTIONS),
        ])),
    ),
    ("external", EXTERNAL),
    ("internal", Ty::Bool),
    ("enable_ipv4", Ty::Bool),
    ("enable_ipv6", Ty::Bool),
    ("attachable", Ty::Bool),
    ("labels", LIST_OR_DICT),
]);

const VOLUME: Obj = closed(&[
    ("name", Ty::Str),
    ("driver", Ty::Str),
    ("driver_opts", OPTIONS),
    ("external", EXTERNAL),
    ("labels", LIST_OR_DICT),
]);

const SECRET: Obj = closed(&[
    ("name", Ty::Str),
    ("environment", Ty::Str),
    ("file", Ty::Str),
    ("external", EXTERNAL_OPEN),
    ("labels", LIST_OR_DICT),
    ("driver", Ty::Str),
    ("driver_opts", OPTIONS),
    ("template_driver", Ty::Str),
]);

const CONFIG: Obj = closed(&[
    ("name", Ty::Str),
    ("content", Ty::Str),
    ("environment", Ty::Str),
    ("file", Ty::Str),
    ("external", EXTERNAL_OPEN),
    ("labels", LIST_OR_DICT),
    ("template_driver", Ty::Str),
]);

const MODEL: Obj = closed(&[
    ("name", Ty::Str),
    ("model", Ty::Str),
    ("context_size", Ty::Num),
    ("runtime_flags", STRINGS),
]);

const INCLUDE: Obj = closed_no_ext(&[
    ("path", STRING_OR_LIST),
    ("env_file", STRING_OR_LIST),
    ("project_directory", Ty::Str),
]);

const ROOT_KEYS: &[&str] = &[
    "version", "name", "include", "services", "models", "networks", "volumes", "secrets", "configs",
];

const ROOT: Ty = Ty::Obj(&closed(&[
    ("version", Ty::Str),
    ("name", Ty::Str),
    (
        "include",
        Ty::List(&Ty::OneOf(&[Ty::Str, Ty::Obj(&INCLUDE)])),
    ),
    ("services", Ty::Named(&Ty::Obj(&SERVICE))),
    ("models", Ty::Dict(&Ty::Obj(&MODEL))),
    (
        "networks",
        Ty::Dict(&Ty::OneOf(&[Ty::Null, Ty::Obj(&NETWORK)])),
    ),
    (
        "volumes",
        Ty::Named(&Ty::OneOf(&[Ty::Null, Ty::Obj(&VOLUME)])),
    ),
    ("secrets", Ty::Named(&Ty::Obj(&SECRET))),
    ("configs", Ty::Named(&Ty::Obj(&CONFIG))),
]));

struct Checker {
    errors: Vec<SchemaError>,
}

impl Checker {
    fn check(&mut self, node: &Node, ty: &Ty, path: &str) {
        if node.tag.as_deref() == Some("!reset") {
            return;
        }
        if !accepts(ty, node) {
            return self.wrong_type(node, ty, path);
        }
        match (ty, &node.value) {
            (Ty::OneOf(alternatives), _) => {
                // The alternatives differ in kind, so the first that takes
                // this kind of value is the one to check it against.
                if let Some(t) = alternatives.iter().find(|t| accepts(t, node)) {
                    self.check(node, t, path);
                }
            }
            (Ty::Enum(allowed), _) => {
                let Some(text) = node.scalar_text() else {
                    return;
                };
                if !text.contains('$') && !allowed.contains(&text.as_str()) {
                    let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
                    self.errors.push(SchemaError {
                        span: node.span,
                        message: format!(
                            "{} must be one of {}, not `{text}`",
                            display(path),
                            list.join(", ")
                        ),
                    });
                }
            }
            (Ty::List(item), Value::Seq(items)) => {
                for (i, n) in items.iter().enumerate() {
                    self.check(n, item, &format!("{path}[{i}]"));
                }
            }
            (Ty::Obj(obj), Value::Map(entries)) => {
                for (k, v) in entries {
                    let name = key_text(k);
                    if name == "<<" {
                        continue;
                    }
                    if let Some((_, t)) = obj.props.iter().find(|(p, _)| *p == name) {
                        self.check(v, t, &join(path, &name));
                    } else if (obj.ext && name.starts_with("x-")) || obj.open {
                        continue;
                    } else {
                        let hint = hint(obj, &name);
                        self.unknown_key(k, path, &name, &hint);
                    }
                }
            }
            (Ty::Dict(item), Value::Map(entries)) => {
                for (k, v) in entries {
                    let name = key_text(k);
                    if name != "<<" {
                        self.check(v, item, &join(path, &name));
                    }
                }
            }
            (Ty::Named(item), Value::Map(entries)) => {
                for (k, v) in entries {
                    let name = key_text(k);
                    if name == "<<" {
                        continue;
                    }
                    if !valid_name(&name) {
                        self.unknown_key(
                            k,
                            path,
                            &name,
                            " (a name may only contain letters, digits, `.`, `_` and `-`)",
                        );
                        continue;
                    }
                    self.check(v, item, &join(path, &name));
                }
            }
            _ => {}
        }
    }

    fn wrong_type(&mut self, node: &Node, ty: &Ty, path: &str) {
        let mut names = Vec::new();
        describe(ty, &mut names);
        self.errors.push(SchemaError {
            span: node.span,
            message: format!(
                "{} must be {}, not {}",
                display(path),
                names.join(" or "),
                node.kind_name()
            ),
        });
    }

    fn unknown_key(&mut self, key: &Node, path: &str, name: &str, why: &str) {
        self.errors.push(SchemaError {
            span: key.span,
            message: format!(
                "{}: additional property `{name}` is not allowed{why}",
                display(path)
            ),
        });
    }
}

/// Whether a value of this kind can match the shape (the deeper checks come
/// after).
fn accepts(ty: &Ty, node: &Node) -> bool {
    let v = &node.value;
    match ty {
        Ty::Any => true,
        Ty::Str | Ty::Enum(_) => matches!(
            v,
            Value::String(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)
        ),
        Ty::Bool => matches!(v, Value::Bool(_) | Value::String(_)),
        Ty::Num => matches!(v, Value::Int(_) | Value::Float(_) | Value::String(_)),
        Ty::Null => matches!(v, Value::Null),
        Ty::List(_) => matches!(v, Value::Seq(_)),
        Ty::Obj(_) | Ty::Dict(_) | Ty::Named(_) => matches!(v, Value::Map(_)),
        Ty::OneOf(alternatives) => alternatives.iter().any(|t| accepts(t, node)),
    }
}

/// The names of what a shape accepts, for messages ("a string or a sequence").
fn describe(ty: &Ty, out: &mut Vec<&'static str>) {
    let name = match ty {
        Ty::Any => "anything",
        Ty::Str | Ty::Enum(_) => "a string",
        Ty::Bool => "a boolean",
        Ty::Num => "a number",
        Ty::Null => "null",
        Ty::List(_) => "a sequence",
        Ty::Obj(_) | Ty::Dict(_) | Ty::Named(_) => "a mapping",
        Ty::OneOf(alternatives) => {
            for t in alternatives.iter() {
                describe(t, out);
            }
            return;
        }
    };
    if !out.contains(&name) {
        out.push(name);
    }
}

/// A hint for an unknown key: the known property it is probably a typo of.
fn hint(obj: &Obj, name: &str) -> String {
    match closest(obj, name) {
        Some(known) => format!(" (did you mean `{known}`?)"),
        None => String::new(),
    }
}

/// The known property within a small edit distance of `name`.
fn closest(obj: &Obj, name: &str) -> Option<&'static str> {
    let limit = if name.chars().count() <= 4 { 1 } else { 2 };
    obj.props
        .iter()
        .map(|(p, _)| (*p, edit_distance(p, name)))
        .filter(|(_, d)| *d <= limit)
        .min_by_key(|(_, d)| *d)
        .map(|(p, _)| p)
}

/// Levenshtein distance over characters, ignoring ASCII case.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            row[j + 1] = substitute.min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}

fn key_text(key: &Node) -> String {
    match &key.value {
        Value::Null => "null".to_string(),
        _ => key
            .scalar_text()
            .unwrap_or_else(|| key.kind_name().to_string()),
    }
}

/// `^[a-zA-Z0-9._-]+$`, the keys of services, volumes, secrets, configs and
/// `depends_on`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn display(path: &str) -> &str {
    if path.is_empty() { "top level" } else { path }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    /// The errors of a document, as `(message, text at the span)`.
    fn errors(text: &str) -> Vec<(String, String)> {
        let root = parse(text, Limits::default()).expect("valid YAML");
        validate(&root)
            .into_iter()
            .map(|e| (e.message, e.span.slice(text).to_string()))
            .collect()
    }

    fn messages(text: &str) -> Vec<String> {
        errors(text).into_iter().map(|(m, _)| m).collect()
    }

    fn assert_valid(text: &str) {
        let found = errors(text);
        assert!(found.is_empty(), "unexpected errors {found:?} in\n{text}");
    }

    #[test]
    fn unknown_service_key() {
        let text = "services:\n  simple:\n    image: alpine\n    wrongField: test\n";
        assert_eq!(
            errors(text),
            [(
                "services.simple: additional property `wrongField` is not allowed".to_string(),
                "wrongField".to_string()
            )]
        );
    }

    #[test]
    fn unknown_top_level_key() {
        let text = "services: {}\nfoo: bar\n";
        assert_eq!(
            errors(text),
            [(
                "top level: additional property `foo` is not allowed".to_string(),
                "foo".to_string()
            )]
        );
        // Typos get a suggestion.
        assert_eq!(
            messages("sevices:\n  web:\n    image: nginx\n"),
            ["top level: additional property `sevices` is not allowed (did you mean `services`?)"]
        );
        assert_eq!(
            messages("services:\n  web:\n    image: nginx\n    enviroment: [A=1]\n"),
            [
                "services.web: additional property `enviroment` is not allowed (did you mean `environment`?)"
            ]
        );
    }

    #[test]
    fn version_1_format_is_explained() {
        // One error for the file, at the first service; the services are
        // still checked as services.
        let found = errors(
            "web:\n  image: nginx\n  net: host\n  log_driver: syslog\ndb:\n  build: .\n  privilegd: true\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].1, "web");
        assert!(
            found[0].0.starts_with(
                "version 1 format: services are written at the top level (`web`, `db`)"
            ),
            "{found:?}"
        );
        assert_eq!(
            found[1].0,
            "db: additional property `privilegd` is not allowed (did you mean `privileged`?)"
        );
        // A file with `services:` is not in the version 1 format.
        let root =
            parse("services: {}\nweb:\n  image: a\n", Limits::default()).expect("valid YAML");
        assert!(version_1_services(&root).is_none());
    }

    #[test]
    fn extensions_are_allowed_where_the_schema_allows_them() {
        let text = r#"
x-common: &common
  restart: always
x-anything: [1, 2, {deep: true}]
services:
  web:
    <<: *common
    x-tool: {a: 1}
    image: nginx
    build:
      context: .
      x-build-ext: 1
    deploy:
      x-deploy: 1
      resources:
        x-res: 1
        limits: {cpus: "0.5", x-lim: 1}
    ports:
      - target: 80
        x-port: 1
    volumes:
      - type: bind
        source: .
        target: /app
        x-vol: 1
        bind: {propagation: rprivate, x-b: 1}
    depends_on:
      db: {condition: service_started, x-dep: 1}
    healthcheck: {test: ["CMD", "true"], x-hc: 1}
    logging: {driver: json-file, x-log: 1}
    networks:
      front: {aliases: [web], x-net: 1}
networks:
  front:
    x-network: 1
    ipam: {x-ipam: 1, config: [{subnet: 10.0.0.0/24, x-c: 1}]}
volumes:
  data: {x-volume: 1}
secrets:
  token: {file: ./token, x-secret: 1}
configs:
  conf: {file: ./conf, x-config: 1}
"#;
        assert_valid(text);
        // A key merged from an anchor is checked where it is merged.
        assert_eq!(
            errors("x-base: &base\n  wrong: 1\nservices:\n  web:\n    <<: *base\n"),
            [(
                "services.web: additional property `wrong` is not allowed".to_string(),
                "*base".to_string()
            )]
        );
        // `extends` and `include` items do not allow extensions.
        assert_eq!(
            messages("services:\n  web:\n    extends: {service: base, x-e: 1}\n"),
            ["services.web.extends: additional property `x-e` is not allowed"]
        );
        assert_eq!(
            messages("include:\n  - path: a.yaml\n    x-i: 1\n"),
            ["include[0]: additional property `x-i` is not allowed"]
        );
    }

    #[test]
    fn wrong_types() {
        assert_eq!(
            errors("services:\n  web:\n    cap_add: NET_ADMIN\n"),
            [(
                "services.web.cap_add must be a sequence, not a string".to_string(),
                "NET_ADMIN".to_string()
            )]
        );
        assert_eq!(
            messages("services:\n  web:\n    ports:\n      80: 80\n"),
            ["services.web.ports must be a sequence, not a mapping"]
        );
        assert_eq!(
            messages("services:\n  web:\n    privileged: [true]\n"),
            ["services.web.privileged must be a boolean, not a sequence"]
        );
        assert_eq!(
            messages("services:\n  web:\n    command: {a: b}\n"),
            ["services.web.command must be null or a string or a sequence, not a mapping"]
        );
        assert_eq!(
            messages("services:\n  web:\n    image: [nginx]\n"),
            ["services.web.image must be a string, not a sequence"]
        );
        assert_eq!(
            messages("services:\n  web:\n    environment:\n      A: {b: c}\n"),
            ["services.web.environment.A must be a string or null, not a mapping"]
        );
        assert_eq!(
            messages("services:\n  web:\n    cap_add: [[CHOWN]]\n"),
            ["services.web.cap_add[0] must be a string, not a sequence"]
        );
        assert_eq!(
            messages("services:\n  web:\n    privileged: 1\n"),
            ["services.web.privileged must be a boolean, not a number"]
        );
        assert_eq!(
            messages("services:\n  web:\n    cpus: true\n"),
            ["services.web.cpus must be a number, not a boolean"]
        );
        assert_eq!(
            messages("services:\n  web:\n    deploy:\n      resources:\n        limits: 1g\n"),
            ["services.web.deploy.resources.limits must be a mapping, not a string"]
        );
    }

    #[test]
    fn lenient_scalars() {
        let text = r#"
version: 3
name: demo
services:
  web:
    image: nginx
    privileged: "true"
    read_only: ${READ_ONLY:-false}
    init: yes
    tty: on
    cpus: "0.5"
    cpu_shares: ${SHARES}
    mem_limit: 512m
    shm_size: 1073741824
    user: 1000
    restart: no
    scale: "2"
    pids_limit: -1
    stop_grace_period: 1m30s
    oom_score_adj: "${OOM}"
    expose: [80, "443"]
    group_add: [100, audio]
    ulimits:
      nproc: 65535
      nofile: {soft: "20000", hard: 40000}
    healthcheck:
      test: curl -f http://localhost
      retries: "3"
      disable: "false"
    deploy:
      replicas: ${REPLICAS}
      resources:
        limits: {cpus: 2, memory: 1024}
    sysctls:
      net.core.somaxconn: 1024
    logging:
      options: {max-size: 10m, max-file: 3, tag: }
    gpus: all
"#;
        assert_valid(text);
    }

    #[test]
    fn environment_and_labels_as_list_or_mapping() {
        let text = r#"
services:
  a:
    environment:
      - A=1
      - B
    labels: [com.example=1]
    annotations: [a=b]
    extra_hosts: ["host:1.2.3.4"]
    build:
      context: .
      args: [X=1]
  b:
    environment:
      A: 1
      B: true
      C:
      D: "text"
    labels:
      com.example: "1"
      empty:
    extra_hosts:
      host: 1.2.3.4
      multi: ["::1", 127.0.0.1]
    build:
      context: .
      args: {X: 1, Y: }
"#;
        assert_valid(text);
        assert_eq!(
            messages("services:\n  a:\n    labels: label\n"),
            ["services.a.labels must be a mapping or a sequence, not a string"]
        );
    }

    #[test]
    fn ports_and_volumes_short_and_long() {
        let text = r#"
services:
  web:
    ports:
      - 8080
      - "80:80"
      - 127.0.0.1:443:443/tcp
      - target: 80
        published: "8080"
        host_ip: 0.0.0.0
        protocol: tcp
        mode: host
        name: http
        app_protocol: http
    volumes:
      - ./data:/data:ro
      - type: bind
        source: ./src
        target: /src
        read_only: true
        bind: {create_host_path: true, selinux: z}
      - type: volume
        source: data
        target: /var/lib
        volume: {nocopy: true, subpath: sub}
      - type: tmpfs
        target: /tmp
        tmpfs: {size: 100m, mode: 1777}
      - type: image
        source: alpine
        target: /img
        image: {subpath: /etc}
volumes:
  data:
"#;
        assert_valid(text);
        assert_eq!(
            errors("services:\n  web:\n    ports:\n      - target: 80\n        hostip: 1.2.3.4\n"),
            [(
                "services.web.ports[0]: additional property `hostip` is not allowed (did you mean `host_ip`?)".to_string(),
                "hostip".to_string()
            )]
        );
        assert_eq!(
            messages("services:\n  web:\n    volumes:\n      - type: mount\n        target: /x\n"),
            [
                "services.web.volumes[0].type must be one of `bind`, `volume`, `tmpfs`, `cluster`, `npipe`, `image`, not `mount`"
            ]
        );
        assert_eq!(
            messages("services:\n  web:\n    volumes:\n      - [a, b]\n"),
            ["services.web.volumes[0] must be a string or a mapping, not a sequence"]
        );
    }

    #[test]
    fn build_as_string_or_mapping() {
        assert_valid("services:\n  web:\n    build: ./dir\n");
        assert_valid(
            "services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile.dev\n      target: dev\n      cache_from: [a]\n      platforms: [linux/amd64]\n      secrets: [token]\n      ssh: [default]\n      no_cache: true\n      provenance: mode=max\n      sbom: true\n      shm_size: 2g\n      dockerfile_inline: |\n        FROM alpine\n",
        );
        assert_eq!(
            messages("services:\n  web:\n    build: [.]\n"),
            ["services.web.build must be a string or a mapping, not a sequence"]
        );
        assert_eq!(
            messages("services:\n  web:\n    build:\n      context: .\n      file: Dockerfile\n"),
            ["services.web.build: additional property `file` is not allowed"]
        );
    }

    #[test]
    fn networks_as_list_or_mapping_with_null_values() {
        let text = r#"
services:
  a:
    networks: [front, back]
  b:
    networks:
      front:
      back:
        aliases: [b]
        ipv4_address: 10.0.0.2
        priority: 100
networks:
  front:
  back:
    driver: bridge
    internal: "true"
    enable_ipv6: true
    driver_opts: {com.docker.network.bridge.name: br0, mtu: 1500}
    ipam:
      driver: default
      config:
        - subnet: 10.0.0.0/24
          gateway: 10.0.0.1
          aux_addresses: {host1: 10.0.0.5}
  outside:
    external: true
    name: real-name
  legacy:
    external: {name: legacy-name}
"#;
        assert_valid(text);
        assert_eq!(
            messages("services:\n  a:\n    networks:\n      front:\n        alias: [x]\n"),
            [
                "services.a.networks.front: additional property `alias` is not allowed (did you mean `aliases`?)"
            ]
        );
        assert_eq!(
            messages("services:\n  a:\n    networks: front\n"),
            ["services.a.networks must be a sequence or a mapping, not a string"]
        );
    }

    #[test]
    fn depends_on_as_list_or_mapping() {
        assert_valid("services:\n  a:\n    depends_on: [b, c]\n");
        assert_valid(
            "services:\n  a:\n    depends_on:\n      b:\n        condition: service_healthy\n        restart: true\n      c:\n        condition: service_completed_successfully\n        required: false\n",
        );
        assert_eq!(
            messages(
                "services:\n  a:\n    depends_on:\n      b:\n        condition: service_healty\n"
            ),
            [
                "services.a.depends_on.b.condition must be one of `service_started`, `service_healthy`, `service_completed_successfully`, not `service_healty`"
            ]
        );
        assert_eq!(
            messages("services:\n  a:\n    depends_on:\n      b: service_healthy\n"),
            ["services.a.depends_on.b must be a mapping, not a string"]
        );
        // Interpolated values are checked by compose after interpolation.
        assert_valid("services:\n  a:\n    depends_on:\n      b:\n        condition: ${COND}\n");
    }

    #[test]
    fn reset_values_are_skipped_and_override_values_checked() {
        assert_valid(
            "services:\n  web:\n    cap_add: !reset null\n    ports: !reset {}\n    build: !reset []\n    environment: !reset\n",
        );
        assert_eq!(
            messages("services:\n  web:\n    cap_add: !override NET_ADMIN\n"),
            ["services.web.cap_add must be a sequence, not a string"]
        );
        assert_valid("services:\n  web:\n    ports: !override\n      - 8080:80\n");
    }

    #[test]
    fn empty_file() {
        for text in ["", "# nothing here\n", "---\n"] {
            let root = parse(text, Limits::default()).expect("valid YAML");
            assert_eq!(
                validate(&root),
                [SchemaError {
                    span: Span::new(0, 0),
                    message: "empty compose file".to_string()
                }],
                "{text:?}"
            );
        }
    }

    #[test]
    fn containers_of_the_wrong_kind() {
        assert_eq!(
            messages("- web\n"),
            ["the top level of a compose file must be a mapping, not a sequence"]
        );
        assert_eq!(
            errors("services:\n  web: nginx\n"),
            [(
                "services.web must be a mapping, not a string".to_string(),
                "nginx".to_string()
            )]
        );
        assert_eq!(
            messages("services:\n  - web\n"),
            ["services must be a mapping, not a sequence"]
        );
        assert_eq!(
            messages("services:\n  web:\n    image: nginx\n  restart: always\n"),
            ["services.restart must be a mapping, not a string"]
        );
        assert_eq!(
            messages("volumes:\n  data: ./data\n"),
            ["volumes.data must be null or a mapping, not a string"]
        );
        assert_eq!(
            errors("services:\n  my web:\n    image: nginx\n"),
            [(
                "services: additional property `my web` is not allowed (a name may only contain letters, digits, `.`, `_` and `-`)".to_string(),
                "my web".to_string()
            )]
        );
    }

    #[test]
    fn top_level_definitions() {
        let text = r#"
name: app
include:
  - other.yaml
  - path: [a.yaml, b.yaml]
    env_file: .env
    project_directory: ..
secrets:
  s1: {file: ./s1}
  s2: {environment: TOKEN}
  s3: {external: true}
configs:
  c1: {content: "hello", template_driver: golang}
models:
  llm: {model: ai/smollm2, context_size: 4096, runtime_flags: [--verbose]}
services:
  web:
    image: nginx
    models: [llm]
    secrets:
      - s1
      - source: s2
        target: /run/s2
        mode: 0400
        uid: "1000"
    configs: [c1]
    post_start:
      - command: ["echo", "hi"]
        user: root
    develop:
      watch:
        - path: ./src
          action: sync
          target: /app
    provider:
      type: model
      options: {model: ai/x, flags: [a, b]}
    env_file:
      - .env
      - path: .env.local
        required: false
    tmpfs: /run
    dns: [1.1.1.1]
    security_opt: [no-new-privileges:true]
    blkio_config:
      weight: 300
      device_read_bps: [{path: /dev/sda, rate: 12mb}]
"#;
        assert_valid(text);
        assert_eq!(
            messages("secrets:\n  s1:\n    path: ./s1\n"),
            ["secrets.s1: additional property `path` is not allowed"]
        );
        assert_eq!(
            messages(
                "services:\n  web:\n    develop:\n      watch:\n        - path: .\n          action: copy\n"
            ),
            [
                "services.web.develop.watch[0].action must be one of `rebuild`, `sync`, `restart`, `sync+restart`, `sync+exec`, not `copy`"
            ]
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("services", "sevices"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("Image", "image"), 0);
    }
}
