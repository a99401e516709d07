use std::collections::HashSet;

use dockhard_parser::Span;
use dockhard_parser::shell::{Command, Op, SHELLS, Script, Word, shell_command_string};

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rules::image::commands::{
    CURL, WGET, command_scripts, encloses, in_substitution, parse_args, program_args,
};

declare_rule! {
    /// ## What it does
    /// Reports a script downloaded and run by a shell in one step
    /// (`curl … | sh`, `sh -c "$(curl …)"`, `bash <(curl …)`) in a `RUN`,
    /// `CMD` or `ENTRYPOINT`, also inside `sh -c '...'` and heredoc scripts.
    ///
    /// The forms reported:
    ///
    /// - `curl … | sh`, `wget -qO- … | bash`, `curl … | sudo bash -s -- args`
    ///   (a shell that reads its script from standard input, anywhere later
    ///   in the same pipeline);
    /// - `sh -c "$(curl …)"`, `bash <(curl …)`;
    /// - `source <(curl …)`, `. <(wget -O- …)`, `eval "$(curl …)"`.
    ///
    /// A download saved to a file (`curl -o`, `wget` without `-O -`) is not
    /// reported, nor is output piped into something other than a shell
    /// (`| tar x`, `| gpg --dearmor`). Other interpreters (`| python3`,
    /// `| php`, `| node`) are not reported either: they read the whole script
    /// before they run any of it, so they do not run half a download; they
    /// share the missing integrity check with every unchecked download, which
    /// this rule does not judge.
    ///
    /// ## Why is this bad?
    /// Nothing checks that the script is the one its authors published: a
    /// compromised web server, CDN, GitHub account or DNS record runs its own
    /// code in the build, usually as root, and the image ships whatever it
    /// left behind. A shell also runs the script as it arrives: a connection
    /// cut mid-download runs a truncated script, and `rm -rf /usr/local/lib/x`
    /// cut after `/usr` is a different command. And the server can tell a
    /// download piped into a shell from one read by a person, and serve each
    /// a different script.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:13-slim
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:13-slim
    /// ARG INSTALL_SHA256=6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    ///  && echo "${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh \
    ///  && rm /tmp/install.sh
    /// ```
    ///
    /// ## Fix
    /// None offered: download the script to a file, check it against a
    /// checksum you recorded (or the project's signature), then run the file.
    /// Better still, install the software from a package or a release
    /// archive whose checksum you pin.
    pub static PIPE_TO_SHELL = {
        code: "DH406",
        name: "pipe-to-shell",
        category: Image,
        severity: Some(Warning),
        inputs: [Dockerfile],
        sources: [],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

const HELP: &str = "download the script to a file, check it against a known checksum \
                    (`sha256sum -c`) or signature, then run the file";

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let mut seen = HashSet::new();
    for (_, script) in command_scripts(df) {
        for cmd in script.commands() {
            let Some(finding) = judge(script, cmd) else {
                continue;
            };
            if !seen.insert((finding.runner.start, finding.runner.end)) {
                continue;
            }
            cx.report(finding.runner, finding.message)
                .label(finding.label)
                .secondary(finding.download, "downloads the script")
                .help(HELP);
        }
    }
}

struct Finding {
    runner: Span,
    download: Span,
    message: String,
    label: String,
}

fn judge(script: &Script, cmd: &Command) -> Option<Finding> {
    let program = cmd.program()?;
    let word = cmd.program_word()?;
    let args = cmd.args();
    if SHELLS.contains(&program) {
        if cmd.op == Op::Pipe && cmd.invokes("xargs").is_none() && reads_stdin(args) {
            let (download, name) = piped_download(script, cmd)?;
            return Some(Finding {
                runner: word.span,
                download,
                message: format!(
                    "the output of `{name}` is piped into `{program}`, which runs the downloaded \
                     script unverified, as it arrives"
                ),
                label: format!("runs what `{name}` downloads"),
            });
        }
        if let Some(k) = shell_command_string(args) {
            let string = args.get(k)?;
            let (download, name) = substituted_download(script, string)?;
            return Some(Finding {
                runner: word.span,
                download,
                message: format!("`{program} -c` runs a script downloaded by `{name}`, unverified"),
                label: format!("runs what `{name}` downloads"),
            });
        }
        let operand = script_operand(args)?;
        let (download, name) = substituted_download(script, operand)?;
        return Some(Finding {
            runner: word.span,
            download,
            message: format!("`{program}` runs a script downloaded by `{name}`, unverified"),
            label: format!("runs what `{name}` downloads"),
        });
    }
    let sourced: Vec<&Word> = match program {
        "source" | "." => args.first().into_iter().collect(),
        "eval" => args.iter().collect(),
        _ => return None,
    };
    let (download, name) = sourced
        .into_iter()
        .find_map(|w| substituted_download(script, w))?;
    Some(Finding {
        runner: word.span,
        download,
        message: format!(
            "`{program}` runs a script downloaded by `{name}` in the current shell, unverified"
        ),
        label: format!("runs what `{name}` downloads"),
    })
}

/// A command that writes a download to its standard output: `curl` without
/// `-o`/`-O`, `wget -O -`. Returns the program's name.
fn downloads_to_stdout(cmd: &Command) -> Option<&'static str> {
    let (program, args) = program_args(cmd)?;
    let redirected = cmd.redirects.iter().any(|r| {
        matches!(
            r.op.as_str(),
            ">" | ">>" | ">|" | "1>" | "1>>" | "&>" | "&>>"
        ) && r.target.as_str() != "/dev/stdout"
    });
    if redirected {
        return None;
    }
    match program {
        "curl" => {
            let parsed = parse_args(args, &CURL);
            if parsed.has(&["-O", "--remote-name", "--remote-name-all"]) {
                return None;
            }
            let output = parsed
                .options
                .iter()
                .rev()
                .find(|o| o.name == "-o" || o.name == "--output");
            match output.map(|o| o.value) {
                None | Some(Some("-" | "/dev/stdout")) => Some("curl"),
                _ => None,
            }
        }
        "wget" => {
            let parsed = parse_args(args, &WGET);
            let output = parsed
                .options
                .iter()
                .rev()
                .find(|o| o.name == "-O" || o.name == "--output-document")?;
            matches!(output.value, Some("-" | "/dev/stdout")).then_some("wget")
        }
        _ => None,
    }
}

