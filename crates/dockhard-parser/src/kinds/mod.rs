//! The inputs dockhard reads, as a table: each kind has its detection (by
//! name, and for some by the first bytes) and its extraction (from the
//! file's bytes to what the shared models take: shell text for command-line
//! inputs). Adding a kind adds a module here and a row in the table.

pub mod compose;
pub mod daemon_json;
pub mod dockerfile;
pub mod github_actions;
pub mod gitlab_ci;
pub mod makefile;
pub mod script;
pub mod systemd;

use std::path::{Path, PathBuf};

use crate::loader::Loader;
use crate::location::Origin;
use crate::mapped::MappedText;
use crate::span::Span;

/// What kind of input a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Dockerfile,
    Compose,
    DaemonJson,
    GithubActions,
    GitlabCi,
    Systemd,
    Makefile,
    Script,
}

/// One row of the table: a kind, its name (for `--kind` and output), and
/// how a path is recognised as one.
pub struct KindRow {
    pub kind: FileKind,
    pub name: &'static str,
    pub detect: fn(&Path) -> bool,
}

/// The inputs, in the order names are tried: the first row that claims a
/// path wins (a workflow's `docker-compose.yml` step file is a workflow).
pub const TABLE: &[KindRow] = &[
    KindRow {
        kind: FileKind::Dockerfile,
        name: "dockerfile",
        detect: dockerfile::detect,
    },
    KindRow {
        kind: FileKind::DaemonJson,
        name: "daemon-json",
        detect: daemon_json::detect,
    },
    KindRow {
        kind: FileKind::GithubActions,
        name: "github-actions",
        detect: github_actions::detect,
    },
    KindRow {
        kind: FileKind::Compose,
        name: "compose",
        detect: compose::detect,
    },
    KindRow {
        kind: FileKind::GitlabCi,
        name: "gitlab-ci",
        detect: gitlab_ci::detect,
    },
    KindRow {
        kind: FileKind::Systemd,
        name: "systemd",
        detect: systemd::detect,
    },
    KindRow {
        kind: FileKind::Makefile,
        name: "makefile",
        detect: makefile::detect,
    },
    KindRow {
        kind: FileKind::Script,
        name: "script",
        detect: script::detect,
    },
];

pub(crate) fn file_name(path: &Path) -> Option<&str> {
    path.file_name()?.to_str()
}

impl FileKind {
    /// Recognises a file by its name (and path: `.github/workflows/`).
    pub fn detect(path: &Path) -> Option<FileKind> {
        TABLE
            .iter()
            .find(|row| (row.detect)(path))
            .map(|row| row.kind)
    }

    /// Recognises a file by its first bytes: a shell script's shebang. Only
    /// for files whose name says nothing (no extension).
    pub fn detect_content(first_bytes: &[u8]) -> Option<FileKind> {
        script::is_shell_shebang(first_bytes).then_some(FileKind::Script)
    }

    pub fn as_str(self) -> &'static str {
        TABLE
            .iter()
            .find(|row| row.kind == self)
            .map_or("unknown", |row| row.name)
    }

    pub fn from_name(name: &str) -> Option<FileKind> {
        TABLE
            .iter()
            .find(|row| row.name == name)
            .map(|row| row.kind)
    }

    /// Inputs whose container settings are written as command lines.
    pub fn is_command_line(self) -> bool {
        !matches!(
            self,
            FileKind::Dockerfile | FileKind::Compose | FileKind::DaemonJson
        )
    }

    /// Inputs written in YAML (their comments scope over YAML nodes).
    pub fn is_yaml(self) -> bool {
        matches!(
            self,
            FileKind::Compose | FileKind::GithubActions | FileKind::GitlabCi
        )
    }
}

/// A file of a command-line unit (the linted file, and for GitLab CI the
/// files it includes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    pub text: String,
}

/// A command-line input after extraction: its files (the first is the
/// linted file) and what they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandInput {
    pub kind: FileKind,
    pub files: Vec<InputFile>,
    pub extracted: Extracted,
}

/// Extracts the shell text of a command-line input. `loader` reads the
/// files a GitLab CI file includes.
pub fn load_command_input(
    kind: FileKind,
    path: &Path,
    text: String,
    loader: &dyn Loader,
) -> CommandInput {
    let extracted = match kind {
        FileKind::Script => script::extract(&text),
        FileKind::Makefile => makefile::extract(&text),
        FileKind::Systemd => systemd::extract(&text),
        FileKind::GithubActions => github_actions::extract(&text),
        FileKind::GitlabCi => return gitlab_ci::load(path, text, loader),
        FileKind::Dockerfile | FileKind::Compose | FileKind::DaemonJson => Extracted::default(),
    };
    CommandInput {
        kind,
        files: vec![InputFile {
            path: path.to_path_buf(),
            text,
        }],
        extracted,
    }
}

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
