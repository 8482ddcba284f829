//! What is at a byte offset of a file: the YAML node, found through the
//! documents' span trees, or the suppression comment.

use serde_json::Value;

use crate::document::DocId;
use crate::load::yaml::{escape_pointer_token, Comment, SpanTree};
use crate::source::{FileId, Span};
use crate::workspace::Workspace;

/// The node at an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub doc: DocId,
    /// JSON pointer of the node (for `NewItem`, of the sequence).
    pub pointer: String,
    pub part: Part,
    /// The node's span (the key's for `Part::Key`; empty at the offset for
    /// `NewItem`).
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// On the key that holds the node.
    Key,
    /// On the node itself.
    Value,
    /// On the line of `key:` after the key, where its scalar value is or is
    /// being written (`primary: |`): a place to complete, not to hover.
    ValueSlot,
    /// Between the items of a flow sequence (`[a, |]`): item `index` would
    /// go here.
    NewItem { index: usize },
}

/// The deepest node of a document of `file` at `offset`.
pub fn node_at(workspace: &Workspace, file: FileId, offset: usize) -> Option<At> {
    let text = workspace.files.get(file)?.text()?;
    let mut best: Option<(DocId, &SpanTree, &Value)> = None;
    for (doc_id, doc) in workspace.documents.iter().enumerate() {
        if doc.file != file {
            continue;
        }
        let (Some(tree), Some(value)) = (workspace.spans(doc_id), doc.value.as_deref()) else {
            continue;
        };
        // The last document starting at or before the offset: a document's
        // span ends at its last node, the cursor may be after it.
        if tree.span().start <= offset {
            best = Some((doc_id, tree, value));
        }
    }
    let (doc, tree, value) = best?;
    Some(descend(doc, tree, value, String::new(), offset, text))
}

fn contains(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// Whether `from..to` stays on one line (`to` after `from`).
fn same_line(text: &str, from: usize, to: usize) -> bool {
    from <= to
        && text
            .get(from..to)
            .is_some_and(|between| !between.contains(['\n', '\r']))
}

fn is_collection(value: &Value) -> bool {
    value.is_object() || value.is_array()
}

/// Finds the node at `offset` below `value` at `pointer`. A node holds the
/// offset when its span does (end included: the cursor is usually just
/// after what was typed). Failing that, the offset may be on the line of
/// a `key:` after it, where a scalar is (being) written, or on the last line
/// of a block collection after its end (`  primary: |` as the last entry: a
/// null's span is empty, at the colon).
fn descend(
    doc: DocId,
    tree: &SpanTree,
    value: &Value,
    pointer: String,
    offset: usize,
    text: &str,
) -> At {
    let at = |pointer: String, part, span| At {
        doc,
        pointer,
        part,
        span,
    };
    match value {
        Value::Object(map) => {
            // (position that makes it the nearest, pointer, span, child)
            let mut nearest: Option<(usize, String, Span, &Value)> = None;
            for (key, child) in map {
                let path = format!("{pointer}/{}", escape_pointer_token(key));
                let resolved = tree.resolve(&path);
                if !resolved.exact {
                    continue;
                }
                if let Some(key_span) = resolved.key_span {
                    if contains(key_span, offset) {
                        return at(path, Part::Key, key_span);
                    }
                }
                let empty_null = child.is_null() && resolved.span.is_empty();
                if contains(resolved.span, offset) && !empty_null {
                    return descend(doc, tree, child, path, offset, text);
                }
                let candidate = if is_collection(child) {
                    same_line(text, resolved.span.end, offset).then_some(resolved.span.end)
                } else {
                    resolved
                        .key_span
                        .filter(|k| same_line(text, k.end, offset))
                        .map(|k| k.start)
                };
                if let Some(position) = candidate {
                    if nearest.as_ref().is_none_or(|(p, ..)| position >= *p) {
                        nearest = Some((position, path, resolved.span, child));
                    }
                }
            }
            match nearest {
                Some((_, path, _, child)) if is_collection(child) => {
                    descend(doc, tree, child, path, offset, text)
                }
                Some((_, path, span, _)) => at(path, Part::ValueSlot, span),
                None => at(pointer.clone(), Part::Value, tree.resolve(&pointer).span),
            }
        }
        Value::Array(items) => {
            let mut last_reaching = None;
            for (i, child) in items.iter().enumerate() {
                let path = format!("{pointer}/{i}");
                let resolved = tree.resolve(&path);
                if !resolved.exact {
                    continue;
                }
                if contains(resolved.span, offset) {
                    return descend(doc, tree, child, path, offset, text);
                }
                if is_collection(child) && same_line(text, resolved.span.end, offset) {
                    last_reaching = Some((path, child));
                }
            }
            let span = tree.resolve(&pointer).span;
            let flow = text.get(span.start..).is_some_and(|t| t.starts_with('['));
            if flow && offset > span.start && offset < span.end {
                return at(
                    pointer,
                    Part::NewItem { index: items.len() },
                    Span::empty(offset),
                );
            }
            match last_reaching {
                Some((path, child)) if !flow => descend(doc, tree, child, path, offset, text),
                _ => at(pointer, Part::Value, span),
            }
        }
        _ => at(pointer.clone(), Part::Value, tree.resolve(&pointer).span),
    }
}

/// The rule list of a suppression comment (`# steward: ignore[a, b(x)]`),
/// with byte spans in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreList {
    /// Between `[` and `]` (or the comment's end while `]` is not typed yet).
    pub inner: Span,
    /// Each entry's rule id, as written (trimmed); a span may be empty.
    pub rules: Vec<Span>,
    /// Each entry's parentheses, with what is inside, when it has any.
    pub scopes: Vec<Option<Span>>,
}

