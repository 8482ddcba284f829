use std::collections::BTreeMap;

use super::on_call::{self, at, list};
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
one day. Leave days are whole local days in the rotation's `time_zone`: with
`handoff_time: "09:00"`, leave ending on the day a shift starts, or starting
on the day it ends, overlaps it. With a `coverage` window only the shift's
duty counts: leave on days the window leaves out (a weekend of a
working-hours rotation, the first weeks of a month-end one) is no conflict.

The finding points at the entry that puts the person on call (the roster
entry of a generated rotation, the shift or override of an explicit one),
names the shift's dates and the leave, and labels the leave entry in the
Team file. The help line proposes a trade with the nearest roster member
who is free during both shifts (so nobody's shift count changes and
`balanced-load` stays as it was); when there is none, an override naming
someone free, and `steward suggest`.

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
Trade shifts with someone free both times, with two overrides:
`- { start: 2026-12-21, primary: david, reason: emily on leave }` and
`- { start: 2027-01-04, primary: emily, reason: swap with david }`.
A single override fixes the leave but gives one person an extra shift,
which `balanced-load` may report. `steward suggest --rotation ID` plans a
whole rotation around everyone's leave.
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
                let periods: Vec<&LeavePeriod> = leave.during_duty(&a.person, shift).collect();
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
            let Some(&first) = shifts.first() else {
                continue;
            };
            let help = on_call::leave_help(ctx, rs, first, role, origin, shifts.len() > 1);
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
