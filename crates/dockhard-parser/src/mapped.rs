//! Text assembled from pieces of a source (a Dockerfile instruction joined
//! across line continuations), with a map back to the source's byte offsets.

use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    /// Offset of the piece in the assembled text.
    text: u32,
    text_len: u32,
    /// Where the piece was found in the source.
    source: u32,
    source_len: u32,
    /// The piece is a copy of the source (each byte maps to one byte); else
    /// it stands for the source range as a whole (a substituted variable,
    /// an escape sequence, a placeholder).
    copy: bool,
    /// The piece stands for a value that cannot be known (`${{ expr }}`, a
    /// make variable defined elsewhere, a systemd specifier).
    unknown: bool,
    /// For a replacement: where the value was defined (a make variable's
    /// assignment), if elsewhere; empty otherwise.
    defined: Span,
}

impl Segment {
    fn text_end(&self) -> u32 {
        self.text + self.text_len
    }

    fn source_end(&self) -> u32 {
        self.source + self.source_len
    }
}

/// A string built from pieces of a source, remembering where each byte came
/// from: the shell text of a Makefile recipe, a YAML block scalar, a
/// Dockerfile RUN joined across continuations. Pieces are copies of the
/// source, replacements of a source range (`$(IMAGE)` by its value, `$$` by
/// `$`), placeholders for unknown values, or synthetic separators.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappedText {
    text: String,
    segments: Vec<Segment>,
}

impl MappedText {
    pub fn new() -> Self {
        MappedText::default()
    }

    /// A mapped text that is one contiguous slice of the source.
    pub fn contiguous(text: &str, source_start: u32) -> Self {
        let mut m = MappedText::new();
        m.push(text, source_start);
        m
    }

    /// Appends `piece`, which was found at `source_start` in the source.
    pub fn push(&mut self, piece: &str, source_start: u32) {
        if piece.is_empty() {
            return;
        }
        let text = self.text.len() as u32;
        let len = piece.len() as u32;
        if let Some(last) = self.segments.last_mut()
            && last.copy
            && last.text_end() == text
            && last.source_end() == source_start
        {
            last.text_len += len;
            last.source_len += len;
        } else {
            self.segments.push(Segment {
                text,
                text_len: len,
                source: source_start,
                source_len: len,
                copy: true,
                unknown: false,
                defined: Span::default(),
            });
        }
        self.text.push_str(piece);
    }

    /// Appends `piece`, which stands for the source range `source` as a whole
    /// (a variable's value, an unescaped character).
    pub fn push_replacement(&mut self, piece: &str, source: Span) {
        self.push_standing(piece, source, false);
    }

    /// Appends a placeholder for a value that cannot be known, written at
    /// `source`; [`has_unknown`](Self::has_unknown) finds it.
    pub fn push_unknown(&mut self, placeholder: &str, source: Span) {
        self.push_standing(placeholder, source, true);
    }

    /// Appends `piece`, which stands for the source range `source` (a use of
    /// a variable) and was defined at `defined` (its assignment).
    pub fn push_defined(&mut self, piece: &str, source: Span, defined: Span) {
        self.push_standing(piece, source, false);
        if let Some(last) = self.segments.last_mut() {
            last.defined = defined;
        }
    }

    fn push_standing(&mut self, piece: &str, source: Span, unknown: bool) {
        let text = self.text.len() as u32;
        self.segments.push(Segment {
            text,
            text_len: piece.len() as u32,
            source: source.start,
            source_len: source.len(),
            copy: false,
            unknown,
            defined: Span::default(),
        });
        self.text.push_str(piece);
    }

    /// Where the values standing for source ranges were defined: (the use,
    /// the definition) for each replacement that has one.
    pub fn definitions(&self) -> Vec<(Span, Span)> {
        let mut out: Vec<(Span, Span)> = self
            .segments
            .iter()
            .filter(|s| !s.copy && !s.defined.is_empty())
            .map(|s| (Span::new(s.source, s.source_end()), s.defined))
            .collect();
        out.dedup();
        out
    }

