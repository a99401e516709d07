//! `dockhard check`: discover, lint in parallel, fix, report, exit code.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use dockhard_rules::settings::Selector;
use dockhard_rules::{Diagnostic, Settings, Severity, SourceFile, lint, linter, load};
use rayon::prelude::*;

use crate::cli::{CheckArgs, ColorChoice, FailLevel, OutputFormat};
use crate::discover::{Input, Origin, discover};
use crate::{fix, output};

/// One linted file and its findings (sorted by position).
pub struct FileResult {
    pub file: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where to write fixes back (`None` for standard input).
    pub fs_path: Option<PathBuf>,
    pub input: Input,
}

fn selectors(list: &[String]) -> Result<Vec<Selector>, String> {
    list.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Selector::parse(s).map_err(|e| e.to_string()))
        .collect()
}

pub fn settings(args: &CheckArgs) -> Result<Settings, String> {
    Ok(Settings::from_selectors(
        &selectors(&args.select)?,
        &selectors(&args.extend_select)?,
        &selectors(&args.ignore)?,
        &HashMap::new(),
    ))
}

pub fn lint_input(
    input: &Input,
    bytes: std::io::Result<Vec<u8>>,
    settings: &Settings,
) -> FileResult {
    let fs_path = match &input.origin {
        Origin::File(p) => Some(p.clone()),
        Origin::Stdin => None,
    };
    let (file, diagnostics) = match bytes {
        Ok(bytes) => {
            let (file, unreadable) = load(input.display.clone(), bytes, settings);
            match unreadable {
                Some(d) => (file, vec![d]),
                None => {
                    let diagnostics = lint(&file, input.kind, settings);
                    (file, diagnostics)
                }
            }
        }
        Err(e) => {
            let file = SourceFile::new(input.display.clone(), String::new());
            let d = linter::unreadable(
                settings,
                format!("cannot read the file: {e}"),
                dockhard_parser::Span::empty_at(0),
            );
            (file, d.into_iter().collect())
        }
    };
    FileResult {
        file,
        diagnostics,
        fs_path,
        input: input.clone(),
    }
}

pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let settings = settings(&args)?;
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let found = discover(&args.paths, args.kind, args.stdin_filename.as_deref(), &cwd);
    for path in &found.missing {
        eprintln!("dockhard: {}: no such file or directory", path.display());
    }
    for path in &found.skipped {
        eprintln!(
            "dockhard: {}: not a Dockerfile (by name or content); skipped (use --kind to force)",
            path.display()
        );
    }
    let stdin_bytes = if found.inputs.iter().any(|i| i.origin == Origin::Stdin) {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Some(buf)
    } else {
        None
    };
    let mut results: Vec<FileResult> = found
        .inputs
        .par_iter()
        .map(|input| {
            let bytes = match &input.origin {
                Origin::File(p) => std::fs::read(p),
                Origin::Stdin => Ok(stdin_bytes.clone().unwrap_or_default()),
            };
            lint_input(input, bytes, &settings)
        })
        .collect();
    if args.fix {
        fix::apply(&mut results, &settings, args.unsafe_fixes)?;
    }
    results.sort_by(|a, b| a.file.path.cmp(&b.file.path));

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let text = match args.format {
        OutputFormat::Human => {
            let mut s = output::human(&results, color);
            if !args.no_summary {
                s.push_str(&output::summary_line(&results, started.elapsed()));
            }
            s
        }
        OutputFormat::Concise => output::concise(&results),
        OutputFormat::Json => output::json(&results),
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write the report: {e}"));
        }
    }
    if !found.missing.is_empty() {
        return Ok(ExitCode::from(2));
    }
    let threshold = match args.fail_level {
        FailLevel::Info => Some(Severity::Info),
        FailLevel::Warning => Some(Severity::Warning),
        FailLevel::Error => Some(Severity::Error),
        FailLevel::Never => None,
    };
    let failing = threshold.is_some_and(|t| {
        results
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.severity >= t)
    });
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
