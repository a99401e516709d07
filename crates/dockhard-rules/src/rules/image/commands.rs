//! How the supply-chain rules (DH406–DH409) read the commands of RUN, CMD
//! and ENTRYPOINT: the options of downloaders and package managers, in
//! every spelling (`-fsSLk`, `-o X`, `-oX`, `--opt X`, `--opt=X`).

use dockhard_parser::Span;
use dockhard_parser::dockerfile::{Dockerfile, Instruction, Kind};
use dockhard_parser::shell::{Command, Script, Word};

/// How a program's options are written.
pub(crate) struct Syntax {
    /// Short options that take a value (`-o file`, `-ofile`).
    pub short_values: &'static str,
    /// Long options that take the next word as their value when written
    /// without `=`.
    pub long_values: &'static [&'static str],
    /// Options end at the first operand (a subcommand follows: `git -c x
    /// clone`, `zypper -n ar -G`).
    pub stop_at_operand: bool,
}

/// One option as written, with its value.
pub(crate) struct Opt<'a> {
    /// `-k`, `--insecure` (a short option in a cluster is named alone).
    pub name: String,
    pub value: Option<&'a str>,
    /// The option word, and its value's word when that is separate.
    pub span: Span,
    /// The word the option is written in.
    pub word: &'a Word,
}

/// A command's arguments, split into options and operands.
pub(crate) struct Parsed<'a> {
    pub options: Vec<Opt<'a>>,
    pub operands: Vec<&'a Word>,
    /// The words after the first operand, when options stop there.
    pub rest: &'a [Word],
}

impl<'a> Parsed<'a> {
    /// The first option with one of these names.
    pub fn find(&self, names: &[&str]) -> Option<&Opt<'a>> {
        self.options
            .iter()
            .find(|o| names.contains(&o.name.as_str()))
    }

    pub fn has(&self, names: &[&str]) -> bool {
        self.find(names).is_some()
    }

    pub fn first_operand(&self) -> Option<&'a str> {
        self.operands.first().map(|w| w.as_str())
    }
}

/// Splits `args` into options and operands, GNU style.
pub(crate) fn parse_args<'a>(args: &'a [Word], syntax: &Syntax) -> Parsed<'a> {
    let mut parsed = Parsed {
        options: Vec::new(),
        operands: Vec::new(),
        rest: &[],
    };
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        let w = word.as_str();
        if w == "--" {
            parsed.operands.extend(args[i + 1..].iter());
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v)),
                None => (w.to_string(), None),
            };
            let mut span = word.span;
            let value = match value {
                Some(v) => Some(v),
                None if syntax.long_values.contains(&name.as_str()) => {
                    i += 1;
                    args.get(i).map(|next| {
                        span = span.cover(next.span);
                        next.as_str()
                    })
                }
                None => None,
            };
            parsed.options.push(Opt {
                name,
                value,
                span,
                word,
            });
            i += 1;
            continue;
        }
        if w.len() > 1 && w.starts_with('-') && !word.dynamic {
            for (at, c) in w.char_indices().skip(1) {
                if syntax.short_values.contains(c) {
                    let rest = &w[at + c.len_utf8()..];
                    let mut span = word.span;
                    let value = if rest.is_empty() {
                        i += 1;
                        args.get(i).map(|next| {
                            span = span.cover(next.span);
                            next.as_str()
                        })
                    } else {
                        Some(rest)
                    };
                    parsed.options.push(Opt {
                        name: format!("-{c}"),
                        value,
                        span,
                        word,
                    });
                    break;
                }
                parsed.options.push(Opt {
                    name: format!("-{c}"),
                    value: None,
                    span: word.span,
                    word,
                });
            }
            i += 1;
            continue;
        }
        parsed.operands.push(word);
        if syntax.stop_at_operand {
            parsed.rest = &args[i + 1..];
            break;
        }
        i += 1;
    }
    parsed
}

/// The program and its arguments, looking through `eatmydata` and
/// `fakeroot`, which run the command after them.
pub(crate) fn program_args(cmd: &Command) -> Option<(&str, &[Word])> {
    let program = cmd.program()?;
    let args = cmd.args();
    if matches!(program, "eatmydata" | "fakeroot")
        && let Some(next) = args.first()
        && !next.dynamic
        && !next.as_str().starts_with('-')
    {
        let name = next.as_str().rsplit('/').next().unwrap_or(next.as_str());
        return Some((name, &args[1..]));
    }
    Some((program, args))
}

