//! `dockhard.toml` / `.dockhard.toml`: which rules run where, at which
//! severity, and the options of the rules that take some.
//!
//! ```toml
//! extend = "../dockhard.toml"
//! select = ["all"]
//! ignore = ["DH101"]
//! extend-select = ["DH402"]
//! fail-level = "error"
//! trusted-registries = ["registry.example.com"]
//! allowed-capabilities = ["NET_ADMIN"]
//! as-of = "2026-11-28"
//! max-file-size = "10 MiB"
//!
//! [severity]
//! DH100 = "error"
//!
//! [per-file-ignores]
//! "test/**" = ["DH100", "privilege"]
//! ```
//!
//! The closest file to a linted file applies, alone; `extend` layers it on
//! another: `ignore`, `extend-select`, `per-file-ignores` and `[severity]`
//! add up, the other keys replace the extended file's.

use dockhard_parser::paths::normalize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Severity, SourceFile};
use crate::registry;
use crate::settings::{Selector, Settings};

pub const CONFIG_NAMES: [&str; 2] = ["dockhard.toml", ".dockhard.toml"];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    extend: Option<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    per_file_ignores: Option<BTreeMap<String, Vec<Spanned<String>>>>,
    severity: Option<BTreeMap<String, Spanned<String>>>,
    fail_level: Option<Spanned<String>>,
    trusted_registries: Option<Vec<Spanned<String>>>,
    allowed_capabilities: Option<Vec<Spanned<String>>>,
    as_of: Option<Spanned<String>>,
    max_file_size: Option<Spanned<toml::Value>>,
}

/// The lowest severity that fails a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailLevel {
    At(Severity),
    Never,
}

impl FailLevel {
    pub fn parse(s: &str) -> Option<FailLevel> {
        match s {
            "never" => Some(FailLevel::Never),
            other => Severity::parse(other).map(FailLevel::At),
        }
    }
}

/// A configuration problem, with its place in the TOML file.
#[derive(Clone)]
pub struct ConfigError {
    pub file: Arc<SourceFile>,
    pub span: Option<std::ops::Range<usize>>,
    pub message: String,
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display_path(), self.message)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid configuration in {}: {}",
            self.file.display_path(),
            self.message
        )
    }
}

impl std::error::Error for ConfigError {}

impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("dockhard::config"))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.file.as_ref())
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(
                None,
                miette::SourceSpan::new(span.start.into(), span.end - span.start),
            ),
        )))
    }
}

/// Options of one configuration file (after `extend`).
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    pub extend_select: Vec<Selector>,
    /// Globs and what they ignore; each glob matches paths relative to the
    /// directory of the configuration file that wrote it.
    pub per_file_ignores: Vec<PerFileIgnore>,
    pub severity: HashMap<&'static str, Severity>,
    pub fail_level: Option<FailLevel>,
    pub trusted_registries: Option<Vec<String>>,
    pub allowed_capabilities: Option<Vec<String>>,
    pub as_of: Option<String>,
    /// Files larger than this are not read (DH006); `None`: the default.
    pub max_file_size: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    pub dir: PathBuf,
    pub pattern: String,
    pub matcher: GlobMatcher,
    pub selectors: Vec<Selector>,
}

/// A configuration file, resolved.
#[derive(Clone, Debug)]
pub struct Config {
    pub path: PathBuf,
    /// The directory globs and relative paths resolve against.
    pub dir: PathBuf,
    pub options: Options,
}

struct Checker<'a> {
    file: &'a Arc<SourceFile>,
    errors: Vec<ConfigError>,
}

impl Checker<'_> {
    fn error(&mut self, span: Option<std::ops::Range<usize>>, message: impl Into<String>) {
        self.errors.push(ConfigError {
            file: self.file.clone(),
            span,
            message: message.into(),
        });
    }

    fn selectors(&mut self, list: &[Spanned<String>]) -> Vec<Selector> {
        list.iter()
            .filter_map(|s| match Selector::parse(s.get_ref()) {
                Ok(sel) => Some(sel),
                Err(e) => {
                    self.error(Some(s.span()), e.to_string());
                    None
                }
            })
            .collect()
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(s[5..7].parse::<u32>(), Ok(1..=12))
        && matches!(s[8..10].parse::<u32>(), Ok(1..=31))
}

