//! Which rules run, at which severity: rule selectors as ruff has them.

use std::collections::HashMap;

use crate::diagnostic::Severity;
use crate::registry::{self, RULES};
use crate::rule::{Category, RuleMeta};

/// A rule selector: `all`, a category, a code prefix (`DH1`), a code or a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let s = text.trim();
        let sel = Selector(s.to_string());
        if sel.specificity().is_some() {
            Ok(sel)
        } else {
            Err(SelectorError {
                selector: s.to_string(),
                suggestion: registry::suggest(s),
            })
        }
    }

    /// How specific the selector is, if it names anything: `all` < category <
    /// shorter prefix < longer prefix < a single rule.
    fn specificity(&self) -> Option<u32> {
        let s = self.0.as_str();
        if s.eq_ignore_ascii_case("all") {
            return Some(0);
        }
        if Category::ALL
            .iter()
            .any(|c| c.as_str().eq_ignore_ascii_case(s))
        {
            return Some(1);
        }
        if registry::by_code_or_name(s).is_some() {
            return Some(100);
        }
        let upper = s.to_ascii_uppercase();
        if upper.len() >= 2
            && upper.starts_with("DH")
            && RULES.iter().any(|r| r.code.starts_with(&upper))
        {
            return Some(1 + upper.len() as u32);
        }
        None
    }

    fn matches(&self, rule: &RuleMeta) -> bool {
        let s = self.0.as_str();
        s.eq_ignore_ascii_case("all")
            || rule.category.as_str().eq_ignore_ascii_case(s)
            || rule.name.eq_ignore_ascii_case(s)
            || rule.code.starts_with(&s.to_ascii_uppercase())
    }
}

/// A selector that names no rule, code prefix or category.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule selector `{selector}`{}", suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
pub struct SelectorError {
    pub selector: String,
    pub suggestion: Option<&'static str>,
}

/// The resolved settings of a run.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Effective severity of each enabled rule, by code.
    enabled: HashMap<&'static str, Severity>,
    /// Rules whose severity the user set.
    overridden: Vec<&'static str>,
    /// Capabilities DH107 accepts in `cap_add` (normalised names).
    pub allowed_capabilities: Vec<String>,
    /// Registries images may come from (DH403); `None`: not configured.
    pub trusted_registries: Option<Vec<String>>,
    /// The date end-of-life is judged against (`YYYY-MM-DD`); `None`: today.
    pub as_of: Option<String>,
    /// Reference tables read at run time (`--eol-data`); `None`: the
    /// tables compiled in.
    pub data: Option<std::sync::Arc<crate::data::DataSet>>,
    /// Files larger than this many bytes are not read (DH006).
    pub max_file_size: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_selectors(&[], &[], &[], &HashMap::new())
    }
}

impl Settings {
    /// The reference tables rules judge against.
    pub fn data(&self) -> &crate::data::DataSet {
        match &self.data {
            Some(d) => d,
            None => crate::data::DataSet::builtin(),
        }
    }

    /// The date end-of-life is judged against: `as-of`, else today.
    pub fn as_of_date(&self) -> crate::data::Date {
        self.as_of
            .as_deref()
            .and_then(crate::data::Date::parse)
            .unwrap_or_else(crate::data::Date::today)
    }

    /// Rules enabled by `select` (default: the rules on by default), plus
    /// `extend_select`, minus `ignore`; the most specific selector wins, and
    /// `ignore` wins over a select of equal specificity.
    pub fn from_selectors(
        select: &[Selector],
        extend_select: &[Selector],
        ignore: &[Selector],
        severities: &HashMap<&'static str, Severity>,
    ) -> Settings {
        let mut enabled = HashMap::new();
        let mut overridden = Vec::new();
        for rule in RULES {
            let best_on = select
                .iter()
                .chain(extend_select)
                .filter(|s| s.matches(rule))
                .filter_map(Selector::specificity)
                .max();
            let best_off = ignore
                .iter()
                .filter(|s| s.matches(rule))
                .filter_map(Selector::specificity)
                .max();
            let on = match (best_on, best_off) {
                (Some(on), Some(off)) => on > off,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => select.is_empty() && rule.default_severity.is_some(),
            };
            if on {
                let configured = severities.get(rule.code).copied();
                if configured.is_some() {
                    overridden.push(rule.code);
                }
                let severity = configured
                    .or(rule.default_severity)
                    .unwrap_or(Severity::Warning);
                enabled.insert(rule.code, severity);
            }
        }
        Settings {
            enabled,
            overridden,
            allowed_capabilities: Vec::new(),
            trusted_registries: None,
            as_of: None,
            data: None,
            max_file_size: crate::linter::MAX_FILE_SIZE as u64,
        }
    }

    /// Only the given rules (by code), at their default severity.
    pub fn only(codes: &[&str]) -> Settings {
        let selectors: Vec<Selector> = codes.iter().map(|c| Selector(c.to_string())).collect();
        Settings::from_selectors(&selectors, &[], &[], &HashMap::new())
    }

    pub fn severity_of(&self, code: &str) -> Option<Severity> {
        self.enabled.get(code).copied()
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.contains_key(code)
    }

    /// Whether the user set this rule's severity.
    pub fn severity_is_overridden(&self, code: &str) -> bool {
        self.overridden.contains(&code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(list: &[&str]) -> Vec<Selector> {
        list.iter()
            .map(|s| Selector::parse(s).expect("valid"))
            .collect()
    }

    #[test]
    fn defaults_exclude_off_rules() {
        let s = Settings::default();
        assert!(s.is_enabled("DH100"));
        for rule in RULES {
            assert_eq!(s.is_enabled(rule.code), rule.default_severity.is_some());
        }
    }

    #[test]
    fn specific_selectors_win() {
        let none = HashMap::new();
        let s = Settings::from_selectors(&sel(&["DH1"]), &[], &sel(&["root-user"]), &none);
        assert!(!s.is_enabled("DH100"));
        assert!(s.is_enabled("DH102"));
        assert!(!s.is_enabled("DH700"));
        let s = Settings::from_selectors(&sel(&["DH100"]), &[], &sel(&["privilege"]), &none);
        assert!(s.is_enabled("DH100"));
        assert!(!s.is_enabled("DH102"));
        // Equal specificity: ignore wins.
        let s = Settings::from_selectors(&sel(&["DH100"]), &[], &sel(&["dh100"]), &none);
        assert!(!s.is_enabled("DH100"));
    }

    #[test]
    fn unknown_selectors_are_errors_with_suggestions() {
        let err = Selector::parse("root-usr").expect_err("unknown");
        assert_eq!(err.suggestion, Some("root-user"));
        assert!(Selector::parse("DH9999").is_err());
        assert!(Selector::parse("all").is_ok());
    }

    #[test]
    fn severity_overrides() {
        let mut sev = HashMap::new();
        sev.insert("DH100", Severity::Error);
        let s = Settings::from_selectors(&[], &[], &[], &sev);
        assert_eq!(s.severity_of("DH100"), Some(Severity::Error));
    }
}
