//! A fix as byte-range edits of one file, found through the span tree and
//! written in the document's own style; and the check that an edited file
//! holds what its fixes meant. Nothing here writes a file.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{Change, Fix, Removal};
use crate::edit::{
    self, block_indent, document_newline, line_end, line_start, scalar, scalar_like, TextEdit,
};
use crate::load::yaml::{self, ParsedYaml, YamlDocument, YamlLimits};
use crate::runbook;
use crate::source::{FileId, Span};
use crate::suppress;
use crate::workspace::Workspace;

/// The edits of one fix, all in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdits {
    pub target: Target,
    /// Byte ranges of the file's text (as the workspace holds it, without a
    /// byte-order mark) and their replacements; they never overlap.
    pub edits: Vec<TextEdit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A YAML file of the workspace.
    File(FileId),
    /// A Markdown runbook on disk; `create`: it does not exist yet (the one
    /// edit inserts its whole text).
    Runbook { path: PathBuf, create: bool },
}

/// The fix as text edits against the workspace's texts (a runbook: the file
/// on disk), without writing anything: for editors' code actions.
pub fn text_edits(workspace: &Workspace, fix: &Fix) -> Result<FileEdits, String> {
    prepare(workspace, &fix.change).map(|p| p.edits)
}

/// [`text_edits`], only when the edited file holds exactly what the fix
/// means (the check `--fix` makes before writing): what an editor offers.
pub fn checked_edits(workspace: &Workspace, fix: &Fix) -> Result<FileEdits, String> {
    let prepared = prepare(workspace, &fix.change)?;
    let original = prepared.original.as_deref();
    let after = edit::apply(original.unwrap_or_default(), &prepared.edits.edits)?;
    verify(
        &prepared.edits.target,
        original,
        &after,
        &[&prepared.intent],
    )?;
    Ok(prepared.edits)
}

/// A fix ready to apply: its edits, the text they apply to (`None`: a file
/// to create) and what the edited file must hold.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub edits: FileEdits,
    pub original: Option<String>,
    pub intent: Intent,
    /// The workspace root the file must really be inside (the writer checks
    /// again, symlinks followed); `None` when the workspace names none.
    pub root: Option<PathBuf>,
}

/// What a fix means, checked on the edited text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Intent {
    /// Document `index` of the file changes so; everything else stays.
    Value { index: usize, change: ValueChange },
    /// A suppression comment loses what `removal` says; everything else stays.
    Suppression { comment: Span, removal: Removal },
    /// Markdown: the headings stay and these sections are present.
    Sections { sections: Vec<String> },
    /// A new runbook holding these sections.
    NewRunbook { sections: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueChange {
    Set {
        pointer: String,
        value: Value,
    },
    Rename {
        pointer: String,
        to: String,
    },
    Add {
        pointer: String,
        key: String,
        value: Value,
    },
}

impl ValueChange {
    /// Changes `value` as meant; false when it has no such place.
    fn apply(&self, value: &mut Value) -> bool {
        match self {
            ValueChange::Set { pointer, value: v } => match value.pointer_mut(pointer) {
                Some(slot) => {
                    *slot = v.clone();
                    true
                }
                None => false,
            },
            ValueChange::Rename { pointer, to } => {
                let Some((parent, last)) = pointer.rsplit_once('/') else {
                    return false;
                };
                let from = yaml::unescape_pointer_token(last);
                let Some(map) = value.pointer_mut(parent).and_then(Value::as_object_mut) else {
                    return false;
                };
                let renamed: Map<String, Value> = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| if k == from { (to.clone(), v) } else { (k, v) })
                    .collect();
                *map = renamed;
                true
            }
            ValueChange::Add {
                pointer,
                key,
                value: v,
            } => match value.pointer_mut(pointer).and_then(Value::as_object_mut) {
                Some(map) => {
                    map.insert(key.clone(), v.clone());
                    true
                }
                None => false,
            },
        }
    }
}

