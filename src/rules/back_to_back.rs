use std::collections::BTreeMap;

use super::on_call::{self, at, list};
use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::schedule::{Origin, Shift};

pub static RULE: Rule = Rule {
    id: "back-to-back",
    summary: "Someone is primary in two consecutive shifts of a rotation",
    explanation: r#"## What it checks
For every two consecutive shifts of a rotation (in date order, after
overrides), the primary differs. With a `coverage` window, only shifts
that have duty count: shifts in between that hold no duty are skipped, so
someone primary of two month-ends in a row is reported. A generated rotation does this by itself
unless the roster lists someone in adjacent entries (or has one person);
an override that hands someone the shift right before or after their own
breaks it.

Findings point at the override when one is involved, else at the later
shift's entry (the roster entry for a generated rotation, with the dates
of every occurrence in the message).

## Why
A fair rotation gives everyone time off between shifts: two weeks of
pages in a row is how on-call burns people out.

## Example
```yaml
roster: [john, emily, michael, david]
overrides:
  - { start: 2026-01-12, primary: john, reason: swap }   # john also has 2026-01-05
```

## How to fix
Pick someone else for one of the two shifts (an override with a `reason`),
or fix the roster order.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for (rs, rot) in on_call::expanded(ctx) {
        let shifts = if rot.has_window() {
            "duty shifts"
        } else {
            "shifts"
        };
        // Blamed origin -> (person, other origin, runs, whether off-duty shifts lie between).
        let mut groups: BTreeMap<Origin, (String, Origin, Vec<String>, bool)> = BTreeMap::new();
        // Shifts without duty need nobody: they sit between duty shifts (§14.19).
        let duty: Vec<&Shift> = rs.shifts.iter().filter(|s| s.has_duty()).collect();
        for pair in duty.windows(2) {
            let [a, b] = pair else { continue };
            if a.primary.person != b.primary.person {
                continue;
            }
            let (blame, other) =
                if !b.primary.origin.is_override() && a.primary.origin.is_override() {
                    (a.primary.origin, b.primary.origin)
                } else {
                    (b.primary.origin, a.primary.origin)
                };
            let group = groups
                .entry(blame)
                .or_insert_with(|| (b.primary.person.to_string(), other, Vec::new(), false));
            if a.ends == b.begins {
                group.2.push(rs.clock.range(a.begins, b.ends));
            } else {
                // Duty shifts with off-duty shifts between them.
                group.2.push(format!("{} then {}", a.dates(), b.dates()));
                group.3 = true;
            }
        }
        for (blame, (person, other, runs, apart)) in groups {
            let message = if runs.len() == 1 {
                format!(
                    "{person} is primary of rotation `{}` two {shifts} in a row, {}",
                    rs.id, runs[0]
                )
            } else {
                format!(
                    "{person} is primary of rotation `{}` two {shifts} in a row {} times: {}",
                    rs.id,
                    runs.len(),
                    list(&runs, 3)
                )
            };
            let help = match blame {
                Origin::Roster(_) if apart => format!(
                    "the shifts between hold no duty under the rotation's `coverage`, so the roster order brings `{person}` back for the next duty; make shifts as long as the duty comes round (`shift_length: 1mo` for month-end coverage), or add an override giving one of the two to someone else"
                ),
                Origin::Roster(_) => format!(
                    "shift i's primary is roster[i mod n]: `{person}` is in adjacent roster entries, or alone in the roster; reorder or extend the roster"
                ),
                Origin::Override(..) => format!(
                    "this override puts `{person}` on call next to their own shift; pick someone else"
                ),
                Origin::Shift(..) => format!("give one of the two shifts to someone other than `{person}`"),
            };
            let mut d = Diagnostic::new(at(rs, blame), message)
                .label(format!("{person} again"))
                .help(help)
                .subject(&person);
            if other.pointer() != blame.pointer() {
                d = d.with(at(rs, other), format!("{person} in the adjacent shift"));
            }
            out.push(d);
        }
    }
}
