//! Physical lines to instructions: BuildKit's `Parse` loop.
//!
//! Line continuations use the active escape character, comment lines and
//! blank lines inside a continuation are skipped, parser directives are read
//! from the leading comment lines, and heredoc bodies are collected after the
//! instruction line for RUN, COPY and ADD (also under ONBUILD).

use super::build;
use super::words::is_space;
use super::{Comment, Directive, Dockerfile, Heredoc, Instruction, SyntaxError};
use crate::mapped::MappedText;
use crate::span::{Span, Text};

const BOM: &str = "\u{feff}";

/// One physical line: `start..content_end` is the line without its trailing
/// `\r`/`\n` characters.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    content_end: usize,
}

fn physical_lines(source: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let bytes = source.as_bytes();
    let mut start = if source.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    while start < bytes.len() {
        let end = match memchr_newline(&bytes[start..]) {
            Some(i) => start + i + 1,
            None => bytes.len(),
        };
        let mut content_end = end;
        while content_end > start && matches!(bytes[content_end - 1], b'\n' | b'\r') {
            content_end -= 1;
        }
        lines.push(Line { start, content_end });
        start = end;
    }
    lines
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// Parser-directive state: directives are only read until the first line
/// that is not one.
struct Directives {
    done: bool,
    escape: char,
    found: Vec<Directive>,
}

impl Directives {
    /// Looks at a line (leading white space already trimmed) and reports
    /// whether it was a directive.
    fn check(&mut self, token: &str, token_start: usize, errors: &mut Vec<SyntaxError>) -> bool {
        if self.done {
            return false;
        }
        let Some(after_hash) = token.strip_prefix('#') else {
            self.done = true;
            return false;
        };
        let body = after_hash.trim_start_matches(is_space);
        let body_start = token_start + (token.len() - body.len());
        let Some((name, value, value_offset)) = match_directive(body) else {
            self.done = true;
            return false;
        };
        let name = name.to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return false;
        }
        let span = Span::from_range(token_start..token_start + token.len());
        let value_span =
            Span::from_range(body_start + value_offset..body_start + value_offset + value.len());
        if self.found.iter().any(|d| d.name == name) {
            errors.push(SyntaxError::new(
                format!("only one {name} parser directive can be used"),
                span,
            ));
            return true;
        }
        if name == "escape" {
            match value {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                other => errors.push(SyntaxError::new(
                    format!("invalid escape token '{other}' does not match ` or \\"),
                    value_span,
                )),
            }
        }
        self.found.push(Directive {
            name,
            value: Text::new(value, value_span),
            span,
        });
        true
    }
}

/// Go's RE2 `\s`: `[\t\n\f\r ]`.
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{0c}' | '\r' | ' ')
}

/// Matches `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`; returns the name, the
/// value and the value's offset in `body`.
fn match_directive(body: &str) -> Option<(&str, &str, usize)> {
    let mut chars = body.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let name_end = body
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map_or(body.len(), |(i, _)| i);
    let name = &body[..name_end];
    let after_name = body[name_end..].trim_start_matches(is_re_space);
    let after_eq = after_name.strip_prefix('=')?;
    let value_part = after_eq.trim_start_matches(is_re_space);
    let trimmed = value_part.trim_end_matches(is_re_space);
    if trimmed.is_empty() {
        // `.+?` needs one character: the regex gives it the last white space.
        let last = after_eq.chars().last()?;
        let off = body.len() - last.len_utf8();
        return Some((name, &body[off..], off));
    }
    let offset = body.len() - value_part.len();
    Some((name, trimmed, offset))
}

/// BuildKit's continuation test: the escape character at the end of the line
/// (trailing blanks allowed) not itself escaped. Returns the line without it.
fn trim_continuation(token: &str, escape: char) -> (&str, bool) {
    let trimmed = token.trim_end_matches([' ', '\t']);
    let Some(before) = trimmed.strip_suffix(escape) else {
        return (token, false);
    };
    if before.is_empty() {
        return ("", true);
    }
    if before.ends_with(escape) {
        return (token, false);
    }
    (before, true)
}

fn is_comment(content: &str) -> bool {
    content.trim_start_matches(is_space).starts_with('#')
}

