//! Completion: ids where a reference is expected, rule ids inside
//! `# steward: ignore[…]`.

use serde_json::Value;

use crate::check::rule_catalog;
use crate::reference::Reference;
use crate::resolve::{describe, resolve};
use crate::source::{FileId, Span};

use super::analysis::Analysis;
use super::locate::{self, Part};
use super::symbols::{self, Site, SymbolKind};

/// What a completion inserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    Symbol(SymbolKind),
    Rule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub detail: Option<String>,
    pub kind: ItemKind,
}

/// The items for `offset` and the span they replace.
pub fn complete(analysis: &Analysis, file: FileId, offset: usize) -> Option<(Vec<Item>, Span)> {
    let workspace = &analysis.outcome.workspace;
    let source = workspace.files.get(file)?;
    if let Some(comment) = locate::comment_at(workspace, file, offset) {
        let list = locate::ignore_list(comment)?;
        if offset < list.inner.start || offset > list.inner.end {
            return None;
        }
        if list
            .scopes
            .iter()
            .flatten()
            .any(|s| s.start < offset && offset <= s.end)
        {
            return None;
        }
        let text = source.text()?;
        let typed = |s: &Span| text.get(s.start..s.end).unwrap_or("");
        let current = list
            .rules
            .iter()
            .find(|s| s.start <= offset && offset <= s.end)
            .copied();
        let listed: Vec<&str> = list
            .rules
            .iter()
            .filter(|s| Some(**s) != current)
            .map(typed)
            .collect();
        let items = rule_catalog(&analysis.outcome.policy)
            .into_iter()
            .filter(|r| !listed.contains(&r.id.as_str()))
            .map(|r| Item {
                label: r.id,
                detail: Some(r.summary),
                kind: ItemKind::Rule,
            })
            .collect();
        return Some((items, current.unwrap_or(Span::empty(offset))));
    }
    let at = locate::node_at(workspace, file, offset)?;
    let (pointer, replace) = match at.part {
        Part::Key => return None,
        Part::NewItem { index } => (format!("{}/{index}", at.pointer), Span::empty(offset)),
        Part::Value | Part::ValueSlot if at.span.is_empty() => (at.pointer, Span::empty(offset)),
        Part::Value | Part::ValueSlot => (at.pointer, unquoted(source.text()?, at.span)),
    };
    let kind = workspace.doc(at.doc)?.kind?;
    let Site::Refers(expect) = symbols::site(kind, &pointer)? else {
        return None;
    };
    let items = analysis
        .index()
        .candidates(expect, at.doc, &analysis.outcome.model)
        .into_iter()
        .map(|(id, definition)| {
            let kind =
                symbols::symbol(Site::Refers(expect), &id).map_or(SymbolKind::Member, |s| s.kind);
            let detail = match Reference::parse(&id).filter(|r| r.team().is_some()) {
                // Whom `team:T` or `team:T/role` names, by the shared resolver.
                Some(reference) => Some(describe(
                    &reference,
                    &resolve(&analysis.outcome.model, &reference),
                )),
                None => definition.and_then(|d| detail(analysis, d)),
            };
            Item {
                label: id,
                detail: detail.or_else(|| {
                    (kind == SymbolKind::Calendar).then(|| "builtin calendar".to_string())
                }),
                kind: ItemKind::Symbol(kind),
            }
        })
        .collect();
    Some((items, replace))
}

/// A quoted scalar is replaced inside its quotes.
fn unquoted(text: &str, span: Span) -> Span {
    let node = text.get(span.start..span.end).unwrap_or("");
    let quoted = node.len() >= 2
        && ((node.starts_with('"') && node.ends_with('"'))
            || (node.starts_with('\'') && node.ends_with('\'')));
    if quoted {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    }
}

/// The name beside a defined id (a member's, a pipeline's), and a
/// member's team.
fn detail(analysis: &Analysis, definition: &symbols::Occurrence) -> Option<String> {
    let value = analysis
        .outcome
        .workspace
        .doc(definition.doc)?
        .value
        .as_deref()?;
    let parent = definition.pointer.strip_suffix("/id")?;
    let name = value
        .pointer(&format!("{parent}/name"))
        .and_then(Value::as_str);
    match definition.symbol.kind {
        SymbolKind::Member => {
            let team = value.get("id").and_then(Value::as_str).unwrap_or("?");
            Some(match name {
                Some(name) => format!("{name} ({team})"),
                None => format!("member of {team}"),
            })
        }
        _ => name.map(str::to_string),
    }
}
