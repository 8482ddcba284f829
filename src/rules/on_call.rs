//! Helpers shared by the rotation rules; not a rule itself.

use crate::finding::{Diagnostic, Location};
use crate::model::Rotation;
use crate::schedule::{Form, Origin, Role, RotationSchedule, Shift};

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
/// leave during it, and for the primary, not primary of the shifts next to it.
pub(crate) fn free_people(
    ctx: &Context<'_>,
    rs: &RotationSchedule,
    shift: &Shift,
    role: Role,
) -> Vec<String> {
    let at = rs.shifts.partition_point(|s| s.start < shift.start);
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
        .filter(|p| {
            ctx.schedule
                .leave
                .during(p, shift.start, shift.end)
                .next()
                .is_none()
        })
        .cloned()
        .collect()
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
