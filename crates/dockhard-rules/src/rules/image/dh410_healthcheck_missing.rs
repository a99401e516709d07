use dockhard_parser::dockerfile::{Base, Healthcheck, Instruction, Kind};
use dockhard_parser::shell::SHELLS;

use crate::analysis;
use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::images::image_name;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a final stage without a health check: neither it nor the
    /// stages it is built `FROM` has a `HEALTHCHECK` instruction (reported at
    /// the final stage's `FROM`), or the last one is `HEALTHCHECK NONE`
    /// (reported there).
    ///
    /// The rule cannot tell a long-running service from a one-shot tool (a
    /// CLI, a migration job, a build image), nor see a `HEALTHCHECK` the base
    /// image may define or one set in a compose file or an orchestrator, so
    /// it judges every final stage that can run, with three exceptions the
    /// Dockerfile itself shows:
    ///
    /// - a stage built from `scratch` with no `CMD` or `ENTRYPOINT`: it cannot
    ///   be run (it only carries files, for `COPY --from` or `docker build
    ///   --output`); a `scratch` image with a program is reported, since
    ///   `HEALTHCHECK CMD ["/app", "health"]` needs no shell;
    /// - a final `CMD` that starts an interactive shell or language prompt
    ///   and nothing else (`bash`, `sh`, `python3`, `node`, `irb`, `php -a`,
    ///   …), or no `CMD` nor `ENTRYPOINT` on an official image whose own
    ///   command is one (`debian`, `ubuntu`, `alpine`, `golang`, `python`,
    ///   `node`, …): a base or toolbox image, whose users add the check for
    ///   their service;
    /// - a final `CMD` that only asks the `ENTRYPOINT` for its help or
    ///   version (`--help`, `-h`, `help`, `--version`): a command-line tool.
    ///
    /// For other images that are not services, suppress the finding with a
    /// reason (`# dockhard ignore=DH410 reason: CLI image`) or turn the rule
    /// off.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker only knows whether the main process is
    /// alive, not whether it still answers. A deadlocked or wedged service
    /// keeps its container "running": `restart` policies, Swarm and compose
    /// `depends_on: condition: service_healthy` cannot act on it, and a
    /// service an attacker has knocked over stays down unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.29
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.29
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## Fix
    /// None offered: the check depends on the service. Add a `HEALTHCHECK`
    /// that asks the service itself (an HTTP endpoint, `pg_isready`,
    /// `redis-cli ping`), with a program the image contains.
    pub static HEALTHCHECK_MISSING = {
        code: "DH410",
        name: "healthcheck-missing",
        category: Image,
        severity: Some(Info),
        inputs: [Dockerfile],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.6" },
            Source::Trivy("DS026"),
            Source::Checkov("CKV_DOCKER_2"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let Some(last) = df.final_stage() else {
        return;
    };
    let chain = analysis::stage_chain(df, last);
    let instructions: Vec<&Instruction> = chain
        .iter()
        .flat_map(|s| df.stage_instructions(s))
        .collect();
    let healthcheck = instructions
        .iter()
        .rev()
        .find(|i| matches!(i.kind, Kind::Healthcheck(_)));
    match healthcheck.map(|i| (i, &i.kind)) {
        Some((instruction, Kind::Healthcheck(Healthcheck::None))) => {
            cx.report(
                instruction.head_span(cx.source()),
                "`HEALTHCHECK NONE` turns off the final image's health check: Docker cannot tell \
                 a hung service from a working one",
            )
            .label("health check disabled")
            .help("replace it with a `HEALTHCHECK CMD …` that asks the service whether it works");
        }
        Some(_) => {}
        None => {
            let runnable = instructions
                .iter()
                .any(|i| matches!(i.kind, Kind::Cmd(_) | Kind::Entrypoint(_)));
            if matches!(chain[0].base, Base::Scratch) && !runnable {
                return;
            }
            if !runnable
                && let Base::Image {
                    reference: Some(reference),
                } = &chain[0].base
                && starts_a_prompt(reference)
            {
                return;
            }
            let cmd = instructions
                .iter()
                .rev()
                .find(|i| matches!(i.kind, Kind::Cmd(_)));
            if cmd.is_some_and(|c| is_prompt_or_help(c)) {
                return;
            }
            let Some(from) = last.from_instruction(df) else {
                return;
            };
            cx.report(
                from.head_span(cx.source()),
                "the final image has no HEALTHCHECK: Docker cannot tell a hung service from a \
                 working one",
            )
            .label("final stage")
            .help(
                "add `HEALTHCHECK CMD …` that asks the service whether it works (an HTTP \
                   endpoint, `pg_isready`, …), with a program the image contains",
            );
        }
    }
}

/// Programs that, run without arguments, start an interactive prompt.
const PROMPTS: &[&str] = &[
    "fish", "node", "irb", "jshell", "ghci", "iex", "erl", "lua", "julia", "R", "pypy", "pypy3",
    "groovysh",
];

/// Whether a `CMD` only starts a shell or language prompt (`bash`,
/// `python3`, `php -a`, `perl -de0`) or asks the entrypoint for its help or
/// version (`--help`): the image is a base, a toolbox or a CLI, not a
/// service.
fn is_prompt_or_help(cmd: &Instruction) -> bool {
    let Some(script) = cmd.script() else {
        return false;
    };
    let [command] = script.commands.as_slice() else {
        return false;
    };
    let words: Vec<&str> = command.words.iter().map(|w| w.as_str()).collect();
    let program = command.program().unwrap_or("");
    let is_python = program
        .strip_prefix("python")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    match words.as_slice() {
        [_] => {
            SHELLS.contains(&program)
                || PROMPTS.contains(&program)
                || is_python
                || matches!(program, "--help" | "-h" | "help" | "--version" | "version")
        }
        [_, "-a"] => program == "php",
        [_, "-de0"] => program.starts_with("perl"),
        _ => false,
    }
}

/// Official images whose own command is a shell or a language prompt.
const PROMPT_IMAGES: &[&str] = &[
    "alpine",
    "busybox",
    "debian",
    "ubuntu",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "archlinux",
    "buildpack-deps",
    "golang",
    "rust",
    "gcc",
    "python",
    "pypy",
    "node",
    "ruby",
    "perl",
];

/// Whether the image's own command starts a shell or a language prompt.
fn starts_a_prompt(reference: &str) -> bool {
    let name = image_name(reference);
    name.registry.is_none() && PROMPT_IMAGES.contains(&name.path.as_str())
}
