use dockhard_parser::spec::MountKind;

use super::mounts;
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a bind mount whose propagation is `shared` or `rshared`: the
    /// short syntax option (`/srv:/srv:rshared`, `-v /srv:/srv:shared`),
    /// compose's long syntax `bind: {propagation: rshared}` and
    /// `--mount type=bind,...,bind-propagation=rshared`. `slave`, `rslave`,
    /// `private` and `rprivate` (the default) are not reported.
    ///
    /// ## Why is this bad?
    /// With shared propagation, mounts are passed both ways between the
    /// host and the container: a mount made in the container (by a process
    /// allowed to mount) appears on the host, under the mounted directory,
    /// for the host's processes to use; and the host's new mounts appear in
    /// the container. The container's mount namespace stops being its own.
    /// `rslave` lets host mounts reach the container without the way back.
    /// CIS Docker Benchmark 5.20.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -v /srv/data:/data:rshared example/mounter:1
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run -d -v /srv/data:/data:rslave example/mounter:1
    /// ```
    ///
    /// ## Fix
    /// None: use `rslave` (host mounts reach the container, not the other
    /// way round) or the default `rprivate`.
    pub static MOUNT_PROPAGATION_SHARED = {
        code: "DH203",
        name: "mount-propagation-shared",
        category: Filesystem,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.20" }],
        fix: None,
        core: false,
        commands: [Container, Service, Build],
        container: check,
    }
}

const HELP: &str = "use `rslave` (host mounts reach the container, not the other way round) or leave the default `rprivate`";

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    for field in &spec.volumes {
        let Some(mount) = &field.value else { continue };
        if mount.kind != MountKind::Bind {
            continue;
        }
        let Some(propagation) = mount
            .propagation
            .as_deref()
            .filter(|p| matches!(*p, "shared" | "rshared"))
        else {
            continue;
        };
        let quoted = mounts::quote(cx, field, mount);
        cx.report(
            field.origin,
            format!("{quoted} has `{propagation}` propagation: mounts made in the container appear on the host, and the host's in the container"),
        )
        .label(propagation.to_string())
        .help(HELP);
    }
}
