//! Helpers shared by the rotation rules; not a rule itself.

use crate::finding::{Diagnostic, Location};
use crate::model::Rotation;
use crate::schedule::{Assignment, Form, Origin, Role, RotationSchedule, Shift};

use super::Context;

/// Rotations that expanded to at least one shift, with their model item.
pub(crate) fn expanded<'a>(
    ctx: &'a Context<'_>,
) -> impl Iterator<Item = (&'a RotationSchedule, &'a Rotation)> + 'a {
    rotations(ctx).filter(|(rs, _)| !rs.shifts.is_empty())
}

/// Every rotation schedule with its model item.
pub(crate) fn rotations<'a>(
    ctx: &'a Context<'_>,
) -> impl Iterator<Item = (&'a RotationSchedule, &'a Rotation)> + 'a {
    ctx.schedule.rotations.iter().filter_map(|rs| {
        let rot = &ctx.model.rotations.get(rs.rotation)?.item;
        Some((rs, rot))
    })
}

/// The node an assignment was written at.
pub(crate) fn at(rs: &RotationSchedule, origin: Origin) -> Location {
    Location::node(rs.doc, origin.pointer())
}

/// Where a person stands in a rotation: their first roster entry (generated)
/// or, for an explicit rotation, the `shifts` key.
pub(crate) fn person_location(rs: &RotationSchedule, rot: &Rotation, person: &str) -> Location {
    match rs.form {
        Form::Generated => {
            let index = rot
                .roster
                .iter()
                .flatten()
                .position(|p| p == person)
                .unwrap_or(0);
            Location::node(rs.doc, format!("/roster/{index}"))
        }
        Form::Explicit => Location::key(rs.doc, "/shifts"),
    }
}

/// The rotation as a whole: its `roster` (generated) or `shifts` key (explicit).
pub(crate) fn roster_location(rs: &RotationSchedule) -> Location {
    match rs.form {
        Form::Generated => Location::node(rs.doc, "/roster"),
        Form::Explicit => Location::key(rs.doc, "/shifts"),
    }
}

/// Roster members who could take `role` in a shift: not on call in it, not on
/// leave during its duty, and for the primary, not primary of the shifts next to it.
pub(crate) fn free_people(
    ctx: &Context<'_>,
    rs: &RotationSchedule,
    shift: &Shift,
    role: Role,
) -> Vec<String> {
    let at = rs.shifts.partition_point(|s| s.begins < shift.begins);
    let neighbours: Vec<&str> = match role {
        Role::Primary => [at.checked_sub(1), at.checked_add(1)]
            .into_iter()
            .flatten()
            .filter_map(|i| rs.shifts.get(i))
            .map(|s| s.primary.person.as_str())
            .collect(),
        Role::Secondary => Vec::new(),
    };
    rs.roster
        .iter()
        .filter(|p| shift.assignments().all(|(_, a)| &a.person != *p))
        .filter(|p| !neighbours.contains(&p.as_str()))
        .filter(|p| ctx.schedule.leave.during_duty(p, shift).next().is_none())
        .cloned()
        .collect()
}

/// How far (in shifts, either way) a swap partner is looked for: a trade
/// months away is not one people make.
const SWAP_REACH: usize = 26;

/// The person in `role` of shift `i`.
fn holder(shift: &Shift, role: Role) -> Option<&Assignment> {
    match role {
        Role::Primary => Some(&shift.primary),
        Role::Secondary => shift.secondary.as_ref(),
    }
}

/// The nearest shift whose `role` holder could trade shifts with the
/// `role` holder of shift `i`: a shift not over by today, held by a roster
/// member not set by an override, each of the two free (not on leave, not
/// on call) during the other's shift, and for primaries no one primary twice
/// in a row after the trade. Later shifts win ties. Everyone keeps their
/// number of shifts, so `balanced-load` stays as it is.
pub(crate) fn swap_partner(
    ctx: &Context<'_>,
    rs: &RotationSchedule,
    i: usize,
    role: Role,
) -> Option<usize> {
    let shifts = &rs.shifts;
    let here = shifts.get(i)?;
    let person = holder(here, role)?.person.as_str();
    let leave = &ctx.schedule.leave;
    let free = |who: &str, shift: &Shift| {
        shift.assignments().all(|(_, a)| a.person != who)
            && leave.during_duty(who, shift).next().is_none()
    };
    let trades = |j: usize| {
        // A shift that is over cannot be traded any more.
        let Some(there) = shifts.get(j).filter(|s| s.end > ctx.today) else {
            return false;
        };
        let Some(other) = holder(there, role) else {
            return false;
        };
        let x = other.person.as_str();
        if x == person || other.origin.is_override() || !rs.roster.iter().any(|p| p == x) {
            return false;
        }
        if !free(x, here) || !free(person, there) {
            return false;
        }
        if role == Role::Secondary {
            return true;
        }
        // Primaries after the trade, next to each of the two shifts.
        let primary_after = |k: usize| -> Option<&str> {
            if k == i {
                Some(x)
            } else if k == j {
                Some(person)
            } else {
                shifts.get(k).map(|s| s.primary.person.as_str())
            }
        };
        let next_to = |k: usize, who: &str| {
            [k.checked_sub(1), k.checked_add(1)]
                .into_iter()
                .flatten()
                .all(|n| primary_after(n) != Some(who))
        };
        next_to(i, x) && next_to(j, person)
    };
    (1..=SWAP_REACH).find_map(|d| {
        [i.checked_add(d), i.checked_sub(d)]
            .into_iter()
            .flatten()
            .find(|&j| trades(j))
    })
}

