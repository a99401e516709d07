//! From a logical line to an [`Instruction`]: BuildKit's line parsers (the
//! argument forms of each instruction) and its instruction parser (typed
//! arguments, allowed flags, argument counts).

use super::words::{self, JsonArgs, Piece};
use super::{
    ArgDecl, CommandForm, CommandLine, CopyAdd, Dockerfile, Flag, From, Healthcheck, Instruction,
    KeyValue, Keyword, Kind, SyntaxError,
};
use crate::mapped::MappedText;
use crate::shell;
use crate::span::{Span, Text};

/// Parses one logical line (continuations joined) into an instruction whose
/// `kind` is not yet typed (see [`type_instruction`]).
pub(super) fn parse_line(
    logical: MappedText,
    line_span: Span,
    escape: char,
    errors: &mut Vec<SyntaxError>,
) -> Instruction {
    parse_nested(logical, line_span, escape, errors, 0)
}

/// `ONBUILD ONBUILD ...` is read to this depth (BuildKit's line parser
/// recurses without end; its instruction parser refuses a chained ONBUILD,
/// which is reported at the first level).
const MAX_ONBUILD_DEPTH: usize = 4;

fn parse_nested(
    logical: MappedText,
    line_span: Span,
    escape: char,
    errors: &mut Vec<SyntaxError>,
    depth: usize,
) -> Instruction {
    let text = logical.as_str();
    let split = words::split_command(text);
    let keyword_text = &text[split.keyword.0..split.keyword.1];
    let keyword = Keyword::from_lowercase(&keyword_text.to_lowercase());
    let keyword_span = logical.span(split.keyword.0, split.keyword.1);
    let flags = split
        .flags
        .iter()
        .map(|p| make_flag(text, p, &logical))
        .collect();
    let rest = logical.slice(split.rest.0, split.rest.1);
    let mut instruction = Instruction {
        keyword,
        keyword_span,
        span: line_span,
        line_span,
        flags,
        args: Vec::new(),
        json: false,
        rest,
        heredocs: Vec::new(),
        kind: Kind::Invalid,
    };
    dispatch(&mut instruction, line_span, escape, errors, depth);
    instruction
}

fn make_flag(text: &str, piece: &Piece, logical: &MappedText) -> Flag {
    let raw = &text[piece.start..piece.end];
    let body = piece.text.strip_prefix("--").unwrap_or(&piece.text);
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (body, None),
    };
    let raw_eq = raw.find('=');
    let name_start = piece.start + 2.min(raw.len());
    let name_end = raw_eq.map_or(piece.end, |i| piece.start + i);
    Flag {
        word: piece.text.clone(),
        name: Text::new(name, logical.span(name_start, name_end.max(name_start))),
        value: value.map(|v| {
            let start = raw_eq.map_or(piece.end, |i| piece.start + i + 1);
            Text::new(v, logical.span(start, piece.end))
        }),
        span: logical.span(piece.start, piece.end),
    }
}

fn text_of(rest: &MappedText, p: &Piece) -> Text {
    Text::new(p.text.clone(), rest.span(p.start, p.end))
}

