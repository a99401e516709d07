//! Rule metadata and the `declare_rule!` macro that keeps it, with the
//! rule's documentation, next to the code.

use crate::context::{
    ContainerContext, DaemonContext, DockerfileContext, HostContext, NetworkContext,
};
use crate::diagnostic::Severity;
use dockhard_parser::spec::CommandKind;

/// Topic groups of the catalogue (the hundreds digit of the code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Meta,
    Privilege,
    Filesystem,
    Network,
    Image,
    Secrets,
    Resources,
    Build,
    Daemon,
    Host,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Meta => "meta",
            Category::Privilege => "privilege",
            Category::Filesystem => "filesystem",
            Category::Network => "network",
            Category::Image => "image",
            Category::Secrets => "secrets",
            Category::Resources => "resources",
            Category::Build => "build",
            Category::Daemon => "daemon",
            Category::Host => "host",
        }
    }

    pub const ALL: [Category; 10] = [
        Category::Meta,
        Category::Privilege,
        Category::Filesystem,
        Category::Network,
        Category::Image,
        Category::Secrets,
        Category::Resources,
        Category::Build,
        Category::Daemon,
        Category::Host,
    ];
}

/// The kinds of input a rule looks at (RULES.md's D C R N J H).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    Dockerfile,
    Compose,
    CommandLine,
    Network,
    DaemonJson,
    Host,
}

impl Input {
    pub fn as_str(self) -> &'static str {
        match self {
            Input::Dockerfile => "Dockerfile",
            Input::Compose => "compose",
            Input::CommandLine => "command line",
            Input::Network => "network",
            Input::DaemonJson => "daemon.json",
            Input::Host => "host",
        }
    }
}

