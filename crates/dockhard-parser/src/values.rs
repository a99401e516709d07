//! The short syntaxes of values, shared by compose files and command lines:
//! ports, volumes, security options,
//! capabilities and booleans written as strings.

use crate::spec::{Capability, Device, Mount, MountKind, Port, PortRange, SecurityOpt, Tmpfs};

/// Compose's booleans from strings (YAML 1.1 words, any case).
pub fn compose_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "on" => Some(true),
        "n" | "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseBool`, which Docker uses for option values such as
/// `no-new-privileges:true`.
pub fn go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Whether a resource limit's value sets a limit: `512m`, `1.5`, `100` do;
/// `0`, `0b`, `0.0` and negative numbers (`-1`) are Docker's ways of saying
/// "no limit". `None` when the value is not a number with an optional unit.
pub fn sets_limit(text: &str) -> Option<bool> {
    let text = text.trim();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, unit) = rest.split_at(end);
    if !unit.trim().chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let n: f64 = number.parse().ok()?;
    Some(!negative && n > 0.0)
}

/// `name`, `name:value` or `name=value` (the first separator wins).
pub fn security_opt(text: &str) -> SecurityOpt {
    let text = text.trim();
    match text.find([':', '=']) {
        Some(i) => SecurityOpt {
            name: text[..i].to_ascii_lowercase(),
            value: Some(text[i + 1..].to_string()),
        },
        None => SecurityOpt {
            name: text.to_ascii_lowercase(),
            value: None,
        },
    }
}

/// A capability name in any case, with or without `CAP_`. Only `ALL` means
/// all: `CAP_ALL` stays `CAP_ALL`, which Docker rejects.
pub fn capability(text: &str) -> Capability {
    let upper = text.trim().to_ascii_uppercase();
    if upper == "ALL" {
        return Capability(upper);
    }
    match upper.strip_prefix("CAP_") {
        Some("ALL") | None => Capability(upper),
        Some(name) => Capability(name.to_string()),
    }
}

fn port_range(text: &str) -> Result<PortRange, String> {
    let parse = |s: &str| {
        s.trim()
            .parse::<u16>()
            .map_err(|_| format!("invalid port `{s}`"))
    };
    match text.split_once('-') {
        Some((a, b)) => {
            let (start, end) = (parse(a)?, parse(b)?);
            if end < start {
                return Err(format!("invalid port range `{text}`"));
            }
            Ok(PortRange { start, end })
        }
        None => {
            let p = parse(text)?;
            Ok(PortRange { start: p, end: p })
        }
    }
}

/// The short port syntax `[host_ip:][host_port:]container_port[/protocol]`,
/// with ranges and IPv6 addresses (`[::1]:80:80` or `::1:80:80`).
pub fn port(text: &str) -> Result<Port, String> {
    let text = text.trim();
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((s, p)) if !p.contains(':') && !p.contains(']') => (s, p.to_ascii_lowercase()),
        _ => (text, "tcp".to_string()),
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let n = parts.len();
    let (ip, host, container) = match n {
        1 => (None, None, parts[0]),
        2 => (None, Some(parts[0]), parts[1]),
        3 => (Some(parts[0].to_string()), Some(parts[1]), parts[2]),
        _ => (
            Some(parts[..n - 2].join(":")),
            Some(parts[n - 2]),
            parts[n - 1],
        ),
    };
    if container.is_empty() {
        return Err(format!("no container port in `{text}`"));
    }
    let host_ip = ip
        .map(|i| i.trim_start_matches('[').trim_end_matches(']').to_string())
        .filter(|i| !i.is_empty());
    let published = match host {
        Some(h) if !h.is_empty() => Some(port_range(h)?),
        _ => None,
    };
    Ok(Port {
        host_ip,
        published,
        target: port_range(container)?,
        protocol,
    })
}

/// Whether a volume source is a host path rather than a volume name.
pub fn is_host_path(source: &str) -> bool {
    source.starts_with('/')
        || source.starts_with('.')
        || source.starts_with('~')
        || source.starts_with('$')
        || source.starts_with('\\')
        || is_windows_drive(source)
}

fn is_windows_drive(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && (b.len() == 2 || b[2] == b'\\' || b[2] == b'/')
}

