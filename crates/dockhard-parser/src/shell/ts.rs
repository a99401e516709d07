//! The tree-sitter-bash backend: CST to [`Script`].

use std::cell::RefCell;

use tree_sitter::{Node, Parser, TreeCursor};

use super::{
    Assignment, Command, HeredocInput, Op, Origin, Redirect, SHELLS, Script, Word, argv_start,
    shell_body, shell_command_string,
};
use crate::mapped::MappedText;
use crate::span::Span;

/// Nesting limit for `sh -c "sh -c '...'"` chains.
const MAX_DEPTH: u32 = 8;

/// Nesting limit for the syntax tree (`$( $( ... ) )`, subshells, compound
/// commands), counted across nested scripts: the walk recurses once per
/// level. What is nested deeper is not read, and the script is marked as
/// not read completely. (A list `a && b && ...` nests in the tree at each
/// operator but is walked as a sequence: it does not count.)
pub(super) const MAX_NESTING: usize = 256;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn with_parser<R>(f: impl FnOnce(&mut Parser) -> R) -> Option<R> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        slot.as_mut().map(f)
    })
}

pub(super) fn parse(
    text: &MappedText,
    depth: u32,
    origin: Origin,
    heredocs: &[HeredocInput],
) -> Script {
    parse_nested(text, depth, origin, heredocs, 0)
}

/// [`parse`] for a script nested in another whose walk is `nesting` deep.
fn parse_nested(
    text: &MappedText,
    depth: u32,
    origin: Origin,
    heredocs: &[HeredocInput],
    nesting: usize,
) -> Script {
    if depth > MAX_DEPTH || text.is_empty() {
        return Script::default();
    }
    // Heredoc markers become input redirections of the same length, so that
    // offsets are kept and the rest of the line parses as the shell sees it.
    let mut src = text.as_str().to_string();
    let mut heredoc_targets = Vec::new();
    for (index, heredoc) in heredocs.iter().enumerate() {
        let Some(at) = text.text_offset(heredoc.marker.start) else {
            continue;
        };
        let len = heredoc.marker.len() as usize;
        let Some(word) = src.get(at..at + len) else {
            continue;
        };
        let Some(op) = word.find("<<") else { continue };
        let op_len = if word[op + 2..].starts_with('-') {
            3
        } else {
            2
        };
        let replacement = format!("<{}", " ".repeat(op_len - 1));
        src.replace_range(at + op..at + op + op_len, &replacement);
        heredoc_targets.push((at + op + op_len, at + len, index));
    }
    let Some(Some(tree)) = with_parser(|p| p.parse(&src, None)) else {
        return Script {
            has_errors: true,
            ..Script::default()
        };
    };
    let root = tree.root_node();
    let mut walker = Walker {
        src: &src,
        text,
        depth,
        heredocs,
        heredoc_targets,
        script: Script {
            has_errors: root.has_error(),
            ..Script::default()
        },
        next_pipeline: 0,
        current_pipeline: None,
        pending: Op::Seq,
        origin,
        nesting,
        cursors: Vec::new(),
    };
    walker.walk(root);
    walker.script
}

/// A shell invocation that reads its script from standard input: no `-c`
/// string and no script file argument.
fn reads_stdin(command: &Command) -> bool {
    shell_command_string(command.args()).is_none()
        && command
            .args()
            .iter()
            .all(|w| w.value.starts_with('-') || w.value.starts_with('+'))
}

struct Walker<'a> {
    src: &'a str,
    text: &'a MappedText,
    depth: u32,
    heredocs: &'a [HeredocInput],
    /// Byte ranges (in `src`) of heredoc delimiter words, with the heredoc index.
    heredoc_targets: Vec<(usize, usize, usize)>,
    script: Script,
    next_pipeline: u32,
    current_pipeline: Option<u32>,
    pending: Op,
    origin: Origin,
    /// How deep the walk is (see [`MAX_NESTING`]).
    nesting: usize,
    /// Tree cursors to reuse, one per level of `walk_children` in use:
    /// walking a tree allocates no cursor per node.
    cursors: Vec<TreeCursor<'a>>,
}

