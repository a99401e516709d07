//! The inputs dockhard reads, as a table: each kind has its detection (by
//! name, and for some by the first bytes) and its extraction (from the
//! file's bytes to what the shared models take: shell text for command-line
//! inputs). Adding a kind adds a module here and a row in the table.

use crate::location::Origin;
use crate::mapped::MappedText;
use crate::span::Span;

/// A piece of shell text found in an input, mapped back to its file: a
/// script, a Makefile recipe line, a CI step, a systemd `ExecStart=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellBlock {
    /// The file of the unit's file table it was found in.
    pub file: crate::location::FileId,
    pub text: MappedText,
    /// Commands in it are judged only on values written there (GitHub
    /// Actions container options, a `docker run` inside a Dockerfile RUN),
    /// never on missing measures.
    pub values_only: bool,
}

impl ShellBlock {
    pub fn new(file: crate::location::FileId, text: MappedText) -> ShellBlock {
        ShellBlock {
            file,
            text,
            values_only: false,
        }
    }
}

/// What extraction found in a command-line input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub blocks: Vec<ShellBlock>,
    /// Comments of the input's own syntax (a Makefile's `#` lines, a unit's
    /// `#` and `;` lines, YAML comments), for suppressions. Comments inside
    /// shell text are found by the shell parser.
    pub comments: Vec<Origin>,
    /// Problems that kept part of the input from being read.
    pub errors: Vec<(Origin, String)>,
}

impl Extracted {
    pub fn comment(&mut self, file: crate::location::FileId, span: Span) {
        self.comments.push(Origin::new(file, span));
    }
}