/// The argument forms of BuildKit's dispatch table.
fn dispatch(
    instruction: &mut Instruction,
    line_span: Span,
    escape: char,
    errors: &mut Vec<SyntaxError>,
    depth: usize,
) {
    let rest = instruction.rest.clone();
    let r = rest.as_str();
    let len = r.len();
    match instruction.keyword {
        Keyword::Add | Keyword::Copy | Keyword::Volume => {
            match words::parse_json_array(r, 0, len) {
                JsonArgs::Strings(items) => {
                    instruction.json = true;
                    instruction.args = items.iter().map(|p| text_of(&rest, p)).collect();
                }
                JsonArgs::NotStringArray => errors.push(not_string_array(&rest)),
                JsonArgs::NotJson => {
                    if len > 0 {
                        instruction.args = words::split_token_space(r, 0, len)
                            .iter()
                            .map(|p| text_of(&rest, p))
                            .collect();
                    }
                }
            }
        }
        Keyword::Cmd | Keyword::Entrypoint | Keyword::Run | Keyword::Shell => {
            maybe_json(instruction, &rest, 0, errors);
        }
        Keyword::Arg => {
            instruction.args = words::parse_words(r, 0, len, escape)
                .iter()
                .map(|p| text_of(&rest, p))
                .collect();
        }
        Keyword::Env | Keyword::Label => {
            name_val(instruction, &rest, escape, errors);
        }
        Keyword::Expose | Keyword::From => {
            if len > 0 {
                instruction.args = words::split_token_space(r, 0, len)
                    .iter()
                    .map(|p| text_of(&rest, p))
                    .collect();
            }
        }
        Keyword::Maintainer | Keyword::StopSignal | Keyword::User | Keyword::Workdir => {
            if len > 0 {
                instruction.args = vec![Text::new(r, rest.full_span())];
            }
        }
        Keyword::Healthcheck => {
            let sep = r
                .bytes()
                .position(|b| b.is_ascii_whitespace() || b == 0x0b)
                .unwrap_or(len);
            if sep == 0 {
                return;
            }
            let mut next = sep;
            while next < len
                && (r.as_bytes()[next].is_ascii_whitespace() || r.as_bytes()[next] == 0x0b)
            {
                next += 1;
            }
            instruction.args = vec![Text::new(&r[..sep], rest.span(0, sep))];
            maybe_json(instruction, &rest, next, errors);
        }
        Keyword::Onbuild => {
            if len == 0 || depth >= MAX_ONBUILD_DEPTH {
                return;
            }
            let inner = parse_nested(rest.clone(), line_span, escape, errors, depth + 1);
            instruction.kind = Kind::Onbuild(Box::new(inner));
        }
        Keyword::Unknown(_) => {}
    }
}

fn not_string_array(rest: &MappedText) -> SyntaxError {
    SyntaxError::new(
        "when using JSON array syntax, arrays must be comprised of strings only",
        rest.full_span(),
    )
}

/// `parseMaybeJSON` on `rest[from..]`: a JSON array of strings, or the text.
fn maybe_json(
    instruction: &mut Instruction,
    rest: &MappedText,
    from: usize,
    errors: &mut Vec<SyntaxError>,
) {
    let r = rest.as_str();
    if from >= r.len() {
        return;
    }
    match words::parse_json_array(r, from, r.len()) {
        JsonArgs::Strings(items) => {
            instruction.json = true;
            instruction
                .args
                .extend(items.iter().map(|p| text_of(rest, p)));
        }
        JsonArgs::NotStringArray => errors.push(not_string_array(rest)),
        JsonArgs::NotJson => instruction
            .args
            .push(Text::new(&r[from..], rest.span(from, r.len()))),
    }
}

/// `parseNameVal` for ENV and LABEL: `key=value ...`, or the legacy `key value`.
/// Arguments are stored as BuildKit's triples: key, value, separator.
fn name_val(
    instruction: &mut Instruction,
    rest: &MappedText,
    escape: char,
    errors: &mut Vec<SyntaxError>,
) {
    let r = rest.as_str();
    let ws = words::parse_words(r, 0, r.len(), escape);
    let Some(first) = ws.first() else { return };
    let name = instruction.keyword.as_str().to_uppercase();
    if !first.text.contains('=') {
        let parts = words::split_token_space_once(r, 0, r.len());
        if parts.len() < 2 {
            errors.push(SyntaxError::new(
                format!("{name} must have two arguments"),
                instruction.line_span,
            ));
            return;
        }
        let sep = Text::new("", Span::empty_at(rest.source_end(parts[0].end)));
        instruction.args = vec![text_of(rest, &parts[0]), text_of(rest, &parts[1]), sep];
        return;
    }
    let mut args = Vec::with_capacity(ws.len() * 3);
    for w in &ws {
        let Some(eq) = w.text.find('=') else {
            errors.push(SyntaxError::new(
                format!(
                    "Syntax error - can't find = in {:?}. Must be of the form: name=value",
                    w.text
                ),
                rest.span(w.start, w.end),
            ));
            return;
        };
        // The word's text equals its raw slice: parse_words keeps quotes and escapes,
        // except a trailing escape at the end of the line, which can only follow `=`.
        let key_end = w.start + eq;
        args.push(Text::new(&w.text[..eq], rest.span(w.start, key_end)));
        args.push(Text::new(&w.text[eq + 1..], rest.span(key_end + 1, w.end)));
        args.push(Text::new("=", rest.span(key_end, key_end + 1)));
    }
    instruction.args = args;
}

