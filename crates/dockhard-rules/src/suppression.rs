//! `# dockhard ignore=DH201,no-new-privileges -- reason` comments.
//!
//! In a Dockerfile, a suppression on its own line applies to the next
//! instruction; in YAML, to the next key and everything under it, or, as a
//! trailing comment, to the key (or list item) on its line and everything
//! under it. `# dockhard global ignore=...` applies to the whole file. A code
//! that suppresses nothing is DH004 at that code; a code or name that names
//! no rule is DH005.

use std::sync::Arc;

use dockhard_parser::{Dockerfile, Span};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::registry;
use crate::rule::RuleMeta;
use crate::rules::meta::{dh004_unused_suppression, dh005_unknown_rule, dh007_suppression_reason};
use crate::settings::Settings;

/// One code (or rule name) of a suppression comment.
#[derive(Clone, Debug)]
pub struct SuppressedCode {
    pub written: String,
    pub span: Span,
    pub rule: Option<&'static RuleMeta>,
}

#[derive(Clone, Debug)]
pub struct Suppression {
    pub comment: Span,
    pub codes: Vec<SuppressedCode>,
    pub reason: Option<String>,
    /// `None`: the whole file.
    pub scope: Option<Span>,
}

/// Parses the text of a comment (from `#` on, at `start` in the file).
fn parse_comment(text: &str, start: u32) -> Option<(bool, Vec<SuppressedCode>, Option<String>)> {
    let body = text.strip_prefix('#')?;
    let trimmed = body.trim_start();
    let mut offset = start + 1 + (body.len() - trimmed.len()) as u32;
    let rest = trimmed.strip_prefix("dockhard")?;
    offset += "dockhard".len() as u32;
    let after = rest.trim_start();
    offset += (rest.len() - after.len()) as u32;
    let (global, after) = match after.strip_prefix("global") {
        Some(r) => {
            let t = r.trim_start();
            offset += ("global".len() + r.len() - t.len()) as u32;
            (true, t)
        }
        None => (false, after),
    };
    let list = after.strip_prefix("ignore")?;
    offset += "ignore".len() as u32;
    let t = list.trim_start();
    offset += (list.len() - t.len()) as u32;
    let t2 = t.strip_prefix('=')?;
    offset += 1;
    let (codes_text, reason) = match t2.split_once("--") {
        Some((c, r)) => (c, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
        // Another `#` ends the codes: a comment after the comment.
        None => (t2.split('#').next().unwrap_or(t2), None),
    };
    let mut codes = Vec::new();
    let mut at = 0usize;
    for piece in codes_text.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let word = piece.trim();
        if !word.is_empty() {
            let s = offset + (at + lead) as u32;
            codes.push(SuppressedCode {
                written: word.to_string(),
                span: Span::new(s, s + word.len() as u32),
                rule: registry::by_code_or_name(word),
            });
        }
        at += piece.len() + 1;
    }
    (!codes.is_empty()).then_some((global, codes, reason))
}

/// The suppressions of a parsed Dockerfile (`text` is its source).
pub fn dockerfile_suppressions(df: &Dockerfile, text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in &df.comments {
        let Some((global, codes, reason)) = parse_comment(c.span.slice(text), c.span.start) else {
            continue;
        };
        let scope = if global {
            None
        } else {
            // Inside a continuation: the instruction around it; else the next.
            let target = df
                .instructions
                .iter()
                .find(|i| i.span.start <= c.span.start && c.span.end <= i.span.end)
                .or_else(|| df.instructions.iter().find(|i| i.span.start > c.span.end));
            match target {
                Some(i) => Some(i.span),
                None => Some(Span::empty_at(c.span.end)),
            }
        };
        out.push(Suppression {
            comment: c.span,
            codes,
            reason,
            scope,
        });
    }
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The byte range of the YAML node that starts on the line at `line_start`:
/// that line and the following lines indented deeper (or, for a key whose
/// value is a block sequence at the same indentation, its `- ` items).
fn yaml_subtree(text: &str, line_start: usize) -> Span {
    let first_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let first = &text[line_start..first_end];
    let indent = indent_of(first);
    let is_key = !first.trim_start().starts_with("- ");
    let mut end = first_end;
    let mut pos = (first_end + 1).min(text.len());
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            pos = line_end + 1;
            continue;
        }
        let i = indent_of(line);
        let same_level_item = is_key && i == indent && line.trim_start().starts_with("- ");
        if i > indent || same_level_item {
            end = line_end;
            pos = line_end + 1;
        } else {
            break;
        }
    }
    Span::from_range(line_start..end)
}