impl<'a> Walker<'a> {
    fn span(&self, node: Node) -> Span {
        self.text.span(node.start_byte(), node.end_byte())
    }

    fn walk(&mut self, node: Node<'a>) {
        if self.nesting >= MAX_NESTING {
            self.script.has_errors = true;
            return;
        }
        self.nesting += 1;
        self.walk_node(node);
        self.nesting -= 1;
    }

    /// Appends a nested script's commands, with pipelines of their own.
    fn append(&mut self, script: Script) {
        self.next_pipeline = self.script.append(script, self.next_pipeline);
    }

    /// `a && b || c` nests to the left, one level per operator: walked as
    /// the sequence it is, so that a long list does not deepen the walk.
    fn list(&mut self, node: Node<'a>) {
        let mut chain = vec![node];
        let mut first = node;
        while let Some(child) = first.child(0)
            && child.kind() == "list"
        {
            chain.push(child);
            first = child;
        }
        let mut rest = Vec::new();
        while let Some(level) = chain.pop() {
            let mut cursor = level.walk();
            let mut children: Vec<Node<'a>> = level.children(&mut cursor).collect();
            if level != first && !children.is_empty() {
                children.remove(0);
            }
            rest.push(children);
        }
        for children in rest {
            for child in children {
                self.walk(child);
            }
        }
    }