/// Package managers whose index and options the rules know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Manager {
    /// `apt-get`, `apt`, `aptitude`: one index under `/var/lib/apt/lists`.
    Apt,
    Apk,
    /// `yum`, `dnf`, `microdnf`, `tdnf`.
    Dnf,
    Zypper,
}

impl Manager {
    pub fn of(program: &str) -> Option<Manager> {
        Some(match program {
            "apt-get" | "apt" | "aptitude" => Manager::Apt,
            "apk" => Manager::Apk,
            "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" => Manager::Dnf,
            "zypper" => Manager::Zypper,
            _ => return None,
        })
    }

    pub fn syntax(self) -> &'static Syntax {
        match self {
            Manager::Apt => &APT,
            Manager::Apk => &APK,
            Manager::Dnf => &DNF,
            Manager::Zypper => &ZYPPER,
        }
    }
}

static APT: Syntax = Syntax {
    short_values: "octa",
    long_values: &[
        "--option",
        "--config-file",
        "--target-release",
        "--default-release",
        "--host-architecture",
    ],
    stop_at_operand: false,
};

static APK: Syntax = Syntax {
    short_values: "Xpt",
    long_values: &[
        "--repository",
        "--root",
        "--arch",
        "--cache-dir",
        "--keys-dir",
        "--repositories-file",
        "--virtual",
    ],
    stop_at_operand: false,
};

static DNF: Syntax = Syntax {
    short_values: "cdeRx",
    long_values: &[
        "--config",
        "--releasever",
        "--installroot",
        "--enablerepo",
        "--disablerepo",
        "--exclude",
        "--repo",
        "--repoid",
        "--setopt",
        "--forcearch",
        "--downloaddir",
        "--destdir",
        "--debuglevel",
        "--errorlevel",
        "--repofrompath",
        "--color",
        "--comment",
    ],
    stop_at_operand: false,
};

/// zypper's global options, before the subcommand.
static ZYPPER: Syntax = Syntax {
    short_values: "cCDR",
    long_values: &[
        "--config",
        "--root",
        "--reposd-dir",
        "--cache-dir",
        "--raw-cache-dir",
        "--solv-cache-dir",
        "--pkg-cache-dir",
        "--userdata",
        "--installroot",
    ],
    stop_at_operand: true,
};

pub(crate) static CURL: Syntax = Syntax {
    short_values: "AbcCdDeEFHKmoPQrtTuUwxXyYz",
    long_values: &[
        "--output",
        "--output-dir",
        "--user",
        "--header",
        "--data",
        "--data-raw",
        "--data-binary",
        "--data-urlencode",
        "--request",
        "--user-agent",
        "--referer",
        "--upload-file",
        "--cookie",
        "--cookie-jar",
        "--write-out",
        "--range",
        "--max-time",
        "--form",
        "--config",
        "--cert",
        "--cacert",
        "--capath",
        "--key",
        "--continue-at",
        "--proxy",
        "--proxy-user",
        "--connect-timeout",
        "--retry",
        "--retry-delay",
        "--retry-max-time",
        "--dump-header",
        "--limit-rate",
        "--resolve",
        "--url",
        "--proto",
        "--proto-redir",
        "--interface",
        "--max-filesize",
        "--max-redirs",
        "--netrc-file",
        "--oauth2-bearer",
        "--noproxy",
        "--trace",
        "--trace-ascii",
        "--unix-socket",
        "--json",
        "--variable",
    ],
    stop_at_operand: false,
};

pub(crate) static WGET: Syntax = Syntax {
    short_values: "OoaeiBtTwQPUlARDIX",
    long_values: &[
        "--output-document",
        "--output-file",
        "--append-output",
        "--execute",
        "--input-file",
        "--base",
        "--tries",
        "--timeout",
        "--wait",
        "--quota",
        "--directory-prefix",
        "--user-agent",
        "--level",
        "--accept",
        "--reject",
        "--domains",
        "--header",
        "--user",
        "--password",
        "--post-data",
        "--post-file",
        "--ca-certificate",
        "--certificate",
        "--private-key",
        "--limit-rate",
        "--method",
        "--body-data",
        "--referer",
    ],
    stop_at_operand: false,
};

/// Every instruction of the file, ONBUILD triggers included.
pub(crate) fn all_instructions(df: &Dockerfile) -> Vec<&Instruction> {
    fn push<'a>(out: &mut Vec<&'a Instruction>, instruction: &'a Instruction) {
        out.push(instruction);
        if let Kind::Onbuild(inner) = &instruction.kind {
            push(out, inner);
        }
    }
    let mut out = Vec::new();
    for instruction in &df.instructions {
        push(&mut out, instruction);
    }
    out
}

