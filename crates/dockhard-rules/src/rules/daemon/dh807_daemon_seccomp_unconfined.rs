use super::{Setting, quoted, text_setting};
use crate::context::DaemonContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports `"seccomp-profile": "unconfined"` in `daemon.json`, or
    /// `--seccomp-profile=unconfined` on a `dockerd` command line: the
    /// daemon's default seccomp profile for containers turned off. dockerd
    /// matches the word exactly (any other value is the path of a profile
    /// file); `builtin` is the default profile.
    ///
    /// ## Why is this bad?
    /// The default seccomp profile blocks some 40 system calls that
    /// containers do not need and that kernel exploits and escapes rely on
    /// (`keyctl`, `bpf`, `userfaultfd`, `unshare` of new namespaces, module
    /// loading, `ptrace` on older kernels). Unconfined by default, every
    /// container that does not bring its own profile has the whole kernel
    /// interface. A container that needs a call can get a profile of its
    /// own (`--security-opt seccomp=profile.json`). CIS Docker Benchmark
    /// 2.17.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "seccomp-profile": "unconfined"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "seccomp-profile": "builtin"
    /// }
    /// ```
    ///
    /// ## Fix
    /// None offered: remove the setting (or set `builtin`, or the path of
    /// a profile that allows the calls your containers need) and restart the
    /// daemon.
    pub static DAEMON_SECCOMP_UNCONFINED = {
        code: "DH807",
        name: "daemon-seccomp-unconfined",
        category: Daemon,
        severity: Some(Error),
        inputs: [DaemonJson],
        sources: [Source::Cis { edition: "v1.6.0", control: "2.17" }],
        fix: None,
        core: false,
        daemon: check,
    }
}

fn check(cx: &mut DaemonContext<'_>) {
    let Setting::Known("unconfined", origin) = text_setting(cx.spec, "seccomp-profile") else {
        return;
    };
    let written = quoted(cx, "seccomp-profile", origin);
    let help = cx.says(
        "remove `seccomp-profile` (or set a profile file that allows only the calls your containers need)",
        "remove `--seccomp-profile` (or give a profile file that allows only the calls your containers need)",
    );
    cx.report(
        origin,
        format!("`{written}` turns off the default seccomp profile: containers without a profile of their own can make every system call"),
    )
    .label("no syscall filter")
    .help(help);
}
