//! Makefiles (GNU make): each logical recipe line becomes the shell text make
//! would hand to the shell, mapped back to the file byte by byte.
//!
//! The file is read in two passes because make expands a recipe only when it
//! runs it, after the whole file has been read: a variable defined below a
//! rule is visible in that rule's recipe. The first pass classifies lines
//! (recipe, comment, assignment, conditional, rule) the way make's reader
//! does and collects definitions; the second builds the recipes' text.

use std::collections::HashMap;
use std::path::Path;

use super::{Extracted, ShellBlock};
use crate::location::Origin;
use crate::mapped::MappedText;
use crate::span::Span;

/// Levels of variables referencing variables followed before giving up.
const MAX_DEPTH: usize = 16;
/// A value longer than this is treated as unknown, so that variables doubling
/// each other (`A = $(B)$(B)`, `B = $(C)$(C)` ...) cannot exhaust memory.
const MAX_VALUE_LEN: usize = 64 * 1024;

/// `Makefile`, `makefile`, `GNUmakefile`, `*.mk`.
pub fn detect(path: &Path) -> bool {
    super::file_name(path)
        .is_some_and(|n| matches!(n, "Makefile" | "makefile" | "GNUmakefile") || n.ends_with(".mk"))
}

/// Extracts the recipe lines of a Makefile (file 0) as shell blocks, and its
/// comment lines.
pub fn extract(source: &str) -> Extracted {
    let lines = physical_lines(source);
    let logical = logical_lines(source, &lines);
    let read = Reader::new(source, &lines).read(&logical);
    let mut resolver = Resolver::new(&read.defs);
    let mut out = Extracted {
        comments: read.comments,
        errors: read.errors,
        ..Extracted::default()
    };
    for recipe in &read.recipes {
        let mut raw = recipe_raw(source, &lines, recipe);
        raw.trim_dangling_continuation();
        let start = resolver.skip_recipe_prefixes(&raw.text);
        let text = resolver.emit(&raw, start);
        if !text.as_str().trim().is_empty() {
            out.blocks.push(ShellBlock::new(0, text));
        }
    }
    out
}

/// A physical line: `start..end` is its content, without the line ending
/// (`\n` or `\r\n`).
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    /// Offset of the `\n` ending it, if any.
    newline: Option<usize>,
}

fn physical_lines(source: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = source.as_bytes();
    while start < bytes.len() {
        let newline = bytes
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map(|p| start + p);
        let mut end = newline.unwrap_or(bytes.len());
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        lines.push(Line {
            start,
            end,
            newline,
        });
        start = newline.map_or(bytes.len(), |n| n + 1);
    }
    lines
}

fn content<'a>(source: &'a str, line: &Line) -> &'a str {
    source.get(line.start..line.end).unwrap_or("")
}

/// Whether a line ends with an odd number of backslashes: make joins it with
/// the next one (an even number is escaped backslashes).
fn is_continued(text: &str) -> bool {
    text.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Groups physical lines into logical lines (first and last index): make
/// joins backslash-newlines before it looks at a line, in every context.
fn logical_lines(source: &str, lines: &[Line]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let first = i;
        while i + 1 < lines.len()
            && lines
                .get(i)
                .is_some_and(|l| is_continued(content(source, l)))
        {
            i += 1;
        }
        out.push((first, i));
        i += 1;
    }
    out
}

/// Text with the source offset of each of its bytes.
#[derive(Debug, Default)]
struct Raw {
    text: String,
    offsets: Vec<u32>,
}

impl Raw {
    fn push(&mut self, piece: &str, source_start: usize) {
        self.text.push_str(piece);
        self.offsets
            .extend((0..piece.len()).map(|k| (source_start + k) as u32));
    }

    /// A byte that is not in the source; it borrows the offset of `at`.
    fn push_synthetic(&mut self, c: char, at: usize) {
        self.text.push(c);
        self.offsets
            .extend(std::iter::repeat_n(at as u32, c.len_utf8()));
    }

    /// Drops a backslash-newline that continues the line into a blank
    /// line: the shell ignores it, tree-sitter-bash reports an error.
    fn trim_dangling_continuation(&mut self) {
        loop {
            let blank = self.text.trim_end_matches([' ', '\t']);
            let Some(line) = blank.strip_suffix('\n') else {
                return;
            };
            if !is_continued(line) {
                return;
            }
            let len = line.len() - 1;
            self.text.truncate(len);
            self.offsets.truncate(len);
        }
    }

    fn offset(&self, i: usize) -> u32 {
        self.offsets
            .get(i)
            .or(self.offsets.last())
            .copied()
            .unwrap_or(0)
    }

    /// The source span of the bytes `start..end`.
    fn span(&self, start: usize, end: usize) -> Span {
        let s = self.offset(start);
        let e = if end > start {
            self.offset(end - 1) + 1
        } else {
            s
        };
        Span::new(s, e.max(s))
    }
}

/// A logical line the way make's parser sees a non-recipe line: each
/// backslash-newline and the blanks around it become one space.
fn collapse(source: &str, lines: &[Line], first: usize, last: usize) -> Raw {
    let mut raw = Raw::default();
    for i in first..=last {
        let Some(line) = lines.get(i) else { break };
        let mut text = content(source, line);
        let mut start = line.start;
        if i > first {
            let trimmed = text.trim_start_matches([' ', '\t']);
            start += text.len() - trimmed.len();
            text = trimmed;
        }
        if i < last {
            let without = text.strip_suffix('\\').unwrap_or(text);
            raw.push(without.trim_end_matches([' ', '\t']), start);
            let next = lines.get(i + 1).map_or(line.end, |l| l.start);
            raw.push_synthetic(' ', next);
        } else {
            raw.push(text, start);
        }
    }
    raw
}

