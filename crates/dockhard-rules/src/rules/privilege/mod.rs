pub mod dh100_root_user;
pub mod dh101_root_login_shell;
pub mod dh102_setuid_added;
pub mod dh104_privileged;
pub mod dh105_no_new_privileges;
pub mod dh106_cap_drop_all;
pub mod dh107_cap_add_dangerous;
pub mod dh118_sudo;
