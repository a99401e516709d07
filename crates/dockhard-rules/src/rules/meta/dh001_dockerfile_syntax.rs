use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile that BuildKit cannot parse: an unknown instruction, a
    /// missing or extra argument, an unknown or malformed flag, an unterminated
    /// heredoc, a bad parser directive, JSON arrays of non-strings.
    ///
    /// ## Why is this bad?
    /// The image cannot be built, and no other rule can judge an instruction it
    /// cannot read. dockhard reports each error at its place and goes on with the
    /// next instruction, so one typo does not hide the rest of the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY --from build /app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Fix
    /// None: the message says what BuildKit expects.
    pub static DOCKERFILE_SYNTAX = {
        code: "DH001",
        name: "dockerfile-syntax",
        category: Meta,
        severity: Some(Error),
        inputs: [Dockerfile],
        sources: [Source::Other("BuildKit's Dockerfile parser")],
        fix: None,
        core: false,
    }
}
