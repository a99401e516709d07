//! A YAML scalar's parsed value mapped back to the bytes it was written with,
//! so that a finding in a shell command inside `run: |` points at its own
//! line and column rather than at the whole scalar.
//!
//! serde-saphyr reports only a scalar's span and value, not its style, so the
//! style is recognised from the source around the span. What serde-saphyr's
//! `defined` span covers, by style (found by experiment with serde-saphyr 2.2):
//!
//! - plain: the scalar's characters, first to last (no trailing spaces or
//!   comment); a multi-line plain scalar spans its continuation lines.
//! - single- and double-quoted: the quotes included.
//! - block (`|`, `>`, any chomping or indentation indicator): from the first
//!   content character after the block's indentation (the header, a comment
//!   after it and leading empty lines are before the span) to the end of the
//!   trailing empty lines, sometimes into the indentation of the next line.
//!   With no content line the span is either the header through the empty
//!   lines (`|+\n\n\n` at the end of input) or empty at the next token.
//!
//! Every reading is checked: unless the text rebuilt from the source equals
//! the parsed value exactly, the whole value stands for the whole span.

use crate::mapped::MappedText;
use crate::span::Span;

/// How many `|` or `>` on a header line are tried as its indicator: a comment
/// or a quoted key may hold more, and each try reads the whole block.
const MAX_HEADER_CANDIDATES: usize = 4;

/// The scalar's value as a MappedText whose text equals `value` and whose
/// every character maps to where it is written in `source`.
///
/// `span` is a scalar node's `defined` span as [`crate::yaml`] reports it.
/// Characters copied from the source map to themselves; an escape or a
/// doubled quote maps to the whole sequence; a line break folded into a space
/// maps to the break. When the source cannot be read back into exactly
/// `value`, the whole value stands for the whole span.
pub fn scalar_text(source: &str, span: Span, value: &str) -> MappedText {
    match rebuild(source, span, value) {
        Some(m) => m,
        None => {
            let mut m = MappedText::new();
            m.push_replacement(value, span);
            m
        }
    }
}

/// The mapped value, or `None` when no reading of the source gives `value`.
fn rebuild(source: &str, span: Span, value: &str) -> Option<MappedText> {
    if value.is_empty() {
        // Nothing to map; the fallback keeps the span.
        return None;
    }
    let start = span.start as usize;
    let end = (span.end as usize).min(source.len());
    if start > end {
        return None;
    }
    let bytes = source.as_bytes();
    let matches = |m: &MappedText| m.as_str() == value;
    match bytes.get(start) {
        Some(b'"') if end >= start + 2 && bytes.get(end - 1) == Some(&b'"') => {
            if let Some(m) = flow(source, start + 1, end - 1, Style::Double).filter(matches) {
                return Some(m);
            }
        }
        Some(b'\'') if end >= start + 2 && bytes.get(end - 1) == Some(&b'\'') => {
            if let Some(m) = flow(source, start + 1, end - 1, Style::Single).filter(matches) {
                return Some(m);
            }
        }
        _ => {}
    }
    // A block scalar's content may begin with anything, a quote included.
    if let Some(m) = block_scalar(source, start, end, value) {
        return Some(m);
    }
    flow(source, start, end, Style::Plain).filter(matches)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
}

fn is_white(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Length of the line break at `i` (`\n`, `\r\n` or a lone `\r`).
fn break_len(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i) {
        Some(b'\n') => Some(1),
        Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => Some(2),
        Some(b'\r') => Some(1),
        _ => None,
    }
}

fn skip_white(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).copied().is_some_and(is_white) {
        i += 1;
    }
    i
}

fn span_of(start: usize, end: usize) -> Span {
    Span::from_range(start..end)
}

/// Appends `source[start..end]` as a copy; `None` off a char boundary.
fn copy(out: &mut MappedText, source: &str, start: usize, end: usize) -> Option<()> {
    out.push(source.get(start..end)?, start as u32);
    Some(())
}

/// Appends the `\n` a line break stands for. Of a CRLF only the LF is in the
/// value, so it is the byte the newline maps to.
fn newline(out: &mut MappedText, source: &str, brk: Span) {
    let last = brk.end.saturating_sub(1);
    if brk.end > brk.start && source.as_bytes().get(last as usize) == Some(&b'\n') {
        out.push("\n", last);
    } else {
        out.push_replacement("\n", brk);
    }
}

