use crate::context::ContainerContext;
use crate::declare_rule;

use super::security_opts;

declare_rule! {
    /// ## What it does
    /// Reports a container whose kernel paths are not masked:
    /// `systempaths=unconfined` in compose `security_opt` or in
    /// `--security-opt` on a `docker`/`podman` `run` or `create` command
    /// line (and in GitHub Actions container `options:`), and podman's
    /// equivalent `unmask=ALL`. A value that cannot be known is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Docker hides parts of `/proc` and `/sys` from every container
    /// (`/proc/kcore`, `/proc/keys`, `/proc/timer_list`, `/sys/firmware`...)
    /// and mounts others read-only (`/proc/sys`, `/proc/sysrq-trigger`,
    /// `/proc/irq`, `/proc/bus`). Unconfined, the container's root can read
    /// kernel memory and keys, trigger `sysrq` (reboot or crash the host),
    /// and write kernel settings: a `kernel.core_pattern` it writes runs a
    /// program of its choosing as root on the host.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --security-opt systempaths=unconfined example/nested:3
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run -d example/nested:3
    /// ```
    ///
    /// ## Fix
    /// None: remove the option. Where a tool in the container needs one of
    /// the paths, podman can unmask that path alone (`unmask=/proc/<path>`).
    pub static SYSTEMPATHS_UNCONFINED = {
        code: "DH116",
        name: "systempaths-unconfined",
        category: Privilege,
        severity: Some(Error),
        inputs: [Compose, CommandLine],
        sources: [],
        fix: None,
        core: false,
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    let help = cx.says(
        "remove it: the container then gets Docker's masked and read-only kernel paths",
        "remove it: the container then gets the masked and read-only kernel paths",
    );
    let unconfined = security_opts::named(&spec.security_opt, "systempaths")
        .filter(|(_, v)| *v == "unconfined")
        .chain(
            // Podman: `unmask=ALL` is what `systempaths=unconfined` means.
            security_opts::named(&spec.security_opt, "unmask")
                .filter(|(_, v)| v.split(':').any(|p| p == "ALL")),
        );
    for (item, _) in unconfined {
        let written = security_opts::quoted(cx, item);
        cx.report(
            item.origin,
            format!("`{written}` lifts the masks and read-only mounts on `/proc` and `/sys`: the container's root can read kernel memory and write kernel settings such as `core_pattern`"),
        )
        .label("kernel paths unmasked")
        .help(help);
    }
}
