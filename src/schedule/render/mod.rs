//! `steward schedule`: each rotation's shifts with holidays and leave, then
//! load per person. One module per output format; all read the same [`View`].

mod html;
mod ics;
mod json;
mod text;

use std::ops::Range;

use chrono::NaiveDate;

use super::leave::LeavePeriod;
use super::load::Load;
use super::time::{Clock, Tz};
use super::window::Interval;
use super::{HolidayOnCall, Meeting, RotationSchedule, Schedule, Shift};
use crate::model::{Model, Override, Rotation};
use crate::report::ResolvedFinding;
use crate::workspace::Workspace;

/// Output formats of `steward schedule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScheduleFormat {
    /// Plain-text tables with a bar per person.
    Table,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One JSON object, for scripts.
    Json,
    /// An iCalendar file: one event per shift and role (all-day, or timed in
    /// UTC for rotations with times of day), and one per handoff meeting.
    Ics,
    /// One self-contained HTML page: a month calendar per rotation, load bars, findings.
    Html,
}

/// What to show: the loaded schedule, restricted to a window of days.
pub struct View<'a> {
    pub workspace: &'a Workspace,
    pub model: &'a Model,
    pub schedule: &'a Schedule,
    /// First day shown (inclusive); `None`: from each rotation's start.
    pub from: Option<NaiveDate>,
    /// Last day shown (inclusive); `None`: to each rotation's end.
    pub to: Option<NaiveDate>,
    pub today: NaiveDate,
    /// `--time-zone`: show every rotation's times in this zone; `None`: each
    /// in its own (whole days for rotations without times of day).
    pub zone: Option<Tz>,
    /// The findings of `steward check` on the same files; only the HTML page
    /// shows them (those located in a rotation's document), so the other
    /// formats are given none.
    pub findings: &'a [ResolvedFinding],
}

/// One rotation restricted to the window.
struct Section<'a> {
    rs: &'a RotationSchedule,
    rot: &'a Rotation,
    file: String,
    /// Indices of the shifts overlapping the window.
    range: Range<usize>,
    /// Overrides dated in the window that start no shift (not applied), with
    /// their index in `overrides`.
    unmatched: Vec<(usize, &'a Override)>,
}

/// A shift as shown: who, holidays in it, and roster members away during it.
struct Row<'a> {
    shift: &'a Shift,
    holidays: &'a [HolidayOnCall],
    /// Roster members and people on call with leave overlapping the shift's duty.
    away: Vec<(&'a str, &'a LeavePeriod)>,
    /// `reason`s of the overrides applied to the shift (empty when none given).
    overrides: Vec<Option<&'a str>>,
    /// The handoff meeting ending as the shift starts, with the outgoing primary.
    meeting: Option<(&'a Meeting, &'a str)>,
    /// Whether the rotation has a coverage window: its shifts show their duty.
    windowed: bool,
}

impl Row<'_> {
    fn is_away(&self, person: &str) -> bool {
        self.away.iter().any(|(p, _)| *p == person)
    }
}

