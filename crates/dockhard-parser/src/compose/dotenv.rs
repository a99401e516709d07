//! A project's `.env` file, read as compose-go's `dotenv` package reads it
//! (the reference; behaviour learnt from its parser and fixtures, not its
//! code):
//!
//! - a UTF-8 byte-order mark is skipped; blank lines and `#` lines are
//!   comments; `export ` before a key is dropped;
//! - a key is letters, digits, `_`, `.`, `-`, `[`, `]`, ended by `=` or `:`
//!   (YAML style); a key alone on its line takes its value from the
//!   environment; a key with a space in it, or another character, is an error;
//! - an unquoted value runs to the end of the line, stops at ` #` (a comment
//!   after a space) and loses trailing white space (so a CRLF line's `\r`);
//!   `$VAR` and `${VAR:-default}` are interpolated;
//! - a quoted value may span lines; `\` escapes the quote; in single quotes
//!   nothing else is special; in double quotes `\n`, `\t`, `\\`, `\"`, `\$`
//!   and the others of Go are escapes, then variables are interpolated; after
//!   the closing quote, `#` starts a comment; a quote that is never closed is
//!   an error.
//!
//! Interpolation sees the process environment first, then the values set
//! earlier in the file; a value that depends on a variable set nowhere is
//! unknown (compose would use an empty string and warn; the linter does not
//! guess).

use super::interpolate::{Interpolated, MAX_SUBSTITUTED, interpolate_within};

/// One `KEY=value` of the file: the value when it is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: Option<String>,
}

/// A problem compose would stop at, and the byte range it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvError {
    pub message: String,
    pub range: std::ops::Range<usize>,
}

/// Whitespace within a line (compose-go's `isSpace`): not a line break.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// Reads a `.env` text. `env` gives a variable of the process environment.
/// Entries read before an error are kept.
pub fn parse(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> (Vec<Entry>, Option<DotenvError>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut pos = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    // What interpolation may take in for the whole file: linear in its
    // length, so that values that refer to each other again and again
    // (`A=${A}${A}` on every line) cost work in proportion to the file.
    let mut budget = text.len().saturating_mul(16).saturating_add(8 << 20);
    loop {
        // The start of the next statement: past white space and comments.
        let Some(start) = statement_start(text, pos) else {
            return (entries, None);
        };
        let (key, after_key, inherited) = match key(text, start) {
            Ok(k) => k,
            Err(e) => return (entries, Some(e)),
        };
        if key.contains(' ') {
            return (
                entries,
                Some(DotenvError {
                    message: format!("`.env`: the key `{key}` has a space in it"),
                    range: start..start + key.len(),
                }),
            );
        }
        if inherited {
            if !key.is_empty() {
                let value = env(&key);
                if value.is_some() {
                    set(&mut entries, key, value);
                }
            }
            pos = after_key;
            continue;
        }
        let lookup = |name: &str| {
            env(name).or_else(|| {
                entries
                    .iter()
                    .rev()
                    .find(|e| e.key == name)
                    .and_then(|e| e.value.clone())
            })
        };
        match value(text, after_key, &lookup, &mut budget) {
            Ok((value, next)) => {
                if !key.is_empty() {
                    set(&mut entries, key, value);
                }
                pos = next;
            }
            Err(e) => return (entries, Some(e)),
        }
    }
}

fn set(entries: &mut Vec<Entry>, key: String, value: Option<String>) {
    entries.retain(|e| e.key != key);
    entries.push(Entry { key, value });
}

fn statement_start(text: &str, mut pos: usize) -> Option<usize> {
    loop {
        let rest = text.get(pos..)?;
        let skip = rest.find(|c: char| !c.is_whitespace())?;
        pos += skip;
        if !text[pos..].starts_with('#') {
            return Some(pos);
        }
        pos += text[pos..].find('\n')?;
    }
}

/// The key at `start`: its name, where its value starts, and whether it
/// stands alone on its line (its value comes from the environment).
fn key(text: &str, start: usize) -> Result<(String, usize, bool), DotenvError> {
    let mut from = start;
    let rest = &text[start..];
    if let Some(after) = rest.strip_prefix("export")
        && after.starts_with(|c: char| c.is_whitespace())
    {
        let trimmed = after.trim_start_matches(is_space);
        from = text.len() - trimmed.len();
    }
    let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
    for (i, c) in text[from..].char_indices() {
        if is_space(c) {
            continue;
        }
        match c {
            '=' | ':' | '\n' => {
                let name = text[from..from + i].trim_end().to_string();
                let mut next = from + i + c.len_utf8();
                if c != '\n' {
                    next = text.len() - text[next..].trim_start_matches(is_space).len();
                }
                return Ok((name, next, c == '\n'));
            }
            '_' | '.' | '-' | '[' | ']' => {}
            c if c.is_alphanumeric() => {}
            other => {
                return Err(DotenvError {
                    message: format!(
                        "`.env`: unexpected character {other:?} in the variable name `{}`",
                        &text[from..line_end]
                    ),
                    range: from + i..from + i + other.len_utf8(),
                });
            }
        }
    }
    // The last line is a name without `=` and without a line break.
    let name = text[from..].trim_end().to_string();
    Ok((name, text.len(), true))
}

/// The value at `start`, and where the next statement may start.
fn value(
    text: &str,
    start: usize,
    lookup: &dyn Fn(&str) -> Option<String>,
    budget: &mut usize,
) -> Result<(Option<String>, usize), DotenvError> {
    let rest = &text[start..];
    let quote = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => q,
        _ => {
            let end = rest.find('\n').map_or(text.len(), |i| start + i);
            let line = &text[start..end];
            let line = line.split(" #").next().unwrap_or("").trim_end();
            let value = expand(line, lookup, budget).map_err(|message| DotenvError {
                message,
                range: start..start + line.len(),
            })?;
            return Ok((value, end));
        }
    };
    let mut chars = String::new();
    let mut escaped = false;
    for (i, c) in rest.char_indices().skip(1) {
        if c != quote {
            if !escaped && c == '\\' {
                escaped = true;
                continue;
            }
            if escaped {
                escaped = false;
                chars.push('\\');
            }
            chars.push(c);
            continue;
        }
        if escaped {
            escaped = false;
            chars.push(c);
            continue;
        }
        let end = start + i + c.len_utf8();
        let value = if quote == '"' {
            expand(&unescape(&chars), lookup, budget).map_err(|message| DotenvError {
                message,
                range: start..end,
            })?
        } else {
            Some(chars)
        };
        return Ok((value, end));
    }
    let line_end = rest.find('\n').unwrap_or(rest.len());
    Err(DotenvError {
        message: format!(
            "`.env`: unterminated quoted value {}",
            rest[..line_end].trim_end()
        ),
        range: start..start + line_end,
    })
}

