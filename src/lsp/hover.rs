//! Hover: the definition behind an id, or the documentation of a rule named
//! in a suppression comment.

use chrono::{Duration, NaiveDate};
use serde_json::Value;

use crate::check::rule_catalog;
use crate::document::Kind;
use crate::reference::Reference;
use crate::resolve::{and_list, resolve};
use crate::schedule::holidays::BUILTIN_CALENDARS;
use crate::source::{FileId, Span};

use super::analysis::Analysis;
use super::locate::{self, Part};
use super::symbols::{Symbol, SymbolKind};

/// How far ahead a member's hover lists their leave.
const LEAVE_WEEKS: i64 = 8;

/// Markdown for what is at `offset`, and the span it describes.
pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<(String, Span)> {
    let workspace = &analysis.outcome.workspace;
    if let Some(comment) = locate::comment_at(workspace, file, offset) {
        let list = locate::ignore_list(comment)?;
        let source = workspace.files.get(file)?;
        let span = *list
            .rules
            .iter()
            .find(|s| !s.is_empty() && s.start <= offset && offset <= s.end)?;
        let id = source.text()?.get(span.start..span.end)?;
        let rule = rule_catalog(&analysis.outcome.policy)
            .into_iter()
            .find(|r| r.id == id)?;
        let severity = rule.severity.map_or("off", |s| s.as_str());
        let text = format!(
            "**{}** ({severity}): {}\n\n{}",
            rule.id,
            rule.summary,
            rule.explanation.trim_end()
        );
        return Some((text, span));
    }
    let at = locate::node_at(workspace, file, offset)?;
    if at.part != Part::Value {
        return None;
    }
    let occurrence = analysis.index().at(at.doc, &at.pointer)?;
    let mut text = describe(analysis, &occurrence.symbol)?;
    // A team or role reference: whom it names, by the shared resolver.
    let written = workspace
        .doc(at.doc)
        .and_then(|d| d.value.as_deref())
        .and_then(|v| v.pointer(&at.pointer))
        .and_then(Value::as_str)
        .and_then(Reference::parse);
    if let Some(reference) = written.filter(|r| r.team().is_some()) {
        let resolution = resolve(&analysis.outcome.model, &reference);
        let people: Vec<String> = resolution.ids().map(|id| format!("`{id}`")).collect();
        text.push_str(&if people.is_empty() {
            format!("\n\n`{reference}` names nobody")
        } else {
            format!("\n\n`{reference}` names {}", and_list(&people))
        });
    }
    Some((text, at.span))
}

