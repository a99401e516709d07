//! Evaluation of Dockerfile words as BuildKit's shell lexer does it: quote
//! removal, escapes, and `$VAR` / `${VAR...}` substitution.
//!
//! Values can be unknown (an `ARG` without a default is given at build time),
//! and an unknown value makes the whole word unknown: rules never guess.

/// What a variable is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    Value(String),
    /// Not declared: BuildKit substitutes the empty string.
    Unset,
    /// Declared but only known at build time.
    Unknown,
}

/// Variable bindings in scope.
pub trait Env {
    fn lookup(&self, name: &str) -> Lookup;
}

/// An environment where nothing is known, for literal words.
pub struct NoEnv;

impl Env for NoEnv {
    fn lookup(&self, _: &str) -> Lookup {
        Lookup::Unknown
    }
}

impl<F: Fn(&str) -> Lookup> Env for F {
    fn lookup(&self, name: &str) -> Lookup {
        self(name)
    }
}

/// Why a word could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    #[error("unexpected end of statement while looking for matching {0}")]
    Unterminated(&'static str),
    #[error("unsupported modifier ({0}) in substitution")]
    UnsupportedModifier(char),
    #[error("{name}: {message}")]
    Required { name: String, message: String },
    #[error("missing ':' in substitution")]
    BadSubstitution,
    #[error("substitutions nested more than {MAX_NESTING} deep")]
    TooDeep,
}

/// How many bytes of variable values one word may take in: past this, its
/// value is unknown. `ENV A=$A$A` repeated doubles a value each line; without
/// a bound forty lines would ask for a terabyte.
pub const MAX_SUBSTITUTED: usize = 64 * 1024;

/// `${a:-${b:-...}}` nested deeper than this is refused (the lexer recurses
/// once per level).
pub const MAX_NESTING: usize = 64;

/// Evaluates `raw` with `env`: `Ok(Some(value))` when known, `Ok(None)` when it
/// depends on an unknown value (or takes in more than [`MAX_SUBSTITUTED`]
/// bytes of variable values).
pub fn evaluate(raw: &str, escape: char, env: &dyn Env) -> Result<Option<String>, ExpandError> {
    evaluate_within(raw, escape, env, MAX_SUBSTITUTED).map(|(value, _)| value)
}

/// [`evaluate`], taking in at most `limit` bytes of variable values; also
/// returns how many it took in.
pub fn evaluate_within(
    raw: &str,
    escape: char,
    env: &dyn Env,
    limit: usize,
) -> Result<(Option<String>, usize), ExpandError> {
    let mut lexer = Lexer {
        chars: raw.chars().collect(),
        pos: 0,
        escape,
        env,
        unknown: false,
        depth: 0,
        substituted: 0,
        limit,
        exhausted: false,
    };
    let value = lexer.word(None)?;
    let known = !lexer.unknown && !lexer.exhausted;
    Ok((known.then_some(value), lexer.substituted))
}

/// The value of a word that references no variable (quotes and escapes
/// removed); `None` if it references one or is malformed.
pub fn literal(raw: &str, escape: char) -> Option<String> {
    evaluate(raw, escape, &NoEnv).ok().flatten()
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    escape: char,
    env: &'a dyn Env,
    unknown: bool,
    /// Substitutions open around the current position.
    depth: usize,
    /// Bytes of variable values looked up so far, and the most allowed.
    substituted: usize,
    limit: usize,
    /// Over the limit: the word is unknown, and nothing more is looked up.
    exhausted: bool,
}

