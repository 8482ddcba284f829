//! The schedule engine: rotations expanded into shifts, holiday calendars,
//! declared leave and load statistics. No rule logic lives here; rules and the
//! `steward schedule` renderers read the result.

pub mod coverage;
pub mod expand;
pub mod holidays;
pub mod leave;
pub mod load;
pub mod render;
pub mod time;
pub mod window;

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;

use crate::document::DocId;
use crate::model::Model;
use holidays::Calendar;
use leave::LeaveIndex;
use load::Load;
use time::Clock;
use window::Interval;

/// At most this many shifts are expanded per rotation, so a rotation written
/// as `shift_length: 1d` over a thousand years stays cheap; `coverage-gap`
/// reports the rotations that were cut short.
pub const MAX_SHIFTS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Primary,
    Secondary,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Secondary => "secondary",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a person's assignment to a shift was written, so a finding can point
/// at the node a user has to change. Indexes are `u32` (a list is capped far
/// below that: see `MAX_SHIFTS` and the YAML limits), as a large schedule
/// holds two per shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// `roster[index]` of a generated rotation.
    Roster(u32),
    /// `shifts[index].primary` or `.secondary` of an explicit rotation.
    Shift(u32, Role),
    /// `overrides[index].primary` or `.secondary`.
    Override(u32, Role),
}

impl Origin {
    /// The JSON pointer of the node inside the Rotation document.
    pub fn pointer(self) -> String {
        match self {
            Origin::Roster(i) => format!("/roster/{i}"),
            Origin::Shift(i, role) => format!("/shifts/{i}/{role}"),
            Origin::Override(i, role) => format!("/overrides/{i}/{role}"),
        }
    }

    pub fn is_override(self) -> bool {
        matches!(self, Origin::Override(..))
    }
}

/// A person on call in a shift, and where that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub person: Person,
    pub origin: Origin,
}

/// A person's id as shifts hold it: one shared string per person (the
/// names references hold), behind one word (a large schedule has a hundred
/// thousand shifts and a few hundred people).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Person(crate::reference::Name);

impl Person {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Person {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Person {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Person {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl From<&Person> for String {
    fn from(person: &Person) -> String {
        person.0.to_string()
    }
}

impl From<&str> for Person {
    fn from(id: &str) -> Person {
        Person(crate::reference::Name::interned(id))
    }
}

impl PartialEq<str> for Person {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Person {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Person {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

/// Hands out one [`Person`] per distinct id: a rotation's own cache in
/// front of the shared names (which are behind a lock).
#[derive(Debug, Default)]
pub struct People(std::collections::HashSet<Person>);

impl People {
    pub fn get(&mut self, id: &str) -> Person {
        if let Some(known) = self.0.get(id) {
            return known.clone();
        }
        let person = Person::from(id);
        self.0.insert(person.clone());
        person
    }
}

/// Where an expanded shift comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftSource {
    /// Shift number `i` of a generated rotation.
    Generated(u32),
    /// `shifts[i]` of an explicit rotation.
    Explicit(u32),
}

/// A list index as shifts hold it; lists are capped far below `u32::MAX`.
pub(crate) fn index32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A shift's duty intervals. Most shifts have one (the whole shift, or one
/// stretch of a window): held inline, not as an allocation per shift.
#[derive(Debug, Clone, Eq)]
pub enum Duty {
    One(Interval),
    Many(Vec<Interval>),
}

/// Equal when the intervals are, however they are held.
impl PartialEq for Duty {
    fn eq(&self, other: &Duty) -> bool {
        **self == **other
    }
}

impl PartialEq<Vec<Interval>> for Duty {
    fn eq(&self, other: &Vec<Interval>) -> bool {
        **self == **other
    }
}

impl From<Vec<Interval>> for Duty {
    fn from(intervals: Vec<Interval>) -> Duty {
        match intervals.as_slice() {
            [one] => Duty::One(*one),
            _ => Duty::Many(intervals),
        }
    }
}

impl std::ops::Deref for Duty {
    type Target = [Interval];
    fn deref(&self) -> &[Interval] {
        match self {
            Duty::One(one) => std::slice::from_ref(one),
            Duty::Many(many) => many,
        }
    }
}

impl<'a> IntoIterator for &'a Duty {
    type Item = &'a Interval;
    type IntoIter = std::slice::Iter<'a, Interval>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One expanded shift: `[begins, ends)` as instants, the whole local days
/// of its rotation's zone it overlaps, `[start, end)` (§14.12: what leave and
/// holidays are checked against), and its duty (§10). For a rotation handing
/// over at midnight UTC these are the shift's dates, as in 0.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// The first local day the shift overlaps.
    pub start: NaiveDate,
    /// The day after the last local day it overlaps (exclusive).
    pub end: NaiveDate,
    pub begins: DateTime<Utc>,
    /// Exclusive: the next handoff.
    pub ends: DateTime<Utc>,
    /// The rotation's clock, so the shift reads in its zone.
    pub clock: Clock,
    pub primary: Assignment,
    pub secondary: Option<Assignment>,
    pub source: ShiftSource,
    /// Indices of the overrides applied to this shift, in document order
    /// (a boxed slice: most shifts have none).
    pub overrides: Box<[u32]>,
    /// Duty (§10): the parts of the shift inside the rotation's `coverage`
    /// window, sorted and disjoint; without a window, the whole shift. Rules
    /// that judge on-call time read this, never the window.
    pub duty: Duty,
}

impl Shift {
    /// The last day of the shift (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        time::day_before(self.end)
    }

