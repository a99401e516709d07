//! Differential test against `parse-dockerfile` (an independent parser) on
//! the real Dockerfiles of `../shared/corpus`, when it is present: where both
//! parse a file, they must agree on every instruction's keyword and position,
//! its flags, and the FROM images. Skipped (with a note) without the corpus.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use dockhard_parser::Dockerfile;
use dockhard_parser::dockerfile::Kind;

fn corpus_dockerfiles() -> Option<Vec<PathBuf>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !root.is_dir() {
        return None;
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                let lower = name.to_ascii_lowercase();
                if lower == "dockerfile"
                    || lower.starts_with("dockerfile.")
                    || lower.ends_with(".dockerfile")
                    || lower.starts_with("containerfile")
                {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    Some(out)
}

/// Each instruction's keyword and offset, the FROM images, each instruction's flags.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    keywords: Vec<(String, usize)>,
    images: Vec<String>,
    flags: Vec<Vec<String>>,
}

fn ours(src: &str) -> Shape {
    let df = Dockerfile::parse(src);
    let mut keywords = Vec::new();
    let mut images = Vec::new();
    let mut flags = Vec::new();
    for i in &df.instructions {
        keywords.push((
            i.keyword.as_str().to_string(),
            i.keyword_span.start as usize,
        ));
        flags.push(i.flags.iter().map(|f| f.name.value.clone()).collect());
        if let Kind::From(from) = &i.kind {
            images.push(from.image.value.clone());
        }
    }
    Shape {
        keywords,
        images,
        flags,
    }
}

fn theirs(src: &str) -> Option<Shape> {
    use parse_dockerfile::Instruction as I;
    let df = parse_dockerfile::parse(src).ok()?;
    let mut keywords = Vec::new();
    let mut images = Vec::new();
    let mut flags = Vec::new();
    for i in &df.instructions {
        let (span, opts): (std::ops::Range<usize>, Vec<String>) = match i {
            I::Add(x) => (
                x.add.span.clone(),
                x.options.iter().map(|f| f.name.value.to_string()).collect(),
            ),
            I::Arg(x) => (x.arg.span.clone(), vec![]),
            I::Cmd(x) => (x.cmd.span.clone(), vec![]),
            I::Copy(x) => (
                x.copy.span.clone(),
                x.options.iter().map(|f| f.name.value.to_string()).collect(),
            ),
            I::Entrypoint(x) => (x.entrypoint.span.clone(), vec![]),
            I::Env(x) => (x.env.span.clone(), vec![]),
            I::Expose(x) => (x.expose.span.clone(), vec![]),
            I::From(x) => {
                images.push(x.image.value.to_string());
                (
                    x.from.span.clone(),
                    x.options.iter().map(|f| f.name.value.to_string()).collect(),
                )
            }
            I::Healthcheck(x) => (
                x.healthcheck.span.clone(),
                x.options.iter().map(|f| f.name.value.to_string()).collect(),
            ),
            I::Label(x) => (x.label.span.clone(), vec![]),
            I::Maintainer(x) => (x.maintainer.span.clone(), vec![]),
            I::Onbuild(x) => (x.onbuild.span.clone(), vec![]),
            I::Run(x) => (
                x.run.span.clone(),
                x.options.iter().map(|f| f.name.value.to_string()).collect(),
            ),
            I::Shell(x) => (x.shell.span.clone(), vec![]),
            I::Stopsignal(x) => (x.stopsignal.span.clone(), vec![]),
            I::User(x) => (x.user.span.clone(), vec![]),
            I::Volume(x) => (x.volume.span.clone(), vec![]),
            I::Workdir(x) => (x.workdir.span.clone(), vec![]),
            _ => return None,
        };
        keywords.push((src[span.clone()].to_ascii_lowercase(), span.start));
        flags.push(opts);
    }
    Some(Shape {
        keywords,
        images,
        flags,
    })
}

#[test]
fn agrees_with_parse_dockerfile_on_the_corpus() {
    let Some(files) = corpus_dockerfiles() else {
        eprintln!("../shared/corpus not found: differential test skipped");
        return;
    };
    let mut compared = 0;
    let mut theirs_failed = 0;
    let mut differences = Vec::new();
    for path in &files {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        let Some(expected) = theirs(&src) else {
            theirs_failed += 1;
            continue;
        };
        compared += 1;
        let got = ours(&src);
        if got != expected {
            differences.push(format!(
                "{}:\n  ours:   {:?}\n  theirs: {:?}",
                path.display(),
                got,
                expected
            ));
        }
    }
    eprintln!(
        "compared {compared} of {} corpus Dockerfiles ({theirs_failed} rejected by parse-dockerfile)",
        files.len()
    );
    assert!(compared > 400, "too few files compared: {compared}");
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