/// Parses the rule list of a comment the way `suppress::parse_comment`
/// reads it, keeping positions.
pub fn ignore_list(comment: &Comment) -> Option<IgnoreList> {
    let text = comment.text.as_str();
    // The comment's span starts at `#`; its text follows it.
    let base = comment.span.start + 1;
    let mut at = skip_space(text, 0);
    at = expect(text, at, "steward:")?;
    at = skip_space(text, at);
    at = expect(text, at, "ignore")?;
    at = skip_space(text, at);
    at = expect(text, at, "[")?;
    let end = text[at..].find(']').map_or(text.len(), |i| at + i);
    let mut rules = Vec::new();
    let mut scopes = Vec::new();
    let mut depth = 0usize;
    let mut item_start = at;
    let mut items = Vec::new();
    for (i, c) in text[at..end].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push((item_start, at + i));
                item_start = at + i + 1;
            }
            _ => {}
        }
    }
    items.push((item_start, end));
    for (start, stop) in items {
        let item = &text[start..stop];
        let (rule_end, scope) = match item.find('(') {
            Some(open) => {
                let close = item[open..].find(')').map_or(item.len(), |c| open + c + 1);
                (
                    start + open,
                    Some(Span::new(base + start + open, base + start + close)),
                )
            }
            None => (stop, None),
        };
        let rule = &text[start..rule_end];
        let lead = rule.len() - rule.trim_start().len();
        let rule_start = start + lead;
        let rule_stop = rule_start + rule.trim().len();
        rules.push(Span::new(base + rule_start, base + rule_stop));
        scopes.push(scope);
    }
    Some(IgnoreList {
        inner: Span::new(base + at, base + end),
        rules,
        scopes,
    })
}

fn skip_space(text: &str, at: usize) -> usize {
    at + text[at..].len() - text[at..].trim_start().len()
}

fn expect(text: &str, at: usize, word: &str) -> Option<usize> {
    text[at..].starts_with(word).then_some(at + word.len())
}

