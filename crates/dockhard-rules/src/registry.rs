//! Every rule dockhard has, in code order.

use crate::rule::RuleMeta;
use crate::rules;

pub static RULES: &[&RuleMeta] = &[
    &rules::meta::dh001_dockerfile_syntax::DOCKERFILE_SYNTAX,
    &rules::meta::dh002_compose_syntax::COMPOSE_SYNTAX,
    &rules::meta::dh004_unused_suppression::UNUSED_SUPPRESSION,
    &rules::meta::dh005_unknown_rule::UNKNOWN_RULE,
    &rules::meta::dh006_unreadable_file::UNREADABLE_FILE,
    &rules::meta::dh007_suppression_reason::SUPPRESSION_REASON,
    &rules::privilege::dh100_root_user::ROOT_USER,
    &rules::privilege::dh101_root_login_shell::ROOT_LOGIN_SHELL,
    &rules::privilege::dh102_setuid_added::SETUID_ADDED,
    &rules::privilege::dh104_privileged::PRIVILEGED,
    &rules::privilege::dh105_no_new_privileges::NO_NEW_PRIVILEGES,
    &rules::privilege::dh106_cap_drop_all::CAP_DROP_ALL,
    &rules::privilege::dh107_cap_add_dangerous::CAP_ADD_DANGEROUS,
    &rules::privilege::dh117_exec_as_root::EXEC_AS_ROOT,
    &rules::privilege::dh118_sudo::SUDO,
    &rules::filesystem::dh200_read_only_rootfs::READ_ONLY_ROOTFS,
    &rules::network::dh300_icc_enabled::ICC_ENABLED,
    &rules::network::dh301_default_bridge::DEFAULT_BRIDGE,
    &rules::image::dh400_eol_image::EOL_IMAGE,
    &rules::secrets::dh500_secret_in_build_args::SECRET_IN_BUILD_ARGS,
    &rules::secrets::dh501_secret_in_environment::SECRET_IN_ENVIRONMENT,
    &rules::secrets::dh502_secret_file_copied::SECRET_FILE_COPIED,
    &rules::build::dh700_insecure_build::INSECURE_BUILD,
    &rules::build::dh701_build_host_network::BUILD_HOST_NETWORK,
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
