//! Parsing speed on the corpus Dockerfiles (`../shared/corpus`, else the
//! project's fixtures), with `parse-dockerfile` measured in the same run as
//! the baseline: `cargo bench -p dockhard-parser`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dockhard_parser::Dockerfile;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
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

/// The corpus Dockerfiles if present, else the fixtures.
pub fn inputs() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    collect(&root.join("../shared/corpus"), &mut files);
    if files.is_empty() {
        collect(&root.join("fixtures"), &mut files);
    }
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    let sources = inputs();
    let bytes: usize = sources.iter().map(String::len).sum();
    let mut group = c.benchmark_group(format!("parse {} Dockerfiles", sources.len()));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("dockhard (with shell scripts)", |b| {
        b.iter(|| {
            for s in &sources {
                black_box(Dockerfile::parse(black_box(s)));
            }
        })
    });
    group.bench_function("parse-dockerfile (baseline)", |b| {
        b.iter(|| {
            for s in &sources {
                let _ = black_box(parse_dockerfile::parse(black_box(s)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
