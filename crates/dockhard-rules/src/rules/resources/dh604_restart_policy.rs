use dockhard_parser::spec::Origin;

use crate::context::ContainerContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a restart policy other than `on-failure` with at most 5
    /// retries: `restart: always` and `unless-stopped`, `on-failure` without
    /// a count or with more than 5 (`on-failure:10`; `on-failure:0` retries
    /// without end), `--restart` with the same values; a swarm policy
    /// (`deploy.restart_policy`, `docker service create --restart-condition`
    /// and `--restart-max-attempts`) whose condition is `any`, or is not
    /// written (it defaults to `any`), or is `on-failure` without
    /// `max_attempts` or with more than 5 (`0` means no limit).
    ///
    /// `deploy.restart_policy` is judged over `restart` when a service has
    /// both: compose applies it, and swarm reads nothing else. `restart:
    /// "no"`, `condition: none` and a container with no restart policy at all
    /// are not reported: Docker and compose then do not restart the container
    /// (a swarm service without a policy restarts on `any`, as orchestration
    /// means to; write a policy to bound it). A value that cannot be known is
    /// not reported. The rule is off by default: run it with `--select
    /// DH604`.
    ///
    /// ## Why is this bad?
    /// A container that restarts whatever happens, or retries a failure for
    /// ever, hides the failure and keeps the host busy restarting it: a crash
    /// at start becomes a loop that eats CPU, fills logs and can deny service
    /// to the rest of the host. A small number of retries on failure gives a
    /// transient fault a chance and stops there, where someone notices. CIS
    /// Docker Benchmark 5.15.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     restart: always
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.1
    ///     restart: on-failure:5
    /// ```
    ///
    /// ## Fix
    /// None offered: restart on failure only, with a bounded count
    /// (`restart: on-failure:5`, `--restart on-failure:5`,
    /// `condition: on-failure` with `max_attempts: 5`), and let monitoring
    /// report what keeps failing.
    pub static RESTART_POLICY = {
        code: "DH604",
        name: "restart-policy",
        category: Resources,
        severity: None,
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.15" }],
        fix: None,
        core: false,
        container: check,
    }
}

/// The most retries CIS 5.15 accepts.
const MAX_RETRIES: u64 = 5;

/// What is wrong with a policy, and where it was written.
struct Problem {
    origin: Origin,
    message: String,
    label: &'static str,
}

fn check(cx: &mut ContainerContext<'_>) {
    let problem = match cx.spec.restart_policy {
        Some(policy) => swarm_policy(cx, policy),
        None => restart(cx),
    };
    let Some(p) = problem else { return };
    let help = if cx.spec.restart_policy.is_some() {
        cx.says(
            "use `condition: on-failure` with `max_attempts: 5` (or fewer)",
            "use `--restart-condition on-failure --restart-max-attempts 5` (or fewer)",
        )
    } else {
        cx.says(
            "use `restart: on-failure:5` (or fewer retries)",
            "use `--restart on-failure:5` (or fewer retries)",
        )
    };
    cx.report(p.origin, p.message).label(p.label).help(help);
}

/// `restart: …`, `--restart …`: `no`, `always`, `unless-stopped`,
/// `on-failure[:N]`.
fn restart(cx: &ContainerContext<'_>) -> Option<Problem> {
    let field = cx.spec.restart.as_ref()?;
    let value = field.value.as_deref()?.trim();
    let written = if cx.is_command() {
        cx.written(field.origin).to_string()
    } else {
        format!("restart: {value}")
    };
    let (name, count) = match value.split_once(':') {
        Some((name, count)) => (name, Some(count.trim())),
        None => (value, None),
    };
    let message = match (name.to_ascii_lowercase().as_str(), count) {
        ("always" | "unless-stopped", _) => {
            format!("`{written}` restarts the container whatever stopped it, without end")
        }
        ("on-failure", None) => {
            format!("`{written}` retries a failing container without end: give it a count")
        }
        ("on-failure", Some(count)) => match count.parse::<u64>().ok()? {
            0 => format!("`{written}` retries a failing container without end (`0` is no limit)"),
            n if n > MAX_RETRIES => format!(
                "`{written}` retries a failing container {n} times, more than {MAX_RETRIES}"
            ),
            _ => return None,
        },
        _ => return None,
    };
    Some(Problem {
        origin: field.origin,
        message,
        label: "restart policy",
    })
}

/// `deploy.restart_policy`, `service create --restart-condition` /
/// `--restart-max-attempts`: the condition defaults to `any`.
fn swarm_policy(cx: &ContainerContext<'_>, policy: Origin) -> Option<Problem> {
    let spec = cx.spec;
    let Some(field) = &spec.restart else {
        let message = cx.says(
            "`deploy.restart_policy` has no `condition`: it defaults to `any`, which restarts the container whatever stopped it",
            "no `--restart-condition`: it defaults to `any`, which restarts the service's tasks whatever stopped them",
        );
        return Some(Problem {
            origin: policy,
            message: message.to_string(),
            label: "restart policy",
        });
    };
    let condition = field.value.as_deref()?.trim().to_ascii_lowercase();
    let quoted = if cx.is_command() {
        format!("`{}`", cx.written(field.origin))
    } else {
        format!("`condition: {condition}`")
    };
    match condition.as_str() {
        "any" | "always" | "unless-stopped" => Some(Problem {
            origin: field.origin,
            message: format!("{quoted} restarts the container whatever stopped it"),
            label: "restart policy",
        }),
        "on-failure" => {
            let Some(attempts) = &spec.restart_max_attempts else {
                let missing = cx.says("no `max_attempts`", "no `--restart-max-attempts`");
                return Some(Problem {
                    origin: field.origin,
                    message: format!(
                        "{quoted} with {missing} retries a failing container without end"
                    ),
                    label: "restart policy",
                });
            };
            let n = attempts.value.as_deref()?.trim().parse::<u64>().ok()?;
            let written = if cx.is_command() {
                cx.written(attempts.origin).to_string()
            } else {
                format!("max_attempts: {n}")
            };
            let message = match n {
                0 => {
                    format!("`{written}` retries a failing container without end (`0` is no limit)")
                }
                n if n > MAX_RETRIES => format!(
                    "`{written}` retries a failing container {n} times, more than {MAX_RETRIES}"
                ),
                _ => return None,
            };
            Some(Problem {
                origin: attempts.origin,
                message,
                label: "retries",
            })
        }
        _ => None,
    }
}
