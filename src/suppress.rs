//! In-source suppressions: `# steward: ignore[rule-a, rule-b(person)] reason`
//! at the end of the finding's line, or alone on the line directly above it.
//! A finding whose node is a block collection under a key (`roster:` with
//! `- a` below) may also be suppressed on the key's line.
//!
//! `rule(person)` (or `rule(a, b)`) scopes a suppression to findings about
//! those people; an unscoped one that hides findings about several people is
//! a `broad-ignore` finding, since it hides more than one decision.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::finding::{Diagnostic, Finding, Location, Severity};
use crate::fix::{Change, Fix, Removal};
use crate::load::yaml::Comment;
use crate::rules::on_call::list;
use crate::source::{FileId, Span};
use crate::workspace::Workspace;

/// One `rule` or `rule(person)` of a suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub rule: String,
    /// The person the entry is scoped to; `Some("")` for empty parentheses.
    pub subject: Option<String>,
}

impl Entry {
    fn unscoped(rule: &str) -> Self {
        Entry {
            rule: rule.to_string(),
            subject: None,
        }
    }

    /// As written: `rule` or `rule(person)`.
    fn display(&self) -> String {
        match &self.subject {
            Some(s) => format!("{}({s})", self.rule),
            None => self.rule.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub file: FileId,
    /// The comment, for `unused-ignore` and `broad-ignore` findings.
    pub span: Span,
    /// The 1-based line whose findings it suppresses.
    pub target_line: usize,
    /// Alone on its line, so it applies to the next one.
    pub alone: bool,
    pub entries: Vec<Entry>,
    pub reason: Option<String>,
    /// The items of the `ignore[…]` list as written (`a`, `b(x, y)`), with
    /// their spans in the file; empty when they could not be located.
    pub items: Vec<(Span, String)>,
    /// Per entry, the index of the item it was written in.
    pub item_of: Vec<usize>,
}

impl Suppression {
    /// The line it applies to, in words. No line number: messages are part
    /// of a finding's fingerprint, which must survive lines moving.
    fn place(&self) -> &'static str {
        if self.alone {
            "the next line"
        } else {
            "this line"
        }
    }
}

/// One item of an `ignore[…]` list: where it is in the comment's text and
/// the entries it holds (`b(x, y)` holds two).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub range: std::ops::Range<usize>,
    pub entries: Vec<Entry>,
}

/// Splits at commas outside parentheses, with each part's offset.
fn split_top_level(text: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, &text[start..]));
    parts
}

/// `rule`, `rule(a)` or `rule(a, b)` as entries; anything else is kept as
/// the rule id, so it is reported as an unknown rule.
fn parse_entry(item: &str, out: &mut Vec<Entry>) {
    let scoped = item
        .strip_suffix(')')
        .and_then(|rest| rest.split_once('('))
        .filter(|(rule, inside)| !rule.contains(')') && !inside.contains(['(', ')']));
    let Some((rule, inside)) = scoped else {
        out.push(Entry::unscoped(item));
        return;
    };
    let rule = rule.trim();
    let subjects: Vec<&str> = inside
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if subjects.is_empty() {
        out.push(Entry {
            rule: rule.to_string(),
            subject: Some(String::new()),
        });
    }
    for subject in subjects {
        out.push(Entry {
            rule: rule.to_string(),
            subject: Some(subject.to_string()),
        });
    }
}

/// Parses `steward: ignore[a, b(person)] reason` from a comment's text (after `#`).
pub fn parse_comment(text: &str) -> Option<(Vec<Entry>, Option<String>)> {
    let (items, reason) = parse_items(text)?;
    Some((items.into_iter().flat_map(|i| i.entries).collect(), reason))
}