/// Splits on `:` except after a Windows drive letter.
fn split_volume(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b':' {
            continue;
        }
        let piece = &text[start..i];
        let drive = piece.len() == 1 && piece.as_bytes()[0].is_ascii_alphabetic();
        if drive && matches!(bytes.get(i + 1), Some(b'\\' | b'/')) {
            continue;
        }
        parts.push(piece);
        start = i + 1;
    }
    parts.push(&text[start..]);
    parts
}

/// The short volume syntax `[source:]target[:options]`.
pub fn volume(text: &str) -> Result<Mount, String> {
    let text = text.trim();
    let parts = split_volume(text);
    let (source, target, options) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, options] => (Some(*source), *target, *options),
        _ => return Err(format!("invalid volume specification `{text}`")),
    };
    if target.is_empty() {
        return Err(format!("invalid volume specification `{text}`: no target"));
    }
    let mut read_only = false;
    let mut propagation = None;
    for option in options.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        match option {
            "ro" => read_only = true,
            "rw" => read_only = false,
            "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => {
                propagation = Some(option.to_string());
            }
            _ => {}
        }
    }
    let kind = match source {
        Some(s) if is_host_path(s) => MountKind::Bind,
        _ => MountKind::Volume,
    };
    Ok(Mount {
        kind,
        source: source.map(str::to_string).filter(|s| !s.is_empty()),
        target: target.to_string(),
        read_only,
        propagation,
        volume_device: None,
    })
}

/// Whether a piece of a command-line value expands something (`$X`,
/// `${X}`, `$(cmd)`, a backquote).
fn expands(text: &str) -> bool {
    text.contains('$') || text.contains('`')
}

/// Splits a value on `:` outside expansions (`${X:-a:b}`, `$(cmd a:b)`).
fn split_outside_expansions(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'$' if matches!(bytes.get(i + 1), Some(b'{' | b'(')) => {
                let (open, close) = if bytes[i + 1] == b'{' {
                    (b'{', b'}')
                } else {
                    (b'(', b')')
                };
                let mut depth = 0;
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == open {
                        depth += 1;
                    } else if bytes[i] == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    i += 1;
                }
            }
            b':' => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(text.get(start..).unwrap_or(""));
    parts
}

/// The short volume syntax of a command-line value that expands a variable
/// (`"$PWD/data:/data:rshared"`): what is written out is known. An expanded
/// source leaves a bind mount whose source is unknown (`source: None`); an
/// expansion in the options makes the whole mount unknown.
pub fn volume_with_expansions(text: &str) -> Option<Mount> {
    let parts = split_outside_expansions(text.trim());
    let (source, target, options) = match parts.as_slice() {
        [source, target] => (*source, *target, ""),
        [source, target, options] => (*source, *target, *options),
        _ => return None,
    };
    if expands(options) || target.is_empty() || source.is_empty() {
        return None;
    }
    let static_source = if expands(source) { "/unknown" } else { source };
    let mut mount = volume(&format!("{static_source}:/target:{options}")).ok()?;
    mount.target = target.to_string();
    if expands(source) {
        mount.source = None;
        if !is_host_path(source) {
            return None;
        }
    }
    Some(mount)
}

/// The `--mount` syntax of a command-line value that expands a variable:
/// an expanded source leaves its source unknown (`None`); an expansion
/// anywhere else makes the whole mount unknown.
pub fn mount_option_with_expansions(text: &str) -> Option<Mount> {
    let mut source_expands = false;
    for field in csv_fields(text) {
        let (key, value) = field.split_once('=').unwrap_or((field.as_str(), ""));
        let key = key.trim().to_ascii_lowercase();
        if matches!(key.as_str(), "source" | "src") {
            source_expands |= expands(value);
        } else if matches!(key.as_str(), "target" | "destination" | "dst") {
            continue;
        } else if expands(&field) {
            return None;
        }
    }
    let mut mount = mount_option(text).ok()?;
    if source_expands {
        mount.source = None;
        mount.volume_device = None;
    }
    Some(mount)
}

