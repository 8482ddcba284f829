//! What a rotation says about its shifts in words (override reasons, and
//! comments on explicit shifts and on overrides) goes with the written
//! shifts it explains, as comments, while those shifts keep the people the
//! words were about; so do the user's own `x-` entries of shifts and
//! overrides, as entries of the shift. Whatever cannot be kept is listed on
//! stderr.

use super::writer::{self, ItemNotes, ShiftOut};
use crate::model::Rotation;
use crate::schedule::{RotationSchedule, ShiftSource};

/// Why a note is not in the written rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The suggestion gives the shift to other people.
    ChangedHands,
    /// A flow-style rotation is written on one line: no room for comments.
    Flow,
    /// An override that starts no shift changes nothing and is dropped.
    NoShift,
    /// A comment on `roster`, `until` or a key line, which the shifts replace.
    Replaced,
    /// An override's `x-` entry whose key its shift already has, with
    /// another value.
    KeyTaken,
    /// The new shifts tile the window from `--from`: none starts when this
    /// (irregular) shift did.
    NoShiftThen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub why: Why,
    /// The shift's or override's start, or the entry's key.
    pub at: String,
    pub text: String,
}

/// Puts the notes of the rotation (document `index` of `text`) on the
/// `shifts` about to be written; returns the notes that cannot go anywhere.
pub fn attach(
    text: &str,
    index: usize,
    rot: &Rotation,
    rs: &RotationSchedule,
    shifts: &mut [ShiftOut],
) -> Vec<Dropped> {
    let on_shifts = writer::item_notes(text, index, "shifts");
    let on_overrides = writer::item_notes(text, index, "overrides");
    let none = ItemNotes::default();
    let mut dropped = Vec::new();
    for existing in &rs.shifts {
        // A shift the new tiling does not start (an irregular one in the
        // window) keeps none of its notes.
        let mut out = shifts.iter_mut().find(|s| s.start == existing.start);
        let why = match out {
            Some(_) => Why::ChangedHands,
            None => Why::NoShiftThen,
        };
        let mut leading: Vec<String> = Vec::new();
        let mut trailing: Vec<String> = Vec::new();
        let mut lost: Vec<String> = Vec::new();
        let mut extensions: Vec<(String, serde_json::Value)> = Vec::new();
        if let ShiftSource::Explicit(i) = existing.source {
            let item = on_shifts.get(i as usize).unwrap_or(&none);
            let same = out.as_ref().is_some_and(|out| {
                existing.primary.person == out.primary
                    && out.secondary.as_deref()
                        == existing.secondary.as_ref().map(|a| a.person.as_str())
            });
            if same {
                leading.extend(item.leading.iter().cloned());
                trailing.extend(item.trailing.iter().cloned());
                extensions.extend(item.extensions.iter().cloned());
            } else {
                lost.extend(item.leading.iter().chain(&item.trailing).cloned());
                lost.extend(entries(&item.extensions));
            }
        }
        for &j in &existing.overrides {
            let Some(ov) = rot.overrides.get(j as usize) else {
                continue;
            };
            let item = on_overrides.get(j as usize).unwrap_or(&none);
            let reason = ov.reason.as_deref().map(writer::note_text);
            let holds = out.as_ref().is_some_and(|out| {
                ov.primary.as_ref().is_none_or(|p| *p == out.primary)
                    && ov
                        .secondary
                        .as_ref()
                        .is_none_or(|s| out.secondary.as_ref() == Some(s))
            });
            if holds {
                leading.extend(item.leading.iter().cloned());
                trailing.extend(reason.into_iter().filter(|r| !r.is_empty()));
                trailing.extend(item.trailing.iter().cloned());
                extensions.extend(item.extensions.iter().cloned());
            } else {
                lost.extend(reason.into_iter().filter(|r| !r.is_empty()));
                lost.extend(item.leading.iter().chain(&item.trailing).cloned());
                lost.extend(entries(&item.extensions));
            }
        }
        dropped.extend(lost.into_iter().map(|text| Dropped {
            why,
            at: existing.start.to_string(),
            text,
        }));
        let Some(out) = out.as_mut() else {
            continue;
        };
        for note in leading {
            if !out.leading.contains(&note) {
                out.leading.push(note);
            }
        }
        for note in trailing {
            if !out.trailing.contains(&note) {
                out.trailing.push(note);
            }
        }
        // An entry once per key: the shift's own first, then the overrides'
        // in order; another value under a key already there is dropped.
        for (key, value) in extensions {
            match out.extensions.iter().find(|(k, _)| *k == key) {
                None => out.extensions.push((key, value)),
                Some((_, there)) if *there == value => {}
                Some(_) => dropped.push(Dropped {
                    why: Why::KeyTaken,
                    at: existing.start.to_string(),
                    text: writer::flow_entry(&key, &value),
                }),
            }
        }
    }
    for &j in &rs.unmatched_overrides {
        let Some(ov) = rot.overrides.get(j) else {
            continue;
        };
        let mut what: Vec<String> = Vec::new();
        if let Some(p) = &ov.primary {
            what.push(format!("primary {p}"));
        }
        if let Some(s) = &ov.secondary {
            what.push(format!("secondary {s}"));
        }
        let mut text = what.join(", ");
        let item = on_overrides.get(j).unwrap_or(&none);
        let words: Vec<String> = ov
            .reason
            .as_deref()
            .map(writer::note_text)
            .into_iter()
            .chain(item.leading.iter().chain(&item.trailing).cloned())
            .chain(entries(&item.extensions))
            .filter(|t| !t.is_empty())
            .collect();
        if !words.is_empty() {
            text.push_str(&format!(" ({})", words.join("; ")));
        }
        dropped.push(Dropped {
            why: Why::NoShift,
            at: ov.start.to_string(),
            text,
        });
    }
    dropped
}