/// [`parse_comment`], item by item, with each item's place in `text`.
pub fn parse_items(text: &str) -> Option<(Vec<Item>, Option<String>)> {
    let rest = text.trim_start().strip_prefix("steward:")?.trim_start();
    let rest = rest.strip_prefix("ignore")?.trim_start();
    let rest = rest.strip_prefix('[')?;
    let (inside, after) = rest.split_once(']')?;
    // `inside` is a suffix of `text` minus the suffix after it.
    let base = text.len() - rest.len();
    let mut items = Vec::new();
    for (offset, item) in split_top_level(inside) {
        let trimmed = item.trim();
        if trimmed.is_empty() {
            continue;
        }
        let start = base + offset + (item.len() - item.trim_start().len());
        let mut entries = Vec::new();
        parse_entry(trimmed, &mut entries);
        items.push(Item {
            range: start..start + trimmed.len(),
            entries,
        });
    }
    let reason = after.trim();
    let reason = (!reason.is_empty()).then(|| reason.to_string());
    Some((items, reason))
}

/// Finds the suppression comments of one file (placed while it was parsed:
/// its text is not needed).
pub fn collect(file_id: FileId, comments: &[Comment]) -> Vec<Suppression> {
    let mut out = Vec::new();
    for comment in comments {
        let Some((parsed, reason)) = parse_items(&comment.text) else {
            continue;
        };
        let alone = comment.alone;
        // Item spans in the file, when the comment's text is its source after `#`.
        let text_start = comment.span.start + 1;
        let mut entries = Vec::new();
        let mut items = Vec::new();
        let mut item_of = Vec::new();
        for (index, item) in parsed.into_iter().enumerate() {
            if comment.verbatim {
                let span = Span::new(text_start + item.range.start, text_start + item.range.end);
                items.push((span, comment.text[item.range.clone()].to_string()));
            }
            item_of.extend(std::iter::repeat_n(index, item.entries.len()));
            entries.extend(item.entries);
        }
        out.push(Suppression {
            file: file_id,
            span: comment.span,
            target_line: if alone {
                comment.line + 1
            } else {
                comment.line
            },
            alone,
            entries,
            reason,
            items,
            item_of,
        });
    }
    out
}

/// A suppression comment's reason, recorded on findings it suppresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub justification: Option<String>,
}

/// What one entry met while findings were matched.
#[derive(Debug, Default)]
struct Usage {
    used: bool,
    /// Subjects of the findings an unscoped entry hid.
    hidden: BTreeSet<String>,
    /// Subjects (`None`: no subject) of findings of the entry's rule on its
    /// line that a scoped entry did not match, for the `unused-ignore` help.
    missed: BTreeSet<Option<String>>,
}

/// The safe fix of an unused entry: its item goes (with a separator), or
/// the item keeps only the people it is used for, or, when nothing in the
/// comment suppresses anything, the whole comment goes.
fn removal(s: &Suppression, usage: &[Usage], entry: usize) -> Option<Fix> {
    let item = *s.item_of.get(entry)?;
    let (_, written) = s.items.get(item)?;
    let used = |i: usize| usage.get(i).is_some_and(|u| u.used);
    let entries_of = |item: usize| {
        s.item_of
            .iter()
            .enumerate()
            .filter(move |(_, of)| **of == item)
            .map(|(i, _)| i)
    };
    let unused: Vec<usize> = (0..s.items.len())
        .filter(|&i| entries_of(i).all(|e| !used(e)))
        .collect();
    let change = |removal| Change::RemoveSuppression {
        file: s.file,
        comment: s.span,
        removal,
    };
    if unused.len() == s.items.len() {
        return Some(Fix::safe(
            "remove the suppression comment",
            change(Removal::Comment),
        ));
    }
    if unused.contains(&item) {
        return Some(Fix::safe(
            format!("remove `{written}` from the suppression"),
            change(Removal::Item {
                index: item,
                unused,
            }),
        ));
    }
    // A scoped item used for some of its people keeps those.
    let rule = &s.entries.get(entry)?.rule;
    let kept: Vec<&str> = entries_of(item)
        .filter(|&e| used(e))
        .filter_map(|e| s.entries.get(e)?.subject.as_deref())
        .collect();
    let text = format!("{rule}({})", kept.join(", "));
    Some(Fix::safe(
        format!("write `{text}` instead of `{written}`"),
        change(Removal::Rewrite { index: item, text }),
    ))
}

