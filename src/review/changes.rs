//! Who is on call differently: a rotation's expanded shifts compared with
//! the same rotation at the base revision. `schedule-change` reports the
//! near-term changes; `steward diff` lists all of them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::schedule::{Assignment, Role, RotationSchedule, Shift};

/// One role of one shift with a different person than at the base.
#[derive(Debug, Clone, Copy)]
pub struct Reassignment<'a> {
    pub role: Role,
    /// The shift now; `None` when it no longer exists.
    pub shift: Option<&'a Shift>,
    /// The shift at the base that held the same time; `None` when there was
    /// none (a new shift).
    pub before_shift: Option<&'a Shift>,
    /// Who had the role at the base (`None`: nobody).
    pub before: Option<&'a Assignment>,
    /// Who has it now (`None`: nobody).
    pub after: Option<&'a Assignment>,
    /// The same people, at other times: the shift now starts or ends at
    /// another moment than the base shift holding its start (a moved
    /// handoff, zone, start or shift length). Reported once, as primary.
    pub retimed: bool,
}

impl Reassignment<'_> {
    /// The shift's dates: now, else at the base.
    pub fn first_day(&self) -> NaiveDate {
        self.shift
            .or(self.before_shift)
            .map_or(NaiveDate::MIN, |s| s.start)
    }

    /// The shift as people read it: "2026-12-07 – 2026-12-13".
    pub fn dates(&self) -> String {
        self.shift
            .or(self.before_shift)
            .map_or_else(String::new, Shift::dates)
    }

    /// For a retimed shift, its times at the base and now.
    pub fn times(&self) -> Option<(String, String)> {
        match (self.retimed, self.before_shift, self.shift) {
            (true, Some(before), Some(now)) => Some((before.dates(), now.dates())),
            _ => None,
        }
    }

    pub fn before_person(&self) -> Option<&str> {
        self.before.map(|a| a.person.as_str())
    }

    pub fn after_person(&self) -> Option<&str> {
        self.after.map(|a| a.person.as_str())
    }

    /// Days from `today` to the shift's start; negative when it is under way.
    pub fn notice_days(&self, today: NaiveDate) -> i64 {
        (self.first_day() - today).num_days()
    }
}

fn person(shift: Option<&Shift>, role: Role) -> Option<&Assignment> {
    let shift = shift?;
    match role {
        Role::Primary => Some(&shift.primary),
        Role::Secondary => shift.secondary.as_ref(),
    }
}

/// The shift of `rotation` holding instant `at`.
fn at(rotation: Option<&RotationSchedule>, at: DateTime<Utc>) -> Option<&Shift> {
    let rotation = rotation?;
    rotation.shifts.get(rotation.shift_holding(at)?)
}

/// Whether a shift of `rotation` overlaps `[from, to)`.
fn overlapped(rotation: Option<&RotationSchedule>, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    let Some(rotation) = rotation else {
        return false;
    };
    if rotation.shift_holding(from).is_some() {
        return true;
    }
    // Shifts are sorted by start: the first one starting after `from`.
    let next = rotation.shifts.partition_point(|s| s.begins <= from);
    rotation.shifts.get(next).is_some_and(|s| s.begins < to)
}

/// Every role of every shift not over by `from` whose person differs from
/// the base, in shift order, primary before secondary, and every shift whose
/// people are the same but whose times differ; then the shifts the base had
/// that no longer exist (no shift now overlaps them). A shift is compared
/// with the base shift holding the same instant (its start, or the start of
/// `from` when it is under way), so a re-phased rotation compares what
/// people are actually on call for.
/// A rotation only at the base (`after` is `None`) yields its shifts as
/// removed, one only now as added.
pub fn reassignments<'a>(
    before: Option<&'a RotationSchedule>,
    after: Option<&'a RotationSchedule>,
    from: NaiveDate,
) -> Vec<Reassignment<'a>> {
    let mut out = Vec::new();
    // The first instant of `from` in each side's own zone.
    let start = |rs: Option<&RotationSchedule>| {
        rs.map_or(DateTime::<Utc>::MIN_UTC, |r| r.clock.day(from).0)
    };
    let (from_before, from_after) = (start(before), start(after));
    for shift in after
        .iter()
        .flat_map(|r| r.shifts.iter())
        .filter(|s| s.ends > from_after)
    {
        let was = at(before, shift.begins.max(from_after));
        let mut people_changed = false;
        for role in [Role::Primary, Role::Secondary] {
            let (old, new) = (person(was, role), person(Some(shift), role));
            if old.map(|a| &a.person) != new.map(|a| &a.person) {
                people_changed = true;
                out.push(Reassignment {
                    role,
                    shift: Some(shift),
                    before_shift: was,
                    before: old,
                    after: new,
                    retimed: false,
                });
            }
        }
        if let Some(was) =
            was.filter(|w| !people_changed && (w.begins, w.ends) != (shift.begins, shift.ends))
        {
            out.push(Reassignment {
                role: Role::Primary,
                shift: Some(shift),
                before_shift: Some(was),
                before: Some(&was.primary),
                after: Some(&shift.primary),
                retimed: true,
            });
        }
    }
    for shift in before
        .iter()
        .flat_map(|r| r.shifts.iter())
        .filter(|s| s.ends > from_before)
    {
        // Removed only when no shift now overlaps what is left of it: a
        // shift now that starts a day later is the same duty retimed (and
        // reported so above), not this one removed.
        if overlapped(after, shift.begins.max(from_before), shift.ends) {
            continue;
        }
        for role in [Role::Primary, Role::Secondary] {
            if let Some(old) = person(Some(shift), role) {
                out.push(Reassignment {
                    role,
                    shift: None,
                    before_shift: Some(shift),
                    before: Some(old),
                    after: None,
                    retimed: false,
                });
            }
        }
    }
    out
}