/// `x-` entries as one line each, for stderr.
fn entries(extensions: &[(String, serde_json::Value)]) -> Vec<String> {
    extensions
        .iter()
        .map(|(k, v)| writer::flow_entry(k, v))
        .collect()
}

/// Comments cut out with the entries the shifts replace: (key, text).
pub fn replaced(comments: &[(String, String)]) -> Vec<Dropped> {
    comments
        .iter()
        .map(|(key, text)| Dropped {
            why: Why::Replaced,
            at: format!("`{key}`"),
            text: text.clone(),
        })
        .collect()
}

/// Notes on `shifts` that a flow-style rotation cannot hold.
pub fn unwritable(shifts: &[ShiftOut]) -> Vec<Dropped> {
    shifts
        .iter()
        .flat_map(|s| {
            s.leading.iter().chain(&s.trailing).map(|text| Dropped {
                why: Why::Flow,
                at: s.start.to_string(),
                text: text.clone(),
            })
        })
        .collect()
}

/// The dropped notes, grouped by why, for stderr.
pub fn report(dropped: &[Dropped]) -> String {
    // In the order found (by shift, notes in file order), once each.
    let mut list: Vec<&Dropped> = Vec::new();
    for d in dropped {
        if !list.contains(&d) {
            list.push(d);
        }
    }
    let mut out = String::new();
    for why in [
        Why::ChangedHands,
        Why::KeyTaken,
        Why::NoShiftThen,
        Why::Flow,
        Why::NoShift,
        Why::Replaced,
    ] {
        let lines: Vec<&&Dropped> = list.iter().filter(|d| d.why == why).collect();
        if lines.is_empty() {
            continue;
        }
        let one = lines.len() == 1;
        out.push_str(match (why, one) {
            (Why::ChangedHands, true) => {
                "This note is dropped: the suggestion gives its shift to other people:\n"
            }
            (Why::ChangedHands, false) => {
                "These notes are dropped: the suggestion gives their shifts to other people:\n"
            }
            (Why::Flow, true) => {
                "This note is dropped: a flow-style rotation has no room for comments:\n"
            }
            (Why::Flow, false) => {
                "These notes are dropped: a flow-style rotation has no room for comments:\n"
            }
            (Why::NoShift, true) => {
                "This override is dropped: it starts no shift, so it changes nothing [coverage-gap]:\n"
            }
            (Why::NoShift, false) => {
                "These overrides are dropped: they start no shift, so they change nothing [coverage-gap]:\n"
            }
            (Why::Replaced, true) => {
                "This comment is dropped with the entry it was on, which the shifts replace:\n"
            }
            (Why::Replaced, false) => {
                "These comments are dropped with the entries they were on, which the shifts replace:\n"
            }
            (Why::NoShiftThen, true) => {
                "This note is dropped: no new shift starts when its shift did:\n"
            }
            (Why::NoShiftThen, false) => {
                "These notes are dropped: no new shift starts when their shifts did:\n"
            }
            (Why::KeyTaken, true) => {
                "This override's entry is dropped: its shift already has the key, with another value:\n"
            }
            (Why::KeyTaken, false) => {
                "These overrides' entries are dropped: their shifts already have the keys, with other values:\n"
            }
        });
        for d in lines {
            out.push_str(&format!("  - {}: {}\n", d.at, d.text));
        }
    }
    out
}
