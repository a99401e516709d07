pub mod dh100_root_user;
pub mod dh101_root_login_shell;
pub mod dh102_setuid_added;
pub mod dh118_sudo;
