pub mod dh700_insecure_build;
pub mod dh701_build_host_network;

use dockhard_parser::Span;

/// The span of a flag plus the blanks after it, so that removing it leaves
/// `RUN cmd` rather than `RUN  cmd`.
pub(crate) fn flag_removal(source: &str, flag: Span) -> Span {
    let after = &source[flag.end as usize..];
    let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
    Span::new(flag.start, flag.end + blanks as u32)
}
