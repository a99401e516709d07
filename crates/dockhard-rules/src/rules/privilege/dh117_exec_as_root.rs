use crate::analysis::is_root_user;
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports `docker exec -u root` (or `-u 0`, `--user root:root`,
    /// `podman exec --user 0`): a command run inside a running container as
    /// root.
    ///
    /// ## Why is this bad?
    /// A container built to run as an unprivileged user still has root
    /// available to whoever can call `docker exec`. Running maintenance as
    /// root inside it undoes that user's isolation for the command, and
    /// whatever the command touches (files it creates, processes it starts)
    /// belongs to root afterwards. CIS Docker Benchmark 5.24.
    ///
    /// ## Example
    /// ```sh
    /// docker exec -u root web apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker exec web /app/bin/healthcheck
    /// ```
    ///
    /// ## Fix
    /// None: run the command as the container's own user; change the image
    /// (its Dockerfile) for anything that needs root.
    pub static EXEC_AS_ROOT = {
        code: "DH117",
        name: "exec-as-root",
        category: Privilege,
        severity: Some(Warning),
        inputs: [CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.24" }],
        fix: None,
        core: false,
        commands: [Exec],
        container: check,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    if !cx.is_command() {
        return;
    }
    let Some(field) = &cx.spec.user else { return };
    let Some(user) = &field.value else { return };
    if !is_root_user(user) {
        return;
    }
    let written = cx.written(field.origin);
    cx.report(
        field.origin,
        format!("`exec {written}` runs the command as root inside the container"),
    )
    .label("root")
    .help("run the command as the container's own user (drop `-u`); change the image for work that needs root");
}
