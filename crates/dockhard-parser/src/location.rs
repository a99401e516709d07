//! Where a value was written, in any input: a file of the run (by index into
//! the file table of the unit being linted) and a byte span in it.
//!
//! Every input produces these (compose files, scripts, CI files, systemd
//! units, Dockerfiles), so they belong to none of them.

use crate::span::Span;

/// Index of a file in the file table of a lint unit (a compose project's
/// files, a GitLab CI file and its includes, or a single file as index 0).
pub type FileId = usize;

/// Where a value was written. `span` is where it is used (for a value that
/// came through an anchor or merge key, the alias); `defined` is where it was
/// written (the anchored node). Both are in `file`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: FileId,
    pub span: Span,
    pub defined: Span,
}

impl Origin {
    pub fn new(file: FileId, span: Span) -> Origin {
        Origin {
            file,
            span,
            defined: span,
        }
    }

    /// Whether the value came through an anchor or a merge key.
    pub fn is_aliased(&self) -> bool {
        self.span != self.defined
    }
}
