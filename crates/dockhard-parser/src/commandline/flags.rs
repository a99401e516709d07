//! The flag tables of the docker and podman command lines, taken from their
//! sources (`data/cli-flags.tsv`, with the commits it was read at), and a
//! parser that reads arguments the way their flag library (pflag) does.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::shell::Word;
use crate::span::Span;
use crate::values::go_bool;

const TABLE: &str = include_str!("../../data/cli-flags.tsv");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tool {
    Docker,
    Podman,
}

impl Tool {
    pub fn from_program(name: &str) -> Option<Tool> {
        match name {
            "docker" => Some(Tool::Docker),
            "podman" => Some(Tool::Podman),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tool::Docker => "docker",
            Tool::Podman => "podman",
        }
    }
}

/// What a flag takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// No separate value; `--flag=false` is allowed.
    Bool,
    /// A value: `--flag v`, `--flag=v`, `-f v`, `-fv`.
    Value,
    /// A value only with `=`; alone it takes its default.
    Optional,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagDef {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: FlagKind,
}

/// The flags of each (tool, command): `global`, `run`, `create`, `exec`,
/// `network create`, `service create`, `build`, `buildx build`.
#[derive(Debug, Default)]
pub struct FlagTable {
    commands: HashMap<Tool, HashMap<&'static str, Vec<FlagDef>>>,
}

impl FlagTable {
    fn parse(text: &'static str) -> FlagTable {
        let mut table = FlagTable::default();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&'static str> = line.split('\t').collect();
            let (Some(tool), Some(command), Some(long), Some(short), Some(kind)) = (
                cols.first().and_then(|t| Tool::from_program(t)),
                cols.get(1),
                cols.get(2),
                cols.get(3),
                cols.get(4),
            ) else {
                continue;
            };
            let kind = match *kind {
                "bool" => FlagKind::Bool,
                "value" => FlagKind::Value,
                "optional" => FlagKind::Optional,
                _ => continue,
            };
            table
                .commands
                .entry(tool)
                .or_default()
                .entry(command)
                .or_default()
                .push(FlagDef {
                    long,
                    short: short.chars().next(),
                    kind,
                });
        }
        table
    }

    /// The table compiled into the binary.
    pub fn get() -> &'static FlagTable {
        static CELL: OnceLock<FlagTable> = OnceLock::new();
        CELL.get_or_init(|| FlagTable::parse(TABLE))
    }

    pub fn has_command(&self, tool: Tool, command: &str) -> bool {
        self.commands
            .get(&tool)
            .is_some_and(|c| c.contains_key(command))
    }

    fn flags<'a>(&'a self, tool: Tool, command: &str) -> &'a [FlagDef] {
        self.commands
            .get(&tool)
            .and_then(|c| c.get(command))
            .map_or(&[], Vec::as_slice)
    }

    pub fn long<'a>(&'a self, tool: Tool, command: &str, name: &str) -> Option<&'a FlagDef> {
        self.flags(tool, command).iter().find(|f| f.long == name)
    }

    pub fn short<'a>(&'a self, tool: Tool, command: &str, c: char) -> Option<&'a FlagDef> {
        self.flags(tool, command)
            .iter()
            .find(|f| f.short == Some(c))
    }
}

/// A value given to a flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagValue {
    pub text: String,
    pub span: Span,
    /// It expands something: its value is unknown.
    pub dynamic: bool,
}

/// One flag as it was used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagUse {
    /// The long name (`user` for `-u`).
    pub name: &'static str,
    pub kind: FlagKind,
    /// The flag as written (`--user`, `-u`, or the whole `-uroot` word).
    pub flag: Span,
    /// The value (for a boolean, what follows `=`).
    pub value: Option<FlagValue>,
}

impl FlagUse {
    /// Where the finding about this flag points: the flag and its value.
    pub fn span(&self) -> Span {
        match &self.value {
            Some(v) => self.flag.cover(v.span),
            None => self.flag,
        }
    }

    /// A boolean flag's value: `Some(true)` for `--x` or `--x=true`, `None`
    /// when the value is unknown or not a boolean.
    pub fn bool(&self) -> Option<bool> {
        match &self.value {
            None => Some(true),
            Some(v) if v.dynamic => None,
            Some(v) => go_bool(&v.text),
        }
    }

    /// The known value of a flag that takes one.
    pub fn text(&self) -> Option<&str> {
        self.value
            .as_ref()
            .filter(|v| !v.dynamic)
            .map(|v| v.text.as_str())
    }
}

