//! Prints BuildKit's AST dump, the errors and the RUN scripts of a Dockerfile:
//! `cargo run -p dockhard-parser --example dump -- path/to/Dockerfile`.

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(source) = std::fs::read_to_string(&path) else {
            eprintln!("{path}: unreadable");
            continue;
        };
        let df = dockhard_parser::Dockerfile::parse(&source);
        println!("== {path}");
        for line in dockhard_parser::dockerfile::dump_buildkit(&df) {
            println!("{line}");
        }
        for e in &df.errors {
            println!(
                "error: {} at {:?} {:?}",
                e.message,
                e.span,
                e.span.slice(&source)
            );
        }
        for stage in &df.stages {
            println!(
                "stage {} {:?} base {:?}",
                stage.index,
                stage.name.as_ref().map(|n| &n.value),
                stage.base
            );
        }
        for i in &df.instructions {
            if let Some(script) = i.script() {
                for c in script.commands() {
                    let words: Vec<&str> = c.words.iter().map(|w| w.value.as_str()).collect();
                    println!(
                        "  cmd d{} {:?} {:?} {:?}",
                        c.depth,
                        c.op,
                        c.program(),
                        words
                    );
                }
            }
        }
    }
}