/// A plain or quoted scalar's text between `start` and `end` (inside the
/// quotes), with the line folding all three styles share.
fn flow(source: &str, start: usize, end: usize, style: Style) -> Option<MappedText> {
    // Cut at `end` so that looking past the body finds nothing.
    let bytes = source.as_bytes().get(..end)?;
    let special = |b: u8| {
        is_white(b)
            || b == b'\n'
            || b == b'\r'
            || (style == Style::Double && b == b'\\')
            || (style == Style::Single && b == b'\'')
    };
    let mut out = MappedText::new();
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        if is_white(b) {
            let j = skip_white(bytes, i);
            // White space before a line break is not part of the value.
            if break_len(bytes, j).is_none() {
                copy(&mut out, source, i, j)?;
            }
            i = j;
        } else if let Some(len) = break_len(bytes, i) {
            i = fold(&mut out, source, bytes, i, len, false);
        } else if style == Style::Double && b == b'\\' {
            i = match break_len(bytes, i + 1) {
                Some(len) => fold(&mut out, source, bytes, i + 1, len, true),
                None => escape(&mut out, source, i)?,
            };
        } else if style == Style::Single && b == b'\'' {
            if bytes.get(i + 1) != Some(&b'\'') {
                return None;
            }
            out.push_replacement("'", span_of(i, i + 2));
            i += 2;
        } else {
            // Special bytes are ASCII, so this run ends on a char boundary.
            let mut j = i + 1;
            while bytes.get(j).is_some_and(|&c| !special(c)) {
                j += 1;
            }
            copy(&mut out, source, i, j)?;
            i = j;
        }
    }
    Some(out)
}

/// Folds the line break at `at` and the empty lines and indentation after
/// it; returns where the next line's text starts. A single break becomes a
/// space standing for the break; with empty lines after it, each empty line
/// is a newline and the first break is dropped. An escaped break (`\` at the
/// end of a line) gives no space.
fn fold(
    out: &mut MappedText,
    source: &str,
    bytes: &[u8],
    at: usize,
    len: usize,
    escaped: bool,
) -> usize {
    let first = span_of(at, at + len);
    let mut empties = Vec::new();
    let mut k = at + len;
    loop {
        let p = skip_white(bytes, k);
        match break_len(bytes, p) {
            Some(l) => {
                empties.push(span_of(p, p + l));
                k = p + l;
            }
            None => {
                k = p;
                break;
            }
        }
    }
    if empties.is_empty() && !escaped {
        out.push_replacement(" ", first);
    }
    for e in empties {
        newline(out, source, e);
    }
    k
}

/// Appends the character of the escape sequence at `i` (a backslash) as a
/// replacement of the sequence; returns the offset after it.
fn escape(out: &mut MappedText, source: &str, i: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let simple = match *bytes.get(i + 1)? {
        b'0' => Some('\0'),
        b'a' => Some('\u{7}'),
        b'b' => Some('\u{8}'),
        b't' | b'\t' => Some('\t'),
        b'n' => Some('\n'),
        b'v' => Some('\u{b}'),
        b'f' => Some('\u{c}'),
        b'r' => Some('\r'),
        b'e' => Some('\u{1b}'),
        b' ' => Some(' '),
        b'"' => Some('"'),
        b'/' => Some('/'),
        b'\\' => Some('\\'),
        b'N' => Some('\u{85}'),
        b'_' => Some('\u{a0}'),
        b'L' => Some('\u{2028}'),
        b'P' => Some('\u{2029}'),
        _ => None,
    };
    let (ch, end) = match simple {
        Some(ch) => (ch, i + 2),
        None => {
            let digits = match bytes.get(i + 1)? {
                b'x' => 2,
                b'u' => 4,
                b'U' => 8,
                _ => return None,
            };
            let code = hex(source, i + 2, digits)?;
            let end = i + 2 + digits;
            if (0xD800..0xDC00).contains(&code) {
                // serde-saphyr joins a UTF-16 surrogate pair written as two
                // `\u` escapes into one character.
                if bytes.get(end) != Some(&b'\\') || bytes.get(end + 1) != Some(&b'u') {
                    return None;
                }
                let low = hex(source, end + 2, 4)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                let joined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                (char::from_u32(joined)?, end + 6)
            } else {
                (char::from_u32(code)?, end)
            }
        }
    };
    let mut buf = [0u8; 4];
    out.push_replacement(ch.encode_utf8(&mut buf), span_of(i, end));
    Some(end)
}