    fn walk_node(&mut self, node: Node<'a>) {
        match node.kind() {
            "list" => self.list(node),
            "command" => self.command(node, &[]),
            "redirected_statement" => {
                let mut redirects = Vec::new();
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    if child.kind().ends_with("_redirect") {
                        redirects.push(child);
                    }
                }
                match node.child_by_field_name("body") {
                    Some(body) if body.kind() == "command" => self.command(body, &redirects),
                    Some(body) => {
                        // `a && b <<EOF`: the redirections belong to the last command.
                        let before = self.script.commands.len();
                        self.walk(body);
                        let last = (before..self.script.commands.len())
                            .rev()
                            .find(|&i| self.script.commands[i].depth == self.depth);
                        if let Some(i) = last {
                            for r in &redirects {
                                if let Some(r) = self.redirect(*r) {
                                    self.script.commands[i].redirects.push(r);
                                }
                            }
                            self.shell_heredocs(i);
                        }
                    }
                    None => {}
                }
                for r in redirects {
                    self.walk_children(r);
                }
            }
            "pipeline" => {
                let outer = self.current_pipeline;
                if outer.is_none() {
                    self.current_pipeline = Some(self.new_pipeline());
                }
                let first = self.script.commands.len();
                self.walk_children(node);
                self.heredoc_into_pipeline(first);
                self.current_pipeline = outer;
            }
            "command_substitution" | "process_substitution" => {
                let saved = (self.origin, self.current_pipeline, self.pending);
                if self.origin == Origin::Direct {
                    self.origin = Origin::Substitution;
                }
                self.current_pipeline = None;
                self.pending = Op::Seq;
                self.walk_children(node);
                (self.origin, self.current_pipeline, self.pending) = saved;
            }
            "&&" => self.pending = Op::And,
            "||" => self.pending = Op::Or,
            "|" | "|&" => self.pending = Op::Pipe,
            ";" | "&" | ";;" | "\n" | "then" | "do" | "else" | "{" | "(" => self.pending = Op::Seq,
            "comment" => {
                let span = self.span(node);
                self.script.comments.push(span);
            }
            "variable_assignment" => {
                // On its own or after `export`/`local`: sets a shell variable.
                if let (Some(name), Some(value)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) {
                    let mut value_word = self.word(value);
                    value_word.dynamic |= value.kind() == "array";
                    let name = self.src[name.start_byte()..name.end_byte()].to_string();
                    let span = self.span(node);
                    let exported = self.is_exported(node);
                    self.script.assignments.push(Assignment {
                        name,
                        value: value_word,
                        span,
                        exported,
                    });
                }
                self.walk_children(node);
            }
            "function_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let name = self.src[name.start_byte()..name.end_byte()].to_string();
                    self.script.functions.push(name);
                }
                self.walk_children(node);
            }
            "heredoc_body" | "raw_string" | "ansi_c_string" | "word" | "number" => {}
            _ => self.walk_children(node),
        }
    }

    fn walk_children(&mut self, node: Node<'a>) {
        let mut cursor = match self.cursors.pop() {
            Some(mut c) => {
                c.reset(node);
                c
            }
            None => node.walk(),
        };
        if cursor.goto_first_child() {
            loop {
                self.walk(cursor.node());
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(cursor);
    }

    fn new_pipeline(&mut self) -> u32 {
        let id = self.next_pipeline;
        self.next_pipeline += 1;
        id
    }

    fn command(&mut self, node: Node<'a>, extra_redirects: &[Node<'a>]) {
        let mut words = Vec::new();
        let mut word_nodes = Vec::new();
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        let mut nested = Vec::new();
        let mut cursor = node.walk();
        let mut more = cursor.goto_first_child();
        while more {
            let child = cursor.node();
            let field = cursor.field_name();
            more = cursor.goto_next_sibling();
            match child.kind() {
                "variable_assignment" => {
                    assignments.push(self.assignment_word(child));
                    if let Some(value) = child.child_by_field_name("value") {
                        nested.push(value);
                    }
                }
                "command_name" => {
                    let inner = child.named_child(0).unwrap_or(child);
                    words.push(self.word(inner));
                    word_nodes.push(inner);
                    nested.push(inner);
                }
                k if k.ends_with("_redirect") => {
                    if let Some(r) = self.redirect(child) {
                        redirects.push(r);
                    }
                    nested.push(child);
                }
                _ if field == Some("argument") => {
                    words.push(self.word(child));
                    word_nodes.push(child);
                    nested.push(child);
                }
                _ => {}
            }
        }
        for r in extra_redirects {
            if let Some(r) = self.redirect(*r) {
                redirects.push(r);
            }
        }
        let op = std::mem::replace(&mut self.pending, Op::Seq);
        if words.is_empty() {
            for n in nested {
                self.walk(n);
            }
            return;
        }
        let pipeline = match self.current_pipeline {
            Some(id) => id,
            None => self.new_pipeline(),
        };
        let start = argv_start(&words);
        let command = Command {
            argv_start: start,
            words,
            assignments,
            redirects,
            span: self.span(node),
            pipeline,
            op,
            depth: self.depth,
            origin: self.origin,
        };
        let shell = command.program().is_some_and(|p| SHELLS.contains(&p));
        let string_arg = if shell {
            shell_command_string(command.args()).map(|k| start + 1 + k)
        } else {
            None
        };
        let index = self.script.commands.len();
        self.script.commands.push(command);
        for n in nested {
            self.walk(n);
        }
        if let Some(k) = string_arg
            && let Some(node) = word_nodes.get(k)
        {
            let mut body = MappedText::new();
            let mut dynamic = false;
            self.word_text(*node, &mut body, &mut dynamic);
            let script = parse_nested(
                &body,
                self.depth + 1,
                Origin::ShellString,
                &[],
                self.nesting,
            );
            self.append(script);
        } else if string_arg.is_none() {
            self.shell_heredocs(index);
            let command = &self.script.commands[index];
            if command.program().is_some_and(|p| SHELLS.contains(&p)) && reads_stdin(command) {
                for r in extra_redirects {
                    self.native_heredoc(*r);
                }
            }
        }
    }

    /// A heredoc written in the script itself (`bash <<EOF` ... `EOF`),
    /// parsed as a script when a shell reads it.
    fn native_heredoc(&mut self, redirect: Node) {
        if redirect.kind() != "heredoc_redirect" {
            return;
        }
        let mut cursor = redirect.walk();
        let body = redirect
            .children(&mut cursor)
            .find(|c| c.kind() == "heredoc_body");
        let Some(body) = body else { return };
        let text = self.text.slice(body.start_byte(), body.end_byte());
        let input = HeredocInput {
            marker: crate::span::Span::default(),
            body: text,
        };
        if let Some(body) = shell_body(&input) {
            let script = parse_nested(&body, self.depth + 1, Origin::Heredoc, &[], self.nesting);
            self.append(script);
        }
    }

    /// Parses the heredocs a shell reads as scripts (`bash <<EOF`): the
    /// shell is the script's command at `index`.
    fn shell_heredocs(&mut self, index: usize) {
        let Some(command) = self.script.commands.get(index) else {
            return;
        };
        let shell = command.program().is_some_and(|p| SHELLS.contains(&p));
        if !shell || !reads_stdin(command) {
            return;
        }
        for h in self.heredoc_inputs(command) {
            self.heredoc_script(h);
        }
    }

    /// The heredocs a command reads (its input redirections from markers).
    fn heredoc_inputs(&self, command: &Command) -> Vec<usize> {
        command
            .redirects
            .iter()
            .filter_map(|r| {
                let at = self.text.text_offset(r.target.span.start)?;
                self.heredoc_targets
                    .iter()
                    .find(|(s, e, _)| *s <= at && at < *e)
                    .map(|(_, _, i)| *i)
            })
            .collect()
    }

    fn heredoc_script(&mut self, index: usize) {
        let Some(heredoc) = self.heredocs.get(index) else {
            return;
        };
        if let Some(body) = shell_body(heredoc) {
            let script = parse_nested(&body, self.depth + 1, Origin::Heredoc, &[], self.nesting);
            self.append(script);
        }
    }

    /// `cat <<EOF | sh`: a heredoc piped into a shell is a script too.
    fn heredoc_into_pipeline(&mut self, first: usize) {
        let members: Vec<usize> = (first..self.script.commands.len())
            .filter(|&i| self.script.commands[i].depth == self.depth)
            .collect();
        let mut feeds = Vec::new();
        for (pos, &i) in members.iter().enumerate() {
            let c = &self.script.commands[i];
            if c.program() != Some("cat") {
                continue;
            }
            let inputs = self.heredoc_inputs(c);
            if inputs.is_empty() {
                continue;
            }
            let shell_next = members.get(pos + 1).is_some_and(|&n| {
                let next = &self.script.commands[n];
                next.program().is_some_and(|p| SHELLS.contains(&p))
                    && shell_command_string(next.args()).is_none()
                    && next
                        .args()
                        .iter()
                        .all(|w| w.value.starts_with('-') || w.value.starts_with('+'))
            });
            if shell_next {
                feeds.extend(inputs);
            }
        }
        for h in feeds {
            self.heredoc_script(h);
        }
    }

    fn redirect(&mut self, node: Node) -> Option<Redirect> {
        let target = node.child_by_field_name("destination")?;
        let mut op = String::new();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.start_byte() >= target.start_byte() {
                break;
            }
            op.push_str(&self.src[child.start_byte()..child.end_byte()]);
        }
        Some(Redirect {
            op,
            target: self.word(target),
        })
    }

    /// Whether a variable assignment is exported: under `export`, or under
    /// `declare -x` / `typeset -x`.
    fn is_exported(&self, node: Node) -> bool {
        let Some(parent) = node.parent() else {
            return false;
        };
        if parent.kind() != "declaration_command" {
            return false;
        }
        let mut cursor = parent.walk();
        let mut words = parent
            .children(&mut cursor)
            .filter(|c| c.kind() != "variable_assignment")
            .map(|c| &self.src[c.start_byte()..c.end_byte()]);
        match words.next() {
            Some("export") => true,
            Some("declare" | "typeset") => {
                words.any(|w| w.starts_with('-') && w[1..].contains('x'))
            }
            _ => false,
        }
    }

    /// A `NAME=value` prefix of a command, with the value's quotes removed.
    fn assignment_word(&self, node: Node) -> Word {
        let Some(name) = node.child_by_field_name("name") else {
            return self.word(node);
        };
        let mut text = MappedText::new();
        self.push_raw(&mut text, name.start_byte(), name.end_byte());
        let mut dynamic = self.text.has_unknown(node.start_byte(), node.end_byte());
        // The `=` (or `+=`) between the name and the value.
        let value = node.child_by_field_name("value");
        let op_end = value.map_or(node.end_byte(), |v| v.start_byte());
        self.push_raw(&mut text, name.end_byte(), op_end);
        if let Some(value) = value {
            self.word_text(value, &mut text, &mut dynamic);
            dynamic |= value.kind() == "array";
        }
        Word {
            value: text.as_str().to_string(),
            span: self.span(node),
            dynamic,
        }
    }

    fn word(&self, node: Node) -> Word {
        let mut text = MappedText::new();
        let mut dynamic = self.text.has_unknown(node.start_byte(), node.end_byte());
        self.word_text(node, &mut text, &mut dynamic);
        Word {
            value: text.as_str().to_string(),
            span: self.span(node),
            dynamic,
        }
    }

    /// Copies `start..end` of the text with its map (which may hold
    /// replacements: a make variable's value, a systemd specifier).
    fn push_raw(&self, out: &mut MappedText, start: usize, end: usize) {
        if self.src.get(start..end).is_some() {
            out.push_range(self.text, start, end);
        }
    }

    /// Text outside quotes: a backslash escapes the next character.
    fn push_unquoted(&self, out: &mut MappedText, start: usize, end: usize) {
        let Some(s) = self.src.get(start..end) else {
            return;
        };
        if !s.contains('\\') {
            self.push_raw(out, start, end);
            return;
        }
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\\'
                && let Some((j, n)) = chars.next()
            {
                if n != '\n' {
                    self.push_raw(out, start + j, start + j + n.len_utf8());
                }
                continue;
            }
            self.push_raw(out, start + i, start + i + c.len_utf8());
        }
    }

    /// Text inside double quotes: a backslash escapes only `$`, `` ` ``, `"`,
    /// `\` and newline.
    fn push_double_quoted(&self, out: &mut MappedText, start: usize, end: usize) {
        let Some(s) = self.src.get(start..end) else {
            return;
        };
        if !s.contains('\\') {
            self.push_raw(out, start, end);
            return;
        }
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\\'
                && let Some(&(j, n)) = chars.peek()
                && matches!(n, '$' | '`' | '"' | '\\' | '\n')
            {
                chars.next();
                if n != '\n' {
                    self.push_raw(out, start + j, start + j + 1);
                }
                continue;
            }
            self.push_raw(out, start + i, start + i + c.len_utf8());
        }
    }

    fn word_text(&self, node: Node, out: &mut MappedText, dynamic: &mut bool) {
        let (start, end) = (node.start_byte(), node.end_byte());
        match node.kind() {
            "word" | "number" => self.push_unquoted(out, start, end),
            "raw_string" => {
                if end >= start + 2 {
                    self.push_raw(out, start + 1, end - 1);
                }
            }
            "string" | "translated_string" => {
                let open = if node.kind() == "translated_string" {
                    2
                } else {
                    1
                };
                let inner_end = end.saturating_sub(1).max(start + open);
                let mut at = start + open;
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if child.kind() == "string_content" {
                        continue;
                    }
                    if child.start_byte() > at {
                        self.push_double_quoted(out, at, child.start_byte());
                    }
                    *dynamic = true;
                    self.push_raw(out, child.start_byte(), child.end_byte());
                    at = child.end_byte();
                }
                if inner_end > at {
                    self.push_double_quoted(out, at, inner_end);
                }
            }
            "ansi_c_string" => {
                // $'...': common escapes only.
                let inner = self.src.get(start + 2..end.saturating_sub(1)).unwrap_or("");
                let mut chars = inner.char_indices();
                while let Some((i, c)) = chars.next() {
                    let at = start + 2 + i;
                    if c == '\\'
                        && let Some((_, n)) = chars.next()
                    {
                        let v = match n {
                            'n' => "\n",
                            't' => "\t",
                            'r' => "\r",
                            '\\' => "\\",
                            '\'' => "'",
                            '"' => "\"",
                            _ => {
                                self.push_raw(out, at, at + 1 + n.len_utf8());
                                continue;
                            }
                        };
                        out.push_replacement(v, self.text.span(at, at + 1 + n.len_utf8()));
                        continue;
                    }
                    self.push_raw(out, at, at + c.len_utf8());
                }
            }
            "concatenation" => {
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    self.word_text(child, out, dynamic);
                }
            }
            "simple_expansion"
            | "expansion"
            | "command_substitution"
            | "process_substitution"
            | "arithmetic_expansion"
            | "brace_expression" => {
                *dynamic = true;
                self.push_raw(out, start, end);
            }
            _ => self.push_unquoted(out, start, end),
        }
    }
}
