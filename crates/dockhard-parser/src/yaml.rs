//! YAML documents as a tree of nodes with byte spans, read with serde-saphyr.
//!
//! Aliases and merge keys are expanded by the reader; a node that came through
//! one keeps two spans: where it is used (`span`, the alias or `<<` entry) and
//! where it was written (`defined`). Tags (`!reset`, `!override`) are kept.
//! Duplicate keys are an error (as compose-go), and budgets stop alias bombs.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Spanned, Tagged};

use crate::span::{LineIndex, Span};

/// A YAML node.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub tag: Option<String>,
    /// Where the node is used: itself, or the alias / merge entry it came through.
    pub span: Span,
    /// Where the node was written (differs from `span` through aliases and merges).
    pub defined: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Entries in document order; merged entries follow the explicit ones.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// A node made by the loader (not read from a file).
    pub fn synthetic(value: Value, span: Span) -> Node {
        Node {
            value,
            tag: None,
            span,
            defined: span,
        }
    }

    /// Whether the node came through an alias or a merge key.
    pub fn is_aliased(&self) -> bool {
        self.span != self.defined
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A scalar's text as compose reads it (`true`, `8080`, `1.5`); `None`
    /// for null and collections.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A document that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

/// How much a document may expand through aliases before it is refused.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Aliases allowed per anchor, as serde-saphyr's ratio multiplier. Real
    /// compose files reuse anchors a lot (getsentry/self-hosted: 142 aliases
    /// over 10 anchors).
    pub alias_anchor_ratio_multiplier: usize,
    /// Total nodes after alias expansion. The largest real compose file in the
    /// corpus (getsentry/self-hosted) expands to under 10 000.
    pub max_nodes: usize,
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            alias_anchor_ratio_multiplier: 100,
            max_nodes: 100_000,
            max_depth: 128,
        }
    }
}

/// Reads one YAML document.
pub fn parse(text: &str, limits: Limits) -> Result<Node, YamlError> {
    // YAML 1.2 booleans, as compose-go (yaml.v3), GitHub Actions and the
    // YAML specification read them: `n`, `yes`, `on` are strings, so a
    // service or network named `n` keeps its name. Where compose wants a
    // boolean it converts `yes`/`on` itself (`values::compose_bool`).
    let options = serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_nodes: limits.max_nodes,
            max_depth: limits.max_depth,
            alias_anchor_ratio_multiplier: limits.alias_anchor_ratio_multiplier,
        },
    };
    match serde_saphyr::from_str_with_options::<Node>(text, options) {
        Ok(node) => Ok(node),
        Err(e) => {
            let mut error = error_from(text, &e);
            error.message = plain_limit_message(&error.message, limits);
            Err(error)
        }
    }
}

/// The reader's limits in words: they stop hostile documents (an alias
/// bomb, nesting that would exhaust the stack), and the user should see why.
fn plain_limit_message(message: &str, limits: Limits) -> String {
    if message == "recursion limit exceeded" {
        return "nested too deeply: more levels of `[`/`{` than the YAML reader follows; not read"
            .to_string();
    }
    let Some(breach) = message.strip_prefix("budget breached: ") else {
        return message.to_string();
    };
    let kind = breach.split([' ', '{']).next().unwrap_or(breach);
    match kind {
        "Depth" => format!("nested deeper than {} levels; not read", limits.max_depth),
        "Nodes" => format!(
            "more than {} nodes once aliases are expanded (an alias bomb?); not read",
            limits.max_nodes
        ),
        "AliasAnchorRatio" | "Aliases" => format!(
            "too many aliases for the anchors they name (an alias bomb?; at most {} per anchor); not read",
            limits.alias_anchor_ratio_multiplier
        ),
        _ => format!("over a limit of the YAML reader ({breach}); not read"),
    }
}

fn error_from(text: &str, e: &serde_saphyr::Error) -> YamlError {
    let rendered = e.to_string();
    // The first line holds the message; the rest is a snippet we render ourselves.
    let first = rendered.lines().next().unwrap_or("invalid YAML");
    let message = match first.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("error") => rest.to_string(),
        _ => first.to_string(),
    };
    let message = match message.split_once(": ") {
        Some((pos, rest)) if pos.starts_with("line ") => rest.to_string(),
        _ => message,
    };
    let span = e
        .location()
        .map(|loc| {
            if let Some(b) = loc.span().byte_offset() {
                let len = loc.span().byte_len().unwrap_or(0);
                clamp(text, b as usize, len as usize)
            } else {
                at_line_col(text, loc.line() as usize, loc.column() as usize)
            }
        })
        .unwrap_or_default();
    YamlError { message, span }
}

