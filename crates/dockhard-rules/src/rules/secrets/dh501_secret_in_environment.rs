use dockhard_parser::compose::interpolate::{Interpolated, interpolate};
use dockhard_parser::spec::{Field, Origin};

use super::names::{embedded_password, is_secret_value, secret_name};
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a secret written out in a container's environment: a compose
    /// `environment:` entry (map or list form), or a `-e`/`--env NAME=value`
    /// on a `docker run`/`create`/`service create` or `podman` command line,
    /// whose name says it holds a secret (`POSTGRES_PASSWORD`, `API_KEY`,
    /// `JWT_SECRET`, `GITHUB_TOKEN` ...) and whose value is written in the
    /// file; and an entry of any name whose value holds a password written in
    /// the file: a URL's `user:password@`
    /// (`DATABASE_URL: postgres://app:s3cret@db/app`) or a connection
    /// string's `password=` field (`host=db user=app password=s3cret`,
    /// `Server=db;Pwd=s3cret`). Names are read as
    /// DH500 reads them (BuildKit's secret words; `_FILE`, `_PATH`, `_ID`,
    /// `_USER`, `_ENABLED` ... after the secret word are names about a
    /// secret, not secrets).
    ///
    /// Only what the file itself supplies is judged, the way compose would
    /// read it: `${DB_PASSWORD}` with no value is unknown, and a value compose
    /// takes from the environment or the project's `.env` is not written in
    /// the file; `${DB_PASSWORD:-changeme}` with `DB_PASSWORD` unset uses the
    /// default, which is. On a command line, `-e PASSWORD` (from the caller's
    /// environment) and `-e PASSWORD="$X"` are not literals. Empty values,
    /// switches (`true`, `no`, `0`) and paths (`/run/secrets/db_password`)
    /// are not secrets.
    ///
    /// ## Why is this bad?
    /// The secret is in the repository, readable by everyone who can read the
    /// file, and it stays in its history after any rotation. In the running
    /// container it is shown by `docker inspect` and `docker compose config`,
    /// inherited by every child process, and often written to logs and crash
    /// reports. On a command line it is also in the host's process list. A
    /// compose secret is a file mounted at `/run/secrets/<name>` in the
    /// container, outside its environment (OWASP Docker Security Cheat
    /// Sheet, rule 12).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     environment:
    ///       POSTGRES_PASSWORD: hunter2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     secrets:
    ///       - db_password
    /// secrets:
    ///   db_password:
    ///     file: ./secrets/db_password.txt
    /// ```
    ///
    /// ## Fix
    /// None: move the value to a file kept out of the repository and give it
    /// to the service with `secrets:` (most official images read
    /// `<NAME>_FILE`); where the program only reads its environment, take the
    /// value from the environment with `${NAME}` so it is not written in the
    /// file. On a command line, use `--env-file` with a file outside the
    /// repository, `-e NAME` to pass the caller's variable, or `--secret` for
    /// `docker service create`.
    pub static SECRET_IN_ENVIRONMENT = {
        code: "DH501",
        name: "secret-in-environment",
        category: Secrets,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [
            Source::Other("compose-lint CL-0020 (credential-shaped keys), CL-0021 (credentials in connection URLs)"),
            Source::Other("OWASP Docker Security Cheat Sheet, rule 12"),
        ],
        fix: None,
        core: false,
        container: check,
    }
}

/// Stands for text compose takes from the environment or `.env`.
const FROM_ENVIRONMENT: &str = "\u{1}";

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    for (name, value) in &spec.environment {
        let (Some(name_text), Some(value)) = (name.value.as_deref(), value) else {
            continue;
        };
        let Some(text) = value.value.as_deref() else {
            continue;
        };
        // What the file supplies: the value with what compose takes from the
        // environment marked; a command line's value is all written there.
        let written = if cx.is_command() {
            Some(text.to_string())
        } else {
            written_in_file(cx, name.origin, value, text)
        };
        let Some(written) = written else {
            continue;
        };
        if let Some(kind) = secret_name(name_text)
            && written == text
            && is_secret_value(kind, text)
        {
            report_secret(cx, name_text, value.origin);
            continue;
        }
        if let Some(password) = embedded_password(&written)
            && !written[password].contains(FROM_ENVIRONMENT)
        {
            report_embedded_password(cx, name_text, value.origin);
        }
    }
}

