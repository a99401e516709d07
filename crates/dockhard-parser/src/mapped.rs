//! Text assembled from pieces of a source (a Dockerfile instruction joined
//! across line continuations), with a map back to the source's byte offsets.

use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    /// Offset of the piece in the assembled text.
    text: u32,
    /// Offset of the piece in the source.
    source: u32,
    len: u32,
}

/// A string built from slices of a source, remembering where each byte came from.
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
        if let Some(last) = self.segments.last_mut()
            && last.text + last.len == text
            && last.source + last.len == source_start
        {
            last.len += piece.len() as u32;
        } else {
            self.segments.push(Segment {
                text,
                source: source_start,
                len: piece.len() as u32,
            });
        }
        self.text.push_str(piece);
    }

    /// Appends text that was not in the source (a separator); it maps to the
    /// source position where the previous piece ended.
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

    /// Source offset of the byte at `offset` in the assembled text (for a start).
    pub fn source_offset(&self, offset: usize) -> u32 {
        let offset = offset as u32;
        let idx = self.segments.partition_point(|s| s.text <= offset);
        if idx == 0 {
            return self.segments.first().map_or(0, |s| s.source);
        }
        let seg = self.segments[idx - 1];
        if offset < seg.text + seg.len {
            seg.source + (offset - seg.text)
        } else if let Some(next) = self.segments.get(idx) {
            // Synthetic text between pieces: point at the next piece.
            next.source
        } else {
            seg.source + seg.len
        }
    }

    /// Source offset just after the byte before `offset` (for an exclusive end).
    pub fn source_end(&self, offset: usize) -> u32 {
        if offset == 0 {
            return self.source_offset(0);
        }
        let last = offset as u32 - 1;
        let idx = self.segments.partition_point(|s| s.text <= last);
        if idx == 0 {
            return self.segments.first().map_or(0, |s| s.source);
        }
        let seg = self.segments[idx - 1];
        if last < seg.text + seg.len {
            seg.source + (last - seg.text) + 1
        } else {
            seg.source + seg.len
        }
    }

    /// Offset in the assembled text of a source offset, if that source byte
    /// was copied into it.
    pub fn text_offset(&self, source: u32) -> Option<usize> {
        self.segments
            .iter()
            .find(|s| s.source <= source && source < s.source + s.len)
            .map(|s| (s.text + (source - s.source)) as usize)
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

    /// A sub-range of this text as its own mapped text (offsets rebased).
    pub fn slice(&self, start: usize, end: usize) -> MappedText {
        let mut out = MappedText::new();
        let (start, end) = (start as u32, end as u32);
        let mut synthetic_from = start;
        for seg in &self.segments {
            let seg_end = seg.text + seg.len;
            if seg_end <= start || seg.text >= end {
                continue;
            }
            let s = seg.text.max(start);
            let e = seg_end.min(end);
            if s > synthetic_from {
                out.push_synthetic(&self.text[synthetic_from as usize..s as usize]);
            }
            out.push(
                &self.text[s as usize..e as usize],
                seg.source + (s - seg.text),
            );
            synthetic_from = e;
        }
        if end > synthetic_from && (end as usize) <= self.text.len() {
            out.push_synthetic(&self.text[synthetic_from as usize..end as usize]);
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
    fn adjacent_pieces_merge() {
        let mut m = MappedText::new();
        m.push("ab", 10);
        m.push("cd", 12);
        assert_eq!(m.segments.len(), 1);
        assert_eq!(m.span(1, 3), Span::new(11, 13));
    }
}
