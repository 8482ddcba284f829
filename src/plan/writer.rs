//! The YAML-preserving edit: the rotation's schedule entries (`roster`,
//! `until`, `overrides`, `shifts`) are cut out of its document by byte range
//! and an explicit `shifts:` list goes where the first of them was. Every
//! other byte of the file (comments, other documents, quoting, flow or block
//! style) is kept. The result is re-parsed and compared with what was meant
//! before anyone sees it. The byte-range edits, the style helpers, the
//! verification and the atomic write are the shared editing layer
//! ([`crate::edit`]), which `check --fix` uses too.

use std::ops::Range;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::edit::{
    self, block_entry_range, block_indent, document_newline, flow_entry_range, line_end,
    line_start, only_a_comma_between, TextEdit,
};
use crate::load::yaml::{self, YamlLimits};
use crate::source::Span;

pub use crate::edit::{scalar, write_atomically};

/// The keys a suggestion replaces.
pub const SCHEDULE_KEYS: [&str; 4] = ["roster", "until", "overrides", "shifts"];

/// One shift as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShiftOut {
    pub start: NaiveDate,
    pub primary: String,
    pub secondary: Option<String>,
    /// Comment lines written above the shift (text after `# `).
    pub leading: Vec<String>,
    /// Written as one comment after the shift, joined by `; `.
    pub trailing: Vec<String>,
    /// The user's own entries (`x-` keys), written after the people.
    pub extensions: Vec<(String, Value)>,
}

impl ShiftOut {
    pub fn has_notes(&self) -> bool {
        !self.leading.is_empty() || !self.trailing.is_empty()
    }
}

/// What is written about one item of a list besides its fields: own-line
/// comments between it and the item before, comments on its own lines, and
/// its `x-` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemNotes {
    pub leading: Vec<String>,
    pub trailing: Vec<String>,
    pub extensions: Vec<(String, Value)>,
}

/// The spans of the items of the list at `pointer`, in order.
fn item_spans(doc: &yaml::YamlDocument, pointer: &str) -> Vec<Span> {
    doc.spans
        .children(pointer)
        .into_iter()
        .map(|c| c.span)
        .collect()
}

/// Per item of the list under `key` in document `index` of `text`, its
/// comments (none when the file does not parse or the key holds no list).
/// A comment belongs to the last item before it on its line, so the items
/// of a flow list on one line (`shifts: [{…}, {…}]`) share none; a comment
/// after a flow list's closing bracket is about the list (its key's line),
/// not about any item; see [`item_ranges`].
pub fn item_notes(text: &str, index: usize, key: &str) -> Vec<ItemNotes> {
    let parsed = yaml::parse(text, &YamlLimits::default());
    let Some(doc) = parsed.documents.get(index) else {
        return Vec::new();
    };
    let pointer = format!("/{}", yaml::escape_pointer_token(key));
    let list = doc.spans.resolve(&pointer);
    if !list.exact || !doc.value.pointer(&pointer).is_some_and(Value::is_array) {
        return Vec::new();
    }
    let items = item_spans(doc, &pointer);
    let key_end = list.key_span.map_or(list.span.start, |k| k.end);
    // By start, to find an item's comments without reading all of them.
    let mut comments: Vec<&yaml::Comment> = parsed.comments.iter().collect();
    comments.sort_by_key(|c| c.span.start);
    let within = |range: &Range<usize>| {
        let from = comments.partition_point(|c| c.span.start < range.start);
        let to = comments.partition_point(|c| c.span.start < range.end);
        comments
            .get(from..to.max(from))
            .unwrap_or_default()
            .iter()
            .map(|c| note_text(&c.text))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
    };
    let values = doc
        .value
        .pointer(&pointer)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    item_ranges(text, key_end, list.span, &items)
        .iter()
        .enumerate()
        .map(|(n, (leading, trailing))| ItemNotes {
            leading: within(leading),
            trailing: within(trailing),
            extensions: values.get(n).map(extensions).unwrap_or_default(),
        })
        .collect()
}