/// A size in bytes: a whole number, or one with a unit (`512 KiB`, `10MiB`,
/// `1 GiB`, `10MB`, `100 kB`, `2048 B`).
pub fn parse_size(value: &toml::Value) -> Option<u64> {
    let text = match value {
        toml::Value::Integer(n) => return u64::try_from(*n).ok(),
        toml::Value::String(s) => s.trim(),
        _ => return None,
    };
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "kB" | "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// A configuration file is small: one larger than this is refused.
const MAX_CONFIG_SIZE: u64 = 1 << 20;

/// The text of a configuration file: a regular file (an `extend` that names
/// a FIFO or a device would block or never end), of at most
/// [`MAX_CONFIG_SIZE`] bytes, in UTF-8.
fn read_config_text(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_file() {
        return Err("cannot read it: not a regular file".to_string());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_CONFIG_SIZE {
        return Err(format!(
            "cannot read it: larger than {} (a configuration file is small)",
            crate::linter::format_size(MAX_CONFIG_SIZE)
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "cannot read it: not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads a configuration file and the ones it extends.
pub fn load_config(path: &Path) -> Result<Config, Vec<ConfigError>> {
    load_config_with(path, &read_config_text)
}

/// [`load_config`] with the files read by `read`, which gives a file's
/// text or why it cannot (tests and fuzzing read from memory).
pub fn load_config_with(
    path: &Path,
    read: &dyn Fn(&Path) -> Result<String, String>,
) -> Result<Config, Vec<ConfigError>> {
    load_chain(path, &mut Vec::new(), read)
}

fn load_chain(
    path: &Path,
    seen: &mut Vec<PathBuf>,
    read: &dyn Fn(&Path) -> Result<String, String>,
) -> Result<Config, Vec<ConfigError>> {
    let text = read(path).map_err(|message| {
        vec![ConfigError {
            file: SourceFile::new(path, String::new()),
            span: None,
            message,
        }]
    })?;
    let file = SourceFile::new(path, text);
    let mut ck = Checker {
        file: &file,
        errors: Vec::new(),
    };
    let raw: RawConfig = match toml::from_str(&file.text) {
        Ok(r) => r,
        Err(e) => {
            ck.error(e.span(), e.message().to_string());
            return Err(ck.errors);
        }
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut options = match &raw.extend {
        Some(ext) => {
            let target = normalize(&dir.join(ext.get_ref()));
            if seen.contains(&target) {
                ck.error(Some(ext.span()), "`extend` makes a cycle");
                Options::default()
            } else {
                seen.push(path.to_path_buf());
                match load_chain(&target, seen, read) {
                    Ok(base) => base.options,
                    Err(mut errs) => {
                        if errs.iter().all(|e| e.file.text.is_empty()) {
                            let why = errs
                                .first()
                                .map(|e| e.message.trim_start_matches("cannot read it: "))
                                .unwrap_or_default();
                            ck.error(
                                Some(ext.span()),
                                format!("cannot read `{}`: {why}", ext.get_ref()),
                            );
                        } else {
                            ck.errors.append(&mut errs);
                        }
                        Options::default()
                    }
                }
            }
        }
        None => Options::default(),
    };
    if let Some(list) = &raw.select {
        options.select = Some(ck.selectors(list));
    }
    if let Some(list) = &raw.ignore {
        // Ignores add up along `extend` (as `extend-select` does); `select`
        // and the other keys replace what the extended file says.
        let more = ck.selectors(list);
        options.ignore.extend(more);
    }
    if let Some(list) = &raw.extend_select {
        let more = ck.selectors(list);
        options.extend_select.extend(more);
    }
    if let Some(map) = &raw.per_file_ignores {
        for (pattern, list) in map {
            let selectors = ck.selectors(list);
            match Glob::new(pattern) {
                Ok(g) => options.per_file_ignores.push(PerFileIgnore {
                    dir: dir.clone(),
                    pattern: pattern.clone(),
                    matcher: g.compile_matcher(),
                    selectors,
                }),
                Err(e) => ck.error(
                    None,
                    format!("per-file-ignores: invalid glob `{pattern}`: {e}"),
                ),
            }
        }
    }
    if let Some(map) = &raw.severity {
        for (rule, level) in map {
            let Some(meta) = registry::by_code_or_name(rule) else {
                ck.error(
                    Some(level.span()),
                    format!("[severity]: `{rule}` is not a rule code or name"),
                );
                continue;
            };
            match Severity::parse(level.get_ref()) {
                Some(s) => {
                    options.severity.insert(meta.code, s);
                }
                None => ck.error(
                    Some(level.span()),
                    format!(
                        "[severity]: `{}` is not error, warning or info",
                        level.get_ref()
                    ),
                ),
            }
        }
    }
    if let Some(level) = &raw.fail_level {
        match FailLevel::parse(level.get_ref()) {
            Some(f) => options.fail_level = Some(f),
            None => ck.error(
                Some(level.span()),
                format!(
                    "fail-level: `{}` is not error, warning, info or never",
                    level.get_ref()
                ),
            ),
        }
    }
    if let Some(list) = &raw.trusted_registries {
        options.trusted_registries = Some(list.iter().map(|s| s.get_ref().clone()).collect());
    }
    if let Some(list) = &raw.allowed_capabilities {
        options.allowed_capabilities = Some(list.iter().map(|s| s.get_ref().clone()).collect());
    }
    if let Some(date) = &raw.as_of {
        if is_date(date.get_ref()) {
            options.as_of = Some(date.get_ref().clone());
        } else {
            ck.error(
                Some(date.span()),
                format!("as-of: `{}` is not a date (YYYY-MM-DD)", date.get_ref()),
            );
        }
    }
    if let Some(size) = &raw.max_file_size {
        match parse_size(size.get_ref()) {
            Some(n) if n > 0 && n <= dockhard_parser::span::MAX_SOURCE_LEN as u64 => {
                options.max_file_size = Some(n);
            }
            Some(_) => ck.error(
                Some(size.span()),
                "max-file-size: must be at least 1 byte and under 4 GiB",
            ),
            None => ck.error(
                Some(size.span()),
                "max-file-size: not a size (a number of bytes, or a number with B, KiB, MiB, GiB, kB, MB or GB)",
            ),
        }
    }
    if ck.errors.is_empty() {
        Ok(Config {
            path: path.to_path_buf(),
            dir,
            options,
        })
    } else {
        Err(ck.errors)
    }
}

/// What the command line adds to (or overrides in) a configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Option<Vec<Selector>>,
    pub extend_select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub allowed_capabilities: Vec<String>,
    /// `--as-of`: wins over the file's `as-of`.
    pub as_of: Option<String>,
    /// `--eol-data`: tables read at run time.
    pub data: Option<std::sync::Arc<crate::data::DataSet>>,
}

impl Config {
    /// Settings for one linted file (`path` as the file system sees it).
    pub fn settings_for(&self, path: &Path, cli: &Overrides) -> Settings {
        settings(Some(self), path, cli)
    }
}

/// The `per-file-ignores` entries of `config` that match `path`, by index:
/// files with the same configuration and the same matching entries have the
/// same settings.
pub fn matching_per_file_ignores(config: Option<&Config>, path: &Path) -> Vec<usize> {
    let Some(c) = config else {
        return Vec::new();
    };
    c.options
        .per_file_ignores
        .iter()
        .enumerate()
        .filter(|(_, entry)| {
            let relative = path.strip_prefix(&entry.dir).unwrap_or(path);
            entry.matcher.is_match(relative)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Settings for a file under `config` (or none), with the command line on top.
pub fn settings(config: Option<&Config>, path: &Path, cli: &Overrides) -> Settings {
    let options = config.map(|c| &c.options);
    let select = cli
        .select
        .clone()
        .or_else(|| options.and_then(|o| o.select.clone()))
        .unwrap_or_default();
    let mut extend = options.map(|o| o.extend_select.clone()).unwrap_or_default();
    extend.extend(cli.extend_select.iter().cloned());
    let mut ignore = options.map(|o| o.ignore.clone()).unwrap_or_default();
    ignore.extend(cli.ignore.iter().cloned());
    if let Some(c) = config {
        for i in matching_per_file_ignores(config, path) {
            ignore.extend(c.options.per_file_ignores[i].selectors.iter().cloned());
        }
    }
    let severity = options.map(|o| o.severity.clone()).unwrap_or_default();
    let mut settings = Settings::from_selectors(&select, &extend, &ignore, &severity);
    let mut caps = options
        .and_then(|o| o.allowed_capabilities.clone())
        .unwrap_or_default();
    caps.extend(cli.allowed_capabilities.iter().cloned());
    settings.allowed_capabilities = caps;
    settings.trusted_registries = options.and_then(|o| o.trusted_registries.clone());
    settings.as_of = cli
        .as_of
        .clone()
        .or_else(|| options.and_then(|o| o.as_of.clone()));
    settings.data = cli.data.clone();
    if let Some(n) = options.and_then(|o| o.max_file_size) {
        settings.max_file_size = n;
    }
    settings
}

/// The configuration that applies to files in `dir`: the closest
/// `dockhard.toml` or `.dockhard.toml` in it or above it.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    let mut current = Some(dir);
    while let Some(d) = current {
        if let Some(found) = config_in(d) {
            return Some(found);
        }
        current = d.parent();
    }
    None
}

/// The configuration file in `dir` itself, if there is one.
pub fn config_in(dir: &Path) -> Option<PathBuf> {
    CONFIG_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let d =
                std::env::temp_dir().join(format!("dockhard-config-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d).expect("temp dir");
            Dir(d)
        }

        fn write(&self, rel: &str, text: &str) -> PathBuf {
            let p = self.0.join(rel);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("dir");
            }
            std::fs::write(&p, text).expect("write");
            p
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn keys_and_per_file_ignores() {
        let d = Dir::new("keys");
        let path = d.write(
            "dockhard.toml",
            "select = [\"all\"]\nignore = [\"DH101\"]\nfail-level = \"error\"\nallowed-capabilities = [\"NET_ADMIN\"]\nas-of = \"2026-01-31\"\n[severity]\nroot-user = \"error\"\n[per-file-ignores]\n\"test/**\" = [\"privilege\"]\n",
        );
        let config = load_config(&path).expect("valid");
        assert_eq!(
            config.options.fail_level,
            Some(FailLevel::At(Severity::Error))
        );
        let main = config.settings_for(&d.0.join("app/Dockerfile"), &Overrides::default());
        assert!(main.is_enabled("DH102"));
        assert!(!main.is_enabled("DH101"));
        assert!(main.is_enabled("DH402") || crate::registry::by_code("DH402").is_none());
        assert_eq!(main.severity_of("DH100"), Some(Severity::Error));
        assert_eq!(main.allowed_capabilities, ["NET_ADMIN"]);
        let test =
            config.settings_for(&d.0.join("test/fixtures/Dockerfile"), &Overrides::default());
        assert!(!test.is_enabled("DH100"));
        assert!(test.is_enabled("DH200"));
    }

    #[test]
    fn command_line_wins() {
        let d = Dir::new("cli");
        let path = d.write("dockhard.toml", "select = [\"DH100\"]\n");
        let config = load_config(&path).expect("valid");
        let cli = Overrides {
            select: Some(vec![Selector::parse("DH104").expect("sel")]),
            ..Overrides::default()
        };
        let s = config.settings_for(&d.0.join("Dockerfile"), &cli);
        assert!(s.is_enabled("DH104"));
        assert!(!s.is_enabled("DH100"));
    }

    #[test]
    fn extend_inherits() {
        let d = Dir::new("extend");
        d.write(
            "base.toml",
            "ignore = [\"DH101\"]\n[severity]\nDH100 = \"info\"\n[per-file-ignores]\n\"sub/legacy/*\" = [\"DH102\"]\n",
        );
        let path = d.write(
            "sub/dockhard.toml",
            "extend = \"../base.toml\"\nextend-select = [\"DH007\"]\n",
        );
        let config = load_config(&path).expect("valid");
        let s = config.settings_for(&d.0.join("sub/Dockerfile"), &Overrides::default());
        assert!(!s.is_enabled("DH101"));
        assert!(s.is_enabled("DH007"));
        assert_eq!(s.severity_of("DH100"), Some(Severity::Info));
        // The base's glob matches from the base's own directory.
        let legacy = config.settings_for(&d.0.join("sub/legacy/Dockerfile"), &Overrides::default());
        assert!(!legacy.is_enabled("DH102"));
        assert!(s.is_enabled("DH102"));
    }

    #[test]
    fn errors_point_into_the_toml() {
        let d = Dir::new("errors");
        for (text, needle, at) in [
            (
                "select = [\"DH1OO\"]\n",
                "unknown rule selector",
                "\"DH1OO\"",
            ),
            (
                "fail-level = \"sometimes\"\n",
                "fail-level",
                "\"sometimes\"",
            ),
            ("unknown-key = 1\n", "unknown field", "unknown-key"),
            ("as-of = \"yesterday\"\n", "as-of", "\"yesterday\""),
            (
                "[severity]\nDH100 = \"fatal\"\n",
                "not error, warning or info",
                "\"fatal\"",
            ),
            ("select = [\n", "", ""),
            ("max-file-size = \"ten\"\n", "max-file-size", "\"ten\""),
            ("max-file-size = 0\n", "max-file-size", "0"),
            ("max-file-size = \"5 GiB\"\n", "max-file-size", "\"5 GiB\""),
        ] {
            let path = d.write("dockhard.toml", text);
            let errors = load_config(&path).expect_err(text);
            let e = &errors[0];
            assert!(e.message.contains(needle), "{text}: {}", e.message);
            if !at.is_empty() {
                let span = e.span.clone().expect("span");
                assert_eq!(&text[span], at, "{text}");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_configuration_that_is_not_a_regular_file_is_refused() {
        let d = Dir::new("special-config");
        for target in ["/dev/zero", "/dev/null"] {
            let path = d.write("dockhard.toml", &format!("extend = \"{target}\"\n"));
            let errors = load_config(&path).expect_err(target);
            assert!(
                errors[0].message.contains("not a regular file"),
                "{}",
                errors[0].message
            );
        }
        let path = d.write("big.toml", &format!("# {}\n", "x".repeat(2 << 20)));
        let errors = load_config(&path).expect_err("too large");
        assert!(
            errors[0].message.contains("larger than 1 MiB"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn max_file_size_takes_bytes_or_units_and_extends() {
        let d = Dir::new("size");
        for (text, bytes) in [
            ("max-file-size = 1024\n", 1024),
            ("max-file-size = \"512 KiB\"\n", 512 * 1024),
            ("max-file-size = \"20MiB\"\n", 20 << 20),
            ("max-file-size = \"1 MB\"\n", 1_000_000),
        ] {
            let path = d.write("dockhard.toml", text);
            let config = load_config(&path).expect(text);
            let s = config.settings_for(&d.0.join("Dockerfile"), &Overrides::default());
            assert_eq!(s.max_file_size, bytes, "{text}");
        }
        d.write("base.toml", "max-file-size = \"1 KiB\"\n");
        let path = d.write("sub/dockhard.toml", "extend = \"../base.toml\"\n");
        let config = load_config(&path).expect("valid");
        let s = config.settings_for(&d.0.join("sub/Dockerfile"), &Overrides::default());
        assert_eq!(s.max_file_size, 1024);
        assert_eq!(
            Settings::default().max_file_size,
            crate::linter::MAX_FILE_SIZE as u64
        );
    }

    #[test]
    fn finds_the_closest_file() {
        let d = Dir::new("find");
        d.write("dockhard.toml", "");
        d.write("a/.dockhard.toml", "");
        assert_eq!(
            find_config(&d.0.join("a/b")),
            Some(d.0.join("a/.dockhard.toml"))
        );
        assert_eq!(find_config(&d.0.join("c")), Some(d.0.join("dockhard.toml")));
    }
}
