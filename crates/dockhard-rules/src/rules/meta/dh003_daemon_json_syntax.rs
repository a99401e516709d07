use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports daemon settings that dockerd refuses to start with: a
    /// `daemon.json` that is not valid JSON (a comment, a trailing comma,
    /// single quotes), a key given twice, a known key with a value of the
    /// wrong type (`"icc": "false"`, `"hosts": "tcp://..."`), and a setting
    /// made both in `daemon.json` and as a `dockerd` flag (dockerd stops with
    /// "the following directives are specified both as a flag and in the
    /// configuration file"). Unknown keys are not reported: the daemon grows
    /// keys faster than any table.
    ///
    /// ## Why is this bad?
    /// The daemon does not start, or starts without the settings you wrote:
    /// every hardening setting in the file (`icc`, `no-new-privileges`,
    /// `userns-remap`) is lost with it.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "icc": "false",
    ///   "no-new-privileges": true
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "icc": false,
    ///   "no-new-privileges": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// None: the message says what dockerd expects.
    pub static DAEMON_JSON_SYNTAX = {
        code: "DH003",
        name: "daemon-json-syntax",
        category: Meta,
        severity: Some(Error),
        inputs: [DaemonJson],
        sources: [Source::Other("moby daemon/config (LoadConfigurationFile, findConfigurationConflicts)")],
        fix: None,
        core: false,
    }
}