pub(crate) fn prepare(workspace: &Workspace, change: &Change) -> Result<Prepared, String> {
    match change {
        Change::Replace {
            doc,
            pointer,
            from,
            to,
        } => {
            let (file, text, parsed, index) = yaml_document(workspace, *doc)?;
            let document = parsed.documents.get(index).ok_or(GONE)?;
            let edit = replace(text, document, pointer, from, to)?;
            Ok(yaml_fix(
                file_root(workspace, file),
                file,
                text,
                vec![edit],
                index,
                ValueChange::Set {
                    pointer: pointer.clone(),
                    value: Value::String(to.clone()),
                },
            ))
        }
        Change::RenameKey { doc, pointer, to } => {
            let (file, text, parsed, index) = yaml_document(workspace, *doc)?;
            let document = parsed.documents.get(index).ok_or(GONE)?;
            let edit = rename(text, document, pointer, to)?;
            Ok(yaml_fix(
                file_root(workspace, file),
                file,
                text,
                vec![edit],
                index,
                ValueChange::Rename {
                    pointer: pointer.clone(),
                    to: to.clone(),
                },
            ))
        }
        Change::AddEntry {
            doc,
            pointer,
            key,
            value,
        } => {
            let (file, text, parsed, index) = yaml_document(workspace, *doc)?;
            let document = parsed.documents.get(index).ok_or(GONE)?;
            let edit = add_entry(text, document, pointer, key, value)?;
            Ok(yaml_fix(
                file_root(workspace, file),
                file,
                text,
                vec![edit],
                index,
                ValueChange::Add {
                    pointer: pointer.clone(),
                    key: key.clone(),
                    value: value.clone(),
                },
            ))
        }
        Change::RemoveSuppression {
            file,
            comment,
            removal,
        } => {
            let text = workspace
                .files
                .get(*file)
                .ok_or(GONE)?
                .text()
                .ok_or(CHANGED)?;
            let edits = suppression_edits(text, *comment, removal)?;
            Ok(Prepared {
                edits: FileEdits {
                    target: Target::File(*file),
                    edits,
                },
                original: Some(text.to_string()),
                intent: Intent::Suppression {
                    comment: *comment,
                    removal: removal.clone(),
                },
                root: file_root(workspace, *file),
            })
        }
        Change::AppendSections { path, sections } => {
            // The runbook was found inside a root of the workspace (its real
            // path): the innermost one that holds it.
            let root = workspace
                .roots
                .iter()
                .filter(|root| path.starts_with(root))
                .max_by_key(|root| root.as_os_str().len())
                .cloned()
                .ok_or_else(|| format!("`{}` is outside the workspace root", shown(path)))?;
            let text = read_markdown(path)?;
            let edit = append_sections(&text, sections);
            Ok(Prepared {
                edits: FileEdits {
                    target: Target::Runbook {
                        path: path.clone(),
                        create: false,
                    },
                    edits: vec![edit],
                },
                original: Some(text),
                intent: Intent::Sections {
                    sections: sections.clone(),
                },
                root: Some(root),
            })
        }
        Change::CreateRunbook {
            path,
            doc,
            sections,
        } => {
            let (file, _, parsed, index) = yaml_document(workspace, *doc)?;
            let root = file_root(workspace, file);
            edit::new_location(path, &shown(path), root.as_deref())?;
            let document = parsed.documents.get(index).ok_or(GONE)?;
            let title = document
                .value
                .pointer("/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Ok(Prepared {
                edits: FileEdits {
                    target: Target::Runbook {
                        path: path.clone(),
                        create: true,
                    },
                    edits: vec![TextEdit::insert(0, runbook::template(title, sections))],
                },
                original: None,
                intent: Intent::NewRunbook {
                    sections: sections.clone(),
                },
                root,
            })
        }
    }
}

