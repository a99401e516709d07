//! Parses every file given N times (for profiling):
//! `cargo run --release -p dockhard-parser --example parse_all -- 20 files...`.

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let sources: Vec<String> = args
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut commands = 0;
    for _ in 0..rounds {
        for s in &sources {
            let df = dockhard_parser::Dockerfile::parse(s);
            commands += df
                .instructions
                .iter()
                .filter_map(|i| i.script())
                .map(|s| s.commands.len())
                .sum::<usize>();
        }
    }
    println!("{} files x {rounds}: {commands} commands", sources.len());
}