/// Help for someone on leave in `role` of shift `i` (`origin` put them
/// there): a trade with the nearest person free both times, or, when there
/// is none, an override naming someone free and `steward suggest`.
pub(crate) fn leave_help(
    ctx: &Context<'_>,
    rs: &RotationSchedule,
    i: usize,
    role: Role,
    origin: Origin,
    several: bool,
) -> String {
    let Some(here) = rs.shifts.get(i) else {
        return String::new();
    };
    let Some(person) = holder(here, role).map(|a| a.person.as_str()) else {
        return String::new();
    };
    let suggest = format!(
        "`steward suggest --rotation {}` plans the rotation around everyone's leave",
        rs.id
    );
    let partner = swap_partner(ctx, rs, i, role).and_then(|j| {
        Some((
            rs.shifts.get(j)?,
            holder(rs.shifts.get(j)?, role)?.person.as_str(),
        ))
    });
    let Some((there, x)) = partner else {
        let free = free_people(ctx, rs, here, role);
        return match free.first() {
            Some(who) => format!(
                "nobody can trade shifts with {person} without a new conflict: add an override `- {{ start: {}, {role}: {who}, reason: {person} on leave }}` (free then: {}) and give {who} a shift back later, or {suggest}",
                here.written_start(),
                list(&free, 4)
            ),
            None => format!(
                "nobody on the roster can take the shift {} without a new conflict; {suggest}",
                here.dates()
            ),
        };
    };
    let back = format!(
        "`- {{ start: {}, {role}: {person}, reason: swap with {x} }}`",
        there.written_start()
    );
    let how = match origin {
        Origin::Override(..) => format!("write {x} here instead of {person}, and add {back} to `overrides`"),
        Origin::Shift(..) => format!(
            "make {x} the {role} of the shift starting {} and {person} the {role} of the one starting {}",
            here.written_start(), there.written_start()
        ),
        Origin::Roster(_) => format!(
            "add `- {{ start: {}, {role}: {x}, reason: {person} on leave }}` and {back} to `overrides`",
            here.written_start()
        ),
    };
    let trade = format!(
        "swap shifts with {x}, {role} of {} and free both times, so everyone keeps their number of shifts: {how}",
        there.dates()
    );
    if several {
        format!(
            "trade each shift with someone free both times; for {}: {trade}; or {suggest}",
            here.written_start()
        )
    } else {
        trade
    }
}

/// "a", "a and b", "a, b and c", "a, b, c and 4 more".
pub(crate) fn list<S: AsRef<str>>(items: &[S], shown: usize) -> String {
    let shown = shown.max(1);
    let names: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].to_string(),
        n if n <= shown => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        n => format!("{} and {} more", names[..shown].join(", "), n - shown),
    }
}

/// "1 shift", "3 shifts".
pub(crate) fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The first most- and the first least-loaded person, in roster order.
pub(crate) struct Spread<'a> {
    pub most: &'a str,
    pub high: usize,
    pub least: &'a str,
    pub low: usize,
    /// "john 3, emily 2, …" in roster order.
    pub all: String,
}

pub(crate) fn spread<'a>(counts: &[(&'a str, usize)]) -> Option<Spread<'a>> {
    let &(most, high) = counts.iter().rev().max_by_key(|(_, c)| *c)?;
    let &(least, low) = counts.iter().min_by_key(|(_, c)| *c)?;
    let all: Vec<String> = counts.iter().map(|(p, c)| format!("{p} {c}")).collect();
    Some(Spread {
        most,
        high,
        least,
        low,
        all: all.join(", "),
    })
}

/// An uneven-load finding at the most loaded person, with a label at the
/// least loaded one when they are written elsewhere.
pub(crate) fn uneven(
    rs: &RotationSchedule,
    rot: &Rotation,
    s: &Spread<'_>,
    message: String,
    label: String,
    help: String,
    least_label: String,
) -> Diagnostic {
    let here = person_location(rs, rot, s.most);
    let there = person_location(rs, rot, s.least);
    let mut d = Diagnostic::new(here.clone(), message)
        .label(label)
        .help(help)
        .subject(s.most);
    if there != here {
        d = d.with(there, least_label);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_naturally() {
        assert_eq!(list::<&str>(&[], 3), "");
        assert_eq!(list(&["a"], 3), "a");
        assert_eq!(list(&["a", "b"], 3), "a and b");
        assert_eq!(list(&["a", "b", "c"], 3), "a, b and c");
        assert_eq!(list(&["a", "b", "c", "d", "e"], 3), "a, b, c and 2 more");
        assert_eq!(count(1, "shift"), "1 shift");
        assert_eq!(count(2, "shift"), "2 shifts");
    }
}
