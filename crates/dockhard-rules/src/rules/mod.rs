//! One rule per file, grouped by the catalogue's topics.

pub mod build;
pub mod daemon;
pub mod filesystem;
pub mod host;
pub mod image;
pub mod meta;
pub mod network;
pub mod privilege;
pub mod resources;
pub mod secrets;
