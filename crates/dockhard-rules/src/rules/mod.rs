//! One rule per file, grouped by the catalogue's topics.

pub mod build;
pub mod meta;
pub mod privilege;