/// Whether BuildKit looks for heredocs on this instruction's line.
pub(super) fn can_contain_heredoc(instruction: &Instruction) -> bool {
    let target = match &instruction.kind {
        Kind::Onbuild(inner) => inner.as_ref(),
        _ => instruction,
    };
    matches!(target.keyword, Keyword::Run | Keyword::Copy | Keyword::Add) && !target.json
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    Str,
    Strings,
}

/// BuildKit's `BFlags.Parse` against the flags an instruction accepts.
fn check_flags(
    instruction: &Instruction,
    allowed: &[(&str, FlagType)],
    errors: &mut Vec<SyntaxError>,
) {
    let mut used: Vec<&str> = Vec::new();
    for flag in &instruction.flags {
        let name = flag.name.value.as_str();
        let Some(&(_, ty)) = allowed.iter().find(|(n, _)| *n == name) else {
            let mut msg = format!("unknown flag: {name}");
            if let Some(best) = allowed.iter().map(|(n, _)| *n).find(|n| similar(n, name)) {
                msg.push_str(&format!(" (did you mean {best}?)"));
            }
            errors.push(SyntaxError::new(msg, flag.span));
            return;
        };
        if used.contains(&name) && ty != FlagType::Strings {
            errors.push(SyntaxError::new(
                format!("duplicate flag specified: {name}"),
                flag.span,
            ));
            return;
        }
        used.push(name);
        match (ty, &flag.value) {
            (FlagType::Bool, Some(v)) if v.value.is_empty() => {
                errors.push(SyntaxError::new(
                    format!("missing a value on flag: {name}"),
                    flag.span,
                ));
                return;
            }
            (FlagType::Bool, Some(v))
                if !v.value.eq_ignore_ascii_case("true")
                    && !v.value.eq_ignore_ascii_case("false") =>
            {
                errors.push(SyntaxError::new(
                    format!("expecting boolean value for flag {name}, not: {}", v.value),
                    v.span,
                ));
                return;
            }
            (FlagType::Str | FlagType::Strings, None) => {
                errors.push(SyntaxError::new(
                    format!("missing a value on flag: {name}"),
                    flag.span,
                ));
                return;
            }
            _ => {}
        }
    }
}

/// A cheap "did you mean": same letters but one edit away.
fn similar(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}

const COPY_FLAGS: &[(&str, FlagType)] = &[
    ("chown", FlagType::Str),
    ("chmod", FlagType::Str),
    ("from", FlagType::Str),
    ("link", FlagType::Bool),
    ("parents", FlagType::Bool),
    ("exclude", FlagType::Strings),
];

const ADD_FLAGS: &[(&str, FlagType)] = &[
    ("chown", FlagType::Str),
    ("chmod", FlagType::Str),
    ("link", FlagType::Bool),
    ("keep-git-dir", FlagType::Bool),
    ("checksum", FlagType::Str),
    ("exclude", FlagType::Strings),
    ("unpack", FlagType::Bool),
];

const RUN_FLAGS: &[(&str, FlagType)] = &[
    ("mount", FlagType::Strings),
    ("network", FlagType::Str),
    ("security", FlagType::Str),
    ("device", FlagType::Strings),
];

const HEALTHCHECK_FLAGS: &[(&str, FlagType)] = &[
    ("interval", FlagType::Str),
    ("timeout", FlagType::Str),
    ("start-period", FlagType::Str),
    ("start-interval", FlagType::Str),
    ("retries", FlagType::Str),
];