/// The root of a workspace file.
fn file_root(workspace: &Workspace, file: FileId) -> Option<PathBuf> {
    workspace
        .file_roots
        .get(file)
        .and_then(|r| workspace.roots.get(*r))
        .cloned()
}

/// A path as reports show it: relative to the current directory.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    crate::load::display_path(path, &cwd)
}

const GONE: &str = "the document it is about is not in the file any more";
/// A file read from disk whose text no longer matches what was checked.
const CHANGED: &str = "the file changed while steward was checking it";

fn yaml_fix(
    root: Option<PathBuf>,
    file: FileId,
    text: &str,
    edits: Vec<TextEdit>,
    index: usize,
    change: ValueChange,
) -> Prepared {
    Prepared {
        edits: FileEdits {
            target: Target::File(file),
            edits,
        },
        original: Some(text.to_string()),
        intent: Intent::Value { index, change },
        root,
    }
}

/// The file of a document, its text parsed again, and the document's index.
fn yaml_document(
    workspace: &Workspace,
    doc: usize,
) -> Result<(FileId, &str, ParsedYaml, usize), String> {
    let document = workspace.doc(doc).ok_or(GONE)?;
    let text = workspace
        .files
        .get(document.file)
        .ok_or(GONE)?
        .text()
        .ok_or(CHANGED)?;
    let parsed = yaml::parse(text, &workspace.yaml_limits);
    if let Some(problem) = parsed.problems.first() {
        return Err(format!(
            "the file does not parse cleanly ({})",
            problem.message
        ));
    }
    Ok((document.file, text, parsed, document.index_in_file as usize))
}

fn replace(
    text: &str,
    document: &YamlDocument,
    pointer: &str,
    from: &str,
    to: &str,
) -> Result<TextEdit, String> {
    if document.value.pointer(pointer).and_then(Value::as_str) != Some(from) {
        return Err(format!("the value is not `{from}` any more"));
    }
    let resolved = document.spans.resolve(pointer);
    if !resolved.exact {
        return Err(GONE.into());
    }
    let written = text
        .get(resolved.span.start..resolved.span.end)
        .ok_or(GONE)?;
    let replacement = scalar_like(written, to)
        .ok_or("the value is a block or multi-line scalar; edit it by hand")?;
    Ok(TextEdit::replace(resolved.span, replacement))
}

fn rename(
    text: &str,
    document: &YamlDocument,
    pointer: &str,
    to: &str,
) -> Result<TextEdit, String> {
    let (parent, last) = pointer.rsplit_once('/').ok_or(GONE)?;
    let map = document
        .value
        .pointer(parent)
        .and_then(Value::as_object)
        .ok_or(GONE)?;
    let from = yaml::unescape_pointer_token(last);
    if !map.contains_key(from.as_ref()) {
        return Err(format!("there is no key `{from}` any more"));
    }
    if map.contains_key(to) {
        return Err(format!("the mapping already has a key `{to}`"));
    }
    let key = document.spans.resolve(pointer).key_span.ok_or(GONE)?;
    let written = text.get(key.start..key.end).ok_or(GONE)?;
    let replacement =
        scalar_like(written, to).ok_or("the key spans several lines; edit it by hand")?;
    Ok(TextEdit::replace(key, replacement))
}

