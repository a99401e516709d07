//! The Docker daemon's settings, wherever a repository writes them: a
//! `daemon.json` or a `dockerd` command line (a systemd unit's `ExecStart=`,
//! a script, a Dockerfile). Both lower into one [`DaemonSpec`], keyed by
//! the `daemon.json` key, so the daemon rules judge either the same way.
//!
//! The table of settings (`data/dockerd-settings.tsv`) is read from moby's
//! source: each flag, its shorthand, how it is written, its `daemon.json`
//! key and the JSON type dockerd decodes that key into.

use std::sync::OnceLock;

use crate::json::{JsonDocument, JsonNode, JsonValue};
use crate::location::{FileId, Origin};
use crate::shell::Word;
use crate::span::Span;
use crate::spec::Field;
use crate::values::go_bool;

const TABLE: &str = include_str!("../data/dockerd-settings.tsv");

/// How a flag is written on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    Bool,
    Value,
    /// Repeatable, each occurrence adds a value.
    List,
    /// Repeatable `key=value`.
    Map,
}

/// One setting of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingDef {
    pub flag: Option<&'static str>,
    pub short: Option<char>,
    pub kind: Option<FlagKind>,
    pub json_key: Option<&'static str>,
    /// The JSON type dockerd decodes the key into (`bool`, `string`,
    /// `int`, `string-list`, `string-map`, `object` ...).
    pub json_type: Option<&'static str>,
}

fn table() -> &'static [SettingDef] {
    static CELL: OnceLock<Vec<SettingDef>> = OnceLock::new();
    CELL.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let cols: Vec<&'static str> = l.split('\t').collect();
                let nonempty = |i: usize| cols.get(i).copied().filter(|c| !c.is_empty());
                SettingDef {
                    flag: nonempty(0),
                    short: nonempty(1).and_then(|s| s.chars().next()),
                    // Keys only `daemon.json` has come without a flag kind.
                    kind: match nonempty(2) {
                        Some("bool") => Some(FlagKind::Bool),
                        Some("value") => Some(FlagKind::Value),
                        Some("list") => Some(FlagKind::List),
                        Some("map") => Some(FlagKind::Map),
                        _ => None,
                    },
                    json_key: nonempty(3),
                    json_type: nonempty(4),
                }
            })
            .collect()
    })
}

pub fn by_flag(name: &str) -> Option<&'static SettingDef> {
    table().iter().find(|d| d.flag == Some(name))
}

pub fn by_short(c: char) -> Option<&'static SettingDef> {
    table().iter().find(|d| d.short == Some(c))
}

pub fn by_key(key: &str) -> Option<&'static SettingDef> {
    table().iter().find(|d| d.json_key == Some(key))
}

/// A setting's value, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DaemonValue {
    Bool(Field<bool>),
    Text(Field<String>),
    List(Vec<Field<String>>),
    Map(Vec<(String, Field<String>)>),
    /// An object or a value the rules do not look into.
    Other,
}

/// One setting as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaemonSetting {
    /// The `daemon.json` key (for a flag without one, the flag's name).
    pub key: String,
    /// The key or the flag as written.
    pub written: Origin,
    pub value: DaemonValue,
}

/// Where a daemon's settings are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DaemonSource {
    Json,
    /// A `dockerd` command line; `complete`: every flag was read (no
    /// expansion standing for flags, no flag the table does not know).
    Command {
        complete: bool,
    },
}

/// One daemon's settings from one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaemonSpec {
    /// The top-level `{` of a `daemon.json`, or the `dockerd` word.
    pub origin: Origin,
    pub source: DaemonSource,
    pub settings: Vec<DaemonSetting>,
    /// `--config-file` of a command line, when known.
    pub config_file: Option<String>,
}

impl DaemonSpec {
    pub fn is_json(&self) -> bool {
        self.source == DaemonSource::Json
    }

    /// Whether a setting that is not written can be reported as missing.
    pub fn judges_missing(&self) -> bool {
        match self.source {
            DaemonSource::Json => true,
            DaemonSource::Command { complete } => complete,
        }
    }

    /// The last setting of `key` (a later flag wins, as pflag keeps it).
    pub fn get(&self, key: &str) -> Option<&DaemonSetting> {
        self.settings.iter().rev().find(|s| s.key == key)
    }

    pub fn bool(&self, key: &str) -> Option<&Field<bool>> {
        match &self.get(key)?.value {
            DaemonValue::Bool(f) => Some(f),
            _ => None,
        }
    }

