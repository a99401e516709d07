use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports an input file that cannot be read: permission denied, not UTF-8
    /// text, or over the size limit (10 MiB). The finding points at the first
    /// byte that is not UTF-8, when that is the reason.
    ///
    /// ## Why is this bad?
    /// A file that is not read is not checked: without this finding, a
    /// Dockerfile saved in Latin-1 would silently pass. The other files of the
    /// run are still linted.
    ///
    /// ## Example
    /// A Dockerfile saved in Latin-1 with `LABEL author="Jos\xe9"` (the byte
    /// 0xE9 is not UTF-8).
    ///
    /// ## Use instead
    /// Save the file as UTF-8 (`iconv -f latin1 -t utf-8`), and make it
    /// readable by the user that runs dockhard.
    ///
    /// ## Fix
    /// None.
    pub static UNREADABLE_FILE = {
        code: "DH006",
        name: "unreadable-file",
        category: Meta,
        severity: Some(Error),
        inputs: [Dockerfile, Compose, CommandLine, DaemonJson],
        sources: [Source::Other("dockhard")],
        fix: None,
        core: false,
    }
}