/// Inserts `key: value` after the last entry of the mapping at `pointer`,
/// in the mapping's style; an object value is written like the document's
/// other nested mappings (flow or block, with their indentation step).
fn add_entry(
    text: &str,
    document: &YamlDocument,
    pointer: &str,
    key: &str,
    value: &Value,
) -> Result<TextEdit, String> {
    let map = document
        .value
        .pointer(pointer)
        .and_then(Value::as_object)
        .ok_or("the place to add to is not a mapping")?;
    if map.contains_key(key) {
        return Err(format!("the mapping already has `{key}`"));
    }
    let resolved = document.spans.resolve(pointer);
    if !resolved.exact {
        return Err(GONE.into());
    }
    let span = resolved.span;
    let children = document.spans.children(pointer);
    let bytes = text.as_bytes();
    let newline = document_newline(text, document.spans.span().start);
    if bytes.get(span.start) == Some(&b'{') {
        let spaced = bytes.get(span.start + 1) == Some(&b' ');
        let entry = format!("{}: {}", scalar(key), flow_value(value, spaced)?);
        return Ok(match children.last() {
            Some(last) => TextEdit::insert(last.span.end, format!(", {entry}")),
            None => TextEdit::insert(span.start + 1, entry),
        });
    }
    let (Some(first), Some(last)) = (children.first(), children.last()) else {
        return Err("the mapping is empty".into());
    };
    let first_key = first.key_span.ok_or(GONE)?;
    let indent = block_indent(text, first_key.start)
        .ok_or("the mapping's keys do not start their lines; edit it by hand")?;
    let style = nested_style(text, document, pointer);
    let mut lines = Vec::new();
    match value {
        Value::Object(entries) if !style.flow => {
            lines.push(format!("{indent}{}:", scalar(key)));
            for (k, v) in entries {
                lines.push(format!(
                    "{indent}{}{}: {}",
                    style.step,
                    scalar(k),
                    flow_value(v, style.spaced)?
                ));
            }
        }
        _ => lines.push(format!(
            "{indent}{}: {}",
            scalar(key),
            flow_value(value, style.spaced)?
        )),
    }
    let end = last.span.end.max(last.key_span.map_or(0, |k| k.end));
    // A block scalar's span already ends after its line break.
    let at = if end > 0 && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
        end
    } else {
        line_end(text, end)
    };
    let joined = lines.join(newline);
    let body = if at == text.len() && !text.is_empty() && !text.ends_with(['\n', '\r']) {
        // The file ends without a line break: it still does.
        format!("{newline}{joined}")
    } else {
        format!("{joined}{newline}")
    };
    Ok(TextEdit::insert(at, body))
}

/// How a mapping writes the mappings nested in it: in flow style (and with
/// a space inside the braces), or in block style with an indentation step.
struct NestedStyle {
    flow: bool,
    spaced: bool,
    step: String,
}

/// The style of the first mapping nested in the one at `pointer`; block
/// with a step of two spaces when there is none.
fn nested_style(text: &str, document: &YamlDocument, pointer: &str) -> NestedStyle {
    let bytes = text.as_bytes();
    for child in document.spans.children(pointer) {
        let (Some(key), true) = (child.key_span, !child.span.is_empty()) else {
            continue;
        };
        let Some(name) = text.get(key.start..key.end) else {
            continue;
        };
        let child_pointer = format!("{pointer}/{}", yaml::escape_pointer_token(name));
        if !document
            .value
            .pointer(&child_pointer)
            .is_some_and(Value::is_object)
        {
            continue;
        }
        if bytes.get(child.span.start) == Some(&b'{') {
            return NestedStyle {
                flow: true,
                spaced: bytes.get(child.span.start + 1) == Some(&b' '),
                step: "  ".into(),
            };
        }
        let step = document
            .spans
            .children(&child_pointer)
            .first()
            .and_then(|g| g.key_span)
            .and_then(|g| {
                let outer = key.start - line_start(text, key.start);
                let inner = g.start - line_start(text, g.start);
                inner.checked_sub(outer).filter(|s| *s > 0)
            })
            .unwrap_or(2);
        return NestedStyle {
            flow: false,
            spaced: true,
            step: " ".repeat(step),
        };
    }
    NestedStyle {
        flow: false,
        spaced: true,
        step: "  ".into(),
    }
}