/// Interpolates a value: `None` when it depends on a variable set nowhere
/// (or takes in more than is left of `budget`, which it uses up).
fn expand(
    value: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    budget: &mut usize,
) -> Result<Option<String>, String> {
    let limit = (*budget).min(MAX_SUBSTITUTED);
    match interpolate_within(value, lookup, limit) {
        Ok((value, taken)) => {
            *budget = budget.saturating_sub(taken);
            Ok(match value {
                Interpolated::Known(v) => Some(v),
                Interpolated::Unknown => None,
            })
        }
        Err(e) => Err(format!("`.env`: {e}")),
    }
}

/// The escapes of a double-quoted value. `\$` stays an escaped dollar
/// (`$$`) for interpolation; an escape that is not one is kept as written.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&next) = chars.peek() else {
            out.push(c);
            break;
        };
        let replacement = match next {
            'a' => Some("\u{7}".to_string()),
            'b' => Some("\u{8}".to_string()),
            'f' => Some("\u{c}".to_string()),
            'n' => Some("\n".to_string()),
            'r' => Some("\r".to_string()),
            't' => Some("\t".to_string()),
            'v' => Some("\u{b}".to_string()),
            '"' => Some("\"".to_string()),
            '\\' => Some("\\".to_string()),
            '$' => Some("$$".to_string()),
            _ => None,
        };
        if let Some(r) = replacement {
            chars.next();
            out.push_str(&r);
            continue;
        }
        if next == '0' {
            // `\0` and up to three digits, as compose-go reads it: the `0`
            // is dropped and Go's octal escape `\ddd` is tried on the rest;
            // when that is not one (fewer digits, an 8 or 9, over 255), the
            // backslash and the digits stay.
            chars.next();
            let mut digits = String::new();
            while digits.len() < 3 {
                match chars.peek() {
                    Some(&d) if d.is_ascii_digit() => {
                        digits.push(d);
                        chars.next();
                    }
                    _ => break,
                }
            }
            match u32::from_str_radix(&digits, 8) {
                Ok(v) if digits.len() == 3 && v <= 0xFF => {
                    out.extend(char::from_u32(v));
                }
                _ => {
                    out.push('\\');
                    out.push_str(&digits);
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<(String, Option<String>)>, Option<String>) {
        let env = |name: &str| (name == "FROM_ENV").then(|| "env-value".to_string());
        let (entries, error) = parse(text, &env);
        (
            entries.into_iter().map(|e| (e.key, e.value)).collect(),
            error.map(|e| e.message),
        )
    }

    fn value(text: &str, key: &str) -> Option<String> {
        read(text)
            .0
            .into_iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v)
    }

    #[test]
    fn compose_go_fixtures() {
        // The cases of compose-go's quoted.env, special.env and unquoted.env.
        let text = "OPTION_A='1'\nOPTION_C=''\nOPTION_D='\\n'\nOPTION_H=\"\\n\"\nOPTION_I = \"echo 'asd'\" # Inline comment\nOPTION_J = 'first line\nsecond line'\nOPTION_K='Let\\'s go!'\nVAR.WITH.DOTS=dots\nVAR-WITH-DASHES=dashes\nU=a b # comment\nV=a#b\n";
        assert_eq!(value(text, "OPTION_A").as_deref(), Some("1"));
        assert_eq!(value(text, "OPTION_C").as_deref(), Some(""));
        assert_eq!(value(text, "OPTION_D").as_deref(), Some("\\n"));
        assert_eq!(value(text, "OPTION_H").as_deref(), Some("\n"));
        assert_eq!(value(text, "OPTION_I").as_deref(), Some("echo 'asd'"));
        assert_eq!(
            value(text, "OPTION_J").as_deref(),
            Some("first line\nsecond line")
        );
        assert_eq!(value(text, "OPTION_K").as_deref(), Some("Let's go!"));
        assert_eq!(value(text, "VAR.WITH.DOTS").as_deref(), Some("dots"));
        assert_eq!(value(text, "VAR-WITH-DASHES").as_deref(), Some("dashes"));
        assert_eq!(value(text, "U").as_deref(), Some("a b"));
        assert_eq!(value(text, "V").as_deref(), Some("a#b"));
        assert_eq!(read(text).1, None);
    }

    #[test]
    fn export_crlf_yaml_style_and_inherited() {
        let text = "\u{FEFF}export A=1\r\nB: two\r\nFROM_ENV\r\nNOT_SET\r\nC=\"q\"\r\n";
        let (entries, error) = read(text);
        assert_eq!(error, None);
        assert_eq!(
            entries,
            [
                ("A".to_string(), Some("1".to_string())),
                ("B".to_string(), Some("two".to_string())),
                ("FROM_ENV".to_string(), Some("env-value".to_string())),
                ("C".to_string(), Some("q".to_string())),
            ]
        );
    }

    #[test]
    fn escapes_and_interpolation() {
        let text =
            "A=x\nB=\"${A}-\\$A-\\t-\\\\-\\0101\"\nC='${A}'\nD=$MISSING\nE=${A:-d}$FROM_ENV\n";
        assert_eq!(value(text, "B").as_deref(), Some("x-$A-\t-\\-A"));
        assert_eq!(value(text, "C").as_deref(), Some("${A}"));
        assert_eq!(value(text, "D"), None);
        assert!(read(text).0.iter().any(|(k, v)| k == "D" && v.is_none()));
        assert_eq!(value(text, "E").as_deref(), Some("xenv-value"));
        // `\0` escapes: the 0 goes; three octal digits make a character.
        let text = "A=\"\\0\"\nB=\"\\01\"\nC=\"\\0777\"\nD=\"\\0089\"\nE=\"\\0141b\"\n";
        assert_eq!(value(text, "A").as_deref(), Some("\\"));
        assert_eq!(value(text, "B").as_deref(), Some("\\1"));
        assert_eq!(value(text, "C").as_deref(), Some("\\777"));
        assert_eq!(value(text, "D").as_deref(), Some("\\089"));
        assert_eq!(value(text, "E").as_deref(), Some("ab"));
    }

    #[test]
    fn a_value_that_doubles_each_line_is_bounded() {
        let mut text = String::from("A=0123456789abcdef\n");
        for _ in 0..64 {
            text.push_str("A=${A}${A}\n");
        }
        text.push_str("B=ok\n");
        let (entries, error) = read(&text);
        assert_eq!(error, None);
        assert!(entries.iter().any(|(k, v)| k == "A" && v.is_none()));
        assert_eq!(value(&text, "B").as_deref(), Some("ok"));
    }

    #[test]
    fn errors_keep_what_came_before() {
        let (entries, error) = read("A=1\nB=\"never closed\nC=3\n");
        assert_eq!(entries, [("A".to_string(), Some("1".to_string()))]);
        let error = error.expect("error");
        assert!(error.contains("unterminated quoted value"), "{error}");
        let (_, error) = read("MY KEY=1\n");
        assert!(error.expect("error").contains("space"));
        let (_, error) = read("A$B=1\n");
        assert!(error.expect("error").contains("unexpected character '$'"));
        let (_, error) = read("A=\"${\"\n");
        assert!(error.expect("error").contains("invalid interpolation"));
    }
}