/// Where a recipe line's text is.
#[derive(Clone, Copy, Debug)]
struct Recipe {
    first: usize,
    last: usize,
    /// Source offset where the recipe starts (after the recipe prefix, or
    /// after the `;` of a rule line).
    start: usize,
    prefix: char,
}

/// A recipe line as make passes it to the shell, before variables are
/// expanded: backslash-newlines kept, the recipe prefix that starts each
/// continuation line removed.
fn recipe_raw(source: &str, lines: &[Line], recipe: &Recipe) -> Raw {
    let mut raw = Raw::default();
    for i in recipe.first..=recipe.last {
        let Some(line) = lines.get(i) else { break };
        if i == recipe.first {
            if let Some(text) = source.get(recipe.start.max(line.start)..line.end) {
                raw.push(text, recipe.start.max(line.start));
            }
            continue;
        }
        if let Some(nl) = lines.get(i - 1).and_then(|l| l.newline) {
            raw.push("\n", nl);
        }
        let text = content(source, line);
        match text.strip_prefix(recipe.prefix) {
            Some(rest) => raw.push(rest, line.start + recipe.prefix.len_utf8()),
            None => raw.push(text, line.start),
        }
    }
    raw
}

/// Index just past the reference that starts with `$(` or `${` at `i`;
/// make counts only the delimiter that opened it.
fn reference_end(bytes: &[u8], i: usize) -> Option<usize> {
    let open = *bytes.get(i + 1)?;
    let close = match open {
        b'(' => b')',
        b'{' => b'}',
        _ => return None,
    };
    let mut depth = 0usize;
    for (k, &b) in bytes.iter().enumerate().skip(i + 1) {
        if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return Some(k + 1);
            }
        }
    }
    None
}

/// First of `targets` that is not escaped by a backslash, optionally
/// skipping variable references (a `:` in `$(X:.c=.o)` is not a rule's).
fn find_unquoted(text: &str, targets: &[u8], skip_references: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            i += 2;
            continue;
        }
        if skip_references && b == b'$' {
            match bytes.get(i + 1) {
                Some(b'(' | b'{') => {
                    i = reference_end(bytes, i).unwrap_or(bytes.len());
                    continue;
                }
                Some(_) => {
                    i += 2;
                    continue;
                }
                None => {}
            }
        }
        if targets.contains(&b) {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DefKind {
    /// `=`, `:=`, `::=`, `:::=`, a `define`.
    Set,
    /// `?=`: only if not defined yet (and not in the environment).
    Default,
    /// `+=`.
    Append,
    /// `!=`, a multi-line `define`, a target-specific value, `undefine`:
    /// nothing known.
    Unknown,
}

#[derive(Clone, Debug)]
struct Def {
    kind: DefKind,
    value: String,
    /// The conditional branch the definition is in (0: none).
    branch: u32,
    /// The assignment's lines (empty for a `define` block).
    span: Span,
}

/// An assignment found on a line: name, kind, and where the value starts.
struct Assignment<'a> {
    name: &'a str,
    kind: DefKind,
    value: &'a str,
}

/// Words that may precede an assignment or a `define`.
const MODIFIERS: &[&str] = &["export", "override", "private", "unexport"];

fn first_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    let end = text
        .find(|c: char| c.is_whitespace() || c == '(')
        .unwrap_or(text.len());
    (text.get(..end).unwrap_or(""), text.get(end..).unwrap_or(""))
}

fn strip_modifiers(mut text: &str) -> &str {
    loop {
        let (word, rest) = first_word(text);
        if MODIFIERS.contains(&word) && rest.starts_with(char::is_whitespace) {
            text = rest.trim_start();
        } else {
            return text.trim_start();
        }
    }
}

/// `NAME op value` on a comment-free, collapsed line, make's way: the first
/// `=` or `:` outside references decides; a `:` not followed by `=` makes it
/// a rule.
fn parse_assignment(text: &str) -> Option<Assignment<'_>> {
    let text = text.trim_start();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'$' if matches!(bytes.get(i + 1), Some(b'(' | b'{')) => {
                i = reference_end(bytes, i)?;
                continue;
            }
            b'=' => {
                let (name_end, kind) = match i.checked_sub(1).and_then(|p| bytes.get(p)) {
                    Some(b'+') => (i - 1, DefKind::Append),
                    Some(b'?') => (i - 1, DefKind::Default),
                    Some(b'!') => (i - 1, DefKind::Unknown),
                    _ => (i, DefKind::Set),
                };
                return assignment(text, name_end, kind, i + 1);
            }
            b':' => {
                let colons = bytes
                    .get(i..)
                    .map_or(0, |r| r.iter().take_while(|&&c| c == b':').count());
                if colons <= 3 && bytes.get(i + colons) == Some(&b'=') {
                    return assignment(text, i, DefKind::Set, i + colons + 1);
                }
                return None;
            }
            _ => i += 1,
        }
    }
    None
}

fn assignment(
    text: &str,
    name_end: usize,
    kind: DefKind,
    value_start: usize,
) -> Option<Assignment<'_>> {
    let name = text.get(..name_end)?.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    // Make strips the blanks before a value, not those after it.
    let value = text.get(value_start..)?.trim_start_matches([' ', '\t']);
    Some(Assignment { name, kind, value })
}

/// Make removes a backslash that escapes a `#`.
fn unescape_hash(value: &str) -> String {
    value.replace("\\#", "#")
}

/// The line up to its comment, if any.
fn strip_comment(text: &str) -> &str {
    match find_unquoted(text, b"#", false) {
        Some(i) => text.get(..i).unwrap_or(text),
        None => text,
    }
}