/// The unsafe fix that writes rule `to` in place of the unknown rule of
/// `entry`'s item, keeping the people it names.
fn renaming(s: &Suppression, entry: usize, to: &str) -> Option<Fix> {
    let item = *s.item_of.get(entry)?;
    let (_, written) = s.items.get(item)?;
    let rule = &s.entries.get(entry)?.rule;
    let text = format!("{to}{}", written.strip_prefix(rule.as_str())?);
    Some(Fix::unsafe_(
        format!("write `{text}` instead of `{written}`"),
        Change::RemoveSuppression {
            file: s.file,
            comment: s.span,
            removal: Removal::Rewrite { index: item, text },
        },
    ))
}

/// Tracks which suppressions were used while findings are matched.
pub struct Suppressions {
    entries: Vec<(Suppression, Vec<Usage>)>,
    /// (file, target line) -> indices into `entries`.
    by_line: BTreeMap<(FileId, usize), Vec<usize>>,
}

/// The lines a suppression may target for a finding at `location`: the
/// line where its node starts and, when the node's key is on another line
/// (a block sequence or mapping under `key:`), the key's line.
fn lines_of(workspace: &Workspace, location: &Location) -> Option<(FileId, Vec<usize>)> {
    let (file, span, key_span) = match location {
        Location::Node { doc, pointer } => {
            let file = workspace.doc(*doc)?.file;
            let resolved = workspace.spans(*doc)?.resolve(pointer);
            (file, resolved.span, resolved.key_span)
        }
        _ => {
            let (file, span) = workspace.span_of(location)?;
            (file, span, None)
        }
    };
    let source = workspace.files.get(file)?;
    let mut lines = vec![source.line_col(span.start).line];
    if let Some(key) = key_span {
        let key_line = source.line_col(key.start).line;
        if !lines.contains(&key_line) {
            lines.push(key_line);
        }
    }
    Some((file, lines))
}