pub(super) fn parse(source: &str) -> Dockerfile {
    let lines = physical_lines(source);
    let mut df = Dockerfile {
        escape: '\\',
        ..Dockerfile::default()
    };
    let mut directives = Directives {
        done: false,
        escape: '\\',
        found: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let content = &source[line.start..line.content_end];
        let token = content.trim_start_matches(is_space);
        let token_start = line.content_end - token.len();
        let was_directive = directives.check(token, token_start, &mut errors);
        df.escape = directives.escape;
        if token.starts_with('#') {
            if !was_directive {
                df.comments
                    .push(comment_at(source, token_start, line.content_end, false));
            }
            continue;
        }
        let (first, continues) = trim_continuation(token, df.escape);
        if !continues && first.is_empty() {
            continue;
        }
        let mut logical = MappedText::new();
        logical.push(first, token_start as u32);
        let mut last_line = line;
        let mut continues = continues;
        while continues && i < lines.len() {
            let next = lines[i];
            i += 1;
            last_line = next;
            let content = &source[next.start..next.content_end];
            if is_comment(content) {
                let t = content.trim_start_matches(is_space);
                df.comments.push(comment_at(
                    source,
                    next.content_end - t.len(),
                    next.content_end,
                    true,
                ));
                continue;
            }
            if content.trim_start_matches(is_space).is_empty() {
                continue;
            }
            let (piece, more) = trim_continuation(content, df.escape);
            logical.push(piece, next.start as u32);
            continues = more;
        }
        let keyword_start = logical.source_offset(0);
        let line_span = Span::new(keyword_start, last_line.content_end as u32);
        let errors_before = errors.len();
        let mut instruction = build::parse_line(logical, line_span, df.escape, &mut errors);
        let line_failed = errors.len() > errors_before;
        if build::can_contain_heredoc(&instruction) && instruction.rest.as_str().contains("<<") {
            let markers = find_heredoc_markers(&instruction);
            for marker in markers {
                let body_start = lines.get(i).map_or(source.len(), |l| l.start);
                let mut terminated = None;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let mut candidate = &source[l.start..l.content_end];
                    if marker.chomp {
                        candidate = candidate.trim_start_matches('\t');
                    }
                    if candidate == marker.name {
                        terminated = Some(l);
                        break;
                    }
                }
                let (body_end, terminator, end) = match terminated {
                    Some(l) => (
                        l.start,
                        Span::from_range(l.start..l.content_end),
                        l.content_end,
                    ),
                    None => {
                        errors.push(SyntaxError::new("unterminated heredoc", marker.span));
                        (
                            source.len(),
                            Span::empty_at(source.len() as u32),
                            source.len(),
                        )
                    }
                };
                instruction.heredocs.push(Heredoc {
                    name: marker.name,
                    expand: marker.expand,
                    chomp: marker.chomp,
                    fd: marker.fd,
                    marker: marker.span,
                    body: Text::new(
                        &source[body_start..body_end],
                        Span::from_range(body_start..body_end),
                    ),
                    terminator,
                });
                instruction.span.end = end as u32;
            }
            if let super::Kind::Onbuild(inner) = &mut instruction.kind {
                inner.heredocs = instruction.heredocs.clone();
            }
        }
        if line_failed {
            // BuildKit stops at a line-parser error: no instruction-level checks.
            instruction.kind = super::Kind::Invalid;
        } else {
            build::type_instruction(&mut instruction, &mut errors);
        }
        df.instructions.push(instruction);
    }
    df.directives = directives.found;
    if df.instructions.is_empty() {
        errors.push(SyntaxError::new(
            "file with no instructions",
            Span::empty_at(source.len() as u32),
        ));
    }
    df.errors = errors;
    df
}

fn comment_at(source: &str, start: usize, end: usize, in_continuation: bool) -> Comment {
    let text = source[start..end]
        .strip_prefix('#')
        .unwrap_or("")
        .trim_matches(is_space)
        .to_string();
    Comment {
        text,
        span: Span::from_range(start..end),
        in_continuation,
    }
}

struct Marker {
    name: String,
    expand: bool,
    chomp: bool,
    fd: u32,
    span: Span,
}

