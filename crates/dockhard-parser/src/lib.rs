//! dockhard's parsers: source bytes to an IR with byte spans.
//!
//! This crate knows nothing of rules. It turns Dockerfiles (following
//! BuildKit, the reference implementation) and shell command lines into data
//! that rules can query without ever re-tokenising text.

pub mod commandline;
pub mod compose;
pub mod daemon;
pub mod dockerfile;
pub mod json;
pub mod kinds;
pub mod loader;
pub mod location;
pub mod mapped;
pub mod paths;
pub mod shell;
pub mod span;
pub mod spec;
pub mod values;
pub mod yaml;
pub mod yaml_text;

pub use dockerfile::Dockerfile;
pub use mapped::MappedText;
pub use span::{LineCol, LineIndex, Span, Text};