    /// "2026-12-21 – 2026-12-27": inclusive dates, as people read them; with
    /// times of day, "2026-12-21 09:00 – 2026-12-28 09:00 Europe/Berlin".
    pub fn dates(&self) -> String {
        if self.clock.timed {
            self.clock.range(self.begins, self.ends)
        } else {
            date_range(self.start, self.last_day())
        }
    }

    /// The shift's start as a user writes it in an override: its date, or
    /// its local date-time when it is not at the handoff time.
    pub fn written_start(&self) -> String {
        self.clock.written(self.begins)
    }

    /// Pointer of the shift itself: `/shifts/i` for an explicit shift.
    pub fn pointer(&self) -> Option<String> {
        match self.source {
            ShiftSource::Explicit(i) => Some(format!("/shifts/{i}")),
            ShiftSource::Generated(_) => None,
        }
    }

    /// Primary, then secondary if any.
    pub fn assignments(&self) -> impl Iterator<Item = (Role, &Assignment)> {
        std::iter::once((Role::Primary, &self.primary))
            .chain(self.secondary.iter().map(|s| (Role::Secondary, s)))
    }

    /// Whether the shift overlaps the local day `date`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    pub fn holds(&self, at: DateTime<Utc>) -> bool {
        self.begins <= at && at < self.ends
    }

    /// Whether anyone is needed in the shift: it has duty (§10). Every
    /// shift of a rotation without a coverage window does.
    pub fn has_duty(&self) -> bool {
        !self.duty.is_empty()
    }

    /// Whether the shift's duty meets the whole local days `[from, after)`
    /// of its rotation's zone (leave and holidays are whole days, §14.12).
    pub fn duty_meets_days(&self, from: NaiveDate, after: NaiveDate) -> bool {
        duty_meets_days(&self.clock, &self.duty, from, after)
    }

    /// Whether the shift's duty meets local day `date`.
    pub fn duty_on(&self, date: NaiveDate) -> bool {
        self.duty_meets_days(date, date.succ_opt().unwrap_or(date))
    }
}

/// Whether `duty` meets the whole local days `[from, after)` of `clock`'s
/// zone: [`Shift::duty_meets_days`] for a shift the planner proposes.
pub fn duty_meets_days(
    clock: &Clock,
    duty: &[Interval],
    from: NaiveDate,
    after: NaiveDate,
) -> bool {
    let (start, _) = clock.day(from);
    let (end, _) = clock.day(after);
    window::meets(duty, start, end)
}

/// A handoff meeting (§9): `handoff_meeting` long, ending at the handoff
/// between two consecutive shifts with different primaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meeting {
    /// Index of the incoming shift; the outgoing one is the shift before it.
    pub shift: usize,
    pub begins: DateTime<Utc>,
    /// The handoff.
    pub ends: DateTime<Utc>,
}

/// "2026-12-21 – 2026-12-27", or one date when both are the same day.
pub fn date_range(first: NaiveDate, last: NaiveDate) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first} – {last}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `roster` + `until`.
    Generated,
    /// `shifts`.
    Explicit,
}

/// Why a rotation has no shifts. The `schema` rule reports each, so rules
/// skip such rotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotExpanded {
    /// `shift_length` is zero.
    ZeroLength,
    /// `time_zone` names no IANA zone.
    UnknownZone,
    /// `until` is not after `start`.
    Empty,
}

/// A rotation cut short at [`MAX_SHIFTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truncation {
    /// How many shifts the rotation defines.
    pub total: u64,
    /// Local date of the start of the first shift left out.
    pub first_dropped: NaiveDate,
    /// Its instant.
    pub first_dropped_at: DateTime<Utc>,
}

/// A holiday that falls in a shift's duty (§14.18).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayOnCall {
    pub date: NaiveDate,
    pub name: String,
    /// Index into the rotation's `shifts`.
    pub shift: usize,
}