/// The comment of `file` at `offset` (its end included: the cursor is
/// usually just after what was typed).
pub fn comment_at(workspace: &Workspace, file: FileId, offset: usize) -> Option<&Comment> {
    workspace
        .comments
        .get(file)
        .iter()
        .find(|c| contains(c.span, offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_sources, LoadOptions};

    /// The node at the `|` of `text` (which is removed).
    fn at(text: &str) -> Option<(String, Part, String)> {
        let offset = text.find('|').expect("a cursor");
        let text = text.replacen('|', "", 1);
        let options = LoadOptions {
            keep_values: true,
            ..LoadOptions::default()
        };
        let workspace = load_sources(
            vec![("r.yaml".into(), text.clone().into_bytes())],
            ".".into(),
            &options,
        );
        let found = node_at(&workspace, 0, offset)?;
        let spanned = text[found.span.start..found.span.end].to_string();
        Some((found.pointer, found.part, spanned))
    }

    const HEAD: &str = "apiVersion: steward/v1\nkind: Rotation\nid: r\n";

    #[test]
    fn nodes_are_found_through_the_span_tree() {
        let cases: [(&str, &str, Part, &str); 10] = [
            ("roster: [a, b|b]\n", "/roster/1", Part::Value, "bb"),
            ("roster: [a, \"b|\"]\n", "/roster/1", Part::Value, "\"b\""),
            (
                "roster: [a, |]\n",
                "/roster",
                Part::NewItem { index: 1 },
                "",
            ),
            ("rost|er: [a]\n", "/roster", Part::Key, "roster"),
            (
                "holidays:\n  calendar: |\n",
                "/holidays/calendar",
                Part::ValueSlot,
                "",
            ),
            (
                "holidays:\n  calendar: us  |\n",
                "/holidays/calendar",
                Part::ValueSlot,
                "us",
            ),
            (
                "overrides:\n  - start: 2026-01-05\n    primary: |\n",
                "/overrides/0/primary",
                Part::ValueSlot,
                "",
            ),
            (
                "overrides: [{start: 2026-01-05, primary: |}]\n",
                "/overrides/0/primary",
                Part::ValueSlot,
                "",
            ),
            ("roster:\n  - a\n  - |\n", "/roster/1", Part::Value, ""),
            (
                "overrides:\n  - { start: 2026-01-05, primary: |x }\n",
                "/overrides/0/primary",
                Part::Value,
                "x",
            ),
        ];
        for (body, pointer, part, spanned) in cases {
            let text = format!("{HEAD}{body}");
            assert_eq!(
                at(&text),
                Some((pointer.to_string(), part, spanned.to_string())),
                "{body:?}"
            );
        }
    }

    #[test]
    fn a_block_list_without_an_item_at_the_cursor_is_not_a_new_item() {
        let found = at(&format!("{HEAD}roster:\n  - a\n|\nid2: x\n"));
        assert!(
            !matches!(found, Some((_, Part::NewItem { .. }, _))),
            "{found:?}"
        );
    }

    fn comment(text: &str) -> Comment {
        Comment {
            span: Span::new(10, 10 + 1 + text.len()),
            text: text.to_string(),
            line: 1,
            alone: false,
            verbatim: true,
        }
    }

    #[test]
    fn ignore_lists_keep_positions_of_rules_and_scopes() {
        let c = comment(" steward: ignore[ balanced-load , back-to-back(emily), ] why");
        let list = ignore_list(&c).expect("a suppression");
        let slice = |s: Span| &c.text[s.start - 11..s.end - 11];
        let rules: Vec<&str> = list.rules.iter().map(|s| slice(*s)).collect();
        assert_eq!(rules, ["balanced-load", "back-to-back", ""]);
        assert_eq!(list.scopes[1].map(slice), Some("(emily)"));
        assert_eq!(slice(list.inner), " balanced-load , back-to-back(emily), ");
    }

    #[test]
    fn an_unfinished_list_runs_to_the_comment_end_and_other_comments_are_not_lists() {
        let c = comment(" steward: ignore[unknown-ref");
        let list = ignore_list(&c).expect("a suppression being typed");
        assert_eq!(list.inner.end, c.span.end);
        assert_eq!(list.rules.len(), 1);
        assert_eq!(ignore_list(&comment(" on loan from finance")), None);
        assert_eq!(ignore_list(&comment(" steward: ignore")), None);
    }
}
