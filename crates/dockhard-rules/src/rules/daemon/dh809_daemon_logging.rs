use dockhard_parser::daemon::{DaemonSpec, DaemonValue};

use super::{Setting, bool_setting, quoted, text_setting};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a daemon log level other than `info`, and container logs
    /// that are never rotated (the `json-file` driver without `max-size`),
    /// each with its own message:
    ///
    /// - a log level other than `info` (the default): `"log-level"`
    ///   (`--log-level`, `-l`) set to `debug` or `trace`, which log too
    ///   much, or to `warn`, `error`, `fatal` or `panic`, which drop the
    ///   daemon's informational messages; `"debug": true` (`-D`) counts as
    ///   `debug`, which it sets. Reported at the value; the level is
    ///   compared as dockerd does, ignoring case.
    /// - container logs that are never rotated: the `json-file` driver
    ///   (the default when `log-driver` is not set) without a `max-size` in
    ///   `log-opts` (`--log-opt max-size=...`). Reported at the top-level
    ///   `{` or the command. Other drivers are not reported (`local`
    ///   rotates by default; `journald`, `syslog` and the remote drivers
    ///   keep no file of their own). A setting made in another file of the
    ///   repository counts; a command line whose flags cannot all be read
    ///   (`$DOCKER_OPTS`) is judged on what it writes only.
    ///
    /// ## Why is this bad?
    /// The daemon's log is where an incident investigation starts: at
    /// `warn` and above the informational messages it relies on are gone,
    /// and at `debug` they are buried among every API call, with request
    /// details written to disk (CIS Docker Benchmark 2.3). Without rotation,
    /// a chatty or hostile container grows its `json-file` log until the
    /// host's disk is full, stopping the daemon and everything else on the
    /// host (CIS Docker Benchmark 2.13 asks for centralized logging).
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "log-level": "debug"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "log-level": "info",
    ///   "log-opts": {"max-size": "10m", "max-file": "3"}
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: set `"log-level": "info"` (or remove it) and add
    /// `"log-opts": {"max-size": "10m", "max-file": "3"}` (or use the
    /// `local` driver, or ship logs to a central system). Log options apply
    /// to containers created after the daemon restarts.
    pub static DAEMON_LOGGING = {
        code: "DH809",
        name: "daemon-logging",
        category: Daemon,
        severity: Some(Info),
        inputs: [DaemonJson],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "2.3" },
            Source::Cis { edition: "v1.6.0", control: "2.13" },
        ],
        fix: None,
        core: false,
        daemon: check,
        satisfied: rotated,
    }
}

/// The levels dockerd accepts (any case).
const LEVELS: &[&str] = &["panic", "fatal", "error", "warn", "info", "debug", "trace"];

/// Whether container logs are rotated, or written where the daemon keeps
/// no file of its own (a driver other than `json-file`). `None`: unknown.
fn rotation(spec: &DaemonSpec) -> Option<bool> {
    match text_setting(spec, "log-driver") {
        Setting::Unknown => return None,
        // An empty driver is the default, `json-file`.
        Setting::Known(driver, _) if !matches!(driver.trim(), "" | "json-file") => {
            return Some(true);
        }
        _ => {}
    }
    // An option whose value cannot be read could be `max-size`.
    if spec
        .settings
        .iter()
        .any(|s| s.key == "log-opts" && !matches!(s.value, DaemonValue::Map(_)))
    {
        return None;
    }
    Some(spec.map("log-opts").iter().any(|(k, _)| *k == "max-size"))
}

fn rotated(spec: &DaemonSpec) -> bool {
    rotation(spec) == Some(true)
}

fn check(cx: &mut DaemonContext<'_>) {
    check_level(cx);
    check_rotation(cx);
}

fn check_level(cx: &mut DaemonContext<'_>) {
    let help = cx.says(
        "set `\"log-level\": \"info\"`, or remove it: info is the default",
        "write `--log-level=info`, or remove the flag: info is the default",
    );
    if let Setting::Known(true, origin) = bool_setting(cx.spec, "debug") {
        let written = quoted(cx, "debug", origin);
        let help = cx.says(
            "remove `\"debug\": true` once the debugging is done",
            "remove the flag once the debugging is done",
        );
        cx.report(
            origin,
            format!("`{written}` sets the daemon's log level to debug: every API call is logged in detail, burying the events that matter and filling the disk"),
        )
        .label("debug logging")
        .help(help);
    }
    let Setting::Known(level, origin) = text_setting(cx.spec, "log-level") else {
        return;
    };
    let level = level.trim().to_ascii_lowercase();
    if level == "info" || !LEVELS.contains(&level.as_str()) {
        return;
    }
    let written = quoted(cx, "log-level", origin);
    let (message, label) = if level == "debug" || level == "trace" {
        (
            format!(
                "`{written}` logs every API call in detail: the events that matter are buried and the log fills the disk"
            ),
            "too verbose",
        )
    } else {
        (
            format!(
                "`{written}` drops the daemon's informational messages, which an investigation of what happened on the host relies on"
            ),
            "too quiet",
        )
    };
    cx.report(origin, message).label(label).help(help);
}

fn check_rotation(cx: &mut DaemonContext<'_>) {
    if rotation(cx.spec) != Some(false) {
        return;
    }
    let spec = cx.spec;
    let files = cx.files;
    let message = cx.says(
        "container logs are never rotated: the `json-file` driver keeps every line until the disk fills, and `log-opts` sets no `max-size`",
        "dockerd runs without `--log-opt max-size=...`: the `json-file` driver keeps every line of container logs until the disk fills",
    );
    let help = cx.says(
        "add `\"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"}` (or use the `local` driver, which rotates)",
        "add `--log-opt max-size=10m --log-opt max-file=3` (or `--log-driver=local`, which rotates)",
    );
    let Some(mut report) = cx.report_missing(message) else {
        return;
    };
    report = report.help(help);
    if let Setting::Known(_, origin) = text_setting(spec, "log-driver") {
        report = report.related_origin(files, origin, "json-file keeps logs unrotated");
    }
    if let Some(opts) = spec.get("log-opts") {
        report = report.related_origin(files, opts.written, "no `max-size` here");
    }
    drop(report);
}
