use std::collections::BTreeMap;

use super::on_call::{self, at, free_people, list};
use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::schedule::leave::LeavePeriod;
use crate::schedule::{Origin, Role, Shift};

pub static RULE: Rule = Rule {
    id: "unavailable-on-call",
    summary: "A shift's primary or secondary is on declared leave during it",
    explanation: r#"## What it checks
Nobody is primary or secondary of a shift (after overrides) that overlaps
their declared leave (`unavailable` in the Team, inclusive dates) by even
one day.

The finding points at the entry that puts the person on call (the roster
entry of a generated rotation, the shift or override of an explicit one),
names the shift's dates and the leave, and labels the leave entry in the
Team file. The help line names roster members free for the whole shift.

## Why
Someone on vacation does not answer the pager: the shift is uncovered
while the schedule says it is not.

## Example
```yaml
# team.yaml
- id: emily
  unavailable: [{ from: 2026-12-21, to: 2027-01-03, reason: winter vacation }]
# rotation: emily is primary of the shift starting 2026-12-21
```

## How to fix
Add an override for the shift, with a `reason`:
`- { start: 2026-12-21, primary: david, reason: emily on leave }`.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let leave = &ctx.schedule.leave;
    for (rs, _) in on_call::expanded(ctx) {
        // (origin, role, the leave entries it overlaps) -> (person, leave, shift indices):
        // overlapping leave entries make one finding, not one each.
        type Key = (Origin, Role, Vec<(usize, usize, usize)>);
        type Group<'a> = (&'a str, Vec<&'a LeavePeriod>, Vec<usize>);
        let mut groups: BTreeMap<Key, Group<'_>> = BTreeMap::new();
        for (i, shift) in rs.shifts.iter().enumerate() {
            for (role, a) in shift.assignments() {
                let periods: Vec<&LeavePeriod> =
                    leave.during(&a.person, shift.start, shift.end).collect();
                if periods.is_empty() {
                    continue;
                }
                let ids = periods.iter().map(|p| (p.doc, p.member, p.entry)).collect();
                groups
                    .entry((a.origin, role, ids))
                    .or_insert_with(|| (a.person.as_str(), periods, Vec::new()))
                    .2
                    .push(i);
            }
        }
        for ((origin, role, _), (person, periods, shifts)) in groups {
            let dates: Vec<String> = shifts
                .iter()
                .filter_map(|&i| rs.shifts.get(i))
                .map(Shift::dates)
                .collect();
            let Some(first) = shifts.first().and_then(|&i| rs.shifts.get(i)) else {
                continue;
            };
            let free = free_people(ctx, rs, first, role);
            let who = if free.is_empty() {
                "someone available".to_string()
            } else {
                free[0].clone()
            };
            let each = if shifts.len() > 1 {
                " for each shift, e.g."
            } else {
                ":"
            };
            let mut help = format!(
                "add an override{each} `- {{ start: {}, {role}: {who}, reason: {person} on leave }}`",
                first.start
            );
            if !free.is_empty() {
                help.push_str(&format!("; free then: {}", list(&free, 4)));
            }
            let away: Vec<String> = periods.iter().map(|p| p.describe()).collect();
            let mut d = Diagnostic::new(
                at(rs, origin),
                format!(
                    "{person} is {role} of rotation `{}` on {} while on leave ({})",
                    rs.id,
                    list(&dates, 3),
                    away.join("; ")
                ),
            )
            .label(format!("{person} on leave"))
            .help(help)
            .subject(person);
            for p in periods {
                d = d.with(p.location(), format!("{person}'s leave"));
            }
            out.push(d);
        }
    }
}