    pub fn text(&self, key: &str) -> Option<&Field<String>> {
        match &self.get(key)?.value {
            DaemonValue::Text(f) => Some(f),
            _ => None,
        }
    }

    /// Every value of a list setting (repeated flags add up).
    pub fn list(&self, key: &str) -> Vec<&Field<String>> {
        self.settings
            .iter()
            .filter(|s| s.key == key)
            .flat_map(|s| match &s.value {
                DaemonValue::List(items) => items.iter().collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// Every entry of a map setting (repeated flags add up; a later entry
    /// wins).
    pub fn map(&self, key: &str) -> Vec<(&str, &Field<String>)> {
        self.settings
            .iter()
            .filter(|s| s.key == key)
            .flat_map(|s| match &s.value {
                DaemonValue::Map(items) => items
                    .iter()
                    .map(|(k, v)| (k.as_str(), v))
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect()
    }
}

/// What a `daemon.json` holds, and what dockerd would refuse in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DaemonJson {
    pub spec: Option<DaemonSpec>,
    /// Invalid JSON, a key given twice, a known key with a value of the
    /// wrong type (DH003).
    pub problems: Vec<(Span, String)>,
}

fn type_name(t: &str) -> &'static str {
    match t {
        "bool" => "a boolean",
        "string" | "duration-string" | "bytes-string" => "a string",
        "int" | "number" => "a number",
        "string-list" => "an array of strings",
        "object-list" => "an array of objects",
        "string-map" | "object" => "an object",
        _ => "another type",
    }
}

/// Whether a JSON node has the type dockerd decodes a key into; else the
/// place and what is wrong there (an item of a list, a value of a map).
fn type_problem(key: &str, node: &JsonNode, t: &str) -> Option<(Span, String)> {
    let whole = |node: &JsonNode| {
        Some((
            node.span,
            format!(
                "`{key}` must be {}, not {}: dockerd refuses to start",
                type_name(t),
                node.kind_name()
            ),
        ))
    };
    let item = |node: &JsonNode, want: &str| {
        Some((
            node.span,
            format!(
                "`{key}` takes {want}, and this is {}: dockerd refuses to start",
                node.kind_name()
            ),
        ))
    };
    match (t, &node.value) {
        (_, JsonValue::Null) => None,
        ("bool", JsonValue::Bool(_)) => None,
        ("string" | "duration-string" | "bytes-string", JsonValue::String(_)) => None,
        ("int", JsonValue::Number(n)) if !n.contains(['.', 'e', 'E']) => None,
        ("number", JsonValue::Number(_)) => None,
        ("string-list", JsonValue::Array(items)) => items
            .iter()
            .find(|i| !matches!(i.value, JsonValue::String(_)))
            .and_then(|i| item(i, "strings")),
        ("object-list", JsonValue::Array(items)) => items
            .iter()
            .find(|i| !matches!(i.value, JsonValue::Object(_)))
            .and_then(|i| item(i, "objects")),
        ("string-map", JsonValue::Object(members)) => members
            .iter()
            .map(|(_, v)| v)
            .find(|v| !matches!(v.value, JsonValue::String(_)))
            .and_then(|v| item(v, "string values")),
        ("object", JsonValue::Object(_)) => None,
        (
            "bool" | "string" | "duration-string" | "bytes-string" | "int" | "number"
            | "string-list" | "object-list" | "string-map" | "object",
            _,
        ) => whole(node),
        _ => None,
    }
}

/// Reads a `daemon.json` (file `file` of the unit).
pub fn from_json(doc: &JsonDocument, file: FileId) -> DaemonJson {
    let mut out = DaemonJson {
        spec: None,
        problems: doc
            .errors
            .iter()
            .map(|e| (e.span, e.message.clone()))
            .collect(),
    };
    let Some(root) = &doc.root else {
        return out;
    };
    let JsonValue::Object(members) = &root.value else {
        out.problems.push((
            root.span,
            format!("daemon.json must be an object, not {}", root.kind_name()),
        ));
        return out;
    };
    let open = Span::new(root.span.start, root.span.start + 1);
    let mut spec = DaemonSpec {
        origin: Origin::new(file, open),
        source: DaemonSource::Json,
        settings: Vec::new(),
        config_file: None,
    };
    for (key, node) in members {
        let Some(def) = by_key(&key.name) else {
            // Unknown keys are not findings: the daemon grows keys.
            continue;
        };
        let ty = def.json_type.unwrap_or("");
        if let Some(problem) = type_problem(&key.name, node, ty) {
            out.problems.push(problem);
            continue;
        }
        let at = Origin::new(file, node.span);
        let value = match &node.value {
            JsonValue::Bool(b) => DaemonValue::Bool(Field::known(*b, at)),
            JsonValue::String(s) => DaemonValue::Text(Field::known(s.clone(), at)),
            JsonValue::Number(n) => DaemonValue::Text(Field::known(n.clone(), at)),
            JsonValue::Array(items) if ty == "string-list" => DaemonValue::List(
                items
                    .iter()
                    .filter_map(|i| match &i.value {
                        JsonValue::String(s) => {
                            Some(Field::known(s.clone(), Origin::new(file, i.span)))
                        }
                        _ => None,
                    })
                    .collect(),
            ),
            JsonValue::Object(entries) if ty == "string-map" => DaemonValue::Map(
                entries
                    .iter()
                    .filter_map(|(k, v)| match &v.value {
                        JsonValue::String(s) => Some((
                            k.name.clone(),
                            Field::known(s.clone(), Origin::new(file, v.span)),
                        )),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => DaemonValue::Other,
        };
        spec.settings.push(DaemonSetting {
            key: key.name.clone(),
            written: Origin::new(file, key.span),
            value,
        });
    }
    out.spec = Some(spec);
    out
}

/// The sub-span `from..to` of a word written as its value (no quotes).
fn sub_span(word: &Word, from: usize, to: usize) -> Span {
    if word.span.len() as usize == word.value.len() && from <= to && to <= word.value.len() {
        Span::new(word.span.start + from as u32, word.span.start + to as u32)
    } else {
        word.span
    }
}

fn setting_from_flag(
    def: &SettingDef,
    file: FileId,
    flag: Span,
    value: Option<(&str, Span, bool)>,
) -> DaemonSetting {
    let key = def.json_key.or(def.flag).unwrap_or_default().to_string();
    let whole = value.map_or(flag, |(_, s, _)| flag.cover(s));
    let at = Origin::new(file, whole);
    let field = |v: Option<(&str, Span, bool)>| match v {
        Some((_, _, true)) => Field::unknown(at),
        Some((t, _, false)) => Field::known(t.to_string(), at),
        None => Field::unknown(at),
    };
    let value = match def.kind {
        Some(FlagKind::Bool) => DaemonValue::Bool(Field {
            value: match value {
                None => Some(true),
                Some((_, _, true)) => None,
                Some((t, _, false)) => go_bool(t),
            },
            origin: at,
        }),
        Some(FlagKind::List) => DaemonValue::List(vec![field(value)]),
        Some(FlagKind::Map) => match value {
            Some((t, _, false)) => {
                let (k, v) = t.split_once('=').unwrap_or((t, ""));
                DaemonValue::Map(vec![(k.to_string(), Field::known(v.to_string(), at))])
            }
            _ => DaemonValue::Other,
        },
        _ => DaemonValue::Text(field(value)),
    };
    DaemonSetting {
        key,
        written: Origin::new(file, flag),
        value,
    }
}

/// Reads the arguments of a `dockerd` command (the words after the
/// program) as pflag does; `start` is the command's first word.
pub fn from_command(args: &[Word], file: FileId, start: Span) -> DaemonSpec {
    let mut spec = DaemonSpec {
        origin: Origin::new(file, start),
        source: DaemonSource::Command { complete: true },
        settings: Vec::new(),
        config_file: None,
    };
    let mut complete = true;
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let w = word.value.as_str();
        let next = |j: usize| args.get(j).map(|n| (n.value.as_str(), n.span, n.dynamic));
        if word.dynamic && !w.starts_with('-') {
            // An expansion where flags stand: what it holds is unknown.
            complete = false;
            i += 1;
            continue;
        }
        if w == "--" || !w.starts_with('-') || w == "-" {
            // dockerd takes no arguments.
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let Some(def) = by_flag(name).filter(|d| d.kind.is_some()) else {
                complete = false;
                break;
            };
            let flag = if inline.is_some() {
                sub_span(word, 0, 2 + name.len())
            } else {
                word.span
            };
            let (value, used) = match (def.kind, inline) {
                (_, Some(v)) => (
                    Some((v, sub_span(word, 3 + name.len(), w.len()), word.dynamic)),
                    1,
                ),
                (Some(FlagKind::Bool), None) => (None, 1),
                (_, None) => (next(i + 1), 2),
            };
            if name == "config-file" {
                spec.config_file = value.filter(|v| !v.2).map(|v| v.0.to_string());
            }
            spec.settings
                .push(setting_from_flag(def, file, flag, value));
            i += used;
            continue;
        }
        // Shorthands: `-D`, `-H tcp://...`, `-Htcp://...`, `-l debug`.
        let cluster = &w[1..];
        let mut used = 1;
        for (at, c) in cluster.char_indices() {
            let Some(def) = by_short(c).filter(|d| d.kind.is_some()) else {
                complete = false;
                break;
            };
            let flag = sub_span(word, if at == 0 { 0 } else { 1 + at }, 2 + at);
            let rest = &cluster[at + c.len_utf8()..];
            if def.kind == Some(FlagKind::Bool) {
                spec.settings.push(setting_from_flag(def, file, flag, None));
                continue;
            }
            let value = if rest.is_empty() {
                used = 2;
                next(i + 1)
            } else {
                let v = rest.strip_prefix('=').unwrap_or(rest);
                Some((v, sub_span(word, w.len() - v.len(), w.len()), word.dynamic))
            };
            spec.settings
                .push(setting_from_flag(def, file, flag, value));
            break;
        }
        if !complete {
            break;
        }
        i += used;
    }
    spec.source = DaemonSource::Command { complete };
    spec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn words(text: &str) -> Vec<Word> {
        Word::split_for_test(text)
    }

    #[test]
    fn the_table_knows_the_settings() {
        assert_eq!(
            by_flag("icc").map(|d| (d.kind, d.json_key)),
            Some((Some(FlagKind::Bool), Some("icc")))
        );
        assert_eq!(by_short('H').and_then(|d| d.json_key), Some("hosts"));
        assert_eq!(
            by_key("insecure-registries").and_then(|d| d.json_type),
            Some("string-list")
        );
        assert_eq!(
            by_key("log-opts").and_then(|d| d.json_type),
            Some("string-map")
        );
        assert!(by_key("builder").is_some());
    }

    #[test]
    fn daemon_json_with_types_checked() {
        let src = "{\n  \"icc\": \"false\",\n  \"no-new-privileges\": true,\n  \"hosts\": [\"tcp://0.0.0.0:2375\"],\n  \"log-opts\": {\"max-size\": \"10m\"},\n  \"some-new-key\": 1\n}";
        let d = from_json(&json::parse(src), 0);
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].0.slice(src), "\"false\"");
        assert!(d.problems[0].1.contains("must be a boolean"));
        let spec = d.spec.expect("spec");
        assert_eq!(spec.origin.span.slice(src), "{");
        assert_eq!(
            spec.bool("no-new-privileges").and_then(|f| f.value),
            Some(true)
        );
        assert!(spec.get("icc").is_none());
        assert_eq!(
            spec.list("hosts")[0].origin.span.slice(src),
            "\"tcp://0.0.0.0:2375\""
        );
        assert_eq!(spec.map("log-opts")[0].0, "max-size");
        let d = from_json(&json::parse("[1]"), 0);
        assert!(d.spec.is_none() && d.problems.len() == 1);
    }

    #[test]
    fn dockerd_flags_lower_into_the_same_keys() {
        let src = "--icc=false -H tcp://0.0.0.0:2376 --tlsverify --log-opt max-size=10m -Dl debug --userns-remap default";
        let spec = from_command(&words(src), 0, Span::default());
        assert!(spec.judges_missing());
        assert_eq!(spec.bool("icc").and_then(|f| f.value), Some(false));
        assert_eq!(
            spec.list("hosts")[0].value.as_deref(),
            Some("tcp://0.0.0.0:2376")
        );
        assert_eq!(spec.bool("tlsverify").and_then(|f| f.value), Some(true));
        assert_eq!(
            spec.map("log-opts")[0],
            ("max-size", spec.map("log-opts")[0].1)
        );
        assert_eq!(spec.bool("debug").and_then(|f| f.value), Some(true));
        assert_eq!(
            spec.text("log-level").and_then(|f| f.value.as_deref()),
            Some("debug")
        );
        assert_eq!(
            spec.get("icc").map(|s| s.written.span.slice(src)),
            Some("--icc")
        );
        let spec = from_command(&words("--icc=false $DOCKER_OPTS"), 0, Span::default());
        assert!(!spec.judges_missing());
        let spec = from_command(&words("--bogus --icc=false"), 0, Span::default());
        assert!(!spec.judges_missing() && spec.get("icc").is_none());
    }
}
