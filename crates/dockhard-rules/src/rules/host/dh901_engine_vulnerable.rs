use super::{affecting, describe};
use crate::context::HostContext;
use crate::declare_rule;
use crate::rule::Source;
use crate::versions::Version;

declare_rule! {
    /// ## What it does
    /// Reports a Docker Engine, containerd, runc or BuildKit whose version is
    /// in the range of a known CVE that lets a container (or a build) escape
    /// to the host, from the CVE table compiled into dockhard. Versions are
    /// compared as the projects number them: `20.10.24+dfsg1` is 20.10.24,
    /// `1.7.25-1` is containerd 1.7.25, runc `1.0.0-rc93` comes before
    /// `1.0.0`. Distribution packages that backport fixes without changing
    /// the version are a limitation the message cannot see.
    ///
    /// ## Why is this bad?
    /// The engine and its runtimes are the isolation: a flaw in runc
    /// (CVE-2019-5736, CVE-2024-21626) or BuildKit (CVE-2024-23651) hands the
    /// host to a malicious image or Dockerfile.
    ///
    /// ## Example
    /// ```host
    /// runc: 1.1.11
    /// ```
    ///
    /// ## Use instead
    /// ```host
    /// runc: 1.3.3
    /// ```
    ///
    /// ## Fix
    /// None: update the engine (`containerd.io` carries runc).
    pub static ENGINE_VULNERABLE = {
        code: "DH901",
        name: "engine-vulnerable",
        category: Host,
        severity: Some(Error),
        inputs: [Host],
        sources: [Source::Seed, Source::Cis { edition: "v1.6.0", control: "1.2.2" }],
        fix: None,
        core: true,
        host: check,
    }
}

fn check(cx: &mut HostContext<'_>) {
    let components = [
        (
            "docker-engine",
            "Docker Engine",
            cx.facts.engine.value.clone(),
            cx.host.engine,
        ),
        (
            "containerd",
            "containerd",
            cx.facts.containerd.value.clone(),
            cx.host.containerd,
        ),
        ("runc", "runc", cx.facts.runc.value.clone(), cx.host.runc),
        (
            "buildkit",
            "BuildKit",
            cx.facts.buildkit.value.clone(),
            cx.host.buildkit,
        ),
    ];
    for (component, name, value, span) in components {
        let Some(written) = value else { continue };
        let Some(version) = Version::parse(&written) else {
            continue;
        };
        let list = affecting(cx.settings().data(), component, &version);
        if list.is_empty() {
            continue;
        }
        cx.report(
            span,
            format!("{name} {written} is affected by {}", describe(&list)),
        )
        .label("vulnerable")
        .help(format!("update {name} to a release with the fixes"));
    }
}
