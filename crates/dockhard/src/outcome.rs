//! What a run found: the result the renderers take.

use std::collections::BTreeSet;
use std::path::PathBuf;

use dockhard_rules::{DaemonOf, Diagnostic};

/// What a run found.
#[derive(Default)]
pub struct Outcome {
    /// Sorted by path, position and code; no repeats.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file that was linted (display paths).
    pub files: BTreeSet<PathBuf>,
    /// The daemon settings the files write (`daemon.json`, `dockerd`
    /// command lines), judged together at the end of the run.
    pub daemons: Vec<DaemonOf>,
}

impl Outcome {
    pub fn merge(&mut self, other: Outcome) {
        self.diagnostics.extend(other.diagnostics);
        self.files.extend(other.files);
        self.daemons.extend(other.daemons);
    }
}
