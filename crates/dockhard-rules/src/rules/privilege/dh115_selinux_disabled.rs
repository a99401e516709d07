use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

use super::security_opts;

declare_rule! {
    /// ## What it does
    /// Reports a container that SELinux does not confine: `label=disable`
    /// (or `label:disable`) in compose `security_opt` or in `--security-opt`
    /// on a `docker`/`podman` `run` or `create` command line (and in GitHub
    /// Actions container `options:`), and a process type that is an
    /// unconfined domain, `label=type:spc_t` or `label=type:unconfined_t`
    /// (`label=disable` itself runs the container as `spc_t`). Other label
    /// options (`label=level:s0:c100,c200`, `label=type:container_t`, a type
    /// of your own) are not reported, nor is a value that cannot be known.
    ///
    /// ## Why is this bad?
    /// On SELinux hosts, every container runs as `container_t` with its own
    /// MCS category, which keeps it from the host's files and from other
    /// containers even when something escapes the other layers. Disabled,
    /// the container runs as `spc_t`, a domain SELinux does not restrict:
    /// that whole layer is gone. CIS Docker Benchmark 5.3.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1.8
    ///     volumes:
    ///       - ./site:/usr/share/nginx/html:ro
    ///     security_opt:
    ///       - label:disable
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1.8
    ///     volumes:
    ///       - ./site:/usr/share/nginx/html:ro,z
    /// ```
    ///
    /// ## Fix
    /// None: a container usually loses its label to read a bind mount;
    /// relabel the mount instead (`:z` when containers share it, `:Z` for
    /// one container), or write a policy type for the container.
    pub static SELINUX_DISABLED = {
        code: "DH115",
        name: "selinux-disabled",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.3" }],
        fix: None,
        core: false,
        container: check,
    }
}

/// Process types that SELinux policy leaves unconfined: `spc_t` (super
/// privileged containers, what `label=disable` runs as) and `unconfined_t`.
const UNCONFINED_TYPES: &[&str] = &["spc_t", "unconfined_t"];

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let help = cx.says(
        "remove it; to let the container use a bind mount, relabel the mount (`:z` shared, `:Z` private) instead",
        "remove it; to let the container use a bind mount, relabel the mount (`-v src:dst:z` shared, `:Z` private) instead",
    );
    // `disable` wins wherever it stands; of several `type:` options the
    // last one applies.
    let mut last_type = None;
    for (item, value) in security_opts::named(&spec.security_opt, "label") {
        if value == "disable" {
            let written = security_opts::quoted(cx, item);
            cx.report(
                item.origin,
                format!("`{written}` turns off SELinux separation: the container runs as the unconfined type `spc_t`, no longer kept from the host's files and other containers"),
            )
            .label("SELinux disabled")
            .help(help);
        } else if let Some(ty) = value.strip_prefix("type:") {
            last_type = Some((item, ty));
        }
    }
    let Some((item, ty)) = last_type else { return };
    if !UNCONFINED_TYPES.contains(&ty) {
        return;
    }
    let written = security_opts::quoted(cx, item);
    cx.report(
        item.origin,
        format!("`{written}` runs the container's processes in `{ty}`, a domain SELinux does not confine"),
    )
    .label("unconfined SELinux type")
    .help(help);
}
