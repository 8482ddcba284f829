use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::on_call::{self, at, list};
use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::schedule::Origin;

pub static RULE: Rule = Rule {
    id: "holiday-fairness",
    summary: "Holiday duty is uneven, or someone is primary on the same holiday two years running",
    explanation: r#"## What it checks
For every rotation with a `holidays.calendar`, counts the holidays on which
each roster member is primary (after overrides) and fires when one member
has more than one holiday more than another. It also fires when a member is
primary on the same holiday (by name) in two consecutive years. A holiday
counts for the primary the schedule names, even one on leave that day
(`unavailable-on-call` and `holiday-coverage` report that). With a
`coverage` window, a holiday counts only in a shift whose duty it falls in;
a member with no such holiday counts 0.

Uneven duty is reported at the most-loaded member's roster entry (the
`shifts` key for an explicit rotation); a repeated holiday at the entry that
makes the person primary the second year, with the dates of the run.

## Why
Holidays should rotate: nobody should spend every Christmas on call while
a colleague never does. A generated weekly rotation whose roster size
divides 52 (2, 4, 13, 26 people) puts the same person on the same
fixed-date holiday every year.

## Example
```yaml
start: 2026-01-05
until: 2028-01-03
roster: [john, emily, michael, david]   # 4 divides 52: john gets Christmas 2026 and 2027
holidays: { calendar: us-major }
```

## How to fix
Swap holiday shifts with overrides so each person's holidays differ from
last year's and the counts even out; `steward schedule` shows who has which
holiday.
"#,
    options: None,
    check,
};

/// Year -> the holiday's date that year and who made the person primary.
type ByYear = BTreeMap<i32, (NaiveDate, Origin)>;

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for (rs, rot) in on_call::expanded(ctx) {
        if rot.holidays.is_none() || rs.holidays.is_empty() {
            continue;
        }
        // Who is primary on which holiday.
        let mut per_person: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        // (person, holiday name) -> year -> (date, origin).
        let mut years: BTreeMap<(&str, &str), ByYear> = BTreeMap::new();
        for hit in &rs.holidays {
            let Some(shift) = rs.shifts.get(hit.shift) else {
                continue;
            };
            let person = shift.primary.person.as_str();
            per_person
                .entry(person)
                .or_default()
                .push(format!("{} {}", hit.name, hit.date));
            years
                .entry((person, hit.name.as_str()))
                .or_default()
                .entry(hit.date.year())
                .or_insert((hit.date, shift.primary.origin));
        }
        uneven(rs, rot, &per_person, out);
        for ((person, name), by_year) in years {
            repeated(rs, person, name, &by_year, out);
        }
    }
}

fn uneven(
    rs: &crate::schedule::RotationSchedule,
    rot: &crate::model::Rotation,
    per_person: &BTreeMap<&str, Vec<String>>,
    out: &mut Vec<Diagnostic>,
) {
    let counts: Vec<(&str, usize)> = rs
        .roster
        .iter()
        .map(|p| (p.as_str(), per_person.get(p.as_str()).map_or(0, Vec::len)))
        .collect();
    let Some(s) = on_call::spread(&counts) else {
        return;
    };
    if s.high - s.low <= 1 {
        return;
    }
    let (most, least) = (s.most, s.least);
    let theirs = per_person.get(most).map(|v| list(v, 4)).unwrap_or_default();
    out.push(on_call::uneven(
        rs,
        rot,
        &s,
        format!(
            "holiday duty in rotation `{}` is uneven: {most} is primary on {} holidays ({theirs}), {least} on {}; counts: {}",
            rs.id, s.high, s.low, s.all
        ),
        format!("{most}: {} holidays", s.high),
        format!(
            "swap some of {most}'s holiday shifts to {least} with overrides, so counts differ by at most 1"
        ),
        format!("{least}: {}", s.low),
    ));
}

/// Runs of consecutive years on the same holiday: one finding per run.
fn repeated(
    rs: &crate::schedule::RotationSchedule,
    person: &str,
    name: &str,
    by_year: &ByYear,
    out: &mut Vec<Diagnostic>,
) {
    let entries: Vec<(i32, NaiveDate, Origin)> =
        by_year.iter().map(|(y, (d, o))| (*y, *d, *o)).collect();
    let mut i = 0;
    while i < entries.len() {
        let mut j = i;
        while j + 1 < entries.len() && entries[j + 1].0 == entries[j].0 + 1 {
            j += 1;
        }
        if j > i {
            let run = &entries[i..=j];
            let dates: Vec<String> = run.iter().map(|(_, d, _)| d.to_string()).collect();
            let (_, first_date, first_origin) = run[0];
            let (_, second_date, second_origin) = run[1];
            let mut d = Diagnostic::new(
                at(rs, second_origin),
                format!(
                    "{person} is primary of rotation `{}` on {name} {} years running: {}",
                    rs.id,
                    run.len(),
                    list(&dates, dates.len())
                ),
            )
            .label(format!("{person} on {name} again ({second_date})"))
            .help(format!(
                "add an override for the shift holding {second_date} so someone who was not primary on {name} {} takes it",
                first_date.year()
            ))
            .subject(person);
            if first_origin.pointer() != second_origin.pointer() {
                d = d.with(at(rs, first_origin), format!("{name} {first_date}"));
            }
            out.push(d);
        }
        i = j + 1;
    }
}
