//! The schedule engine: rotations expanded into shifts, holiday calendars,
//! declared leave and load statistics. No rule logic lives here; rules and the
//! `steward schedule` renderers read the result.

pub mod expand;
pub mod holidays;
pub mod leave;
pub mod load;
pub mod render;
pub mod time;

use std::fmt;

use chrono::NaiveDate;

use crate::document::DocId;
use crate::model::Model;
use holidays::Calendar;
use leave::LeaveIndex;
use load::Load;

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
/// at the node a user has to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// `roster[index]` of a generated rotation.
    Roster(usize),
    /// `shifts[index].primary` or `.secondary` of an explicit rotation.
    Shift(usize, Role),
    /// `overrides[index].primary` or `.secondary`.
    Override(usize, Role),
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
    pub person: String,
    pub origin: Origin,
}

/// Where an expanded shift comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftSource {
    /// Shift number `i` of a generated rotation.
    Generated(usize),
    /// `shifts[i]` of an explicit rotation.
    Explicit(usize),
}

/// One expanded shift: `[start, end)`, whole days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub start: NaiveDate,
    /// Exclusive.
    pub end: NaiveDate,
    pub primary: Assignment,
    pub secondary: Option<Assignment>,
    pub source: ShiftSource,
    /// Indices of the overrides applied to this shift, in document order.
    pub overrides: Vec<usize>,
}

impl Shift {
    /// The last day of the shift (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }

    /// "2026-12-21 – 2026-12-27": inclusive dates, as people read them.
    pub fn dates(&self) -> String {
        date_range(self.start, self.last_day())
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

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }
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

/// Why a rotation has no shifts although it is schema-valid. The `schema`
/// rule already reports both, so rules skip such rotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotExpanded {
    /// `shift_length` is not a whole number of days.
    PartialDays,
    /// `until` is not after `start`.
    Empty,
}

/// A rotation cut short at [`MAX_SHIFTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truncation {
    /// How many shifts the rotation defines.
    pub total: u64,
    /// Start of the first shift left out.
    pub first_dropped: NaiveDate,
}

/// A holiday that falls in a shift.
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
    /// Holidays falling in a shift, by date.
    pub holidays: Vec<HolidayOnCall>,
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

    /// Index of the shift holding `date` (the latest-starting one if shifts overlap).
    pub fn shift_at(&self, date: NaiveDate) -> Option<usize> {
        let after = self.shifts.partition_point(|s| s.start <= date);
        let i = after.checked_sub(1)?;
        self.shifts.get(i)?.contains(date).then_some(i)
    }

    /// Holidays falling in shift `i`.
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
    let leave = LeaveIndex::build(model);
    let rotations: Vec<RotationSchedule> = model
        .rotations
        .iter()
        .enumerate()
        .map(|(i, entry)| expand::rotation(model, i, entry))
        .collect();
    let load = Load::total(rotations.iter().map(|r| (&r.load, r.roster.as_slice())));
    Schedule {
        rotations,
        leave,
        load,
    }
}
