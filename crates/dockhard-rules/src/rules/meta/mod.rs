pub mod dh001_dockerfile_syntax;