impl Suppressions {
    pub fn new(list: Vec<Suppression>) -> Self {
        let mut by_line: BTreeMap<(FileId, usize), Vec<usize>> = BTreeMap::new();
        let entries = list
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                by_line.entry((s.file, s.target_line)).or_default().push(i);
                let usage = s.entries.iter().map(|_| Usage::default()).collect();
                (s, usage)
            })
            .collect();
        Suppressions { entries, by_line }
    }

    /// Whether `finding` is suppressed; records the match for
    /// `unused-ignore` and `broad-ignore`. A suppression scoped to the
    /// finding's subject is preferred over an unscoped one.
    pub fn apply(&mut self, workspace: &Workspace, finding: &Finding) -> Option<Suppressed> {
        if self.by_line.is_empty() {
            // Most workspaces have no suppressions: skip locating the finding.
            return None;
        }
        let (file, lines) = lines_of(workspace, &finding.location)?;
        let candidates: Vec<usize> = lines
            .iter()
            .filter_map(|line| self.by_line.get(&(file, *line)))
            .flatten()
            .copied()
            .collect();
        let subject = finding.subject.as_deref();
        let mut chosen: Option<(usize, usize)> = None;
        for scoped in [true, false] {
            for &c in &candidates {
                let Some((s, _)) = self.entries.get(c) else {
                    continue;
                };
                let hit = s.entries.iter().position(|e| {
                    e.rule == finding.rule
                        && match (&e.subject, subject) {
                            (Some(wanted), Some(about)) => scoped && wanted == about,
                            (Some(_), None) => false,
                            (None, _) => !scoped,
                        }
                });
                if let Some(i) = hit {
                    chosen = Some((c, i));
                    break;
                }
            }
            if chosen.is_some() {
                break;
            }
        }
        // Scoped entries of this rule learn whom the findings left visible
        // on their line are about.
        for &c in candidates.iter().filter(|_| chosen.is_none()) {
            let Some((s, usage)) = self.entries.get_mut(c) else {
                continue;
            };
            for (i, e) in s.entries.iter().enumerate() {
                if e.rule == finding.rule && e.subject.is_some() {
                    if let Some(u) = usage.get_mut(i) {
                        u.missed.insert(finding.subject.clone());
                    }
                }
            }
        }
        let (c, i) = chosen?;
        let (s, usage) = self.entries.get_mut(c)?;
        let u = usage.get_mut(i)?;
        u.used = true;
        if let (None, Some(about)) = (s.entries.get(i).and_then(|e| e.subject.as_ref()), subject) {
            u.hidden.insert(about.to_string());
        }
        Some(Suppressed {
            justification: s.reason.clone(),
        })
    }

    /// The findings about suppressions themselves, at the severity `severity`
    /// gives each rule (`None`: off): `unused-ignore` for entries that
    /// suppressed nothing, `broad-ignore` for unscoped entries that hid
    /// findings about more than one person; each with the suppression that
    /// hides it. Entries naming other rules are judged first and their
    /// findings go through the suppressions too, so `ignore[unused-ignore]`
    /// (or `broad-ignore`) on a line keeps a suppression that matches
    /// nothing today, and is itself used by that.
    pub fn findings(
        &mut self,
        workspace: &Workspace,
        severity: impl Fn(&str) -> Option<Severity>,
        is_known: impl Fn(&str) -> bool,
    ) -> Vec<(Finding, Option<Suppressed>)> {
        let unused = crate::rules::unused_ignore::RULE.id;
        let broad = crate::rules::broad_ignore::RULE.id;
        let enabled = |id: &str| severity(id).is_some();
        let mut first = Vec::new();
        if let Some(level) = severity(unused) {
            for d in self.unused(&is_known, &enabled, false) {
                first.push(d.into_finding(Cow::Borrowed(unused), level));
            }
        }
        if let Some(level) = severity(broad) {
            for d in self.broad() {
                first.push(d.into_finding(Cow::Borrowed(broad), level));
            }
        }
        let mut out: Vec<(Finding, Option<Suppressed>)> = first
            .into_iter()
            .map(|finding| {
                let suppressed = self.apply(workspace, &finding);
                (finding, suppressed)
            })
            .collect();
        if let Some(level) = severity(unused) {
            for d in self.unused(&is_known, &enabled, true) {
                out.push((d.into_finding(Cow::Borrowed(unused), level), None));
            }
        }
        out
    }

    /// `unused-ignore` diagnostics for entries that suppressed nothing:
    /// those naming `unused-ignore` or `broad-ignore` when `meta`, the
    /// others (and empty comments) when not.
    fn unused(
        &self,
        is_known: &impl Fn(&str) -> bool,
        is_enabled: &impl Fn(&str) -> bool,
        meta: bool,
    ) -> Vec<Diagnostic> {
        let is_meta = |rule: &str| {
            rule == crate::rules::unused_ignore::RULE.id
                || rule == crate::rules::broad_ignore::RULE.id
        };
        let mut out = Vec::new();
        for (s, usage) in &self.entries {
            let location = Location::span(s.file, s.span);
            if s.entries.is_empty() && !meta {
                out.push(
                    Diagnostic::new(location.clone(), "suppression names no rule")
                        .label("empty `ignore[]`")
                        .help("name the rules to suppress: `# steward: ignore[rule-id] reason`")
                        .fix(Fix::safe(
                            "remove the suppression comment",
                            Change::RemoveSuppression {
                                file: s.file,
                                comment: s.span,
                                removal: Removal::Comment,
                            },
                        )),
                );
                continue;
            }
            for (index, (entry, u)) in s.entries.iter().zip(usage).enumerate() {
                if u.used || is_meta(&entry.rule) != meta {
                    continue;
                }
                let mut fix = removal(s, usage, index);
                let rule = &entry.rule;
                let written = entry.display();
                let remove = format!("remove `{written}` from this comment");
                let (message, help) = if !is_known(rule) {
                    let ids = || crate::rules::RULES.iter().map(|r| r.id);
                    let help = match crate::did_you_mean::did_you_mean(rule, ids()) {
                        Some(best) => {
                            format!("did you mean `{best}`? run `steward rules` for the rule ids")
                        }
                        None => "run `steward rules` for the rule ids".to_string(),
                    };
                    // A likely typo is corrected (a guess: unsafe), not removed
                    // with the reason the comment gives.
                    if let Some(best) = crate::did_you_mean::only_close(rule, ids()) {
                        fix = renaming(s, index, best).or(fix);
                    }
                    (format!("suppression names unknown rule `{rule}`"), help)
                } else if !is_enabled(rule) {
                    (
                        format!("suppression of `{written}` is unused: the rule is off in the active policy"),
                        remove,
                    )
                } else if entry.subject.as_deref() == Some("") {
                    (
                        format!("suppression of `{rule}()` names nobody"),
                        format!("name the person in the parentheses, `{rule}(member-id)`"),
                    )
                } else if let Some(subject) = &entry.subject {
                    let about: Vec<&str> = u.missed.iter().flatten().map(String::as_str).collect();
                    let help = match about.as_slice() {
                        [] => None,
                        [one] => Some(format!(
                            "the `{rule}` finding on {} is about {one}: write `{rule}({one})` if the suppression is meant for {one}, or remove `{written}`",
                            s.place()
                        )),
                        more => Some(format!(
                            "the `{rule}` findings on {} are about {}: name the person the suppression is meant for, or remove `{written}`",
                            s.place(),
                            list(more, 4)
                        )),
                    };
                    let help = if let Some(help) = help {
                        help
                    } else if u.missed.contains(&None) {
                        format!("`{rule}` findings are not about one person: write `{rule}` without `({subject})`")
                    } else {
                        remove
                    };
                    (
                        format!(
                            "suppression of `{written}` is unused: no `{rule}` finding about {subject} on {}",
                            s.place()
                        ),
                        help,
                    )
                } else {
                    (
                        format!(
                            "suppression of `{rule}` is unused: no `{rule}` finding on {}",
                            s.place()
                        ),
                        remove,
                    )
                };
                let mut d = Diagnostic::new(location.clone(), message)
                    .label("suppresses nothing")
                    .help(help);
                if let Some(fix) = fix {
                    d = d.fix(fix);
                }
                out.push(d);
            }
        }
        out
    }

    /// `broad-ignore` diagnostics for unscoped entries that hid findings
    /// about more than one person.
    fn broad(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (s, usage) in &self.entries {
            for (entry, u) in s.entries.iter().zip(usage) {
                if entry.subject.is_some() || u.hidden.len() < 2 {
                    continue;
                }
                let rule = &entry.rule;
                let people: Vec<&str> = u.hidden.iter().map(String::as_str).collect();
                let first = people.first().copied().unwrap_or_default();
                out.push(
                    Diagnostic::new(
                        Location::span(s.file, s.span),
                        format!(
                            "suppression of `{rule}` hides findings about {} people: {}",
                            people.len(),
                            list(&people, people.len())
                        ),
                    )
                    .label(format!("hides findings about {}", list(&people, 4)))
                    .help(format!(
                        "scope it to the people it is meant for: `ignore[{rule}({first})]` for {first} alone, `ignore[{rule}({})]` for {}",
                        people.join(", "),
                        if people.len() == 2 { "both" } else { "all of them" }
                    )),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rule: &str, subject: Option<&str>) -> Entry {
        Entry {
            rule: rule.into(),
            subject: subject.map(Into::into),
        }
    }

    #[test]
    fn parses_ids_and_reason() {
        assert_eq!(
            parse_comment(" steward: ignore[a, b-c] we know"),
            Some((
                vec![entry("a", None), entry("b-c", None)],
                Some("we know".into())
            ))
        );
        assert_eq!(
            parse_comment(" steward:ignore[a]"),
            Some((vec![entry("a", None)], None))
        );
        assert_eq!(parse_comment(" something else"), None);
        assert_eq!(parse_comment(" steward: ignore a"), None);
    }

    #[test]
    fn parses_subjects() {
        assert_eq!(
            parse_comment(" steward: ignore[a(b), c( d , e ), f] why").map(|p| p.0),
            Some(vec![
                entry("a", Some("b")),
                entry("c", Some("d")),
                entry("c", Some("e")),
                entry("f", None),
            ])
        );
        assert_eq!(
            parse_comment(" steward: ignore[a()]").map(|p| p.0),
            Some(vec![entry("a", Some(""))])
        );
        // Unbalanced parentheses stay one (unknown) rule id.
        assert_eq!(
            parse_comment(" steward: ignore[a(b, c]").map(|p| p.0),
            Some(vec![entry("a(b, c", None)])
        );
        assert_eq!(
            parse_comment(" steward: ignore[a(b)(c)]").map(|p| p.0),
            Some(vec![entry("a(b)(c)", None)])
        );
    }
}
