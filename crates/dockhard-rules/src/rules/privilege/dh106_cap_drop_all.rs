use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a container that keeps Docker's default capabilities: no
    /// `cap_drop: [ALL]` (any case), or no `--cap-drop=ALL` on a command line
    /// whose flags can all be read. Names are compared case-insensitively with
    /// an optional `CAP_` prefix, except that only `ALL` means all: `CAP_ALL` is
    /// not a capability, Docker rejects it, and it does not satisfy this rule.
    ///
    /// ## Why is this bad?
    /// The default set (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW,
    /// MKNOD, SYS_CHROOT ...) is far more than most services need; each one
    /// is a piece of root that an attacker in the container inherits. Dropping
    /// all and adding back the few needed is the least-privilege default.
    /// CIS Docker Benchmark 5.4.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## Fix
    /// None offered: add `cap_drop: [ALL]`, run the service, and add back with
    /// `cap_add` only what it fails without.
    pub static CAP_DROP_ALL = {
        code: "DH106",
        name: "cap-drop-all",
        category: Privilege,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.4" }],
        fix: None,
        core: true,
        container: check,
    }
}

const HELP: &str = "add `cap_drop: [ALL]` and add back with `cap_add` only what the service needs";
const HELP_COMMAND: &str =
    "add `--cap-drop=ALL` and add back with `--cap-add` only what the container needs";

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    if spec.cap_drop.iter().any(|c| c.value.is_none()) {
        return; // an unknown value could be ALL
    }
    if spec
        .cap_drop
        .iter()
        .any(|c| c.value.as_ref().is_some_and(|c| c.is_all()))
    {
        return;
    }
    if let Some(bad) = spec
        .cap_drop
        .iter()
        .find(|c| c.value.as_ref().is_some_and(|c| c.0 == "CAP_ALL"))
    {
        let help = cx.says(
            "write `ALL`: `cap_drop: [ALL]`",
            "write `ALL`: `--cap-drop=ALL`",
        );
        cx.report(
            bad.origin,
            "`CAP_ALL` is not a capability: capabilities are not dropped",
        )
        .label("not ALL")
        .help(help);
        return;
    }
    if !spec.judges_missing() {
        return;
    }
    let help = cx.says(HELP, HELP_COMMAND);
    let listed = spec
        .cap_drop_key
        .or(spec.cap_drop.first().map(|f| f.origin));
    match listed {
        Some(key) => {
            let which = cx.says("`cap_drop` does not list ALL", "no `--cap-drop` drops ALL");
            cx.report(key, format!("capabilities are not all dropped: {which}"))
                .label("no ALL")
                .help(help);
        }
        None => {
            let missing = cx.says("cap_drop: [ALL]", "--cap-drop=ALL");
            let label = cx.owner_label();
            cx.report(
                spec.origin,
                format!("capabilities are not dropped: no `{missing}`"),
            )
            .label(label)
            .help(help);
        }
    }
}