/// The scripts of RUN, CMD and ENTRYPOINT (ONBUILD triggers included):
/// what the build and the container run. HEALTHCHECK commands are left
/// out: they talk to the container itself.
pub(crate) fn command_scripts(df: &Dockerfile) -> Vec<(&Instruction, &Script)> {
    all_instructions(df)
        .into_iter()
        .filter(|i| matches!(i.kind, Kind::Run(_) | Kind::Cmd(_) | Kind::Entrypoint(_)))
        .filter_map(|i| i.script().map(|s| (i, s)))
        .collect()
}

/// Whether `cmd` runs inside a `$(...)`, backquotes or `<(...)` of another
/// command of the script: only a substitution puts a command inside
/// another command's word.
pub(crate) fn in_substitution(script: &Script, cmd: &Command) -> bool {
    script.commands().any(|other| {
        !std::ptr::eq(other, cmd)
            && other.depth == cmd.depth
            && other
                .words
                .iter()
                .chain(&other.assignments)
                .chain(other.redirects.iter().map(|r| &r.target))
                .any(|w| encloses(w.span, cmd.span))
    })
}

/// Whether `outer` holds all of `inner`.
pub(crate) fn encloses(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end && outer != inner
}

/// The host of a URL (`https://user@host:443/x` -> `host`; curl and wget
/// also take `host:443/x` without a scheme).
pub(crate) fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6.split(']').next();
    }
    host_port.split(':').next()
}

/// Whether a host is this machine (`localhost`, `127.0.0.1`, `::1`).
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost") || host == "::1" || host.starts_with("127.")
}

/// A boolean setting turned off, the way Git, dnf and conda read one.
pub(crate) fn is_falsy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "no" | "off" | "0"
    )
}

/// A boolean setting turned on, the way APT reads one (`yes`, `true`, `on`,
/// `with`, `enable`, or a non-zero number).
pub(crate) fn apt_truthy(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    matches!(v.as_str(), "yes" | "true" | "on" | "with" | "enable")
        || v.parse::<i64>().is_ok_and(|n| n != 0)
}

/// A boolean setting turned off, the way APT reads one.
pub(crate) fn apt_falsy(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    matches!(v.as_str(), "no" | "false" | "off" | "without" | "disable")
        || v.parse::<i64>().is_ok_and(|n| n == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockhard_parser::MappedText;
    use dockhard_parser::shell::parse_script;

    fn first(text: &str) -> Command {
        parse_script(&MappedText::contiguous(text, 0)).commands[0].clone()
    }

    #[test]
    fn options_in_every_spelling() {
        let cmd = first("curl -fsSLko out --retry 3 --output=x https://a/b");
        let parsed = parse_args(cmd.args(), &CURL);
        let names: Vec<(&str, Option<&str>)> = parsed
            .options
            .iter()
            .map(|o| (o.name.as_str(), o.value))
            .collect();
        assert_eq!(
            names,
            [
                ("-f", None),
                ("-s", None),
                ("-S", None),
                ("-L", None),
                ("-k", None),
                ("-o", Some("out")),
                ("--retry", Some("3")),
                ("--output", Some("x"))
            ]
        );
        assert_eq!(parsed.first_operand(), Some("https://a/b"));
        // A letter after a value-taking option is its value.
        let cmd = first("curl -ok https://a/b");
        let parsed = parse_args(cmd.args(), &CURL);
        assert!(!parsed.has(&["-k"]));
    }

    #[test]
    fn options_stop_at_the_subcommand() {
        let cmd = first("zypper -n --root /r ar -G https://x repo");
        let parsed = parse_args(cmd.args(), &ZYPPER);
        assert_eq!(parsed.first_operand(), Some("ar"));
        assert_eq!(parsed.rest.len(), 3);
        assert!(parsed.has(&["-n"]));
        assert!(!parsed.has(&["-G"]));
    }

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://u:p@example.com:8443/x"),
            Some("example.com")
        );
        assert_eq!(url_host("https://[::1]:8443/"), Some("::1"));
        assert_eq!(url_host("localhost:8443/health"), Some("localhost"));
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("LOCALHOST"));
        assert!(!is_loopback("example.com"));
    }

    #[test]
    fn substitutions() {
        let script = parse_script(&MappedText::contiguous(
            r#"sh -c "$(curl -fsSL https://x)"; curl -o f https://y"#,
            0,
        ));
        let curls: Vec<bool> = script
            .invocations("curl")
            .map(|c| in_substitution(&script, c))
            .collect();
        assert_eq!(curls, [true, true, false]);
    }
}
