//! The word-level scanners of BuildKit's line parsers, on one logical line.
//!
//! Every function here takes the logical text of an instruction (continuations
//! already joined) and returns pieces with their byte offsets in that text, so
//! the caller can map them back to the source. Quotes are kept where BuildKit
//! keeps them: its parser stores raw words, and quote removal happens later
//! when the instruction is evaluated.

/// A piece of the logical line: `text` as BuildKit stores it, `start..end` the
/// byte range it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl Piece {
    fn raw(line: &str, start: usize, end: usize) -> Piece {
        Piece {
            text: line[start..end].to_string(),
            start,
            end,
        }
    }
}

/// Go's `unicode.IsSpace`, which equals Unicode's White_Space property.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The `[\t\v\f\r ]` class BuildKit splits on.
pub fn is_token_space(c: char) -> bool {
    matches!(c, '\t' | '\u{0b}' | '\u{0c}' | '\r' | ' ')
}

/// Byte range of `s[start..end]` with Unicode white space trimmed at both ends.
pub fn trim_range(s: &str, start: usize, end: usize) -> (usize, usize) {
    let sub = &s[start..end];
    let lead = sub.len() - sub.trim_start_matches(is_space).len();
    let trail = sub.trim_end_matches(is_space).len();
    if lead >= trail {
        (start + lead, start + lead)
    } else {
        (start + lead, start + trail)
    }
}

/// The result of splitting an instruction line into keyword, flags and rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitLine {
    /// The keyword as written (not lower-cased).
    pub keyword: (usize, usize),
    pub flags: Vec<Piece>,
    /// The arguments after the flags, trimmed.
    pub rest: (usize, usize),
}

/// BuildKit's `splitCommand`: the first token is the keyword; leading words that
/// start with `--` are builder flags (quotes removed, backslash escapes applied)
/// until a word that does not, or a lone `--`.
pub fn split_command(line: &str) -> SplitLine {
    let (start, end) = trim_range(line, 0, line.len());
    let body = &line[start..end];
    let kw_len = body.find(is_token_space).unwrap_or(body.len());
    let keyword = (start, start + kw_len);
    let mut after = start + kw_len;
    while let Some(c) = line[after..end].chars().next() {
        if !is_token_space(c) {
            break;
        }
        after += c.len_utf8();
    }
    if after >= end {
        return SplitLine {
            keyword,
            flags: Vec::new(),
            rest: (end, end),
        };
    }
    let (flags, rest_start) = extract_builder_flags(line, after, end);
    let rest = trim_range(line, rest_start, end);
    SplitLine {
        keyword,
        flags,
        rest,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Spaces,
    Word,
    Quote(char),
}

/// Scans builder flags in `line[start..end]`; returns them and where the
/// arguments begin.
fn extract_builder_flags(line: &str, start: usize, end: usize) -> (Vec<Piece>, usize) {
    let bytes = line.as_bytes();
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = start;
    let mut blank_ok = false;
    let mut chars = line[start..end].char_indices().peekable();
    loop {
        let next = chars.next();
        let (ch, at) = match next {
            Some((i, c)) => (Some(c), start + i),
            None => (None, end),
        };
        match phase {
            Phase::Spaces => {
                let Some(c) = ch else { break };
                if is_space(c) {
                    continue;
                }
                if c != '-' || at + 1 >= end || bytes[at + 1] != b'-' {
                    return (flags, at);
                }
                phase = Phase::Word;
                word_start = at;
                word.clear();
                blank_ok = false;
                word.push(c);
            }
            Phase::Word => {
                let Some(c) = ch else {
                    if word != "--" && (blank_ok || !word.is_empty()) {
                        flags.push(Piece {
                            text: std::mem::take(&mut word),
                            start: word_start,
                            end,
                        });
                    }
                    break;
                };
                if is_space(c) {
                    if word == "--" {
                        return (flags, at);
                    }
                    if blank_ok || !word.is_empty() {
                        flags.push(Piece {
                            text: std::mem::take(&mut word),
                            start: word_start,
                            end: at,
                        });
                    }
                    phase = Phase::Spaces;
                    continue;
                }
                if c == '\'' || c == '"' {
                    blank_ok = true;
                    phase = Phase::Quote(c);
                    continue;
                }
                if c == '\\' {
                    match chars.next() {
                        Some((_, escaped)) => word.push(escaped),
                        None => continue,
                    }
                    continue;
                }
                word.push(c);
            }
            Phase::Quote(q) => {
                let Some(c) = ch else {
                    if word != "--" && (blank_ok || !word.is_empty()) {
                        flags.push(Piece {
                            text: std::mem::take(&mut word),
                            start: word_start,
                            end,
                        });
                    }
                    break;
                };
                if c == q {
                    phase = Phase::Word;
                    continue;
                }
                if c == '\\' {
                    match chars.next() {
                        Some((_, escaped)) => word.push(escaped),
                        None => phase = Phase::Word,
                    }
                    continue;
                }
                word.push(c);
            }
        }
    }
    (flags, end)
}

/// BuildKit's `parseWords`: white-space separated words, quotes and escapes
/// kept in the text (an escape at the very end is dropped).
pub fn parse_words(line: &str, start: usize, end: usize, escape: char) -> Vec<Piece> {
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = start;
    let mut blank_ok = false;
    let mut chars = line[start..end].char_indices().peekable();
    let flush = |word: &mut String, blank_ok: bool, s: usize, e: usize, out: &mut Vec<Piece>| {
        if blank_ok || !word.is_empty() {
            out.push(Piece {
                text: std::mem::take(word),
                start: s,
                end: e,
            });
        }
        word.clear();
    };
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        let at_end = |w: usize| at + w >= end;
        match phase {
            Phase::Spaces => {
                if is_space(c) {
                    continue;
                }
                phase = Phase::Word;
                word_start = at;
                blank_ok = false;
                // fall through into Word handling below
                handle_word_char(
                    c,
                    at,
                    escape,
                    &mut chars,
                    &mut word,
                    &mut phase,
                    &mut blank_ok,
                    at_end(c.len_utf8()),
                );
            }
            Phase::Word => {
                if is_space(c) {
                    flush(&mut word, blank_ok, word_start, at, &mut words);
                    phase = Phase::Spaces;
                    blank_ok = false;
                    continue;
                }
                handle_word_char(
                    c,
                    at,
                    escape,
                    &mut chars,
                    &mut word,
                    &mut phase,
                    &mut blank_ok,
                    at_end(c.len_utf8()),
                );
            }
            Phase::Quote(q) => {
                if c == q {
                    phase = Phase::Word;
                }
                if c == escape && q != '\'' {
                    if at_end(c.len_utf8()) {
                        phase = Phase::Word;
                        continue;
                    }
                    word.push(c);
                    if let Some((_, n)) = chars.next() {
                        word.push(n);
                    }
                    continue;
                }
                word.push(c);
            }
        }
    }
    if phase != Phase::Spaces {
        flush(&mut word, blank_ok, word_start, end, &mut words);
    }
    words
}