/// Fills `instruction.kind` and applies BuildKit's instruction-level checks.
pub(super) fn type_instruction(instruction: &mut Instruction, errors: &mut Vec<SyntaxError>) {
    let name = instruction.keyword.as_str().to_uppercase();
    let head = instruction.line_span;
    let args = instruction.args.clone();
    let at_least_one = |errors: &mut Vec<SyntaxError>| {
        errors.push(SyntaxError::new(
            format!("{name} requires at least one argument"),
            head,
        ));
    };
    let exactly_one = |errors: &mut Vec<SyntaxError>| {
        errors.push(SyntaxError::new(
            format!("{name} requires exactly one argument"),
            head,
        ));
    };
    let kind = match &instruction.keyword {
        Keyword::From => {
            check_flags(instruction, &[("platform", FlagType::Str)], errors);
            match args.len() {
                1 => Kind::From(From {
                    image: args[0].clone(),
                    alias: None,
                }),
                3 if args[1].value.eq_ignore_ascii_case("as") => {
                    let alias = args[2].clone();
                    if !valid_stage_name(&alias.value.to_lowercase()) {
                        errors.push(SyntaxError::new(
                            format!(
                                "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                                alias.value
                            ),
                            alias.span,
                        ));
                    }
                    Kind::From(From {
                        image: args[0].clone(),
                        alias: Some(alias),
                    })
                }
                n => {
                    errors.push(SyntaxError::new(
                        "FROM requires either one or three arguments",
                        head,
                    ));
                    match n {
                        0 => Kind::Invalid,
                        _ => Kind::From(From {
                            image: args[0].clone(),
                            alias: None,
                        }),
                    }
                }
            }
        }
        Keyword::Run => {
            check_flags(instruction, RUN_FLAGS, errors);
            Kind::Run(command_line(instruction))
        }
        Keyword::Cmd => {
            check_flags(instruction, &[], errors);
            Kind::Cmd(command_line(instruction))
        }
        Keyword::Entrypoint => {
            check_flags(instruction, &[], errors);
            Kind::Entrypoint(command_line(instruction))
        }
        Keyword::Shell => {
            check_flags(instruction, &[], errors);
            if args.is_empty() {
                at_least_one(errors);
                Kind::Invalid
            } else if !instruction.json {
                errors.push(SyntaxError::new(
                    "SHELL requires the arguments to be in JSON form",
                    instruction.args_span(),
                ));
                Kind::Invalid
            } else {
                Kind::Shell(args)
            }
        }
        Keyword::Copy | Keyword::Add => {
            let is_copy = instruction.keyword == Keyword::Copy;
            check_flags(
                instruction,
                if is_copy { COPY_FLAGS } else { ADD_FLAGS },
                errors,
            );
            if args.len() < 2 {
                errors.push(SyntaxError::new(
                    format!(
                        "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
                    ),
                    head,
                ));
            }
            let copy = copy_add(instruction, &name, errors);
            if is_copy {
                Kind::Copy(copy)
            } else {
                Kind::Add(copy)
            }
        }
        Keyword::Env | Keyword::Label => {
            check_flags(instruction, &[], errors);
            if args.is_empty() {
                at_least_one(errors);
            }
            let mut pairs = Vec::new();
            for triple in args.chunks(3) {
                let [key, value, sep] = triple else { break };
                if key.value.is_empty() {
                    errors.push(SyntaxError::new(
                        format!("{name} names can not be blank"),
                        key.span.cover(value.span),
                    ));
                }
                pairs.push(KeyValue {
                    key: key.clone(),
                    value: value.clone(),
                    legacy: sep.value.is_empty(),
                });
            }
            if instruction.keyword == Keyword::Env {
                Kind::Env(pairs)
            } else {
                Kind::Label(pairs)
            }
        }
        Keyword::Arg => {
            check_flags(instruction, &[("required", FlagType::Bool)], errors);
            if args.is_empty() {
                at_least_one(errors);
            }
            let mut decls = Vec::new();
            for a in &args {
                match a.value.find('=') {
                    Some(eq) => {
                        if eq == 0 {
                            errors.push(SyntaxError::new("ARG names can not be blank", a.span));
                        }
                        let (name_span, value_span) = split_span(a.span, &a.value, eq);
                        decls.push(ArgDecl {
                            name: Text::new(&a.value[..eq], name_span),
                            default: Some(Text::new(&a.value[eq + 1..], value_span)),
                        });
                    }
                    None => decls.push(ArgDecl {
                        name: a.clone(),
                        default: None,
                    }),
                }
            }
            Kind::Arg(decls)
        }
        Keyword::User | Keyword::Workdir | Keyword::Maintainer => {
            if args.len() != 1 {
                exactly_one(errors);
                Kind::Invalid
            } else {
                check_flags(instruction, &[], errors);
                match instruction.keyword {
                    Keyword::User => Kind::User(args[0].clone()),
                    Keyword::Workdir => Kind::Workdir(args[0].clone()),
                    _ => Kind::Maintainer(args[0].clone()),
                }
            }
        }
        Keyword::StopSignal => {
            // BuildKit does not validate STOPSIGNAL's flags.
            if args.len() != 1 {
                exactly_one(errors);
                Kind::Invalid
            } else {
                Kind::StopSignal(args[0].clone())
            }
        }
        Keyword::Expose => {
            if args.is_empty() {
                at_least_one(errors);
            }
            check_flags(instruction, &[], errors);
            Kind::Expose(args)
        }
        Keyword::Volume => {
            if args.is_empty() {
                at_least_one(errors);
            }
            check_flags(instruction, &[], errors);
            for a in &args {
                if a.value.trim().is_empty() {
                    errors.push(SyntaxError::new(
                        "VOLUME specified can not be an empty string",
                        a.span,
                    ));
                }
            }
            Kind::Volume(args)
        }
        Keyword::Healthcheck => healthcheck(instruction, errors),
        Keyword::Onbuild => {
            check_flags(instruction, &[], errors);
            let kind = std::mem::replace(&mut instruction.kind, Kind::Invalid);
            match kind {
                Kind::Onbuild(mut inner) => {
                    match inner.keyword {
                        Keyword::Onbuild => errors.push(SyntaxError::new(
                            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                            inner.keyword_span,
                        )),
                        Keyword::Maintainer | Keyword::From => errors.push(SyntaxError::new(
                            format!(
                                "{} isn't allowed as an ONBUILD trigger",
                                inner.keyword.as_str().to_uppercase()
                            ),
                            inner.keyword_span,
                        )),
                        _ => type_instruction(&mut inner, errors),
                    }
                    Kind::Onbuild(inner)
                }
                _ => {
                    at_least_one(errors);
                    Kind::Invalid
                }
            }
        }
        Keyword::Unknown(word) => {
            let written = instruction.keyword_span;
            let mut msg = format!("unknown instruction: {}", word.to_uppercase());
            if let Some(best) = KNOWN.iter().find(|k| similar(k, word)) {
                msg.push_str(&format!(" (did you mean {}?)", best.to_uppercase()));
            }
            errors.push(SyntaxError::new(msg, written));
            Kind::Invalid
        }
    };
    instruction.kind = kind;
}