    /// Appends text that was not in the source (a separator); it maps to the
    /// source position of the next piece.
    pub fn push_synthetic(&mut self, piece: &str) {
        self.text.push_str(piece);
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The segment holding the byte at `offset`, or the index where it would be.
    fn find(&self, offset: u32) -> Result<usize, usize> {
        let idx = self.segments.partition_point(|s| s.text <= offset);
        match idx.checked_sub(1) {
            Some(i) if offset < self.segments[i].text_end() => Ok(i),
            _ => Err(idx),
        }
    }

    /// Source offset of the byte at `offset` in the assembled text (for a start).
    pub fn source_offset(&self, offset: usize) -> u32 {
        let offset = offset as u32;
        match self.find(offset) {
            Ok(i) => {
                let seg = self.segments[i];
                if seg.copy {
                    seg.source + (offset - seg.text)
                } else {
                    seg.source
                }
            }
            Err(idx) => {
                // Synthetic text: point at the next piece, else the end of the last.
                if let Some(next) = self.segments.get(idx) {
                    next.source
                } else if let Some(prev) = idx.checked_sub(1).and_then(|i| self.segments.get(i)) {
                    prev.source_end()
                } else {
                    0
                }
            }
        }
    }

    /// Source offset just after the byte before `offset` (for an exclusive end).
    pub fn source_end(&self, offset: usize) -> u32 {
        if offset == 0 {
            return self.source_offset(0);
        }
        let last = offset as u32 - 1;
        match self.find(last) {
            Ok(i) => {
                let seg = self.segments[i];
                if seg.copy {
                    seg.source + (last - seg.text) + 1
                } else {
                    seg.source_end()
                }
            }
            Err(idx) => match idx.checked_sub(1).and_then(|i| self.segments.get(i)) {
                Some(prev) => prev.source_end(),
                None => self.segments.first().map_or(0, |s| s.source),
            },
        }
    }

    /// Offset in the assembled text of a source offset, if that source byte
    /// was copied into it (or stands in a replaced range).
    pub fn text_offset(&self, source: u32) -> Option<usize> {
        let contains = |s: &&Segment| s.source <= source && source < s.source_end();
        // Pieces usually come in source order (a logical line, a recipe):
        // a binary search finds the piece; otherwise, every piece is tried.
        let at = self.segments.partition_point(|s| s.source_end() <= source);
        self.segments
            .get(at)
            .filter(contains)
            .or_else(|| self.segments.iter().find(contains))
            .map(|s| {
                if s.copy {
                    (s.text + (source - s.source)) as usize
                } else {
                    s.text as usize
                }
            })
    }

    /// Whether the assembled range `start..end` holds (part of) a placeholder
    /// for an unknown value.
    pub fn has_unknown(&self, start: usize, end: usize) -> bool {
        let (start, end) = (start as u32, end as u32);
        // Segments are in text order and do not overlap.
        let first = self.segments.partition_point(|s| s.text_end() <= start);
        self.segments[first..]
            .iter()
            .take_while(|s| s.text < end)
            .any(|s| s.unknown && start < s.text_end())
    }

    /// Whether any placeholder for an unknown value is in the text.
    pub fn any_unknown(&self) -> bool {
        self.segments.iter().any(|s| s.unknown)
    }

    /// The source span of the assembled range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let s = self.source_offset(start);
        let e = if end <= start {
            s
        } else {
            self.source_end(end)
        };
        Span::new(s, e.max(s))
    }

    /// The source span of the whole assembled text.
    pub fn full_span(&self) -> Span {
        self.span(0, self.text.len())
    }

    /// Appends `other[start..end]` with its map, without building the slice.
    pub fn push_range(&mut self, other: &MappedText, start: usize, end: usize) {
        if let Ok(i) = other.find(start as u32) {
            let seg = other.segments[i];
            if seg.copy
                && end as u32 <= seg.text_end()
                && let Some(piece) = other.text.get(start..end)
            {
                self.push(piece, seg.source + (start as u32 - seg.text));
                return;
            }
        }
        self.extend(&other.slice(start, end));
    }

    /// Appends another mapped text of the same source, keeping its map.
    pub fn extend(&mut self, other: &MappedText) {
        let mut at = 0u32;
        for seg in &other.segments {
            if seg.text > at
                && let Some(t) = other.text.get(at as usize..seg.text as usize)
            {
                self.push_synthetic(t);
            }
            let Some(piece) = other.text.get(seg.text as usize..seg.text_end() as usize) else {
                continue;
            };
            if seg.copy {
                self.push(piece, seg.source);
            } else {
                self.push_standing(piece, Span::new(seg.source, seg.source_end()), seg.unknown);
                if let Some(last) = self.segments.last_mut() {
                    last.defined = seg.defined;
                }
            }
            at = seg.text_end();
        }
        if let Some(t) = other.text.get(at as usize..) {
            self.push_synthetic(t);
        }
    }

