pub(crate) mod commands;
pub mod dh400_eol_image;
pub mod dh406_pipe_to_shell;
pub mod dh407_tls_verification_disabled;
pub mod dh408_unverified_packages;
pub mod dh409_update_alone;
pub mod dh410_healthcheck_missing;
