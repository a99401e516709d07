pub mod dh500_secret_in_build_args;
pub mod dh501_secret_in_environment;
pub mod dh502_secret_file_copied;
mod names;

use dockhard_parser::dockerfile::{Dockerfile, Stage};

/// How a message names a build stage that the final image does not build
/// on (`build stage `builder``, `build stage 2`): its files and its
/// configuration stay in the build cache and in an image built with
/// `--target`, not in the final image. `None` for a stage of the final
/// image, the ARGs before the first FROM and ONBUILD triggers.
pub(crate) fn build_stage(df: &Dockerfile, stage: Option<&Stage>) -> Option<String> {
    let stage = stage?;
    if df.in_final_image(stage) {
        return None;
    }
    Some(match &stage.name {
        Some(name) => format!("build stage `{}`", name.value),
        None => format!("build stage {}", stage.index),
    })
}
