use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a code in a `# dockhard ignore=...` comment that suppresses
    /// nothing: the rule is enabled but finds nothing where the comment
    /// applies. Each unused code of a comment is its own finding, at that code.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding in the same place,
    /// and misleads the reader into thinking there is something to excuse.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dockhard ignore=DH118 -- we need sudo here
    /// RUN apk add --no-cache curl
    /// USER nobody
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// USER nobody
    /// ```
    ///
    /// ## Fix
    /// None offered: remove the code (or the comment).
    pub static UNUSED_SUPPRESSION = {
        code: "DH004",
        name: "unused-suppression",
        category: Meta,
        severity: Some(Warning),
        inputs: [Dockerfile, Compose, CommandLine, DaemonJson],
        sources: [Source::Other("ruff RUF100")],
        fix: None,
        core: false,
    }
}
