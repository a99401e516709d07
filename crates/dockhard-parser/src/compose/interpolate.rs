//! Compose's variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`,
//! `${VAR+alt}`, nesting, and `$$` for a literal `$`.

/// The result of interpolating one string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interpolated {
    Known(String),
    /// Depends on a variable that is not set (no default applies), or one that
    /// must be set (`:?`): compose would substitute or fail; we do not guess.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid interpolation format for {0:?}: {1}")]
pub struct InterpolationError(pub String, pub &'static str);

/// How many bytes of variable values one string may take in: past this,
/// its value is unknown. A `.env` line `A=${A}${A}` doubles a value; without
/// a bound sixty such lines would ask for more memory than exists.
pub const MAX_SUBSTITUTED: usize = 64 * 1024;

/// Interpolates `text`; `lookup` gives a variable's value if it is set.
pub fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Interpolated, InterpolationError> {
    interpolate_within(text, lookup, MAX_SUBSTITUTED).map(|(value, _)| value)
}

/// [`interpolate`], taking in at most `limit` bytes of variable values; also
/// returns how many it took in.
pub fn interpolate_within(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    limit: usize,
) -> Result<(Interpolated, usize), InterpolationError> {
    if !text.contains('$') {
        return Ok((Interpolated::Known(text.to_string()), 0));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser {
        chars: &chars,
        pos: 0,
        lookup,
        unknown: false,
        original: text,
        substituted: 0,
        limit,
        exhausted: false,
    };
    let out = p.until(None)?;
    let value = if p.unknown || p.exhausted {
        Interpolated::Unknown
    } else {
        Interpolated::Known(out)
    };
    Ok((value, p.substituted))
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    unknown: bool,
    original: &'a str,
    /// Bytes of variable values looked up so far, and the most allowed.
    substituted: usize,
    limit: usize,
    /// Over the limit: the string is unknown, and nothing more is looked up.
    exhausted: bool,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Parser<'_> {
    /// A variable's value, counted against the limit.
    fn get(&mut self, name: &str) -> Option<String> {
        if self.exhausted {
            return None;
        }
        let value = (self.lookup)(name);
        if let Some(v) = &value {
            self.substituted = self.substituted.saturating_add(v.len());
            if self.substituted > self.limit {
                self.exhausted = true;
                return None;
            }
        }
        value
    }

    fn err(&self, why: &'static str) -> InterpolationError {
        InterpolationError(self.original.to_string(), why)
    }

    /// Reads text up to `stop` (the closing `}` of an enclosing default).
    fn until(&mut self, stop: Option<char>) -> Result<String, InterpolationError> {
        let mut out = String::new();
        let mut depth = 0usize;
        while let Some(&c) = self.chars.get(self.pos) {
            if Some(c) == stop && depth == 0 {
                return Ok(out);
            }
            if c == '$' {
                self.pos += 1;
                out.push_str(&self.dollar()?);
                continue;
            }
            if stop.is_some() {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            out.push(c);
            self.pos += 1;
        }
        if stop.is_some() {
            return Err(self.err("missing closing brace"));
        }
        Ok(out)
    }

    fn name(&mut self) -> String {
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|c| is_name_char(*c)) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn dollar(&mut self) -> Result<String, InterpolationError> {
        match self.chars.get(self.pos) {
            Some('$') => {
                self.pos += 1;
                Ok("$".to_string())
            }
            Some('{') => {
                self.pos += 1;
                self.braced()
            }
            Some(&c) if is_name_start(c) => {
                let name = self.name();
                Ok(self.value(&name))
            }
            // A lone `$` stays as it is.
            _ => Ok("$".to_string()),
        }
    }

    fn value(&mut self, name: &str) -> String {
        match self.get(name) {
            Some(v) => v,
            None => {
                self.unknown = true;
                String::new()
            }
        }
    }

    fn braced(&mut self) -> Result<String, InterpolationError> {
        if !self.chars.get(self.pos).is_some_and(|c| is_name_start(*c)) {
            return Err(self.err("invalid variable name"));
        }
        let name = self.name();
        let value = self.get(&name);
        let next = self.chars.get(self.pos).copied();
        match next {
            Some('}') => {
                self.pos += 1;
                Ok(match value {
                    Some(v) => v,
                    None => {
                        self.unknown = true;
                        String::new()
                    }
                })
            }
            Some(':') | Some('-') | Some('?') | Some('+') => {
                let colon = next == Some(':');
                if colon {
                    self.pos += 1;
                }
                let op = *self
                    .chars
                    .get(self.pos)
                    .ok_or_else(|| self.err("missing operator"))?;
                if !matches!(op, '-' | '?' | '+') {
                    return Err(self.err("unsupported operator"));
                }
                self.pos += 1;
                // Evaluate the word on its own, then decide if it is used.
                let saved = std::mem::replace(&mut self.unknown, false);
                let word = self.until(Some('}'))?;
                let word_unknown = std::mem::replace(&mut self.unknown, saved);
                self.pos += 1; // the closing brace
                let set = value.as_ref().is_some_and(|v| !(colon && v.is_empty()));
                match op {
                    '-' if set => Ok(value.unwrap_or_default()),
                    '-' => {
                        self.unknown |= word_unknown;
                        Ok(word)
                    }
                    '+' if set => {
                        self.unknown |= word_unknown;
                        Ok(word)
                    }
                    '+' => Ok(String::new()),
                    '?' if set => Ok(value.unwrap_or_default()),
                    _ => {
                        // Compose would stop with the error message: unknown.
                        self.unknown = true;
                        Ok(String::new())
                    }
                }
            }
            _ => Err(self.err("missing closing brace")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "TAG" => Some("1.27".into()),
            "EMPTY" => Some(String::new()),
            "USER_ID" => Some("1000".into()),
            _ => None,
        }
    }

    fn run(text: &str) -> Interpolated {
        interpolate(text, &env).expect("valid")
    }

    fn known(s: &str) -> Interpolated {
        Interpolated::Known(s.to_string())
    }

    #[test]
    fn forms() {
        assert_eq!(run("nginx:$TAG"), known("nginx:1.27"));
        assert_eq!(run("nginx:${TAG}"), known("nginx:1.27"));
        assert_eq!(run("${NOPE:-root}"), known("root"));
        assert_eq!(run("${EMPTY:-root}"), known("root"));
        assert_eq!(run("${EMPTY-root}"), known(""));
        assert_eq!(run("${NOPE-root}"), known("root"));
        assert_eq!(run("${TAG:+set}"), known("set"));
        assert_eq!(run("${NOPE:+set}"), known(""));
        assert_eq!(run("${EMPTY+set}"), known("set"));
        assert_eq!(run("$${NOT} $$"), known("${NOT} $"));
        assert_eq!(run("a $ b"), known("a $ b"));
        assert_eq!(run("${NOPE:-${USER_ID:-0}}"), known("1000"));
        assert_eq!(run("${NOPE:-{a}}"), known("{a}"));
    }

    #[test]
    fn unknown_values() {
        assert_eq!(run("$NOPE"), Interpolated::Unknown);
        assert_eq!(run("${NOPE}"), Interpolated::Unknown);
        assert_eq!(run("${NOPE:?must be set}"), Interpolated::Unknown);
        assert_eq!(run("${TAG:?must be set}"), known("1.27"));
        assert_eq!(run("${NOPE:-$ALSO_NOPE}"), Interpolated::Unknown);
        assert_eq!(run("${TAG:-$ALSO_NOPE}"), known("1.27"));
    }

    #[test]
    fn substitution_is_bounded() {
        let big = |_: &str| Some("x".repeat(1000));
        let within = |text: &str, limit| interpolate_within(text, &big, limit).expect("valid");
        assert_eq!(
            within("${A}${A}", 2000),
            (Interpolated::Known("x".repeat(2000)), 2000)
        );
        // Past the limit: unknown, not the default, and nothing more is
        // looked up.
        assert_eq!(
            within("${A}${B:-safe}${C}", 1500),
            (Interpolated::Unknown, 2000)
        );
        assert_eq!(
            interpolate(&"$A".repeat(100), &big),
            Ok(Interpolated::Unknown)
        );
    }

    #[test]
    fn errors() {
        assert!(interpolate("${", &env).is_err());
        assert!(interpolate("${TAG", &env).is_err());
        assert!(interpolate("${1x}", &env).is_err());
        assert!(interpolate("${TAG:x}", &env).is_err());
    }
}
