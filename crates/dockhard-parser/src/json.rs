//! JSON with byte spans (for `daemon.json`), strict as Go's `encoding/json`
//! reads it (RFC 8259: no comments, no trailing commas, no single quotes),
//! with duplicate keys reported rather than silently overwritten.

use crate::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    /// The number as written (`1`, `-2.5e3`).
    Number(String),
    String(String),
    Array(Vec<JsonNode>),
    /// Members in document order.
    Object(Vec<(JsonKey, JsonNode)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct JsonKey {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JsonNode {
    pub value: JsonValue,
    pub span: Span,
}

impl JsonNode {
    pub fn get(&self, key: &str) -> Option<&JsonNode> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<(&JsonKey, &JsonNode)> {
        match &self.value {
            JsonValue::Object(members) => members
                .iter()
                .rev()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// A problem in a JSON text, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub span: Span,
}

/// The parse: the document (when it could be read) and every problem.
/// A duplicate key is a problem but not fatal.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonDocument {
    pub root: Option<JsonNode>,
    pub errors: Vec<JsonError>,
}

/// Nesting deeper than this is refused (a document is not a stack bomb).
const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    warnings: Vec<JsonError>,
}

type Result<T> = std::result::Result<T, JsonError>;

impl Parser<'_> {
    fn error<T>(&self, message: impl Into<String>, at: usize) -> Result<T> {
        let end = self.text[at.min(self.text.len())..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8());
        Err(JsonError {
            message: message.into(),
            span: Span::from_range(at.min(self.text.len())..end.min(self.text.len())),
        })
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn found(&self) -> String {
        match self.text[self.pos..].chars().next() {
            None => "the end of the file".to_string(),
            Some(c) => format!("`{c}`"),
        }
    }

    fn value(&mut self, depth: usize) -> Result<JsonNode> {
        if depth > MAX_DEPTH {
            return self.error(format!("nested deeper than {MAX_DEPTH} levels"), self.pos);
        }
        self.skip_ws();
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonValue::String(self.string()?),
            Some(b't') => self.literal("true", JsonValue::Bool(true))?,
            Some(b'f') => self.literal("false", JsonValue::Bool(false))?,
            Some(b'n') => self.literal("null", JsonValue::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b'/') | Some(b'#') => {
                return self.error("comments are not allowed in JSON", self.pos);
            }
            Some(b'\'') => {
                return self.error("strings are written in double quotes in JSON", self.pos);
            }
            _ => {
                return self.error(
                    format!("expected a value, found {}", self.found()),
                    self.pos,
                );
            }
        };
        Ok(JsonNode {
            value,
            span: Span::from_range(start..self.pos),
        })
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Result<JsonValue> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            let end = self.text[self.pos..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(self.text.len(), |i| self.pos + i);
            self.error(
                format!("`{}` is not a JSON value", &self.text[self.pos..end]),
                self.pos,
            )
        }
    }

    fn number(&mut self) -> Result<JsonValue> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos > s
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        if self.bytes.get(self.pos) == Some(&b'0') {
            self.pos += 1;
        } else if !digits(self) {
            return self.error("a number needs digits", self.pos);
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return self.error("a number needs digits after `.`", self.pos);
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return self.error("a number needs digits in its exponent", self.pos);
            }
        }
        Ok(JsonValue::Number(self.text[start..self.pos].to_string()))
    }

    fn string(&mut self) -> Result<String> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[self.pos..].chars().next() else {
                return self.error("a string is not closed", open);
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    let esc_at = self.pos;
                    self.pos += 1;
                    match unescape(self.text, &mut self.pos) {
                        Ok(c) => out.push(c),
                        Err(EscapeError::End) => {
                            return self.error("a string is not closed", open);
                        }
                        Err(EscapeError::BadUnicode) => {
                            return self.error("`\\u` needs four hex digits", esc_at);
                        }
                        Err(EscapeError::Unknown) => {
                            return self.error("an unknown escape in a string", esc_at);
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return self.error(
                        "a control character in a string (write it escaped)",
                        self.pos,
                    );
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    if self.bytes.get(self.pos) == Some(&b']') {
                        return self.error("a trailing comma is not allowed in JSON", comma);
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => {
                    return self.error(
                        format!("expected `,` or `]` in an array, found {}", self.found()),
                        self.pos,
                    );
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue> {
        self.pos += 1;
        let mut members: Vec<(JsonKey, JsonNode)> = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(JsonValue::Object(members));
        }
        let mut comma_at: Option<usize> = None;
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return match (self.bytes.get(self.pos), comma_at) {
                    (Some(b'}'), Some(at)) => {
                        self.error("a trailing comma is not allowed in JSON", at)
                    }
                    (Some(b'/' | b'#'), _) => {
                        self.error("comments are not allowed in JSON", self.pos)
                    }
                    _ => self.error(
                        format!("expected a key in double quotes, found {}", self.found()),
                        self.pos,
                    ),
                };
            }
            let key_start = self.pos;
            let name = self.string()?;
            let key = JsonKey {
                name,
                span: Span::from_range(key_start..self.pos),
            };
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return self.error(
                    format!("expected `:` after a key, found {}", self.found()),
                    self.pos,
                );
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            if let Some((first, _)) = members.iter().find(|(k, _)| k.name == key.name) {
                let line = self.text[..first.span.start as usize].matches('\n').count() + 1;
                self.warnings.push(JsonError {
                    message: format!(
                        "the key `{}` is given twice (first on line {line}): only the last one counts",
                        key.name
                    ),
                    span: key.span,
                });
            }
            members.push((key, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    comma_at = Some(self.pos);
                    self.pos += 1;
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonValue::Object(members));
                }
                _ => {
                    return self.error(
                        format!("expected `,` or `}}` in an object, found {}", self.found()),
                        self.pos,
                    );
                }
            }
        }
    }
}

