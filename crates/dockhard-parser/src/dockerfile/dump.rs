//! BuildKit's AST dump (`Node.Dump`), used to compare our parse with
//! BuildKit's reference results.

use super::{Dockerfile, Instruction, Kind};

/// One line per instruction, e.g. `(copy ["--from=x"] "a" "b")`.
pub fn dump_buildkit(df: &Dockerfile) -> Vec<String> {
    df.instructions
        .iter()
        .map(|i| format!("({})", dump_node(i)))
        .collect()
}

fn dump_node(instruction: &Instruction) -> String {
    let mut out = instruction.keyword.as_str().to_lowercase();
    if !instruction.flags.is_empty() {
        out.push_str(" [");
        let quoted: Vec<String> = instruction
            .flags
            .iter()
            .map(|f| go_quote(&f.word))
            .collect();
        out.push_str(&quoted.join(" "));
        out.push(']');
    }
    if let Kind::Onbuild(inner) = &instruction.kind {
        out.push_str(&format!(" ({})", dump_node(inner)));
        return out;
    }
    for arg in &instruction.args {
        out.push(' ');
        out.push_str(&go_quote(&arg.value));
    }
    out
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            ' ' => out.push(' '),
            c if !c.is_control() && !c.is_whitespace() && !is_format(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Unicode format characters (Cf) that Go does not print as-is.
fn is_format(c: char) -> bool {
    matches!(c as u32, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFEFF)
}
