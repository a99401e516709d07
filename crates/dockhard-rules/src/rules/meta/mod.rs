pub mod dh001_dockerfile_syntax;
pub mod dh002_compose_syntax;
pub mod dh006_unreadable_file;