#[allow(clippy::too_many_arguments)]
fn handle_word_char(
    c: char,
    _at: usize,
    escape: char,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    word: &mut String,
    phase: &mut Phase,
    blank_ok: &mut bool,
    is_last: bool,
) {
    if c == '\'' || c == '"' {
        *blank_ok = true;
        *phase = Phase::Quote(c);
    }
    if c == escape {
        if is_last {
            return;
        }
        word.push(c);
        if let Some((_, n)) = chars.next() {
            word.push(n);
        }
        return;
    }
    word.push(c);
}

/// BuildKit's `parseStringsWhitespaceDelimited`: split on runs of `[\t\v\f\r ]`.
pub fn split_token_space(line: &str, start: usize, end: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    if start >= end {
        return out;
    }
    let mut piece_start = start;
    let mut in_space = false;
    for (i, c) in line[start..end].char_indices() {
        let at = start + i;
        if is_token_space(c) {
            if !in_space {
                out.push(Piece::raw(line, piece_start, at));
                in_space = true;
            }
        } else if in_space {
            piece_start = at;
            in_space = false;
        }
    }
    if in_space {
        // Go's regexp.Split yields a trailing empty string here.
        out.push(Piece::raw(line, end, end));
    } else {
        out.push(Piece::raw(line, piece_start, end));
    }
    out
}

/// Splits at the first run of `[\t\v\f\r ]` (Go's `Split(s, 2)`).
pub fn split_token_space_once(line: &str, start: usize, end: usize) -> Vec<Piece> {
    let sub = &line[start..end];
    match sub.find(is_token_space) {
        None => vec![Piece::raw(line, start, end)],
        Some(i) => {
            let mut j = i;
            while let Some(c) = sub[j..].chars().next() {
                if !is_token_space(c) {
                    break;
                }
                j += c.len_utf8();
            }
            vec![
                Piece::raw(line, start, start + i),
                Piece::raw(line, start + j, end),
            ]
        }
    }
}

/// What `parseJSON` made of an argument string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonArgs {
    /// Not a JSON array: BuildKit falls back to the shell (or word) form.
    NotJson,
    /// A valid JSON array with an element that is not a string: an error.
    NotStringArray,
    /// A JSON array of strings: the decoded values and their token ranges.
    Strings(Vec<Piece>),
}

/// Parses `line[start..end]` as Go's `json.Unmarshal` into `[]any` would.
pub fn parse_json_array(line: &str, start: usize, end: usize) -> JsonArgs {
    let (s, e) = trim_range(line, start, end);
    let mut p = JsonScanner {
        src: &line[..e],
        pos: s,
    };
    if !line[s..e].starts_with('[') {
        return JsonArgs::NotJson;
    }
    match p.array() {
        Some(items) => {
            p.skip_ws();
            if p.pos != e {
                return JsonArgs::NotJson;
            }
            let mut strings = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    JsonItem::String(piece) => strings.push(piece),
                    JsonItem::Other => return JsonArgs::NotStringArray,
                }
            }
            JsonArgs::Strings(strings)
        }
        None => JsonArgs::NotJson,
    }
}

