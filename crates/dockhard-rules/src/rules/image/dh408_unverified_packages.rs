use std::collections::HashSet;

use dockhard_parser::Span;
use dockhard_parser::shell::{Command, Word};

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;
use crate::rules::image::commands::{
    Manager, Opt, Syntax, apt_truthy, command_scripts, is_falsy, parse_args, program_args,
};

declare_rule! {
    /// ## What it does
    /// Reports a package installation that skips the check of package
    /// signatures (`apt-get --allow-unauthenticated`, `dnf --nogpgcheck`,
    /// `rpm --nosignature`, `apk --allow-untrusted`, …) in a `RUN`, `CMD` or
    /// `ENTRYPOINT`, also inside `sh -c` and heredoc scripts.
    ///
    /// The options reported:
    ///
    /// - `apt-get`/`apt` `--allow-unauthenticated`,
    ///   `--allow-insecure-repositories`, `--force-yes`, `-o
    ///   APT::Get::AllowUnauthenticated=true`, `-o
    ///   Acquire::AllowInsecureRepositories=true` (or
    ///   `AllowDowngradeToInsecureRepositories`); `aptitude --allow-untrusted`;
    ///   an APT source written with `[trusted=yes]` or `[allow-insecure=yes]`
    ///   (`echo "deb [trusted=yes] https://…" > /etc/apt/sources.list.d/x.list`,
    ///   `add-apt-repository`);
    /// - `yum`/`dnf`/`microdnf`/`tdnf`/`yum-config-manager` `--nogpgcheck`
    ///   (dnf 5: `--no-gpgchecks`), `--setopt=gpgcheck=0` (also per
    ///   repository, and `localpkg_gpgcheck`);
    /// - `rpm -i`/`-U`/`-F` with `--nosignature`, `--nodigest`,
    ///   `--nofiledigest` or `--noverify`;
    /// - `apk --allow-untrusted`;
    /// - `zypper --no-gpg-checks`, `zypper install --allow-unsigned-rpm`,
    ///   `zypper addrepo`/`modifyrepo` `-G` / `--no-gpgcheck` (or
    ///   `--gpgcheck-allow-unsigned…`).
    ///
    /// A local repository built in the same image (`deb [trusted=yes]
    /// file:/…`, as the official `postgres` images do) is not reported: its
    /// packages never crossed the network. `-o Acquire::Check-Valid-Until=false`
    /// is not reported either: it accepts an expired `Release` file (needed
    /// for archived releases), but signatures are still checked. pip has no
    /// signature check to turn off (its hash checking is opt-in, with
    /// `--require-hashes`).
    ///
    /// ## Why is this bad?
    /// Package signatures are what proves that a package comes from the
    /// distribution or vendor and was not changed on a mirror, a proxy or the
    /// network. Without them, whoever can tamper with any of these installs
    /// their own code, usually as root, in the build and in every container
    /// run from the image. A package the manager refuses is a sign that the
    /// signing key is missing or that something is wrong with the
    /// repository; forcing it hides that.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux/rockylinux:9
    /// RUN dnf install -y --nogpgcheck https://example.com/tool-1.0.x86_64.rpm
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM rockylinux/rockylinux:9
    /// RUN rpm --import https://example.com/RPM-GPG-KEY-example \
    ///  && dnf install -y https://example.com/tool-1.0.x86_64.rpm
    /// ```
    ///
    /// ## Fix
    /// None offered: install the repository's signing key (APT:
    /// `/etc/apt/keyrings/` with `signed-by=`; RPM: `rpm --import` or
    /// `gpgkey=` in the `.repo` file; apk: the key under `/etc/apk/keys/`)
    /// and drop the option. For a single package file, check it against a
    /// checksum you recorded before installing it.
    pub static UNVERIFIED_PACKAGES = {
        code: "DH408",
        name: "unverified-packages",
        category: Image,
        severity: Some(Warning),
        inputs: [Dockerfile],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.11" },
            Source::Checkov("CKV2_DOCKER_7"),
            Source::Checkov("CKV2_DOCKER_8"),
            Source::Checkov("CKV2_DOCKER_9"),
            Source::Checkov("CKV2_DOCKER_10"),
            Source::Checkov("CKV2_DOCKER_11"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

struct Finding {
    span: Span,
    message: String,
    help: &'static str,
}

const APT_HELP: &str = "install the repository's signing key under /etc/apt/keyrings/, name it \
                        with `signed-by=` in the source, and drop the option";
const SOURCE_HELP: &str = "install the repository's signing key under /etc/apt/keyrings/ and \
                           write `[signed-by=/etc/apt/keyrings/KEY.gpg]` in the source instead";
const RPM_HELP: &str = "import the repository's signing key (`rpm --import KEY`, or `gpgkey=` \
                        in the .repo file) and drop the option";
const APK_HELP: &str = "put the package's signing key under /etc/apk/keys/ and drop \
                        `--allow-untrusted`, or check the file against a checksum you recorded";
const ZYPPER_HELP: &str = "import the repository's signing key (`rpm --import KEY`) and drop \
                           the option";

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let mut seen = HashSet::new();
    for (_, script) in command_scripts(df) {
        for cmd in script.commands() {
            let Some(f) = judge(cmd) else { continue };
            if !seen.insert((f.span.start, f.span.end)) {
                continue;
            }
            cx.report(f.span, f.message)
                .label("signature check off")
                .help(f.help);
        }
    }
}

fn judge(cmd: &Command) -> Option<Finding> {
    let (program, args) = program_args(cmd)?;
    match program {
        "echo" | "printf" | "add-apt-repository" | "apt-add-repository" => trusted_source(args),
        "rpm" => rpm(args),
        _ => match Manager::of(program).or_else(|| config_manager(program))? {
            Manager::Apt => apt(program, args),
            Manager::Apk => {
                let parsed = parse_args(args, Manager::Apk.syntax());
                let o = parsed.find(&["--allow-untrusted"])?;
                Some(option_finding(o, program, "installs packages", APK_HELP))
            }
            Manager::Dnf => dnf(program, args),
            Manager::Zypper => zypper(args),
        },
    }
}

/// `yum-config-manager` writes yum's settings.
fn config_manager(program: &str) -> Option<Manager> {
    (program == "yum-config-manager").then_some(Manager::Dnf)
}

fn option_finding(o: &Opt<'_>, program: &str, what: &str, help: &'static str) -> Finding {
    let word = o.word.as_str();
    let written = match o.value {
        Some(v) if !word.contains('=') && !word.ends_with(v) => format!("{} {v}", o.name),
        Some(_) if word.starts_with("--") => word.to_string(),
        Some(v) => format!("{}{v}", o.name),
        None => o.name.clone(),
    };
    Finding {
        span: o.span,
        message: format!(
            "`{program} {written}` {what} without checking their signatures: a mirror, proxy or \
             anyone on the network path can substitute their own"
        ),
        help,
    }
}

/// APT settings (case-insensitive) that accept unsigned packages or
/// repositories.
const APT_UNSAFE_KEYS: &[&str] = &[
    "apt::get::allowunauthenticated",
    "apt::get::force-yes",
    "acquire::allowinsecurerepositories",
    "acquire::allowdowngradetoinsecurerepositories",
    "aptitude::cmdline::ignore-trust-violations",
];

fn apt(program: &str, args: &[Word]) -> Option<Finding> {
    let parsed = parse_args(args, Manager::Apt.syntax());
    let o = parsed.options.iter().find(|o| match o.name.as_str() {
        "--allow-unauthenticated" | "--allow-insecure-repositories" | "--force-yes" => true,
        "--allow-untrusted" => program == "aptitude",
        "-o" | "--option" => o
            .value
            .and_then(|v| v.split_once('='))
            .is_some_and(|(k, v)| {
                APT_UNSAFE_KEYS.contains(&k.trim().to_ascii_lowercase().as_str()) && apt_truthy(v)
            }),
        _ => false,
    })?;
    let what = if o.name == "--allow-insecure-repositories"
        || o.value
            .is_some_and(|v| v.to_ascii_lowercase().contains("insecurerepositories"))
    {
        "accepts repositories and packages"
    } else {
        "installs packages"
    };
    Some(option_finding(o, program, what, APT_HELP))
}

fn dnf(program: &str, args: &[Word]) -> Option<Finding> {
    let parsed = parse_args(args, Manager::Dnf.syntax());
    let o = parsed.options.iter().find(|o| match o.name.as_str() {
        "--nogpgcheck" | "--no-gpgchecks" => true,
        "--setopt" => o
            .value
            .and_then(|v| v.split_once('='))
            .is_some_and(|(k, v)| {
                let k = k.trim().to_ascii_lowercase();
                let name = k.rsplit('.').next().unwrap_or(&k);
                matches!(name, "gpgcheck" | "localpkg_gpgcheck" | "pkg_gpgcheck") && is_falsy(v)
            }),
        _ => false,
    })?;
    let configures =
        program == "yum-config-manager" || parsed.first_operand() == Some("config-manager");
    let what = if configures {
        "makes the package manager install packages"
    } else {
        "installs packages"
    };
    Some(option_finding(o, program, what, RPM_HELP))
}

static RPM: Syntax = Syntax {
    short_values: "DE",
    long_values: &[
        "--root",
        "--dbpath",
        "--define",
        "--eval",
        "--macros",
        "--rcfile",
        "--relocate",
        "--prefix",
        "--excludepath",
    ],
    stop_at_operand: false,
};

fn rpm(args: &[Word]) -> Option<Finding> {
    let parsed = parse_args(args, &RPM);
    let installs = parsed.has(&[
        "-i",
        "-U",
        "-F",
        "--install",
        "--upgrade",
        "--freshen",
        "--reinstall",
    ]);
    if !installs {
        return None;
    }
    let o = parsed.find(&[
        "--nosignature",
        "--nodigest",
        "--nofiledigest",
        "--noverify",
    ])?;
    Some(option_finding(o, "rpm", "installs packages", RPM_HELP))
}

/// Options of `zypper addrepo` and `modifyrepo`.
static ZYPPER_REPO: Syntax = Syntax {
    short_values: "nptc",
    long_values: &["--name", "--priority", "--type"],
    stop_at_operand: false,
};

fn zypper(args: &[Word]) -> Option<Finding> {
    let global = parse_args(args, Manager::Zypper.syntax());
    if let Some(o) = global.find(&["--no-gpg-checks"]) {
        return Some(option_finding(
            o,
            "zypper",
            "installs packages",
            ZYPPER_HELP,
        ));
    }
    let subcommand = global.first_operand()?;
    let parsed = parse_args(global.rest, &ZYPPER_REPO);
    let o = match subcommand {
        "addrepo" | "ar" | "modifyrepo" | "mr" => parsed.find(&[
            "-G",
            "--no-gpgcheck",
            "--gpgcheck-allow-unsigned",
            "--gpgcheck-allow-unsigned-repo",
            "--gpgcheck-allow-unsigned-package",
        ])?,
        _ => parsed.find(&["--no-gpg-checks", "--allow-unsigned-rpm"])?,
    };
    let program = format!("zypper {subcommand}");
    let what = if matches!(subcommand, "addrepo" | "ar" | "modifyrepo" | "mr") {
        "makes zypper install the repository's packages"
    } else {
        "installs packages"
    };
    Some(option_finding(o, &program, what, ZYPPER_HELP))
}

/// An APT source line with `[trusted=yes]` (or `allow-insecure=yes`) for a
/// repository that is not local.
fn trusted_source(args: &[Word]) -> Option<Finding> {
    for arg in args {
        for line in arg.as_str().lines() {
            let mut tokens = line.split_whitespace();
            if !matches!(tokens.next(), Some("deb" | "deb-src")) {
                continue;
            }
            let mut options = Vec::new();
            let mut uri = None;
            let mut in_options = false;
            for token in tokens {
                if uri.is_none() && !in_options && token.starts_with('[') {
                    in_options = true;
                }
                if in_options {
                    let end = token.ends_with(']');
                    let option = token.trim_start_matches('[').trim_end_matches(']');
                    if !option.is_empty() {
                        options.push(option.to_ascii_lowercase());
                    }
                    in_options = !end;
                    continue;
                }
                uri = Some(token);
                break;
            }
            let Some(uri) = uri else { continue };
            let local = ["file:", "copy:", "cdrom:"]
                .iter()
                .any(|scheme| uri.starts_with(scheme));
            let unsafe_option = options
                .iter()
                .find(|o| matches!(o.as_str(), "trusted=yes" | "allow-insecure=yes"));
            if let Some(option) = unsafe_option
                && !local
            {
                return Some(Finding {
                    span: arg.span,
                    message: format!(
                        "the APT source `{uri}` is marked `[{option}]`: apt installs its \
                         packages without checking their signatures, so a mirror, proxy or anyone \
                         on the network path can substitute their own"
                    ),
                    help: SOURCE_HELP,
                });
            }
        }
    }
    None
}
