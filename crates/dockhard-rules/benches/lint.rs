//! Parse + lint speed with every default rule, on the corpus Dockerfiles,
//! compose projects and command-line files (`../shared/corpus`, else the
//! fixtures): `cargo bench -p dockhard-rules`. Parsing alone is measured in
//! the same run, so the rules' share shows; for command-line files, so is
//! the cost of reading files that hold no `docker` word (not shell-parsed).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dockhard_parser::Dockerfile;
use dockhard_parser::compose::{FsLoader, load_project};
use dockhard_parser::kinds::{CommandInput, load_command_input};
use dockhard_rules::kind::compose_projects;
use dockhard_rules::{
    FileKind, Settings, SourceFile, command_files, lint_commands, lint_dockerfile, lint_project,
    project_files,
};

fn collect(dir: &Path, keep: &dyn Fn(FileKind) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, keep, out);
        } else if FileKind::detect(&path).is_some_and(keep) {
            out.push(path);
        }
    }
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("../shared/corpus");
    let base = if corpus.is_dir() {
        corpus
    } else {
        root.join("fixtures")
    };
    let mut paths = Vec::new();
    collect(&base, &|k| k == FileKind::Dockerfile, &mut paths);
    paths.sort();
    let files: Vec<Arc<SourceFile>> = paths
        .iter()
        .filter_map(|p| {
            std::fs::read_to_string(p)
                .ok()
                .map(|t| SourceFile::new(p.clone(), t))
        })
        .collect();
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    let settings = Settings::default();
    let mut group = c.benchmark_group(format!("lint {} Dockerfiles", files.len()));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse + all default rules", |b| {
        b.iter(|| {
            for f in &files {
                black_box(lint_dockerfile(f, &settings));
            }
        })
    });
    group.bench_function("parse only", |b| {
        b.iter(|| {
            for f in &files {
                black_box(Dockerfile::parse(&f.text));
            }
        })
    });
    group.finish();

    let mut compose = Vec::new();
    collect(&base, &|k| k == FileKind::Compose, &mut compose);
    compose.sort();
    let projects = compose_projects(&compose);
    let bytes: u64 = compose
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let mut group = c.benchmark_group(format!("lint {} compose projects", projects.len()));
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("load + normalise + all default rules", |b| {
        b.iter(|| {
            for p in &projects {
                let project = load_project(p, &FsLoader);
                let files = project_files(&project, &|p| p.to_path_buf(), &[]);
                black_box(lint_project(&files, &settings));
            }
        })
    });
    group.finish();

    let mut command_paths = Vec::new();
    collect(&base, &FileKind::is_command_line, &mut command_paths);
    command_paths.sort();
    let inputs: Vec<(FileKind, PathBuf, String)> = command_paths
        .iter()
        .filter_map(|p| {
            let kind = FileKind::detect(p)?;
            Some((kind, p.clone(), std::fs::read_to_string(p).ok()?))
        })
        .collect();
    let bytes: usize = inputs.iter().map(|(_, _, t)| t.len()).sum();
    let mut group = c.benchmark_group(format!("lint {} command-line files", inputs.len()));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("extract + parse + all default rules", |b| {
        b.iter(|| {
            for (kind, path, text) in &inputs {
                let input: CommandInput = load_command_input(*kind, path, text.clone(), &FsLoader);
                let files = command_files(&input, &|p| p.to_path_buf());
                black_box(lint_commands(&files, &input, &settings));
            }
        })
    });
    group.bench_function("extract only", |b| {
        b.iter(|| {
            for (kind, path, text) in &inputs {
                black_box(load_command_input(*kind, path, text.clone(), &FsLoader));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
