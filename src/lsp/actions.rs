//! Code actions for a finding: its `steward check --fix` fix (SPEC §12), and
//! "suppress on this line".

use crate::load::yaml;
use crate::report::ResolvedFinding;
use crate::rules::{broad_ignore, unused_ignore};
use crate::source::{FileKind, SourceFile, Span};
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
/// a person) for the line the finding starts on: added to the line's
/// suppression comment if it has one, on a line of its own above when the
/// line has another comment, else appended to the line. Offered only when
/// the edited file parses to the same values with the suppression in place.
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
    let comments = workspace.comments.get(finding.file);
    let line = file.line_col(finding.span.start).line;
    let line_span = file.line_span(line)?;
    let entry = match finding.subject.as_deref().filter(|s| !s.is_empty()) {
        Some(subject) => format!("{}({subject})", finding.rule),
        None => finding.rule.clone(),
    };
    let existing = suppress::collect(finding.file, comments)
        .into_iter()
        .find(|s| s.target_line == line);
    let (edit, target_line) = if let Some(existing) = existing {
        let comment = comments.iter().find(|c| c.span == existing.span)?;
        let list = locate::ignore_list(comment)?;
        let inner = file.text()?.get(list.inner.start..list.inner.end)?;
        let end = list.inner.start + inner.trim_end().len();
        let text = if inner.trim().is_empty() {
            entry.clone()
        } else if inner.trim_end().ends_with(',') {
            format!(" {entry}")
        } else {
            format!(", {entry}")
        };
        (
            Edit {
                span: Span::new(end, list.inner.end),
                text,
            },
            line,
        )
    } else if comments
        .iter()
        .any(|c| c.span.start >= line_span.start && c.span.start <= line_span.end)
    {
        let line_text = file.text()?.get(line_span.start..line_span.end)?;
        let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
        let newline = if file.text()?[line_span.end..].starts_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        (
            Edit {
                span: Span::empty(line_span.start),
                text: format!("{indent}# steward: ignore[{entry}]{newline}"),
            },
            line + 1,
        )
    } else {
        let line_text = file.text()?.get(line_span.start..line_span.end)?;
        let end = line_span.start + line_text.trim_end().len();
        (
            Edit {
                span: Span::new(end, line_span.end),
                text: format!("  # steward: ignore[{entry}]"),
            },
            line,
        )
    };
    if !still_the_same(analysis, file, &edit, target_line, &entry) {
        return None;
    }
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

/// Whether the edited file holds the same values and a suppression of
/// `entry` for `target_line` (a line inside a multi-line string would not).
fn still_the_same(
    analysis: &Analysis,
    file: &SourceFile,
    edit: &Edit,
    target_line: usize,
    entry: &str,
) -> bool {
    let Some(text) = file.text() else {
        return false;
    };
    let (Some(before), Some(after)) = (text.get(..edit.span.start), text.get(edit.span.end..))
    else {
        return false;
    };
    let edited = format!("{before}{}{after}", edit.text);
    let limits = analysis.outcome.workspace.yaml_limits;
    let old = yaml::parse(text, &limits);
    let new = yaml::parse(&edited, &limits);
    let values = |p: &yaml::ParsedYaml| -> Vec<serde_json::Value> {
        p.documents.iter().map(|d| d.value.clone()).collect()
    };
    if values(&old) != values(&new) {
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
