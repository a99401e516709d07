//! systemd service units and drop-ins: the command lines of the `Exec*=`
//! settings of `[Service]`, as shell text mapped back to the file.
//!
//! systemd does not run these through a shell, but its splitting into words
//! (quotes, backslash escapes) is close enough to the shell's that the shell
//! parser reads them as written; what differs is handled here: the prefixes
//! before the program, `@` and its argv[0], specifiers, `$$`, and line
//! continuations.

use std::path::Path;

use super::{Extracted, ShellBlock};
use crate::mapped::MappedText;
use crate::span::Span;

/// The settings of `[Service]` that hold command lines.
const EXEC_KEYS: &[&str] = &[
    "ExecStart",
    "ExecStartPre",
    "ExecStartPost",
    "ExecStop",
    "ExecStopPost",
    "ExecReload",
    "ExecCondition",
];

/// `*.service`, and drop-ins `*.service.d/*.conf`.
pub fn detect(path: &Path) -> bool {
    let Some(name) = super::file_name(path) else {
        return false;
    };
    if name.ends_with(".service") {
        return true;
    }
    name.ends_with(".conf")
        && path
            .parent()
            .and_then(super::file_name)
            .is_some_and(|d| d.ends_with(".service.d"))
}

/// Extracts the command lines of a unit file or drop-in (file 0) as shell
/// blocks, and its comment lines.
pub fn extract(source: &str) -> Extracted {
    let lines = physical_lines(source);
    let mut out = Extracted::default();
    let mut section: Option<&str> = None;
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        i += 1;
        let text = line.text(source);
        let trimmed = text.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        if is_comment(trimmed) {
            out.comment(0, comment_span(&line, text));
            continue;
        }
        if trimmed.starts_with('[') {
            section = trimmed
                .trim_end()
                .strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'));
            continue;
        }
        // The logical line: continuation lines joined, comment lines among
        // them skipped (systemd drops them while reading).
        let mut setting = Logical::default();
        setting.push_line(&line, text);
        let mut continued = ends_with_escape(text);
        while continued && let Some(&next) = lines.get(i) {
            i += 1;
            let next_text = next.text(source);
            if is_comment(next_text.trim_start()) {
                out.comment(0, comment_span(&next, next_text));
                continue;
            }
            setting.join();
            setting.push_line(&next, next_text);
            continued = ends_with_escape(next_text);
        }
        if section == Some("Service")
            && let Some(text) = command_line(&setting)
        {
            out.blocks.push(ShellBlock::new(0, text));
        }
    }
    out
}

#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
}

impl Line {
    fn text(self, source: &str) -> &str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

/// Lines without their endings (`\n`, `\r\n`); a byte order mark at the
/// start is not part of the first line, as for systemd.
fn physical_lines(source: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let bytes = source.as_bytes();
    let mut start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    while start < bytes.len() {
        let newline = bytes
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map(|p| start + p);
        let mut end = newline.unwrap_or(bytes.len());
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        lines.push(Line { start, end });
        start = newline.map_or(bytes.len(), |n| n + 1);
    }
    lines
}

fn is_comment(trimmed: &str) -> bool {
    trimmed.starts_with(['#', ';'])
}

fn comment_span(line: &Line, text: &str) -> Span {
    let lead = text.len() - text.trim_start().len();
    Span::from_range(line.start + lead..line.end)
}

/// Whether the line ends with a backslash that is not itself escaped.
fn ends_with_escape(text: &str) -> bool {
    text.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// How a byte of a logical line came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ByteKind {
    Copied,
    /// The space systemd puts in place of a continuation's backslash.
    Joined,
}

/// A logical line with the source offset and origin of each byte.
#[derive(Debug, Default)]
struct Logical {
    text: String,
    offsets: Vec<u32>,
    kinds: Vec<ByteKind>,
}

impl Logical {
    fn push_line(&mut self, line: &Line, text: &str) {
        self.text.push_str(text);
        self.offsets
            .extend((0..text.len()).map(|k| (line.start + k) as u32));
        self.kinds
            .extend(std::iter::repeat_n(ByteKind::Copied, text.len()));
    }

