//! Merging compose models (override files, `extends`), as compose-go does:
//! mappings merge, sequences append (some de-duplicate or merge by key, some
//! replace), scalars are replaced; `!reset` removes, `!override` replaces.

use super::syntax;
use super::tree::{CNode, CValue, Key, Scalar, Tag};

/// How two sequences at a path combine.
enum SeqMerge {
    Replace,
    Append,
    /// Append items whose key is new; an item with a known key replaces it.
    Keyed(fn(&CNode) -> Option<String>),
}

fn text_key(node: &CNode) -> Option<String> {
    node.text().map(str::to_string)
}

fn capability_key(node: &CNode) -> Option<String> {
    node.text().map(|t| syntax::capability(t).0)
}

fn port_key(node: &CNode) -> Option<String> {
    if let Some(t) = node.text() {
        return Some(t.to_string());
    }
    let field = |k: &str| node.get(k).and_then(CNode::text).unwrap_or("").to_string();
    node.as_map()?;
    Some(format!(
        "{}:{}:{}/{}",
        field("host_ip"),
        field("published"),
        field("target"),
        field("protocol")
    ))
}

fn volume_key(node: &CNode) -> Option<String> {
    match node.text() {
        Some(t) => syntax::volume(t).ok().map(|m| m.target),
        None => node.get("target").and_then(CNode::text).map(str::to_string),
    }
}

fn source_key(node: &CNode) -> Option<String> {
    match node.text() {
        Some(t) => Some(t.to_string()),
        None => node.get("source").and_then(CNode::text).map(str::to_string),
    }
}

fn seq_strategy(path: &[String]) -> SeqMerge {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, "command" | "entrypoint"] => SeqMerge::Replace,
        ["services", _, "healthcheck", "test"] => SeqMerge::Replace,
        ["services", _, "cap_add" | "cap_drop"] => SeqMerge::Keyed(capability_key),
        [
            "services",
            _,
            "dns"
            | "dns_search"
            | "dns_opt"
            | "expose"
            | "external_links"
            | "security_opt"
            | "tmpfs"
            | "devices"
            | "group_add"
            | "links"
            | "volumes_from"
            | "device_cgroup_rules"
            | "env_file"
            | "profiles"
            | "networks",
        ] => SeqMerge::Keyed(text_key),
        ["services", _, "ports"] => SeqMerge::Keyed(port_key),
        ["services", _, "volumes"] => SeqMerge::Keyed(volume_key),
        ["services", _, "secrets" | "configs"] => SeqMerge::Keyed(source_key),
        _ => SeqMerge::Append,
    }
}

/// Paths whose value may be written as a list of `KEY=VALUE` or as a mapping.
fn is_mapping_like(path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    matches!(
        p.as_slice(),
        [
            "services",
            _,
            "environment" | "labels" | "extra_hosts" | "sysctls" | "annotations"
        ] | ["services", _, "build", "args" | "labels"]
            | ["services", _, "deploy", "labels"]
            | [_, _, "labels"]
    )
}

/// `["A=1", "B"]` as a mapping `{A: "1", B: null}` (extra_hosts use `:` too).
pub(super) fn list_to_map(node: &CNode) -> CNode {
    let Some(items) = node.as_seq() else {
        return node.clone();
    };
    let mut entries = Vec::new();
    for item in items {
        let Some(text) = item.scalar() else { continue };
        let (name, value) = match text {
            Some(t) => match t.split_once('=').or_else(|| t.split_once(':')) {
                Some((k, v)) => (k.trim().to_string(), Some(v.to_string())),
                None => (t.trim().to_string(), None),
            },
            None => continue,
        };
        let value_node = match value {
            Some(v) => CNode {
                value: CValue::Scalar(Scalar {
                    text: Some(v),
                    is_string: true,
                }),
                origin: item.origin,
                tag: None,
            },
            None => CNode {
                value: CValue::Null,
                origin: item.origin,
                tag: None,
            },
        };
        entries.push((
            Key {
                name,
                origin: item.origin,
            },
            value_node,
        ));
    }
    CNode {
        value: CValue::Map(entries),
        origin: node.origin,
        tag: node.tag,
    }
}

/// Merges `over` into `base` at `path`.
pub(super) fn merge(base: CNode, over: CNode, path: &mut Vec<String>) -> CNode {
    if over.tag == Some(Tag::Override) {
        return CNode { tag: None, ..over };
    }
    let (base, over) = if is_mapping_like(path) {
        (list_to_map(&base), list_to_map(&over))
    } else {
        (base, over)
    };
    match (base.value, over.value) {
        (CValue::Map(b), CValue::Map(o)) => CNode {
            value: CValue::Map(merge_maps(b, o, path)),
            origin: over.origin,
            tag: None,
        },
        (CValue::Seq(b), CValue::Seq(o)) => {
            let items = match seq_strategy(path) {
                SeqMerge::Replace => o,
                SeqMerge::Append => b.into_iter().chain(o).collect(),
                SeqMerge::Keyed(key) => {
                    let mut out = b;
                    for item in o {
                        let k = key(&item);
                        match k.and_then(|k| out.iter().position(|x| key(x).as_deref() == Some(&k)))
                        {
                            Some(i) => out[i] = item,
                            None => out.push(item),
                        }
                    }
                    out
                }
            };
            CNode {
                value: CValue::Seq(items),
                origin: over.origin,
                tag: None,
            }
        }
        (_, value) => CNode {
            value,
            origin: over.origin,
            tag: None,
        },
    }
}

