//! `--format ics`: an iCalendar (RFC 5545) file with one event per shift and
//! role (per duty interval under a coverage window, none for a shift
//! without duty), summary "On call: NAME (primary)": all-day for rotations in whole
//! days, timed in UTC (`DTSTART:20260105T080000Z`) for rotations with times
//! of day or under `--time-zone`, plus one event per handoff meeting naming
//! both primaries. Every event has a UID built from the rotation, the
//! shift's start and the role, and a DTSTAMP at the shift's start, so the
//! same schedule always gives the same bytes and a re-imported calendar
//! updates events instead of duplicating them.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Property};

use super::{Row, Section, View};
use crate::schedule::time::Clock;
use crate::schedule::window::Interval;
use crate::schedule::{Assignment, Meeting, Role};

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
        let clock = view.clock(s.rs);
        for row in view.rows(s) {
            if let (true, Some((meeting, outgoing))) = (clock.timed, row.meeting) {
                cal.push(meeting_event(view, s, clock, meeting, outgoing, &row));
            }
            for (role, a) in row.shift.assignments() {
                if row.windowed {
                    // One event per duty interval (§9): none without duty.
                    for &duty in &row.shift.duty {
                        cal.push(event(view, s, clock, &row, role, a, Some(duty)));
                    }
                } else {
                    cal.push(event(view, s, clock, &row, role, a, None));
                }
            }
        }
    }
    cal.to_string()
}

fn stamp(date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

/// `20260105T080000Z`, for UIDs of timed events.
fn utc_stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The event of a person's role in a shift: the whole shift, or one of its
/// duty intervals under a coverage window.
fn event(
    view: &View<'_>,
    s: &Section<'_>,
    clock: Clock,
    row: &Row<'_>,
    role: Role,
    a: &Assignment,
    duty: Option<Interval>,
) -> Event {
    let shift = row.shift;
    let (begins, ends) = duty.unwrap_or((shift.begins, shift.ends));
    // Whole local days for rotations without times of day.
    let (first_day, after_last) = match duty {
        Some((from, to)) => clock.days(from, to),
        None => (shift.start, shift.end),
    };
    let name = view.name(&a.person);
    let mut description = vec![format!("Rotation: {}", s.rs.id)];
    if let Some(title) = &s.rot.name {
        description.push(format!("Name: {title}"));
    }
    if !s.rot.covers.is_empty() {
        description.push(format!("Covers: {}", s.rot.covers.join(", ")));
    }
    let dates = if clock.timed {
        clock.range(shift.begins, shift.ends)
    } else {
        shift.dates()
    };
    description.push(format!("Shift: {dates}"));
    if let Some((from, to)) = duty {
        description.push(format!("Duty: {}", clock.range(from, to)));
    }
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
    if let Some((_, period)) = row.away.iter().find(|(p, _)| a.person == *p) {
        description.push(format!("On leave: {}", period.describe()));
    }
    let mut event = Event::new();
    if clock.timed {
        event
            .uid(&format!(
                "{}-{}-{}@steward",
                s.rs.id,
                utc_stamp(begins),
                role
            ))
            .timestamp(begins)
            .starts(begins)
            .ends(ends);
    } else {
        event
            .uid(&format!(
                "{}-{}-{}@steward",
                s.rs.id,
                first_day.format("%Y%m%d"),
                role
            ))
            .timestamp(stamp(first_day));
    }
    event
        .summary(&format!("On call: {name} ({role})"))
        .description(&description.join("\n"));
    if !clock.timed {
        event.starts(first_day).ends(after_last);
    }
    event
        .add_property("TRANSP", "TRANSPARENT")
        .add_property("CATEGORIES", "on-call")
        .done()
}

/// The handoff meeting before a shift: both primaries in the summary.
fn meeting_event(
    view: &View<'_>,
    s: &Section<'_>,
    clock: Clock,
    meeting: &Meeting,
    outgoing: &str,
    row: &Row<'_>,
) -> Event {
    let incoming = &row.shift.primary.person;
    let (from, to) = (view.name(outgoing), view.name(incoming));
    let mut description = vec![format!("Rotation: {}", s.rs.id)];
    if let Some(title) = &s.rot.name {
        description.push(format!("Name: {title}"));
    }
    description.push(format!("Outgoing primary: {from}"));
    description.push(format!("Incoming primary: {to}"));
    description.push(format!("Handoff: {}", clock.moment(meeting.ends)));
    // Leave is whole local days in the rotation's zone.
    let (first, after) = s.rs.clock.days(meeting.begins, meeting.ends);
    for person in [outgoing, incoming.as_str()] {
        if let Some(period) = view.schedule.leave.during(person, first, after).next() {
            description.push(format!(
                "On leave that day: {} ({})",
                view.name(person),
                period.describe()
            ));
        }
    }
    Event::new()
        .uid(&format!(
            "{}-{}-handoff@steward",
            s.rs.id,
            utc_stamp(meeting.ends)
        ))
        .timestamp(meeting.begins)
        .summary(&format!("Handoff meeting: {from} → {to}"))
        .description(&description.join("\n"))
        .starts(meeting.begins)
        .ends(meeting.ends)
        .add_property("CATEGORIES", "on-call,handoff")
        .done()
}
