use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::security_opts;

declare_rule! {
    /// ## What it does
    /// Reports a container without an AppArmor profile: `apparmor=unconfined`
    /// or `apparmor:unconfined` in compose `security_opt` or in
    /// `--security-opt` on a `docker`/`podman` `run` or `create` command
    /// line (and in GitHub Actions container `options:`). A named profile
    /// (`apparmor=docker-default`, one of your own) is not reported, nor is
    /// `unconfined` followed by a later `apparmor=` option (the last one
    /// applies), nor a value that cannot be known.
    ///
    /// ## Why is this bad?
    /// On hosts with AppArmor, the default profile (`docker-default`, or
    /// podman's `containers-default`) denies what a container should never
    /// do even as root: mounting filesystems, writing most of `/proc` and
    /// `/sys`, reading `/sys/firmware` and `/sys/kernel/security`, tracing
    /// processes outside the profile. Unconfined, those denials are gone and
    /// only capabilities and seccomp stand between the container's root and
    /// the host. CIS Docker Benchmark 5.2.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --security-opt apparmor=unconfined example/fuse-mount:2
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run -d --security-opt apparmor=fuse-mount example/fuse-mount:2
    /// ```
    ///
    /// ## Fix
    /// None: remove the option to run under the default profile, or load a
    /// profile written for the container (`apparmor_parser`) and name it.
    pub static APPARMOR_UNCONFINED = {
        code: "DH114",
        name: "apparmor-unconfined",
        category: Privilege,
        severity: Some(Error),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.2" }],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let Some((item, "unconfined")) = security_opts::effective(&spec.security_opt, "apparmor")
    else {
        return;
    };
    let written = security_opts::quoted(cx, item);
    let help = cx.says(
        "remove it to run under the default profile, or load a profile written for the container and name it (`apparmor=<profile>`)",
        "remove it to run under the default profile, or load a profile written for the container and name it (`--security-opt apparmor=<profile>`)",
    );
    cx.report(
        item.origin,
        format!("`{written}` runs the container without an AppArmor profile: the default profile's denials (mounts, writes to `/proc` and `/sys`) no longer apply"),
    )
    .label("no AppArmor profile")
    .help(help);
}
