use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a compose file that `docker compose` would refuse: invalid YAML
    /// (an alias to an unknown anchor, a duplicate key, an unclosed bracket), a
    /// document that expands past the alias budget (a "billion laughs"), a key
    /// the compose specification does not know, a value of the wrong type for a
    /// known key (`cap_add: SYS_ADMIN` instead of a list), an invalid
    /// interpolation (`${`), a circular `extends` or `include` (the message
    /// names the cycle), YAML nested deeper than the reader follows, and a
    /// project `.env` that compose cannot read (an unterminated quote, a key
    /// with a space), at its place in the `.env` file.
    ///
    /// ## Why is this bad?
    /// The project cannot start, and no other rule can judge a file it cannot
    /// read. dockhard reports each problem where it is written and still lints
    /// the parts of the project it could read.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     cap_add: NET_ADMIN
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## Fix
    /// None: the message says what compose expects.
    pub static COMPOSE_SYNTAX = {
        code: "DH002",
        name: "compose-syntax",
        category: Meta,
        severity: Some(Error),
        inputs: [Compose],
        sources: [Source::Other("compose-go and the Compose Specification schema")],
        fix: None,
        core: false,
    }
}