/// The heredoc markers of an instruction line, as BuildKit's
/// `heredocsFromLine` finds them: whole words matching `^(\d*)<<(-?)([^<]*)$`.
fn find_heredoc_markers(instruction: &Instruction) -> Vec<Marker> {
    let target = match &instruction.kind {
        super::Kind::Onbuild(inner) => inner.as_ref(),
        _ => instruction,
    };
    let rest = &target.rest;
    let mut out = Vec::new();
    for (start, end) in raw_shell_words(rest.as_str()) {
        let word = &rest.as_str()[start..end];
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after) = word[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, delim) = match after.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, after),
        };
        if delim.is_empty() || delim.contains('<') {
            continue;
        }
        let (name, quoted) = unquote_delimiter(delim);
        out.push(Marker {
            name,
            expand: !quoted,
            chomp,
            fd: word[..digits].parse().unwrap_or(0),
            span: rest.span(start, end),
        });
    }
    out
}

/// Splits a line into words the way BuildKit's shell lexer does with raw
/// quotes and escapes: white space outside quotes and `${...}` separates.
fn raw_shell_words(line: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start = None;
    let mut quote: Option<char> = None;
    let mut brace_depth = 0u32;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                chars.next();
            }
            continue;
        }
        if brace_depth == 0 && is_space(c) {
            if let Some(s) = start.take() {
                words.push((s, i));
            }
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '\\' => {
                chars.next();
            }
            '$' if chars.peek().map(|(_, n)| *n) == Some('{') => {
                chars.next();
                brace_depth += 1;
            }
            '}' if brace_depth > 0 => brace_depth -= 1,
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, line.len()));
    }
    words
}

/// Removes quotes and backslash escapes from a heredoc delimiter; reports
/// whether any part was quoted (which turns expansion off).
fn unquote_delimiter(delim: &str) -> (String, bool) {
    let mut out = String::new();
    let mut quoted = false;
    let mut quote: Option<char> = None;
    let mut chars = delim.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == '\\' => {
                if let Some(n) = chars.next() {
                    if !matches!(n, '"' | '\\' | '$') {
                        out.push('\\');
                    }
                    out.push(n);
                }
            }
            Some(_) => out.push(c),
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    quoted = true;
                }
                '\\' => {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                }
                _ => out.push(c),
            },
        }
    }
    (out, quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_rules() {
        assert_eq!(trim_continuation("RUN a \\", '\\'), ("RUN a ", true));
        assert_eq!(trim_continuation("RUN a \\  \t", '\\'), ("RUN a ", true));
        assert_eq!(trim_continuation("\\", '\\'), ("", true));
        assert_eq!(
            trim_continuation("ENV C x\\\\", '\\'),
            ("ENV C x\\\\", false)
        );
        assert_eq!(trim_continuation("FROM `", '`'), ("FROM ", true));
        assert_eq!(trim_continuation("RUN a \\", '`'), ("RUN a \\", false));
    }

    #[test]
    fn directive_matching() {
        assert_eq!(match_directive("escape=`"), Some(("escape", "`", 7)));
        assert_eq!(
            match_directive("syntax = docker/dockerfile:1  "),
            Some(("syntax", "docker/dockerfile:1", 9))
        );
        assert_eq!(
            match_directive("check=skip=all"),
            Some(("check", "skip=all", 6))
        );
        assert_eq!(match_directive("not a directive"), None);
        assert_eq!(match_directive("1x=y"), None);
    }

    #[test]
    fn heredoc_delimiters() {
        assert_eq!(unquote_delimiter("EOF"), ("EOF".to_string(), false));
        assert_eq!(unquote_delimiter("'EOF'"), ("EOF".to_string(), true));
        assert_eq!(unquote_delimiter("\"EOF\""), ("EOF".to_string(), true));
        assert_eq!(unquote_delimiter("E\"O\"F"), ("EOF".to_string(), true));
    }

    #[test]
    fn raw_words_respect_quotes_and_braces() {
        let line = r#"cat <<EOF > "/a b" ${X:-a b} 'c d'"#;
        let words: Vec<&str> = raw_shell_words(line)
            .into_iter()
            .map(|(s, e)| &line[s..e])
            .collect();
        assert_eq!(
            words,
            ["cat", "<<EOF", ">", "\"/a b\"", "${X:-a b}", "'c d'"]
        );
    }
}
