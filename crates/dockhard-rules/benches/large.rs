//! Linting cost against file size, for the shapes of Dockerfile whose cost
//! could grow faster than the file (issue 11): `cargo bench -p
//! dockhard-rules --bench large`. Each shape is linted at 12,500 to 100,000
//! lines; throughput is reported in lines per second, which stays the same
//! from one size to the next when the cost is linear.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dockhard_rules::{Settings, SourceFile, lint_dockerfile};

/// A Dockerfile of `lines` lines of one shape.
fn dockerfile(shape: &str, lines: usize) -> String {
    let mut text = String::from("FROM alpine:3.20 AS s0\nENV ROOT=/srv\n");
    let mut count = 2;
    for i in 1.. {
        let line = match shape {
            "run" => format!("RUN echo {i} && ls $ROOT\n"),
            // ENV and ARG values that refer to earlier ones.
            "env" => format!("ENV V{i}=${{ROOT}}/{i}\nARG A{i}=$V{i}\n"),
            // A chain of stages, each built on the one before.
            "stages" => format!("FROM s{} AS s{i}\nENV V{i}=$ROOT\n", i - 1),
            // Image references to an earlier stage.
            "copies" => format!("COPY --from=s0 /srv/{i} /srv/{i}\n"),
            _ => String::new(),
        };
        count += line.lines().count();
        text.push_str(&line);
        if count >= lines || line.is_empty() {
            break;
        }
    }
    text.push_str("USER root\n");
    text
}

fn bench(c: &mut Criterion) {
    let settings = Settings::default();
    for shape in ["run", "env", "stages", "copies"] {
        let mut group = c.benchmark_group(format!("large Dockerfile: {shape}"));
        group.sample_size(10);
        for lines in [12_500, 25_000, 50_000, 100_000] {
            let file = SourceFile::new("Dockerfile", dockerfile(shape, lines));
            group.throughput(Throughput::Elements(lines as u64));
            group.bench_with_input(BenchmarkId::from_parameter(lines), &file, |b, f| {
                b.iter(|| black_box(lint_dockerfile(f, &settings)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