/// The suppressions of a YAML file.
pub fn yaml_suppressions(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in dockhard_parser::yaml::comments(text) {
        let Some((global, codes, reason)) = parse_comment(c.span.slice(text), c.span.start) else {
            continue;
        };
        let scope = if global {
            None
        } else {
            let line_start = text[..c.span.start as usize]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            if c.own_line {
                // The next line with content.
                let mut pos = (c.span.end as usize + 1).min(text.len());
                let mut found = None;
                while pos < text.len() {
                    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
                    let t = text[pos..end].trim();
                    if !t.is_empty() && !t.starts_with('#') {
                        found = Some(pos);
                        break;
                    }
                    pos = end + 1;
                }
                Some(match found {
                    Some(p) => yaml_subtree(text, p),
                    None => Span::empty_at(c.span.end),
                })
            } else {
                Some(yaml_subtree(text, line_start))
            }
        };
        out.push(Suppression {
            comment: c.span,
            codes,
            reason,
            scope,
        });
    }
    out
}

/// The line around `offset`: from its start to its end (without the
/// line break).
fn line_at(text: &str, offset: usize) -> Span {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    Span::from_range(start..end)
}

/// Suppressions in a command-line input: a comment on its own line applies
/// to the next line with content and to every command that starts on it
/// (across its continuation lines); a comment inside a command, or after
/// one on its line, to that command. `comments` are the comment spans
/// (from `#` or `;` on), `commands` the spans of the commands found.
pub fn command_line_suppressions(
    text: &str,
    comments: &[Span],
    commands: &[Span],
) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in comments {
        let written = c.slice(text);
        // systemd's `;` comments: read them as `#` ones.
        let normalized;
        let written = match written.strip_prefix(';') {
            Some(rest) => {
                normalized = format!("#{rest}");
                normalized.as_str()
            }
            None => written,
        };
        let Some((global, codes, reason)) = parse_comment(written, c.start) else {
            continue;
        };
        let scope = if global {
            None
        } else {
            let line = line_at(text, c.start as usize);
            let before = text
                .get(line.start as usize..c.start as usize)
                .unwrap_or("");
            let own_line = before.trim().is_empty();
            let around: Vec<Span> = commands
                .iter()
                .copied()
                .filter(|cmd| {
                    if own_line {
                        cmd.start < c.start && c.end <= cmd.end
                    } else {
                        cmd.start <= line.end && line.start <= cmd.end
                    }
                })
                .collect();
            if let Some(first) = around.first() {
                Some(around.iter().fold(*first, |a, b| a.cover(*b)).cover(line))
            } else if own_line {
                // The next line with content (comment lines skipped).
                let mut pos = (line.end as usize + 1).min(text.len());
                let mut next = None;
                while pos < text.len() {
                    let l = line_at(text, pos);
                    let t = l.slice(text).trim();
                    if !t.is_empty() && !t.starts_with('#') && !t.starts_with(';') {
                        next = Some(l);
                        break;
                    }
                    pos = l.end as usize + 1;
                }
                Some(match next {
                    Some(l) => commands
                        .iter()
                        .filter(|cmd| l.start <= cmd.start && cmd.start <= l.end)
                        .fold(l, |a, b| a.cover(*b)),
                    None => Span::empty_at(c.end),
                })
            } else {
                Some(line)
            }
        };
        out.push(Suppression {
            comment: *c,
            codes,
            reason,
            scope,
        });
    }
    out
}

fn covers(s: &Suppression, d: &Diagnostic) -> bool {
    let in_scope = match s.scope {
        None => true,
        Some(scope) => scope.start <= d.span.start && d.span.start <= scope.end,
    };
    in_scope
        && s.codes
            .iter()
            .any(|c| c.rule.is_some_and(|r| r.code == d.code))
}

fn meta_diagnostic(
    rule: &'static RuleMeta,
    settings: &Settings,
    file: &Arc<SourceFile>,
    span: Span,
    message: String,
    help: &str,
) -> Option<Diagnostic> {
    let severity = settings.severity_of(rule.code)?;
    Some(Diagnostic {
        help: Some(help.to_string()),
        ..Diagnostic::new(rule, file, span, severity, message)
    })
}

