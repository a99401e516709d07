//! Every rule dockhard has, in code order.

use crate::rule::RuleMeta;
use crate::rules;

pub static RULES: &[&RuleMeta] = &[
    &rules::meta::dh001_dockerfile_syntax::DOCKERFILE_SYNTAX,
    &rules::meta::dh002_compose_syntax::COMPOSE_SYNTAX,
    &rules::meta::dh003_daemon_json_syntax::DAEMON_JSON_SYNTAX,
    &rules::meta::dh004_unused_suppression::UNUSED_SUPPRESSION,
    &rules::meta::dh005_unknown_rule::UNKNOWN_RULE,
    &rules::meta::dh006_unreadable_file::UNREADABLE_FILE,
    &rules::meta::dh007_suppression_reason::SUPPRESSION_REASON,
    &rules::privilege::dh100_root_user::ROOT_USER,
    &rules::privilege::dh101_root_login_shell::ROOT_LOGIN_SHELL,
    &rules::privilege::dh102_setuid_added::SETUID_ADDED,
    &rules::privilege::dh103_setuid_not_stripped::SETUID_NOT_STRIPPED,
    &rules::privilege::dh104_privileged::PRIVILEGED,
    &rules::privilege::dh105_no_new_privileges::NO_NEW_PRIVILEGES,
    &rules::privilege::dh106_cap_drop_all::CAP_DROP_ALL,
    &rules::privilege::dh107_cap_add_dangerous::CAP_ADD_DANGEROUS,
    &rules::privilege::dh108_host_pid::HOST_PID,
    &rules::privilege::dh109_host_ipc::HOST_IPC,
    &rules::privilege::dh110_host_uts::HOST_UTS,
    &rules::privilege::dh111_host_userns::HOST_USERNS,
    &rules::privilege::dh112_host_cgroupns::HOST_CGROUPNS,
    &rules::privilege::dh113_seccomp_unconfined::SECCOMP_UNCONFINED,
    &rules::privilege::dh114_apparmor_unconfined::APPARMOR_UNCONFINED,
    &rules::privilege::dh115_selinux_disabled::SELINUX_DISABLED,
    &rules::privilege::dh116_systempaths_unconfined::SYSTEMPATHS_UNCONFINED,
    &rules::privilege::dh117_exec_as_root::EXEC_AS_ROOT,
    &rules::privilege::dh118_sudo::SUDO,
    &rules::filesystem::dh200_read_only_rootfs::READ_ONLY_ROOTFS,
    &rules::filesystem::dh201_container_socket_mount::CONTAINER_SOCKET_MOUNT,
    &rules::filesystem::dh202_sensitive_host_mount::SENSITIVE_HOST_MOUNT,
    &rules::filesystem::dh203_mount_propagation_shared::MOUNT_PROPAGATION_SHARED,
    &rules::filesystem::dh204_host_devices::HOST_DEVICES,
    &rules::filesystem::dh205_tmpfs_exec::TMPFS_EXEC,
    &rules::filesystem::dh206_world_writable::WORLD_WRITABLE,
    &rules::network::dh300_icc_enabled::ICC_ENABLED,
    &rules::network::dh301_default_bridge::DEFAULT_BRIDGE,
    &rules::network::dh302_host_network::HOST_NETWORK,
    &rules::network::dh303_ports_all_interfaces::PORTS_ALL_INTERFACES,
    &rules::network::dh304_privileged_host_port::PRIVILEGED_HOST_PORT,
    &rules::network::dh305_ssh_server::SSH_SERVER,
    &rules::network::dh306_overlay_unencrypted::OVERLAY_UNENCRYPTED,
    &rules::image::dh400_eol_image::EOL_IMAGE,
    &rules::image::dh401_image_latest::IMAGE_LATEST,
    &rules::image::dh402_image_not_pinned::IMAGE_NOT_PINNED,
    &rules::image::dh403_untrusted_registry::UNTRUSTED_REGISTRY,
    &rules::image::dh404_add_remote::ADD_REMOTE,
    &rules::image::dh405_add_instead_of_copy::ADD_INSTEAD_OF_COPY,
    &rules::image::dh406_pipe_to_shell::PIPE_TO_SHELL,
    &rules::image::dh407_tls_verification_disabled::TLS_VERIFICATION_DISABLED,
    &rules::image::dh408_unverified_packages::UNVERIFIED_PACKAGES,
    &rules::image::dh409_update_alone::UPDATE_ALONE,
    &rules::image::dh410_healthcheck_missing::HEALTHCHECK_MISSING,
    &rules::secrets::dh500_secret_in_build_args::SECRET_IN_BUILD_ARGS,
    &rules::secrets::dh501_secret_in_environment::SECRET_IN_ENVIRONMENT,
    &rules::secrets::dh502_secret_file_copied::SECRET_FILE_COPIED,
    &rules::resources::dh600_memory_limit::MEMORY_LIMIT,
    &rules::resources::dh601_pids_limit::PIDS_LIMIT,
    &rules::resources::dh602_cpu_limit::CPU_LIMIT,
    &rules::resources::dh603_oom_kill_disabled::OOM_KILL_DISABLED,
    &rules::resources::dh604_restart_policy::RESTART_POLICY,
    &rules::resources::dh605_healthcheck_disabled::HEALTHCHECK_DISABLED,
    &rules::resources::dh606_cgroup_parent::CGROUP_PARENT,
    &rules::resources::dh607_unsafe_sysctls::UNSAFE_SYSCTLS,
    &rules::resources::dh608_logging_disabled::LOGGING_DISABLED,
    &rules::build::dh700_insecure_build::INSECURE_BUILD,
    &rules::build::dh701_build_host_network::BUILD_HOST_NETWORK,
    &rules::daemon::dh800_daemon_icc::DAEMON_ICC,
    &rules::daemon::dh801_daemon_no_new_privileges::DAEMON_NO_NEW_PRIVILEGES,
    &rules::daemon::dh802_daemon_userns_remap::DAEMON_USERNS_REMAP,
    &rules::daemon::dh803_daemon_tcp_without_tls::DAEMON_TCP_WITHOUT_TLS,
    &rules::daemon::dh804_daemon_insecure_registries::DAEMON_INSECURE_REGISTRIES,
    &rules::daemon::dh805_daemon_live_restore::DAEMON_LIVE_RESTORE,
    &rules::daemon::dh806_daemon_userland_proxy::DAEMON_USERLAND_PROXY,
    &rules::daemon::dh807_daemon_seccomp_unconfined::DAEMON_SECCOMP_UNCONFINED,
    &rules::daemon::dh808_daemon_iptables_disabled::DAEMON_IPTABLES_DISABLED,
    &rules::daemon::dh809_daemon_logging::DAEMON_LOGGING,
    &rules::daemon::dh810_daemon_experimental::DAEMON_EXPERIMENTAL,
    &rules::daemon::dh811_daemon_default_bind::DAEMON_DEFAULT_BIND,
    &rules::host::dh900_kernel_vulnerable::KERNEL_VULNERABLE,
    &rules::host::dh901_engine_vulnerable::ENGINE_VULNERABLE,
    &rules::host::dh902_engine_eol::ENGINE_EOL,
    &rules::host::dh903_daemon_config::DAEMON_CONFIG,
];

pub fn by_code(code: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// A rule by code (`DH100`) or name (`root-user`), case-insensitively.
pub fn by_code_or_name(s: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(s) || r.name.eq_ignore_ascii_case(s))
}

/// The closest code or name to a misspelt one.
pub fn suggest(s: &str) -> Option<&'static str> {
    let lower = s.to_ascii_lowercase();
    RULES
        .iter()
        .flat_map(|r| [r.code, r.name])
        .map(|cand| (edit_distance(&cand.to_ascii_lowercase(), &lower), cand))
        .filter(|(d, cand)| *d <= 2.max(cand.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