    /// This text with the ranges `ranges` (sorted, not overlapping) replaced
    /// by placeholders for unknown values that stand for what was there.
    pub fn with_unknown(&self, ranges: &[(usize, usize)], placeholder: &str) -> MappedText {
        let mut out = MappedText::new();
        let mut at = 0;
        for &(start, end) in ranges {
            if start < at || end < start {
                continue;
            }
            out.extend(&self.slice(at, start));
            out.push_unknown(placeholder, self.span(start, end));
            at = end;
        }
        out.extend(&self.slice(at, self.text.len()));
        out
    }

    /// A sub-range of this text as its own mapped text (offsets rebased).
    pub fn slice(&self, start: usize, end: usize) -> MappedText {
        let mut out = MappedText::new();
        let end = end.min(self.text.len());
        if start >= end {
            return out;
        }
        // Within one copied piece (the common case): one copy.
        if let Ok(i) = self.find(start as u32) {
            let seg = self.segments[i];
            if seg.copy
                && end as u32 <= seg.text_end()
                && let Some(piece) = self.text.get(start..end)
            {
                out.push(piece, seg.source + (start as u32 - seg.text));
                return out;
            }
        }
        let (start, end) = (start as u32, end as u32);
        let mut synthetic_from = start;
        for seg in &self.segments {
            let seg_end = seg.text_end();
            if seg_end <= start || seg.text >= end {
                continue;
            }
            let s = seg.text.max(start);
            let e = seg_end.min(end);
            if s > synthetic_from
                && let Some(t) = self.text.get(synthetic_from as usize..s as usize)
            {
                out.push_synthetic(t);
            }
            let Some(piece) = self.text.get(s as usize..e as usize) else {
                continue;
            };
            if seg.copy {
                out.push(piece, seg.source + (s - seg.text));
            } else {
                out.push_standing(piece, Span::new(seg.source, seg.source_end()), seg.unknown);
            }
            synthetic_from = e;
        }
        if end > synthetic_from
            && let Some(t) = self.text.get(synthetic_from as usize..end as usize)
        {
            out.push_synthetic(t);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_pieces_back_to_source() {
        // source: "RUN a \\\n  b\n" -> logical "RUN a   b"
        let mut m = MappedText::new();
        m.push("RUN a ", 0);
        m.push("  b", 8);
        assert_eq!(m.as_str(), "RUN a   b");
        assert_eq!(m.source_offset(4), 4);
        assert_eq!(m.source_offset(8), 10);
        assert_eq!(m.span(4, 9), Span::new(4, 11));
        assert_eq!(m.span(8, 9), Span::new(10, 11));
        let sub = m.slice(4, 9);
        assert_eq!(sub.as_str(), "a   b");
        assert_eq!(sub.span(4, 5), Span::new(10, 11));
    }

    #[test]
    fn replacements_stand_for_their_source_range() {
        // source: "$(DOCKER) run $$HOME ${{ x }}"
        let mut m = MappedText::new();
        m.push_replacement("docker", Span::new(0, 9));
        m.push(" run ", 9);
        m.push_replacement("$", Span::new(14, 16));
        m.push("HOME ", 16);
        m.push_unknown("_", Span::new(21, 29));
        assert_eq!(m.as_str(), "docker run $HOME _");
        assert_eq!(m.span(0, 6), Span::new(0, 9));
        assert_eq!(m.span(2, 4), Span::new(0, 9));
        assert_eq!(m.span(11, 16), Span::new(14, 20));
        assert_eq!(m.span(17, 18), Span::new(21, 29));
        assert!(m.has_unknown(16, 18));
        assert!(!m.has_unknown(0, 16));
        assert_eq!(m.text_offset(15), Some(11));
        let sub = m.slice(7, 18);
        assert_eq!(sub.as_str(), "run $HOME _");
        assert_eq!(sub.span(4, 9), Span::new(14, 20));
        assert!(sub.has_unknown(10, 11));
        let mut joined = MappedText::new();
        joined.push_synthetic("x ");
        joined.extend(&sub);
        assert_eq!(joined.as_str(), "x run $HOME _");
        assert_eq!(joined.span(6, 11), Span::new(14, 20));
        let marked = MappedText::contiguous("a ${{ b }} c", 10).with_unknown(&[(2, 10)], "_");
        assert_eq!(marked.as_str(), "a _ c");
        assert_eq!(marked.span(2, 3), Span::new(12, 20));
        assert!(marked.has_unknown(2, 3));
        assert_eq!(marked.span(4, 5), Span::new(21, 22));
    }

    #[test]
    fn adjacent_pieces_merge() {
        let mut m = MappedText::new();
        m.push("ab", 10);
        m.push("cd", 12);
        assert_eq!(m.segments.len(), 1);
        assert_eq!(m.span(1, 3), Span::new(11, 13));
    }
}