/// A value in flow style: scalars as `scalar` writes them, mappings as
/// `{ k: v }` (or `{k: v}` when `spaced` is false).
fn flow_value(value: &Value, spaced: bool) -> Result<String, String> {
    Ok(match value {
        Value::String(s) => scalar(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Object(map) => {
            let entries = map
                .iter()
                .map(|(k, v)| Ok(format!("{}: {}", scalar(k), flow_value(v, spaced)?)))
                .collect::<Result<Vec<String>, String>>()?;
            if spaced {
                format!("{{ {} }}", entries.join(", "))
            } else {
                format!("{{{}}}", entries.join(", "))
            }
        }
        Value::Array(items) => {
            let items = items
                .iter()
                .map(|v| flow_value(v, spaced))
                .collect::<Result<Vec<String>, String>>()?;
            format!("[{}]", items.join(", "))
        }
    })
}

/// The edits that remove a suppression comment or some of its items.
fn suppression_edits(
    text: &str,
    comment: Span,
    removal: &Removal,
) -> Result<Vec<TextEdit>, String> {
    let body = text
        .get(comment.start + 1..comment.end)
        .filter(|_| text.as_bytes().get(comment.start) == Some(&b'#'))
        .ok_or("the comment is not there any more")?;
    let (items, _) =
        suppress::parse_items(body).ok_or("the comment is not a suppression any more")?;
    let spans: Vec<Span> = items
        .iter()
        .map(|i| {
            Span::new(
                comment.start + 1 + i.range.start,
                comment.start + 1 + i.range.end,
            )
        })
        .collect();
    let missing = || "the comment's items changed".to_string();
    match removal {
        Removal::Comment => Ok(vec![comment_removal(text, comment)]),
        Removal::Rewrite { index, text: with } => {
            let span = spans.get(*index).ok_or_else(missing)?;
            Ok(vec![TextEdit::replace(*span, with.clone())])
        }
        Removal::Item { index, unused } => {
            let item = *spans.get(*index).ok_or_else(missing)?;
            let kept = |j: usize| !unused.contains(&j);
            if !(0..spans.len()).any(kept) {
                return Ok(vec![comment_removal(text, comment)]);
            }
            // An item before a kept one takes the separator after it; the
            // items after the last kept one take the separator before them.
            let range = if (index + 1..spans.len()).any(kept) {
                let next = spans.get(index + 1).ok_or_else(missing)?;
                Span::new(item.start, next.start)
            } else {
                let previous = index
                    .checked_sub(1)
                    .and_then(|p| spans.get(p))
                    .ok_or_else(missing)?;
                Span::new(previous.end, item.end)
            };
            Ok(vec![TextEdit::delete(range)])
        }
    }
}

/// Deletes a comment: its whole line when it is alone on it, else the
/// comment and the blanks before it.
fn comment_removal(text: &str, comment: Span) -> TextEdit {
    let start = line_start(text, comment.start);
    let before = text.get(start..comment.start).unwrap_or_default();
    if before.trim().is_empty() {
        TextEdit::delete(Span::new(start, line_end(text, comment.end)))
    } else {
        let kept = before.trim_end_matches([' ', '\t']).len();
        TextEdit::delete(Span::new(start + kept, comment.end))
    }
}

/// A Markdown file's text, without a byte-order mark (the atomic write keeps one).
fn read_markdown(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("`{}` is not UTF-8", path.display()))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Appends a heading and a placeholder line for each section, after a blank
/// line, at the level of the runbook's sections and with its line endings.
fn append_sections(text: &str, sections: &[String]) -> TextEdit {
    let newline = document_newline(text, 0);
    let level = runbook::section_level(text);
    let mut out = String::new();
    if !text.is_empty() {
        if !text.ends_with(['\n', '\r']) {
            out.push_str(newline);
        }
        let blank = text.ends_with("\n\n") || text.ends_with("\n\r\n") || text.ends_with("\r\r");
        if !blank {
            out.push_str(newline);
        }
    }
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            out.push_str(newline);
        }
        out.push_str(&runbook::section_text(section, level, newline));
    }
    TextEdit::insert(text.len(), out)
}