#[derive(Debug)]
struct Define {
    name: String,
    kind: DefKind,
    body: Vec<String>,
    nesting: usize,
    branch: u32,
    span: Span,
}

#[derive(Debug, Default)]
struct Read {
    recipes: Vec<Recipe>,
    defs: HashMap<String, Vec<Def>>,
    comments: Vec<Origin>,
    errors: Vec<(Origin, String)>,
}

/// The first pass: make's reader, minus evaluation of conditionals (every
/// branch is read).
struct Reader<'a> {
    source: &'a str,
    lines: &'a [Line],
    in_rule: bool,
    prefix: char,
    define: Option<Define>,
    branches: Vec<u32>,
    next_branch: u32,
    read: Read,
    /// The logical line being read.
    current: Span,
}

impl<'a> Reader<'a> {
    fn new(source: &'a str, lines: &'a [Line]) -> Self {
        Reader {
            source,
            lines,
            in_rule: false,
            prefix: '\t',
            define: None,
            branches: Vec::new(),
            next_branch: 1,
            read: Read::default(),
            current: Span::default(),
        }
    }

    fn branch(&self) -> u32 {
        self.branches.last().copied().unwrap_or(0)
    }

    fn define(&mut self, name: &str, kind: DefKind, value: String) {
        let branch = self.branch();
        let span = self.current;
        self.read
            .defs
            .entry(name.to_string())
            .or_default()
            .push(Def {
                kind,
                value,
                branch,
                span,
            });
    }

    fn read(mut self, logical: &[(usize, usize)]) -> Read {
        for &(first, last) in logical {
            self.line(first, last);
        }
        if let Some(define) = self.define.take() {
            self.read.errors.push((
                Origin::new(0, define.span),
                format!("`define {}` has no `endef`", define.name),
            ));
        }
        self.read
    }

    fn line(&mut self, first: usize, last: usize) {
        let Some(&head) = self.lines.get(first) else {
            return;
        };
        let end = self.lines.get(last).map_or(head.end, |l| l.end);
        self.current = Span::from_range(head.start..end.max(head.start));
        let text = content(self.source, &head);
        if self.define.is_some() {
            self.define_line(first, last, text);
            return;
        }
        if self.in_rule && text.starts_with(self.prefix) {
            self.read.recipes.push(Recipe {
                first,
                last,
                start: head.start + self.prefix.len_utf8(),
                prefix: self.prefix,
            });
            return;
        }
        let collapsed = collapse(self.source, self.lines, first, last);
        let line = collapsed.text.as_str();
        let code = strip_comment(line);
        if code.trim().is_empty() {
            // Blank and comment lines leave a rule's recipe open.
            let lead = line.len() - line.trim_start().len();
            if line.get(lead..).is_some_and(|t| t.starts_with('#')) {
                let end = self.lines.get(last).map_or(head.end, |l| l.end);
                let start = collapsed.offset(lead) as usize;
                self.read
                    .comments
                    .push(Origin::new(0, Span::from_range(start..end)));
            }
            return;
        }
        let stripped = strip_modifiers(code);
        if let Some(a) = parse_assignment(stripped).or_else(|| parse_assignment(code)) {
            self.in_rule = false;
            let value = unescape_hash(a.value);
            if a.name == ".RECIPEPREFIX"
                && matches!(a.kind, DefKind::Set | DefKind::Default)
                && !value.contains('$')
            {
                self.prefix = value.chars().next().unwrap_or('\t');
            }
            self.define(a.name, a.kind, value);
            return;
        }
        match first_word(stripped) {
            ("define", rest) => {
                self.in_rule = false;
                self.start_define(rest, collapsed.span(0, line.len()));
                return;
            }
            ("undefine", rest) => {
                self.in_rule = false;
                for name in rest.split_whitespace() {
                    self.define(name, DefKind::Unknown, String::new());
                }
                return;
            }
            _ => {}
        }
        match first_word(code).0 {
            "ifeq" | "ifneq" | "ifdef" | "ifndef" => {
                self.branches.push(self.next_branch);
                self.next_branch += 1;
            }
            "else" => {
                if let Some(top) = self.branches.last_mut() {
                    *top = self.next_branch;
                    self.next_branch += 1;
                }
            }
            "endif" => {
                self.branches.pop();
            }
            "include" | "-include" | "sinclude" | "vpath" | "load" | "-load" => {
                self.in_rule = false;
            }
            w if MODIFIERS.contains(&w) => self.in_rule = false,
            _ => self.rule_line(&collapsed),
        }
    }

    fn rule_line(&mut self, collapsed: &Raw) {
        let line = collapsed.text.as_str();
        let cut = find_unquoted(line, b";#", true);
        let head = cut.and_then(|c| line.get(..c)).unwrap_or(line);
        let Some(colon) = find_unquoted(head, b":", true) else {
            self.in_rule = false;
            return;
        };
        let after = head.get(colon..).unwrap_or("").trim_start_matches(':');
        if find_unquoted(after, b"=", true).is_some() {
            // `target: NAME = value`: the value holds only for that target,
            // so elsewhere the name's value cannot be known.
            self.in_rule = false;
            if let Some(a) = parse_assignment(strip_modifiers(after)) {
                self.define(a.name, DefKind::Unknown, String::new());
            }
            return;
        }
        self.in_rule = true;
        if let Some(c) = cut
            && line.as_bytes().get(c) == Some(&b';')
        {
            let start = collapsed.offset(c) as usize + 1;
            let first = self.line_of(start);
            let last = self.last_of(first);
            self.read.recipes.push(Recipe {
                first,
                last,
                start,
                prefix: self.prefix,
            });
        }
    }