/// The download earlier in the pipeline of `shell`.
fn piped_download(script: &Script, shell: &Command) -> Option<(Span, &'static str)> {
    script
        .pipeline(shell.pipeline)
        .take_while(|c| !std::ptr::eq(*c, shell))
        .filter(|c| c.depth == shell.depth)
        .find_map(|c| Some((c.program_word()?.span, downloads_to_stdout(c)?)))
}

/// A download run in a substitution inside `word` (`"$(curl …)"`,
/// `<(curl …)`).
fn substituted_download(script: &Script, word: &Word) -> Option<(Span, &'static str)> {
    if !word.dynamic {
        return None;
    }
    script
        .commands()
        .filter(|c| encloses(word.span, c.span))
        .filter(|c| in_substitution(script, c))
        .find_map(|c| Some((c.program_word()?.span, downloads_to_stdout(c)?)))
}

/// Whether a shell with these arguments reads its script from standard
/// input: no `-c`, and no script file (or `-s`, `-`, `/dev/stdin`).
fn reads_stdin(args: &[Word]) -> bool {
    if shell_command_string(args).is_some() {
        return false;
    }
    let mut i = 0;
    while i < args.len() {
        let w = args[i].as_str();
        if w == "--" {
            return args
                .get(i + 1)
                .is_none_or(|next| matches!(next.as_str(), "-" | "/dev/stdin"));
        }
        if w == "-" {
            return true;
        }
        if w.starts_with("--") {
            i += if matches!(w, "--rcfile" | "--init-file") {
                2
            } else {
                1
            };
            continue;
        }
        if (w.starts_with('-') || w.starts_with('+')) && w.len() > 1 {
            if w[1..].contains('s') {
                return true;
            }
            i += 1 + w.matches(['o', 'O']).count();
            continue;
        }
        return w == "/dev/stdin";
    }
    true
}

/// The script file a shell runs (its first operand).
fn script_operand(args: &[Word]) -> Option<&Word> {
    let mut i = 0;
    while i < args.len() {
        let w = args[i].as_str();
        if w == "--" {
            return args.get(i + 1);
        }
        if w.starts_with("--") {
            i += if matches!(w, "--rcfile" | "--init-file") {
                2
            } else {
                1
            };
            continue;
        }
        if (w.starts_with('-') || w.starts_with('+')) && w.len() > 1 && !args[i].dynamic {
            if w[1..].contains('s') {
                return None;
            }
            i += 1 + w.matches(['o', 'O']).count();
            continue;
        }
        return args.get(i);
    }
    None
}
