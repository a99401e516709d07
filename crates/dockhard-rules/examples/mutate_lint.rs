//! Crash hunting through the whole linter: lints cut and spliced variants of
//! the given files with every rule enabled, and renders the findings
//! (`cargo run --release -p dockhard-rules --example mutate_lint -- files...`).

use dockhard_rules::render::{HumanOptions, render_human};
use dockhard_rules::settings::Selector;
use dockhard_rules::{Settings, SourceFile, lint_dockerfile};

fn main() {
    let pieces = [
        "\\",
        "\"",
        "'",
        "`",
        "<<",
        "<<-EOF",
        "$",
        "${",
        "}",
        "[",
        "]",
        "\n",
        "\r\n",
        "#",
        "--",
        "=",
        "é",
        "sudo ",
        "chmod u+s ",
        "USER root\n",
        "FROM x AS y\n",
        "--chmod=4755 ",
        "--network=host ",
    ];
    let all = Settings::from_selectors(
        &[Selector::parse("all").unwrap_or_else(|_| unreachable!())],
        &[],
        &[],
        &Default::default(),
    );
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut findings = 0;
    for path in std::env::args().skip(1) {
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let boundaries: Vec<usize> = (0..=src.len())
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        for _ in 0..20 {
            let at = boundaries[(next() as usize) % boundaries.len()];
            let piece = pieces[(next() as usize) % pieces.len()];
            let text = format!("{}{}{}", &src[..at], piece, &src[at..]);
            let file = SourceFile::new(&path, text);
            let diagnostics = lint_dockerfile(&file, &all);
            findings += diagnostics.len();
            let _ = render_human(&diagnostics, HumanOptions::default());
        }
    }
    println!("{findings} findings rendered");
}