/// Removes suppressed diagnostics of `files` and reports unused and unknown
/// suppression codes (and, when asked, suppressions without a reason).
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    files: &[(Arc<SourceFile>, Vec<Suppression>)],
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut used: Vec<Vec<Vec<bool>>> = files
        .iter()
        .map(|(_, ss)| ss.iter().map(|s| vec![false; s.codes.len()]).collect())
        .collect();
    let mut kept = Vec::with_capacity(diagnostics.len());
    'outer: for d in diagnostics {
        for (fi, (file, suppressions)) in files.iter().enumerate() {
            if !Arc::ptr_eq(file, &d.file) && file.path != d.file.path {
                continue;
            }
            let mut hit = false;
            for (si, s) in suppressions.iter().enumerate() {
                if covers(s, &d) {
                    for (ci, c) in s.codes.iter().enumerate() {
                        if c.rule.is_some_and(|r| r.code == d.code) {
                            used[fi][si][ci] = true;
                        }
                    }
                    hit = true;
                }
            }
            if hit {
                continue 'outer;
            }
        }
        kept.push(d);
    }
    for (fi, (file, suppressions)) in files.iter().enumerate() {
        for (si, s) in suppressions.iter().enumerate() {
            for (ci, c) in s.codes.iter().enumerate() {
                match c.rule {
                    None => kept.extend(meta_diagnostic(
                        &dh005_unknown_rule::UNKNOWN_RULE,
                        settings,
                        file,
                        c.span,
                        format!("`{}` is not a dockhard rule code or name", c.written),
                        "use a code such as `DH100` or a name such as `root-user` (see `dockhard rules`)",
                    )),
                    Some(rule) if !used[fi][si][ci] && settings.is_enabled(rule.code) => {
                        kept.extend(meta_diagnostic(
                            &dh004_unused_suppression::UNUSED_SUPPRESSION,
                            settings,
                            file,
                            c.span,
                            format!("suppression of {} ({}) suppresses nothing", rule.code, rule.name),
                            "remove it: nothing here triggers the rule",
                        ))
                    }
                    Some(_) => {}
                }
            }
            if s.reason.is_none() {
                kept.extend(meta_diagnostic(
                    &dh007_suppression_reason::SUPPRESSION_REASON,
                    settings,
                    file,
                    s.comment,
                    "suppression without a reason".to_string(),
                    "say why after `--`: `# dockhard ignore=DH100 -- runs as root to bind port 53`",
                ));
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_names_and_reasons() {
        let text = "# dockhard ignore=DH100, no-new-privileges,BOGUS -- legacy base image";
        let (global, codes, reason) = parse_comment(text, 10).expect("a suppression");
        assert!(!global);
        let written: Vec<&str> = codes.iter().map(|c| c.written.as_str()).collect();
        assert_eq!(written, ["DH100", "no-new-privileges", "BOGUS"]);
        assert_eq!(codes[1].rule.map(|r| r.code), Some("DH105"));
        assert!(codes[2].rule.is_none());
        assert_eq!(reason.as_deref(), Some("legacy base image"));
        // Spans point at each code in the file.
        let file = format!("{}{text}", " ".repeat(10));
        assert_eq!(codes[1].span.slice(&file), "no-new-privileges");
        let (global, codes, reason) =
            parse_comment("#dockhard global ignore = DH101", 0).expect("global");
        assert!(global);
        assert_eq!(codes.len(), 1);
        assert!(reason.is_none());
        assert!(parse_comment("# hadolint ignore=DL3006", 0).is_none());
        assert!(parse_comment("# dockhard ignore=", 0).is_none());
    }

    #[test]
    fn yaml_scopes() {
        let text = "services:\n  # dockhard ignore=DH104 -- needs /dev\n  agent:\n    image: a\n    privileged: true\n  web:\n    privileged: true  # dockhard ignore=DH104\n    cap_add:  # dockhard ignore=DH107\n    - SYS_ADMIN\n    image: b\n";
        let s = yaml_suppressions(text);
        assert_eq!(s.len(), 3);
        let scope = s[0].scope.expect("scoped");
        assert!(scope.slice(text).starts_with("  agent:"));
        assert!(scope.slice(text).ends_with("privileged: true"));
        assert!(!scope.slice(text).contains("web"));
        assert_eq!(
            s[1].scope.expect("scoped").slice(text),
            "    privileged: true  # dockhard ignore=DH104"
        );
        assert!(
            s[2].scope
                .expect("scoped")
                .slice(text)
                .ends_with("- SYS_ADMIN")
        );
    }
}
