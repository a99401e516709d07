use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a `# dockhard ignore=...` comment without a reason after `--`.
    /// Off by default (hadolint-style comments without reasons are common);
    /// `--require-reason` turns it on.
    ///
    /// ## Why is this bad?
    /// An exception without a reason cannot be reviewed: nobody can tell later
    /// whether it still holds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dockhard ignore=DH100
    /// USER root
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dockhard ignore=DH100 -- the image runs a privileged DNS proxy on port 53
    /// USER root
    /// ```
    ///
    /// ## Fix
    /// None: write the reason.
    pub static SUPPRESSION_REASON = {
        code: "DH007",
        name: "suppression-reason",
        category: Meta,
        severity: None,
        inputs: [Dockerfile, Compose, CommandLine, DaemonJson],
        sources: [Source::Other("oxc/biome: every suppression must give a reason")],
        fix: None,
        core: false,
    }
}
