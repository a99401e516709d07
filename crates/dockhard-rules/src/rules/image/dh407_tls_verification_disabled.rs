use std::collections::HashSet;

use dockhard_parser::Span;
use dockhard_parser::dockerfile::{Dockerfile, Kind, expand};
use dockhard_parser::shell::{Command, Word};

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;
use crate::rules::image::commands::{
    CURL, Manager, Opt, Parsed, Syntax, WGET, apt_falsy, command_scripts, is_falsy, is_loopback,
    parse_args, program_args, url_host,
};

declare_rule! {
    /// ## What it does
    /// Reports a setting that turns off the check of TLS certificates for
    /// downloads (`curl -k`, `wget --no-check-certificate`, `pip
    /// --trusted-host`, `npm config set strict-ssl false`,
    /// `NODE_TLS_REJECT_UNAUTHORIZED=0`, `git -c http.sslVerify=false`, …)
    /// in a `RUN`, `CMD` or `ENTRYPOINT` (also inside `sh -c` and heredoc
    /// scripts), an `ENV`, or an `ARG` default.
    ///
    /// The settings reported:
    ///
    /// - `curl -k` / `--insecure` / `--proxy-insecure`,
    ///   `wget --no-check-certificate` (or `--check-certificate=off`,
    ///   `-e check_certificate=off`), `apk --no-check-certificate`;
    /// - `pip install --trusted-host`, `pip config set global.trusted-host`,
    ///   `uv pip install --allow-insecure-host`;
    /// - `npm`/`pnpm`/`yarn config set strict-ssl false` (Yarn 2+:
    ///   `enableStrictSsl false`), `npm install --strict-ssl=false` /
    ///   `--no-strict-ssl`;
    /// - `git -c http.sslVerify=false`, `git config --global http.sslVerify
    ///   false` (also `http.<url>.sslVerify`);
    /// - `dnf`/`yum`/`microdnf`/`tdnf`/`yum-config-manager`
    ///   `--setopt=sslverify=0` (also per repository), `apt-get -o
    ///   Acquire::https::Verify-Peer=false` (or `Verify-Host`),
    ///   `conda config --set ssl_verify false`;
    /// - the environment variables `NODE_TLS_REJECT_UNAUTHORIZED=0`,
    ///   `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY` (set to any value: Git
    ///   only looks at whether it is set), `NPM_CONFIG_STRICT_SSL=false`,
    ///   `YARN_ENABLE_STRICT_SSL=false`, `PIP_TRUSTED_HOST`,
    ///   `UV_INSECURE_HOST`, `GOINSECURE` and `CONDA_SSL_VERIFY=false`,
    ///   set by `ENV`, by an `ARG` default, or in a `RUN` (`export X=…` or a
    ///   `X=… command` prefix).
    ///
    /// `curl -k` and `wget --no-check-certificate` against `localhost` only
    /// are not reported, nor are `HEALTHCHECK` commands (they talk to the
    /// container itself), values that depend on a build argument without a
    /// default, or settings written into configuration files (`.curlrc`,
    /// `pip.conf`, `.npmrc`).
    ///
    /// ## Why is this bad?
    /// The certificate is what proves that the server is the one named in
    /// the URL. Without the check, anyone on the network path (a hostile
    /// Wi-Fi, a compromised proxy or CI runner network, a DNS spoof) can pose
    /// as the package index or download site and hand the build their own
    /// packages or scripts, which then run in the build and ship in the
    /// image. Set in `ENV`, the setting also stays on in every container run
    /// from the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN pip install --trusted-host pypi.org --trusted-host files.pythonhosted.org requests
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY corp-ca.pem /usr/local/share/ca-certificates/corp-ca.crt
    /// RUN update-ca-certificates \
    ///  && pip install --cert /etc/ssl/certs/ca-certificates.crt requests
    /// ```
    ///
    /// ## Fix
    /// None offered: when a proxy or a private server presents a certificate
    /// the image does not trust, add its CA certificate to the image's trust
    /// store (`update-ca-certificates`) or give it to the tool (`curl
    /// --cacert`, `pip --cert`, `npm config set cafile`, `git config
    /// http.sslCAInfo`, `NODE_EXTRA_CA_CERTS`) instead of turning the check
    /// off.
    pub static TLS_VERIFICATION_DISABLED = {
        code: "DH407",
        name: "tls-verification-disabled",
        category: Image,
        severity: Some(Warning),
        inputs: [Dockerfile],
        sources: [
            Source::Checkov("CKV2_DOCKER_2"),
            Source::Checkov("CKV2_DOCKER_3"),
            Source::Checkov("CKV2_DOCKER_4"),
            Source::Checkov("CKV2_DOCKER_5"),
            Source::Checkov("CKV2_DOCKER_6"),
            Source::Checkov("CKV2_DOCKER_12"),
            Source::Checkov("CKV2_DOCKER_13"),
            Source::Checkov("CKV2_DOCKER_14"),
            Source::Checkov("CKV2_DOCKER_15"),
            Source::Checkov("CKV2_DOCKER_16"),
            Source::Checkov("CKV2_DOCKER_18"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

const CA_HELP: &str = "add the server's CA certificate to the image's trust store \
                       (`update-ca-certificates`) instead of turning the check off";

/// A setting that turns certificate checks off.
struct Finding {
    span: Span,
    /// What was written, for the message (`-k`, `NODE_TLS_REJECT_UNAUTHORIZED=0`).
    written: String,
    /// Whose check it turns off.
    tool: &'static str,
    help: &'static str,
    /// Where the value was written, when that is elsewhere (an ARG's
    /// default given before the first FROM).
    defined: Option<Span>,
}

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    let mut findings = variable_findings(df);
    for (_, script) in command_scripts(df) {
        for a in script.assignments.iter().filter(|a| a.exported) {
            if !a.value.dynamic
                && let Some(f) = judge_variable(&a.name, &a.value.value, a.span)
            {
                findings.push(f);
            }
        }
        for cmd in script.commands() {
            prefix_findings(cmd, &mut findings);
            if let Some(f) = judge_command(cmd) {
                findings.push(f);
            }
        }
    }
    let mut seen = HashSet::new();
    for f in findings {
        if !seen.insert((f.span.start, f.span.end)) {
            continue;
        }
        let mut report = cx
            .report(
                f.span,
                format!(
                    "{} turns off {}'s TLS certificate check: anyone on the network path can \
                     pose as the server and replace what is downloaded",
                    f.written, f.tool
                ),
            )
            .label("certificate check off")
            .help(f.help);
        if let Some(defined) = f.defined {
            report = report.secondary(defined, "the value is set here, before the first FROM");
        }
        drop(report);
    }
}

/// `ENV` values and `ARG` defaults of every stage.
fn variable_findings(df: &Dockerfile) -> Vec<Finding> {
    let mut out = Vec::new();
    let meta: Vec<_> = df
        .meta_args()
        .filter_map(|i| match &i.kind {
            Kind::Arg(decls) => Some(decls),
            _ => None,
        })
        .flatten()
        .collect();
    for stage in &df.stages {
        for idx in stage.instructions.clone() {
            let Some(instruction) = df.instructions.get(idx) else {
                continue;
            };
            match &instruction.kind {
                Kind::Env(pairs) => {
                    for kv in pairs {
                        if let Some(value) = df.evaluate_at(stage, idx, &kv.value)
                            && let Some(f) = judge_variable(
                                &kv.key.value,
                                &value,
                                kv.key.span.cover(kv.value.span),
                            )
                        {
                            out.push(f);
                        }
                    }
                }
                Kind::Arg(decls) => {
                    for decl in decls {
                        // An ARG without a default takes the one given before
                        // the first FROM, if any.
                        let (value, span, defined) = match &decl.default {
                            Some(d) => (
                                df.evaluate_at(stage, idx, d),
                                decl.name.span.cover(d.span),
                                None,
                            ),
                            None => match meta
                                .iter()
                                .rev()
                                .find(|m| m.name.value == decl.name.value)
                                .and_then(|m| m.default.as_ref().map(|d| (d, m.name.span)))
                            {
                                Some((d, name)) => (
                                    expand::literal(&d.value, df.escape),
                                    decl.name.span,
                                    Some(name.cover(d.span)),
                                ),
                                None => continue,
                            },
                        };
                        if let Some(value) = value
                            && let Some(mut f) = judge_variable(&decl.name.value, &value, span)
                        {
                            f.defined = defined;
                            out.push(f);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// `NAME=value` prefixes of a command, and those given to `env`.
fn prefix_findings(cmd: &Command, out: &mut Vec<Finding>) {
    let env_words = if cmd.invokes("env").is_some() {
        cmd.wrappers()
    } else {
        &[]
    };
    for w in cmd.assignments.iter().chain(env_words) {
        if w.dynamic || w.value.starts_with('-') {
            continue;
        }
        if let Some((name, value)) = w.value.split_once('=')
            && let Some(f) = judge_variable(name, value, w.span)
        {
            out.push(f);
        }
    }
}

/// An environment variable that turns a certificate check off.
fn judge_variable(name: &str, value: &str, span: Span) -> Option<Finding> {
    let (tool, help): (&'static str, &'static str) = match name {
        "NODE_TLS_REJECT_UNAUTHORIZED" if value == "0" => (
            "Node.js",
            "trust the extra CA with `NODE_EXTRA_CA_CERTS=/path/to/ca.pem` instead",
        ),
        "PYTHONHTTPSVERIFY" if value == "0" => (
            "Python",
            "add the CA certificate to the image's trust store (`update-ca-certificates`) \
             or point `SSL_CERT_FILE` at it instead",
        ),
        // Git only asks whether the variable is set.
        "GIT_SSL_NO_VERIFY" => (
            "Git",
            "give Git the CA certificate with `git config --global http.sslCAInfo FILE` \
             (or `GIT_SSL_CAINFO`), and do not set `GIT_SSL_NO_VERIFY` at all",
        ),
        n if n.eq_ignore_ascii_case("npm_config_strict_ssl") && npm_false(value) => (
            "npm",
            "give npm the CA certificate with `NPM_CONFIG_CAFILE` (or `NODE_EXTRA_CA_CERTS`) \
             instead",
        ),
        "YARN_ENABLE_STRICT_SSL" if npm_false(value) => (
            "Yarn",
            "give Yarn the CA certificate with `YARN_CA_FILE_PATH` instead",
        ),
        "PIP_TRUSTED_HOST" if !value.trim().is_empty() => (
            "pip",
            "point pip at the CA certificate with `PIP_CERT` instead",
        ),
        "UV_INSECURE_HOST" if !value.trim().is_empty() => (
            "uv",
            "give uv the CA certificate with `SSL_CERT_FILE` (or use `UV_NATIVE_TLS=1`) \
             instead",
        ),
        "GOINSECURE" if !value.trim().is_empty() => (
            "Go",
            "serve the modules over HTTPS with a certificate the image trusts, or fetch them \
             through a `GOPROXY` that has one",
        ),
        "CONDA_SSL_VERIFY" if is_falsy(value) => (
            "conda",
            "set `CONDA_SSL_VERIFY` to the path of the CA bundle instead",
        ),
        _ => return None,
    };
    let written = if name == "GIT_SSL_NO_VERIFY" && (value.is_empty() || is_falsy(value)) {
        format!("`{name}={value}` (Git only looks at whether the variable is set)")
    } else {
        format!("`{name}={value}`")
    };
    Some(Finding {
        span,
        written,
        tool,
        help,
        defined: None,
    })
}

/// npm reads `false`, `null` and zero as false.
fn npm_false(value: &str) -> bool {
    matches!(value.trim(), "false" | "null") || value.trim().parse::<f64>() == Ok(0.0)
}

fn judge_command(cmd: &Command) -> Option<Finding> {
    let (program, args) = program_args(cmd)?;
    match program {
        "curl" => curl(args),
        "wget" => wget(args),
        "apk" => {
            let parsed = parse_args(args, Manager::Apk.syntax());
            let o = parsed.find(&["--no-check-certificate"])?;
            Some(option_finding(o, "apk", CA_HELP))
        }
        "git" => git(args),
        "npm" | "pnpm" | "yarn" => node_manager(program, args),
        "uv" => {
            let parsed = parse_args(args, &PIP);
            let o = parsed.find(&["--allow-insecure-host", "--trusted-host"])?;
            Some(option_finding(
                o,
                "uv",
                "give uv the CA certificate with `SSL_CERT_FILE` (or `--native-tls`) instead",
            ))
        }
        "conda" | "mamba" | "micromamba" => conda(program, args),
        "apt-get" | "apt" | "aptitude" => {
            let parsed = parse_args(args, Manager::Apt.syntax());
            let o = parsed.options.iter().find(|o| {
                (o.name == "-o" || o.name == "--option") && o.value.is_some_and(apt_disables_tls)
            })?;
            Some(option_finding(
                o,
                "APT",
                "give APT the CA certificate with `-o Acquire::https::CaInfo=FILE` instead",
            ))
        }
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" | "yum-config-manager" => {
            let parsed = parse_args(args, Manager::Dnf.syntax());
            let o = parsed.options.iter().find(|o| {
                o.name == "--setopt"
                    && o.value
                        .and_then(|v| v.split_once('='))
                        .is_some_and(|(k, v)| {
                            let k = k.trim().to_ascii_lowercase();
                            (k == "sslverify" || k.ends_with(".sslverify")) && is_falsy(v)
                        })
            })?;
            Some(option_finding(
                o,
                program_name(program),
                "give the repository its CA certificate with `sslcacert=` instead",
            ))
        }
        p if is_pip(p) => pip(args),
        p if is_python(p) => {
            let (m, rest) = args.split_first()?;
            let (module, rest) = rest.split_first()?;
            (m.as_str() == "-m" && module.as_str() == "pip")
                .then(|| pip(rest))
                .flatten()
        }
        _ => None,
    }
}

fn program_name(program: &str) -> &'static str {
    match program {
        "yum" | "yum-config-manager" => "yum",
        "microdnf" => "microdnf",
        "tdnf" => "tdnf",
        _ => "dnf",
    }
}

/// A finding at an option, quoted as written: `-k` in `-fsSLk` is named
/// with its word, an option with a separate value with that value.
fn option_finding(o: &Opt<'_>, tool: &'static str, help: &'static str) -> Finding {
    let word = o.word.as_str();
    let written = match o.value {
        Some(v) if !word.contains('=') && !word.ends_with(v) => format!("`{} {v}`", o.name),
        Some(_) if word.starts_with("--") => format!("`{word}`"),
        Some(v) => format!("`{}{v}`", o.name),
        None if word == o.name => format!("`{word}`"),
        None => format!("`{}` (in `{word}`)", o.name),
    };
    Finding {
        span: o.span,
        written,
        tool,
        help,
        defined: None,
    }
}

/// Whether every URL the command fetches is on this machine.
fn only_loopback(parsed: &Parsed<'_>) -> bool {
    let hosts: Vec<Option<&str>> = parsed
        .operands
        .iter()
        .map(|w| url_host(w.as_str()))
        .collect();
    !hosts.is_empty() && hosts.iter().all(|h| h.is_some_and(is_loopback))
}

fn curl(args: &[Word]) -> Option<Finding> {
    let parsed = parse_args(args, &CURL);
    let o = parsed.find(&["-k", "--insecure", "--proxy-insecure"])?;
    if only_loopback(&parsed) {
        return None;
    }
    Some(option_finding(
        o,
        "curl",
        "give curl the server's CA certificate with `--cacert FILE`, or add it to the image's \
         trust store (`update-ca-certificates`)",
    ))
}

fn wget(args: &[Word]) -> Option<Finding> {
    let parsed = parse_args(args, &WGET);
    let o = parsed.options.iter().find(|o| match o.name.as_str() {
        "--no-check-certificate" => true,
        "--check-certificate" => o.value.is_some_and(is_falsy),
        "-e" | "--execute" => o.value.is_some_and(|v| {
            v.split_once('=').is_some_and(|(k, v)| {
                k.trim()
                    .replace('-', "_")
                    .eq_ignore_ascii_case("check_certificate")
                    && is_falsy(v)
            })
        }),
        _ => false,
    })?;
    if only_loopback(&parsed) {
        return None;
    }
    Some(option_finding(
        o,
        "wget",
        "give wget the server's CA certificate with `--ca-certificate=FILE`, or add it to the \
         image's trust store (`update-ca-certificates`)",
    ))
}

/// `Acquire::https::Verify-Peer=false`, also per host.
fn apt_disables_tls(option: &str) -> bool {
    let Some((key, value)) = option.split_once('=') else {
        return false;
    };
    let key = key.trim().to_ascii_lowercase();
    key.starts_with("acquire::https::")
        && (key.ends_with("::verify-peer") || key.ends_with("::verify-host"))
        && apt_falsy(value)
}

static GIT: Syntax = Syntax {
    short_values: "cC",
    long_values: &["--git-dir", "--work-tree", "--namespace", "--config-env"],
    stop_at_operand: true,
};

static GIT_CONFIG: Syntax = Syntax {
    short_values: "f",
    long_values: &[
        "--file",
        "--blob",
        "--type",
        "--default",
        "--comment",
        "--value",
    ],
    stop_at_operand: false,
};

const GIT_HELP: &str = "give Git the CA certificate with `git config --global http.sslCAInfo \
                        FILE` instead";

/// `http.sslVerify` or `http.<url>.sslVerify`.
fn is_ssl_verify_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("http.") && (key == "http.sslverify" || key.ends_with(".sslverify"))
}

/// Git reads `false`, `no`, `off`, `0` and the empty string as false.
fn git_false(value: &str) -> bool {
    value.trim().is_empty() || is_falsy(value)
}

fn git(args: &[Word]) -> Option<Finding> {
    let global = parse_args(args, &GIT);
    if let Some(o) = global.options.iter().find(|o| {
        o.name == "-c"
            && o.value
                .and_then(|v| v.split_once('='))
                .is_some_and(|(k, v)| is_ssl_verify_key(k) && git_false(v))
    }) {
        return Some(option_finding(o, "Git", GIT_HELP));
    }
    if global.first_operand() != Some("config") {
        return None;
    }
    let parsed = parse_args(global.rest, &GIT_CONFIG);
    let reads = [
        "--get",
        "--get-all",
        "--get-regexp",
        "--get-urlmatch",
        "--unset",
        "--unset-all",
        "--list",
        "-l",
        "--remove-section",
        "--rename-section",
    ];
    if parsed.has(&reads) {
        return None;
    }
    let mut operands = parsed.operands.as_slice();
    if operands.first().is_some_and(|w| w.as_str() == "set") {
        operands = &operands[1..];
    }
    let [key, value, ..] = operands else {
        return None;
    };
    if key.dynamic || value.dynamic || !is_ssl_verify_key(key.as_str()) {
        return None;
    }
    git_false(value.as_str()).then(|| Finding {
        span: key.span.cover(value.span),
        written: format!("`git config {} {}`", key.as_str(), value.as_str()),
        tool: "Git",
        help: GIT_HELP,
        defined: None,
    })
}

static PIP: Syntax = Syntax {
    short_values: "icrtefC",
    long_values: &[
        "--index-url",
        "--extra-index-url",
        "--requirement",
        "--constraint",
        "--target",
        "--editable",
        "--find-links",
        "--trusted-host",
        "--allow-insecure-host",
        "--cert",
        "--client-cert",
        "--proxy",
        "--timeout",
        "--retries",
        "--log",
        "--cache-dir",
        "--src",
        "--root",
        "--prefix",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--upgrade-strategy",
        "--progress-bar",
        "--config-settings",
        "--python",
    ],
    stop_at_operand: false,
};

fn is_pip(program: &str) -> bool {
    program
        .strip_prefix("pip")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

fn is_python(program: &str) -> bool {
    program
        .strip_prefix("python")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

const PIP_HELP: &str = "point pip at the CA certificate with `--cert FILE` (or `PIP_CERT`) \
                        instead of trusting the host";

fn pip(args: &[Word]) -> Option<Finding> {
    let parsed = parse_args(args, &PIP);
    if let Some(o) = parsed.find(&["--trusted-host"]) {
        return Some(option_finding(o, "pip", PIP_HELP));
    }
    let operands: Vec<&str> = parsed.operands.iter().map(|w| w.as_str()).collect();
    if let ["config", "set", key, value, ..] = operands.as_slice()
        && key.ends_with(".trusted-host")
        && !value.trim().is_empty()
    {
        let span = parsed.operands[2].span.cover(parsed.operands[3].span);
        return Some(Finding {
            span,
            written: format!("`pip config set {key} {value}`"),
            tool: "pip",
            help: PIP_HELP,
            defined: None,
        });
    }
    None
}

/// npm, pnpm and Yarn: `config set strict-ssl false` and `--strict-ssl=false`.
fn node_manager(program: &str, args: &[Word]) -> Option<Finding> {
    let tool = match program {
        "yarn" => "Yarn",
        "pnpm" => "pnpm",
        _ => "npm",
    };
    let help = "give it the CA certificate with `cafile` (`npm config set cafile FILE`; Yarn \
                2+: `caFilePath`) or `NODE_EXTRA_CA_CERTS` instead";
    let is_key = |k: &str| matches!(k, "strict-ssl" | "enableStrictSsl");
    for (i, w) in args.iter().enumerate() {
        let v = w.as_str();
        let flag = v == "--no-strict-ssl"
            || v.strip_prefix("--strict-ssl=").is_some_and(npm_false)
            || (v == "--strict-ssl" && args.get(i + 1).is_some_and(|n| n.as_str() == "false"));
        if flag {
            let span = if v == "--strict-ssl" {
                w.span.cover(args[i + 1].span)
            } else {
                w.span
            };
            return Some(Finding {
                span,
                written: format!("`{}`", span_words(args, i, v == "--strict-ssl")),
                tool,
                help,
                defined: None,
            });
        }
    }
    let operands: Vec<&Word> = args
        .iter()
        .filter(|w| !w.as_str().starts_with('-'))
        .collect();
    let set_at = match operands.as_slice() {
        [c, s, ..] if matches!(c.as_str(), "config" | "c") && s.as_str() == "set" => 2,
        [s, ..] if s.as_str() == "set" && program == "npm" => 1,
        _ => return None,
    };
    let pairs = &operands[set_at..];
    let mut k = 0;
    while k < pairs.len() {
        let w = pairs[k];
        if let Some((key, value)) = w.as_str().split_once('=') {
            if is_key(key) && npm_false(value) && !w.dynamic {
                return Some(Finding {
                    span: w.span,
                    written: format!("`{program} config set {}`", w.as_str()),
                    tool,
                    help,
                    defined: None,
                });
            }
            k += 1;
            continue;
        }
        let value = pairs.get(k + 1)?;
        if is_key(w.as_str()) && !value.dynamic && npm_false(value.as_str()) {
            return Some(Finding {
                span: w.span.cover(value.span),
                written: format!("`{program} config set {} {}`", w.as_str(), value.as_str()),
                tool,
                help,
                defined: None,
            });
        }
        k += 2;
    }
    None
}

fn span_words(args: &[Word], i: usize, with_next: bool) -> String {
    let mut s = args[i].as_str().to_string();
    if with_next && let Some(next) = args.get(i + 1) {
        s.push(' ');
        s.push_str(next.as_str());
    }
    s
}

/// `conda config --set ssl_verify false`, `micromamba config set ssl_verify false`.
fn conda(program: &str, args: &[Word]) -> Option<Finding> {
    if args.first().map(Word::as_str) != Some("config") {
        return None;
    }
    let rest = &args[1..];
    let at = rest
        .iter()
        .position(|w| w.as_str() == "--set" || w.as_str() == "set")?;
    let key = rest.get(at + 1)?;
    let value = rest.get(at + 2)?;
    (key.as_str() == "ssl_verify" && !value.dynamic && is_falsy(value.as_str())).then(|| Finding {
        span: key.span.cover(value.span),
        written: format!(
            "`{program} config {} ssl_verify {}`",
            rest[at].as_str(),
            value.as_str()
        ),
        tool: "conda",
        help: "set `ssl_verify` to the path of the CA bundle instead",
        defined: None,
    })
}