impl<'a> View<'a> {
    fn sections(&self) -> Vec<Section<'a>> {
        self.schedule
            .rotations
            .iter()
            .filter_map(|rs| {
                let rot = &self.model.rotations.get(rs.rotation)?.item;
                let file = self
                    .workspace
                    .doc(rs.doc)
                    .and_then(|d| self.workspace.files.get(d.file))
                    .map(|f| f.display().to_string())
                    .unwrap_or_default();
                let range = self.range(rs);
                let unmatched = rs
                    .unmatched_overrides
                    .iter()
                    .filter_map(|&j| Some((j, rot.overrides.get(j)?)))
                    .filter(|(_, o)| self.shows(o.start.date))
                    .collect();
                Some(Section {
                    rs,
                    rot,
                    file,
                    range,
                    unmatched,
                })
            })
            .collect()
    }

    /// The clock a rotation is shown in: its own, or `--time-zone`'s.
    fn clock(&self, rs: &RotationSchedule) -> Clock {
        match self.zone {
            Some(zone) => rs.clock.viewed_in(zone),
            None => rs.clock,
        }
    }

    /// Whether `date` is inside the window.
    fn shows(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.to.is_none_or(|to| date <= to)
    }

    /// Shifts overlapping the days `[from, to]` of the zone shown; shifts
    /// are sorted by start.
    fn range(&self, rs: &RotationSchedule) -> Range<usize> {
        let clock = self.clock(rs);
        let shifts = &rs.shifts;
        let mut lo = 0;
        if let Some(from) = self.from {
            let from = clock.day(from).0;
            // Shift lengths are equal except in broken explicit rotations:
            // skip those that end before `from`, without assuming more.
            lo = shifts
                .partition_point(|s| s.begins <= from)
                .saturating_sub(1);
            while lo > 0 && shifts.get(lo - 1).is_some_and(|s| s.ends > from) {
                lo -= 1;
            }
            while shifts.get(lo).is_some_and(|s| s.ends <= from) {
                lo += 1;
            }
        }
        let hi = match self.to {
            Some(to) => {
                let end = clock.day(to).1;
                shifts.partition_point(|s| s.begins < end)
            }
            None => shifts.len(),
        };
        lo..hi.max(lo)
    }

    fn rows(&self, section: &Section<'a>) -> Vec<Row<'a>> {
        let rs = section.rs;
        let leave = &self.schedule.leave;
        section
            .range
            .clone()
            .filter_map(|i| {
                let shift = rs.shifts.get(i)?;
                let mut away: Vec<(&str, &LeavePeriod)> = Vec::new();
                let people = rs
                    .roster
                    .iter()
                    .map(String::as_str)
                    .chain(shift.assignments().map(|(_, a)| a.person.as_str()));
                for person in people {
                    if away.iter().any(|(p, _)| *p == person) {
                        continue;
                    }
                    if let Some(period) = leave.during_duty(person, shift).next() {
                        away.push((person, period));
                    }
                }
                let overrides = shift
                    .overrides
                    .iter()
                    .map(|&j| {
                        section
                            .rot
                            .overrides
                            .get(j as usize)
                            .and_then(|o| o.reason.as_deref())
                    })
                    .collect();
                let meeting = rs.meeting_before(i).and_then(|m| {
                    let outgoing = rs.shifts.get(i.checked_sub(1)?)?;
                    Some((m, outgoing.primary.person.as_str()))
                });
                Some(Row {
                    shift,
                    holidays: rs.holidays_in(i),
                    away,
                    overrides,
                    meeting,
                    windowed: section.rot.has_window(),
                })
            })
            .collect()
    }

    /// The display name of a member, or the id when it names nobody.
    fn name(&self, id: &'a str) -> &'a str {
        self.model.member(id).map_or(id, |m| m.name.as_str())
    }

    /// Load summed over every shown rotation, each counted whole (like
    /// `balanced-load`), whatever the window.
    fn total(&self, sections: &[Section<'_>]) -> Load {
        Load::total(
            sections
                .iter()
                .map(|s| (&s.rs.load, s.rs.roster.as_slice())),
        )
    }
}

/// How many of a rotation's shifts have duty.
fn with_duty(rs: &RotationSchedule) -> usize {
    rs.shifts.iter().filter(|s| s.has_duty()).count()
}

/// Shifts counted in a load: every expanded shift of the rotations that
/// has duty (all of them without coverage windows).
fn counted_shifts(sections: &[Section<'_>]) -> usize {
    sections.iter().map(|s| with_duty(s.rs)).sum()
}

/// What a shift of a rotation with a coverage window holds: "no duty", its
/// duty interval, "duty 09:00–17:00 on 5 days (2026-06-01 – 2026-06-05)"
/// when the intervals repeat, else both of two or the count and extent.
fn duty_note(clock: Clock, shift: &Shift) -> String {
    let duty = &shift.duty;
    let (Some(&(first, _)), Some(&(_, last))) = (duty.first(), duty.last()) else {
        return "no duty".to_string();
    };
    if let [(a, b)] = &**duty {
        return format!("duty {}", clock.range(*a, *b));
    }
    // Local times of day, an end at midnight read as 24:00.
    let times = |(a, b): Interval| {
        let (a, b) = (clock.local(a), clock.local(b));
        let end = if b.time() == chrono::NaiveTime::MIN {
            "24:00".to_string()
        } else {
            b.format("%H:%M").to_string()
        };
        (a.format("%H:%M").to_string(), end, a.date())
    };
    let shown: Vec<(String, String, NaiveDate)> = duty.iter().map(|&i| times(i)).collect();
    let same = shown
        .windows(2)
        .all(|w| w[0].0 == w[1].0 && w[0].1 == w[1].1);
    match (same, shown.first(), shown.last()) {
        (true, Some((from, to, day)), Some((.., last_day))) => format!(
            "duty {from}–{to} on {} days ({day} – {last_day})",
            duty.len()
        ),
        _ if duty.len() == 2 => {
            let ranges: Vec<String> = duty.iter().map(|&(a, b)| clock.range(a, b)).collect();
            format!("duty {}", ranges.join(", "))
        }
        _ => format!(
            "duty in {} intervals, {} – {}",
            duty.len(),
            clock.show(first),
            clock.show(last)
        ),
    }
}

/// "override of 2026-12-23 not applied (secondary john, reason: swap): …".
fn unmatched_note(o: &Override) -> String {
    let mut details: Vec<String> = [("primary", &o.primary), ("secondary", &o.secondary)]
        .into_iter()
        .filter_map(|(role, who)| Some(format!("{role} {}", who.as_deref()?)))
        .collect();
    if let Some(reason) = &o.reason {
        details.push(format!("reason: {reason}"));
    }
    format!(
        "override of {} not applied ({}): it starts no shift; see `steward check`",
        o.start,
        details.join(", ")
    )
}

/// Renders the schedule in `format`.
pub fn render(view: &View<'_>, format: ScheduleFormat) -> String {
    match format {
        ScheduleFormat::Table => text::table(view),
        ScheduleFormat::Markdown => text::markdown(view),
        ScheduleFormat::Json => json::render(view),
        ScheduleFormat::Ics => ics::render(view),
        ScheduleFormat::Html => html::render(view),
    }
}

/// A balance score with two decimals, as shown to people.
fn score(balance: f64) -> String {
    format!("{balance:.2}")
}

/// A bar of `value` out of `max`, at most `width` blocks.
fn bar(value: u32, max: u32, width: u32) -> String {
    if max == 0 {
        return String::new();
    }
    let blocks = if max <= width {
        value
    } else {
        // Rounded, but never hide a non-zero value.
        let scaled = (u64::from(value) * u64::from(width) + u64::from(max) / 2) / u64::from(max);
        u32::try_from(scaled)
            .unwrap_or(width)
            .max(u32::from(value > 0))
    };
    "█".repeat(usize::try_from(blocks).unwrap_or(0))
}

/// "1 shift", "7 shifts".
fn shifts(n: usize) -> String {
    if n == 1 {
        "1 shift".to_string()
    } else {
        format!("{n} shifts")
    }
}

/// What the load of all rotations counts.
fn total_scope(sections: &[Section<'_>]) -> String {
    let counted = shifts(counted_shifts(sections));
    if sections.iter().any(|s| s.rot.has_window()) {
        format!("each whole rotation: {counted} with duty")
    } else {
        format!("each whole rotation: {counted}")
    }
}

/// "Europe/Berlin, handoff at 09:00, 30m handoff meeting"; with
/// `--time-zone`, the zone shown and the rotation's own.
fn zone_fact(shown: Clock, own: Clock, rot: &Rotation) -> String {
    let handoff = own.handoff.format("%H:%M");
    let mut fact = if shown.zone == own.zone {
        format!("{}, handoff at {handoff}", own.zone.name())
    } else {
        format!(
            "times in {} (the rotation hands over at {handoff} {})",
            shown.zone.name(),
            own.zone.name()
        )
    };
    if let Some(meeting) = rot.handoff_meeting {
        fact.push_str(&format!(", {meeting} handoff meeting"));
    }
    fact
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        assert_eq!(bar(3, 5, 40), "███");
        assert_eq!(bar(0, 5, 40), "");
        assert_eq!(bar(100, 100, 10), "██████████");
        assert_eq!(bar(50, 100, 10), "█████");
        assert_eq!(bar(1, 100, 10), "█");
        // Rounded to the nearest block; zero stays empty when scaled.
        assert_eq!(bar(15, 100, 10), "██");
        assert_eq!(bar(14, 100, 10), "█");
        assert_eq!(bar(0, 100, 10), "");
        assert_eq!(bar(0, 0, 10), "");
    }
}
