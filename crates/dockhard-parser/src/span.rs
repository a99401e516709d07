//! Byte spans into a source text, and the line index that turns them into
//! line and column numbers when (and only when) a diagnostic is rendered.

use std::ops::Range;

/// A half-open byte range `[start, end)` into one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// Builds a span from `usize` offsets. Sources over 4 GiB are refused before
    /// parsing (see `MAX_SOURCE_LEN`), so the conversion never truncates there.
    pub fn from_range(range: Range<usize>) -> Self {
        Span {
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    pub fn empty_at(offset: u32) -> Self {
        Span::new(offset, offset)
    }

    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The text this span covers, or `""` if it is out of bounds.
    pub fn slice(self, source: &str) -> &str {
        source.get(self.range()).unwrap_or("")
    }
}

/// Sources larger than this are refused (reported as unreadable), which keeps
/// every offset within `u32`.
pub const MAX_SOURCE_LEN: usize = u32::MAX as usize;

/// A value taken from a source file together with where it was written.
///
/// `value` is the value as the tool that reads the file would see it (quotes
/// removed where the format removes them); `span` covers what was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

impl Text {
    pub fn new(value: impl Into<String>, span: Span) -> Self {
        Text {
            value: value.into(),
            span,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// One-based line and column; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Line starts of a source text, for turning byte offsets into line/column.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as editors (VS Code), the
/// language server protocol and miette's rendering count them, so that every
/// output format gives the line the user sees. (BuildKit and the shell end a
/// line only at `\n`; that is the parsers' business, not the numbering's.)
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// `chars[k]`: the characters in the first `k * CHUNK` bytes, so that a
    /// column is counted over at most `CHUNK` bytes however long its line
    /// (a minified file's one line with thousands of findings on it).
    chars: Vec<u32>,
    /// Length of a leading UTF-8 byte-order mark, which editors do not show
    /// and so is not a column.
    bom: u32,
}

/// Bytes between two entries of [`LineIndex::chars`].
const CHUNK: usize = 1024;

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut line_starts = vec![0];
        let bytes = source.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = match b {
                b'\n' => true,
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                line_starts.push(i as u32 + 1);
            }
        }
        let mut chars = Vec::with_capacity(source.len() / CHUNK + 1);
        let mut count = 0u32;
        for chunk in source.as_bytes().chunks(CHUNK) {
            chars.push(count);
            count += chunk.iter().filter(|b| starts_char(**b)).count() as u32;
        }
        let bom = if source.starts_with('\u{FEFF}') {
            '\u{FEFF}'.len_utf8() as u32
        } else {
            0
        };
        LineIndex {
            line_starts,
            chars,
            bom,
        }
    }

    /// The characters of `source` before byte `offset` (which must be on a
    /// character boundary).
    fn chars_before(&self, source: &str, offset: usize) -> usize {
        let k = offset / CHUNK;
        let base = self.chars.get(k).copied().unwrap_or(0) as usize;
        let from = (k * CHUNK).min(offset);
        base + source.as_bytes()[from..offset]
            .iter()
            .filter(|b| starts_char(**b))
            .count()
    }

    /// Zero-based line number of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or(0)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// One-based line and character column of `offset` in `source`.
    pub fn line_col(&self, source: &str, offset: u32) -> LineCol {
        let offset = offset.min(source.len() as u32);
        let line = self.line_of(offset);
        let mut start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        if line == 0 {
            start = start.max((self.bom as usize).min(offset as usize));
        }
        let mut end = offset as usize;
        while end > start && !source.is_char_boundary(end) {
            end -= 1;
        }
        let column = if start <= end && end <= source.len() {
            (self.chars_before(source, end) - self.chars_before(source, start)) as u32 + 1
        } else {
            1
        };
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = "ab\nçé x\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_col(src, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(src, 3), LineCol { line: 2, column: 1 });
        // 'x' is after two two-byte characters and a space.
        let x = src.find('x').unwrap() as u32;
        assert_eq!(idx.line_col(src, x), LineCol { line: 2, column: 4 });
        assert_eq!(
            idx.line_col(src, src.len() as u32),
            LineCol { line: 3, column: 1 }
        );
    }

    #[test]
    fn columns_on_long_lines_count_characters_across_chunks() {
        // Multi-byte characters straddling the index's chunk boundaries.
        let line: String = (0..3_000)
            .map(|i| match i % 5 {
                0 => 'é',
                1 => '€',
                2 => '𝄞',
                _ => 'x',
            })
            .collect();
        let src = format!("a\n{line}\n{line}");
        let idx = LineIndex::new(&src);
        for (offset, _) in src.char_indices().step_by(7) {
            let line = idx.line_of(offset as u32);
            let start = idx.line_start(line) as usize;
            let expected = src[start..offset].chars().count() as u32 + 1;
            assert_eq!(
                idx.line_col(&src, offset as u32).column,
                expected,
                "{offset}"
            );
        }
        // Inside a character: the column of the character.
        let inside = src.find('€').map_or(0, |i| i + 1) as u32;
        assert_eq!(idx.line_col(&src, inside), idx.line_col(&src, inside - 1));
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let src = "a\r\nb\rc\nd";
        let idx = LineIndex::new(src);
        for (needle, line) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
            let at = src.find(needle).unwrap() as u32;
            assert_eq!(idx.line_col(src, at), LineCol { line, column: 1 });
        }
        // The `\n` of a `\r\n` belongs to the line it ends.
        assert_eq!(idx.line_col(src, 2), LineCol { line: 1, column: 3 });
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let src = "\u{FEFF}FROM a\nUSER root\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_col(src, 3), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(src, 8), LineCol { line: 1, column: 6 });
        assert_eq!(idx.line_col(src, 0), LineCol { line: 1, column: 1 });
        let user = src.find("root").unwrap() as u32;
        assert_eq!(idx.line_col(src, user), LineCol { line: 2, column: 6 });
    }

    #[test]
    fn span_cover_and_slice() {
        let a = Span::new(2, 4);
        let b = Span::new(6, 9);
        assert_eq!(a.cover(b), Span::new(2, 9));
        assert_eq!(Span::new(0, 5).slice("hello world"), "hello");
        assert_eq!(Span::new(50, 60).slice("short"), "");
    }
}