/// Checks that `edited`, the result of applying fixes with `intents` to
/// `original` (`None`: a new file), holds exactly what they meant.
pub(crate) fn verify(
    target: &Target,
    original: Option<&str>,
    edited: &str,
    intents: &[&Intent],
) -> Result<(), String> {
    match target {
        Target::File(_) => verify_yaml(original.unwrap_or_default(), edited, intents),
        Target::Runbook { .. } => verify_markdown(original, edited, intents),
    }
}

fn verify_yaml(original: &str, edited: &str, intents: &[&Intent]) -> Result<(), String> {
    let old = yaml::parse(original, &YamlLimits::default());
    if let Some(problem) = old.problems.first() {
        return Err(format!(
            "the file does not parse cleanly ({})",
            problem.message
        ));
    }
    let mut values: Vec<Value> = old.documents.iter().map(|d| d.value.clone()).collect();
    for intent in intents {
        if let Intent::Value { index, change } = intent {
            let applied = values.get_mut(*index).is_some_and(|v| change.apply(v));
            if !applied {
                return Err(GONE.into());
            }
        }
    }
    let new = edit::verify_values(edited, &values)?;
    // Every comment stays as it was, but the suppressions the fixes edit:
    // (the entries and reason an edited one keeps, else the text).
    type Expected<'a> = (Option<Vec<suppress::Entry>>, &'a str, Option<String>);
    let mut expected: Vec<Expected<'_>> = Vec::new();
    for comment in &old.comments {
        let removals: Vec<&Removal> = intents
            .iter()
            .filter_map(|i| match i {
                Intent::Suppression {
                    comment: c,
                    removal,
                } if *c == comment.span => Some(removal),
                _ => None,
            })
            .collect();
        if removals.is_empty() {
            expected.push((None, &comment.text, None));
            continue;
        }
        let Some((items, reason)) = suppress::parse_items(&comment.text) else {
            return Err("the comment is not a suppression any more".into());
        };
        let mut kept: Vec<suppress::Entry> = Vec::new();
        let mut whole = false;
        for (i, item) in items.iter().enumerate() {
            let mut entries = item.entries.clone();
            for removal in &removals {
                match removal {
                    Removal::Comment => whole = true,
                    Removal::Item { index, .. } if *index == i => entries.clear(),
                    Removal::Rewrite { index, text } if *index == i => {
                        entries = suppress::parse_items(&format!(" steward: ignore[{text}]"))
                            .map(|(items, _)| items.into_iter().flat_map(|i| i.entries).collect())
                            .unwrap_or_default();
                    }
                    _ => {}
                }
            }
            kept.extend(entries);
        }
        if !whole && !kept.is_empty() {
            expected.push((Some(kept), &comment.text, reason));
        }
    }
    let same =
        new.comments.len() == expected.len()
            && new.comments.iter().zip(&expected).all(
                |(c, (entries, text, reason))| match entries {
                    None => c.text == *text,
                    Some(entries) => {
                        suppress::parse_comment(&c.text) == Some((entries.clone(), reason.clone()))
                    }
                },
            );
    if !same {
        return Err("the edit would change other comments; nothing was changed".into());
    }
    Ok(())
}

