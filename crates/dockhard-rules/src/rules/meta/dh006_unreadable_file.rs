use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports an input that cannot be read (permission denied, over the
    /// size limit, not UTF-8 text, not a regular file, or lines that end in
    /// carriage returns alone), and why:
    ///
    /// - permission denied or an I/O error, for a file or for a directory of
    ///   the walk (whose files are then unknown);
    /// - over the size limit: 10 MiB unless `max-file-size` in dockhard.toml
    ///   says otherwise (checked before reading, and enforced while reading,
    ///   standard input included);
    /// - not UTF-8 text: an invalid byte, a NUL byte, or UTF-16 where the
    ///   tool that reads the file does not read it (a Dockerfile, a script;
    ///   compose files and `daemon.json` in UTF-16 with a byte-order mark are
    ///   read, as compose and dockerd read them);
    /// - not a regular file: a FIFO or a device named on the command line,
    ///   which could block or never end, is not opened for reading;
    /// - a script or Makefile whose lines end in carriage returns alone: the
    ///   shell and make read it as one line.
    ///
    /// The finding points at the byte at fault when there is one.
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
