use dockhard_parser::dockerfile::{Instruction, Kind};
use dockhard_parser::shell::{Command, Word};

use crate::analysis::option_value;
use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports an instruction that adds the setuid or setgid bit to a file:
    /// `chmod u+s`, `g+s`, `+s`, `u=rwxs`, or a numeric mode with 4xxx, 2xxx
    /// or 6xxx (also through `find ... -exec chmod`, `install -m 4755`, and
    /// `COPY --chmod=4755` / `ADD --chmod=...`). Directories created with
    /// `install -d` are not reported: setgid on a directory only makes new
    /// files inherit its group.
    ///
    /// ## Why is this bad?
    /// A setuid binary runs with its owner's privileges, usually root, whoever
    /// starts it. Every setuid file is a way back to root for a process that
    /// runs as an unprivileged user, which undoes `USER`. CIS Docker Benchmark
    /// 4.8 asks to remove these bits, not to add them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN chmod u+s /usr/local/bin/helper
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN setcap cap_net_bind_service=+ep /usr/local/bin/helper
    /// ```
    ///
    /// ## Fix
    /// None: decide what the program needs. Grant a single capability with
    /// `setcap`, run the program as the user it needs, or drop the bit.
    pub static SETUID_ADDED = {
        code: "DH102",
        name: "setuid-added",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Dockerfile],
        sources: [Source::Cis { edition: "v1.6.0", control: "4.8" }],
        fix: None,
        core: true,
        dockerfile: check,
    }
}

const HELP: &str = "grant one capability with `setcap` or run the program as the user it needs \
                    instead of a setuid/setgid bit";

fn check(cx: &mut DockerfileContext<'_>) {
    for instruction in &cx.dockerfile.instructions {
        check_instruction(cx, instruction);
    }
}

fn check_instruction(cx: &mut DockerfileContext<'_>, instruction: &Instruction) {
    match &instruction.kind {
        Kind::Onbuild(inner) => check_instruction(cx, inner),
        Kind::Copy(_) | Kind::Add(_) => {
            if let Some(flag) = instruction.flag("chmod")
                && let Some(value) = &flag.value
                && let Some(bits) = special_bits(&value.value)
            {
                let keyword = instruction.keyword.as_str().to_uppercase();
                cx.report(
                    value.span,
                    format!("{keyword} --chmod={} adds the {bits}", value.value),
                )
                .label(bits)
                .help(HELP);
            }
        }
        Kind::Run(_) => {
            let Some(script) = instruction.script() else {
                return;
            };
            for cmd in script.commands() {
                if let Some((word, bits)) = setuid_in_command(cmd) {
                    let message = match cmd.program() {
                        Some("install") => {
                            format!("`install` with mode `{}` adds the {bits}", word.value)
                        }
                        Some("find") => {
                            format!("`find -exec chmod {}` adds the {bits}", word.value)
                        }
                        _ => format!("`chmod {}` adds the {bits}", word.value),
                    };
                    cx.report(word.span, message).label(bits).help(HELP);
                }
            }
        }
        _ => {}
    }
}

/// The mode word of a `chmod`/`install`/`find -exec chmod` that adds a
/// special bit, and which bit.
fn setuid_in_command(cmd: &Command) -> Option<(&Word, &'static str)> {
    match cmd.program()? {
        "chmod" => chmod_mode(cmd.args()).and_then(|w| special_bits(&w.value).map(|b| (w, b))),
        "install" => {
            let args = cmd.args();
            // `install -d` creates directories, where setgid only makes new
            // files inherit the group: not a way to gain privileges.
            let directory = args.iter().any(|w| {
                w.value == "--directory"
                    || (w.value.starts_with('-')
                        && !w.value.starts_with("--")
                        && w.value[1..].contains('d'))
            });
            if directory {
                return None;
            }
            let mode = option_value(cmd, "-m", "--mode")?;
            let word = args.iter().find(|w| w.value.ends_with(mode))?;
            special_bits(mode).map(|b| (word, b))
        }
        "find" => {
            let args = cmd.args();
            let exec = args.iter().position(|w| {
                matches!(w.value.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir")
            })?;
            let rest = &args[exec + 1..];
            if rest.first()?.value.rsplit('/').next() != Some("chmod") {
                return None;
            }
            chmod_mode(&rest[1..]).and_then(|w| special_bits(&w.value).map(|b| (w, b)))
        }
        _ => None,
    }
}

/// The mode argument of chmod's arguments (after options).
fn chmod_mode(args: &[Word]) -> Option<&Word> {
    for w in args {
        let v = w.value.as_str();
        if v.starts_with("--reference") {
            return None;
        }
        if v.starts_with("--") || matches!(v, "-R" | "-v" | "-c" | "-f" | "-h" | "-H" | "-L" | "-P")
        {
            continue;
        }
        if w.dynamic {
            return None;
        }
        return Some(w);
    }
    None
}

/// Which special bits a chmod mode adds: `"setuid"`, `"setgid"`, or both.
pub(crate) fn special_bits(mode: &str) -> Option<&'static str> {
    let (mut setuid, mut setgid) = (false, false);
    if !mode.is_empty() && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let value = u32::from_str_radix(mode, 8).ok()?;
        if mode.len() >= 4 {
            setuid = value & 0o4000 != 0;
            setgid = value & 0o2000 != 0;
        }
    } else {
        for clause in mode.split(',') {
            let who_len = clause
                .bytes()
                .take_while(|b| matches!(b, b'u' | b'g' | b'o' | b'a'))
                .count();
            let who = &clause[..who_len];
            let mut rest = &clause[who_len..];
            while let Some(op) = rest.chars().next() {
                if !matches!(op, '+' | '-' | '=') {
                    break;
                }
                let perms_len = rest[1..]
                    .bytes()
                    .take_while(|b| !matches!(b, b'+' | b'-' | b'='))
                    .count();
                let perms = &rest[1..1 + perms_len];
                if op != '-' && perms.contains('s') {
                    if who.is_empty() || who.contains('a') {
                        setuid = true;
                        setgid = true;
                    }
                    setuid |= who.contains('u');
                    setgid |= who.contains('g');
                }
                rest = &rest[1 + perms_len..];
            }
        }
    }
    match (setuid, setgid) {
        (true, true) => Some("setuid and setgid bits"),
        (true, false) => Some("setuid bit"),
        (false, true) => Some("setgid bit"),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::special_bits;

    #[test]
    fn modes() {
        for (mode, bits) in [
            ("u+s", Some("setuid bit")),
            ("g+s", Some("setgid bit")),
            ("+s", Some("setuid and setgid bits")),
            ("a+rs", Some("setuid and setgid bits")),
            ("u=rwxs,g=rx", Some("setuid bit")),
            ("ug+s", Some("setuid and setgid bits")),
            ("4755", Some("setuid bit")),
            ("04755", Some("setuid bit")),
            ("2775", Some("setgid bit")),
            ("6755", Some("setuid and setgid bits")),
            ("7777", Some("setuid and setgid bits")),
            ("755", None),
            ("0755", None),
            ("1777", None),
            ("u-s", None),
            ("a-s,g-s", None),
            ("o+s", None),
            ("+x", None),
            ("u+x,g-s", None),
            ("", None),
        ] {
            assert_eq!(special_bits(mode), bits, "{mode}");
        }
    }
}
