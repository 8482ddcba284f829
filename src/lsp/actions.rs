//! Code actions for a finding: its `steward check --fix` fix (SPEC §12), and
//! "suppress on this line".

use crate::edit;
use crate::load::yaml;
use crate::report::ResolvedFinding;
use crate::rules::{broad_ignore, unused_ignore};
use crate::source::{FileKind, Span};
use crate::suppress;

use super::analysis::Analysis;
use super::locate;

/// One edit of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    /// Edits of the finding's file.
    pub edits: Vec<Edit>,
    /// The fix to apply first (a safe fix); suppressions never are.
    pub preferred: bool,
}

/// Every action for a finding: its fixes first, then its suppression.
pub fn actions(analysis: &Analysis, finding: &ResolvedFinding) -> Vec<Action> {
    let mut out = fixes(analysis, finding);
    out.extend(suppress_on_line(analysis, finding));
    out
}

/// The actions for `findings`, each with the findings it is for, in their
/// order. Only actions making the same edits are one (two findings of a
/// rule on one line share a suppression; two findings one fix mends share
/// it). Actions of the same title making different edits (suppressions of
/// one rule on different lines) name their finding in the title.
pub fn for_findings<'f>(
    analysis: &Analysis,
    findings: &[&'f ResolvedFinding],
) -> Vec<(Action, Vec<&'f ResolvedFinding>)> {
    let mut out: Vec<(Action, Vec<&'f ResolvedFinding>)> = Vec::new();
    for &finding in findings {
        for action in actions(analysis, finding) {
            match out.iter_mut().find(|(a, _)| a.edits == action.edits) {
                Some((_, of)) => {
                    if !of.iter().any(|f| std::ptr::eq(*f, finding)) {
                        of.push(finding);
                    }
                }
                None => out.push((action, vec![finding])),
            }
        }
    }
    let shared: Vec<bool> = out
        .iter()
        .enumerate()
        .map(|(i, (a, _))| {
            out.iter()
                .enumerate()
                .any(|(j, (b, _))| i != j && a.title == b.title)
        })
        .collect();
    for ((action, of), shared) in out.iter_mut().zip(shared) {
        if let (true, Some(finding)) = (shared, of.first()) {
            action.title = format!("{}: {}", action.title, finding.message);
        }
    }
    out
}

/// The finding's `--fix` fix (SPEC §12), when its edits are in the
/// finding's own file and the result holds what the fix means: safe ones
/// `preferred`, unsafe ones titled "(unsafe)". (A fix of another file, a
/// runbook, is left to `steward check --fix`.)
fn fixes(analysis: &Analysis, finding: &ResolvedFinding) -> Vec<Action> {
    let Some(fix) = finding.fix.as_deref() else {
        return Vec::new();
    };
    let Ok(edits) = crate::fix::edits::checked_edits(&analysis.outcome.workspace, fix) else {
        return Vec::new();
    };
    if edits.target != crate::fix::edits::Target::File(finding.file) {
        return Vec::new();
    }
    let mut title = fix.title.clone();
    if let Some(first) = title.get(..1) {
        title = format!(
            "{}{}",
            first.to_uppercase(),
            title.get(1..).unwrap_or_default()
        );
    }
    let safe = fix.safety == crate::fix::Safety::Safe;
    if !safe {
        title.push_str(" (unsafe)");
    }
    vec![Action {
        title,
        edits: edits
            .edits
            .into_iter()
            .map(|e| Edit {
                span: e.span,
                text: e.replacement,
            })
            .collect(),
        preferred: safe,
    }]
}

/// `# steward: ignore[rule]` (or `ignore[rule(subject)]` for a finding about
/// a person) where a suppression covers the finding (`suppress.rs`): on the
/// line its span starts on. Added to the suppression comment that already
/// covers that line if there is one; else appended to the line, or, when the
/// line holds another comment or the append would change a value (the line
/// continues a scalar or a collection onto the next), alone on a line of its
/// own above it, ended like the document's other lines (`--fix`'s
/// [`edit::document_newline`]). Offered only when the edited file parses to
/// the same values with the suppression in place.
pub fn suppress_on_line(analysis: &Analysis, finding: &ResolvedFinding) -> Option<Action> {
    if finding.rule == unused_ignore::RULE.id || finding.rule == broad_ignore::RULE.id {
        // About a suppression comment: edit the comment instead.
        return None;
    }
    let workspace = &analysis.outcome.workspace;
    let file = workspace.files.get(finding.file)?;
    if file.kind != FileKind::Yaml {
        return None;
    }
    let text = file.text()?;
    let comments = workspace.comments.get(finding.file);
    let line = file.line_col(finding.span.start).line;
    let line_span = file.line_span(line)?;
    let line_text = text.get(line_span.start..line_span.end)?;
    let entry = match finding.subject.as_deref().filter(|s| !s.is_empty()) {
        Some(subject) => format!("{}({subject})", finding.rule),
        None => finding.rule.clone(),
    };
    let limits = workspace.yaml_limits;
    let parsed = yaml::parse(text, &limits);
    let existing = suppress::collect(finding.file, comments)
        .into_iter()
        .find(|s| s.target_line == line);
    // Each candidate edit with the line it makes a suppression target.
    let mut candidates: Vec<(Edit, usize)> = Vec::new();
    if let Some(existing) = existing {
        let comment = comments.iter().find(|c| c.span == existing.span)?;
        let list = locate::ignore_list(comment)?;
        let inner = text.get(list.inner.start..list.inner.end)?;
        let end = list.inner.start + inner.trim_end().len();
        let joined = if inner.trim().is_empty() {
            entry.clone()
        } else if inner.trim_end().ends_with(',') {
            format!(" {entry}")
        } else {
            format!(", {entry}")
        };
        candidates.push((
            Edit {
                span: Span::new(end, list.inner.end),
                text: joined,
            },
            line,
        ));
    } else {
        let commented = comments
            .iter()
            .any(|c| c.span.start >= line_span.start && c.span.start <= line_span.end);
        if !commented {
            let end = line_span.start + line_text.trim_end().len();
            candidates.push((
                Edit {
                    span: Span::new(end, line_span.end),
                    text: format!("  # steward: ignore[{entry}]"),
                },
                line,
            ));
        }
        let indent = line_text
            .strip_suffix(line_text.trim_start())
            .unwrap_or_default();
        // The line ending `--fix` writes in this document.
        let document_start = parsed
            .documents
            .iter()
            .map(|d| d.spans.span().start)
            .filter(|start| *start <= line_span.start)
            .max()
            .unwrap_or(0);
        let newline = edit::document_newline(text, document_start);
        candidates.push((
            Edit {
                span: Span::empty(line_span.start),
                text: format!("{indent}# steward: ignore[{entry}]{newline}"),
            },
            line + 1,
        ));
    }
    let (edit, _) = candidates.into_iter().find(|(edit, target_line)| {
        still_the_same(text, &parsed, &limits, edit, *target_line, &entry)
    })?;
    let title = match finding.subject.as_deref().filter(|s| !s.is_empty()) {
        Some(subject) => format!("Suppress `{}` for `{subject}` on this line", finding.rule),
        None => format!("Suppress `{}` on this line", finding.rule),
    };
    Some(Action {
        title,
        edits: vec![edit],
        preferred: false,
    })
}

/// Whether `text` edited by `edit` holds the values it held (`parsed`) and
/// a suppression of `entry` for `target_line` (a line inside a multi-line
/// string would not).
fn still_the_same(
    text: &str,
    parsed: &yaml::ParsedYaml,
    limits: &yaml::YamlLimits,
    edit: &Edit,
    target_line: usize,
    entry: &str,
) -> bool {
    let (Some(before), Some(after)) = (text.get(..edit.span.start), text.get(edit.span.end..))
    else {
        return false;
    };
    let edited = format!("{before}{}{after}", edit.text);
    let new = yaml::parse(&edited, limits);
    if new.problems.len() > parsed.problems.len()
        || new.documents.len() != parsed.documents.len()
        || new
            .documents
            .iter()
            .zip(&parsed.documents)
            .any(|(new, old)| new.value != old.value)
    {
        return false;
    }
    suppress::collect(0, &new.comments).iter().any(|s| {
        s.target_line == target_line
            && s.entries.iter().any(|e| match &e.subject {
                Some(subject) => format!("{}({subject})", e.rule) == entry,
                None => e.rule == entry,
            })
    })
}
