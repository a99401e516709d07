//! The bodies of dockhard's fuzz targets.
//!
//! `fuzz/fuzz_targets/*.rs` (cargo-fuzz, nightly) are one-line wrappers
//! around the functions here, and `tests/regressions.rs` replays every file
//! under `fuzz/regressions/<target>/` through the same function on stable,
//! so a crash found once stays fixed. Each function takes arbitrary bytes,
//! never fails on them, and panics only when the code under test does or
//! when an invariant the rest of dockhard relies on is broken (a span
//! outside its text, a JSON or XML report that does not parse).
//!
//! Several targets read more than one file or a mode from one input: the
//! first byte chooses a mode, and NUL bytes separate files (see each
//! function; [`seeds`] writes inputs in these layouts).

pub mod replay;
pub mod seeds;

use std::path::{Path, PathBuf};

use dockhard_parser::commandline::{self, Tool, flags};
use dockhard_parser::compose::load_project;
use dockhard_parser::daemon;
use dockhard_parser::dockerfile::{Dockerfile, Kind, dump_buildkit, expand};
use dockhard_parser::json;
use dockhard_parser::kinds::ShellBlock;
use dockhard_parser::loader::Loader;
use dockhard_parser::mapped::MappedText;
use dockhard_parser::shell::{self, HeredocInput, Script, Word};
use dockhard_parser::span::Span;
use dockhard_rules::RULES;
use dockhard_rules::config::{Overrides, load_config_with, settings};

/// A fuzz target: its name (the file in `fuzz/fuzz_targets/` and the folder
/// in `fuzz/regressions/`) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// The stack the fuzzers run with (`STACK_KB` in `scripts/fuzz.sh`) when
/// optimised; unoptimised frames are several times larger. Both are far
/// under the 64 MiB threads `dockhard check` lints on, so that what passes
/// here passes there with a wide margin.
pub const FUZZER_STACK: usize = if cfg!(debug_assertions) {
    16 * 1024 * 1024
} else {
    2 * 1024 * 1024
};

/// Runs `f` on a thread with [`FUZZER_STACK`], passing a panic on (the
/// tests replaying regression inputs and feeding large inputs use it).
pub fn on_fuzzer_stack<F: FnOnce() + Send + 'static>(f: F) {
    let handle = std::thread::Builder::new()
        .stack_size(FUZZER_STACK)
        .spawn(f)
        .unwrap_or_else(|e| panic!("cannot spawn a thread: {e}"));
    if let Err(e) = handle.join() {
        std::panic::resume_unwind(e);
    }
}

pub const TARGETS: &[Target] = &[
    ("dockerfile", dockerfile),
    ("shell", shell),
    ("compose", compose),
    ("commandline", commandline),
    ("daemon", daemon),
    ("config", config),
    ("check", check),
];

/// The body of the target called `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `data` split into its mode byte and the rest.
fn mode(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(m, rest)| (*m, rest))
}

/// A span that must lie inside a text of `len` bytes.
#[track_caller]
fn assert_inside(span: Span, len: usize, what: &str) {
    assert!(
        span.start <= span.end && span.end as usize <= len,
        "{what}: span {span:?} outside a text of {len} bytes"
    );
}

fn check_script(script: &Script, len: usize) {
    for c in &script.commands {
        assert_inside(c.span, len, "command");
        for w in &c.words {
            assert_inside(w.span, len, "word");
        }
        for r in &c.redirects {
            assert_inside(r.target.span, len, "redirect");
        }
        let _ = (c.program(), c.args(), c.wrappers());
    }
    for a in &script.assignments {
        assert_inside(a.span, len, "assignment");
    }
    for c in &script.comments {
        assert_inside(*c, len, "comment");
    }
}

/// Dockerfiles of at most this many instructions have every word evaluated
/// both ways (see [`dockerfile`]).
const MAX_REPLAYED: usize = 256;