/// A device as `--device` and compose's short syntax write it:
/// `/dev/x`, `/dev/x:/dev/y`, `/dev/x:/dev/y:rwm`, `/dev/x:rwm`.
pub fn device(text: &str) -> Device {
    let text = text.trim();
    let mut parts = text.splitn(3, ':');
    let host = parts.next().unwrap_or("").to_string();
    let is_permissions = |p: &str| !p.is_empty() && p.chars().all(|c| matches!(c, 'r' | 'w' | 'm'));
    match (parts.next(), parts.next()) {
        (None, _) => Device {
            host,
            container: None,
            permissions: None,
        },
        (Some(p), None) if is_permissions(p) => Device {
            host,
            container: None,
            permissions: Some(p.to_string()),
        },
        (Some(c), p) => Device {
            host,
            container: Some(c.to_string()).filter(|c| !c.is_empty()),
            permissions: p.map(str::to_string).filter(|p| !p.is_empty()),
        },
    }
}

/// A tmpfs as `--tmpfs` and compose's `tmpfs:` write it: `/run` or
/// `/run:rw,noexec,nosuid,size=64m`.
pub fn tmpfs(text: &str) -> Tmpfs {
    let text = text.trim();
    let (target, options) = match text.split_once(':') {
        Some((t, o)) => (t, o),
        None => (text, ""),
    };
    Tmpfs {
        target: target.to_string(),
        options: options
            .split(',')
            .map(|o| o.trim().to_ascii_lowercase())
            .filter(|o| !o.is_empty())
            .collect(),
    }
}