const KNOWN: &[&str] = &[
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

fn split_span(span: Span, value: &str, eq: usize) -> (Span, Span) {
    // Words of ARG are raw slices of the line, so offsets inside carry over
    // unless a continuation split the word (then the value gets the rest).
    if span.len() as usize == value.len() {
        let mid = span.start + eq as u32;
        (Span::new(span.start, mid), Span::new(mid + 1, span.end))
    } else {
        (span, span)
    }
}

fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-' | '_' | '.'))
}

fn command_line(instruction: &Instruction) -> CommandLine {
    let form = if instruction.json {
        CommandForm::Exec(instruction.args.clone())
    } else {
        CommandForm::Shell(instruction.rest.clone())
    };
    CommandLine { form, script: None }
}

fn copy_add(instruction: &Instruction, name: &str, errors: &mut Vec<SyntaxError>) -> CopyAdd {
    let args = &instruction.args;
    let Some((dest, sources)) = args.split_last() else {
        return CopyAdd {
            sources: Vec::new(),
            heredoc_sources: Vec::new(),
            dest: None,
        };
    };
    if args.len() >= 2 && heredoc_word_name(&dest.value).is_some() {
        errors.push(SyntaxError::new(
            format!("{name} cannot accept a heredoc as a destination"),
            dest.span,
        ));
    }
    let mut out = CopyAdd {
        sources: Vec::new(),
        heredoc_sources: Vec::new(),
        dest: (args.len() >= 2).then(|| dest.clone()),
    };
    for src in if args.len() >= 2 { sources } else { &args[..] } {
        if !instruction.json
            && let Some(hname) = heredoc_word_name(&src.value)
            && let Some(i) = instruction.heredocs.iter().position(|h| h.name == hname)
        {
            out.heredoc_sources.push(i);
            continue;
        }
        out.sources.push(src.clone());
    }
    out
}