    /// The backslash ending the text so far becomes a space.
    fn join(&mut self) {
        if self.text.ends_with('\\')
            && let Some(o) = self.kinds.last_mut()
        {
            self.text.pop();
            self.text.push(' ');
            *o = ByteKind::Joined;
        }
    }

    fn offset(&self, i: usize) -> u32 {
        self.offsets
            .get(i)
            .or(self.offsets.last())
            .copied()
            .unwrap_or(0)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        let s = self.offset(start);
        let e = if end > start {
            self.offset(end - 1) + 1
        } else {
            s
        };
        Span::new(s, e.max(s))
    }

    /// Copies `start..end`, replacing continuation spaces; one copied piece
    /// per stretch of consecutive source bytes.
    fn copy(&self, out: &mut MappedText, start: usize, end: usize) {
        let mut a = start;
        while a < end {
            if self.kinds.get(a) == Some(&ByteKind::Joined) {
                out.push_replacement(" ", self.span(a, a + 1));
                a += 1;
                continue;
            }
            let mut b = a + 1;
            while b < end
                && self.kinds.get(b) == Some(&ByteKind::Copied)
                && self.offsets.get(b).copied() == self.offsets.get(b - 1).map(|o| o + 1)
            {
                b += 1;
            }
            if let Some(piece) = self.text.get(a..b) {
                out.push(piece, self.offset(a));
            }
            a = b;
        }
    }
}

/// The shell text of an `Exec*=` setting, or `None` for another setting or
/// an empty value (which resets the list).
fn command_line(setting: &Logical) -> Option<MappedText> {
    let text = setting.text.as_str();
    let eq = text.find('=')?;
    let key = text.get(..eq)?.trim();
    if !EXEC_KEYS.contains(&key) {
        return None;
    }
    let value = text.get(eq + 1..)?;
    let mut start = eq + 1 + (value.len() - value.trim_start().len());
    let end = eq + 1 + value.trim_end().len();
    let mut argv0_separate = false;
    while let Some(&b) = text.as_bytes().get(start) {
        if start >= end || !matches!(b, b'@' | b'-' | b':' | b'+' | b'!') {
            break;
        }
        argv0_separate |= b == b'@';
        start += 1;
    }
    while start < end
        && text
            .as_bytes()
            .get(start)
            .is_some_and(u8::is_ascii_whitespace)
    {
        start += 1;
    }
    if start >= end {
        return None;
    }
    // With `@`, the second word is the argv[0] the program sees and is
    // not an argument: the command line is the first word and what follows
    // the second.
    let mut ranges = vec![(start, end)];
    if argv0_separate {
        let first_end = word_end(text, start, end);
        let second_start = skip_blanks(text, first_end, end);
        let second_end = word_end(text, second_start, end);
        ranges = vec![(start, first_end), (second_end, end)];
    }
    let mut out = MappedText::new();
    for (a, b) in ranges {
        emit(setting, &mut out, a, b);
    }
    (!out.as_str().trim().is_empty()).then_some(out)
}

fn skip_blanks(text: &str, mut i: usize, end: usize) -> usize {
    while i < end && text.as_bytes().get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The end of the word starting at `i`: quotes and backslash escapes keep
/// blanks inside it.
fn word_end(text: &str, mut i: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    while i < end {
        let Some(&b) = bytes.get(i) else { break };
        match (quote, b) {
            (_, b'\\') => i += 1,
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, _) if b.is_ascii_whitespace() => return i,
            _ => {}
        }
        i += 1;
    }
    i.min(end)
}

/// Emits `start..end` of the value: specifiers as unknown values, `%%` and
/// `$$` as the character they stand for, the rest as written.
fn emit(setting: &Logical, out: &mut MappedText, start: usize, end: usize) {
    let text = setting.text.as_str();
    let bytes = text.as_bytes();
    let mut i = start;
    let mut run = start;
    while i < end {
        let (Some(&b), next) = (bytes.get(i), bytes.get(i + 1).filter(|_| i + 1 < end)) else {
            break;
        };
        let standing: Option<(&str, bool)> = match (b, next) {
            (b'%', Some(b'%')) => Some(("%", false)),
            (b'$', Some(b'$')) => Some(("$", false)),
            // A specifier (`%n`, `%i` ...) is filled in by systemd for each
            // unit instance: as an expansion, the shell parser (even in a
            // nested `sh -c` string) sees a value it cannot know.
            (b'%', Some(c)) if c.is_ascii_alphabetic() => Some(("${_}", true)),
            _ => None,
        };
        let Some((piece, unknown)) = standing else {
            i += 1;
            continue;
        };
        setting.copy(out, run, i);
        let span = setting.span(i, i + 2);
        if unknown {
            out.push_unknown(piece, span);
        } else {
            out.push_replacement(piece, span);
        }
        i += 2;
        run = i;
    }
    setting.copy(out, run, end);
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

    #[test]
    fn exec_settings_of_the_service_section() {
        let src = "[Unit]\nDescription=x\nExecStart=/usr/bin/docker run unit-section\n\n[Service]\nEnvironment=A=1\nExecStartPre=/usr/bin/docker pull img\nExecStart = /usr/bin/docker run --privileged img\nexecstart=/usr/bin/docker run lowercase\nExecStartPost=a\nExecStop=b\nExecStopPost=c\nExecReload=d\nExecCondition=e\n[X-Fleet]\nExecStart=/usr/bin/docker run fleet\n";
        assert_eq!(
            texts(src),
            [
                "/usr/bin/docker pull img",
                "/usr/bin/docker run --privileged img",
                "a",
                "b",
                "c",
                "d",
                "e"
            ]
        );
        let w = words(src, 1);
        assert_eq!(w[0].span.slice(src), "/usr/bin/docker");
        assert_eq!(word(&w, "--privileged").span.slice(src), "--privileged");
    }

    #[test]
    fn empty_value_resets_without_a_block() {
        let src = "[Service]\nExecStart=\nExecStart=  \nExecStart=-\nExecStart=/bin/true\n";
        assert_eq!(texts(src), ["/bin/true"]);
    }

    #[test]
    fn continuations_become_spaces_and_skip_comment_lines() {
        let src = "[Service]\nExecStart=/usr/bin/docker run \\\n  # a comment\n  --privileged \\\n; another\n  image\nExecStop=/bin/x\n";
        let out = extract(src);
        assert_eq!(out.blocks.len(), 2);
        assert_eq!(
            out.blocks[0].text.as_str(),
            "/usr/bin/docker run    --privileged    image"
        );
        let w = words(src, 0);
        assert_eq!(
            values(&w),
            ["/usr/bin/docker", "run", "--privileged", "image"]
        );
        assert_eq!(word(&w, "--privileged").span.slice(src), "--privileged");
        assert_eq!(word(&w, "image").span.slice(src), "image");
        let comments: Vec<&str> = out.comments.iter().map(|c| c.span.slice(src)).collect();
        assert_eq!(comments, ["# a comment", "; another"]);
    }

    #[test]
    fn shell_strings() {
        let src = "[Service]\nExecStart=/bin/sh -c 'docker run --privileged --name %p-%i img'\n";
        let s = &scripts(src)[0];
        let run = s.invocations("docker").next().expect("docker run");
        assert_eq!(run.depth, 1);
        assert_eq!(
            word(&run.words, "--privileged").span.slice(src),
            "--privileged"
        );
        assert!(run.words[4].dynamic);

        // As in real units: a whole script continued over lines, inside a
        // double-quoted string that closes and reopens around a value.
        let src = "[Service]\nExecStart=/bin/sh -c \"\\\n  A=1;\\\n  /usr/bin/docker run --rm --name %p-%i \\\n  --memory=\"4g\" \\\n  img;\"\n";
        let s = &scripts(src)[0];
        let sh = &s.commands[0];
        assert_eq!(sh.words.len(), 3);
        assert!(sh.words[2].span.slice(src).starts_with("\"\\\n  A=1;"));
        assert!(sh.words[2].span.slice(src).ends_with("img;\""));
        let run = s.invocations("docker").next().expect("docker run");
        assert_eq!(
            values(&run.words),
            [
                "/usr/bin/docker",
                "run",
                "--rm",
                "--name",
                "${_}-${_}",
                "--memory=4g",
                "img"
            ]
        );
        assert!(run.words[4].dynamic);
    }

    #[test]
    fn prefixes_are_removed() {
        let src = "[Service]\nExecStartPre=-/usr/bin/docker rm x\nExecStart=!!+/usr/bin/docker run x\nExecStop=:-/usr/bin/docker stop x\nExecReload=+ /bin/kill -HUP $MAINPID\n";
        assert_eq!(
            texts(src),
            [
                "/usr/bin/docker rm x",
                "/usr/bin/docker run x",
                "/usr/bin/docker stop x",
                "/bin/kill -HUP $MAINPID"
            ]
        );
        let w = words(src, 1);
        assert_eq!(w[0].span.slice(src), "/usr/bin/docker");
    }

    #[test]
    fn at_drops_argv0() {
        let src = "[Service]\nExecStart=-@/usr/bin/docker docker run --privileged x\nExecStop=@\"/usr/bin/docker\" 'my docker' stop x\nExecReload=@/bin/true\n";
        assert_eq!(
            texts(src),
            [
                "/usr/bin/docker run --privileged x",
                "\"/usr/bin/docker\" stop x",
                "/bin/true"
            ]
        );
        let w = words(src, 0);
        assert_eq!(values(&w), ["/usr/bin/docker", "run", "--privileged", "x"]);
        assert_eq!(w[1].span.slice(src), "run");
        assert_eq!(word(&w, "--privileged").span.slice(src), "--privileged");
    }

    #[test]
    fn specifiers_are_unknown() {
        let src = "[Service]\nExecStart=/usr/bin/docker run --name %n -e P=100%% -e D=$${HOME} -e E=${HOME} img:%i\n";
        let w = words(src, 0);
        let name = &w[3];
        assert!(name.dynamic);
        assert_eq!(name.span.slice(src), "%n");
        let pct = word(&w, "P=100%");
        assert!(!pct.dynamic);
        assert_eq!(pct.span.slice(src), "P=100%%");
        let dollar = word(&w, "D=${HOME}");
        assert_eq!(dollar.span.slice(src), "D=$${HOME}");
        let env = word(&w, "E=${HOME}");
        assert!(env.dynamic);
        assert_eq!(env.span.slice(src), "E=${HOME}");
        let image = w.last().expect("image");
        assert!(image.dynamic);
        assert_eq!(image.span.slice(src), "img:%i");
    }

    #[test]
    fn comments_anywhere_and_crlf() {
        let src = "\u{feff}# top\r\n[Service]\r\n  ; semi\r\nExecStart=/usr/bin/docker run \\\r\n  --privileged x\r\n#end";
        let out = extract(src);
        let comments: Vec<&str> = out.comments.iter().map(|c| c.span.slice(src)).collect();
        assert_eq!(comments, ["# top", "; semi", "#end"]);
        assert_eq!(texts(src), ["/usr/bin/docker run    --privileged x"]);
        let w = words(src, 0);
        assert_eq!(word(&w, "--privileged").span.slice(src), "--privileged");
        assert_eq!(word(&w, "x").span.slice(src), "x");
    }

    #[test]
    fn drop_in_with_escaped_backslash() {
        let src = "[Service]\nExecStart=\nExecStart=/bin/echo a\\\\\nExecStop=/bin/x\n";
        assert_eq!(texts(src), ["/bin/echo a\\\\", "/bin/x"]);
    }

    #[test]
    fn never_panics() {
        let src = "[Service]\nExecStart=@\nExecStart=@\"a b\nExecStart=%\nExecStart=$\nExecStart=é%é\\\n#\\\n\\\nExecStart=!!@ x 'y\\\n";
        for (i, _) in src.char_indices() {
            for s in [&src[..i], &src[i..]] {
                for b in extract(s).blocks {
                    let _ = parse_script(&b.text);
                    assert!(b.text.full_span().end as usize <= s.len());
                }
            }
        }
    }
}
