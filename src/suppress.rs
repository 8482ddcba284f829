//! In-source suppressions: `# steward: ignore[rule-a, rule-b] reason` at the end
//! of the finding's line, or alone on the line directly above it.

use crate::finding::{Diagnostic, Location};
use crate::load::yaml::Comment;
use crate::source::{FileId, SourceFile, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub file: FileId,
    /// The comment, for `unused-ignore` findings.
    pub span: Span,
    /// The 1-based line whose findings it suppresses.
    pub target_line: usize,
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

/// Parses `steward: ignore[a, b] reason` from a comment's text (after `#`).
pub fn parse_comment(text: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = text.trim_start().strip_prefix("steward:")?.trim_start();
    let rest = rest.strip_prefix("ignore")?.trim_start();
    let rest = rest.strip_prefix('[')?;
    let (inside, after) = rest.split_once(']')?;
    let rules: Vec<String> = inside
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let reason = after.trim();
    let reason = (!reason.is_empty()).then(|| reason.to_string());
    Some((rules, reason))
}

/// Finds the suppression comments of one file.
pub fn collect(file_id: FileId, file: &SourceFile, comments: &[Comment]) -> Vec<Suppression> {
    let mut out = Vec::new();
    for comment in comments {
        let Some((rules, reason)) = parse_comment(&comment.text) else {
            continue;
        };
        let at = file.line_col(comment.span.start);
        let alone = file
            .line_span(at.line)
            .and_then(|line| file.text.get(line.start..comment.span.start))
            .is_some_and(|before| before.trim().is_empty());
        out.push(Suppression {
            file: file_id,
            span: comment.span,
            target_line: if alone { at.line + 1 } else { at.line },
            rules,
            reason,
        });
    }
    out
}

/// A suppression comment's reason, recorded on findings it suppresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub justification: Option<String>,
}

/// Tracks which suppressions were used while findings are matched.
pub struct Suppressions {
    entries: Vec<(Suppression, Vec<bool>)>,
}

impl Suppressions {
    pub fn new(list: Vec<Suppression>) -> Self {
        Suppressions {
            entries: list
                .into_iter()
                .map(|s| {
                    let used = vec![false; s.rules.len()];
                    (s, used)
                })
                .collect(),
        }
    }

    /// Whether a finding of `rule` at `file:line` is suppressed; marks the match used.
    pub fn matches(&mut self, file: FileId, line: usize, rule: &str) -> Option<Suppressed> {
        for (s, used) in &mut self.entries {
            if s.file != file || s.target_line != line {
                continue;
            }
            if let Some(i) = s.rules.iter().position(|r| r == rule) {
                used[i] = true;
                return Some(Suppressed {
                    justification: s.reason.clone(),
                });
            }
        }
        None
    }

    /// `unused-ignore` diagnostics for rule ids that suppressed nothing.
    pub fn unused(
        &self,
        is_known: impl Fn(&str) -> bool,
        is_enabled: impl Fn(&str) -> bool,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (s, used) in &self.entries {
            let location = Location::span(s.file, s.span);
            if s.rules.is_empty() {
                out.push(
                    Diagnostic::new(location.clone(), "suppression names no rule")
                        .label("empty `ignore[]`")
                        .help("name the rules to suppress: `# steward: ignore[rule-id] reason`"),
                );
                continue;
            }
            for (rule, was_used) in s.rules.iter().zip(used) {
                if *was_used {
                    continue;
                }
                let (message, help) = if !is_known(rule) {
                    (
                        format!("suppression names unknown rule `{rule}`"),
                        "run `steward rules` for the rule ids".to_string(),
                    )
                } else if !is_enabled(rule) {
                    (
                        format!("suppression of `{rule}` is unused: the rule is off in the active policy"),
                        format!("remove `{rule}` from this comment"),
                    )
                } else {
                    (
                        format!(
                            "suppression of `{rule}` is unused: no `{rule}` finding on line {}",
                            s.target_line
                        ),
                        format!("remove `{rule}` from this comment"),
                    )
                };
                out.push(
                    Diagnostic::new(location.clone(), message)
                        .label("suppresses nothing")
                        .help(help),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_reason() {
        assert_eq!(
            parse_comment(" steward: ignore[a, b-c] we know"),
            Some((vec!["a".into(), "b-c".into()], Some("we know".into())))
        );
        assert_eq!(
            parse_comment(" steward:ignore[a]"),
            Some((vec!["a".into()], None))
        );
        assert_eq!(parse_comment(" something else"), None);
        assert_eq!(parse_comment(" steward: ignore a"), None);
    }
}
