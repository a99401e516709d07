//! Dockerfiles, parsed the way BuildKit parses them, into an IR with spans.
//!
//! The parse has the same two levels as BuildKit's: the line parser
//! (`lexer`, `words`: logical lines, flags, the per-instruction argument
//! forms, heredocs) and the instruction parser (`build`: typed instructions and
//! the checks BuildKit makes before it builds). An error at either level is a
//! [`SyntaxError`] with a span; parsing goes on with the next instruction.

mod build;
mod dump;
pub mod expand;
mod lexer;
mod stages;
pub mod words;

use crate::mapped::MappedText;
use crate::shell::Script;
use crate::span::{Span, Text};

pub use dump::dump_buildkit;
pub use expand::{Env, Lookup};
pub use stages::{Base, Stage, is_automatic_arg};

/// A parsed Dockerfile.
#[derive(Clone, Debug, Default)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`) in order.
    pub directives: Vec<Directive>,
    /// The active escape character (`\` or `` ` ``).
    pub escape: char,
    /// Every comment line outside heredoc bodies, parser directives excluded.
    pub comments: Vec<Comment>,
    /// Every instruction in source order (ONBUILD triggers are nested).
    pub instructions: Vec<Instruction>,
    /// Build stages, in order; `stages.last()` is the final stage.
    pub stages: Vec<Stage>,
    /// Errors BuildKit would reject the file for.
    pub errors: Vec<SyntaxError>,
    /// The values of every ARG and ENV, for [`Dockerfile::scope_at`].
    pub(crate) variables: stages::Variables,
    /// By stage index: whether the final image builds on it.
    pub(crate) in_final_image: Vec<bool>,
}

impl Dockerfile {
    /// Parses a Dockerfile. Never fails: problems are in [`Dockerfile::errors`].
    pub fn parse(source: &str) -> Dockerfile {
        let mut df = lexer::parse(source);
        stages::build_stages(&mut df, source.len());
        build::parse_scripts(&mut df, source);
        df
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The ARG instructions before the first FROM (BuildKit's meta args).
    pub fn meta_args(&self) -> impl Iterator<Item = &Instruction> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != Keyword::From)
            .filter(|i| i.keyword == Keyword::Arg)
    }

    /// The instructions of a stage, its FROM first.
    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        self.instructions
            .get(stage.instructions.clone())
            .unwrap_or(&[])
    }

    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }
}

/// A parser directive such as `# escape=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name.
    pub name: String,
    pub value: Text,
    /// The whole comment line.
    pub span: Span,
}

/// A comment line. `text` is what follows `#`, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    /// From the `#` to the end of the line.
    pub span: Span,
    /// Whether the comment sits inside an instruction's line continuation.
    pub in_continuation: bool,
}

/// Something BuildKit rejects, with the place it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        SyntaxError {
            message: message.into(),
            span,
        }
    }
}

/// The 18 Dockerfile instructions, and anything else written in their place.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    StopSignal,
    User,
    Volume,
    Workdir,
    /// Not an instruction BuildKit knows; lower-cased.
    Unknown(String),
}

impl Keyword {
    pub fn from_lowercase(word: &str) -> Keyword {
        match word {
            "add" => Keyword::Add,
            "arg" => Keyword::Arg,
            "cmd" => Keyword::Cmd,
            "copy" => Keyword::Copy,
            "entrypoint" => Keyword::Entrypoint,
            "env" => Keyword::Env,
            "expose" => Keyword::Expose,
            "from" => Keyword::From,
            "healthcheck" => Keyword::Healthcheck,
            "label" => Keyword::Label,
            "maintainer" => Keyword::Maintainer,
            "onbuild" => Keyword::Onbuild,
            "run" => Keyword::Run,
            "shell" => Keyword::Shell,
            "stopsignal" => Keyword::StopSignal,
            "user" => Keyword::User,
            "volume" => Keyword::Volume,
            "workdir" => Keyword::Workdir,
            other => Keyword::Unknown(other.to_string()),
        }
    }

    /// The keyword in lower case, as BuildKit's AST dump writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Keyword::Add => "add",
            Keyword::Arg => "arg",
            Keyword::Cmd => "cmd",
            Keyword::Copy => "copy",
            Keyword::Entrypoint => "entrypoint",
            Keyword::Env => "env",
            Keyword::Expose => "expose",
            Keyword::From => "from",
            Keyword::Healthcheck => "healthcheck",
            Keyword::Label => "label",
            Keyword::Maintainer => "maintainer",
            Keyword::Onbuild => "onbuild",
            Keyword::Run => "run",
            Keyword::Shell => "shell",
            Keyword::StopSignal => "stopsignal",
            Keyword::User => "user",
            Keyword::Volume => "volume",
            Keyword::Workdir => "workdir",
            Keyword::Unknown(s) => s,
        }
    }
}

/// A builder flag such as `--mount=type=cache,target=/x` or `--link`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The flag as BuildKit reads it (quotes removed), e.g. `--chown=a b`.
    pub word: String,
    /// The name without dashes.
    pub name: Text,
    /// The value after `=`, if any.
    pub value: Option<Text>,
    pub span: Span,
}

