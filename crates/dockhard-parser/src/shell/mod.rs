//! Shell command lines as data: simple commands with their words (quotes
//! removed, spans kept), how they are joined, and the scripts nested inside
//! them (`sh -c '...'`, heredocs fed to a shell, command substitutions).
//!
//! Parsing is done once, here, with tree-sitter-bash (chosen by measurement,
//! see `docs/decisions.md`); rules ask `cmd.program() == Some("chmod")` and
//! never split strings themselves. The same model serves a Dockerfile RUN, a
//! whole shell script, a Makefile recipe line, a CI step and a systemd
//! `ExecStart=`: each input hands over its shell text as a [`MappedText`]
//! (the text plus a map back to the file), and this module knows nothing of
//! the inputs.

mod ts;

use crate::mapped::MappedText;
use crate::span::Span;

/// A heredoc whose body the input's own parser has already separated from
/// the command line (a Dockerfile `RUN <<EOF`): the `<<EOF` word on the
/// line, and the body. Heredocs in a shell script are found by the shell
/// parser itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeredocInput {
    pub marker: Span,
    pub body: MappedText,
}

/// A parsed script: every simple command, in source order, nested ones
/// included (see [`Command::depth`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
    /// The parser had to recover from a syntax error somewhere.
    pub has_errors: bool,
    /// Variable assignments that set a shell variable (`X=1`, `export X=1`,
    /// `local X=1`), not those that prefix a command (`X=1 cmd`).
    pub assignments: Vec<Assignment>,
    /// Names of the shell functions the script defines.
    pub functions: Vec<String>,
    /// Every comment (from `#` to the end of its line), in source order.
    pub comments: Vec<Span>,
}

/// `NAME=value` on its own (or after `export`, `local`, `readonly` ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    /// The value with quotes removed; [`Word::dynamic`] when it expands
    /// something (or is an array).
    pub value: Word,
    pub span: Span,
    /// Passed on to the commands that follow (`export X=1`, `declare -x X=1`),
    /// not only set in the shell.
    pub exported: bool,
}

impl Script {
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.commands.iter()
    }

    /// Commands whose effective program is `name`.
    pub fn invocations<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Command> + 'a {
        self.commands
            .iter()
            .filter(move |c| c.program() == Some(name))
    }

    /// The commands of one pipeline, in order.
    pub fn pipeline(&self, id: u32) -> impl Iterator<Item = &Command> {
        self.commands.iter().filter(move |c| c.pipeline == id)
    }

    /// Appends the commands of a nested script (a `sh -c` string, a heredoc
    /// body), its pipelines renumbered from `offset` (the first id no
    /// command of `self` has, nor will have); returns the first id after
    /// theirs.
    fn append(&mut self, other: Script, offset: u32) -> u32 {
        let next = other
            .commands
            .iter()
            .map(|c| offset + c.pipeline + 1)
            .max()
            .unwrap_or(offset);
        self.has_errors |= other.has_errors;
        self.assignments.extend(other.assignments);
        self.functions.extend(other.functions);
        self.comments.extend(other.comments);
        self.commands
            .extend(other.commands.into_iter().map(|mut c| {
                c.pipeline += offset;
                c
            }));
        next
    }
}

/// How a command follows the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// First command, or after `;`, a newline or `&`.
    Seq,
    And,
    Or,
    /// After `|` or `|&`.
    Pipe,
}

/// A word with quotes removed and escapes applied. Expansions (`$X`,
/// `$(cmd)`) are kept as written and make the word [`dynamic`](Word::dynamic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub value: String,
    pub span: Span,
    pub dynamic: bool,
}

impl Word {
    /// Words of `text` split at single spaces, with their spans; a word
    /// holding `$` is dynamic. For tests of what reads words.
    #[cfg(test)]
    pub(crate) fn split_for_test(text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        let mut at = 0u32;
        for w in text.split(' ') {
            out.push(Word {
                value: w.to_string(),
                span: Span::new(at, at + w.len() as u32),
                dynamic: w.contains('$'),
            });
            at += w.len() as u32 + 1;
        }
        out
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// Where a nested command came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Written directly in the script.
    Direct,
    /// Inside `$(...)` or backquotes.
    Substitution,
    /// The string of `sh -c '...'`.
    ShellString,
    /// A heredoc read by a shell.
    Heredoc,
}

/// A simple command: `VAR=x env sudo chmod u+s /bin/x`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Name and arguments, wrappers included (`env`, `sudo` ...).
    pub words: Vec<Word>,
    /// `NAME=value` prefixes, with quotes removed from the value (an
    /// expansion in it makes the word [`dynamic`](Word::dynamic)).
    pub assignments: Vec<Word>,
    /// Targets of redirections (`> /file`): the words after the operator.
    pub redirects: Vec<Redirect>,
    pub span: Span,
    /// Index in `words` of the effective program, after wrappers.
    pub argv_start: usize,
    /// Commands of one pipeline share this id.
    pub pipeline: u32,
    pub op: Op,
    /// 0 for the script itself; +1 for each `sh -c` or heredoc level.
    pub depth: u32,
    pub origin: Origin,
}

