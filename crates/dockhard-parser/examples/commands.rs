//! Prints the docker/podman commands dockhard finds in files, one per line:
//! `path:line: tool subcommand [complete|incomplete] image=...`.
//! `cargo run -p dockhard-parser --example commands -- FILE...`

use std::path::Path;

use dockhard_parser::commandline;
use dockhard_parser::kinds::{FileKind, load_command_input};
use dockhard_parser::loader::FsLoader;
use dockhard_parser::span::LineIndex;

fn main() {
    for arg in std::env::args().skip(1) {
        let path = Path::new(&arg);
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let kind = FileKind::detect(path)
            .or_else(|| FileKind::detect_content(text.as_bytes()))
            .filter(|k| k.is_command_line())
            .unwrap_or(FileKind::Script);
        let input = load_command_input(kind, path, text, &FsLoader);
        let lines = commandline::analyse(&input.extracted.blocks);
        // Network commands lower into networks; the others into containers,
        // in the same order.
        let containers = lines
            .commands
            .iter()
            .filter(|c| c.kind != dockhard_parser::spec::CommandKind::Network);
        for (c, spec) in containers.zip(&lines.containers) {
            let file = &input.files[c.file];
            let at = LineIndex::new(&file.text).line_col(&file.text, c.start.start);
            let image = spec
                .image
                .as_ref()
                .map(|i| i.value.clone().unwrap_or_else(|| "?".into()))
                .unwrap_or_default();
            println!(
                "{}:{}: {} {} [{}] name={} image={}",
                file.path.display(),
                at.line,
                c.tool.as_str(),
                c.subcommand,
                if c.args.complete {
                    "complete"
                } else {
                    "incomplete"
                },
                spec.name,
                image
            );
        }
    }
}
