//! What `dockhard host` knows of the machine it audits, as facts a rule can
//! point at: the kernel release, the versions of the engine, containerd,
//! runc and BuildKit, and where the daemon's settings were read. Each fact
//! is a line of a small text shown as the file `<host>`, so findings about
//! the host render like any other.

use std::sync::Arc;

use dockhard_parser::Span;

use crate::diagnostic::SourceFile;

/// One fact: its value when known, and where it came from (or why it is
/// not known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub value: Option<String>,
    pub source: String,
}

impl Fact {
    pub fn known(value: impl Into<String>, source: impl Into<String>) -> Fact {
        Fact {
            value: Some(value.into()),
            source: source.into(),
        }
    }

    pub fn unknown(why: impl Into<String>) -> Fact {
        Fact {
            value: None,
            source: why.into(),
        }
    }
}

/// The facts of a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostFacts {
    pub kernel: Fact,
    pub engine: Fact,
    pub containerd: Fact,
    pub runc: Fact,
    pub buildkit: Fact,
    /// Where the daemon's settings were read (files, the running dockerd's
    /// flags), or that none could be.
    pub daemon: Fact,
}

/// The facts as a text (`<host>`), with the span of each value.
#[derive(Clone, Debug)]
pub struct HostFile {
    pub file: Arc<SourceFile>,
    pub kernel: Span,
    pub engine: Span,
    pub containerd: Span,
    pub runc: Span,
    pub buildkit: Span,
    pub daemon: Span,
}

impl HostFacts {
    /// Facts written as `name: value` lines (the form `render` writes;
    /// `not known`, or a missing line, is unknown).
    pub fn from_text(text: &str) -> HostFacts {
        let get = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                .map(|v| v.split(" (").next().unwrap_or(v).trim().to_string())
                .filter(|v| !v.is_empty() && v != "not known")
                .map_or_else(|| Fact::unknown("not given"), |v| Fact::known(v, "given"))
        };
        HostFacts {
            kernel: get("kernel"),
            engine: get("docker engine"),
            containerd: get("containerd"),
            runc: get("runc"),
            buildkit: get("buildkit"),
            daemon: get("daemon settings"),
        }
    }

    /// Renders the facts: `name: value (source)` a line each; a value's span
    /// covers the value (or `not known` when there is none).
    pub fn render(&self) -> HostFile {
        let mut text = String::from("# dockhard host: what was read on this machine\n");
        let mut line = |name: &str, fact: &Fact| -> Span {
            text.push_str(name);
            text.push_str(": ");
            let start = text.len();
            text.push_str(fact.value.as_deref().unwrap_or("not known"));
            let span = Span::from_range(start..text.len());
            if !fact.source.is_empty() {
                text.push_str(" (");
                text.push_str(&fact.source.replace('\n', " "));
                text.push(')');
            }
            text.push('\n');
            span
        };
        let kernel = line("kernel", &self.kernel);
        let engine = line("docker engine", &self.engine);
        let containerd = line("containerd", &self.containerd);
        let runc = line("runc", &self.runc);
        let buildkit = line("buildkit", &self.buildkit);
        let daemon = line("daemon settings", &self.daemon);
        HostFile {
            file: SourceFile::new("<host>", text),
            kernel,
            engine,
            containerd,
            runc,
            buildkit,
            daemon,
        }
    }
}
