//! Compose files loaded the way `docker compose` loads them (compose-go is
//! the reference): YAML with anchors and merge keys, interpolation, override
//! files, `extends`, `include`, profiles; then normalised into
//! [`ContainerSpec`](crate::spec::ContainerSpec) and
//! [`NetworkSpec`](crate::spec::NetworkSpec), every value with the file and
//! span where it was written.

mod dotenv;
pub mod interpolate;
mod load;
mod merge;
mod normalize;
pub mod schema;
pub use crate::values as syntax;
pub mod tree;

pub use load::{
    BuiltDockerfile, FileRole, FsLoader, Loader, Project, ProjectError, ProjectFile, load_project,
};

#[cfg(test)]
mod tests;
