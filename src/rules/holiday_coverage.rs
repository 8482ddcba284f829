use std::collections::BTreeMap;

use super::on_call::{self, at, count, leave_help, list};
use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::schedule::{Origin, Person, Role};

pub static RULE: Rule = Rule {
    id: "holiday-coverage",
    summary: "A holiday falls in a shift with fewer than `min_engineers` engineers who are not on leave that day",
    explanation: r#"## What it checks
For every rotation with a `holidays.calendar` (a builtin `us-federal` or
`us-major`, or a Holidays document), each holiday that falls in one of its
shifts must have at least `min_engineers` distinct engineers on call that
are not on declared leave that day. A shift has a primary and a secondary,
so the most it can have is 2. Holidays are whole local days in the
rotation's `time_zone`; with a `handoff_time`, a holiday on a handoff day is
in both shifts and checked in each. With a `coverage` window only holidays
that fall in a shift's duty count, and the engineers of that shift are
counted: a holiday outside duty needs nobody. A rotation's `holidays.min_engineers`
overrides the policy's. A Holidays document whose id is `us-federal` or
`us-major` replaces the builtin calendar of that name.

Findings point at the entry that puts the person on leave on call (labelling
the leave in the Team file), at the primary's entry when the shift has no
distinct secondary, or at `holidays.min_engineers` when it asks for more than
two. Holidays with the same cause are reported together.

## Why
Holidays are when fewest people are around and a second engineer matters
most: the requirement is that two people cover them.

## Example
```yaml
roster: [john]                       # nobody to back john up at Christmas
holidays: { calendar: us-major }
```

## How to fix
Trade the person on leave's shift with someone free both times (the help
line names who and writes the two overrides), give the rotation a
secondary (a roster of two or more), or lower `min_engineers` when one
engineer is enough.
"#,
    options: Some(
        r#"{"min_engineers": {"type": "integer", "minimum": 1, "maximum": 2, "description": "Distinct engineers not on leave needed on call on each holiday (a rotation's holidays.min_engineers overrides it)"}}"#,
    ),
    check,
};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Cause {
    /// Someone on call is on leave that day (the leave's member and entry).
    Leave(Origin, Role, usize, usize),
    /// One person on call, with no distinct secondary.
    Alone(Origin),
    /// More engineers asked for than a shift has.
    TooMany,
}

struct Group {
    person: Person,
    holidays: Vec<String>,
    first_shift: usize,
    /// Whether the holidays fall in more than one shift.
    several_shifts: bool,
    leave: Option<(Location, String)>,
}

/// Who is on call on a holiday, as the message says it: "nobody",
/// "only ann", "2 engineers".
fn on_call(available: &[String]) -> String {
    match available {
        [] => "nobody".to_string(),
        [one] => format!("only {one}"),
        more => count(more.len(), "engineer"),
    }
}

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    // The default lives in policies/default.yaml, which every policy extends.
    let default_min = params.get::<u32>("min_engineers");
    let leave = &ctx.schedule.leave;
    for (rs, rot) in on_call::expanded(ctx) {
        let Some(settings) = &rot.holidays else {
            continue;
        };
        let Some(min) = settings.min_engineers.or(default_min) else {
            continue;
        };
        let min = usize::try_from(min).unwrap_or(usize::MAX);
        // Keyed by who is still on call as the message says it too, so
        // holidays with the same cause but someone else on call (an
        // override in one of the shifts) are not reported as the first's.
        let mut groups: BTreeMap<(Cause, String), Group> = BTreeMap::new();
        for hit in &rs.holidays {
            let Some(shift) = rs.shifts.get(hit.shift) else {
                continue;
            };
            let mut people: Vec<(Role, &crate::schedule::Assignment)> = Vec::new();
            for (role, a) in shift.assignments() {
                if !people.iter().any(|(_, p)| p.person == a.person) {
                    people.push((role, a));
                }
            }
            let available: Vec<String> = people
                .iter()
                .filter(|(_, a)| leave.on(&a.person, hit.date).is_none())
                .map(|(_, a)| a.person.to_string())
                .collect();
            if available.len() >= min {
                continue;
            }
            let holiday = format!("{} ({})", hit.name, hit.date);
            let mut causes = Vec::new();
            for (role, a) in &people {
                if let Some(period) = leave.on(&a.person, hit.date) {
                    causes.push((
                        Cause::Leave(a.origin, *role, period.member, period.entry),
                        a.person.clone(),
                        Some((period.location(), period.describe())),
                    ));
                }
            }
            if causes.is_empty() {
                let cause = if people.len() < 2 {
                    Cause::Alone(shift.primary.origin)
                } else {
                    Cause::TooMany
                };
                causes.push((cause, shift.primary.person.clone(), None));
            }
            for (cause, person, leave) in causes {
                let group = groups
                    .entry((cause, on_call(&available)))
                    .or_insert_with(|| Group {
                        person,
                        holidays: Vec::new(),
                        first_shift: hit.shift,
                        several_shifts: false,
                        leave,
                    });
                group.holidays.push(holiday.clone());
                group.several_shifts |= group.first_shift != hit.shift;
            }
        }
        for ((cause, on_call), g) in groups {
            let holidays = list(&g.holidays, 3);
            let verb = if g.holidays.len() == 1 { "has" } else { "have" };
            let head = format!(
                "{holidays} {verb} {on_call} on call in rotation `{}`, fewer than {min}",
                rs.id
            );
            let Some(shift) = rs.shifts.get(g.first_shift) else {
                continue;
            };
            let person = &g.person;
            let d = match cause {
                Cause::Leave(origin, role, ..) => {
                    let (leave_at, leave_text) =
                        g.leave.unwrap_or_else(|| (at(rs, origin), String::new()));
                    let help = leave_help(ctx, rs, g.first_shift, role, origin, g.several_shifts);
                    Diagnostic::new(
                        at(rs, origin),
                        format!("{head}: {person}, the {role}, is on leave ({leave_text})"),
                    )
                    .label(format!("{person} on leave"))
                    .with(leave_at, format!("{person}'s leave"))
                    .help(help)
                    .subject(person)
                }
                Cause::Alone(origin) => {
                    let why = if shift.secondary.is_some() {
                        format!("{person} is both primary and secondary")
                    } else {
                        "the shift has no secondary".to_string()
                    };
                    Diagnostic::new(at(rs, origin), format!("{head}: {why}"))
                        .label(format!("{person} alone"))
                        .subject(person)
                        .help("give the rotation a secondary: a roster of two or more people, or `secondary:` on each shift")
                }
                Cause::TooMany => {
                    let location = if settings.min_engineers.is_some() {
                        Location::node(rs.doc, "/holidays/min_engineers")
                    } else {
                        Location::node(rs.doc, "/holidays/calendar")
                    };
                    Diagnostic::new(
                        location,
                        format!("{head}: a shift has only a primary and a secondary"),
                    )
                    .label(format!("needs {min} engineers"))
                    .help("a shift has at most 2 engineers: set `holidays.min_engineers` (or the policy's `min_engineers`) to 2 or less")
                }
            };
            out.push(d);
        }
    }
}