fn hex(source: &str, start: usize, digits: usize) -> Option<u32> {
    let text = source.get(start..start + digits)?;
    // from_str_radix would also take a sign.
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

#[derive(Clone, Copy)]
struct Header {
    folded: bool,
    chomp: Chomp,
}

/// The block scalar header whose indicator is at `line[p]`: `|` or `>`, then
/// a chomping and an indentation indicator in either order, then nothing but
/// white space and a comment.
fn header_at(line: &[u8], p: usize) -> Option<Header> {
    let folded = match line.get(p)? {
        b'|' => false,
        b'>' => true,
        _ => return None,
    };
    if p > 0 && !line.get(p - 1).copied().is_some_and(is_white) {
        return None;
    }
    let mut chomp = None;
    let mut indent = false;
    let mut q = p + 1;
    loop {
        match line.get(q) {
            Some(b'-') if chomp.is_none() => chomp = Some(Chomp::Strip),
            Some(b'+') if chomp.is_none() => chomp = Some(Chomp::Keep),
            Some(b'1'..=b'9') if !indent => indent = true,
            _ => break,
        }
        q += 1;
    }
    let r = skip_white(line, q);
    match line.get(r) {
        None => {}
        Some(b'#') if r > q => {}
        _ => return None,
    }
    Some(Header {
        folded,
        chomp: chomp.unwrap_or(Chomp::Clip),
    })
}

/// Start of the line holding offset `i`.
fn line_start(bytes: &[u8], i: usize) -> usize {
    bytes
        .get(..i)
        .and_then(|b| b.iter().rposition(|&c| c == b'\n' || c == b'\r'))
        .map_or(0, |p| p + 1)
}

/// End of the line starting at `start`, before its break; and the break.
fn line_end(bytes: &[u8], start: usize) -> (usize, Option<Span>) {
    let rest = bytes.get(start..).unwrap_or(&[]);
    match rest.iter().position(|&c| c == b'\n' || c == b'\r') {
        Some(p) => {
            let end = start + p;
            let len = break_len(bytes, end).unwrap_or(1);
            (end, Some(span_of(end, end + len)))
        }
        None => (bytes.len(), None),
    }
}

/// A block scalar whose span starts at `start`: tries each reading of the
/// header and keeps the first that gives `value`.
fn block_scalar(source: &str, start: usize, end: usize, value: &str) -> Option<MappedText> {
    let bytes = source.as_bytes();
    let ls = line_start(bytes, start);
    let mut readings: Vec<(usize, usize, Option<usize>)> = Vec::new();

    // The span starts at the first content line, after its indentation;
    // the header is the nearest line above that is not blank.
    if bytes.get(ls..start)?.iter().all(|&b| b == b' ') {
        let has_content = start < end && break_len(bytes, start).is_none();
        let indent = has_content.then_some(start - ls);
        let mut cur = ls;
        while cur > 0 {
            let hs = line_start(bytes, cur - 1);
            let (he, _) = line_end(bytes, hs);
            let line = bytes.get(hs..he)?;
            if line.iter().all(|&b| is_white(b)) {
                cur = hs;
                continue;
            }
            let candidates = line
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'|' || b == b'>')
                .map(|(p, _)| p);
            for p in candidates.take(MAX_HEADER_CANDIDATES) {
                readings.push((hs, hs + p, indent));
            }
            break;
        }
    }
    // With no content line the span may start at the indicator itself.
    if matches!(bytes.get(start), Some(b'|' | b'>')) {
        readings.push((ls, start, None));
    }

    for (hs, at, indent) in readings {
        let (he, brk) = line_end(bytes, hs);
        let Some(header) = header_at(bytes.get(hs..he)?, at - hs) else {
            continue;
        };
        let Some(brk) = brk else {
            continue;
        };
        if let Some(m) = block_body(source, header, brk.end as usize, end, indent)
            .filter(|m| m.as_str() == value)
        {
            return Some(m);
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Only indentation (at most the block's).
    Empty,
    /// Content that starts with a non-blank character.
    Text,
    /// Content that starts with white space (more indented).
    Spaced,
}

#[derive(Clone, Copy)]
struct Line {
    kind: LineKind,
    /// Where the content starts, after the block's indentation.
    content: usize,
    end: usize,
    brk: Option<Span>,
}

/// The lines of a block scalar from `first` (the line after the header) up
/// to the span's `limit`, read with the content indentation `indent` (none
/// known when the block has no content line).
fn block_lines(bytes: &[u8], first: usize, limit: usize, indent: Option<usize>) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut pos = first;
    while pos < limit {
        let (end, brk) = line_end(bytes, pos);
        let spaces = bytes
            .get(pos..end)
            .map_or(0, |l| l.iter().take_while(|&&b| b == b' ').count());
        let blank = pos + spaces == end;
        let line = match indent {
            Some(n) if !blank || spaces > n => {
                // A less indented line ends the block (the span may reach
                // into the next line's indentation).
                if spaces < n || (n == 0 && is_document_marker(bytes, pos)) {
                    break;
                }
                let content = pos + n;
                let kind = if bytes.get(content).copied().is_some_and(is_white) {
                    LineKind::Spaced
                } else {
                    LineKind::Text
                };
                Line {
                    kind,
                    content,
                    end,
                    brk,
                }
            }
            None if !blank => break,
            _ => Line {
                kind: LineKind::Empty,
                content: end,
                end,
                brk,
            },
        };
        lines.push(line);
        match brk {
            Some(b) => pos = b.end as usize,
            None => break,
        }
    }
    lines
}

fn is_document_marker(bytes: &[u8], pos: usize) -> bool {
    let Some(head) = bytes.get(pos..pos + 3) else {
        return false;
    };
    (head == b"---" || head == b"...")
        && bytes
            .get(pos + 3)
            .is_none_or(|&b| is_white(b) || b == b'\n' || b == b'\r')
}

/// A block scalar's value from its lines: literal lines are copied with
/// their breaks; folded lines join with a space standing for the break
/// between two text lines, keep their breaks next to more-indented lines,
/// and an empty line between text lines is a newline in place of the break.
fn block_body(
    source: &str,
    header: Header,
    first: usize,
    limit: usize,
    indent: Option<usize>,
) -> Option<MappedText> {
    let bytes = source.as_bytes();
    let lines = block_lines(bytes, first, limit, indent);
    let mut out = MappedText::new();
    let last = lines.iter().rposition(|l| l.kind != LineKind::Empty);
    let Some(last) = last else {
        // Only empty lines: kept as newlines, or nothing.
        if header.chomp == Chomp::Keep {
            for brk in lines.iter().filter_map(|l| l.brk) {
                newline(&mut out, source, brk);
            }
            // serde-saphyr reads a lone unterminated blank line at the end
            // of the input (`|+\n  `) as one newline.
            if let [only] = lines.as_slice()
                && only.brk.is_none()
            {
                out.push_replacement("\n", span_of(only.content, only.end));
            }
        }
        return Some(out);
    };
    let body = lines.get(..=last)?;
    if header.folded {
        let mut prev: Option<Line> = None;
        let mut empties: Vec<Span> = Vec::new();
        for line in body {
            if line.kind == LineKind::Empty {
                match prev {
                    // Leading empty lines are newlines as they are.
                    None => newline(&mut out, source, line.brk?),
                    Some(_) => empties.push(line.brk?),
                }
                continue;
            }
            if let Some(p) = prev {
                let joined = p.kind == LineKind::Text && line.kind == LineKind::Text;
                if joined && empties.is_empty() {
                    out.push_replacement(" ", p.brk?);
                } else if !joined {
                    newline(&mut out, source, p.brk?);
                }
                for e in empties.drain(..) {
                    newline(&mut out, source, e);
                }
            }
            copy(&mut out, source, line.content, line.end)?;
            prev = Some(*line);
        }
    } else {
        for (i, line) in body.iter().enumerate() {
            copy(&mut out, source, line.content, line.end)?;
            if i < last {
                newline(&mut out, source, line.brk?);
            }
        }
    }
    if header.chomp != Chomp::Strip {
        match lines.get(last).and_then(|l| l.brk) {
            Some(brk) => newline(&mut out, source, brk),
            // The value ends with a newline even when the input does not.
            None => out.push_synthetic("\n"),
        }
    }
    if header.chomp == Chomp::Keep {
        for brk in lines.get(last + 1..)?.iter().filter_map(|l| l.brk) {
            newline(&mut out, source, brk);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{LineCol, LineIndex};
    use crate::yaml::{Node, Value, parse};

    /// The first node that is the value of `key`, depth first.
    fn find<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
        match &node.value {
            Value::Map(entries) => entries.iter().find_map(|(k, v)| {
                if k.as_str() == Some(key) {
                    Some(v)
                } else {
                    find(v, key)
                }
            }),
            Value::Seq(items) => items.iter().find_map(|n| find(n, key)),
            _ => None,
        }
    }

    /// The mapped text of the string under `key`, checked against its value
    /// and required not to fall back.
    fn mapped(text: &str, key: &str) -> MappedText {
        let doc = parse(text, Default::default()).expect("valid YAML");
        mapped_node(text, find(&doc, key).expect("key"))
    }

    fn mapped_node(text: &str, node: &Node) -> MappedText {
        let value = node.as_str().expect("a string");
        let m = scalar_text(text, node.defined, value);
        assert_eq!(m.as_str(), value);
        assert!(
            rebuild(text, node.defined, value).is_some(),
            "fell back for {text:?}"
        );
        m
    }

    /// The source span of the `nth` occurrence of `word` in the mapped text.
    fn word_span(m: &MappedText, word: &str, nth: usize) -> Span {
        let (at, _) = m
            .as_str()
            .match_indices(word)
            .nth(nth)
            .unwrap_or_else(|| panic!("{word:?} #{nth} not in {:?}", m.as_str()));
        m.span(at, at + word.len())
    }

    /// Asserts `word` maps to itself in the source; returns its line/column.
    fn at(text: &str, m: &MappedText, word: &str, nth: usize) -> LineCol {
        let span = word_span(m, word, nth);
        assert_eq!(span.slice(text), word, "{word:?} in {:?}", m.as_str());
        LineIndex::new(text).line_col(text, span.start)
    }

    fn lc(line: u32, column: u32) -> LineCol {
        LineCol { line, column }
    }

    #[test]
    fn literal_block_words_keep_their_lines() {
        let text =
            "run: |\n  apt-get update\n  apt-get install -y curl\n  rm -rf /var/lib/apt\nnext: 1\n";
        let m = mapped(text, "run");
        assert_eq!(
            m.as_str(),
            "apt-get update\napt-get install -y curl\nrm -rf /var/lib/apt\n"
        );
        assert_eq!(at(text, &m, "update", 0), lc(2, 11));
        assert_eq!(at(text, &m, "install", 0), lc(3, 11));
        assert_eq!(at(text, &m, "curl", 0), lc(3, 22));
        assert_eq!(at(text, &m, "/var/lib/apt", 0), lc(4, 10));
        // Newlines are the source's own.
        let nl = m.as_str().find('\n').expect("newline");
        assert_eq!(m.span(nl, nl + 1).slice(text), "\n");
    }

    #[test]
    fn folded_block_words_keep_their_lines() {
        let text = "run: >\n  docker run\n  --privileged\n  alpine\n\n  echo done\nnext: 1\n";
        let m = mapped(text, "run");
        assert_eq!(m.as_str(), "docker run --privileged alpine\necho done\n");
        assert_eq!(at(text, &m, "docker", 0), lc(2, 3));
        assert_eq!(at(text, &m, "--privileged", 0), lc(3, 3));
        assert_eq!(at(text, &m, "alpine", 0), lc(4, 3));
        assert_eq!(at(text, &m, "done", 0), lc(6, 8));
        // The space that joins two lines stands for the line break.
        let space = m.as_str().find(" --").expect("space");
        assert_eq!(m.span(space, space + 1).slice(text), "\n");
        // The empty line is the newline.
        let nl = m.as_str().find('\n').expect("newline");
        assert_eq!(m.span(nl, nl + 1), Span::new(44, 45));
        assert_eq!(LineIndex::new(text).line_col(text, 44), lc(5, 1));
    }

    #[test]
    fn folded_block_keeps_breaks_around_more_indented_lines() {
        let text = "run: >\n  a\n    b\n  c d\n  \te\n  f\n";
        let m = mapped(text, "run");
        assert_eq!(m.as_str(), "a\n  b\nc d\n\te\nf\n");
        assert_eq!(at(text, &m, "b", 0), lc(3, 5));
        assert_eq!(at(text, &m, "d", 0), lc(4, 5));
        assert_eq!(at(text, &m, "e", 0), lc(5, 4));
        assert_eq!(at(text, &m, "f", 0), lc(6, 3));
    }

    #[test]
    fn strip_and_keep_chomping() {
        let text = "a: >-\n  one\n  two\n\nb: |+\n  three\n  four\n\n\nc: |-\n  five\n  six\n";
        let m = mapped(text, "a");
        assert_eq!(m.as_str(), "one two");
        assert_eq!(at(text, &m, "two", 0), lc(3, 3));
        let m = mapped(text, "b");
        assert_eq!(m.as_str(), "three\nfour\n\n\n");
        assert_eq!(at(text, &m, "four", 0), lc(7, 3));
        // The kept empty lines are the source's newlines.
        assert_eq!(m.span(11, 13), Span::new(40, 42));
        let m = mapped(text, "c");
        assert_eq!(m.as_str(), "five\nsix");
        assert_eq!(at(text, &m, "six", 0), lc(12, 3));
    }

    #[test]
    fn explicit_indentation_indicator() {
        let text = "steps:\n  - run: |2\n        indented\n      flush\n    other: |-1\n       x\n";
        let m = mapped(text, "run");
        assert_eq!(m.as_str(), "  indented\nflush\n");
        assert_eq!(at(text, &m, "indented", 0), lc(3, 9));
        assert_eq!(at(text, &m, "flush", 0), lc(4, 7));
        // The indentation beyond the indicator's is content.
        assert_eq!(m.span(0, 2).slice(text), "  ");
        let m = mapped(text, "other");
        assert_eq!(m.as_str(), "  x");
        assert_eq!(at(text, &m, "x", 0), lc(6, 8));
    }

    #[test]
    fn double_quoted_escapes_are_replacements() {
        let text = "run: \"echo \\\"hi\\\" \\\\ x\\ny\\t\\x41\\u00e9 after\"\n";
        let m = mapped(text, "run");
        assert_eq!(m.as_str(), "echo \"hi\" \\ x\ny\tAé after");
        assert_eq!(at(text, &m, "echo", 0), lc(1, 7));
        assert_eq!(at(text, &m, "hi", 0), lc(1, 14));
        assert_eq!(at(text, &m, "after", 0), lc(1, 39));
        assert_eq!(word_span(&m, "\"", 0).slice(text), "\\\"");
        assert_eq!(word_span(&m, "\n", 0).slice(text), "\\n");
        assert_eq!(word_span(&m, "A", 0).slice(text), "\\x41");
        assert_eq!(word_span(&m, "é", 0).slice(text), "\\u00e9");
        assert_eq!(word_span(&m, "\"hi\"", 0).slice(text), "\\\"hi\\\"");
    }

    #[test]
    fn double_quoted_folding_and_escaped_breaks() {
        let text = "run: \"one  \n  two\n\n  three \\\n  four \\\n\n  five \\ud83d\\ude00\"\n";
        let m = mapped(text, "run");
        assert_eq!(m.as_str(), "one two\nthree four \nfive 😀");
        assert_eq!(at(text, &m, "two", 0), lc(2, 3));
        assert_eq!(at(text, &m, "three", 0), lc(4, 3));
        assert_eq!(at(text, &m, "four", 0), lc(5, 3));
        assert_eq!(at(text, &m, "five", 0), lc(7, 3));
        let space = m.as_str().find(" two").expect("space");
        assert_eq!(m.span(space, space + 1).slice(text), "\n");
        assert_eq!(word_span(&m, "😀", 0).slice(text), "\\ud83d\\ude00");
    }

    #[test]
    fn single_quoted_doubled_quote() {
        let text = "run: 'echo ''it''s'' now\n  later'\n";
        let m = mapped(text, "run");
        assert_eq!(m.as_str(), "echo 'it's' now later");
        assert_eq!(at(text, &m, "echo", 0), lc(1, 7));
        assert_eq!(at(text, &m, "it", 0), lc(1, 14));
        assert_eq!(at(text, &m, "now", 0), lc(1, 22));
        assert_eq!(at(text, &m, "later", 0), lc(2, 3));
        assert_eq!(word_span(&m, "'", 0).slice(text), "''");
    }

    #[test]
    fn multi_line_plain_scalar() {
        let text = "script:\n  - make\n    build  \n\n    test # comment\nnext: 1\n";
        let doc = parse(text, Default::default()).expect("yaml");
        let items = find(&doc, "script").and_then(Node::as_seq).expect("seq");
        let m2 = mapped_node(text, items.first().expect("item"));
        assert_eq!(m2.as_str(), "make build\ntest");
        assert_eq!(at(text, &m2, "make", 0), lc(2, 5));
        assert_eq!(at(text, &m2, "build", 0), lc(3, 5));
        assert_eq!(at(text, &m2, "test", 0), lc(5, 5));
        let space = m2.as_str().find(' ').expect("space");
        assert_eq!(m2.span(space, space + 1).slice(text), "\n");
    }

    #[test]
    fn crlf_sources() {
        let text = "a: |\r\n  one\r\n  two three\r\n\r\n  four\r\nb: >\r\n  x\r\n  y\r\n\r\n  z\r\nc: 'p\r\n  q'\r\n";
        let m = mapped(text, "a");
        assert_eq!(m.as_str(), "one\ntwo three\n\nfour\n");
        assert_eq!(at(text, &m, "three", 0), lc(3, 7));
        assert_eq!(at(text, &m, "four", 0), lc(5, 3));
        let nl = m.as_str().find('\n').expect("newline");
        assert_eq!(m.span(nl, nl + 1).slice(text), "\n");
        let m = mapped(text, "b");
        assert_eq!(m.as_str(), "x y\nz\n");
        assert_eq!(at(text, &m, "y", 0), lc(8, 3));
        assert_eq!(at(text, &m, "z", 0), lc(10, 3));
        assert_eq!(m.span(1, 2).slice(text), "\r\n");
        let m = mapped(text, "c");
        assert_eq!(m.as_str(), "p q");
        assert_eq!(at(text, &m, "q", 0), lc(12, 3));
    }

    #[test]
    fn block_under_a_list_item() {
        let text = "- run: |\n    echo one\n    echo two\n- run: x\n";
        let m = mapped(text, "run");
        assert_eq!(m.as_str(), "echo one\necho two\n");
        assert_eq!(at(text, &m, "one", 0), lc(2, 10));
        assert_eq!(at(text, &m, "two", 0), lc(3, 10));
    }

    #[test]
    fn github_actions_step() {
        let text = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - name: x\n        run: |\n          curl -fsSL https://example.com/install.sh | sh\n\n          sudo chmod 777 /srv\n          echo ok\n      - uses: actions/checkout@v4\n";
        let m = mapped(text, "run");
        assert_eq!(
            m.as_str(),
            "curl -fsSL https://example.com/install.sh | sh\n\nsudo chmod 777 /srv\necho ok\n"
        );
        assert_eq!(at(text, &m, "curl", 0), lc(8, 11));
        assert_eq!(at(text, &m, "| sh", 0), lc(8, 53));
        assert_eq!(at(text, &m, "777", 0), lc(10, 22));
        assert_eq!(at(text, &m, "ok", 0), lc(11, 16));
    }

    #[test]
    fn comment_after_the_header() {
        let text = "run: |- # install | > tools\n  apk add curl\n  apk add jq\nx: 1\n";
        let m = mapped(text, "run");
        assert_eq!(m.as_str(), "apk add curl\napk add jq");
        assert_eq!(at(text, &m, "curl", 0), lc(2, 11));
        assert_eq!(at(text, &m, "jq", 0), lc(3, 11));
    }

    #[test]
    fn block_content_that_looks_like_other_styles() {
        let text = "a: |\n  \"quoted\" | > x\nb: >\n  'q' \\n\nc: |\n\n  # not a comment\n";
        let m = mapped(text, "a");
        assert_eq!(m.as_str(), "\"quoted\" | > x\n");
        assert_eq!(at(text, &m, "x", 0), lc(2, 16));
        let m = mapped(text, "b");
        assert_eq!(m.as_str(), "'q' \\n\n");
        assert_eq!(at(text, &m, "\\n", 0), lc(4, 7));
        let m = mapped(text, "c");
        assert_eq!(m.as_str(), "\n# not a comment\n");
        assert_eq!(at(text, &m, "comment", 0), lc(7, 11));
    }

    #[test]
    fn aliased_scalar_maps_to_its_definition() {
        let text = "a: &cmd |\n  make all\nb: *cmd\n";
        let doc = parse(text, Default::default()).expect("yaml");
        let b = doc.get("b").expect("b");
        let m = scalar_text(text, b.defined, b.as_str().expect("str"));
        assert_eq!(m.as_str(), "make all\n");
        assert_eq!(at(text, &m, "all", 0), lc(2, 8));
    }

    #[test]
    fn falls_back_when_the_span_does_not_match() {
        let text = "run: echo hi\n";
        let span = Span::new(5, 12);
        let m = scalar_text(text, span, "something else");
        assert_eq!(m.as_str(), "something else");
        assert_eq!(m.span(0, 9), span);
        assert_eq!(m.full_span(), span);
        // Out of bounds, reversed, and off char boundaries: no panic.
        let text = "k: \"é\\u00e9\"\n";
        for span in [
            Span::new(100, 200),
            Span::new(8, 3),
            Span::new(4, 5),
            Span::new(5, 12),
            Span::new(3, 100),
            Span::new(u32::MAX - 1, u32::MAX),
        ] {
            let m = scalar_text(text, span, "éé");
            assert_eq!(m.as_str(), "éé");
        }
        // An empty value keeps its span.
        let m = scalar_text("k: ''\n", Span::new(3, 5), "");
        assert_eq!(m.as_str(), "");
    }

    /// Every string in `node` with its `defined` span.
    fn strings<'a>(node: &'a Node, out: &mut Vec<(&'a str, Span)>) {
        match &node.value {
            Value::String(s) => out.push((s, node.defined)),
            Value::Seq(items) => items.iter().for_each(|n| strings(n, out)),
            Value::Map(entries) => entries.iter().for_each(|(k, v)| {
                strings(k, out);
                strings(v, out);
            }),
            _ => {}
        }
    }

    const DOCS: &[&str] = &[
        "jobs:\n  build:\n    steps:\n      - name: \"a \\\"b\\\" \\x41\"\n        run: |\n          echo one\n\n          echo two\n      - run: >-\n          a\n          b\n\n          c\n            d\n        shell: bash\n",
        "script:\n  - 'it''s'\n  - plain\n    multi  \n\n    line\n  - |+\n    kept\n\n  - >2\n      x\n     y\n  - \"esc \\\n    aped\"\n",
        "a: |\r\n  one\r\n  two\r\nb: >\r\n  x\r\n  y\r\nc: \"p\r\n  q\"\r\n",
        "k: | # c | >\n  \"q\"\n  'r'\n\nl: é ü\nm: \"é\\u00e9\\U0001F600\"\n",
    ];

    /// Each letter of each string in `text` maps to itself or an escape,
    /// without falling back. Returns how many strings were checked.
    fn check_all(text: &str) -> usize {
        let Ok(root) = parse(text, Default::default()) else {
            return 0;
        };
        let mut found = Vec::new();
        strings(&root, &mut found);
        for &(value, span) in &found {
            let m = scalar_text(text, span, value);
            assert_eq!(m.as_str(), value);
            if value.is_empty() {
                continue;
            }
            assert!(
                rebuild(text, span, value).is_some(),
                "fell back for {value:?} at {span:?} in {text:?}"
            );
            for (i, c) in value.char_indices() {
                if !c.is_alphanumeric() {
                    continue;
                }
                let source = m.span(i, i + c.len_utf8()).slice(text);
                assert!(
                    source == c.to_string().as_str() || source.starts_with('\\'),
                    "{c:?} at {i} of {value:?} maps to {source:?} in {text:?}"
                );
            }
        }
        found.len()
    }

    /// Each prefix of a document that parses gives a mapping (no fallback)
    /// in which every letter maps to itself or to an escape.
    #[test]
    fn every_prefix_maps_without_fallback() {
        for doc in DOCS {
            for (cut, _) in doc.char_indices().chain([(doc.len(), ' ')]) {
                check_all(&doc[..cut]);
            }
        }
    }

    /// Block headers, bodies, nesting and line ends in combination.
    #[test]
    fn block_scalar_combinations() {
        let headers = [
            "|",
            ">",
            "|-",
            ">-",
            "|+",
            ">+",
            "|1",
            ">1",
            "|2-",
            ">-2",
            "|+1",
            "| # c",
            ">+ # c > |",
        ];
        let bodies: &[&[&str]] = &[
            &["a"],
            &["a b", "c"],
            &["a", "", "b"],
            &["", "a", "b", "", ""],
            &["a", "  b", "c", "", "  d", "e"],
            &["a", " ", "b", "   "],
            &["a", "\tb", "c"],
            &["\"q\" 'r'", "# x", "| y >"],
            &[""],
            &[],
        ];
        let contexts = [("k: ", ""), ("- ", ""), ("a:\n  - b: ", "  "), ("? ", "")];
        let mut checked = 0;
        for header in headers {
            for body in bodies {
                for (prefix, parent) in contexts {
                    for eol in ["\n", "\r\n"] {
                        for tail in ["", "z: 1", "# end"] {
                            let mut text = format!("{prefix}{header}{eol}");
                            // Deep enough for the `|2` and `1` indicators
                            // under every parent.
                            let indent = format!("{parent}    ");
                            for line in body.iter() {
                                if !line.is_empty() {
                                    text.push_str(&indent);
                                }
                                text.push_str(line);
                                text.push_str(eol);
                            }
                            if !tail.is_empty() {
                                text.push_str(parent);
                                text.push_str(tail);
                                text.push_str(eol);
                            }
                            checked += check_all(&text);
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "only {checked} strings read");
    }

    #[test]
    fn flow_scalar_combinations() {
        let scalars = [
            "plain words",
            "plain\n  folded\n\n  twice  \n  end",
            "'single ''q'' x'",
            "'single\n\n  folded  \n  y'",
            "\"dq \\\" \\\\ \\t \\x41 \\u00e9 \\U0001F600 \\N end\"",
            "\"dq\n  fold \\\n  esc\n\n  para \\ \tz\"",
            "\"\\ud83d\\ude00 ok\"",
            "[a b, 'c d', \"e\\tf\"]",
            "{k: v w, 'x': \"y\"}",
            "é ü 中文",
            "!!str 123",
            "&anchor value",
        ];
        let mut checked = 0;
        for scalar in scalars {
            for (prefix, indent) in [("k: ", "  "), ("- ", "  "), ("a:\n  b: ", "    ")] {
                for eol in ["\n", "\r\n"] {
                    let body = scalar.replace("\n  ", &format!("\n{indent}"));
                    let text = format!("{prefix}{body}{eol}").replace('\n', eol);
                    let text = text.replace("\r\r\n", "\r\n");
                    checked += check_all(&text);
                }
            }
        }
        assert!(checked > 50, "only {checked} strings read");
    }

    /// Arbitrary spans and values over every prefix: never a panic, and the
    /// text is always the value.
    #[test]
    fn arbitrary_spans_never_panic() {
        for doc in DOCS {
            let len = doc.len() as u32;
            for cut in (0..=doc.len()).step_by(5) {
                let Some(text) = doc.get(..cut) else {
                    continue;
                };
                for start in (0..len + 2).step_by(3) {
                    for end in [start, start + 1, start + 7, len, len + 5] {
                        for value in ["x", "echo one\n", "é"] {
                            let m = scalar_text(text, Span::new(start, end), value);
                            assert_eq!(m.as_str(), value);
                        }
                    }
                }
            }
        }
    }
}