/// The `x-` entries of a mapping, in order.
fn extensions(value: &Value) -> Vec<(String, Value)> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `key: value` in flow style, for a shift and for stderr.
pub fn flow_entry(key: &str, value: &Value) -> String {
    format!("{}: {}", scalar(key), flow_value(value))
}

/// A value in YAML flow style that reads back as the same value.
fn flow_value(value: &Value) -> String {
    match value {
        Value::String(s) => scalar(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(flow_value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Object(map) => {
            let entries: Vec<String> = map.iter().map(|(k, v)| flow_entry(k, v)).collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

/// Per item (`items`) of a list (`value`, its key ending at `key_end`),
/// where the comments about it are: own-line comments between it and the
/// item before (the first item's from the line after the key's), and
/// comments from its start to the end of its line, up to the next item on
/// that line or a flow list's closing bracket. The entry's other comments
/// are about the list itself.
fn item_ranges(
    text: &str,
    key_end: usize,
    value: Span,
    items: &[Span],
) -> Vec<(Range<usize>, Range<usize>)> {
    let flow = text.as_bytes().get(value.start) == Some(&b'[');
    let close = if flow { value.end } else { usize::MAX };
    let mut boundary = line_end(text, key_end);
    let mut out = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let end = line_end(text, item.end);
        let next = items.get(n + 1).map_or(usize::MAX, |next| next.start);
        out.push((
            boundary..item.start.max(boundary),
            item.start..end.min(next).min(close).max(item.start),
        ));
        boundary = boundary.max(end);
    }
    out
}

/// A note as one line of comment text.
pub fn note_text(text: &str) -> String {
    text.split(|c: char| c.is_control())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The edited file, and where the rotation document sits in it.
#[derive(Debug, Clone)]
pub struct Edited {
    pub text: String,
    /// The document's own text (its root mapping, whole lines).
    pub document: String,
    /// The rotation is a flow mapping: notes on shifts could not be written.
    pub flow: bool,
    /// (key, text) of the comments cut out with the schedule entries that
    /// are about no shift or override (on `roster`, `until`, a key line);
    /// the comments of `shifts:` itself stay on the new `shifts:` line.
    pub dropped_comments: Vec<(String, String)>,
}

/// Replaces the schedule of document `index` (0-based, among all YAML
/// documents of `text`) with `shifts`.
pub fn edit(text: &str, index: usize, shifts: &[ShiftOut]) -> Result<Edited, String> {
    let limits = YamlLimits::default();
    let before = yaml::parse(text, &limits);
    if let Some(problem) = before.problems.first() {
        return Err(format!(
            "the file does not parse cleanly: {}",
            problem.message
        ));
    }
    let doc = before
        .documents
        .get(index)
        .ok_or("the rotation's document is not in the file any more")?;
    let Some(map) = doc.value.as_object() else {
        return Err("the rotation document is not a mapping".into());
    };
    // The span tree lists a mapping's entries in the order of the value's
    // keys (duplicates are dropped from both).
    let entries: Vec<(String, Span, Span)> = map
        .keys()
        .zip(doc.spans.children(""))
        .filter_map(|(k, child)| Some((k.clone(), child.key_span?, child.span)))
        .collect();
    let newline = document_newline(text, doc.spans.span().start);
    let flow = text.as_bytes().get(doc.spans.span().start) == Some(&b'{');
    let removed: Vec<&(String, Span, Span)> = entries
        .iter()
        .filter(|(k, _, _)| SCHEDULE_KEYS.contains(&k.as_str()))
        .collect();
    let Some(first) = removed.first() else {
        return Err("the rotation has neither `roster` nor `shifts`".into());
    };
    // Comments before a list's first item (on the key's line) and after a
    // flow list's closing bracket are about the entry; the others are
    // about its items (see `item_notes`).
    let item_ranges_of = |key: &Span, value: &Span, name: &str| {
        let list = doc.value.get(name).is_some_and(Value::is_array);
        let is_item_list = list && (name == "shifts" || name == "overrides");
        if !is_item_list {
            return Vec::new();
        }
        let pointer = format!("/{}", yaml::escape_pointer_token(name));
        item_ranges(text, key.end, *value, &item_spans(doc, &pointer))
    };
    let entry_comments = |name: &str, key: &Span, value: &Span, start: usize, end: usize| {
        // In file order and disjoint: the last range starting at or before
        // a comment is the only one that can hold it.
        let ranges: Vec<Range<usize>> = item_ranges_of(key, value, name)
            .into_iter()
            .flat_map(|(leading, trailing)| [leading, trailing])
            .filter(|r| !r.is_empty())
            .collect();
        let about_an_item = move |at: usize| {
            let i = ranges.partition_point(|r| r.start <= at);
            i.checked_sub(1)
                .and_then(|i| ranges.get(i))
                .is_some_and(|r| r.contains(&at))
        };
        before
            .comments
            .iter()
            .filter(move |c| start <= c.span.start && c.span.start < end)
            .filter(move |c| !about_an_item(c.span.start))
            .map(|c| note_text(&c.text))
            .filter(|t| !t.is_empty())
            .collect::<Vec<String>>()
    };
    let shifts_comment: Vec<String> = removed
        .iter()
        .filter(|(k, _, _)| k == "shifts")
        .flat_map(|(k, key, value)| {
            // To the end of the entry's last line, as `block_entry_range`.
            let end = line_end(text, value.end.max(key.end));
            entry_comments(k, key, value, key.start, end)
        })
        .collect();
    let mut dropped_comments: Vec<(String, String)> = Vec::new();
    let mut edits: Vec<TextEdit> = Vec::new();
    if flow {
        // Neighbouring entries to remove go as one, with one comma, so
        // that two of them never claim the comma between them.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        for (n, (name, key, value)) in removed.iter().enumerate() {
            let end = value.end.max(key.end);
            for c in entry_comments(name, key, value, key.start, end) {
                dropped_comments.push((name.clone(), c));
            }
            if n == 0 {
                edits.push(TextEdit::replace(
                    Span::new(key.start, end),
                    flow_shifts(shifts),
                ));
            } else {
                groups.push((key.start, end));
            }
        }
        groups.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (start, end) in groups {
            match merged.last_mut() {
                Some(last) if only_a_comma_between(text, last.1, start) => last.1 = end,
                _ => merged.push((start, end)),
            }
        }
        for (start, end) in merged {
            let (start, end) = flow_entry_range(text, start, end);
            edits.push(TextEdit::delete(Span::new(start, end)));
        }
    } else {
        let indent = block_indent(text, first.1.start)
            .ok_or("the rotation's keys do not start their lines; cannot edit it in place")?;
        for (n, (name, key, value)) in removed.iter().enumerate() {
            let end = value.end.max(key.end);
            let (start, end) = block_entry_range(text, key.start, end)
                .ok_or("an entry shares its line with other content; cannot edit it in place")?;
            if name != "shifts" {
                for c in entry_comments(name, key, value, start, end) {
                    dropped_comments.push((name.clone(), c));
                }
            }
            let replacement = if n == 0 {
                block_shifts(shifts, &indent, newline, &shifts_comment)
            } else {
                String::new()
            };
            edits.push(TextEdit::replace(Span::new(start, end), replacement));
        }
    }
    let mut out = edit::apply(text, &edits).map_err(|e| {
        if edits
            .iter()
            .enumerate()
            .any(|(i, a)| edits[i + 1..].iter().any(|b| a.conflicts(b)))
        {
            "the schedule entries overlap; cannot edit them in place".to_string()
        } else {
            e
        }
    })?;
    if !flow && !text.is_empty() && !text.ends_with('\n') && out.ends_with(newline) {
        // The last entry had no line break: do not add one.
        out.truncate(out.len() - newline.len());
    }
    let document = verify(text, &out, index, &doc.value, shifts)?;
    Ok(Edited {
        text: out,
        document,
        flow,
        dropped_comments,
    })
}

/// Re-parses the edited text: every other document is unchanged, the
/// rotation equals the original minus its schedule keys plus `shifts`.
fn verify(
    before: &str,
    after: &str,
    index: usize,
    original: &Value,
    shifts: &[ShiftOut],
) -> Result<String, String> {
    let old = yaml::parse(before, &YamlLimits::default());
    let mut expected: Map<String, Value> = original.as_object().cloned().unwrap_or_default();
    for key in SCHEDULE_KEYS {
        expected.remove(key);
    }
    expected.insert("shifts".into(), shifts_value(shifts));
    let mut values: Vec<Value> = old.documents.into_iter().map(|d| d.value).collect();
    match values.get_mut(index) {
        Some(value) => *value = Value::Object(expected),
        None => return Err("the rotation's document is missing after the edit".into()),
    }
    let new = edit::verify_values(after, &values)?;
    let doc = new
        .documents
        .get(index)
        .ok_or("the rotation's document is missing after the edit")?;
    let start = line_start(after, doc.spans.span().start);
    let end = line_end(after, doc.spans.span().end);
    let mut text = after.get(start..end).unwrap_or_default().to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn shifts_value(shifts: &[ShiftOut]) -> Value {
    Value::Array(
        shifts
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("start".into(), Value::String(s.start.to_string()));
                m.insert("primary".into(), Value::String(s.primary.clone()));
                if let Some(sec) = &s.secondary {
                    m.insert("secondary".into(), Value::String(sec.clone()));
                }
                for (key, value) in &s.extensions {
                    m.insert(key.clone(), value.clone());
                }
                Value::Object(m)
            })
            .collect(),
    )
}

fn flow_item(s: &ShiftOut) -> String {
    let mut entries = vec![
        format!("start: {}", s.start),
        format!("primary: {}", scalar(&s.primary)),
    ];
    if let Some(sec) = &s.secondary {
        entries.push(format!("secondary: {}", scalar(sec)));
    }
    entries.extend(s.extensions.iter().map(|(k, v)| flow_entry(k, v)));
    format!("{{ {} }}", entries.join(", "))
}

fn block_shifts(shifts: &[ShiftOut], indent: &str, newline: &str, comment: &[String]) -> String {
    let mut out = format!("{indent}shifts:");
    if !comment.is_empty() {
        out.push_str(&format!("  # {}", comment.join("; ")));
    }
    out.push_str(newline);
    for s in shifts {
        for line in &s.leading {
            out.push_str(&format!("{indent}  # {}{newline}", note_text(line)));
        }
        out.push_str(&format!("{indent}  - {}", flow_item(s)));
        let notes: Vec<String> = s
            .trailing
            .iter()
            .map(|t| note_text(t))
            .filter(|t| !t.is_empty())
            .collect();
        if !notes.is_empty() {
            out.push_str(&format!("  # {}", notes.join("; ")));
        }
        out.push_str(newline);
    }
    out
}

fn flow_shifts(shifts: &[ShiftOut]) -> String {
    let items: Vec<String> = shifts.iter().map(flow_item).collect();
    format!("shifts: [{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn two() -> Vec<ShiftOut> {
        vec![
            ShiftOut {
                start: d("2026-01-05"),
                primary: "john".into(),
                secondary: Some("emily".into()),
                ..ShiftOut::default()
            },
            ShiftOut {
                start: d("2026-01-12"),
                primary: "emily".into(),
                secondary: None,
                ..ShiftOut::default()
            },
        ]
    }

    #[test]
    fn block_rotation_keeps_everything_else() {
        let text = "# head\napiVersion: steward/v1\nkind: Rotation\nid: r\nstart: 2026-01-05\nuntil: 2026-01-19   # exclusive\nroster:\n  - john   # first\n  - emily\nholidays: { calendar: us-major }  # keep me\noverrides:\n  # a swap\n  - { start: 2026-01-12, primary: emily }\n# tail comment\n";
        let edited = edit(text, 0, &two()).unwrap();
        assert_eq!(
            edited.text,
            "# head\napiVersion: steward/v1\nkind: Rotation\nid: r\nstart: 2026-01-05\nshifts:\n  - { start: 2026-01-05, primary: john, secondary: emily }\n  - { start: 2026-01-12, primary: emily }\nholidays: { calendar: us-major }  # keep me\n# tail comment\n"
        );
        assert!(edited.document.starts_with("apiVersion: steward/v1\n"));
        assert!(edited.document.ends_with("# keep me\n"));
    }

    #[test]
    fn flow_rotation_and_crlf() {
        let text = "---\n{apiVersion: steward/v1, kind: Rotation, roster: [a, b], id: r, until: 2026-02-01}\n---\nother: 1\n";
        let edited = edit(text, 0, &two()).unwrap();
        assert_eq!(
            edited.text,
            "---\n{apiVersion: steward/v1, kind: Rotation, shifts: [{ start: 2026-01-05, primary: john, secondary: emily }, { start: 2026-01-12, primary: emily }], id: r}\n---\nother: 1\n"
        );
        // Each document keeps its own line endings.
        let mixed = "a: 1\r\n---\nroster: [x]\nb: 2\n---\r\nc: 3\r\n";
        let edited = edit(mixed, 1, &two()[..1]).unwrap();
        assert_eq!(
            edited.text,
            "a: 1\r\n---\nshifts:\n  - { start: 2026-01-05, primary: john, secondary: emily }\nb: 2\n---\r\nc: 3\r\n"
        );
        let mixed = "a: 1\n---\r\nroster: [x]\r\nb: 2\r\n";
        let edited = edit(mixed, 1, &two()[..1]).unwrap();
        assert_eq!(
            edited.text,
            "a: 1\n---\r\nshifts:\r\n  - { start: 2026-01-05, primary: john, secondary: emily }\r\nb: 2\r\n"
        );
        let crlf = "a: 1\r\nroster: [x]\r\nuntil: 2026-01-01\r\nb: 2\r\n";
        let edited = edit(crlf, 0, &two()[..1]).unwrap();
        assert_eq!(
            edited.text,
            "a: 1\r\nshifts:\r\n  - { start: 2026-01-05, primary: john, secondary: emily }\r\nb: 2\r\n"
        );
    }

    #[test]
    fn notes_are_comments_and_read_back_as_notes() {
        let mut shifts = two();
        shifts[0].leading = vec!["January".into()];
        shifts[1].trailing = vec!["Emily on leave".into(), "swap:\nsee #12 ".into()];
        let text = "id: r\nroster: [a]\n";
        let edited = edit(text, 0, &shifts).unwrap();
        assert_eq!(
            edited.text,
            "id: r\nshifts:\n  # January\n  - { start: 2026-01-05, primary: john, secondary: emily }\n  - { start: 2026-01-12, primary: emily }  # Emily on leave; swap: see #12\n"
        );
        assert_eq!(
            item_notes(&edited.text, 0, "shifts"),
            vec![
                ItemNotes {
                    leading: vec!["January".into()],
                    ..ItemNotes::default()
                },
                ItemNotes {
                    trailing: vec!["Emily on leave; swap: see #12".into()],
                    ..ItemNotes::default()
                },
            ]
        );
        // Block items: a comment inside the item is on it; one after the
        // list belongs to what follows.
        let text = "shifts:\n  - start: 2026-01-05  # one\n    primary: a\n  # two\n  - start: 2026-01-12\n    primary: b\n# after\nx: 1\n";
        let notes = item_notes(text, 0, "shifts");
        assert_eq!(notes[0].trailing, vec!["one".to_string()]);
        assert_eq!(notes[1].leading, vec!["two".to_string()]);
        assert!(notes[1].trailing.is_empty(), "{notes:?}");
    }

    #[test]
    fn the_items_of_a_one_line_flow_list_share_no_comment() {
        // The comment after the closing bracket is about the list: it stays
        // on the `shifts:` line, and no item has it.
        let text = "id: r\nshifts: [{start: 2026-01-05, primary: a}, {start: 2026-01-12, primary: b}]  # reviewed\nx-k: 1\n";
        assert_eq!(item_notes(text, 0, "shifts"), vec![ItemNotes::default(); 2]);
        let edited = edit(text, 0, &two()).unwrap();
        assert_eq!(
            edited.text,
            "id: r\nshifts:  # reviewed\n  - { start: 2026-01-05, primary: john, secondary: emily }\n  - { start: 2026-01-12, primary: emily }\nx-k: 1\n"
        );
        assert!(edited.dropped_comments.is_empty());
        // Over several lines: the last item before a comment on its line.
        let text = "shifts: [  # open\n  {start: 2026-01-05, primary: a}, {start: 2026-01-12, primary: b},  # b\n  # c above\n  {start: 2026-01-19, primary: c}  # c\n  # inside\n]  # close\n";
        let notes = item_notes(text, 0, "shifts");
        let trailing: Vec<&[String]> = notes.iter().map(|n| n.trailing.as_slice()).collect();
        assert_eq!(trailing, [&[][..], &["b".to_string()], &["c".to_string()]]);
        assert_eq!(notes[2].leading, vec!["c above".to_string()]);
        assert!(notes[0].leading.is_empty() && notes[1].leading.is_empty());
        let edited = edit(text, 0, &two()).unwrap();
        assert!(
            edited.text.starts_with("shifts:  # open; inside; close\n"),
            "{}",
            edited.text
        );
        // A flow `overrides` list's own comment goes with the entry.
        let text = "id: r\nroster: [a]\noverrides: [{start: 2026-01-05, primary: a}, {start: 2026-01-12, primary: a}]  # agreed\n";
        assert_eq!(
            item_notes(text, 0, "overrides"),
            vec![ItemNotes::default(); 2]
        );
        let edited = edit(text, 0, &two()).unwrap();
        assert_eq!(
            edited.dropped_comments,
            vec![("overrides".to_string(), "agreed".to_string())]
        );
    }

    #[test]
    fn neighbouring_flow_entries_share_no_comma() {
        // `roster` and `overrides` last: both used to claim the comma
        // between them ("the schedule entries overlap").
        let text = "{id: r, until: 2026-02-01, roster: [a, b], overrides: [{start: 2026-01-12, primary: b}]}\n";
        let edited = edit(text, 0, &two()).unwrap();
        assert_eq!(
            edited.text,
            "{id: r, shifts: [{ start: 2026-01-05, primary: john, secondary: emily }, { start: 2026-01-12, primary: emily }]}\n"
        );
        let text = "{roster: [a, b], overrides: [], id: r, until: 2026-02-01}\n";
        let edited = edit(text, 0, &two()[..1]).unwrap();
        assert_eq!(
            edited.text,
            "{shifts: [{ start: 2026-01-05, primary: john, secondary: emily }], id: r}\n"
        );
    }

    #[test]
    fn odd_ids_are_quoted() {
        assert_eq!(scalar("john"), "john");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("true"), "\"true\"");
    }

    #[test]
    fn refuses_what_it_cannot_edit() {
        assert!(edit("a: [unclosed\n", 0, &two()).is_err());
        assert!(edit("a: 1\n", 0, &two()).is_err());
        assert!(edit("- a\n", 0, &two()).is_err());
    }
}
