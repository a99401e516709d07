use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a suppression comment that names something that is not a
    /// dockhard rule code (`DH100`) or name (`root-user`), such as a typo or
    /// another tool's code.
    ///
    /// ## Why is this bad?
    /// It suppresses nothing, so the finding it was meant to excuse is still
    /// reported, or worse, the typo hides that the intended rule is not
    /// excused at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dockhard ignore=DH1OO -- runs as root to bind port 53
    /// USER root
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dockhard ignore=DH100 -- runs as root to bind port 53
    /// USER root
    /// ```
    ///
    /// ## Fix
    /// None offered: correct the code; `dockhard rules` lists them all.
    pub static UNKNOWN_RULE = {
        code: "DH005",
        name: "unknown-rule",
        category: Meta,
        severity: Some(Warning),
        inputs: [Dockerfile, Compose, CommandLine, DaemonJson],
        sources: [Source::Other("dockhard")],
        fix: None,
        core: false,
    }
}