    /// The physical line holding source offset `at`.
    fn line_of(&self, at: usize) -> usize {
        self.lines
            .partition_point(|l| l.newline.is_some_and(|n| n < at))
    }

    /// The last physical line of the logical line continuing from `first`.
    fn last_of(&self, first: usize) -> usize {
        let mut i = first;
        while i + 1 < self.lines.len()
            && self
                .lines
                .get(i)
                .is_some_and(|l| is_continued(content(self.source, l)))
        {
            i += 1;
        }
        i
    }

    fn start_define(&mut self, rest: &str, span: Span) {
        let rest = rest.trim();
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name_end = match rest.get(..name_end) {
            // `define NAME:=` or `NAME+=` written without blanks.
            Some(n) if n.ends_with("::") || n.ends_with(":::") => {
                name_end - n.chars().rev().take_while(|&c| c == ':').count()
            }
            Some(n) if n.ends_with([':', '+', '?', '!']) && rest.get(name_end..) == Some("=") => {
                name_end - 1
            }
            _ => name_end,
        };
        let name = rest.get(..name_end).unwrap_or("").to_string();
        let op = rest.get(name_end..).unwrap_or("").trim();
        let kind = match op {
            "" | "=" | ":=" | "::=" | ":::=" => DefKind::Set,
            "?=" => DefKind::Default,
            "+=" => DefKind::Append,
            _ => DefKind::Unknown,
        };
        self.define = Some(Define {
            name,
            kind,
            body: Vec::new(),
            nesting: 1,
            branch: self.branch(),
            span,
        });
    }

    fn define_line(&mut self, first: usize, last: usize, text: &str) {
        let Some(define) = self.define.as_mut() else {
            return;
        };
        // Like make, `define` and `endef` count only on lines that do not
        // start with the recipe prefix.
        if !text.starts_with(self.prefix) {
            let (word, rest) = first_word(text);
            let bare = rest.is_empty() || rest.starts_with(char::is_whitespace);
            if word == "define" && bare {
                define.nesting += 1;
            } else if word == "endef" && bare {
                define.nesting -= 1;
                if define.nesting == 0 {
                    if let Some(define) = self.define.take() {
                        self.end_define(define);
                    }
                    return;
                }
            }
        }
        let end = self.lines.get(last).map_or(0, |l| l.end);
        let start = self.lines.get(first).map_or(0, |l| l.start);
        define
            .body
            .push(self.source.get(start..end).unwrap_or("").to_string());
    }

    fn end_define(&mut self, define: Define) {
        // A one-line body is an ordinary value; a longer one is a canned
        // recipe whose lines make runs one by one, which a single
        // substitution cannot stand for.
        let (kind, value) = match define.body.as_slice() {
            [] => (define.kind, String::new()),
            [line] if !line.contains('\n') => (define.kind, line.clone()),
            _ => (DefKind::Unknown, String::new()),
        };
        self.read.defs.entry(define.name).or_default().push(Def {
            kind,
            value,
            branch: define.branch,
            span: Span::default(),
        });
    }
}

/// A piece of a variable's expanded value.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// A reference whose value cannot be known, as its shell placeholder.
    Unknown(String),
}

/// Pieces of a value, adjacent texts merged.
#[derive(Default)]
struct Pieces {
    pieces: Vec<Piece>,
    len: usize,
}

impl Pieces {
    fn push(&mut self, piece: Piece) {
        match (piece, self.pieces.last_mut()) {
            (Piece::Text(t), _) if t.is_empty() => {}
            (Piece::Text(t), Some(Piece::Text(last))) => {
                self.len += t.len();
                last.push_str(&t);
            }
            (p, _) => {
                self.len += match &p {
                    Piece::Text(t) | Piece::Unknown(t) => t.len(),
                };
                self.pieces.push(p);
            }
        }
    }
}

/// What is inside `$(...)`: a variable's name, or something whose value
/// cannot be known here (a function call, a substitution reference, a
/// computed name).
fn reference_name(inner: &str) -> Option<&str> {
    let plain = !inner.is_empty()
        && !inner.contains(|c: char| {
            c.is_whitespace() || matches!(c, '$' | ':' | ',' | '(' | ')' | '{' | '}' | '=' | '#')
        });
    plain.then_some(inner)
}

/// `$@`, `$<`, `$(@D)` ...: set by make for each target.
fn is_automatic(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(
        chars.next(),
        Some('@' | '<' | '^' | '*' | '?' | '+' | '|' | '%')
    ) && matches!(chars.next(), None | Some('D' | 'F'))
        && chars.next().is_none()
}

/// A shell word fragment standing for an unknown make value: an expansion,
/// so that the shell parser (even in a nested `sh -c` string) sees a value
/// it cannot know.
fn placeholder(name: Option<&str>) -> String {
    match name {
        Some(n)
            if n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            format!("${{{n}}}")
        }
        _ => "${_}".to_string(),
    }
}

/// A reference at `i` (the `$`): its end and its name (`None` for one that
/// names no plain variable). `None` when it is not a reference.
fn reference_at(text: &str, i: usize) -> Option<(usize, Option<&str>)> {
    let bytes = text.as_bytes();
    match bytes.get(i + 1)? {
        b'(' | b'{' => {
            let end = reference_end(bytes, i)?;
            let inner = text.get(i + 2..end - 1)?;
            Some((end, reference_name(inner)))
        }
        b'$' => None,
        _ => {
            let c = text.get(i + 1..)?.chars().next()?;
            let end = i + 1 + c.len_utf8();
            Some((end, text.get(i + 1..end)))
        }
    }
}

/// The values of the file's variables, as far as they can be known.
struct Resolver<'a> {
    defs: &'a HashMap<String, Vec<Def>>,
    memo: HashMap<String, Option<Vec<Piece>>>,
    active: Vec<String>,
}