/// The arguments of a command, read as its flag library reads them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedArgs {
    pub flags: Vec<FlagUse>,
    /// The words after the flags: the image (or name, context) and the
    /// container's command.
    pub positionals: Vec<Word>,
    /// Every word where a flag may stand was read.
    pub complete: bool,
    /// `--help` or `-h`: the command only prints its usage.
    pub help: bool,
}

/// The span of bytes `from..to` of a word, when the word is written as its
/// value (no quotes or escapes); else the whole word.
fn sub_span(word: &Word, from: usize, to: usize) -> Span {
    if word.span.len() as usize == word.value.len() && to <= word.value.len() && from <= to {
        Span::new(word.span.start + from as u32, word.span.start + to as u32)
    } else {
        word.span
    }
}

/// Whether `text` is one expansion and nothing else: `$X`, `${X}`,
/// `${X[@]}`, `${X:-a b}`, `$(cmd)`, `` `cmd` ``, `$@`, `$1`.
fn is_one_expansion(text: &str) -> bool {
    let close = |open: char, close: char, body: &str| {
        // The expansion's own closing bracket must be the last character.
        let mut depth = 0i32;
        for (i, c) in body.char_indices() {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return i + c.len_utf8() == body.len();
                }
            }
        }
        false
    };
    if let Some(rest) = text.strip_prefix('$') {
        if rest.starts_with('{') {
            return close('{', '}', rest);
        }
        if rest.starts_with('(') {
            return close('(', ')', rest);
        }
        return !rest.is_empty()
            && (rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                || matches!(rest, "@" | "*"));
    }
    text.len() > 1 && text.starts_with('`') && text.ends_with('`')
}

/// A dynamic word that may expand to flags: it is one expansion, quoted or
/// not (`$OPTS`, `"${ARGS[@]}"`, a placeholder for `${{ ... }}`). A word
/// with literal text around an expansion (`app:$TAG`,
/// `$(NAME)/web:$(TAG)`) is one argument: positional.
pub fn may_be_flags(word: &Word) -> bool {
    if !word.dynamic {
        return false;
    }
    let v = word.value.as_str();
    let v = v
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(v);
    // `--link=$NAME:db` is a flag with a value that expands: read as a flag.
    !v.starts_with('-') && is_one_expansion(v)
}