/// Merges mapping entries; a `!reset` value removes the key.
pub(super) fn merge_maps(
    base: Vec<(Key, CNode)>,
    over: Vec<(Key, CNode)>,
    path: &mut Vec<String>,
) -> Vec<(Key, CNode)> {
    let mut out = base;
    for (key, value) in over {
        let existing = out.iter().position(|(k, _)| k.name == key.name);
        if value.tag == Some(Tag::Reset) {
            if let Some(i) = existing {
                out.remove(i);
            }
            continue;
        }
        match existing {
            Some(i) => {
                let (base_key, base_value) = out.remove(i);
                path.push(key.name.clone());
                let merged = merge(base_value, value, path);
                path.pop();
                // The key stays where it was first written.
                out.insert(i, (base_key, merged));
            }
            None => out.push((key, value)),
        }
    }
    out
}

/// Drops `!reset` entries that had nothing to reset, recursively.
pub(super) fn strip_resets(node: &mut CNode) {
    match &mut node.value {
        CValue::Map(entries) => {
            entries.retain(|(_, v)| v.tag != Some(Tag::Reset));
            for (_, v) in entries.iter_mut() {
                strip_resets(v);
            }
        }
        CValue::Seq(items) => {
            items.retain(|v| v.tag != Some(Tag::Reset));
            for v in items.iter_mut() {
                strip_resets(v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn tree(text: &str, file: usize) -> CNode {
        CNode::from_yaml(
            &yaml::parse(text, yaml::Limits::default()).expect("yaml"),
            file,
        )
    }

    fn merged(a: &str, b: &str) -> CNode {
        merge(tree(a, 0), tree(b, 1), &mut Vec::new())
    }

    fn texts(node: Option<&CNode>) -> Vec<String> {
        node.and_then(CNode::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| n.text().map(str::to_string))
            .collect()
    }

    #[test]
    fn mappings_merge_and_scalars_replace() {
        let m = merged(
            "services:\n  web:\n    image: a\n    user: root\n",
            "services:\n  web:\n    image: b\n    read_only: true\n",
        );
        let web = m.get("services").and_then(|s| s.get("web")).expect("web");
        assert_eq!(web.get("image").and_then(CNode::text), Some("b"));
        assert_eq!(web.get("image").map(|n| n.origin.file), Some(1));
        assert_eq!(web.get("user").and_then(CNode::text), Some("root"));
        assert_eq!(web.get("read_only").and_then(CNode::text), Some("true"));
        // The service key stays in the base file.
        let (key, _) = m
            .get("services")
            .and_then(|s| s.entry("web"))
            .expect("entry");
        assert_eq!(key.origin.file, 0);
    }

    #[test]
    fn sequences_by_path() {
        let m = merged(
            "services:\n  web:\n    cap_add: [NET_ADMIN]\n    cap_drop: [all]\n    command: [a, b]\n    ports: ['80:80']\n    volumes: ['./a:/data']\n    dns: [1.1.1.1]\n",
            "services:\n  web:\n    cap_add: [net_admin, SYS_TIME]\n    cap_drop: [ALL]\n    command: [c]\n    ports: ['80:80', '443:443']\n    volumes: ['./b:/data:ro']\n    dns: [8.8.8.8]\n",
        );
        let web = m.get("services").and_then(|s| s.get("web")).expect("web");
        assert_eq!(texts(web.get("cap_add")), ["net_admin", "SYS_TIME"]);
        assert_eq!(texts(web.get("cap_drop")), ["ALL"]);
        assert_eq!(texts(web.get("command")), ["c"]);
        assert_eq!(texts(web.get("ports")), ["80:80", "443:443"]);
        assert_eq!(texts(web.get("volumes")), ["./b:/data:ro"]);
        assert_eq!(texts(web.get("dns")), ["1.1.1.1", "8.8.8.8"]);
    }

    #[test]
    fn environment_list_and_map_merge() {
        let m = merged(
            "services:\n  web:\n    environment:\n      - A=1\n      - B=2\n",
            "services:\n  web:\n    environment:\n      B: 3\n      C: 4\n",
        );
        let env = m
            .get("services")
            .and_then(|s| s.get("web"))
            .and_then(|w| w.get("environment"))
            .expect("env");
        let pairs: Vec<(String, Option<String>)> = env
            .as_map()
            .expect("map")
            .iter()
            .map(|(k, v)| (k.name.clone(), v.text().map(str::to_string)))
            .collect();
        assert_eq!(
            pairs,
            [
                ("A".to_string(), Some("1".to_string())),
                ("B".to_string(), Some("3".to_string())),
                ("C".to_string(), Some("4".to_string()))
            ]
        );
    }

    #[test]
    fn reset_and_override_tags() {
        let m = merged(
            "services:\n  web:\n    cap_add: [SYS_ADMIN]\n    ports: ['80:80']\n",
            "services:\n  web:\n    cap_add: !reset []\n    ports: !override ['8080:80']\n",
        );
        let web = m.get("services").and_then(|s| s.get("web")).expect("web");
        assert!(web.get("cap_add").is_none());
        assert_eq!(texts(web.get("ports")), ["8080:80"]);
    }
}