/// Splits a command string the way compose does (`command: sh -c "a b"`,
/// with go-shellwords and no expansion): words separated by blanks, single
/// and double quotes grouping, a backslash escaping the next character
/// outside single quotes. Reading stops at an unquoted `;`, `&`, `|`, `<`
/// or `>`, as it does there.
pub fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut single, mut double, mut escaped, mut started) = (false, false, false, false);
    for c in text.chars() {
        if escaped {
            escaped = false;
            word.push(match c {
                't' => '\t',
                'n' => '\n',
                other => other,
            });
            started = true;
            continue;
        }
        match c {
            '\\' if single => word.push(c),
            '\\' => escaped = true,
            ' ' | '\t' | '\r' | '\n' if !single && !double => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            '"' if !single => {
                double = !double;
                started = true;
            }
            '\'' if !double => {
                single = !single;
                started = true;
            }
            ';' | '&' | '|' | '<' | '>' if !single && !double => break,
            _ => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// Splits a comma-separated list as Go's `encoding/csv` reads one record:
/// a field in double quotes may hold commas (`"volume-opt=o=addr=x,rw"`).
pub fn csv_fields(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The `--mount` syntax of the docker CLI:
/// `type=bind,source=/a,target=/b,readonly,bind-propagation=rshared`.
pub fn mount_option(text: &str) -> Result<Mount, String> {
    let mut kind = MountKind::Volume;
    let mut source = None;
    let mut target = None;
    let mut read_only = false;
    let mut propagation = None;
    let mut volume_opts: Vec<(String, String)> = Vec::new();
    for field in csv_fields(text) {
        let field = field.trim();
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
            None => (field.to_ascii_lowercase(), None),
        };
        match key.as_str() {
            "type" => {
                kind = match value.unwrap_or("") {
                    "bind" => MountKind::Bind,
                    "tmpfs" => MountKind::Tmpfs,
                    "npipe" => MountKind::Npipe,
                    "image" => MountKind::Image,
                    "cluster" => MountKind::Cluster,
                    "volume" => MountKind::Volume,
                    other => return Err(format!("unknown mount type `{other}`")),
                }
            }
            "source" | "src" => source = value.map(str::to_string),
            "target" | "destination" | "dst" => target = value.map(str::to_string),
            "readonly" | "ro" => {
                read_only = match value {
                    None => true,
                    Some(v) => go_bool(v).ok_or_else(|| format!("invalid `{key}` value `{v}`"))?,
                }
            }
            "bind-propagation" => propagation = value.map(str::to_string),
            "volume-opt" => {
                if let Some((k, v)) = value.and_then(|v| v.split_once('=')) {
                    volume_opts.push((k.to_string(), v.to_string()));
                }
            }
            _ => {}
        }
    }
    let Some(target) = target.filter(|t| !t.is_empty()) else {
        return Err(format!("invalid mount `{text}`: no target"));
    };
    let opt = |k: &str| {
        volume_opts
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    let binds = opt("o").is_some_and(|o| o.split(',').any(|x| x == "bind" || x == "rbind"));
    let volume_device = (kind == MountKind::Volume && binds)
        .then(|| opt("device").map(str::to_string))
        .flatten();
    Ok(Mount {
        kind,
        source: source.filter(|s| !s.is_empty()),
        target,
        read_only,
        propagation,
        volume_device,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_as_compose_splits_them() {
        for (text, words) in [
            ("/usr/sbin/sshd -D", &["/usr/sbin/sshd", "-D"][..]),
            (
                "sh -c \"sshd -D && nginx\"",
                &["sh", "-c", "sshd -D && nginx"],
            ),
            ("echo 'a  b' c\\ d \"\"", &["echo", "a  b", "c d", ""]),
            ("run  --x   ", &["run", "--x"]),
            ("sshd -D && nginx", &["sshd", "-D"]),
            ("", &[]),
        ] {
            assert_eq!(shell_words(text), words, "{text}");
        }
    }

    #[test]
    fn limits() {
        for set in ["512m", "1g", "1.5", "100", " 2 GiB", "0.5", "+3"] {
            assert_eq!(sets_limit(set), Some(true), "{set}");
        }
        for unset in ["0", "0b", "0.0", "-1", "-1.5", "0m"] {
            assert_eq!(sets_limit(unset), Some(false), "{unset}");
        }
        for odd in ["", "max", "1-2", "m", "1.2.3"] {
            assert_eq!(sets_limit(odd), None, "{odd}");
        }
    }

    #[test]
    fn booleans() {
        for t in ["true", "True", "yes", "ON", "y"] {
            assert_eq!(compose_bool(t), Some(true), "{t}");
        }
        for f in ["false", "no", "Off", "N"] {
            assert_eq!(compose_bool(f), Some(false), "{f}");
        }
        assert_eq!(compose_bool("1"), None);
        assert_eq!(go_bool("1"), Some(true));
        assert_eq!(go_bool("yes"), None);
    }

    #[test]
    fn security_opts() {
        assert_eq!(
            security_opt("no-new-privileges:true"),
            SecurityOpt {
                name: "no-new-privileges".into(),
                value: Some("true".into())
            }
        );
        assert_eq!(
            security_opt("no-new-privileges=false").value.as_deref(),
            Some("false")
        );
        assert_eq!(security_opt("no-new-privileges").value, None);
        assert_eq!(
            security_opt("label:type:svirt_t").value.as_deref(),
            Some("type:svirt_t")
        );
        assert_eq!(security_opt("seccomp=/etc/p.json").name, "seccomp");
    }

    #[test]
    fn capabilities() {
        assert_eq!(capability("all"), Capability("ALL".into()));
        assert!(capability("All").is_all());
        assert!(!capability("CAP_ALL").is_all());
        assert_eq!(capability("cap_sys_admin"), Capability("SYS_ADMIN".into()));
        assert_eq!(capability(" NET_ADMIN "), Capability("NET_ADMIN".into()));
    }

    #[test]
    fn ports() {
        let p = port("8080:80").expect("port");
        assert_eq!(
            (p.host_ip, p.published, p.target.start),
            (
                None,
                Some(PortRange {
                    start: 8080,
                    end: 8080
                }),
                80
            )
        );
        let p = port("127.0.0.1:5432:5432/udp").expect("port");
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(p.protocol, "udp");
        let p = port("[::1]:80:80").expect("port");
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        let p = port("::1:80:80").expect("port");
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        let p = port("8000-8010:8000-8010").expect("port");
        assert_eq!(
            p.published,
            Some(PortRange {
                start: 8000,
                end: 8010
            })
        );
        let p = port("80").expect("port");
        assert_eq!((p.published, p.target.start), (None, 80));
        let p = port("127.0.0.1::80").expect("port");
        assert_eq!(
            (p.host_ip.as_deref(), p.published),
            (Some("127.0.0.1"), None)
        );
        assert!(port("abc:80").is_err());
        assert!(port("90-80:90-80").is_err());
    }

    #[test]
    fn devices_and_tmpfs() {
        let d = device("/dev/sda:/dev/xvda:rwm");
        assert_eq!(
            (
                d.host.as_str(),
                d.container.as_deref(),
                d.permissions.as_deref()
            ),
            ("/dev/sda", Some("/dev/xvda"), Some("rwm"))
        );
        let d = device("/dev/fuse:rw");
        assert_eq!((d.container, d.permissions.as_deref()), (None, Some("rw")));
        assert_eq!(device("/dev/net/tun").host, "/dev/net/tun");
        let t = tmpfs("/run:rw,NOEXEC,nosuid,size=64m");
        assert_eq!(t.target, "/run");
        assert!(t.has_option("noexec") && t.has_option("nosuid"));
        assert!(tmpfs("/tmp").options.is_empty());
    }

    #[test]
    fn mount_options() {
        let m =
            mount_option("type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock,readonly")
                .expect("mount");
        assert_eq!((m.kind, m.read_only), (MountKind::Bind, true));
        assert_eq!(m.source.as_deref(), Some("/var/run/docker.sock"));
        let m =
            mount_option("type=bind,source=/,target=/host,bind-propagation=rshared,readonly=false")
                .expect("mount");
        assert_eq!(
            (m.read_only, m.propagation.as_deref()),
            (false, Some("rshared"))
        );
        let m = mount_option(
            "type=volume,source=v,target=/d,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/srv",
        )
        .expect("mount");
        assert_eq!(m.volume_device.as_deref(), Some("/srv"));
        let m = mount_option("target=/x,\"volume-opt=o=addr=1.2.3.4,rw\"").expect("mount");
        assert_eq!((m.kind, m.target.as_str()), (MountKind::Volume, "/x"));
        assert!(mount_option("type=bind,source=/a").is_err());
        assert!(mount_option("type=weird,target=/a").is_err());
    }

    #[test]
    fn volumes() {
        let m = volume("/var/run/docker.sock:/var/run/docker.sock:ro").expect("vol");
        assert_eq!((m.kind, m.read_only), (MountKind::Bind, true));
        let m = volume("data:/var/lib/postgresql/data").expect("vol");
        assert_eq!(
            (m.kind, m.source.as_deref()),
            (MountKind::Volume, Some("data"))
        );
        let m = volume("./conf:/etc/nginx/conf.d:rw,rshared").expect("vol");
        assert_eq!(
            (m.kind, m.propagation.as_deref()),
            (MountKind::Bind, Some("rshared"))
        );
        let m = volume("/data").expect("vol");
        assert_eq!(
            (m.kind, m.source, m.target.as_str()),
            (MountKind::Volume, None, "/data")
        );
        let m = volume("C:\\data:/data").expect("vol");
        assert_eq!(
            (m.kind, m.source.as_deref()),
            (MountKind::Bind, Some("C:\\data"))
        );
        assert!(volume("a:b:c:d").is_err());
    }

    #[test]
    fn volumes_with_expansions() {
        let m = volume_with_expansions("${DIR}:${DIR}/:rshared").expect("vol");
        assert_eq!(
            (m.kind, m.source, m.propagation.as_deref()),
            (MountKind::Bind, None, Some("rshared"))
        );
        let m = volume_with_expansions("${ROOT:-/a:b}:/data:ro").expect("vol");
        assert_eq!(
            (m.source, m.read_only, m.target.as_str()),
            (None, true, "/data")
        );
        let m = volume_with_expansions("/var/run/docker.sock:$TARGET").expect("vol");
        assert_eq!(m.source.as_deref(), Some("/var/run/docker.sock"));
        let m = volume_with_expansions("/srv/clones/$clone:/data:rshared").expect("vol");
        assert_eq!((m.kind, m.source), (MountKind::Bind, None));
        assert_eq!(volume_with_expansions("/a:/b:$MODE"), None);
        assert_eq!(volume_with_expansions("$VOLUME_SPEC"), None);
        assert_eq!(
            volume_with_expansions("$(pwd):/src").map(|m| m.kind),
            Some(MountKind::Bind)
        );
        let m = mount_option_with_expansions(
            "type=bind,src=${DOCKER_HOST#unix://},dst=/var/run/docker.sock",
        )
        .expect("mount");
        assert_eq!((m.kind, m.source), (MountKind::Bind, None));
        let m =
            mount_option_with_expansions("type=bind,src=/,dst=$TARGET,readonly").expect("mount");
        assert_eq!((m.source.as_deref(), m.read_only), (Some("/"), true));
        assert_eq!(
            mount_option_with_expansions("type=$TYPE,src=/,dst=/x"),
            None
        );
    }
}
