use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::on_call::{at, list};
use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::schedule::window::{self, Interval};
use crate::schedule::Origin;

pub static RULE: Rule = Rule {
    id: "double-booked",
    summary: "Someone is primary in two rotations at overlapping times",
    explanation: r#"## What it checks
Across all rotations, nobody is primary of two rotations at the same time.
With `coverage` windows, the duties of the two shifts must overlap (§10):
primary of a working-hours rotation and of a night rotation the same week
is not double-booked. Shifts are compared as instants, so rotations in different time zones or
with different handoff times are compared correctly; rotations without
times of day hand over at midnight UTC, so they overlap on the same days.
Being secondary of one rotation while primary of another is allowed.

The finding points at the later rotation's entry (the roster entry of a
generated rotation, the shift or override of an explicit one) with a label
on the other rotation's; the message lists the overlapping days.

## Why
Two pagers at once means one of them is not really covered: when both
rotations have incidents the same night, one waits.

## Example
```yaml
# rotations/investor.yaml
roster: [john, emily, michael, david]
# rotations/experiments.yaml, same start and shift length
roster: [john, priya, sam, alex]      # john is primary of both in week 1, 5, 9…
```

## How to fix
Merge the rotations into one covering all the pipelines, shift one roster's
order, or add overrides so someone else is primary of one of them then.
"#,
    options: None,
    check,
};

/// Overlaps shown per finding; the rest are counted.
const SHOWN: usize = 3;

struct Overlaps<'a> {
    person: &'a str,
    count: usize,
    /// `[from, to)` of the first overlaps.
    shown: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

struct Slot<'a> {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    rotation: usize,
    origin: Origin,
    /// The shift's duty (§10): only duty against duty is double-booked.
    duty: &'a [Interval],
}

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let rotations = &ctx.schedule.rotations;
    // Every primary shift with duty as (rotation, shift) indexes, by person,
    // start and rotation (a stable sort: shifts in schedule order otherwise).
    // Slots are built one person at a time: on a large workspace a slot per
    // shift at once was the largest allocation of the rules.
    let mut primaries: Vec<(usize, usize)> = rotations
        .iter()
        .enumerate()
        .flat_map(|(r, rs)| {
            rs.shifts
                .iter()
                .enumerate()
                .filter(|(_, s)| s.has_duty())
                .map(move |(i, _)| (r, i))
        })
        .collect();
    let shift = |&(r, i): &(usize, usize)| &rotations[r].shifts[i];
    primaries.sort_by(|a, b| {
        let (sa, sb) = (shift(a), shift(b));
        (sa.primary.person.as_str(), sa.begins, a.0).cmp(&(
            sb.primary.person.as_str(),
            sb.begins,
            b.0,
        ))
    });
    // (later rotation, its origin, earlier rotation, its origin) -> (person, overlaps).
    type Key = (usize, Origin, usize, Origin);
    let mut groups: BTreeMap<Key, Overlaps<'_>> = BTreeMap::new();
    for same in primaries.chunk_by(|a, b| shift(a).primary.person == shift(b).primary.person) {
        let Some(first) = same.first() else {
            continue;
        };
        let person = shift(first).primary.person.as_str();
        let slots: Vec<Slot> = same
            .iter()
            .map(|&(r, i)| {
                let s = shift(&(r, i));
                Slot {
                    start: s.begins,
                    end: s.ends,
                    rotation: r,
                    origin: s.primary.origin,
                    duty: &s.duty,
                }
            })
            .collect();
        // A sweep over start dates. Per rotation only the running slot that
        // ends last is kept: shifts of one rotation do not overlap unless
        // broken (`coverage-gap`), so nothing is lost, and the work stays
        // linear in slots times the rotations a person is in.
        let mut active: BTreeMap<usize, &Slot> = BTreeMap::new();
        for slot in &slots {
            active.retain(|_, a| a.end > slot.start);
            for (&r, a) in &active {
                if r == slot.rotation {
                    continue;
                }
                let (later, earlier) = if r > slot.rotation {
                    (*a, slot)
                } else {
                    (slot, *a)
                };
                // From the first to the end of the last instant both duties hold.
                let both = window::intersect(later.duty, earlier.duty);
                let (Some(&(from, _)), Some(&(_, to))) = (both.first(), both.last()) else {
                    continue;
                };
                let group = groups
                    .entry((
                        later.rotation,
                        later.origin,
                        earlier.rotation,
                        earlier.origin,
                    ))
                    .or_insert_with(|| Overlaps {
                        person,
                        count: 0,
                        shown: Vec::new(),
                    });
                group.count += 1;
                if group.shown.len() < SHOWN {
                    group.shown.push((from, to));
                }
            }
            if active.get(&slot.rotation).is_none_or(|a| a.end < slot.end) {
                active.insert(slot.rotation, slot);
            }
        }
    }
    for ((later, origin, earlier, other), group) in groups {
        let (Some(rs), Some(other_rs)) = (rotations.get(later), rotations.get(earlier)) else {
            continue;
        };
        let person = group.person;
        // Read in the zone of the rotation reported on; with times of day
        // when either rotation has them.
        let clock = if other_rs.clock.timed && !rs.clock.timed {
            rs.clock.viewed_in(rs.clock.zone)
        } else {
            rs.clock
        };
        let shown: Vec<String> = group
            .shown
            .iter()
            .map(|&(from, to)| clock.range(from, to))
            .collect();
        let when = match shown.as_slice() {
            [one] if group.count == 1 => format!("on {one}"),
            shown if group.count > shown.len() => format!(
                "{} times: {} and {} more",
                group.count,
                shown.join(", "),
                group.count - shown.len()
            ),
            shown => format!("{} times: {}", group.count, list(shown, SHOWN)),
        };
        out.push(
            Diagnostic::new(
                at(rs, origin),
                format!(
                    "{person} is primary of both `{}` and `{}` {when}",
                    rs.id, other_rs.id
                ),
            )
            .label(format!("also primary of `{}`", other_rs.id))
            .with(at(other_rs, other), format!("{person} primary of `{}`", other_rs.id))
            .help(format!(
                "add an override so someone else is primary of `{}` or `{}` then, or merge the two rotations",
                rs.id, other_rs.id
            ))
            .subject(person),
        );
    }
}