/// Parses a JSON document. A leading byte-order mark is allowed (Go's
/// decoder is not, but dockerd strips it before decoding).
pub fn parse(text: &str) -> JsonDocument {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: start,
        warnings: Vec::new(),
    };
    match p.value(0) {
        Ok(root) => {
            p.skip_ws();
            let mut errors = std::mem::take(&mut p.warnings);
            if p.pos < text.len()
                && let Err(e) = p.error::<()>(
                    format!("unexpected {} after the document", p.found()),
                    p.pos,
                )
            {
                errors.push(e);
            }
            JsonDocument {
                root: Some(root),
                errors,
            }
        }
        Err(e) => {
            let mut errors = std::mem::take(&mut p.warnings);
            errors.push(e);
            JsonDocument { root: None, errors }
        }
    }
}

/// Why an escape in a JSON string cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EscapeError {
    /// The text ends after the backslash.
    End,
    /// `\u` without four hex digits.
    BadUnicode,
    /// A letter JSON has no escape for.
    Unknown,
}

/// Decodes the escape whose backslash is just before `*pos` in `text`, and
/// moves `*pos` past it. A lone or broken UTF-16 surrogate becomes U+FFFD,
/// as Go's `encoding/json` (dockerd, BuildKit) decodes it. Shared by the
/// daemon.json reader and exec-form Dockerfile instructions.
pub(crate) fn unescape(text: &str, pos: &mut usize) -> std::result::Result<char, EscapeError> {
    let hex4 = |at: usize| -> Option<u32> {
        let digits = text.get(at..at + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    };
    let e = *text.as_bytes().get(*pos).ok_or(EscapeError::End)?;
    *pos += 1;
    Ok(match e {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{08}',
        b'f' => '\u{0c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hi = hex4(*pos).ok_or(EscapeError::BadUnicode)?;
            *pos += 4;
            let pair = (0xD800..0xDC00).contains(&hi)
                && text.get(*pos..).is_some_and(|r| r.starts_with("\\u"));
            let ch = if pair {
                match hex4(*pos + 2) {
                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                        *pos += 6;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                    }
                    _ => None,
                }
            } else {
                char::from_u32(hi)
            };
            ch.unwrap_or('\u{FFFD}')
        }
        _ => return Err(EscapeError::Unknown),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_go_decodes_them() {
        let decode = |text: &str| {
            let mut pos = 1;
            unescape(text, &mut pos).map(|c| (c, pos))
        };
        assert_eq!(decode("\\n"), Ok(('\n', 2)));
        assert_eq!(decode("\\u00e9x"), Ok(('é', 6)));
        assert_eq!(decode("\\ud83d\\ude00"), Ok(('😀', 12)));
        // A lone or broken surrogate is U+FFFD; what follows is left alone.
        assert_eq!(decode("\\ud83dx"), Ok(('\u{FFFD}', 6)));
        assert_eq!(decode("\\ud83d\\u0041"), Ok(('\u{FFFD}', 6)));
        assert_eq!(decode("\\u+123"), Err(EscapeError::BadUnicode));
        assert_eq!(decode("\\u12"), Err(EscapeError::BadUnicode));
        assert_eq!(decode("\\x"), Err(EscapeError::Unknown));
        assert_eq!(decode("\\"), Err(EscapeError::End));
    }

    #[test]
    fn values_with_spans() {
        let src = "{\n  \"icc\": false,\n  \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2376\"],\n  \"log-opts\": {\"max-size\": \"10m\"}, \"n\": -1.5e3\n}\n";
        let doc = parse(src);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let root = doc.root.expect("root");
        let (key, icc) = root.entry("icc").expect("icc");
        assert_eq!(key.span.slice(src), "\"icc\"");
        assert_eq!(icc.value, JsonValue::Bool(false));
        assert_eq!(icc.span.slice(src), "false");
        let hosts = root.get("hosts").expect("hosts");
        let JsonValue::Array(items) = &hosts.value else {
            panic!("array")
        };
        assert_eq!(items[1].span.slice(src), "\"tcp://0.0.0.0:2376\"");
        assert_eq!(
            root.get("n").map(|n| n.value.clone()),
            Some(JsonValue::Number("-1.5e3".into()))
        );
        assert_eq!(
            root.get("log-opts")
                .and_then(|o| o.get("max-size"))
                .map(|v| v.span.slice(src)),
            Some("\"10m\"")
        );
    }

    #[test]
    fn strict_errors_with_places() {
        for (src, at) in [
            ("{\"icc\": false,}", ","),
            ("{\"icc\": fals}", "f"),
            ("{icc: false}", "i"),
            ("{\"a\": 1 // note\n}", "/"),
            ("{\"a\": 'x'}", "'"),
            ("{\"a\": [1, 2,]}", ","),
            ("{\"a\": 01}", "1"),
            ("{\"a\": \"x\"} {}", "{"),
            ("{\"a\": \"unterminated}", "\""),
            ("", ""),
        ] {
            let doc = parse(src);
            assert!(!doc.errors.is_empty(), "{src}");
            let e = doc.errors.last().expect("error");
            assert_eq!(e.span.slice(src), at, "{src}: {}", e.message);
        }
    }

    #[test]
    fn duplicate_keys_and_escapes() {
        let src = "{\"icc\": true, \"icc\": false, \"s\": \"a\\u00e9\\\"\\ud83d\\ude00\"}";
        let doc = parse(src);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].span.slice(src), "\"icc\"");
        assert!(doc.errors[0].span.start > 2);
        let root = doc.root.expect("root");
        assert_eq!(
            root.get("icc").map(|v| v.value.clone()),
            Some(JsonValue::Bool(false))
        );
        assert_eq!(
            root.get("s").map(|v| v.value.clone()),
            Some(JsonValue::String("aé\"😀".into()))
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_a_crash() {
        let src = "[".repeat(100_000);
        let doc = parse(&src);
        assert!(doc.root.is_none());
        assert!(doc.errors[0].message.contains("nested"));
    }
}