/// The Dockerfile parser: the whole input is a Dockerfile. Also dumps it as
/// BuildKit's AST, evaluates every argument in its stage's scope (and, in a
/// short file, checks that value against a replay of the stage) and reads
/// every heredoc, as rules do.
pub fn dockerfile(data: &[u8]) {
    let source = text(data);
    let len = source.len();
    let df = Dockerfile::parse(&source);
    let _ = dump_buildkit(&df);
    for e in &df.errors {
        assert_inside(e.span, len, "syntax error");
    }
    for c in &df.comments {
        assert_inside(c.span, len, "comment");
    }
    for (index, instruction) in df.instructions.iter().enumerate() {
        assert_inside(instruction.span, len, "instruction");
        assert_inside(instruction.keyword_span, len, "keyword");
        let _ = instruction.head_span(&source);
        let _ = instruction.args_span();
        for f in &instruction.flags {
            assert_inside(f.span, len, "flag");
        }
        for h in &instruction.heredocs {
            assert_inside(h.body.span, len, "heredoc body");
            let _ = h.content();
        }
        let target = match &instruction.kind {
            Kind::Onbuild(inner) => inner.as_ref(),
            _ => instruction,
        };
        if let Some(script) = target.script() {
            check_script(script, len);
            let _ = commandline::analyse_script(script, 0, true);
        }
        if let Some(stage) = df.stage_of(index) {
            // Replaying the stage is the reference for the parser's indexed
            // lookup; it is quadratic, so only on short files.
            let scope = (df.instructions.len() <= MAX_REPLAYED)
                .then(|| replay::scope_at(&df, stage, index))
                .flatten();
            for arg in &instruction.args {
                assert_inside(arg.span, len, "argument");
                let value = df.evaluate_at(stage, index, arg);
                if let Some(scope) = &scope {
                    let replayed = expand::evaluate(&arg.value, df.escape, scope)
                        .ok()
                        .flatten();
                    // The parser may give up (unknown) on values past its
                    // budget for the whole file; otherwise both agree.
                    if value.is_some() || replayed.is_none() {
                        assert_eq!(value, replayed, "{:?} at instruction {index}", arg.value);
                    }
                }
            }
        }
    }
    let _ = df.final_stage();
    let _ = df.meta_args().count();
}

/// Text whose `\x01` characters are placeholders for unknown values and
/// `\x02` characters replacements (as a make variable or a CI expression
/// would make them), every other character a copy of the source.
fn mapped(source: &str) -> MappedText {
    let mut out = MappedText::new();
    let mut run = 0;
    for (i, c) in source.char_indices() {
        if c == '\x01' || c == '\x02' {
            out.push(&source[run..i], run as u32);
            let span = Span::new(i as u32, i as u32 + 1);
            if c == '\x01' {
                out.push_unknown("${{ x }}", span);
            } else {
                out.push_replacement("docker", span);
            }
            run = i + 1;
        }
    }
    out.push(&source[run..], run as u32);
    out
}

/// The pieces of `source` between NUL characters, with their offsets.
fn pieces(source: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for piece in source.split('\0') {
        out.push((at, piece));
        at += piece.len() + 1;
    }
    out
}

