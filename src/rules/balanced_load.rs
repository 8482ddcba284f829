use super::on_call::{self, person_location};
use super::{Context, Params, Rule};
use crate::finding::Diagnostic;

pub static RULE: Rule = Rule {
    id: "balanced-load",
    summary: "Primary shifts per roster member in a rotation differ by more than `max_spread`",
    explanation: r#"## What it checks
Counts each roster member's primary shifts in a rotation, after overrides,
and fires when the most-loaded member has more than `max_spread` shifts more
than the least-loaded one. The roster of a generated rotation is its
`roster`; the roster of an explicit rotation is everyone who is on call in
one of its shifts. People brought in by an override who are not in a
generated roster are not counted.

The finding points at the most-loaded member's roster entry (the `shifts`
key for an explicit rotation) and labels the least-loaded one; the message
gives every member's count. `steward schedule` shows the same counts with
a balance score.

## Why
On-call should be shared evenly: an unbalanced rotation quietly makes one
person carry the pager for everybody.

## Example
```yaml
roster: [john, emily, john, michael]   # john is primary twice per cycle
```

## How to fix
List each person once in the roster, and balance overrides: when someone
takes a shift for a colleague, give them one back.
"#,
    options: Some(
        r#"{"max_spread": {"type": "integer", "minimum": 0, "description": "Largest allowed difference between the most and least primary shifts of two roster members"}}"#,
    ),
    check,
};

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    // The default lives in policies/default.yaml, which every policy extends.
    let Some(max_spread) = params.get::<u64>("max_spread") else {
        return;
    };
    for (rs, rot) in on_call::expanded(ctx) {
        let counts: Vec<(&str, u32)> = rs
            .roster
            .iter()
            .map(|p| (p.as_str(), rs.load.people.get(p).map_or(0, |l| l.primary)))
            .collect();
        // First of the most- and of the least-loaded, in roster order.
        let Some(&(most, high)) = counts.iter().rev().max_by_key(|(_, c)| *c) else {
            continue;
        };
        let Some(&(least, low)) = counts.iter().min_by_key(|(_, c)| *c) else {
            continue;
        };
        let spread = u64::from(high - low);
        if spread <= max_spread {
            continue;
        }
        let all: Vec<String> = counts.iter().map(|(p, c)| format!("{p} {c}")).collect();
        let here = person_location(rs, rot, most);
        let there = person_location(rs, rot, least);
        let mut d = Diagnostic::new(
                here.clone(),
                format!(
                    "primary shifts of rotation `{}` are uneven: {most} has {high}, {least} {low}, a spread of {spread} (max_spread {max_spread}); counts: {}",
                    rs.id,
                    all.join(", ")
                ),
            )
            .label(format!("{most}: {high} primary shifts"))
            .help(format!(
                "give some of {most}'s shifts to {least} (overrides with a `reason`), and list each person once in the roster"
            ));
        if there != here {
            d = d.with(there, format!("{least}: {low}"));
        }
        out.push(d);
    }
}
