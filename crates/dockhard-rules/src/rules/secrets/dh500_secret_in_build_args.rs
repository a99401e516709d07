use dockhard_parser::dockerfile::{Dockerfile, Instruction, Kind, Stage, expand};
use dockhard_parser::{Span, Text};

use super::build_stage;
use super::names::{SecretName, embedded_password, is_pointer, is_secret_value, secret_name};
use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a secret put into an image through `ARG` or `ENV`: an `ARG`
    /// whose name says it holds a secret (`NPM_TOKEN`, `DB_PASSWORD`,
    /// `API_KEY`, `AWS_SECRET_ACCESS_KEY` ...), with or without a default; an
    /// `ENV` of such a name set to a literal value or to a build argument; and
    /// an `ARG` default or `ENV` value of any name with a password inside it:
    /// a URL's `user:password@` (`postgres://app:s3cret@db/app`) or a
    /// connection string's `password=` field. Also in `ONBUILD`.
    ///
    /// A name is read as BuildKit's `SecretsUsedInArgOrEnv` check reads it:
    /// its words (split at `_`, `-`, `.` and camelCase) against `password`,
    /// `passwd`, `passphrase`, `secret`, `token`, `key`, `apikey`, `auth`,
    /// `credentials` (and `pass`/`pwd` at the end). Words after the last
    /// secret word can make it a name *about* the secret (`_FILE`, `_PATH`,
    /// `_URL`, `_ID`, `_USER`, `_VERSION`, `_ENABLED`, `_EXPIRY`,
    /// `_LENGTH` ...), and some before it a switch or a public key
    /// (`ALLOW_EMPTY_PASSWORD`, `PUBLIC_KEY`, `GPG_KEY`, the release
    /// signing key fingerprint of the official images). Values that point at
    /// a secret rather than hold one are not reported: a path
    /// (`/run/secrets/db`, `./certs/server.key`), an empty value, a switch
    /// (`true`, `no`, `0`). A name whose only secret word is `auth` is a
    /// secret only with a value shaped like credentials (`user:password`).
    ///
    /// Every stage is judged, as BuildKit's check does; in a stage the final
    /// image does not build on, the message says that the history and
    /// configuration stay in the build cache and in an image built with
    /// `--target`, not in the final image.
    ///
    /// ## Why is this bad?
    /// `ENV` values are part of the image's configuration: everyone who can
    /// pull the image reads them with `docker inspect`, and every container
    /// started from it has them in its environment. A build argument is not
    /// in the environment of the running container, but BuildKit records
    /// every build argument in scope next to each `RUN` that follows it in the
    /// image history (`docker history --no-trunc` shows `|1 NPM_TOKEN=...`),
    /// and in provenance attestations made with `mode=max`. CIS Docker
    /// Benchmark 4.10.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:24
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:24
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    ///     echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    /// ```
    /// built with `docker build --secret id=npm_token,env=NPM_TOKEN .`
    ///
    /// ## Fix
    /// None: pass the secret to the `RUN` that needs it with
    /// `RUN --mount=type=secret` (as a file under `/run/secrets/`, or with
    /// `env=` as a variable of that `RUN` only), and give secrets a container
    /// needs at run time when it starts, not in the image.
    pub static SECRET_IN_BUILD_ARGS = {
        code: "DH500",
        name: "secret-in-build-args",
        category: Secrets,
        severity: Some(Error),
        inputs: [Dockerfile],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.10" },
            Source::Hadolint("DL3064"),
            Source::Trivy("DS031"),
            Source::BuildKit("SecretsUsedInArgOrEnv"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

const HELP: &str = "pass the secret to the RUN that needs it with \
                    `RUN --mount=type=secret,id=<id>` (a file under `/run/secrets/`, or \
                    `env=<NAME>` for that RUN only) and `docker build --secret id=<id>`";

const URL_HELP: &str = "take the password out of the value: pass it with \
                        `RUN --mount=type=secret` at build time, or give the value to the \
                        container when it starts";

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    for (index, instruction) in df.instructions.iter().enumerate() {
        let stage = df.stage_of(index);
        check_instruction(cx, df, stage, index, instruction, false);
    }
}

/// The value of `word`: in scope of the stage, or as written for an
/// `ONBUILD` trigger (evaluated in another build).
fn evaluate(
    df: &Dockerfile,
    stage: Option<&Stage>,
    index: usize,
    word: &Text,
    onbuild: bool,
) -> Option<String> {
    match stage {
        Some(stage) if !onbuild => df.evaluate_at(stage, index, word),
        _ => expand::literal(&word.value, df.escape),
    }
}

fn check_instruction(
    cx: &mut DockerfileContext<'_>,
    df: &Dockerfile,
    stage: Option<&Stage>,
    index: usize,
    instruction: &Instruction,
    onbuild: bool,
) {
    let build_stage = if onbuild {
        None
    } else {
        build_stage(df, stage)
    };
    let build_stage = build_stage.as_deref();
    match &instruction.kind {
        Kind::Onbuild(inner) => check_instruction(cx, df, stage, index, inner, true),
        Kind::Env(pairs) => {
            for pair in pairs {
                let value = evaluate(df, stage, index, &pair.value, onbuild);
                let span = pair.key.span.cover(pair.value.span);
                let written = &pair.value.value;
                check_env(
                    cx,
                    &pair.key.value,
                    written,
                    value.as_deref(),
                    span,
                    build_stage,
                );
            }
        }
        Kind::Arg(decls) => {
            for decl in decls {
                let value = decl
                    .default
                    .as_ref()
                    .map(|d| evaluate(df, stage, index, d, onbuild));
                let span = match &decl.default {
                    Some(d) => decl.name.span.cover(d.span),
                    None => decl.name.span,
                };
                // Before the first FROM (no stage), an ARG is in scope of the
                // stages that declare it again.
                let meta = stage.is_none() && !onbuild;
                check_arg(cx, &decl.name.value, value, span, build_stage, meta);
            }
        }
        _ => {}
    }
}

/// `ENV name=value`; `value` is `None` when it comes from a build argument
/// given at build time. `build_stage` names a stage the final image does
/// not build on.
fn check_env(
    cx: &mut DockerfileContext<'_>,
    name: &str,
    written: &str,
    value: Option<&str>,
    span: Span,
    build_stage: Option<&str>,
) {
    let exposed = match build_stage {
        None => "anyone who can pull the image reads it with `docker inspect`".to_string(),
        Some(stage) => format!(
            "the final image does not build on {stage}, but its configuration stays in the \
             build cache and in any image built with `--target`"
        ),
    };
    if let Some(kind) = secret_name(name) {
        let secret = match value {
            Some(v) => is_secret_value(kind, v),
            // From a build argument: a secret, unless the name only says
            // `auth` or the text written is a path.
            None => kind == SecretName::Plain && !is_pointer(written.trim_matches('"')),
        };
        if secret {
            let how = if value.is_some() {
                "a literal value"
            } else {
                "the value of a build argument"
            };
            let message = match build_stage {
                None => format!(
                    "`ENV {name}` puts a secret ({how}) into the image's configuration: \
                     {exposed}, and every container has it in its environment"
                ),
                Some(_) => format!(
                    "`ENV {name}` puts a secret ({how}) into a build stage's configuration: \
                     {exposed}"
                ),
            };
            cx.report(span, message).label("secret in ENV").help(HELP);
            return;
        }
    }
    if value.is_some_and(|v| embedded_password(v).is_some()) {
        cx.report(
            span,
            format!(
                "`ENV {name}` holds a password inside its value (a URL's `user:password@` \
                 or a `password=` field): {exposed}"
            ),
        )
        .label("embedded password")
        .help(URL_HELP);
    }
}

/// `ARG name[=default]`: `default` is `None` without one, `Some(None)` when
/// the default depends on another build argument.
fn check_arg(
    cx: &mut DockerfileContext<'_>,
    name: &str,
    default: Option<Option<String>>,
    span: Span,
    build_stage: Option<&str>,
    meta: bool,
) {
    let history = match build_stage {
        None if meta => "the image history (`docker history`) of each stage that declares it \
                         again"
            .to_string(),
        None => "the image history (`docker history`)".to_string(),
        Some(stage) => format!(
            "the history of {stage} (not in the final image, but in the build cache and any \
             image built with `--target`)"
        ),
    };
    if let Some(kind) = secret_name(name) {
        let reported = match &default {
            // A default that is a path or a switch says what the argument
            // is for: not a secret.
            Some(Some(v)) if !v.trim().is_empty() => is_secret_value(kind, v),
            _ => true,
        };
        if reported {
            let default_note = match &default {
                Some(Some(v)) if !v.trim().is_empty() => {
                    ", and its default is written in the Dockerfile"
                }
                _ => "",
            };
            cx.report(
                span,
                format!(
                    "build argument `{name}` looks like a secret: every RUN in its scope records \
                     `{name}=<value>` in {history}, and `mode=max` provenance records it \
                     too{default_note}"
                ),
            )
            .label("secret build argument")
            .help(HELP);
            return;
        }
    }
    if let Some(Some(v)) = &default
        && embedded_password(v).is_some()
    {
        cx.report(
            span,
            format!(
                "the default of build argument `{name}` holds a password (a URL's \
                 `user:password@` or a `password=` field): it is written in the Dockerfile and \
                 recorded in {history}"
            ),
        )
        .label("embedded password")
        .help(URL_HELP);
    }
}