/// The shell model. Mode (first byte, mod 4):
/// 0. a script (`\x01`: an unknown value, `\x02`: a replacement);
/// 1. a command line and its heredoc bodies, NUL-separated (a Dockerfile
///    RUN with heredocs): the n-th word holding `<<` is the n-th body's marker;
/// 2. an argument vector, NUL-separated (an exec-form RUN);
/// 3. an argument vector known only as strings (a compose `command:`).
pub fn shell(data: &[u8]) {
    let Some((m, rest)) = mode(data) else { return };
    let source = text(rest);
    let len = source.len();
    let script = match m % 4 {
        0 => shell::parse_script(&mapped(&source)),
        1 => {
            let parts = pieces(&source);
            let line = parts.first().map_or("", |(_, l)| *l);
            let mut markers = Vec::new();
            let mut at = 0;
            for word in line.split(' ') {
                if word.contains("<<") {
                    markers.push(Span::new(at as u32, (at + word.len()) as u32));
                }
                at += word.len() + 1;
            }
            let heredocs: Vec<HeredocInput> = markers
                .into_iter()
                .zip(parts.iter().skip(1))
                .map(|(marker, (offset, body))| HeredocInput {
                    marker,
                    body: MappedText::contiguous(body, *offset as u32),
                })
                .collect();
            shell::parse_with_heredocs(&MappedText::contiguous(line, 0), &heredocs)
        }
        2 => {
            let parts = pieces(&source);
            let words = parts
                .iter()
                .map(|(at, w)| Word {
                    value: w.to_string(),
                    span: Span::new(*at as u32, (at + w.len()) as u32),
                    dynamic: w.contains('$'),
                })
                .collect();
            let texts: Vec<MappedText> = parts
                .iter()
                .map(|(at, w)| MappedText::contiguous(w, *at as u32))
                .collect();
            shell::parse_argv(words, &texts)
        }
        _ => {
            let args: Vec<String> = source.split('\0').map(str::to_string).collect();
            shell::parse_argv_at(&args, Span::new(0, len as u32))
        }
    };
    check_script(&script, len);
    for c in &script.commands {
        let _ = shell::shell_command_string(c.args());
        let _ = shell::argv_start(&c.words);
        let _ = script.pipeline(c.pipeline).count();
    }
}

/// The files of a compose input, in the order NUL separates them.
pub const COMPOSE_FILES: [&str; 6] = [
    "compose.yaml",
    "compose.override.yaml",
    "base.yaml",
    "inc/compose.yaml",
    ".env",
    "Dockerfile",
];

const COMPOSE_DIR: &str = "/p";

/// Files in memory for a compose project.
struct MemFiles {
    files: Vec<(PathBuf, String)>,
}