/// One rotation, expanded.
#[derive(Debug, Clone)]
pub struct RotationSchedule {
    /// Index into `model.rotations`.
    pub rotation: usize,
    pub doc: DocId,
    pub id: String,
    pub form: Form,
    /// Zone and handoff time; UTC and midnight for a rotation without them.
    pub clock: Clock,
    /// Sorted by start (explicit shifts as listed when they tie).
    pub shifts: Vec<Shift>,
    /// Generated: the distinct roster entries, in order; explicit: everyone on
    /// call in some shift, in order of appearance.
    pub roster: Vec<String>,
    /// Overrides whose `start` is the start of no shift.
    pub unmatched_overrides: Vec<usize>,
    pub not_expanded: Option<NotExpanded>,
    pub truncated: Option<Truncation>,
    /// The calendar named by `holidays.calendar`, when it resolves.
    pub calendar: Option<Calendar>,
    /// Holidays falling in a shift's duty, by shift (a holiday on a handoff
    /// day is in both shifts); holidays outside duty need nobody (§14.18).
    pub holidays: Vec<HolidayOnCall>,
    /// Handoff meetings, by time; empty without `handoff_meeting`.
    pub meetings: Vec<Meeting>,
    /// Load over the whole rotation; the balance is over `roster`.
    pub load: Load,
}

impl RotationSchedule {
    /// The rotation's window: first shift start to last shift end (exclusive).
    pub fn window(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.shifts.first()?.start;
        let last = self.shifts.iter().map(|s| s.end).max()?;
        Some((first, last))
    }

    /// The rotation's first instant to its last shift's end (exclusive).
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let first = self.shifts.first()?.begins;
        let last = self.shifts.iter().map(|s| s.ends).max()?;
        Some((first, last))
    }

    /// Index of the shift holding `date` (the latest-starting one if shifts overlap).
    pub fn shift_at(&self, date: NaiveDate) -> Option<usize> {
        let after = self.shifts.partition_point(|s| s.start <= date);
        let i = after.checked_sub(1)?;
        self.shifts.get(i)?.contains(date).then_some(i)
    }

    /// Index of the shift holding instant `at` (the latest-starting one if shifts overlap).
    pub fn shift_holding(&self, at: DateTime<Utc>) -> Option<usize> {
        let after = self.shifts.partition_point(|s| s.begins <= at);
        let i = after.checked_sub(1)?;
        self.shifts.get(i)?.holds(at).then_some(i)
    }

    /// The shifts a local day overlaps: the one holding its first instant,
    /// then any starting later that day. For whole-day shifts, one at most.
    pub fn shifts_on(&self, date: NaiveDate) -> Vec<usize> {
        let (from, to) = self.clock.day(date);
        let mut found: Vec<usize> = self.shift_holding(from).into_iter().collect();
        let later = self.shifts.partition_point(|s| s.begins <= from);
        found.extend((later..self.shifts.len()).take_while(|&i| self.shifts[i].begins < to));
        found
    }

    /// The meeting ending at the start of shift `i`, if any.
    pub fn meeting_before(&self, shift: usize) -> Option<&Meeting> {
        let i = self
            .meetings
            .binary_search_by_key(&shift, |m| m.shift)
            .ok()?;
        self.meetings.get(i)
    }

    /// Holidays falling in the duty of shift `i`.
    pub fn holidays_in(&self, shift: usize) -> &[HolidayOnCall] {
        let from = self.holidays.partition_point(|h| h.shift < shift);
        let to = self.holidays.partition_point(|h| h.shift <= shift);
        self.holidays.get(from..to).unwrap_or(&[])
    }
}

/// Every rotation of the model, expanded, plus declared leave and load.
#[derive(Debug, Default)]
pub struct Schedule {
    /// One per `model.rotations` entry, same order.
    pub rotations: Vec<RotationSchedule>,
    pub leave: LeaveIndex,
    /// Load summed over all rotations; the balance is over the union of rosters.
    pub load: Load,
}

pub fn build(model: &Model) -> Schedule {
    // Rotations expand independently (in parallel, kept in model order).
    let (leave, rotations) = rayon::join(
        || LeaveIndex::build(model),
        || {
            model
                .rotations
                .par_iter()
                .with_max_len(1) // rotations differ in length and span
                .enumerate()
                .map(|(i, entry)| expand::rotation(model, i, entry))
                .collect::<Vec<RotationSchedule>>()
        },
    );
    let load = Load::total(rotations.iter().map(|r| (&r.load, r.roster.as_slice())));
    Schedule {
        rotations,
        leave,
        load,
    }
}
