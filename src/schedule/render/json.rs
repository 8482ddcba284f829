//! `--format json`: one object, keys in a fixed order, dates as `YYYY-MM-DD`;
//! for rotations with times of day (or with `--time-zone`), shift and window
//! bounds are RFC 3339 date-times with the offset of the zone shown.
//! Shift `end` is exclusive (as in the spec); `last_day` is inclusive.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::{counted_shifts, with_duty, View};
use crate::schedule::load::Load;
use crate::schedule::time::Clock;
use crate::schedule::{Form, NotExpanded};

/// `2026-01-05T09:00:00+01:00`: the instant in the clock's zone.
fn rfc3339(clock: Clock, at: DateTime<Utc>) -> String {
    clock.rfc3339(at)
}

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
        let clock = view.clock(rs);
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
                let (start, end) = if clock.timed {
                    (rfc3339(clock, shift.begins), rfc3339(clock, shift.ends))
                } else {
                    (shift.start.to_string(), shift.end.to_string())
                };
                let mut value = json!({
                    "start": start,
                    "end": end,
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
                });
                if row.windowed {
                    // Duty intervals, end exclusive: date-times with times of
                    // day, else dates.
                    let duty: Vec<Value> = shift
                        .duty
                        .iter()
                        .map(|&(a, b)| {
                            let (start, end) = if clock.timed {
                                (rfc3339(clock, a), rfc3339(clock, b))
                            } else {
                                let (first, after) = clock.days(a, b);
                                (first.to_string(), after.to_string())
                            };
                            json!({ "start": start, "end": end })
                        })
                        .collect();
                    if let Some(map) = value.as_object_mut() {
                        map.insert("duty".into(), Value::Array(duty));
                    }
                }
                if clock.timed && rot.handoff_meeting.is_some() {
                    let meeting = row.meeting.map(|(m, outgoing)| json!({
                        "start": rfc3339(clock, m.begins),
                        "end": rfc3339(clock, m.ends),
                        "outgoing": outgoing,
                        "incoming": shift.primary.person,
                    }));
                    if let Some(map) = value.as_object_mut() {
                        map.insert("handoff_meeting".into(), json!(meeting));
                    }
                }
                value
            })
            .collect();
        let mut r = Map::new();
        r.insert("id".into(), json!(rs.id));
        r.insert("name".into(), json!(rot.name));
        r.insert("file".into(), json!(s.file));
        r.insert(
            "covers".into(),
            json!(rot.covers.iter().map(|c| &**c).collect::<Vec<&str>>()),
        );
        r.insert(
            "form".into(),
            json!(match rs.form {
                Form::Generated => "generated",
                Form::Explicit => "explicit",
            }),
        );
        r.insert("shift_length".into(), json!(rot.shift_length.to_string()));
        if clock.timed {
            r.insert("time_zone".into(), json!(rs.clock.zone.name()));
            r.insert(
                "handoff_time".into(),
                json!(rs.clock.handoff.format("%H:%M").to_string()),
            );
            r.insert(
                "handoff_meeting".into(),
                json!(rot.handoff_meeting.map(|m| m.to_string())),
            );
            let span = rs.span();
            r.insert(
                "start".into(),
                json!(span.map(|(first, _)| rfc3339(clock, first))),
            );
            r.insert(
                "end".into(),
                json!(span.map(|(_, end)| rfc3339(clock, end))),
            );
        } else {
            let window = rs.window();
            r.insert(
                "start".into(),
                json!(window.map(|(first, _)| first.to_string())),
            );
            r.insert("end".into(), json!(window.map(|(_, end)| end.to_string())));
        }
        r.insert("roster".into(), json!(rs.roster));
        r.insert(
            "holidays".into(),
            json!(rot.holidays.as_ref().map(|h| json!({
                "calendar": h.calendar,
                "known": rs.calendar.is_some(),
                "min_engineers": h.min_engineers,
            }))),
        );
        if let Some(window) = rot.coverage.as_ref().filter(|_| rot.has_window()) {
            r.insert(
                "coverage".into(),
                json!({
                    "weekdays": window.spec.weekdays,
                    "month_days": window.spec.month_days,
                    "hours": window.spec.hours,
                    "description": window.describe(),
                }),
            );
            r.insert("shifts_with_duty".into(), json!(with_duty(rs)));
        }
        r.insert("total_shifts".into(), json!(rs.shifts.len()));
        r.insert(
            "not_expanded".into(),
            json!(rs.not_expanded.map(|n| match n {
                NotExpanded::ZeroLength => "shift_length is zero",
                NotExpanded::UnknownZone => "time_zone is unknown",
                NotExpanded::Empty => "until is not after start",
            })),
        );
        r.insert(
            "truncated".into(),
            json!(rs.truncated.map(|t| json!({
                "total": t.total,
                "first_dropped": if clock.timed {
                    rfc3339(clock, t.first_dropped_at)
                } else {
                    t.first_dropped.to_string()
                },
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
            load(view, &rs.load, "rotation", with_duty(rs)),
        );
        rotations.push(Value::Object(r));
    }
    let mut doc = json!({
        "version": 1,
        "today": view.today.to_string(),
        "from": view.from.map(|d| d.to_string()),
        "to": view.to.map(|d| d.to_string()),
        "rotations": rotations,
        "load": load(view, &view.total(&sections), "rotations", counted_shifts(&sections)),
    });
    if let (Some(zone), Some(map)) = (view.zone, doc.as_object_mut()) {
        // After "to": keys keep their order.
        let mut ordered = Map::new();
        for (key, value) in std::mem::take(map) {
            let after_to = key == "to";
            ordered.insert(key, value);
            if after_to {
                ordered.insert("time_zone".into(), json!(zone.name()));
            }
        }
        *map = ordered;
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
