//! `--format json`: one object, keys in a fixed order, dates as `YYYY-MM-DD`.
//! Shift `end` is exclusive (as in the spec); `last_day` is inclusive.

use serde_json::{json, Map, Value};

use super::{counted_shifts, View};
use crate::schedule::load::Load;
use crate::schedule::{Form, NotExpanded};

/// Balance scores rounded to 4 decimals so output is the same everywhere.
fn rounded(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A load object; `over` says what it counts ("rotation": all of one
/// rotation's shifts, "rotations": all of every rotation's), whatever the
/// window: the counts `balanced-load` judges.
fn load(view: &View<'_>, load: &Load, over: &str, shifts: usize) -> Value {
    let people: Vec<Value> = load
        .people
        .iter()
        .map(|(person, l)| {
            json!({
                "person": person,
                "name": view.name(person),
                "primary": l.primary,
                "secondary": l.secondary,
                "primary_holidays": l.primary_holidays,
                "secondary_holidays": l.secondary_holidays,
            })
        })
        .collect();
    json!({
        "over": over,
        "shifts": shifts,
        "people": people,
        "balance": rounded(load.balance),
    })
}

pub fn render(view: &View<'_>) -> String {
    let sections = view.sections();
    let mut rotations = Vec::new();
    for s in &sections {
        let rs = s.rs;
        let rot = s.rot;
        let shifts: Vec<Value> = view
            .rows(s)
            .iter()
            .map(|row| {
                let shift = row.shift;
                let person = |a: &crate::schedule::Assignment| {
                    json!({
                        "person": a.person,
                        "name": view.name(&a.person),
                        "override": a.origin.is_override(),
                        "on_leave": row.is_away(&a.person),
                    })
                };
                json!({
                    "start": shift.start.to_string(),
                    "end": shift.end.to_string(),
                    "last_day": shift.last_day().to_string(),
                    "primary": person(&shift.primary),
                    "secondary": shift.secondary.as_ref().map(person),
                    "holidays": row.holidays.iter().map(|h| json!({
                        "date": h.date.to_string(),
                        "name": h.name,
                    })).collect::<Vec<_>>(),
                    "overrides": row.overrides.iter().zip(&shift.overrides).map(|(reason, j)| json!({
                        "index": j,
                        "reason": reason,
                    })).collect::<Vec<_>>(),
                    "on_leave": row.away.iter().map(|(p, l)| json!({
                        "person": p,
                        "from": l.from.to_string(),
                        "to": l.to.to_string(),
                        "reason": l.reason,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut r = Map::new();
        r.insert("id".into(), json!(rs.id));
        r.insert("name".into(), json!(rot.name));
        r.insert("file".into(), json!(s.file));
        r.insert("covers".into(), json!(rot.covers));
        r.insert(
            "form".into(),
            json!(match rs.form {
                Form::Generated => "generated",
                Form::Explicit => "explicit",
            }),
        );
        r.insert("shift_length".into(), json!(rot.shift_length.to_string()));
        let window = rs.window();
        r.insert(
            "start".into(),
            json!(window.map(|(first, _)| first.to_string())),
        );
        r.insert("end".into(), json!(window.map(|(_, end)| end.to_string())));
        r.insert("roster".into(), json!(rs.roster));
        r.insert(
            "holidays".into(),
            json!(rot.holidays.as_ref().map(|h| json!({
                "calendar": h.calendar,
                "known": rs.calendar.is_some(),
                "min_engineers": h.min_engineers,
            }))),
        );
        r.insert("total_shifts".into(), json!(rs.shifts.len()));
        r.insert(
            "not_expanded".into(),
            json!(rs.not_expanded.map(|n| match n {
                NotExpanded::PartialDays => "shift_length is not whole days",
                NotExpanded::Empty => "until is not after start",
            })),
        );
        r.insert(
            "truncated".into(),
            json!(rs.truncated.map(|t| json!({
                "total": t.total,
                "first_dropped": t.first_dropped.to_string(),
            }))),
        );
        r.insert("shifts".into(), Value::Array(shifts));
        let unmatched: Vec<Value> = s
            .unmatched
            .iter()
            .map(|(j, o)| {
                json!({
                    "index": j,
                    "start": o.start.to_string(),
                    "primary": o.primary,
                    "secondary": o.secondary,
                    "reason": o.reason,
                })
            })
            .collect();
        r.insert("unmatched_overrides".into(), Value::Array(unmatched));
        r.insert(
            "load".into(),
            load(view, &rs.load, "rotation", rs.shifts.len()),
        );
        rotations.push(Value::Object(r));
    }
    let doc = json!({
        "version": 1,
        "today": view.today.to_string(),
        "from": view.from.map(|d| d.to_string()),
        "to": view.to.map(|d| d.to_string()),
        "rotations": rotations,
        "load": load(view, &view.total(&sections), "rotations", counted_shifts(&sections)),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