enum JsonItem {
    String(Piece),
    Other,
}

struct JsonScanner<'a> {
    src: &'a str,
    pos: usize,
}

impl JsonScanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn array(&mut self) -> Option<Vec<JsonItem>> {
        if !self.eat(b'[') {
            return None;
        }
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat(b']') {
            return Some(items);
        }
        loop {
            self.skip_ws();
            let item = match self.peek()? {
                b'"' => JsonItem::String(self.string()?),
                _ => {
                    self.value()?;
                    JsonItem::Other
                }
            };
            items.push(item);
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(items);
                }
                _ => return None,
            }
        }
    }

    fn value(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'[' => self.array().map(|_| ()),
            b'{' => self.object(),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    fn object(&mut self) -> Option<()> {
        self.eat(b'{');
        self.skip_ws();
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            self.skip_ws();
            if self.peek()? != b'"' {
                return None;
            }
            self.string()?;
            self.skip_ws();
            if !self.eat(b':') {
                return None;
            }
            self.value()?;
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn number(&mut self) -> Option<()> {
        self.eat(b'-');
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
            }
            _ => return None,
        }
        if self.eat(b'.') {
            let before = self.pos;
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
            if self.pos == before {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            let before = self.pos;
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
            if self.pos == before {
                return None;
            }
        }
        Some(())
    }

    fn string(&mut self) -> Option<Piece> {
        let start = self.pos;
        self.eat(b'"');
        let mut out = String::new();
        loop {
            let rest = &self.src[self.pos..];
            let c = rest.chars().next()?;
            match c {
                '"' => {
                    self.pos += 1;
                    return Some(Piece {
                        text: out,
                        start,
                        end: self.pos,
                    });
                }
                '\\' => {
                    self.pos += 1;
                    out.push(crate::json::unescape(self.src, &mut self.pos).ok()?);
                }
                c if (c as u32) < 0x20 => return None,
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &[Piece]) -> Vec<&str> {
        p.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn split_command_extracts_flags() {
        let line = "COPY --from=build --chown=\"a b\" src /dst";
        let s = split_command(line);
        assert_eq!(&line[s.keyword.0..s.keyword.1], "COPY");
        assert_eq!(texts(&s.flags), ["--from=build", "--chown=a b"]);
        assert_eq!(&line[s.rest.0..s.rest.1], "src /dst");
        assert_eq!(&line[s.flags[1].start..s.flags[1].end], "--chown=\"a b\"");
    }

    #[test]
    fn double_dash_ends_flags() {
        let line = "COPY --doit=true -- foo /tmp/";
        let s = split_command(line);
        assert_eq!(texts(&s.flags), ["--doit=true"]);
        assert_eq!(&line[s.rest.0..s.rest.1], "foo /tmp/");
        let line = "CMD --doit -- [ ]";
        let s = split_command(line);
        assert_eq!(texts(&s.flags), ["--doit"]);
        assert_eq!(&line[s.rest.0..s.rest.1], "[ ]");
    }

    #[test]
    fn single_dash_is_not_a_flag() {
        let line = "RUN -x";
        let s = split_command(line);
        assert!(s.flags.is_empty());
        assert_eq!(&line[s.rest.0..s.rest.1], "-x");
    }

    #[test]
    fn words_keep_quotes_and_escapes() {
        let line = r#"a="b c" d\ e 'f\'g'"#;
        let w = parse_words(line, 0, line.len(), '\\');
        assert_eq!(texts(&w), [r#"a="b c""#, r"d\ e", r"'f\'g'"]);
    }

    #[test]
    fn json_arrays_follow_go() {
        let ok = r#"[ "a", "b\u0041" ]"#;
        match parse_json_array(ok, 0, ok.len()) {
            JsonArgs::Strings(p) => assert_eq!(texts(&p), ["a", "bA"]),
            other => panic!("{other:?}"),
        }
        for bad in [r#"["a""#, r#"['a']"#, r#"["a"] b"#, "[\"a\tb\"]"] {
            assert_eq!(
                parse_json_array(bad, 0, bad.len()),
                JsonArgs::NotJson,
                "{bad}"
            );
        }
        let nested = r#"[ "echo", [ "nested json" ] ]"#;
        assert_eq!(
            parse_json_array(nested, 0, nested.len()),
            JsonArgs::NotStringArray
        );
    }

    #[test]
    fn whitespace_split() {
        let line = "a \t b";
        assert_eq!(texts(&split_token_space(line, 0, line.len())), ["a", "b"]);
        assert_eq!(
            texts(&split_token_space_once(line, 0, line.len())),
            ["a", "b"]
        );
    }
}