impl<'a> Resolver<'a> {
    fn new(defs: &'a HashMap<String, Vec<Def>>) -> Self {
        Resolver {
            defs,
            memo: HashMap::new(),
            active: Vec::new(),
        }
    }

    /// The unexpanded value of `name`, when the file leaves no doubt about
    /// it: its parts, `None` for one that cannot be known. The reader does
    /// not evaluate conditionals, so definitions that differ are unknown,
    /// and text appended under a conditional the value's definition is not
    /// under may or may not be there.
    fn raw_value(&self, name: &str) -> Option<Vec<Option<String>>> {
        let defs = self.defs.get(name)?;
        let first = defs.first()?;
        if defs.iter().any(|d| d.kind == DefKind::Unknown) {
            return None;
        }
        let mut setters = defs.iter().filter(|d| d.kind != DefKind::Append);
        let setter = setters.next();
        if let Some(s) = setter
            && setters.any(|o| o.value != s.value)
        {
            return None;
        }
        let base = setter.map_or(first.branch, |s| s.branch);
        let one_branch = defs.iter().all(|d| d.branch == first.branch);
        let mut value: Option<Vec<Option<String>>> = None;
        let mut appended = false;
        for d in defs {
            match d.kind {
                DefKind::Set | DefKind::Default if appended && !one_branch => return None,
                DefKind::Set => value = Some(vec![Some(d.value.clone())]),
                DefKind::Default if value.is_none() => value = Some(vec![Some(d.value.clone())]),
                DefKind::Append => {
                    appended = true;
                    let certain = d.branch == 0 || d.branch == base;
                    let part = certain.then(|| d.value.clone());
                    match value.as_mut() {
                        Some(parts)
                            if parts
                                .iter()
                                .any(|p| p.as_ref().is_none_or(|t| !t.is_empty())) =>
                        {
                            parts.push(Some(" ".to_string()));
                            parts.push(part);
                        }
                        _ => value = Some(vec![part]),
                    }
                }
                _ => {}
            }
        }
        value
    }

    /// The expanded value of `name`, unknown references inside it kept as
    /// placeholders.
    fn lookup(&mut self, name: &str, depth: usize) -> Option<Vec<Piece>> {
        if is_automatic(name) {
            return None;
        }
        if let Some(known) = self.memo.get(name) {
            return known.clone();
        }
        if depth > MAX_DEPTH || self.active.iter().any(|a| a == name) {
            return None;
        }
        let raw = self.raw_value(name);
        self.active.push(name.to_string());
        // A value with nothing known in it reads better as the variable's
        // own placeholder (`${PWD}` for `PWD = $(shell pwd)`).
        let value = raw
            .and_then(|parts| {
                let mut out = Pieces::default();
                for part in parts {
                    match part {
                        Some(text) => self
                            .expand(&text, depth + 1)?
                            .into_iter()
                            .for_each(|p| out.push(p)),
                        None => out.push(Piece::Unknown(placeholder(Some(name)))),
                    }
                }
                Some(out.pieces)
            })
            .filter(|p| p.is_empty() || p.iter().any(|p| matches!(p, Piece::Text(_))));
        self.active.pop();
        self.memo.insert(name.to_string(), value.clone());
        value
    }

    fn expand(&mut self, text: &str, depth: usize) -> Option<Vec<Piece>> {
        let mut out = Pieces::default();
        let mut i = 0;
        let mut run = 0;
        while let Some(at) = text.get(i..).and_then(|r| r.find('$')).map(|p| i + p) {
            out.push(Piece::Text(text.get(run..at)?.to_string()));
            if text.as_bytes().get(at + 1) == Some(&b'$') {
                out.push(Piece::Text("$".to_string()));
                i = at + 2;
            } else if let Some((end, name)) = reference_at(text, at) {
                match name.and_then(|n| self.lookup(n, depth)) {
                    Some(value) => value.into_iter().for_each(|p| out.push(p)),
                    None => out.push(Piece::Unknown(placeholder(name))),
                }
                i = end;
            } else {
                // A `$` ending the value, or an unterminated reference.
                out.push(Piece::Unknown(placeholder(None)));
                i = text.len();
            }
            run = i;
            if out.len > MAX_VALUE_LEN {
                return None;
            }
        }
        out.push(Piece::Text(text.get(run..)?.to_string()));
        Some(out.pieces)
    }

    /// Where `name` is assigned (its last assignment), for a label.
    fn definition(&self, name: &str) -> Option<Span> {
        self.defs
            .get(name)?
            .iter()
            .rev()
            .map(|d| d.span)
            .find(|s| !s.is_empty())
    }

    /// Whether every value `name` may have is made only of the characters
    /// make strips from the start of a recipe line (`Q = @`, or `@` and
    /// nothing in two branches): `$(Q)docker run` runs `docker`.
    fn is_prefix_only(&self, name: &str) -> bool {
        let Some(defs) = self.defs.get(name) else {
            return false;
        };
        !defs.is_empty()
            && defs.iter().all(|d| {
                d.kind != DefKind::Unknown
                    && d.value
                        .chars()
                        .all(|c| matches!(c, '@' | '-' | '+' | ' ' | '\t'))
            })
    }

    /// Where the command starts in a recipe line: make strips blanks and
    /// `@`, `-`, `+` after expanding it, so those that come from a variable
    /// are stripped too.
    fn skip_recipe_prefixes(&self, text: &str) -> usize {
        let mut i = 0;
        loop {
            let rest = text.get(i..).unwrap_or("");
            let skipped = rest.len() - rest.trim_start_matches(['@', '-', '+', ' ', '\t']).len();
            i += skipped;
            if text.as_bytes().get(i) == Some(&b'$')
                && let Some((end, Some(name))) = reference_at(text, i)
                && self.is_prefix_only(name)
            {
                i = end;
                continue;
            }
            if skipped == 0 {
                return i;
            }
        }
    }

