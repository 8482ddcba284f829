//! Who is on call differently: a rotation's expanded shifts compared with
//! the same rotation at the base revision. `schedule-change` reports the
//! near-term changes; `steward diff` lists all of them.

use chrono::NaiveDate;

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

/// The shift of `rotation` holding `date`.
fn at(rotation: Option<&RotationSchedule>, date: NaiveDate) -> Option<&Shift> {
    let rotation = rotation?;
    rotation.shifts.get(rotation.shift_at(date)?)
}

/// Every role of every shift not over by `from` whose person differs from
/// the base, in shift order, primary before secondary; then the shifts the
/// base had that no longer exist. A shift is compared with the base shift
/// holding the same moment (its start, or `from` when it is under way), so
/// a re-phased rotation compares what people are actually on call for.
/// A rotation only at the base (`after` is `None`) yields its shifts as
/// removed, one only now as added.
pub fn reassignments<'a>(
    before: Option<&'a RotationSchedule>,
    after: Option<&'a RotationSchedule>,
    from: NaiveDate,
) -> Vec<Reassignment<'a>> {
    let mut out = Vec::new();
    let live = |shift: &&Shift| shift.end > from;
    for shift in after.iter().flat_map(|r| r.shifts.iter()).filter(live) {
        let was = at(before, shift.start.max(from));
        for role in [Role::Primary, Role::Secondary] {
            let (old, new) = (person(was, role), person(Some(shift), role));
            if old.map(|a| &a.person) != new.map(|a| &a.person) {
                out.push(Reassignment {
                    role,
                    shift: Some(shift),
                    before_shift: was,
                    before: old,
                    after: new,
                });
            }
        }
    }
    for shift in before.iter().flat_map(|r| r.shifts.iter()).filter(live) {
        if at(after, shift.start.max(from)).is_some() {
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
                });
            }
        }
    }
    out
}