/// A redirection of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The operator as written (`>`, `>>`, `<`, `2>` ...).
    pub op: String,
    pub target: Word,
}

/// Programs that run the command given after their own options.
const WRAPPERS: &[&str] = &[
    "env",
    "exec",
    "nohup",
    "time",
    "command",
    "sudo",
    "doas",
    "nice",
    "ionice",
    "timeout",
    "stdbuf",
    "xargs",
    "gosu",
    "su-exec",
    "chroot",
    "setpriv",
    "tini",
    "dumb-init",
    "busybox",
    "unbuffer",
    "chpst",
    "runuser",
];

impl Command {
    /// The basename of the effective program (`/bin/chmod` -> `chmod`).
    pub fn program(&self) -> Option<&str> {
        let w = self.words.get(self.argv_start)?;
        Some(w.value.rsplit('/').next().unwrap_or(&w.value))
    }

    pub fn program_word(&self) -> Option<&Word> {
        self.words.get(self.argv_start)
    }

    /// The arguments after the effective program.
    pub fn args(&self) -> &[Word] {
        self.words.get(self.argv_start + 1..).unwrap_or(&[])
    }

    /// The wrapper words before the effective program (`sudo -u x`, `env`).
    pub fn wrappers(&self) -> &[Word] {
        &self.words[..self.argv_start.min(self.words.len())]
    }

    /// Whether `name` is invoked, as the program or as a wrapper.
    pub fn invokes(&self, name: &str) -> Option<&Word> {
        self.words[..=self.argv_start.min(self.words.len().saturating_sub(1))]
            .iter()
            .find(|w| basename(&w.value) == name)
    }

    /// Whether an argument equals `value`.
    pub fn has_arg(&self, value: &str) -> bool {
        self.args().iter().any(|w| w.value == value)
    }
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// Where the effective program starts, skipping wrappers and their options.
pub fn argv_start(words: &[Word]) -> usize {
    let mut i = 0;
    while i < words.len() {
        let name = basename(&words[i].value);
        if !WRAPPERS.contains(&name) || words[i].dynamic {
            return i;
        }
        if i + 1 >= words.len() {
            return i;
        }
        let mut j = i + 1;
        let takes_value: &[&str] = match name {
            "env" => &["-u", "-C", "-S", "--unset", "--chdir", "--split-string"],
            "exec" => &["-a"],
            "sudo" => &[
                "-u", "-g", "-C", "-h", "-p", "-r", "-t", "-U", "-D", "-R", "-T", "--user",
                "--group",
            ],
            "doas" => &["-u", "-C"],
            "nice" => &["-n", "--adjustment"],
            "ionice" => &["-c", "-n", "-p", "-t"],
            "stdbuf" => &["-i", "-o", "-e"],
            "xargs" => &[
                "-I",
                "-n",
                "-P",
                "-L",
                "-d",
                "-s",
                "-a",
                "-E",
                "-e",
                "--delimiter",
                "--max-args",
                "--max-procs",
                "--arg-file",
            ],
            "setpriv" => &["--reuid", "--regid", "--groups", "--init-groups"],
            "chpst" => &[
                "-u", "-U", "-e", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c",
            ],
            "runuser" => &["-u", "-g", "-G", "--user", "--group"],
            _ => &[],
        };
        if name == "command"
            && words[j..]
                .iter()
                .any(|w| w.value == "-v" || w.value == "-V")
        {
            return i;
        }
        while j < words.len() {
            let w = words[j].value.as_str();
            if w == "--" {
                j += 1;
                break;
            }
            if name == "env" && !w.starts_with('-') && w.contains('=') {
                j += 1;
                continue;
            }
            if w.starts_with('-') && w.len() > 1 {
                j += if takes_value.contains(&w) { 2 } else { 1 };
                continue;
            }
            break;
        }
        // Wrappers with positional arguments before the command.
        j += match name {
            "timeout" => 1,
            "gosu" | "su-exec" | "chroot" => 1,
            "chpst" | "runuser" => 0,
            _ => 0,
        };
        if j >= words.len() {
            return i;
        }
        i = j;
    }
    i.min(words.len().saturating_sub(1))
}

pub const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];