impl Lexer<'_> {
    /// A variable's value, counted against the limit.
    fn lookup(&mut self, name: &str) -> Lookup {
        if self.exhausted {
            return Lookup::Unknown;
        }
        let value = self.env.lookup(name);
        if let Lookup::Value(v) = &value {
            self.substituted = self.substituted.saturating_add(v.len());
            if self.substituted > self.limit {
                self.exhausted = true;
                return Lookup::Unknown;
            }
        }
        value
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    /// Reads until `stop` (consumed) or the end.
    fn word(&mut self, stop: Option<char>) -> Result<String, ExpandError> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok(out);
            }
            match c {
                '\'' => out.push_str(&self.single_quoted()?),
                '"' => out.push_str(&self.double_quoted()?),
                '$' => out.push_str(&self.dollar()?),
                c if c == self.escape => {
                    self.pos += 1;
                    match self.next() {
                        Some(n) => out.push(n),
                        None => break,
                    }
                }
                c => {
                    self.pos += 1;
                    out.push(c);
                }
            }
        }
        if stop.is_some() {
            return Err(ExpandError::Unterminated("'}'"));
        }
        Ok(out)
    }

    fn single_quoted(&mut self) -> Result<String, ExpandError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.next() {
                Some('\'') => return Ok(out),
                Some(c) => out.push(c),
                None => return Err(ExpandError::Unterminated("single-quote")),
            }
        }
    }

    fn double_quoted(&mut self) -> Result<String, ExpandError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(ExpandError::Unterminated("double-quote")),
                Some('"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('$') => out.push_str(&self.dollar()?),
                Some(c) if c == self.escape => {
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(ExpandError::Unterminated("double-quote")),
                        Some(n) if n == '"' || n == '$' || n == self.escape => {
                            self.pos += 1;
                            out.push(n);
                        }
                        Some(_) => out.push(c),
                    }
                }
                Some(c) => {
                    self.pos += 1;
                    out.push(c);
                }
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.pos += 1;
                }
                return name;
            }
            Some(c @ ('*' | '#' | '@' | '?' | '-' | '$' | '!')) => {
                self.pos += 1;
                return c.to_string();
            }
            _ => {}
        }
        while let Some(c) = self
            .peek()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            name.push(c);
            self.pos += 1;
        }
        name
    }

    fn resolve(&mut self, value: Lookup) -> String {
        match value {
            Lookup::Value(v) => v,
            Lookup::Unset => String::new(),
            Lookup::Unknown => {
                self.unknown = true;
                String::new()
            }
        }
    }

    fn dollar(&mut self) -> Result<String, ExpandError> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            let value = self.lookup(&name);
            return Ok(self.resolve(value));
        }
        self.pos += 1;
        let name = self.name();
        let value = self.lookup(&name);
        match self.next() {
            Some('}') => Ok(self.resolve(value)),
            Some(':') => {
                let modifier = self.next().ok_or(ExpandError::BadSubstitution)?;
                self.modifier(&name, modifier, value, true)
            }
            Some(m @ ('-' | '+' | '?')) => self.modifier(&name, m, value, false),
            Some('#' | '%' | '/') => {
                // Pattern removal and replacement: the result is not modelled.
                if self.depth >= MAX_NESTING {
                    return Err(ExpandError::TooDeep);
                }
                self.depth += 1;
                let word = self.word(Some('}'));
                self.depth -= 1;
                word?;
                self.unknown = true;
                Ok(String::new())
            }
            Some(other) => Err(ExpandError::UnsupportedModifier(other)),
            None => Err(ExpandError::Unterminated("'}'")),
        }
    }

    /// `${name:-word}` and friends; `colon` makes an empty value count as unset.
    fn modifier(
        &mut self,
        name: &str,
        modifier: char,
        value: Lookup,
        colon: bool,
    ) -> Result<String, ExpandError> {
        if self.depth >= MAX_NESTING {
            return Err(ExpandError::TooDeep);
        }
        let saved = std::mem::replace(&mut self.unknown, false);
        self.depth += 1;
        let word = self.word(Some('}'));
        self.depth -= 1;
        let word = word?;
        let word_unknown = std::mem::replace(&mut self.unknown, saved);
        let (set, value) = match value {
            Lookup::Value(v) => (!(colon && v.is_empty()), v),
            Lookup::Unset => (false, String::new()),
            Lookup::Unknown => {
                // Which branch applies depends on the unknown value.
                self.unknown = true;
                return Ok(String::new());
            }
        };
        match modifier {
            '-' if set => Ok(value),
            '-' => {
                self.unknown |= word_unknown;
                Ok(word)
            }
            '+' if set => {
                self.unknown |= word_unknown;
                Ok(word)
            }
            '+' => Ok(String::new()),
            '?' if set => Ok(value),
            '?' => Err(ExpandError::Required {
                name: name.to_string(),
                message: if word.is_empty() {
                    "is not allowed to be unset".to_string()
                } else {
                    word
                },
            }),
            other => Err(ExpandError::UnsupportedModifier(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Lookup {
        match name {
            "USER" => Lookup::Value("app".into()),
            "EMPTY" => Lookup::Value(String::new()),
            "LATER" => Lookup::Unknown,
            _ => Lookup::Unset,
        }
    }

    fn eval(raw: &str) -> Option<String> {
        evaluate(raw, '\\', &env).expect("valid word")
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(eval(r#""a b"'c'\ d"#).as_deref(), Some("a bc d"));
        assert_eq!(eval(r#""\$USER \x""#).as_deref(), Some("$USER \\x"));
        assert_eq!(eval("'$USER'").as_deref(), Some("$USER"));
    }

    #[test]
    fn substitutions() {
        assert_eq!(eval("$USER:${USER}").as_deref(), Some("app:app"));
        assert_eq!(eval("${NOPE:-root}").as_deref(), Some("root"));
        assert_eq!(eval("${EMPTY:-root}").as_deref(), Some("root"));
        assert_eq!(eval("${EMPTY-root}").as_deref(), Some(""));
        assert_eq!(eval("${USER:+set}").as_deref(), Some("set"));
        assert_eq!(eval("${NOPE+set}").as_deref(), Some(""));
        assert_eq!(eval("${NOPE}x").as_deref(), Some("x"));
        assert_eq!(eval("$").as_deref(), Some("$"));
    }

    #[test]
    fn unknown_values_propagate() {
        assert_eq!(eval("$LATER"), None);
        assert_eq!(eval("${LATER:-root}"), None);
        assert_eq!(eval("${NOPE:-$LATER}"), None);
        assert_eq!(eval("${USER:-$LATER}").as_deref(), Some("app"));
    }

    #[test]
    fn substitution_is_bounded() {
        let env = |_: &str| Lookup::Value("x".repeat(1000));
        let within = |raw: &str, limit| evaluate_within(raw, '\\', &env, limit).expect("valid");
        assert_eq!(within("$A$A", 2000), (Some("x".repeat(2000)), 2000));
        // One byte more is unknown, and the rest is not looked up.
        assert_eq!(within("$A$A$A$A", 1999), (None, 2000));
        assert_eq!(within("${A:-$B}${C}", 500).0, None);
        assert_eq!(evaluate(&"$A".repeat(100), '\\', &env), Ok(None));
    }

    #[test]
    fn errors() {
        assert!(evaluate("'open", '\\', &env).is_err());
        assert!(evaluate("${NOPE:?must be set}", '\\', &env).is_err());
        assert!(evaluate("${USER", '\\', &env).is_err());
    }

    #[test]
    fn literal_words() {
        assert_eq!(literal(r#""root""#, '\\').as_deref(), Some("root"));
        assert_eq!(literal("$X", '\\'), None);
        assert_eq!(literal("`$X", '`').as_deref(), Some("$X"));
    }
}
