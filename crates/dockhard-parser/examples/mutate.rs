//! Crash hunting: parses every prefix-cut and spliced variant of the given
//! files (`cargo run --release -p dockhard-parser --example mutate -- files...`).
//! Any panic is a bug.

fn main() {
    let pieces = [
        "\\", "\"", "'", "`", "<<", "<<-EOF", "$", "${", "}", "[", "]", "\n", "\r\n", "#", "--",
        "=", "é", "\u{feff}",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut count = 0;
    for path in std::env::args().skip(1) {
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let boundaries: Vec<usize> = (0..=src.len())
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        for _ in 0..40 {
            let cut = boundaries[(next() as usize) % boundaries.len()];
            let _ = dockhard_parser::Dockerfile::parse(&src[..cut]);
            let at = boundaries[(next() as usize) % boundaries.len()];
            let piece = pieces[(next() as usize) % pieces.len()];
            let spliced = format!("{}{}{}", &src[..at], piece, &src[at..]);
            let df = dockhard_parser::Dockerfile::parse(&spliced);
            for i in &df.instructions {
                let _ = i.span.slice(&spliced);
            }
            count += 2;
        }
    }
    println!("{count} variants parsed");
}
