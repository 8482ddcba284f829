use super::on_call::{self, count, list, roster_location};
use super::{Context, Params, Rule};
use crate::finding::Diagnostic;

pub static RULE: Rule = Rule {
    id: "roster-size",
    summary: "A rotation has fewer than `min_members` distinct people",
    explanation: r#"## What it checks
A rotation has at least `min_members` distinct people: the entries of a
generated rotation's `roster`, or everyone on call in a shift of an explicit
rotation. The finding points at `roster` (or the `shifts` key).

## Why
With n people each is primary one shift in n: with weekly shifts and three
people, everyone carries the pager every third week, and one vacation makes
it every other week. Four or more keeps on-call sustainable.

## Example
```yaml
roster: [john, emily, michael]   # 3 people: on call every third week
```

## How to fix
Add people to the roster, or merge small rotations into one that covers all
their pipelines.
"#,
    options: Some(
        r#"{"min_members": {"type": "integer", "minimum": 1, "description": "Fewest distinct people a rotation may have"}}"#,
    ),
    check,
};

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    // The default lives in policies/default.yaml, which every policy extends.
    let Some(min_members) = params.get::<u64>("min_members") else {
        return;
    };
    for (rs, rot) in on_call::rotations(ctx) {
        let n = rs.roster.len();
        if n == 0 || n as u64 >= min_members {
            continue;
        }
        let every = rot
            .shift_length
            .whole_days()
            .and_then(|d| i64::try_from(n).ok()?.checked_mul(d))
            .map(|days| {
                if days % 7 == 0 {
                    count(usize::try_from(days / 7).unwrap_or(0), "week")
                } else {
                    count(usize::try_from(days).unwrap_or(0), "day")
                }
            });
        let cadence = match every {
            Some(every) if n > 1 => format!(": each is primary once every {every}"),
            Some(_) => ": one person is on call all the time".to_string(),
            None => String::new(),
        };
        out.push(
            Diagnostic::new(
                roster_location(rs),
                format!(
                    "rotation `{}` has {} ({}), fewer than {min_members}{cadence}",
                    rs.id,
                    count(n, "person").replace("persons", "people"),
                    list(&rs.roster, 8)
                ),
            )
            .label(count(n, "person").replace("persons", "people"))
            .help(format!(
                "add people to the rotation so it has at least {min_members}, or merge it with another rotation"
            )),
        );
    }
}