    /// The recipe's shell text from byte `from` of `raw`: source bytes
    /// copied, `$$` and known variables replaced, unknown references as
    /// placeholders.
    fn emit(&mut self, raw: &Raw, from: usize) -> MappedText {
        let mut out = MappedText::new();
        let text = raw.text.as_str();
        let mut i = from;
        let mut run = from;
        while let Some(at) = text.get(i..).and_then(|r| r.find('$')).map(|p| i + p) {
            copy_run(&mut out, raw, run, at);
            if text.as_bytes().get(at + 1) == Some(&b'$') {
                out.push_replacement("$", raw.span(at, at + 2));
                i = at + 2;
            } else if let Some((end, name)) = reference_at(text, at) {
                let span = raw.span(at, end);
                let defined = name.and_then(|n| self.definition(n)).unwrap_or_default();
                match name.and_then(|n| self.lookup(n, 0)) {
                    Some(pieces) => {
                        for piece in pieces {
                            match piece {
                                Piece::Text(t) => out.push_defined(&t, span, defined),
                                Piece::Unknown(p) => out.push_unknown(&p, span),
                            }
                        }
                    }
                    None => out.push_unknown(&placeholder(name), span),
                }
                i = end;
            } else {
                // A `$` ending the line, or an unterminated reference (an
                // error for make): kept as written.
                copy_run(&mut out, raw, at, at + 1);
                i = at + 1;
            }
            run = i;
        }
        copy_run(&mut out, raw, run, text.len());
        out
    }
}