fn verify_markdown(
    original: Option<&str>,
    edited: &str,
    intents: &[&Intent],
) -> Result<(), String> {
    let after = runbook::headings(edited);
    if let Some(before) = original {
        if !after.starts_with(&runbook::headings(before)) {
            return Err("the edit would change the runbook's headings; nothing was changed".into());
        }
    }
    for intent in intents {
        let sections = match intent {
            Intent::Sections { sections } | Intent::NewRunbook { sections } => sections,
            Intent::Value { .. } | Intent::Suppression { .. } => {
                return Err("a YAML fix in a Markdown file".into())
            }
        };
        let missing = runbook::missing_sections(&after, sections);
        if !missing.is_empty() {
            return Err(format!(
                "the edited runbook would still lack {}; nothing was changed",
                missing
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> YamlDocument {
        yaml::parse(text, &YamlLimits::default())
            .documents
            .remove(0)
    }

    fn added(text: &str, value: Value) -> String {
        let edit = add_entry(text, &doc(text), "", "escalation", &value).unwrap();
        edit::apply(text, &[edit]).unwrap()
    }

    #[test]
    fn entries_are_added_in_the_mapping_style() {
        let value = serde_json::json!({"after": "30m", "major_incident": "priya"});
        assert_eq!(
            added("id: p\nsla:\n    warn_after: 1h\n", value.clone()),
            "id: p\nsla:\n    warn_after: 1h\nescalation:\n    after: 30m\n    major_incident: priya\n"
        );
        assert_eq!(
            added("id: p\nsla: {warn_after: 1h}  # c\nx: 1", value.clone()),
            "id: p\nsla: {warn_after: 1h}  # c\nx: 1\nescalation: {after: 30m, major_incident: priya}"
        );
        assert_eq!(
            added("{id: p, sla: {warn_after: 1h}}\n", value.clone()),
            "{id: p, sla: {warn_after: 1h}, escalation: {after: 30m, major_incident: priya}}\n"
        );
        assert_eq!(
            added("id: p\r\nnote: |\r\n  text\r\n", value),
            "id: p\r\nnote: |\r\n  text\r\nescalation:\r\n  after: 30m\r\n  major_incident: priya\r\n"
        );
    }

    fn without(text: &str, removal: Removal) -> String {
        let at = text.find('#').unwrap();
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let edits = suppression_edits(text, Span::new(at, end), &removal).unwrap();
        edit::apply(text, &edits).unwrap()
    }

    #[test]
    fn suppression_items_go_with_one_separator_each() {
        let text = "a: 1  # steward: ignore[x, y, z] why\nb: 2\n";
        let item = |index, unused: &[usize]| Removal::Item {
            index,
            unused: unused.to_vec(),
        };
        assert_eq!(
            without(text, item(0, &[0])),
            "a: 1  # steward: ignore[y, z] why\nb: 2\n"
        );
        assert_eq!(
            without(text, item(2, &[2])),
            "a: 1  # steward: ignore[x, y] why\nb: 2\n"
        );
        // Two neighbours going at the end never claim the same comma.
        let both = [item(1, &[1, 2]), item(2, &[1, 2])];
        let edits: Vec<TextEdit> = both
            .iter()
            .flat_map(|r| suppression_edits(text, Span::new(6, 36), r).unwrap())
            .collect();
        assert_eq!(
            edit::apply(text, &edits).unwrap(),
            "a: 1  # steward: ignore[x] why\nb: 2\n"
        );
        assert_eq!(without(text, Removal::Comment), "a: 1\nb: 2\n");
        assert_eq!(
            without("a: 1\n  # steward: ignore[x]\nb: 2\n", Removal::Comment),
            "a: 1\nb: 2\n"
        );
        assert_eq!(
            without(
                "a: 1 # steward: ignore[x(p, q)]\n",
                Removal::Rewrite {
                    index: 0,
                    text: "x(q)".into()
                }
            ),
            "a: 1 # steward: ignore[x(q)]\n"
        );
    }

    #[test]
    fn sections_follow_the_runbook() {
        let apply = |text: &str| {
            let edit = append_sections(text, &["sla".to_string(), "common issues".to_string()]);
            edit::apply(text, &[edit]).unwrap()
        };
        assert_eq!(
            apply("# T\r\n\r\n### Overview\r\nx"),
            "# T\r\n\r\n### Overview\r\nx\r\n\r\n### SLA\r\n\r\nTODO: when the data is due and how fast problems must be resolved.\r\n\r\n### Common issues\r\n\r\nTODO: the ways it fails and how to fix each.\r\n"
        );
        assert!(apply("# T\n\n").starts_with("# T\n\n## SLA\n\n"));
    }
}
