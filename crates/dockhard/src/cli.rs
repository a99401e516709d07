//! Arguments, and the small commands (`explain`, `rules`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dockhard_rules::{RULES, registry};

/// `--version`: the program's version and the dates of the data it judges
/// against.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ndata: end-of-life tables of 2026-08-22 (endoflife.date, docker-library/official-images), image users of 2026-11-29"
);

#[derive(Parser, Debug)]
#[command(
    name = "dockhard",
    version,
    long_version = LONG_VERSION,
    about = "A fast linter for container hardening",
    long_about = "dockhard reads Dockerfiles, compose files, and docker/podman command lines in scripts, \
                  Makefiles, CI files and systemd units, and reports every place where a hardening measure \
                  is missing or undone, with source-spanned diagnostics, a reason, and a fix \
                  where one is safe."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// Audit the machine dockhard runs on: kernel, engine, containerd, runc
    /// and BuildKit versions against known CVEs and end-of-life dates, and
    /// the daemon's settings (every fact can be given instead of read).
    Host(Box<HostArgs>),
    /// Show a rule's documentation.
    Explain {
        /// A rule code (`DH100`) or name (`root-user`).
        rule: String,
    },
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source-spanned reports (miette).
    Human,
    /// `path:line:col: severity[CODE] message`, one per line.
    Concise,
    /// One JSON object (see DESIGN.md for the contract).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML: a test suite per file, a failing test case per finding.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    Info,
    Warning,
    Error,
    /// Never fail on findings.
    Never,
}

/// The kinds of input `--kind` can force (the parser's table of kinds).
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Dockerfile,
    Compose,
    DaemonJson,
    Script,
    Makefile,
    GithubActions,
    GitlabCi,
    Systemd,
}

impl KindArg {
    pub fn kind(self) -> dockhard_rules::FileKind {
        use dockhard_rules::FileKind;
        match self {
            KindArg::Dockerfile => FileKind::Dockerfile,
            KindArg::Compose => FileKind::Compose,
            KindArg::DaemonJson => FileKind::DaemonJson,
            KindArg::Script => FileKind::Script,
            KindArg::Makefile => FileKind::Makefile,
            KindArg::GithubActions => FileKind::GithubActions,
            KindArg::GitlabCi => FileKind::GitlabCi,
            KindArg::Systemd => FileKind::Systemd,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The name to report standard input under (also decides its kind).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Treat the given files as this kind, whatever their names.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// Lint these compose files as one project, in order (like `docker
    /// compose -f A -f B`); repeat for each file.
    #[arg(long = "compose-file", value_name = "FILE")]
    pub compose_files: Vec<PathBuf>,

    /// Apply safe fixes to the files.
    #[arg(long)]
    pub fix: bool,

    /// With --fix, also apply fixes that may change behaviour.
    #[arg(long)]
    pub unsafe_fixes: bool,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// What `check` and `host` share: the report, the rules, the configuration.
#[derive(Args, Debug)]
pub struct CommonArgs {
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report (in the chosen --format) to FILE instead of standard
    /// output; standard output then gets the human report when it is a
    /// terminal, and nothing otherwise.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Rules to run (codes, names, code prefixes such as DH1, categories, `all`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Rules to run in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Rules not to run.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// The lowest severity that makes the run fail (exit code 1); default:
    /// the configuration's `fail-level`, else `warning`.
    #[arg(long, value_enum)]
    pub fail_level: Option<FailLevel>,

    /// Use this configuration file for every linted file (no discovery of
    /// `dockhard.toml` / `.dockhard.toml`).
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// Report suppression comments that give no reason (`-- reason`), as
    /// DH007.
    #[arg(long)]
    pub require_reason: bool,

    /// The date end-of-life is judged against (default: the configuration's
    /// `as-of`, else today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<String>,

    /// Read newer end-of-life and image tables (same format as the ones
    /// compiled in: eol.tsv, eol-support.tsv, eol-image-map.tsv,
    /// eol-tag-suffix.tsv, image-users.tsv, cves.tsv) from this directory.
    #[arg(long, value_name = "DIR")]
    pub eol_data: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Do not print the summary line (human format).
    #[arg(long)]
    pub no_summary: bool,
}

fn parse_date(text: &str) -> Result<String, String> {
    dockhard_rules::data::Date::parse(text)
        .map(|d| d.to_string())
        .ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

pub fn explain(rule: &str) -> Result<ExitCode, String> {
    match registry::by_code_or_name(rule) {
        Some(r) => {
            print!("{}", dockhard_rules::docs::rule_markdown(r));
            Ok(ExitCode::SUCCESS)
        }
        None => Err(match registry::suggest(rule) {
            Some(s) => format!("unknown rule `{rule}` (did you mean `{s}`?)"),
            None => format!("unknown rule `{rule}`"),
        }),
    }
}

pub fn list_rules(format: RulesFormat) -> Result<ExitCode, String> {
    match format {
        RulesFormat::Text => {
            println!(
                "# data: end-of-life tables of {}, image users of {}",
                dockhard_rules::data::EOL_DATA_DATE,
                dockhard_rules::data::IMAGE_USERS_DATE
            );
            for r in RULES {
                let severity = r.default_severity.map_or("off", |s| s.as_str());
                let star = if r.core { "★" } else { " " };
                println!(
                    "{} {star} {:<28} {:<8} {}",
                    r.code,
                    r.name,
                    severity,
                    r.summary()
                );
            }
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "category": r.category.as_str(),
                        "severity": r.default_severity.map(|s| s.as_str()),
                        "inputs": r.inputs.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
                        "core": r.core,
                        "summary": r.summary(),
                        "url": r.doc_url(),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct HostArgs {
    /// The kernel release to judge (default: this machine's `uname -r`).
    #[arg(long, value_name = "RELEASE")]
    pub kernel_release: Option<String>,

    /// The output of `docker version --format '{{json .}}'` to judge
    /// (default: run it here).
    #[arg(long, value_name = "FILE")]
    pub docker_version_json: Option<PathBuf>,

    /// A daemon.json to judge (default: /etc/docker/daemon.json and the
    /// rootless ~/.config/docker/daemon.json); repeat for several.
    #[arg(long, value_name = "FILE")]
    pub daemon_json: Vec<PathBuf>,

    /// The dockerd flags to judge, as one string (default: those of the
    /// running dockerd, from /proc, when readable).
    #[arg(long, value_name = "ARGS", allow_hyphen_values = true)]
    pub dockerd_args: Option<String>,

    #[command(flatten)]
    pub common: CommonArgs,
}