/// `docker inspect`, or `podman inspect` for a podman command line.
fn inspect(cx: &ContainerContext<'_>) -> String {
    let tool = cx.spec.command().map_or("docker", |c| c.tool.as_str());
    format!("`{tool} inspect`")
}

fn report_secret(cx: &mut ContainerContext<'_>, name: &str, origin: Origin) {
    let inspect = inspect(cx);
    let message = if cx.is_command() {
        let flag = match written_flag(cx, origin, name) {
            Some(flag) => format!(" (`{flag}=…`)"),
            None => String::new(),
        };
        format!(
            "`{name}` is given a secret written on the command line{flag}: everyone who can \
             read the file has it, and the host's process list and {inspect} show it"
        )
    } else {
        format!(
            "`{name}` is set to a secret written in the compose file: everyone who can read the \
             file has it, and {inspect} shows it in the container's environment"
        )
    };
    let help = if cx.is_command() {
        format!(
            "pass it with `--env-file` from a file outside the repository, or as `-e {name}` \
             from the caller's environment (`--secret` for `docker service create`)"
        )
    } else {
        format!(
            "move the value to a file outside the repository and give it to the service with \
             `secrets:` (many images read `{name}_FILE: /run/secrets/<secret>`), or take it \
             from the environment with `${{{name}}}`"
        )
    };
    cx.report(origin, message)
        .label("secret written here")
        .help(help);
}

fn report_embedded_password(cx: &mut ContainerContext<'_>, name: &str, origin: Origin) {
    let place = cx.says("in the compose file", "on the command line");
    let inspect = inspect(cx);
    let message = format!(
        "`{name}` holds a password inside its value (a URL's `user:password@` or a \
         `password=` field), written {place}: everyone who can read the file has the \
         password, and {inspect} shows it in the container's environment"
    );
    let help = cx.says(
        "take the password out of the value: give it to the service with `secrets:` and build \
         the connection string in the entrypoint, or take it from the environment with \
         `${NAME}`",
        "take the password out of the value: pass the variable with `--env-file` from a file \
         outside the repository, or as `-e NAME` from the caller's environment",
    );
    cx.report(origin, message)
        .label("embedded password")
        .help(help);
}

/// The flag and name as written (`-e DB_PASSWORD`, `--env=DB_PASSWORD`),
/// without the value (which is not repeated in the message).
fn written_flag(cx: &ContainerContext<'_>, origin: Origin, name: &str) -> Option<String> {
    let written = cx.written(origin);
    let end = written.find(&format!("{name}="))? + name.len();
    Some(written[..end].replace(['"', '\''], ""))
}

/// The value as compose uses it, with the parts it takes from the
/// environment or `.env` replaced by [`FROM_ENVIRONMENT`]; `None` when
/// that cannot be told from the text written.
///
/// The value is interpolated already; the text written in the file is read
/// again and interpolated with no variable set: if that gives the value,
/// every part of it (defaults included) is written in the file. Otherwise it
/// is interpolated with every variable set, to find what the file supplies
/// around the variables (`postgres://${DB_USER}:s3cret@db`).
fn written_in_file(
    cx: &ContainerContext<'_>,
    name: Origin,
    value: &Field<String>,
    text: &str,
) -> Option<String> {
    let defined = Origin {
        span: value.origin.defined,
        ..value.origin
    };
    let mut raw = unquote(cx.written(defined));
    // The list form (`- KEY=value`): the item is the key and the value.
    if name == value.origin || name.defined == value.origin.defined {
        raw = match raw.split_once('=').or_else(|| raw.split_once(':')) {
            Some((_, v)) => v.to_string(),
            None => return None,
        };
    }
    if !raw.contains('$') {
        return (!raw.is_empty() || text.is_empty()).then(|| text.to_string());
    }
    if let Ok(Interpolated::Known(unset)) = interpolate(&raw, &|_| None)
        && unset == text
    {
        return Some(text.to_string());
    }
    match interpolate(&raw, &|_| Some(FROM_ENVIRONMENT.to_string())) {
        Ok(Interpolated::Known(marked)) if marked.contains(FROM_ENVIRONMENT) || marked == text => {
            Some(marked)
        }
        _ => None,
    }
}

/// A YAML scalar without its quotes (`'it''s'` -> `it's`); double-quoted
/// escapes are left as they are (a value that differs is not judged).
fn unquote(raw: &str) -> String {
    let raw = raw.trim();
    if raw.len() >= 2 {
        if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            return inner.to_string();
        }
        if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            return inner.replace("''", "'");
        }
    }
    raw.to_string()
}