/// Where a rule comes from, or which other tool has the same check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A CIS Docker Benchmark control, with the edition.
    Cis {
        edition: &'static str,
        control: &'static str,
    },
    Hadolint(&'static str),
    Trivy(&'static str),
    Checkov(&'static str),
    Kics(&'static str),
    BuildKit(&'static str),
    /// The seed recommendation the product was founded on.
    Seed,
    Other(&'static str),
}

impl Source {
    pub fn describe(self) -> String {
        match self {
            Source::Cis { edition, control } => format!("CIS Docker Benchmark {edition} {control}"),
            Source::Hadolint(id) => format!("hadolint {id}"),
            Source::Trivy(id) => format!("Trivy {id}"),
            Source::Checkov(id) => format!("Checkov {id}"),
            Source::Kics(id) => format!("KICS {id}"),
            Source::BuildKit(id) => format!("BuildKit check {id}"),
            Source::Seed => "dockhard seed recommendation".to_string(),
            Source::Other(s) => s.to_string(),
        }
    }
}

/// Whether the rule offers fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

/// A check over a parsed Dockerfile.
pub type DockerfileCheck = fn(&mut DockerfileContext<'_>);

/// A check over one container (a compose service or a command line).
pub type ContainerCheck = fn(&mut ContainerContext<'_>);

/// A check over one network (compose, or `docker network create`).
pub type NetworkCheck = fn(&mut NetworkContext<'_>);

/// A check over one daemon's settings (`daemon.json` or `dockerd` flags).
pub type DaemonCheck = fn(&mut DaemonContext<'_>);

/// Whether a daemon's settings satisfy a rule (its measure is set): a
/// missing-setting finding in one file is dropped when another file of the
/// run satisfies the rule (a `daemon.json` beside a `dockerd` command).
pub type DaemonSatisfied = fn(&dockhard_parser::daemon::DaemonSpec) -> bool;

/// A check over the facts of a host (`dockhard host`).
pub type HostCheck = fn(&mut HostContext<'_>);

/// The command lines a container check judges unless the rule says
/// otherwise: those that create a container.
pub const CREATES_CONTAINERS: &[CommandKind] = &[CommandKind::Container, CommandKind::Service];

/// Everything known about a rule, and its entry points.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    /// `None`: the rule exists but runs only when selected.
    pub default_severity: Option<Severity>,
    pub inputs: &'static [Input],
    pub sources: &'static [Source],
    pub fix: FixAvailability,
    /// A core (★) rule of the catalogue.
    pub core: bool,
    /// Markdown: what it does, why, example, use instead, fix.
    pub doc: &'static str,
    pub dockerfile: Option<DockerfileCheck>,
    pub container: Option<ContainerCheck>,
    pub network: Option<NetworkCheck>,
    pub daemon: Option<DaemonCheck>,
    pub daemon_satisfied: Option<DaemonSatisfied>,
    pub host: Option<HostCheck>,
    /// Which command lines the container check judges (compose services
    /// are always judged): `docker exec` creates no container, and
    /// `docker build` only builds.
    pub commands: &'static [CommandKind],
}

impl RuleMeta {
    /// Whether the container check applies to a spec from this source.
    pub fn judges(&self, source: &dockhard_parser::spec::SpecSource) -> bool {
        match source.command() {
            None => true,
            Some(c) => self.commands.contains(&c.kind),
        }
    }
}

impl RuleMeta {
    /// The documentation as Markdown (the doc comment without its leading
    /// space on each line).
    pub fn markdown(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first paragraph of "What it does", as a one-line summary.
    pub fn summary(&self) -> String {
        section(&self.markdown(), "What it does")
            .split("\n\n")
            .next()
            .unwrap_or("")
            .replace('\n', " ")
            .trim()
            .to_string()
    }

    pub fn doc_url(&self) -> String {
        format!("{}/{}.md", DOCS_BASE_URL, self.code)
    }
}

/// Where the rule pages are published.
pub const DOCS_BASE_URL: &str = "https://github.com/dockhard/dockhard/blob/main/docs/rules";

/// The text of a `## heading` section of a rule doc.
pub fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let marker = format!("## {heading}");
    let Some(start) = doc.find(&marker) else {
        return "";
    };
    let body = &doc[start + marker.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].trim()
}

/// Declares a rule: its doc comment becomes its documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub static SUDO = {
///         code: "DH118",
///         name: "sudo",
///         category: Privilege,
///         severity: Some(Warning),
///         inputs: [Dockerfile],
///         sources: [Source::Hadolint("DL3004")],
///         fix: Sometimes,
///         dockerfile: check,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            category: $category:ident,
            severity: $severity:expr,
            inputs: [$($input:ident),* $(,)?],
            sources: [$($source:expr),* $(,)?],
            fix: $fix:ident,
            core: $core:literal,
            $(commands: [$($command:ident),* $(,)?],)?
            $(dockerfile: $dockerfile:path,)?
            $(container: $container:path,)?
            $(network: $network:path,)?
            $(daemon: $daemon:path,)?
            $(satisfied: $satisfied:path,)?
            $(host: $host:path,)?
        }
    ) => {
        $vis static $ident: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
            code: $code,
            name: $name,
            category: $crate::rule::Category::$category,
            default_severity: {
                #[allow(unused_imports)]
                use $crate::diagnostic::Severity::*;
                $severity
            },
            inputs: &[$($crate::rule::Input::$input),*],
            sources: &[$($source),*],
            fix: $crate::rule::FixAvailability::$fix,
            core: $core,
            doc: concat!($($doc, "\n"),*),
            dockerfile: $crate::declare_rule!(@opt $($dockerfile)?),
            container: $crate::declare_rule!(@opt $($container)?),
            network: $crate::declare_rule!(@opt $($network)?),
            daemon: $crate::declare_rule!(@opt $($daemon)?),
            daemon_satisfied: $crate::declare_rule!(@opt $($satisfied)?),
            host: $crate::declare_rule!(@opt $($host)?),
            commands: $crate::declare_rule!(@commands $([$($command),*])?),
        };
    };
    (@commands [$($command:ident),*]) => {
        &[$(dockhard_parser::spec::CommandKind::$command),*]
    };
    (@commands) => { $crate::rule::CREATES_CONTAINERS };
    (@opt $check:path) => { Some($check) };
    (@opt) => { None };
}
