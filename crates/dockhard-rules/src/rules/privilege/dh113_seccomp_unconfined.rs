use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::security_opts;

declare_rule! {
    /// ## What it does
    /// Reports a container without a seccomp filter: `seccomp=unconfined` or
    /// `seccomp:unconfined` in compose `security_opt` or in
    /// `--security-opt` on a `docker`/`podman` `run` or `create` command
    /// line (and in GitHub Actions container `options:`). A profile of your
    /// own (`seccomp=/path/profile.json`) is not reported, nor is
    /// `unconfined` followed by a later `seccomp=` option (the last one
    /// applies), nor a value that cannot be known.
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks the system calls a container
    /// has no business making and that kernel exploits start from: new user
    /// namespaces, `keyctl`, `userfaultfd`, `kexec_load`, `open_by_handle_at`
    /// and more. Unconfined, the container may make every one of them, and
    /// the kernel's whole system-call surface is open to it. CIS Docker
    /// Benchmark 5.22.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   builder:
    ///     image: example/builder:7
    ///     security_opt:
    ///       - seccomp:unconfined
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   builder:
    ///     image: example/builder:7
    ///     security_opt:
    ///       - seccomp=./seccomp/builder.json
    /// ```
    ///
    /// ## Fix
    /// None: remove the option to run under the default profile; if the
    /// container needs a call the default blocks, copy the default profile,
    /// allow that call alone, and name the file with `seccomp=`.
    pub static SECCOMP_UNCONFINED = {
        code: "DH113",
        name: "seccomp-unconfined",
        category: Privilege,
        severity: Some(Error),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.22" }],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let Some((item, "unconfined")) = security_opts::effective(&spec.security_opt, "seccomp") else {
        return;
    };
    let written = security_opts::quoted(cx, item);
    let help = cx.says(
        "remove it to run under Docker's default profile; if a system call is missing, allow it in a profile of your own (`seccomp=./profile.json`)",
        "remove it to run under the default profile; if a system call is missing, allow it in a profile of your own (`--security-opt seccomp=profile.json`)",
    );
    cx.report(
        item.origin,
        format!("`{written}` turns off the seccomp filter: the container may make any system call, even those the default profile blocks because kernel exploits rely on them"),
    )
    .label("no seccomp filter")
    .help(help);
}
