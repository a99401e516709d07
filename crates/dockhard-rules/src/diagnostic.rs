//! What a rule reports: a finding with a primary span, labels, help and an
//! optional fix.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use dockhard_parser::{LineCol, LineIndex, Span};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One input file: its display path, text and line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user (relative to the working directory when
    /// the file is under it).
    pub path: PathBuf,
    pub text: String,
    pub index: LineIndex,
    /// The text as the human report shows it, when it differs: a carriage
    /// return alone becomes `\n` (same length, so spans hold), because
    /// miette's renderer ends lines only at `\n` while its line count
    /// (and [`LineIndex`]) also ends them at a lone `\r`.
    pub(crate) shown: Option<String>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Arc<SourceFile> {
        let index = LineIndex::new(&text);
        let bytes = text.as_bytes();
        let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        let shown = (0..bytes.len()).any(lone_cr).then(|| {
            let out: Vec<u8> = bytes
                .iter()
                .enumerate()
                .map(|(i, &b)| if lone_cr(i) { b'\n' } else { b })
                .collect();
            // Only ASCII `\r` became ASCII `\n`: still UTF-8.
            String::from_utf8(out).unwrap_or_else(|_| text.clone())
        });
        Arc::new(SourceFile {
            path: path.into(),
            text,
            index,
            shown,
        })
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        self.index.line_col(&self.text, offset)
    }

    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }
}

/// A span with a message; `file` is `None` when it is in the diagnostic's own file.
#[derive(Clone, Debug)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub file: Option<Arc<SourceFile>>,
}

/// Whether a fix may be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps the meaning of the file; applied by `--fix`.
    Safe,
    /// May change behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace `span` with `content`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn deletion(span: Span) -> Edit {
        Edit {
            span,
            content: String::new(),
        }
    }

    pub fn replacement(span: Span, content: impl Into<String>) -> Edit {
        Edit {
            span,
            content: content.into(),
        }
    }

    pub fn insertion(at: u32, content: impl Into<String>) -> Edit {
        Edit {
            span: Span::empty_at(at),
            content: content.into(),
        }
    }
}

/// A set of edits that together fix one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// A finding of one rule, in one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The file the primary span is in.
    pub file: Arc<SourceFile>,
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// The primary label's text (what the span is).
    pub label: Option<String>,
    /// Further places, in this file or another.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// A daemon setting reported missing: another file of the run that sets
    /// it (a `daemon.json` beside a `dockerd` command line) satisfies it.
    pub daemon_missing: bool,
}

impl Diagnostic {
    /// A finding of `rule` at `span`, with nothing else attached (no label,
    /// help or fix): the fields callers set are added with `..`.
    pub fn new(
        rule: &crate::rule::RuleMeta,
        file: &Arc<SourceFile>,
        span: Span,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            file: file.clone(),
            code: rule.code,
            name: rule.name,
            severity,
            message,
            span,
            label: None,
            labels: Vec::new(),
            help: None,
            fix: None,
            daemon_missing: false,
        }
    }

    /// The key diagnostics are sorted and de-duplicated by: path, position,
    /// code, message.
    pub fn sort_key(&self) -> (&std::path::Path, u32, u32, &'static str, &str) {
        (
            &self.file.path,
            self.span.start,
            self.span.end,
            self.code,
            &self.message,
        )
    }
}

/// Sorts diagnostics by path, position and code, and drops exact repeats
/// (one file can be reached through several projects).
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// Applies edits to a text; overlapping edits after the first are skipped.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for edit in sorted {
        let (s, e) = (edit.span.start as usize, edit.span.end as usize);
        if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&edit.content);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}