impl Loader for MemFiles {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }

    fn env(&self, name: &str) -> Option<String> {
        match name {
            "FUZZ" => Some("docker".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }
}

/// The compose loader (YAML, interpolation, merge, `extends`, `include`):
/// NUL separates the files of [`COMPOSE_FILES`] (a main file, an override,
/// a file to extend, an included file, `.env`, the Dockerfile a service
/// builds), all in one directory so that they can refer to each other.
pub fn compose(data: &[u8]) {
    let source = text(data);
    let dir = PathBuf::from(COMPOSE_DIR);
    let files: Vec<(PathBuf, String)> = source
        .split('\0')
        .zip(COMPOSE_FILES)
        .map(|(t, name)| (dir.join(name), t.to_string()))
        .collect();
    let mut paths = vec![dir.join(COMPOSE_FILES[0])];
    if files.len() > 1 {
        paths.push(dir.join(COMPOSE_FILES[1]));
    }
    let loader = MemFiles { files };
    let project = load_project(&paths, &loader);
    for e in &project.errors {
        let Some(file) = project.file(e.file) else {
            panic!("error in file {} of {}", e.file, project.files.len());
        };
        assert_inside(e.span, file.text.len(), &e.message);
    }
    for service in &project.services {
        let Some(file) = project.file(service.origin.file) else {
            panic!(
                "service in file {} of {}",
                service.origin.file,
                project.files.len()
            );
        };
        assert_inside(service.origin.span, file.text.len(), "service");
    }
    for d in &project.dockerfiles {
        let _ = d.dockerfile.final_stage();
    }
}

/// How a `commandline` input starts (chosen by the mode byte): nothing (the
/// input is a whole script), or a command whose flags the input continues.
pub const COMMAND_PREFIXES: [&str; 12] = [
    "",
    "docker run ",
    "docker create ",
    "docker exec ",
    "docker network create ",
    "docker service create ",
    "docker build ",
    "docker buildx build ",
    "podman run ",
    "podman network create ",
    "sudo -E docker container run ",
    "DOCKER=podman; $DOCKER run ",
];

/// The docker/podman command lines: a script (mode byte, mod 12, picks a
/// prefix from [`COMMAND_PREFIXES`]; its high bit: judged on values only)
/// read for container commands and lowered into specs; and the rest of the
/// input split on spaces, read with each flag table directly.
pub fn commandline(data: &[u8]) {
    let Some((m, rest)) = mode(data) else { return };
    let prefix = COMMAND_PREFIXES[usize::from(m) % COMMAND_PREFIXES.len()];
    let body = text(rest);
    let source = format!("{prefix}{body}");
    let mut block = ShellBlock::new(0, mapped(&source));
    block.values_only = m & 0x80 != 0;
    let found = commandline::analyse(&[block]);
    for c in &found.commands {
        assert_inside(c.span, source.len(), "container command");
        for f in &c.args.flags {
            assert_inside(f.span(), source.len(), "flag");
            let _ = (f.bool(), f.text());
        }
    }
    for spec in &found.containers {
        assert_inside(spec.origin.span, source.len(), "container spec");
    }
    let mut words = Vec::new();
    let mut at = 0;
    for w in body.split(' ') {
        words.push(Word {
            value: w.to_string(),
            span: Span::new(at as u32, (at + w.len()) as u32),
            dynamic: w.starts_with('$'),
        });
        at += w.len() + 1;
    }
    for words in [&words[..], words.get(1..).unwrap_or(&[])] {
        for (tool, commands, interspersed) in [
            (Tool::Docker, &["run"][..], false),
            (Tool::Docker, &["network", "create"][..], true),
            (Tool::Docker, &["service", "create"][..], false),
            (Tool::Docker, &["build"][..], true),
            (Tool::Podman, &["run"][..], false),
        ] {
            let parsed = flags::parse_args(tool, commands, words, interspersed);
            for f in &parsed.flags {
                assert_inside(f.span(), body.len(), "flag");
            }
        }
        for w in words {
            let _ = flags::may_be_flags(w);
        }
    }
}

/// The daemon's settings. Mode (first byte, mod 2): 0, the rest is a
/// `daemon.json`; 1, the rest is the arguments of a `dockerd` command line
/// (read by the shell model first, as in a script).
pub fn daemon(data: &[u8]) {
    let Some((m, rest)) = mode(data) else { return };
    let source = text(rest);
    if m % 2 == 0 {
        let doc = json::parse(&source);
        for e in &doc.errors {
            assert_inside(e.span, source.len(), "JSON error");
        }
        let parsed = daemon::from_json(&doc, 0);
        for (span, _) in &parsed.problems {
            assert_inside(*span, source.len(), "daemon.json problem");
        }
        if let Some(spec) = &parsed.spec {
            for s in &spec.settings {
                assert_inside(s.written.span, source.len(), "setting");
            }
        }
    } else {
        let line = format!("dockerd {source}");
        let script = shell::parse_script(&mapped(&line));
        for c in script.commands() {
            let Some(first) = c.words.first() else {
                continue;
            };
            let args = c.words.get(c.argv_start + 1..).unwrap_or(&[]);
            let spec = daemon::from_command(args, 0, first.span);
            for s in &spec.settings {
                assert_inside(s.written.span, line.len(), "flag");
            }
        }
    }
}

/// The configuration files of a `config` input, NUL-separated: the one that
/// applies (`/r/proj/dockhard.toml`), and files it may `extend`.
pub const CONFIG_FILES: [&str; 4] = [
    "/r/proj/dockhard.toml",
    "/r/base.toml",
    "/r/proj/.dockhard.toml",
    "/r/proj/sub/dockhard.toml",
];

/// The configuration file: `dockhard.toml` with what it `extend`s, then the
/// settings it gives a few files (per-file-ignores globs, selectors,
/// severities); or its errors, rendered as `dockhard check` prints them.
pub fn config(data: &[u8]) {
    let source = text(data);
    let files: Vec<(PathBuf, String)> = source
        .split('\0')
        .zip(CONFIG_FILES)
        .map(|(t, name)| (PathBuf::from(name), t.to_string()))
        .collect();
    let read = |path: &Path| -> Result<String, String> {
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| "cannot read it: not found".to_string())
    };
    match load_config_with(Path::new(CONFIG_FILES[0]), &read) {
        Ok(config) => {
            for path in [
                "/r/proj/Dockerfile",
                "/r/proj/test/fixtures/compose.yaml",
                "/r/proj/a/b/c/Makefile",
                "/r/elsewhere/x.sh",
                "/r/proj/.github/workflows/ci.yml",
            ] {
                let s = settings(Some(&config), Path::new(path), &Overrides::default());
                for rule in RULES {
                    let _ = (s.is_enabled(rule.code), s.severity_of(rule.code));
                }
                let _ = s.as_of_date();
            }
        }
        Err(errors) => {
            let handler = miette::GraphicalReportHandler::new_themed(
                miette::GraphicalTheme::unicode_nocolor(),
            );
            for e in &errors {
                if let Some(span) = &e.span {
                    assert!(
                        span.start <= span.end && span.end <= e.file.text.len(),
                        "configuration error span {span:?} outside its file"
                    );
                }
                let mut out = String::new();
                let _ = handler.render_report(&mut out, e);
                let _ = e.to_string();
            }
        }
    }
}

