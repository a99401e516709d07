//! Loading projects from in-memory files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::spec::{MountKind, PortRange};

struct Mem {
    files: HashMap<PathBuf, String>,
    env: HashMap<String, String>,
}

impl Mem {
    fn new(files: &[(&str, &str)]) -> Mem {
        Mem {
            files: files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                .collect(),
            env: HashMap::new(),
        }
    }
}

impl Loader for Mem {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }

    fn env(&self, name: &str) -> Option<String> {
        self.env.get(name).cloned()
    }
}

fn load(mem: &Mem, paths: &[&str]) -> Project {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    load_project(&paths, mem)
}

fn service<'a>(p: &'a Project, name: &str) -> &'a crate::spec::ContainerSpec {
    p.services.iter().find(|s| s.name == name).expect("service")
}

fn text_at(p: &Project, origin: tree::Origin) -> &str {
    origin.span.slice(&p.files[origin.file].text)
}

#[test]
fn versionless_file_with_anchors() {
    let mem = Mem::new(&[(
        "/p/compose.yaml",
        "x-hardening: &hardening\n  read_only: true\n  cap_drop: [ALL]\nservices:\n  web:\n    <<: *hardening\n    image: nginx:1.27\n    user: \"0:0\"\n",
    )]);
    let p = load(&mem, &["/p/compose.yaml"]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let web = service(&p, "web");
    let ro = web.read_only.as_ref().expect("read_only");
    assert_eq!(ro.value, Some(true));
    assert_eq!(text_at(&p, ro.origin), "*hardening");
    assert_eq!(ro.origin.defined.slice(&p.files[0].text), "true");
    assert!(web.cap_drop[0].value.as_ref().is_some_and(|c| c.is_all()));
    assert_eq!(
        web.user.as_ref().and_then(|u| u.value.as_deref()),
        Some("0:0")
    );
    assert_eq!(text_at(&p, web.origin), "web");
}

#[test]
fn overrides_merge_and_keep_where_values_were_written() {
    let mem = Mem::new(&[
        (
            "/p/compose.yaml",
            "services:\n  web:\n    image: nginx\n    cap_add: [NET_ADMIN]\n    privileged: false\n",
        ),
        (
            "/p/compose.override.yaml",
            "services:\n  web:\n    privileged: \"true\"\n    cap_add: [net_admin, SYS_TIME]\n",
        ),
    ]);
    let p = load(&mem, &["/p/compose.yaml", "/p/compose.override.yaml"]);
    let web = service(&p, "web");
    let privileged = web.privileged.as_ref().expect("privileged");
    assert_eq!(privileged.value, Some(true));
    assert_eq!(privileged.origin.file, 1);
    assert_eq!(text_at(&p, privileged.origin), "\"true\"");
    let caps: Vec<&str> = web
        .cap_add
        .iter()
        .filter_map(|c| c.value.as_ref().map(|c| c.0.as_str()))
        .collect();
    assert_eq!(caps, ["NET_ADMIN", "SYS_TIME"]);
    assert_eq!(web.origin.file, 0);
}

#[test]
fn interpolation_with_dotenv_and_environment() {
    let mut mem = Mem::new(&[
        ("/p/.env", "# comment\nAPP_USER=root\nexport TAG=\"1.27\"\n"),
        (
            "/p/compose.yaml",
            "services:\n  web:\n    image: nginx:${TAG}\n    user: ${APP_USER}\n    privileged: ${PRIVILEGED:-true}\n    read_only: ${UNSET}\n    environment:\n      - PRICE=$$5\n",
        ),
    ]);
    mem.env.insert("TAG".into(), "from-env".into());
    let p = load(&mem, &["/p/compose.yaml"]);
    let web = service(&p, "web");
    assert_eq!(
        web.image.as_ref().and_then(|f| f.value.as_deref()),
        Some("nginx:from-env")
    );
    assert_eq!(
        web.user.as_ref().and_then(|f| f.value.as_deref()),
        Some("root")
    );
    assert_eq!(web.privileged.as_ref().and_then(|f| f.value), Some(true));
    assert!(web.read_only.as_ref().is_some_and(|f| f.value.is_none()));
    assert_eq!(
        web.environment[0]
            .1
            .as_ref()
            .and_then(|f| f.value.as_deref()),
        Some("$5")
    );
}

#[test]
fn extends_same_file_and_other_file_with_relative_paths() {
    let mem = Mem::new(&[
        (
            "/p/compose.yaml",
            "services:\n  base:\n    image: a\n    cap_drop: [ALL]\n  web:\n    extends: base\n    user: app\n  api:\n    extends:\n      file: common/services.yaml\n      service: builder\n",
        ),
        (
            "/p/common/services.yaml",
            "services:\n  builder:\n    build: ./app\n    privileged: true\n",
        ),
        ("/p/common/app/Dockerfile", "FROM alpine\nUSER root\n"),
    ]);
    let p = load(&mem, &["/p/compose.yaml"]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let web = service(&p, "web");
    assert!(
        web.cap_drop
            .iter()
            .any(|c| c.value.as_ref().is_some_and(|c| c.is_all()))
    );
    assert_eq!(
        web.user.as_ref().and_then(|f| f.value.as_deref()),
        Some("app")
    );
    let api = service(&p, "api");
    let build = api.build.as_ref().expect("build");
    assert_eq!(
        build.dockerfile_path.as_deref(),
        Some(Path::new("/p/common/app/Dockerfile"))
    );
    assert!(
        p.dockerfile(Path::new("/p/common/app/Dockerfile"))
            .is_some()
    );
    let privileged = api.privileged.as_ref().expect("privileged");
    assert_eq!(
        p.files[privileged.origin.file].path,
        PathBuf::from("/p/common/services.yaml")
    );
}

#[test]
fn include_adds_services_and_local_wins() {
    let mem = Mem::new(&[
        (
            "/p/compose.yaml",
            "include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: local\n",
        ),
        (
            "/p/sub/compose.yaml",
            "services:\n  web:\n    image: included\n  db:\n    image: postgres\n",
        ),
    ]);
    let p = load(&mem, &["/p/compose.yaml"]);
    assert_eq!(
        service(&p, "web")
            .image
            .as_ref()
            .and_then(|f| f.value.as_deref()),
        Some("local")
    );
    let db = service(&p, "db");
    assert_eq!(
        p.files[db.origin.file].path,
        PathBuf::from("/p/sub/compose.yaml")
    );
}

#[test]
fn include_cycles_and_missing_extends_are_errors() {
    let mem = Mem::new(&[
        (
            "/p/compose.yaml",
            "include:\n  - other.yaml\nservices:\n  web:\n    extends: nope\n",
        ),
        (
            "/p/other.yaml",
            "include:\n  - compose.yaml\nservices:\n  x:\n    image: a\n",
        ),
    ]);
    let p = load(&mem, &["/p/compose.yaml"]);
    let msgs: Vec<&str> = p.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(msgs.iter().any(|m| m.contains("include cycle")), "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("`nope`, which is not defined")),
        "{msgs:?}"
    );
}

#[test]
fn extends_and_include_cycles_are_named() {
    let mem = Mem::new(&[
        (
            "/p/compose.yaml",
            "include:\n  - self.yaml\nservices:\n  web:\n    extends:\n      file: other.yaml\n      service: base\n  a:\n    image: x\n    extends: b\n  b:\n    extends: a\n  me:\n    image: x\n    extends: me\n",
        ),
        (
            "/p/other.yaml",
            "services:\n  base:\n    image: x\n    extends:\n      file: compose.yaml\n      service: web\n  fine:\n    extends:\n      file: compose.yaml\n      service: a\n",
        ),
        ("/p/self.yaml", "include:\n  - self.yaml\n"),
    ]);
    let p = load(&mem, &["/p/compose.yaml"]);
    let msgs: Vec<&str> = p.errors.iter().map(|e| e.message.as_str()).collect();
    for expected in [
        "include cycle: self.yaml → self.yaml",
        "circular `extends`: `base` (other.yaml) → `web` (compose.yaml) → `base` (other.yaml)",
        "circular `extends`: `a` → `b` → `a`",
        "circular `extends`: `me` → `me`",
    ] {
        assert!(msgs.contains(&expected), "{expected}\n{msgs:?}");
    }
    assert_eq!(
        msgs.iter().filter(|m| m.contains("`a` → `b`")).count(),
        1,
        "{msgs:?}"
    );
    // Every service is still there, its own keys kept.
    for name in ["web", "a", "b", "me"] {
        assert!(p.services.iter().any(|s| s.name == name), "{name}");
    }
}

#[test]
fn invalid_yaml_is_an_error_with_a_span() {
    let mem = Mem::new(&[("/p/compose.yaml", "services:\n  web:\n    image: [x\n")]);
    let p = load(&mem, &["/p/compose.yaml"]);
    assert_eq!(p.errors.len(), 1);
    assert!(p.services.is_empty());
}

#[test]
fn normalised_forms() {
    let mem = Mem::new(&[(
        "/p/compose.yaml",
        "services:\n  web:\n    image: x\n    security_opt:\n      - no-new-privileges=true\n      - seccomp:unconfined\n    ports:\n      - 8080:80\n      - \"127.0.0.1:5432:5432\"\n      - target: 443\n        published: \"8443\"\n        host_ip: \"::\"\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - data:/data\n      - type: bind\n        source: /etc\n        target: /host-etc\n        bind:\n          propagation: rshared\n    networks: [front]\n  db:\n    image: postgres\nvolumes:\n  data:\n    driver_opts:\n      type: none\n      o: bind\n      device: /srv/data\nnetworks:\n  front:\n    driver_opts:\n      com.docker.network.bridge.enable_icc: \"false\"\n",
    )]);
    let p = load(&mem, &["/p/compose.yaml"]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let web = service(&p, "web");
    let opts: Vec<(String, Option<String>)> = web
        .security_opt
        .iter()
        .filter_map(|f| f.value.clone().map(|o| (o.name, o.value)))
        .collect();
    assert_eq!(opts[0], ("no-new-privileges".into(), Some("true".into())));
    assert_eq!(opts[1], ("seccomp".into(), Some("unconfined".into())));
    let ports: Vec<_> = web.ports.iter().filter_map(|p| p.value.clone()).collect();
    assert_eq!(
        ports[0].published,
        Some(PortRange {
            start: 8080,
            end: 8080
        })
    );
    assert_eq!(ports[1].host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(ports[2].host_ip.as_deref(), Some("::"));
    assert_eq!(
        ports[2].published,
        Some(PortRange {
            start: 8443,
            end: 8443
        })
    );
    let mounts: Vec<_> = web.volumes.iter().filter_map(|v| v.value.clone()).collect();
    assert_eq!(
        (mounts[0].kind, mounts[0].read_only),
        (MountKind::Bind, true)
    );
    assert_eq!(mounts[1].volume_device.as_deref(), Some("/srv/data"));
    assert_eq!(mounts[2].propagation.as_deref(), Some("rshared"));
    assert!(!web.on_default_network);
    assert!(service(&p, "db").on_default_network);
    let names: Vec<(&str, bool)> = p
        .networks
        .iter()
        .map(|n| (n.name.as_str(), n.implicit))
        .collect();
    assert_eq!(names, [("front", false), ("default", true)]);
    let front = &p.networks[0];
    assert_eq!(
        front
            .driver_opt("com.docker.network.bridge.enable_icc")
            .and_then(|f| f.value.as_deref()),
        Some("false")
    );
    // The implicit default network points at its first service.
    assert_eq!(text_at(&p, p.networks[1].origin), "db");
}

#[test]
fn version_1_file_is_reported_once_and_its_services_still_read() {
    let mem = Mem::new(&[(
        "/p/docker-compose.yml",
        "web:\n  image: nginx:1.27\n  privileged: true\n  net: host\ndb:\n  build: .\n",
    )]);
    let p = load(&mem, &["/p/docker-compose.yml"]);
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert!(p.errors[0].message.starts_with("version 1 format"));
    let web = service(&p, "web");
    assert_eq!(text_at(&p, web.origin), "web");
    assert_eq!(web.privileged.as_ref().map(|f| f.value), Some(Some(true)));
    // Without `net:`, a version 1 container is on the daemon's default
    // bridge, not on a network the project creates.
    let db = service(&p, "db");
    assert_eq!(
        db.network_mode
            .as_ref()
            .and_then(|f| f.value.clone())
            .as_deref(),
        Some("bridge")
    );
    assert!(
        p.networks.iter().all(|n| n.name != "default"),
        "{:?}",
        p.networks
    );
    // `net:` is read as `network_mode:`.
    assert_eq!(
        web.network_mode
            .as_ref()
            .and_then(|f| f.value.clone())
            .as_deref(),
        Some("host")
    );
}
