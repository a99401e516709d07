pub mod dh001_dockerfile_syntax;
pub mod dh002_compose_syntax;
pub mod dh003_daemon_json_syntax;
pub mod dh004_unused_suppression;
pub mod dh005_unknown_rule;
pub mod dh006_unreadable_file;
pub mod dh007_suppression_reason;