/// File names a `check` input's files take (the first byte of each
/// NUL-separated file picks one, mod the length): one of each kind dockhard
/// recognises, a file recognised by its shebang, and files that are only
/// read when another names them (`extends`, a GitLab `include`, `.env`).
pub const CHECK_NAMES: [&str; 13] = [
    "Dockerfile",
    "compose.yaml",
    "docker-compose.override.yml",
    "daemon.json",
    ".github/workflows/x.yml",
    ".gitlab-ci.yml",
    "x.service",
    "Makefile",
    "x.sh",
    "tool",
    "base.yaml",
    "ci/inc.yml",
    ".env",
];

/// The whole `dockhard check` pipeline on a directory of files held in
/// memory (see [`CHECK_NAMES`]), every rule enabled, `--fix` applied, the
/// report rendered in every format; the JSON, SARIF, GitLab, Checkstyle and
/// JUnit reports must parse, every diagnostic's spans must lie in its file,
/// and the fixes must not give a Dockerfile a syntax error.
pub fn check(data: &[u8]) {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (i, part) in data.split(|b| *b == 0).enumerate() {
        let Some((pick, content)) = mode(part) else {
            continue;
        };
        let name = CHECK_NAMES[usize::from(pick) % CHECK_NAMES.len()];
        let mut path = PathBuf::from(name);
        if files.iter().any(|(p, _)| *p == path) {
            path = PathBuf::from(format!("d{i}")).join(name);
        }
        let mut content = content.to_vec();
        if name == "tool" && !content.starts_with(b"#!") {
            content.splice(0..0, b"#!/bin/sh\n".iter().copied());
        }
        files.push((path, content));
    }
    let report = dockhard::fuzzing::check(&files, &[("FUZZ", "docker")]);
    if let Some(problem) = dockhard::fuzzing::span_problem(&report.diagnostics) {
        panic!("{problem}");
    }
    if let Some(error) = &report.broken_by_fixes {
        panic!("the fixes made a Dockerfile invalid: {error}");
    }
    for (format, out) in &report.rendered {
        match *format {
            "json" | "sarif" | "gitlab" => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(out) {
                    panic!("the {format} report is not JSON: {e}\n{out}");
                }
            }
            "checkstyle" | "junit" => {
                if let Err(e) = roxmltree::Document::parse(out) {
                    panic!("the {format} report is not XML: {e}\n{out}");
                }
            }
            _ => {}
        }
    }
}
