//! What kind of input a file is, and which compose files make one project:
//! the parser's table of kinds ([`dockhard_parser::kinds`]).

pub use dockhard_parser::kinds::FileKind;
pub use dockhard_parser::kinds::compose::{compose_projects, is_compose_name};