fn clamp(text: &str, start: usize, len: usize) -> Span {
    let start = start.min(text.len());
    let end = (start + len).min(text.len());
    Span::from_range(start..end)
}

/// The byte span of the character at a 1-based line and character column.
fn at_line_col(text: &str, line: usize, column: usize) -> Span {
    let index = LineIndex::new(text);
    let line_start = index.line_start(line.saturating_sub(1)) as usize;
    let line_text = text.get(line_start..).unwrap_or("");
    let offset = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(
            line_text
                .len()
                .min(line_text.find('\n').unwrap_or(line_text.len())),
            |(i, _)| i,
        );
    let start = line_start + offset;
    let len = text[start..].chars().next().map_or(0, char::len_utf8);
    clamp(text, start, len)
}

fn span_of(loc: &serde_saphyr::Location) -> Span {
    let span = loc.span();
    match span.byte_offset() {
        Some(off) => {
            let len = span.byte_len().unwrap_or(0);
            Span::new(off as u32, (off + len) as u32)
        }
        None => Span::default(),
    }
}

#[cfg(test)]
thread_local! {
    /// Nodes built on this thread: what a test asserts instead of a time.
    static NODES_BUILT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[cfg(test)]
        NODES_BUILT.with(|n| n.set(n.get() + 1));
        let spanned: Spanned<Tagged<Value>> = Spanned::deserialize(d)?;
        let Tagged(value, tag) = spanned.value;
        Ok(Node {
            value,
            tag,
            span: span_of(&spanned.referenced),
            defined: span_of(&spanned.defined),
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(i64::try_from(u).map_or(Value::Float(u as f64), Value::Int))
    }

    fn visit_i128<E>(self, i: i128) -> Result<Value, E> {
        Ok(i64::try_from(i).map_or(Value::Float(i as f64), Value::Int))
    }

    fn visit_u128<E>(self, u: u128) -> Result<Value, E> {
        Ok(i64::try_from(u).map_or(Value::Float(u as f64), Value::Int))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Float(f))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_bytes<E>(self, b: &[u8]) -> Result<Value, E> {
        Ok(Value::String(String::from_utf8_lossy(b).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(node) = seq.next_element::<Node>()? {
            items.push(node);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

/// A comment in a YAML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// What follows `#`, trimmed.
    pub text: String,
    /// From the `#` to the end of the line.
    pub span: Span,
    /// The comment is alone on its line (not after a value).
    pub own_line: bool,
}

/// The comments of a YAML text. A `#` starts a comment at the start of a line
/// or after white space, outside quoted scalars and block scalars.
pub fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    // Indentation of the key that opened a block scalar (`key: |`), while
    // inside it.
    let mut block: Option<usize> = None;
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw_line.len();
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(key_indent) = block {
            if line.trim().is_empty() || indent > key_indent {
                continue;
            }
            block = None;
        }
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut comment_at = None;
        while i < bytes.len() {
            let c = bytes[i];
            match quote {
                Some('\'') => {
                    if c == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            quote = None;
                        }
                    }
                }
                Some(_) => {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        quote = None;
                    }
                }
                None => match c {
                    b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => {
                        comment_at = Some(i);
                        break;
                    }
                    b'\'' | b'"' => {
                        // A quote opens a scalar only where a value starts.
                        let prev = line[..i].trim_end();
                        if prev.is_empty()
                            || prev.ends_with(':')
                            || prev.ends_with('-')
                            || prev.ends_with('[')
                            || prev.ends_with(',')
                            || prev.ends_with('{')
                            || prev.ends_with('?')
                        {
                            quote = Some(c as char);
                        }
                    }
                    _ => {}
                },
            }
            i += 1;
        }
        let code = &line[..comment_at.unwrap_or(line.len())];
        let trimmed = code.trim_end();
        if quote.is_none()
            && (trimmed.ends_with('|') || trimmed.ends_with('>') || {
                let last = trimmed.rsplit([' ', ':']).next().unwrap_or("");
                (last.starts_with('|') || last.starts_with('>'))
                    && last[1..]
                        .chars()
                        .all(|ch| ch.is_ascii_digit() || ch == '-' || ch == '+')
                    && trimmed.len() > last.len()
            })
        {
            block = Some(indent);
        }
        if let Some(at) = comment_at {
            out.push(Comment {
                text: line[at + 1..].trim().to_string(),
                span: Span::from_range(start + at..start + line.len()),
                own_line: line[..at].trim().is_empty(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Node {
        parse(text, Limits::default()).expect("valid YAML")
    }

    #[test]
    fn scalars_keep_type_and_span() {
        let text = "a: true\nb: \"true\"\nc: 8080\nd: ~\ne: '80:80'\n";
        let n = doc(text);
        assert_eq!(n.get("a").map(|x| &x.value), Some(&Value::Bool(true)));
        assert_eq!(n.get("b").and_then(Node::as_str), Some("true"));
        assert_eq!(n.get("c").map(|x| &x.value), Some(&Value::Int(8080)));
        assert!(n.get("d").is_some_and(Node::is_null));
        let e = n.get("e").expect("e");
        assert_eq!(e.span.slice(text), "'80:80'");
        let (key, _) = n.entry("c").expect("c");
        assert_eq!(key.span.slice(text), "c");
    }

    #[test]
    fn booleans_are_yaml_1_2_so_n_and_yes_stay_strings() {
        // The "Norway problem": compose-go (yaml.v3) and GitHub Actions read
        // YAML 1.2, where only true/false (any of three cases) are booleans.
        let n = doc("n: 1\non: push\nv: yes\nw: False\nx: TRUE\n");
        assert!(n.get("n").is_some());
        assert!(n.get("on").is_some());
        assert_eq!(n.get("v").and_then(Node::as_str), Some("yes"));
        assert_eq!(n.get("w").map(|x| &x.value), Some(&Value::Bool(false)));
        assert_eq!(n.get("x").map(|x| &x.value), Some(&Value::Bool(true)));
    }

    #[test]
    fn anchors_and_merge_keys_keep_both_places() {
        let text = "x: &base\n  privileged: true\nsvc:\n  <<: *base\n  image: nginx\n";
        let n = doc(text);
        let svc = n.get("svc").expect("svc");
        let (key, value) = svc.entry("privileged").expect("merged key");
        assert!(value.is_aliased());
        assert_eq!(value.span.slice(text), "*base");
        assert_eq!(value.defined.slice(text), "true");
        assert_eq!(key.defined.slice(text), "privileged");
    }

    #[test]
    fn tags_are_kept() {
        let text = "a: !reset []\nb: !override\n  - x\n";
        let n = doc(text);
        assert_eq!(n.get("a").and_then(|x| x.tag.as_deref()), Some("!reset"));
        assert_eq!(n.get("b").and_then(|x| x.tag.as_deref()), Some("!override"));
    }

    #[test]
    fn errors_have_a_span() {
        let text = "services:\n  a:\n    image: [unclosed\n";
        let e = parse(text, Limits::default()).expect_err("invalid");
        assert!(e.message.contains("unclosed"), "{}", e.message);
        assert_eq!(e.span.slice(text), "[");
        let dup = "a: 1\nb: 2\na: 3\n";
        let e = parse(dup, Limits::default()).expect_err("duplicate");
        assert!(e.message.contains("duplicate"), "{}", e.message);
        assert_eq!(e.span.slice(dup), "a");
    }

    #[test]
    fn comments_outside_strings_and_block_scalars() {
        let text = "# top\nservices:  # trailing\n  web:\n    image: 'a#b' # after quote\n    command: \"echo # not\"\n    entrypoint: |\n      # inside a block scalar\n      run\n    user: x#y\n# end\n";
        let found: Vec<(String, bool)> = comments(text)
            .into_iter()
            .map(|c| (c.text, c.own_line))
            .collect();
        assert_eq!(
            found,
            [
                ("top".to_string(), true),
                ("trailing".to_string(), false),
                ("after quote".to_string(), false),
                ("end".to_string(), true),
            ]
        );
        let c = &comments(text)[1];
        assert_eq!(c.span.slice(text), "# trailing");
    }

    #[test]
    fn alias_bombs_are_stopped_by_the_budget() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            let refs: Vec<String> = (0..9).map(|_| format!("*{prev}")).collect();
            text.push_str(&format!("{n}: &{n} [{}]\n", refs.join(",")));
            prev = n;
        }
        // 9^9 (387 million) strings if expanded. The budget stops the
        // reader; what it built before stopping is bounded by the node
        // budget, not by the size of the expansion.
        NODES_BUILT.with(|n| n.set(0));
        let limits = Limits::default();
        let e = parse(&text, limits).expect_err("bomb");
        assert!(e.message.contains("alias bomb"), "{}", e.message);
        let built = NODES_BUILT.with(|n| n.get());
        assert!(
            built <= 2 * limits.max_nodes as u64,
            "built {built} nodes for a budget of {}",
            limits.max_nodes
        );
    }
}