/// The delimiter name if `word` is a heredoc marker (`<<EOF`, `<<-"EOF"`).
fn heredoc_word_name(word: &str) -> Option<String> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let after = word[digits..].strip_prefix("<<")?;
    let delim = after.strip_prefix('-').unwrap_or(after);
    if delim.is_empty() || delim.contains('<') {
        return None;
    }
    Some(delim.chars().filter(|c| !matches!(c, '\'' | '"')).collect())
}

fn healthcheck(instruction: &mut Instruction, errors: &mut Vec<SyntaxError>) -> Kind {
    let args = instruction.args.clone();
    let Some(first) = args.first() else {
        errors.push(SyntaxError::new(
            "HEALTHCHECK requires at least one argument",
            instruction.line_span,
        ));
        return Kind::Invalid;
    };
    let typ = first.value.to_uppercase();
    if typ == "NONE" {
        if args.len() > 1 {
            errors.push(SyntaxError::new(
                "HEALTHCHECK NONE takes no arguments",
                instruction.args_span(),
            ));
        }
        return Kind::Healthcheck(Healthcheck::None);
    }
    check_flags(instruction, HEALTHCHECK_FLAGS, errors);
    if typ != "CMD" {
        errors.push(SyntaxError::new(
            format!("Unknown type {:?} in HEALTHCHECK (try CMD)", typ),
            first.span,
        ));
        return Kind::Invalid;
    }
    let cmd_args = &args[1..];
    if cmd_args.is_empty() {
        errors.push(SyntaxError::new(
            "Missing command after HEALTHCHECK CMD",
            first.span,
        ));
        return Kind::Invalid;
    }
    for flag in &instruction.flags {
        let Some(value) = &flag.value else { continue };
        let name = flag.name.value.as_str();
        if name == "retries" {
            match value.value.parse::<i64>() {
                Ok(n) if n < 0 => errors.push(SyntaxError::new(
                    format!("--retries cannot be negative ({n})"),
                    value.span,
                )),
                Ok(n) if n > i64::from(i32::MAX) => errors.push(SyntaxError::new(
                    format!(
                        "strconv.ParseInt: parsing {:?}: value out of range",
                        value.value
                    ),
                    value.span,
                )),
                Ok(_) => {}
                Err(_) => errors.push(SyntaxError::new(
                    format!(
                        "strconv.ParseInt: parsing {:?}: invalid syntax",
                        value.value
                    ),
                    value.span,
                )),
            }
        } else if HEALTHCHECK_FLAGS.iter().any(|(n, _)| *n == name) && !value.value.is_empty() {
            match go_duration_nanos(&value.value) {
                None => errors.push(SyntaxError::new(
                    format!("time: invalid duration {:?}", value.value),
                    value.span,
                )),
                Some(d) if d != 0 && d.abs() < 1_000_000 => errors.push(SyntaxError::new(
                    format!("Interval {name:?} cannot be less than 1ms"),
                    value.span,
                )),
                Some(_) => {}
            }
        }
    }
    let line = if instruction.json {
        CommandForm::Exec(cmd_args.to_vec())
    } else {
        // In shell form the command argument is the tail of the line.
        let rest = &instruction.rest;
        let offset = rest.len().saturating_sub(cmd_args[0].value.len());
        CommandForm::Shell(rest.slice(offset, rest.len()))
    };
    Kind::Healthcheck(Healthcheck::Cmd(CommandLine {
        form: line,
        script: None,
    }))
}

