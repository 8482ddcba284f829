use super::on_call;
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
generated roster are not counted. With a `coverage` window only shifts that
have duty count, and a member with none counts 0: a weekly rotation with
month-end coverage that gives one person most month-ends is reported (use
`shift_length: 1mo` so everyone gets one month-end in turn).

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
        let counts: Vec<(&str, usize)> = rs
            .roster
            .iter()
            .map(|p| {
                let primary = rs.load.people.get(p).map_or(0, |l| l.primary);
                (p.as_str(), usize::try_from(primary).unwrap_or(usize::MAX))
            })
            .collect();
        let Some(s) = on_call::spread(&counts) else {
            continue;
        };
        let spread = (s.high - s.low) as u64;
        if spread <= max_spread {
            continue;
        }
        let (most, least) = (s.most, s.least);
        // Under a coverage window only shifts with duty are counted (§14.19).
        let shifts = if rot.has_window() {
            "primary shifts with duty"
        } else {
            "primary shifts"
        };
        out.push(on_call::uneven(
            rs,
            rot,
            &s,
            format!(
                "{shifts} of rotation `{}` are uneven: {most} has {}, {least} {}, a spread of {spread} (max_spread {max_spread}); counts: {}",
                rs.id, s.high, s.low, s.all
            ),
            format!("{most}: {} {shifts}", s.high),
            if rot.has_window() {
                format!(
                    "give some of {most}'s shifts with duty to {least} (overrides with a `reason`), or make shifts as long as the duty comes round (`shift_length: 1mo` for month-end coverage) so the roster shares it in turn"
                )
            } else {
                format!(
                    "give some of {most}'s shifts to {least} (overrides with a `reason`), and list each person once in the roster"
                )
            },
            format!("{least}: {}", s.low),
        ));
    }
}
