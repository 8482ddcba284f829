use std::collections::BTreeMap;

use super::on_call::{self, at, count, list};
use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::schedule::Origin;

pub static RULE: Rule = Rule {
    id: "distinct-on-call",
    summary: "A shift's primary and secondary are the same person",
    explanation: r#"## What it checks
In every expanded shift, after overrides, the secondary is a different person
from the primary, whether or not the shift has duty under a `coverage`
window: the pair is wrong either way. In a generated rotation the secondary of shift i is
`roster[(i+1) mod n]`, so a roster that lists someone twice in a row (or
first and last) pairs them with themselves; an override can do the same.

Findings point at the entry that makes the pair: the override, the explicit
shift's `secondary`, or the roster entry. Shifts of a generated rotation
with the same cause are reported once, with their dates.

## Why
The secondary takes over when the primary cannot resolve an incident within
the escalation window. When both are the same person there is no one to
escalate to.

## Example
```yaml
roster: [john, emily, john]   # john is primary and secondary every third week
```

## How to fix
Reorder or fix the roster so nobody follows themselves (counting round the
end), or name another secondary in the shift or override.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for (rs, _) in on_call::expanded(ctx) {
        // Blamed origin -> (person, other origin, shift dates).
        let mut groups: BTreeMap<Origin, (String, Origin, Vec<String>)> = BTreeMap::new();
        for shift in &rs.shifts {
            let Some(secondary) = &shift.secondary else {
                continue;
            };
            if secondary.person != shift.primary.person {
                continue;
            }
            // Blame what a user wrote last: an override over a roster or shift entry.
            let (blame, other) =
                if shift.primary.origin.is_override() && !secondary.origin.is_override() {
                    (shift.primary.origin, secondary.origin)
                } else {
                    (secondary.origin, shift.primary.origin)
                };
            groups
                .entry(blame)
                .or_insert_with(|| (secondary.person.to_string(), other, Vec::new()))
                .2
                .push(shift.dates());
        }
        for (blame, (person, other, dates)) in groups {
            let when = if dates.len() == 1 {
                format!("on {}", dates[0])
            } else {
                format!("in {}: {}", count(dates.len(), "shift"), list(&dates, 3))
            };
            let help = match blame {
                Origin::Roster(_) => format!(
                    "in a generated rotation the secondary is the next roster entry: `{person}` is listed twice in a row (counting round the end of the roster); reorder the roster"
                ),
                Origin::Override(..) => format!(
                    "the override makes `{person}` both primary and secondary; name someone else"
                ),
                Origin::Shift(..) => format!("name a secondary other than `{person}`"),
            };
            let mut d = Diagnostic::new(
                at(rs, blame),
                format!(
                    "{person} is both primary and secondary of rotation `{}` {when}",
                    rs.id
                ),
            )
            .label(format!("{person} is also the primary"))
            .help(help)
            .subject(&person);
            if other.pointer() != blame.pointer() {
                d = d.with(at(rs, other), format!("{person} as primary"));
            }
            out.push(d);
        }
    }
}