/// What a symbol is, from its definition.
pub fn describe(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    if symbol.kind == SymbolKind::Calendar && BUILTIN_CALENDARS.contains(&symbol.id.as_str()) {
        return Some(format!("`{}`: a builtin holiday calendar", symbol.id));
    }
    let definition = analysis.index().definition(symbol)?;
    let workspace = &analysis.outcome.workspace;
    let value = workspace.doc(definition.doc)?.value.as_deref()?;
    let id = symbol.id.as_str();
    let title = |name: Option<&str>, what: String| match name.filter(|n| !n.is_empty()) {
        Some(name) => format!("**{name}** (`{id}`), {what}"),
        None => format!("`{id}`, {what}"),
    };
    let mut lines: Vec<String> = Vec::new();
    let head = match symbol.kind {
        SymbolKind::Member => {
            let member_pointer = definition.pointer.strip_suffix("/id")?;
            let member = value.pointer(member_pointer)?;
            let team = text(value, "/id").unwrap_or("?");
            let team_name = text(value, "/name")
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let also: Vec<&str> = analysis
                .index()
                .occurrences_of(symbol, false)
                .filter(|o| o.pointer.starts_with("/also/"))
                .filter_map(|o| workspace.doc(o.doc)?.id())
                .collect();
            push_list(&mut lines, "also in", &also);
            push_list(&mut lines, "areas", &strings(member, "/areas"));
            push_list(&mut lines, "roles", &strings(member, "/roles"));
            lines.push(leave(member, analysis.today));
            title(
                text(member, "/name"),
                format!("member of team `{team}`{team_name}"),
            )
        }
        SymbolKind::Team => {
            let members: Vec<&str> = value
                .get("members")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|m| text(m, "/id"))
                .collect();
            if let Some(lead) = text(value, "/lead") {
                lines.push(format!("- lead: `{lead}`"));
            }
            push_list(&mut lines, "members", &members);
            push_list(&mut lines, "also", &strings(value, "/also"));
            push_list(&mut lines, "areas", &strings(value, "/areas"));
            title(
                text(value, "/name"),
                format!("team of {}", count(members.len(), "member")),
            )
        }
        SymbolKind::Pipeline => {
            let owners: Vec<String> = ["primary", "secondary"]
                .iter()
                .filter_map(|role| {
                    let names = strings(value, &format!("/owners/{role}"));
                    (!names.is_empty()).then(|| format!("{role} {}", code_list(&names)))
                })
                .collect();
            if !owners.is_empty() {
                lines.push(format!("- owners: {}", owners.join(", ")));
            }
            let mut rotations: Vec<&str> = analysis
                .index()
                .occurrences_of(symbol, false)
                .filter(|o| workspace.doc(o.doc).and_then(|d| d.kind) == Some(Kind::Rotation))
                .filter_map(|o| workspace.doc(o.doc)?.id())
                .collect();
            rotations.dedup();
            lines.push(match rotations.as_slice() {
                [] => "- on call: no rotation covers it".to_string(),
                [one] => format!("- on call: rotation `{one}`"),
                many => format!("- on call: rotations {}", code_list(many)),
            });
            if let Some(runbook) = text(value, "/runbook") {
                lines.push(format!("- runbook: `{runbook}`"));
            }
            let area = text(value, "/area").unwrap_or("?");
            let audience = text(value, "/audience").unwrap_or("?");
            title(
                text(value, "/name"),
                format!("pipeline in area `{area}`, audience `{audience}`"),
            )
        }
        SymbolKind::Rotation => {
            push_list(&mut lines, "roster", &strings(value, "/roster"));
            push_list(&mut lines, "covers", &strings(value, "/covers"));
            if let Some(calendar) = text(value, "/holidays/calendar") {
                lines.push(format!("- holidays: calendar `{calendar}`"));
            }
            let length = text(value, "/shift_length").unwrap_or("?");
            let start = text(value, "/start").unwrap_or("?");
            title(
                text(value, "/name"),
                format!("rotation of {length} shifts from {start}"),
            )
        }
        SymbolKind::Calendar => {
            let holidays = value
                .get("holidays")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            title(
                text(value, "/name"),
                format!("holiday calendar of {}", count(holidays, "holiday")),
            )
        }
    };
    let mut out = head;
    if !lines.is_empty() {
        out.push_str("\n\n");
        out.push_str(&lines.join("\n"));
    }
    Some(out)
}

fn text<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer)?.as_str()
}

/// A string, or the strings of a list.
fn strings<'v>(value: &'v Value, pointer: &str) -> Vec<&'v str> {
    match value.pointer(pointer) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn code_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn push_list(lines: &mut Vec<String>, what: &str, items: &[&str]) {
    if !items.is_empty() {
        lines.push(format!("- {what}: {}", code_list(items)));
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The member's leave that overlaps the next `LEAVE_WEEKS` weeks.
fn leave(member: &Value, today: NaiveDate) -> String {
    let horizon = today + Duration::weeks(LEAVE_WEEKS);
    let date = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let mut spans: Vec<String> = member
        .get("unavailable")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            let (from, to) = (date(l, "from")?, date(l, "to")?);
            if to < today || from > horizon {
                return None;
            }
            let reason = l
                .get("reason")
                .and_then(Value::as_str)
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            Some(if from == to {
                format!("{from}{reason}")
            } else {
                format!("{from} to {to}{reason}")
            })
        })
        .collect();
    spans.sort();
    if spans.is_empty() {
        format!("- no leave in the next {LEAVE_WEEKS} weeks")
    } else {
        format!(
            "- leave in the next {LEAVE_WEEKS} weeks: {}",
            spans.join("; ")
        )
    }
}