/// For a shell invocation, the index (into `args`) of the `-c` command string.
pub fn shell_command_string(args: &[Word]) -> Option<usize> {
    let mut command_mode = false;
    let mut i = 0;
    while i < args.len() {
        let w = args[i].value.as_str();
        if w == "--" {
            return command_mode.then_some(i + 1).filter(|&k| k < args.len());
        }
        if w.starts_with("--") {
            i += if matches!(w, "--rcfile" | "--init-file") {
                2
            } else {
                1
            };
            continue;
        }
        if (w.starts_with('-') || w.starts_with('+')) && w.len() > 1 {
            let letters = &w[1..];
            if letters.contains('c') {
                command_mode = true;
            }
            i += 1 + letters.matches('o').count() + letters.matches('O').count();
            continue;
        }
        return command_mode.then_some(i);
    }
    None
}

/// Parses a whole script (a file, or a string run by a shell).
pub fn parse_script(text: &MappedText) -> Script {
    ts::parse(text, 0, Origin::Direct, &[])
}

/// Parses a command line whose heredoc bodies were separated from it by the
/// input's parser (the shell form of a Dockerfile RUN, CMD ...).
///
/// BuildKit hands the line and its heredoc bodies to the shell as one script.
/// Heredoc markers are parsed as input redirections (the bodies are not part
/// of the line's grammar); a body is then parsed as a script of its own when a
/// shell reads it: `RUN <<EOF`, `RUN bash <<EOF`, `RUN cat <<EOF | sh`.
pub fn parse_with_heredocs(line: &MappedText, heredocs: &[HeredocInput]) -> Script {
    let only_heredocs = !heredocs.is_empty() && {
        let spans: Vec<Span> = heredocs.iter().map(|h| h.marker).collect();
        let text = line.as_str();
        text.split_whitespace().count() == heredocs.len()
            && text.split_whitespace().all(|w| w.contains("<<"))
            && spans.iter().all(|s| !s.is_empty())
    };
    if only_heredocs {
        let mut script = Script::default();
        let mut next = 0;
        for heredoc in heredocs {
            if let Some(body) = shell_body(heredoc) {
                next = script.append(ts::parse(&body, 0, Origin::Heredoc, &[]), next);
            }
        }
        return script;
    }
    ts::parse(line, 0, Origin::Direct, heredocs)
}

/// An argument vector run without a shell (a Dockerfile exec form
/// `RUN ["chmod", "4755", "/x"]`): one command whose words are the
/// arguments. `texts[i]` maps argument `i` back to the file; when the
/// program is a shell with `-c`, its command string is parsed as a script.
pub fn parse_argv(words: Vec<Word>, texts: &[MappedText]) -> Script {
    if words.is_empty() {
        return Script::default();
    }
    let span = words
        .iter()
        .map(|w| w.span)
        .reduce(Span::cover)
        .unwrap_or_default();
    let start = argv_start(&words);
    let command = Command {
        argv_start: start,
        words,
        assignments: Vec::new(),
        redirects: Vec::new(),
        span,
        pipeline: 0,
        op: Op::Seq,
        depth: 0,
        origin: Origin::Direct,
    };
    let string_arg = command
        .program()
        .filter(|p| SHELLS.contains(p))
        .and_then(|_| shell_command_string(command.args()))
        .map(|k| start + 1 + k);
    let mut script = Script {
        commands: vec![command],
        ..Script::default()
    };
    if let Some(text) = string_arg.and_then(|k| texts.get(k)) {
        script.append(ts::parse(text, 1, Origin::ShellString, &[]), 1);
    }
    script
}

/// An argument vector known only as strings (a compose `command:` or
/// `entrypoint:`), run without a shell: like [`parse_argv`], with every
/// word, and every command of a `sh -c` string, placed at `span`.
pub fn parse_argv_at(args: &[String], span: Span) -> Script {
    let words = args
        .iter()
        .map(|a| Word {
            value: a.clone(),
            span,
            dynamic: false,
        })
        .collect();
    let texts: Vec<MappedText> = args
        .iter()
        .map(|a| {
            let mut text = MappedText::new();
            text.push_replacement(a, span);
            text
        })
        .collect();
    parse_argv(words, &texts)
}

/// The body of a heredoc as a script, unless a shebang names another
/// interpreter.
pub(crate) fn shell_body(heredoc: &HeredocInput) -> Option<MappedText> {
    let body = &heredoc.body;
    if let Some(first) = body.as_str().lines().next()
        && let Some(shebang) = first.strip_prefix("#!")
    {
        let mut parts = shebang.split_whitespace();
        let interp = parts.next().map(basename).unwrap_or("");
        let interp = if interp == "env" {
            parts.next().unwrap_or("")
        } else {
            interp
        };
        if !SHELLS.contains(&interp) {
            return None;
        }
    }
    Some(body.clone())
}

#[cfg(test)]
mod tests;