/// Copies `raw[start..end]`, one piece per stretch of consecutive source
/// bytes (a removed recipe prefix or `\r` breaks a stretch).
fn copy_run(out: &mut MappedText, raw: &Raw, start: usize, end: usize) {
    let mut a = start;
    while a < end {
        let mut b = a + 1;
        while b < end && raw.offsets.get(b).copied() == raw.offsets.get(b - 1).map(|o| o + 1) {
            b += 1;
        }
        if let Some(piece) = raw.text.get(a..b) {
            out.push(piece, raw.offset(a));
        }
        a = b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::{Script, Word, parse_script};

    fn texts(src: &str) -> Vec<String> {
        extract(src)
            .blocks
            .iter()
            .map(|b| b.text.as_str().to_string())
            .collect()
    }

    fn scripts(src: &str) -> Vec<Script> {
        extract(src)
            .blocks
            .iter()
            .map(|b| parse_script(&b.text))
            .collect()
    }

    /// The words of the first command of block `i`.
    fn words(src: &str, i: usize) -> Vec<Word> {
        scripts(src)
            .into_iter()
            .nth(i)
            .and_then(|s| s.commands.into_iter().next())
            .map(|c| c.words)
            .unwrap_or_default()
    }

    fn values(words: &[Word]) -> Vec<&str> {
        words.iter().map(Word::as_str).collect()
    }

    fn word<'a>(words: &'a [Word], value: &str) -> &'a Word {
        words
            .iter()
            .find(|w| w.value == value)
            .unwrap_or_else(|| panic!("no word {value:?} in {words:?}"))
    }

    fn comments(src: &str) -> Vec<&str> {
        extract(src)
            .comments
            .iter()
            .map(|c| c.span.slice(src))
            .collect()
    }

    #[test]
    fn tab_recipes_lose_the_tab_and_their_prefixes() {
        let src = "IMAGE = alpine:3\nrun: dep\n\t@-docker run --privileged $(IMAGE) sh\n\t+ @ -docker ps\n";
        assert_eq!(
            texts(src),
            ["docker run --privileged alpine:3 sh", "docker ps"]
        );
        let w = words(src, 0);
        assert_eq!(
            values(&w),
            ["docker", "run", "--privileged", "alpine:3", "sh"]
        );
        assert_eq!(w[0].span.slice(src), "docker");
        assert_eq!(word(&w, "--privileged").span.slice(src), "--privileged");
        let image = word(&w, "alpine:3");
        assert_eq!(image.span.slice(src), "$(IMAGE)");
        assert!(!image.dynamic);
    }

    #[test]
    fn rule_forms_open_recipes() {
        let src = "%.o: %.c\n\tdocker run a\nobjs: %.x: %.y\n\tdocker run b\nall:: x\n\tdocker run c\n$(OUT)/bin: in\n\tdocker run d\na b &: c\n\tdocker run e\n";
        assert_eq!(
            texts(src),
            [
                "docker run a",
                "docker run b",
                "docker run c",
                "docker run d",
                "docker run e"
            ]
        );
    }

    #[test]
    fn recipe_prefix_can_be_changed() {
        let src = ".RECIPEPREFIX = >\nall:\n> docker run --privileged x\n\tnot a recipe\nb:\n>\techo b\n.RECIPEPREFIX :=\nc:\n\techo c\n";
        assert_eq!(
            texts(src),
            ["docker run --privileged x", "echo b", "echo c"]
        );
        let w = words(src, 0);
        assert_eq!(word(&w, "--privileged").span.slice(src), "--privileged");
    }

    #[test]
    fn continuations_keep_the_backslash_newline_and_drop_one_tab() {
        let src = "all:\n\tdocker run \\\n\t\t--privileged \\\n  x\n";
        assert_eq!(texts(src), ["docker run \\\n\t--privileged \\\n  x"]);
        let w = words(src, 0);
        assert_eq!(values(&w), ["docker", "run", "--privileged", "x"]);
        let privileged = word(&w, "--privileged");
        assert_eq!(privileged.span.slice(src), "--privileged");
        // On the second physical line, after its two tabs.
        assert_eq!(
            privileged.span.start as usize,
            src.find("--priv").unwrap_or(0)
        );
    }

    #[test]
    fn continuation_into_a_blank_line_is_dropped() {
        let src = "all:\n\tdocker run x; \\\n\n\techo next\n";
        assert_eq!(texts(src), ["docker run x; ", "echo next"]);
        assert!(!scripts(src)[0].has_errors);
    }

    #[test]
    fn crlf_line_endings() {
        let src = "IMAGE = app\r\nall:\r\n\tdocker run \\\r\n\t--privileged $(IMAGE)\r\n# note\r\n";
        assert_eq!(texts(src), ["docker run \\\n--privileged app"]);
        let w = words(src, 0);
        assert_eq!(values(&w), ["docker", "run", "--privileged", "app"]);
        assert_eq!(word(&w, "--privileged").span.slice(src), "--privileged");
        assert_eq!(word(&w, "app").span.slice(src), "$(IMAGE)");
        assert_eq!(comments(src), ["# note"]);
    }

    #[test]
    fn double_dollar_is_a_shell_dollar() {
        let src = "all:\n\tdocker run -e HOME=$$HOME -u $$(id -u) x\n";
        assert_eq!(texts(src), ["docker run -e HOME=$HOME -u $(id -u) x"]);
        let w = words(src, 0);
        let home = word(&w, "HOME=$HOME");
        assert_eq!(home.span.slice(src), "HOME=$$HOME");
        assert!(home.dynamic);
        assert_eq!(word(&w, "$(id -u)").span.slice(src), "$$(id -u)");
    }

    #[test]
    fn unknown_references_are_dynamic_words() {
        let src = "all:\n\tdocker run -v $(CURDIR):/src -u $(shell id -u) --name $@ -w $(@D) ${UNDEF} $(call img,$(X)) $(shell echo $(Y)) $(SRC:.c=.o) $X\n";
        let w = words(src, 0);
        assert_eq!(
            values(&w),
            [
                "docker",
                "run",
                "-v",
                "${CURDIR}:/src",
                "-u",
                "${_}",
                "--name",
                "${_}",
                "-w",
                "${_}",
                "${UNDEF}",
                "${_}",
                "${_}",
                "${_}",
                "${X}"
            ]
        );
        let slices: Vec<&str> = w.iter().skip(3).map(|w| w.span.slice(src)).collect();
        assert_eq!(
            slices,
            [
                "$(CURDIR):/src",
                "-u",
                "$(shell id -u)",
                "--name",
                "$@",
                "-w",
                "$(@D)",
                "${UNDEF}",
                "$(call img,$(X))",
                "$(shell echo $(Y))",
                "$(SRC:.c=.o)",
                "$X"
            ]
        );
        for i in [3, 5, 7, 9, 10, 11, 12, 13, 14] {
            assert!(w[i].dynamic, "{:?}", w[i]);
        }
        assert!(!w[4].dynamic);
    }

    #[test]
    fn assignment_forms() {
        let src = "A=1\nB := 2\nC ::= 3\nD ?= 4\nexport E = 5\noverride F:=6\nexport override G =7\nH != echo 8\nI = 9 # comment\nJ = a\\#b\nall:\n\techo $(A) $(B) $(C) $(D) $(E) $(F) $(G) $(H) $(I)x $(J)\n";
        assert_eq!(texts(src), ["echo 1 2 3 4 5 6 7 ${H} 9 x a#b"]);
    }

    #[test]
    fn values_referencing_values_are_expanded() {
        let src = "REG = docker.io\nIMG = $(REG)/app:${TAG}\nTAG := 1\nall:\n\tdocker run $(IMG) $(LATE)\nLATE = late$$x\n";
        let w = words(src, 0);
        assert_eq!(values(&w), ["docker", "run", "docker.io/app:1", "late$x"]);
        assert_eq!(w[2].span.slice(src), "$(IMG)");
        assert!(!w[2].dynamic);
    }

    #[test]
    fn unknown_parts_of_a_value_stay_unknown() {
        let src = "RUN ?= docker run --rm \\\n\t--security-opt seccomp=unconfined \\\n\t-v $(CURDIR):/v\nall:\n\t$(RUN) img\n";
        assert_eq!(
            texts(src),
            ["docker run --rm --security-opt seccomp=unconfined -v ${CURDIR}:/v img"]
        );
        let w = words(src, 0);
        let opt = word(&w, "seccomp=unconfined");
        assert_eq!(opt.span.slice(src), "$(RUN)");
        assert!(!opt.dynamic);
        assert!(word(&w, "${CURDIR}:/v").dynamic);
    }

    #[test]
    fn values_known_in_nothing_are_the_variable() {
        let src = "PWD = $(shell pwd)\nNAME := $(or $(NAME),selenium)\nE =\nall:\n\tdocker run -v $(PWD):/x $(NAME)/app$(E)\n";
        assert_eq!(texts(src), ["docker run -v ${PWD}:/x ${NAME}/app"]);
    }

    #[test]
    fn cycles_and_deep_nesting_are_unknown() {
        let src = "A = $(B)\nB = x$(A)\nall:\n\techo $(A) $(B)\n";
        let w = words(src, 0);
        assert!(w[1].dynamic && w[2].dynamic, "{w:?}");
        let mut deep = String::new();
        for i in 0..100 {
            deep.push_str(&format!("V{i} = $(V{}) $(V{})\n", i + 1, i + 1));
        }
        deep.push_str("V100 = x\nall:\n\techo $(V0)\n");
        assert_eq!(extract(&deep).blocks.len(), 1);
    }

    #[test]
    fn conflicting_definitions_are_unknown() {
        let src = "ifeq ($(ARCH),arm)\nIMG = a\nelse\nIMG = b\nendif\nifdef X\nSAME = s\nelse\nSAME = s\nendif\nD ?= d\nD = e\nONLY ?= o\nall:\n\techo $(IMG) $(SAME) $(D) $(ONLY)\n";
        assert_eq!(texts(src), ["echo ${IMG} s ${D} o"]);
    }

    #[test]
    fn appends() {
        let src = "F = --rm\nF += --privileged\nG += -it\nifdef DEBUG\nH = --rm\nH += --privileged\nendif\nK = --rm\nifdef DEBUG\nK += --privileged\nendif\nall:\n\tdocker run $(F) $(G) $(H) $(K) x\n";
        let w = words(src, 0);
        assert_eq!(
            values(&w),
            [
                "docker",
                "run",
                "--rm",
                "--privileged",
                "-it",
                "--rm",
                "--privileged",
                "--rm",
                "${K}",
                "x"
            ]
        );
        assert_eq!(word(&w, "-it").span.slice(src), "$(G)");
        assert!(w[8].dynamic);

        // A conditional definition after an append may reset the value.
        let src = "F = a\nF += b\nifdef X\nF = a\nendif\nall:\n\techo $(F)\n";
        assert_eq!(texts(src), ["echo ${F}"]);
        // Appends in no branch of their own, after definitions in branches.
        let src = "ifdef X\nF = a\nelse\nF = a\nendif\nF += b\nall:\n\techo $(F)\n";
        assert_eq!(texts(src), ["echo a b"]);
    }

    #[test]
    fn target_specific_values_are_unknown() {
        let src =
            "IMG = a\ntest: IMG = b\ntest: export OPT := c\nOPT = c\nall:\n\techo $(IMG) $(OPT)\n";
        assert_eq!(texts(src), ["echo ${IMG} ${OPT}"]);
    }

    #[test]
    fn silencing_variables_are_stripped_like_prefixes() {
        let src = "ifeq ($(V),1)\nQ =\nelse\nQ = @\nendif\nall:\n\t$(Q)docker run --privileged x\n\t-$(Q) docker ps\n";
        let s = scripts(src);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].commands[0].program(), Some("docker"));
        assert_eq!(texts(src), ["docker run --privileged x", "docker ps"]);
    }

    #[test]
    fn define_blocks_are_not_recipes() {
        let src = "all:\ndefine RUN\n\tdocker run --privileged x\n  define INNER\n\tx\n  endef\nendef\n\techo not a recipe\nONE = 1\ndefine IMG :=\nalpine\nendef\nb:\n\tdocker run $(IMG) $(RUN)\n";
        assert_eq!(texts(src), ["docker run alpine ${RUN}"]);
        let w = words(src, 0);
        assert_eq!(word(&w, "alpine").span.slice(src), "$(IMG)");
        let unterminated = extract("define X\nall:\n\techo\n");
        assert!(unterminated.blocks.is_empty());
        assert_eq!(unterminated.errors.len(), 1);
    }

    #[test]
    fn inline_recipes_after_a_semicolon() {
        let src = "all: dep ; @docker run --privileged x # shell comment\nb: # make comment ; not a recipe\nc: ; docker run \\\n\t-it y\n";
        assert_eq!(
            texts(src),
            [
                "docker run --privileged x # shell comment",
                "docker run \\\n-it y"
            ]
        );
        let w = words(src, 0);
        assert_eq!(word(&w, "--privileged").span.slice(src), "--privileged");
        let w = words(src, 1);
        assert_eq!(word(&w, "-it").span.slice(src), "-it");
    }

    #[test]
    fn conditionals_keep_the_recipe_open_and_assignments_end_it() {
        let src = "all:\nifeq ($(X),1)\n\tdocker run a\nelse\n\tdocker run b\nendif\n\n# comment\n\tdocker run c\nX = 1\n\tdocker run d\n";
        assert_eq!(texts(src), ["docker run a", "docker run b", "docker run c"]);
    }

    #[test]
    fn make_comments_are_recorded_shell_comments_are_not() {
        let src = "# top\nall:\n  # dockhard ignore=DH001\n\t# shell comment\n\tdocker run x\n\n# a \\\n  continued comment\nX = 1 # trailing\n";
        assert_eq!(
            comments(src),
            [
                "# top",
                "# dockhard ignore=DH001",
                "# a \\\n  continued comment"
            ]
        );
        let s = scripts(src);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].comments.len(), 1);
        assert_eq!(s[0].comments[0].slice(src), "# shell comment");
    }

    #[test]
    fn tabbed_lines_outside_rules_are_make_lines() {
        let src =
            "ifdef B\n\tFLAG = --privileged\nendif\n\techo stray\nall:\n\tdocker run $(FLAG) x\n";
        assert_eq!(texts(src), ["docker run --privileged x"]);
    }

    #[test]
    fn never_panics() {
        let src = "X = $(\nY = ${a\nall: ; $(\n\t$\n\t$(X\n\techo é$é $(é) \\\n\t\\\ndéfine\ndefine\nendef\n\t\r\n\\\n:\n=\n::=\n.RECIPEPREFIX = é\na:\né x $(\n";
        let mut cuts = vec![];
        for (i, _) in src.char_indices() {
            cuts.push(&src[..i]);
            cuts.push(&src[i..]);
        }
        for s in cuts {
            let out = extract(s);
            for b in &out.blocks {
                let _ = parse_script(&b.text);
                assert!(b.text.full_span().end as usize <= s.len());
            }
        }
    }
}