impl Flag {
    pub fn value_str(&self) -> Option<&str> {
        self.value.as_ref().map(|v| v.value.as_str())
    }
}

/// A heredoc attached to an instruction (`<<EOF` ... `EOF`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter with quotes removed.
    pub name: String,
    /// Whether variables in the body are expanded (the delimiter was not quoted).
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    /// The file descriptor written before `<<` (0 if none).
    pub fd: u32,
    /// The `<<EOF` word on the instruction line.
    pub marker: Span,
    /// The body lines, newlines included, terminator excluded.
    pub body: Text,
    /// The terminator line (empty at end of file when unterminated).
    pub terminator: Span,
}

impl Heredoc {
    /// The body as the builder sees it (tabs stripped for `<<-`).
    pub fn content(&self) -> String {
        if self.chomp {
            self.body
                .value
                .split_inclusive('\n')
                .map(|l| l.trim_start_matches('\t'))
                .collect()
        } else {
            self.body.value.clone()
        }
    }
}

/// One argument as BuildKit's AST stores it: raw for word and string forms,
/// decoded for JSON strings.
pub type Arg = Text;

/// A word of an instruction as written (quotes and `$VAR` kept), to be
/// evaluated with [`expand::evaluate`].
pub type Word = Text;

/// One Dockerfile instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    pub keyword_span: Span,
    /// From the keyword to the end of the instruction's last line, heredoc
    /// bodies and terminators included.
    pub span: Span,
    /// The instruction line without heredoc bodies (its last continuation
    /// line included).
    pub line_span: Span,
    pub flags: Vec<Flag>,
    /// BuildKit's argument nodes.
    pub args: Vec<Arg>,
    /// The arguments were a JSON array (exec form).
    pub json: bool,
    /// The text after the flags, continuations joined.
    pub rest: MappedText,
    pub heredocs: Vec<Heredoc>,
    pub kind: Kind,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.value == name)
    }

    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.name.value == name)
    }

    /// The span of the arguments (after keyword and flags) on the instruction line.
    pub fn args_span(&self) -> Span {
        if self.rest.is_empty() {
            Span::empty_at(self.line_span.end)
        } else {
            self.rest.full_span()
        }
    }

    /// The first line of the instruction (keyword to the end of that line,
    /// or the whole line span when it fits on one line).
    pub fn head_span(&self, source: &str) -> Span {
        let text = self.line_span.slice(source);
        match text.find('\n') {
            Some(nl) => {
                let mut end = self.line_span.start + nl as u32;
                if text[..nl].ends_with('\r') {
                    end -= 1;
                }
                Span::new(self.line_span.start, end)
            }
            None => self.line_span,
        }
    }

    /// The shell script of a RUN/CMD/ENTRYPOINT in shell form (or of a RUN
    /// fed by heredocs), when there is one.
    pub fn script(&self) -> Option<&Script> {
        match &self.kind {
            Kind::Run(c) | Kind::Cmd(c) | Kind::Entrypoint(c) => c.script.as_ref(),
            Kind::Healthcheck(Healthcheck::Cmd(c)) => c.script.as_ref(),
            _ => None,
        }
    }
}

/// The typed view of an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    From(From),
    Run(CommandLine),
    Cmd(CommandLine),
    Entrypoint(CommandLine),
    Shell(Vec<Text>),
    Copy(CopyAdd),
    Add(CopyAdd),
    Env(Vec<KeyValue>),
    Label(Vec<KeyValue>),
    Arg(Vec<ArgDecl>),
    User(Word),
    Workdir(Word),
    Expose(Vec<Word>),
    Volume(Vec<Word>),
    StopSignal(Word),
    Maintainer(Word),
    Healthcheck(Healthcheck),
    Onbuild(Box<Instruction>),
    /// An unknown instruction, or one whose arguments could not be read
    /// (the reason is in the file's errors).
    Invalid,
}

/// `FROM [--platform=...] image [AS name]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct From {
    pub image: Word,
    pub alias: Option<Text>,
}

/// The command of RUN, CMD, ENTRYPOINT or HEALTHCHECK CMD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandLine {
    pub form: CommandForm,
    /// The parsed shell script: the shell form, plus heredoc bodies that a
    /// shell reads; for the exec form, the argument vector as one command
    /// (and the script of `["sh", "-c", "..."]`). `None` for the shell form
    /// under a non-POSIX `SHELL`.
    pub script: Option<Script>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandForm {
    /// `["executable", "arg"]`: decoded strings with their token spans.
    Exec(Vec<Text>),
    /// The command text run by the shell, continuations joined.
    Shell(MappedText),
}

/// COPY or ADD sources and destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyAdd {
    pub sources: Vec<Word>,
    /// Indexes into the instruction's heredocs used as inline sources.
    pub heredoc_sources: Vec<usize>,
    pub dest: Option<Word>,
}

/// `key=value` of ENV or LABEL (or the legacy `key value`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    pub value: Word,
    /// The legacy form `ENV key value` (no `=`).
    pub legacy: bool,
}

/// One name of an ARG instruction, with its default if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgDecl {
    pub name: Text,
    pub default: Option<Word>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Healthcheck {
    None,
    Cmd(CommandLine),
}

#[cfg(test)]
mod tests;