/// Go's `time.ParseDuration`, in nanoseconds; `None` when invalid.
fn go_duration_nanos(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if num_len == 0 {
            return None;
        }
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .bytes()
            .take_while(|b| !b.is_ascii_digit() && *b != b'.')
            .count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += number * scale;
    }
    let nanos = total as i128;
    Some(if neg { -nanos } else { nanos })
}

/// The shells whose scripts we parse; other `SHELL`s (PowerShell, cmd) are
/// left alone.
fn is_posix_shell(program: &str) -> bool {
    let base = program.rsplit('/').next().unwrap_or(program);
    matches!(
        base,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// Parses the shell scripts of RUN/CMD/ENTRYPOINT/HEALTHCHECK in shell form,
/// honouring each stage's `SHELL`.
pub(super) fn parse_scripts(df: &mut Dockerfile, source: &str) {
    let mut stage_shell: Vec<bool> = Vec::with_capacity(df.stages.len());
    let stages = df.stages.clone();
    for stage in &stages {
        let mut posix = match stage.base {
            super::Base::Stage(parent) => stage_shell.get(parent).copied().unwrap_or(true),
            _ => true,
        };
        for idx in stage.instructions.clone() {
            let Some(instruction) = df.instructions.get_mut(idx) else {
                continue;
            };
            if let Kind::Shell(words) = &instruction.kind {
                posix = words.first().is_some_and(|w| is_posix_shell(&w.value));
            }
            if posix || instruction.json {
                attach_script(instruction, source);
            }
        }
        stage_shell.push(posix);
    }
}

/// The heredocs of an instruction as the shell model takes them.
fn heredoc_inputs(heredocs: &[super::Heredoc]) -> Vec<shell::HeredocInput> {
    heredocs
        .iter()
        .map(|h| shell::HeredocInput {
            marker: h.marker,
            body: MappedText::contiguous(&h.body.value, h.body.span.start),
        })
        .collect()
}

/// The exec form's strings as an argument vector: each string mapped to its
/// characters in the file when it has no escapes, else to its whole token.
fn exec_script(source: &str, args: &[Text]) -> shell::Script {
    let mut words = Vec::with_capacity(args.len());
    let mut texts = Vec::with_capacity(args.len());
    for arg in args {
        let written = arg.span.slice(source);
        let text =
            if written.len() == arg.value.len() + 2 && written[1..written.len() - 1] == arg.value {
                MappedText::contiguous(&arg.value, arg.span.start + 1)
            } else {
                let mut t = MappedText::new();
                t.push_replacement(&arg.value, arg.span);
                t
            };
        words.push(shell::Word {
            value: arg.value.clone(),
            span: arg.span,
            dynamic: false,
        });
        texts.push(text);
    }
    shell::parse_argv(words, &texts)
}

fn attach_script(instruction: &mut Instruction, source: &str) {
    let heredocs = heredoc_inputs(&instruction.heredocs);
    let target: &mut Instruction = match &mut instruction.kind {
        Kind::Onbuild(inner) => inner.as_mut(),
        _ => instruction,
    };
    let line = match &mut target.kind {
        Kind::Run(c) | Kind::Cmd(c) | Kind::Entrypoint(c) => c,
        Kind::Healthcheck(Healthcheck::Cmd(c)) => c,
        _ => return,
    };
    line.script = Some(match &line.form {
        CommandForm::Shell(text) => shell::parse_with_heredocs(text, &heredocs),
        CommandForm::Exec(args) => exec_script(source, args),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(go_duration_nanos("5s"), Some(5_000_000_000));
        assert_eq!(go_duration_nanos("1m30s"), Some(90_000_000_000));
        assert_eq!(go_duration_nanos("0"), Some(0));
        assert_eq!(go_duration_nanos("0s"), Some(0));
        assert_eq!(go_duration_nanos("5"), None);
        assert_eq!(go_duration_nanos("1.5h"), Some(5_400_000_000_000));
    }

    #[test]
    fn stage_names() {
        assert!(valid_stage_name("build-env_1.x"));
        assert!(!valid_stage_name("1build"));
        assert!(!valid_stage_name("a$b"));
    }
}
