//! Parse success, speed and word spans of brush-parser and tree-sitter-bash
//! on the shell scripts of every RUN of a Dockerfile corpus. The scripts are
//! what BuildKit hands to `/bin/sh -c`: the RUN text with continuations
//! joined, followed by its heredoc bodies.

use std::path::{Path, PathBuf};
use std::time::Instant;

use dockhard_parser::Dockerfile;
use dockhard_parser::dockerfile::{CommandForm, Kind};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if let Some(n) = p.file_name().and_then(|n| n.to_str()) {
            let l = n.to_ascii_lowercase();
            if l == "dockerfile"
                || l.starts_with("dockerfile.")
                || l.ends_with(".dockerfile")
                || l.starts_with("containerfile")
            {
                out.push(p);
            }
        }
    }
}

fn scripts(files: &[PathBuf]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in files {
        let Ok(src) = std::fs::read_to_string(f) else {
            continue;
        };
        let df = Dockerfile::parse(&src);
        for i in &df.instructions {
            let Kind::Run(line) = &i.kind else { continue };
            let CommandForm::Shell(text) = &line.form else {
                continue;
            };
            let mut script = text.as_str().to_string();
            for h in &i.heredocs {
                script.push('\n');
                script.push_str(&h.body.value);
                script.push_str(h.terminator.slice(&src));
            }
            out.push((f.display().to_string(), script));
        }
    }
    out
}

fn brush_ok(s: &str) -> (bool, usize, usize) {
    let mut p = brush_parser::Parser::new(s.as_bytes(), &brush_parser::ParserOptions::default());
    match p.parse_program() {
        Ok(program) => {
            // Count words and words with a location, from the debug form.
            let dbg = format!("{program:?}");
            let words = dbg.matches("Word { value:").count();
            let located = dbg.matches("Word { value:").count() - dbg.matches("loc: None").count();
            (true, words, located)
        }
        Err(_) => (false, 0, 0),
    }
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../../../shared/corpus".into());
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let mut files = Vec::new();
    collect(Path::new(&dir), &mut files);
    files.sort();
    let scripts = scripts(&files);
    let bytes: usize = scripts.iter().map(|(_, s)| s.len()).sum();
    println!(
        "{} Dockerfiles, {} RUN scripts, {} bytes",
        files.len(),
        scripts.len(),
        bytes
    );

    let mut ts = tree_sitter::Parser::new();
    ts.set_language(&tree_sitter_bash::LANGUAGE.into())
        .expect("bash grammar");

    let (mut b_ok, mut b_words, mut b_located) = (0, 0, 0);
    let mut b_fail = Vec::new();
    let mut t_ok = 0;
    let mut t_fail = Vec::new();
    for (f, s) in &scripts {
        let (ok, w, l) = brush_ok(s);
        if ok {
            b_ok += 1;
            b_words += w;
            b_located += l;
        } else {
            b_fail.push((f, s));
        }
        let tree = ts.parse(s, None).expect("tree");
        if tree.root_node().has_error() {
            t_fail.push((f, s));
        } else {
            t_ok += 1;
        }
    }

    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..rounds {
            f();
        }
        start.elapsed().as_secs_f64() / rounds as f64
    };
    let b_time = time(&mut || {
        for (_, s) in &scripts {
            let mut p =
                brush_parser::Parser::new(s.as_bytes(), &brush_parser::ParserOptions::default());
            let _ = std::hint::black_box(p.parse_program());
        }
    });
    let t_time = time(&mut || {
        for (_, s) in &scripts {
            std::hint::black_box(ts.parse(s, None));
        }
    });
    let n = scripts.len() as f64;
    let mb = bytes as f64 / 1e6;
    println!("| parser | parsed without error | time per pass | MB/s | scripts/s |");
    println!("|---|---|---|---|---|");
    println!(
        "| brush-parser 0.4.0 | {b_ok}/{} ({:.1}%) | {:.1} ms | {:.1} | {:.0} |",
        scripts.len(),
        100.0 * b_ok as f64 / n,
        b_time * 1e3,
        mb / b_time,
        n / b_time
    );
    println!(
        "| tree-sitter-bash 0.25.1 | {t_ok}/{} ({:.1}%) | {:.1} ms | {:.1} | {:.0} |",
        scripts.len(),
        100.0 * t_ok as f64 / n,
        t_time * 1e3,
        mb / t_time,
        n / t_time
    );
    println!("brush-parser words with a location: {b_located}/{b_words}");

    // tree-sitter-bash as dockhard uses it: heredoc markers read as input
    // redirections, bodies read by a shell parsed on their own, PowerShell
    // stages skipped.
    let mut used = 0;
    let mut used_err = Vec::new();
    let start = Instant::now();
    for f in &files {
        let Ok(src) = std::fs::read_to_string(f) else {
            continue;
        };
        let df = Dockerfile::parse(&src);
        for i in &df.instructions {
            if !matches!(i.kind, Kind::Run(_)) {
                continue;
            }
            if let Some(script) = i.script() {
                used += 1;
                if script.has_errors {
                    used_err.push((f.display().to_string(), i.rest.as_str().to_string()));
                }
            }
        }
    }
    let used_time = start.elapsed().as_secs_f64();
    println!(
        "tree-sitter-bash in dockhard's model: {}/{used} RUN scripts without error ({:.1} ms for the whole Dockerfile parse, one pass)",
        used - used_err.len(),
        used_time * 1e3
    );
    for (f, s) in used_err.iter().take(12) {
        let short: String = s.chars().take(140).collect::<String>().replace('\n', "⏎");
        println!("  {f}: {short}");
    }
    let heredoc_only = t_fail
        .iter()
        .filter(|(_, s)| s.trim_start().starts_with("<<"))
        .count();
    let both = t_fail
        .iter()
        .filter(|(f, s)| b_fail.iter().any(|(bf, bs)| bf == f && bs == s))
        .count();
    println!(
        "tree-sitter-bash failures: {heredoc_only} scripts that are only a heredoc (`RUN <<EOF`), {both} that brush-parser also rejects (PowerShell), {} others",
        t_fail.len() - heredoc_only - both
    );
    for (name, fails) in [("brush-parser", &b_fail), ("tree-sitter-bash", &t_fail)] {
        println!("\n{name} fails on {} scripts, e.g.:", fails.len());
        for (f, s) in fails.iter().take(8) {
            let short: String = s.chars().take(110).collect::<String>().replace('\n', "⏎");
            println!("  {f}: {short}");
        }
    }
}
