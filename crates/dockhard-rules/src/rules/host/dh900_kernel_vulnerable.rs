use super::{affecting, describe};
use crate::context::HostContext;
use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::rule::Source;
use crate::versions;

declare_rule! {
    /// ## What it does
    /// Reports a host whose kernel release is in the range of a known
    /// container-escape or host-compromise CVE (Dirty COW, Dirty Pipe, the
    /// cgroup release_agent escape ...), from the CVE table compiled into
    /// dockhard (`dockhard --version` gives its date). An upstream kernel
    /// (`6.6.30`) in a range is an error. A distribution's kernel
    /// (`5.15.0-91-generic`, `6.1.0-18-amd64`, `4.18.0-513.el8_9.x86_64`)
    /// keeps its upstream version while its maintainers backport fixes, so
    /// one in a range is only possibly vulnerable: a warning that names the
    /// CVEs to look up in the distribution's advisories.
    ///
    /// ## Why is this bad?
    /// Containers share the host's kernel: a kernel flaw lets a process in
    /// any container become root on the host, whatever isolation the
    /// container was given.
    ///
    /// ## Example
    /// ```host
    /// kernel: 5.8.0
    /// ```
    ///
    /// ## Use instead
    /// ```host
    /// kernel: 6.12.8
    /// ```
    ///
    /// ## Fix
    /// None: update the kernel (and reboot), or check that the distribution
    /// has backported the fixes.
    pub static KERNEL_VULNERABLE = {
        code: "DH900",
        name: "kernel-vulnerable",
        category: Host,
        severity: Some(Error),
        inputs: [Host],
        sources: [Source::Seed, Source::Cis { edition: "v1.6.0", control: "1.2.1" }],
        fix: None,
        core: true,
        host: check,
    }
}

fn check(cx: &mut HostContext<'_>) {
    let Some(release) = cx.facts.kernel.value.clone() else {
        return;
    };
    let Some((version, distro)) = versions::kernel(&release) else {
        return;
    };
    let list = affecting(cx.settings().data(), "linux-kernel", &version);
    if list.is_empty() {
        return;
    }
    let span = cx.host.kernel;
    let upstream = version
        .fields
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".");
    if distro {
        cx.report_rated(
            span,
            Severity::Warning,
            format!(
                "kernel {release} is possibly vulnerable: its upstream version {upstream} is affected by {}",
                describe(&list)
            ),
        )
        .label("possibly vulnerable")
        .help("a distribution kernel may carry backported fixes: check your distribution's advisory for each CVE, and update the kernel if it does not");
    } else {
        cx.report(
            span,
            format!("kernel {release} is vulnerable to {}", describe(&list)),
        )
        .label("vulnerable")
        .help("update the kernel to a release with the fixes and reboot");
    }
}