/// The name of the variable a dynamic word starts with, upper-cased.
fn variable_name(word: &Word) -> String {
    let v = word.value.trim_start_matches('"');
    v.trim_start_matches('$')
        .trim_start_matches('{')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Whether a dynamic word names an image by its variable's name
/// (`$IMAGE`, `"${IMG}:${TAG}"`, `${DOCKER_IMAGE}`).
fn names_an_image(word: &Word) -> bool {
    let name = variable_name(word);
    name.contains("IMAGE") || name.contains("IMG") || name.ends_with("TAG") || name == "REPO"
}

/// Whether a dynamic word names a positional argument of `network create`
/// or `build` by its variable's name (`"$netid"`, `$NETWORK_NAME`,
/// `"$CONTEXT_DIR"`).
fn names_a_positional(word: &Word) -> bool {
    let name = variable_name(word);
    [
        "NET", "NAME", "ID", "DIR", "CONTEXT", "PATH", "TMP", "SRC", "ROOT",
    ]
    .iter()
    .any(|n| name.contains(n))
}

/// Whether a dynamic word names options by its variable's name
/// (`$DOCKER_OPTS`, `"${ARGS[@]}"`, `$EXTRA_FLAGS`, `"$@"`).
fn names_options(word: &Word) -> bool {
    let name = variable_name(word);
    ["OPT", "ARG", "FLAG", "PARAM", "EXTRA"]
        .iter()
        .any(|n| name.contains(n))
        || word.value.trim_matches('"') == "$@"
        || word.value.trim_matches('"') == "$*"
}

enum Step {
    Flags(Vec<FlagUse>, usize),
    Unknown,
    Help,
    End,
}

/// Reads one word at `i` as flags (a long flag, or a cluster of short ones)
/// with the value it may take from the next word.
fn read_flag(table: &FlagTable, tool: Tool, commands: &[&str], words: &[Word], i: usize) -> Step {
    let Some(word) = words.get(i) else {
        return Step::End;
    };
    let w = word.value.as_str();
    let next_value = |j: usize| {
        words.get(j).map(|n| FlagValue {
            text: n.value.clone(),
            span: n.span,
            dynamic: n.dynamic,
        })
    };
    if let Some(body) = w.strip_prefix("--") {
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        if name == "help" {
            return Step::Help;
        }
        if name.contains(['$', '`']) {
            return Step::Unknown;
        }
        let Some(def) = commands.iter().find_map(|c| table.long(tool, c, name)) else {
            return Step::Unknown;
        };
        let flag_end = 2 + name.len();
        let (value, used) = match (def.kind, inline) {
            (_, Some(v)) => (
                Some(FlagValue {
                    text: v.to_string(),
                    span: sub_span(word, flag_end + 1, w.len()),
                    dynamic: word.dynamic,
                }),
                1,
            ),
            (FlagKind::Value, None) => match next_value(i + 1) {
                Some(v) => (Some(v), 2),
                None => (None, 1),
            },
            (_, None) => (None, 1),
        };
        let flag = if inline.is_some() {
            sub_span(word, 0, flag_end)
        } else {
            word.span
        };
        return Step::Flags(
            vec![FlagUse {
                name: def.long,
                kind: def.kind,
                flag,
                value,
            }],
            used,
        );
    }
    let Some(cluster) = w.strip_prefix('-') else {
        return Step::End;
    };
    if cluster.starts_with(['$', '`']) {
        return Step::Unknown;
    }
    let mut uses = Vec::new();
    let mut used = 1;
    let chars: Vec<(usize, char)> = cluster.char_indices().collect();
    let mut k = 0;
    while let Some(&(at, c)) = chars.get(k) {
        let short = |c: char| commands.iter().find_map(|cmd| table.short(tool, cmd, c));
        if c == 'h' && short('h').is_none() {
            return Step::Help;
        }
        let Some(def) = short(c) else {
            return Step::Unknown;
        };
        let flag = sub_span(word, if k == 0 { 0 } else { 1 + at }, 1 + at + c.len_utf8());
        let rest = &cluster[at + c.len_utf8()..];
        let rest_at = 1 + at + c.len_utf8();
        if let Some(v) = rest.strip_prefix('=') {
            uses.push(FlagUse {
                name: def.long,
                kind: def.kind,
                flag,
                value: Some(FlagValue {
                    text: v.to_string(),
                    span: sub_span(word, rest_at + 1, w.len()),
                    dynamic: word.dynamic,
                }),
            });
            break;
        }
        match def.kind {
            FlagKind::Bool | FlagKind::Optional => {
                uses.push(FlagUse {
                    name: def.long,
                    kind: def.kind,
                    flag,
                    value: None,
                });
                k += 1;
            }
            FlagKind::Value => {
                let value = if rest.is_empty() {
                    used = 2;
                    next_value(i + 1)
                } else {
                    Some(FlagValue {
                        text: rest.to_string(),
                        span: sub_span(word, rest_at, w.len()),
                        dynamic: word.dynamic,
                    })
                };
                uses.push(FlagUse {
                    name: def.long,
                    kind: def.kind,
                    flag,
                    value,
                });
                break;
            }
        }
    }
    Step::Flags(uses, used)
}

/// A word written as a flag (its value may expand: `-e$X`, `--name=$N`).
fn is_flag_word(word: &Word) -> bool {
    word.value.starts_with('-') && word.value != "-"
}

/// Reads the arguments of `tool command` as pflag does, with the flags of
/// the first of `commands` that defines each (`docker build` is buildx's
/// build where buildx is installed, the classic builder's elsewhere).
/// `interspersed`: flags may follow positional arguments (`network create`,
/// `build`); else the first positional word ends the flags and everything
/// after it belongs to the container (`run`, `create`, `exec`,
/// `service create`).
pub fn parse_args(tool: Tool, commands: &[&str], words: &[Word], interspersed: bool) -> ParsedArgs {
    let table = FlagTable::get();
    let mut out = ParsedArgs {
        complete: true,
        ..ParsedArgs::default()
    };
    let mut i = 0;
    while let Some(word) = words.get(i) {
        if word.value == "--" && !word.dynamic {
            out.positionals.extend(words[i + 1..].iter().cloned());
            break;
        }
        if may_be_flags(word) {
            if !interspersed && names_an_image(word) {
                out.positionals.extend(words[i..].iter().cloned());
                break;
            }
            if interspersed {
                if names_options(word) || !names_a_positional(word) {
                    out.complete = false;
                }
                out.positionals.push(word.clone());
                i += 1;
                continue;
            }
            out.complete = false;
            // `$OPTS app` or `$1 cat /x`: a word follows at once. Which one
            // is the image is told by the variable's name only.
            // (`$SSH $VOLUMES -it --privileged app`: expansions in a row are
            // all possibly flags.)
            if words
                .get(i + 1)
                .is_some_and(|w| !is_flag_word(w) && !may_be_flags(w))
            {
                let from = if names_options(word) { i + 1 } else { i };
                out.positionals.extend(words[from..].iter().cloned());
                break;
            }
            // `$OPTS --rm app` or `$X --version`: the words after it are
            // flags only if a positional word (the image) follows them and
            // they are all known flags.
            if words.get(i + 1).is_some_and(may_be_flags) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            let mut tentative = Vec::new();
            let mut flags_follow = false;
            while let Some(w) = words.get(j) {
                if !is_flag_word(w) {
                    flags_follow = true;
                    break;
                }
                match read_flag(table, tool, commands, words, j) {
                    Step::Flags(uses, used) => {
                        tentative.extend(uses);
                        j += used;
                    }
                    _ => break,
                }
            }
            if flags_follow && j < words.len() {
                out.flags.extend(tentative);
                i = j;
                continue;
            }
            out.positionals.extend(words[i..].iter().cloned());
            break;
        }
        if !is_flag_word(word) {
            if interspersed {
                out.positionals.push(word.clone());
                i += 1;
                continue;
            }
            out.positionals.extend(words[i..].iter().cloned());
            break;
        }
        match read_flag(table, tool, commands, words, i) {
            Step::Flags(uses, used) => {
                out.flags.extend(uses);
                i += used;
            }
            Step::Help => {
                out.help = true;
                break;
            }
            Step::Unknown => {
                out.complete = false;
                break;
            }
            Step::End => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Word> {
        Word::split_for_test(text)
    }

    fn names(p: &ParsedArgs) -> Vec<(&str, Option<&str>)> {
        p.flags
            .iter()
            .map(|f| (f.name, f.value.as_ref().map(|v| v.text.as_str())))
            .collect()
    }

    #[test]
    fn the_table_is_complete_for_the_commands_we_read() {
        let t = FlagTable::get();
        for tool in [Tool::Docker, Tool::Podman] {
            for command in ["global", "run", "create", "exec", "network create", "build"] {
                assert!(t.has_command(tool, command), "{tool:?} {command}");
            }
        }
        assert!(t.has_command(Tool::Docker, "service create"));
        assert!(t.has_command(Tool::Docker, "buildx build"));
        let run = |n: &str| t.long(Tool::Docker, "run", n).map(|f| f.kind);
        assert_eq!(run("privileged"), Some(FlagKind::Bool));
        assert_eq!(run("publish"), Some(FlagKind::Value));
        assert_eq!(run("net"), Some(FlagKind::Value));
        assert_eq!(
            t.short(Tool::Docker, "run", 'u').map(|f| f.long),
            Some("user")
        );
        assert_eq!(
            t.short(Tool::Docker, "global", 'H').map(|f| f.long),
            Some("host")
        );
    }

    #[test]
    fn long_short_clustered_and_attached_forms() {
        let p = parse_args(
            Tool::Docker,
            &["run"],
            &words(
                "-itd --rm -p8080:80 -uroot --cap-add=SYS_ADMIN --privileged=false --name x app -p yes",
            ),
            false,
        );
        assert!(p.complete);
        assert_eq!(
            names(&p),
            [
                ("interactive", None),
                ("tty", None),
                ("detach", None),
                ("rm", None),
                ("publish", Some("8080:80")),
                ("user", Some("root")),
                ("cap-add", Some("SYS_ADMIN")),
                ("privileged", Some("false")),
                ("name", Some("x")),
            ]
        );
        assert_eq!(p.flags[7].bool(), Some(false));
        let positionals: Vec<&str> = p.positionals.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(positionals, ["app", "-p", "yes"]);
        // Spans: the attached value of `-p8080:80` and `--cap-add=SYS_ADMIN`.
        let src = "-itd --rm -p8080:80 -uroot --cap-add=SYS_ADMIN";
        assert_eq!(
            p.flags[4].value.as_ref().map(|v| v.span.slice(src)),
            Some("8080:80")
        );
        assert_eq!(p.flags[6].flag.slice(src), "--cap-add");
        assert_eq!(p.flags[6].span().slice(src), "--cap-add=SYS_ADMIN");
    }

    #[test]
    fn separate_values_and_the_end_of_flags() {
        let p = parse_args(
            Tool::Docker,
            &["run"],
            &words("-v /a:/b --user 0 -- -image"),
            false,
        );
        assert_eq!(names(&p), [("volume", Some("/a:/b")), ("user", Some("0"))]);
        assert_eq!(p.positionals[0].value, "-image");
    }

    #[test]
    fn unknown_flags_and_expansions_make_the_parse_incomplete() {
        let p = parse_args(
            Tool::Docker,
            &["run"],
            &words("--privileged --bogus x app"),
            false,
        );
        assert!(!p.complete);
        assert_eq!(names(&p), [("privileged", None)]);
        // `$OPTS` followed by flags and an image: the flags count.
        let p = parse_args(
            Tool::Docker,
            &["run"],
            &words("$OPTS --read-only app sh"),
            false,
        );
        assert!(!p.complete);
        assert_eq!(names(&p), [("read-only", None)]);
        assert_eq!(p.positionals[0].value, "app");
        // `$X --version`: the expansion is the image, `--version` its argument.
        let p = parse_args(Tool::Docker, &["run"], &words("--rm $X --version"), false);
        assert!(!p.complete);
        assert_eq!(names(&p), [("rm", None)]);
        assert_eq!(p.positionals.len(), 2);
        // `$IMAGE` names the image: the flags before it are all there is.
        let p = parse_args(Tool::Docker, &["run"], &words("--rm $IMAGE -p 80"), false);
        assert!(p.complete);
        assert_eq!(p.positionals.len(), 3);
        // A value that expands is unknown, the parse is still complete.
        let p = parse_args(Tool::Docker, &["run"], &words("--user $U app"), false);
        assert!(p.complete);
        assert_eq!(p.flags[0].text(), None);
    }

    #[test]
    fn which_expansions_may_hold_flags() {
        let w = |v: &str| Word {
            value: v.to_string(),
            span: Span::default(),
            dynamic: true,
        };
        for yes in [
            "$OPTS",
            "${OPTS}",
            "\"${ARGS[@]}\"",
            "$@",
            "$(cat flags)",
            "${X:-a b}",
            "`x`",
            "$1",
        ] {
            assert!(may_be_flags(&w(yes)), "{yes}");
        }
        for no in ["app:$TAG", "${NS}/web:${TAG}", "$HOME/x", "${A}${B}", "x$Y"] {
            assert!(!may_be_flags(&w(no)), "{no}");
        }
        let p = parse_args(
            Tool::Docker,
            &["run"],
            &words("--rm ${NS}/web:${TAG} -p 80"),
            false,
        );
        assert!(p.complete);
        assert_eq!(p.positionals.len(), 3);
        // A flag whose value expands is a flag; one whose name expands is not known.
        let p = parse_args(
            Tool::Docker,
            &["run"],
            &words("--link=$Z:db -e$E app"),
            false,
        );
        assert!(p.complete);
        assert_eq!(names(&p), [("link", Some("$Z:db")), ("env", Some("$E"))]);
        assert_eq!(p.flags[0].text(), None);
        let p = parse_args(Tool::Docker, &["run"], &words("--$X app"), false);
        assert!(!p.complete);
        // Expansions in a row, then flags and the image.
        let p = parse_args(
            Tool::Docker,
            &["run"],
            &words("$SSH $VOLS -it --privileged app"),
            false,
        );
        assert!(!p.complete);
        assert_eq!(p.flags.len(), 3);
        assert_eq!(p.positionals[0].value, "app");
    }

    #[test]
    fn help_and_interspersed_flags() {
        assert!(parse_args(Tool::Docker, &["run"], &words("--help"), false).help);
        let p = parse_args(
            Tool::Docker,
            &["network create"],
            &words("net1 -o com.docker.network.bridge.enable_icc=false --internal"),
            true,
        );
        assert_eq!(p.positionals[0].value, "net1");
        assert_eq!(names(&p)[1], ("internal", None));
        // A name given by a variable that says so.
        let p = parse_args(
            Tool::Docker,
            &["network create"],
            &words("\"$netid\""),
            true,
        );
        assert!(p.complete);
        let p = parse_args(
            Tool::Docker,
            &["network create"],
            &words("$NET_OPTS back"),
            true,
        );
        assert!(!p.complete);
    }
}
