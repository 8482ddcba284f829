//! `--format ics`: an iCalendar (RFC 5545) file with one all-day event per
//! shift and role, summary "On call: NAME (primary)". Every event has a UID
//! built from the rotation, the shift's start and the role, and a DTSTAMP at
//! the shift's start, so the same schedule always gives the same bytes and a
//! re-imported calendar updates events instead of duplicating them.

use chrono::{NaiveDate, NaiveTime};
use icalendar::{Calendar, Component, Event, EventLike, Property};

use super::{Row, Section, View};
use crate::schedule::{Assignment, Role};

pub fn render(view: &View<'_>) -> String {
    let sections = view.sections();
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//steward//steward schedule//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    let name = match sections.as_slice() {
        [one] => format!("On call: {}", one.rs.id),
        more => format!("On call: {} rotations", more.len()),
    };
    cal.name(&name);
    for s in &sections {
        for row in view.rows(s) {
            for (role, a) in row.shift.assignments() {
                cal.push(event(view, s, &row, role, a));
            }
        }
    }
    cal.to_string()
}

fn stamp(date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

fn event(view: &View<'_>, s: &Section<'_>, row: &Row<'_>, role: Role, a: &Assignment) -> Event {
    let shift = row.shift;
    let name = view.name(&a.person);
    let mut description = vec![format!("Rotation: {}", s.rs.id)];
    if let Some(title) = &s.rot.name {
        description.push(format!("Name: {title}"));
    }
    if !s.rot.covers.is_empty() {
        description.push(format!("Covers: {}", s.rot.covers.join(", ")));
    }
    description.push(format!("Shift: {}", shift.dates()));
    let other = match role {
        Role::Primary => shift.secondary.as_ref().map(|o| ("Secondary", o)),
        Role::Secondary => Some(("Primary", &shift.primary)),
    };
    if let Some((label, o)) = other {
        description.push(format!("{label}: {}", view.name(&o.person)));
    }
    for h in row.holidays {
        description.push(format!("Holiday: {} ({})", h.name, h.date));
    }
    for reason in row.overrides.iter().flatten() {
        description.push(format!("Override: {reason}"));
    }
    if let Some((_, period)) = row.away.iter().find(|(p, _)| *p == a.person) {
        description.push(format!("On leave: {}", period.describe()));
    }
    Event::new()
        .uid(&format!(
            "{}-{}-{}@steward",
            s.rs.id,
            shift.start.format("%Y%m%d"),
            role
        ))
        .timestamp(stamp(shift.start))
        .summary(&format!("On call: {name} ({role})"))
        .description(&description.join("\n"))
        .starts(shift.start)
        .ends(shift.end)
        .add_property("TRANSP", "TRANSPARENT")
        .add_property("CATEGORIES", "on-call")
        .done()
}
