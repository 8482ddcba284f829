use chrono::{DateTime, Utc};

use super::on_call::{self, count};
use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::{LocalStart, Override, Rotation};
use crate::schedule::time::{self, Clock};
use crate::schedule::{Form, Role, RotationSchedule, Shift, MAX_SHIFTS};

pub static RULE: Rule = Rule {
    id: "coverage-gap",
    summary: "A rotation has a gap or overlap between consecutive shifts, or an override that starts no shift or repeats another",
    explanation: r#"## What it checks
A rotation's shifts, in time order, must follow each other without a gap or
an overlap: each shift starts the instant the previous one ends. For an
explicit rotation (`shifts:`) every shift lasts `shift_length` from its
`start` (a date means the rotation's `handoff_time` that day), and the first
shift starts at the rotation's `start`; a monthly shift on the calendar of
the rotation's `start` ends where the next month's step lands (from January
31: February 28, then March 31), so explicit monthly shifts tile. A generated
rotation (`roster` + `until`) has no gaps by construction.

Every override must start where a shift starts (its date, or its local
date-time when that is not at the handoff time): it replaces the people of
that whole shift. Two overrides of one shift that both set its primary (or
both its secondary) are reported at the later one, which silently wins;
two that set different roles are fine.

It also reports a rotation longer than steward expands: at most 10,000 shifts
per rotation are expanded and checked (10,000 weekly shifts are almost two
centuries). The finding points at `until` (or the 10,001st shift) and says
from which date on nothing is checked.

## Why
A gap is a stretch of days when nobody is on call for the covered pipelines;
an overlap means two shifts disagree on who is. An override that matches no
shift does nothing: the swap it was written for silently does not happen. Of
two overrides setting the same person of a shift only the last applies, so
the first one's swap silently does not happen either.

## Example
```yaml
shift_length: 1w
start: 2026-01-05
shifts:
  - { start: 2026-01-05, primary: john, secondary: emily }
  - { start: 2026-01-19, primary: emily, secondary: john }   # 2026-01-12 – 2026-01-18 uncovered
overrides:
  - { start: 2026-01-07, primary: david }                     # a Wednesday: starts no shift
  - { start: 2026-01-05, primary: david, reason: john away }
  - { start: 2026-01-05, primary: michael, reason: swap }      # replaces the one above
```

## How to fix
Make each shift start where the previous one ends (add the missing shift, or
move its `start`), and set each override's `start` to the first day of the
shift it replaces: the help line names the shift it falls in. Keep one
override per shift and role: delete the one that no longer applies.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for (rs, rot) in on_call::rotations(ctx) {
        if rs.not_expanded.is_some() {
            continue;
        }
        if let Some(t) = rs.truncated {
            let location = match rs.form {
                Form::Generated => Location::node(rs.doc, "/until"),
                Form::Explicit => Location::node(rs.doc, format!("/shifts/{MAX_SHIFTS}")),
            };
            out.push(
                Diagnostic::new(
                    location,
                    format!(
                        "rotation `{}` has {} shifts; steward expands at most {MAX_SHIFTS} per rotation, so shifts from {} on are not checked",
                        rs.id, t.total, rs.clock.moment(t.first_dropped_at)
                    ),
                )
                .label(format!("{} shifts", t.total))
                .help("publish the schedule a quarter or a year ahead and extend it as you go, or use longer shifts"),
            );
        }
        if rs.form == Form::Explicit {
            explicit_gaps(rs, rot, out);
        }
        for &j in &rs.unmatched_overrides {
            if let Some(o) = rot.overrides.get(j) {
                out.push(unmatched_override(rs, j, o.start));
            }
        }
        for shift in rs.shifts.iter().filter(|s| s.overrides.len() > 1) {
            repeated_overrides(rs, rot, shift, out);
        }
    }
}

/// The roles an override sets, with the person for each.
fn roles(o: &Override) -> Vec<(Role, &str)> {
    [(Role::Primary, &o.primary), (Role::Secondary, &o.secondary)]
        .into_iter()
        .filter_map(|(role, person)| Some((role, person.as_deref()?)))
        .collect()
}

/// Each override of `shift` that sets a role an earlier override of the
/// same shift set too: only the later one applies.
fn repeated_overrides(
    rs: &RotationSchedule,
    rot: &Rotation,
    shift: &Shift,
    out: &mut Vec<Diagnostic>,
) {
    for (k, &later) in shift.overrides.iter().enumerate() {
        let Some(this) = rot.overrides.get(later as usize) else {
            continue;
        };
        let mine = roles(this);
        // The closest earlier override sharing a role is the one replaced.
        let earlier = shift.overrides[..k].iter().rev().find_map(|&i| {
            let theirs = roles(rot.overrides.get(i as usize)?);
            let shared: Vec<(Role, &str, &str)> = mine
                .iter()
                .filter_map(|&(role, now)| {
                    let (_, before) = theirs.iter().find(|(r, _)| *r == role)?;
                    Some((role, *before, now))
                })
                .collect();
            (!shared.is_empty()).then_some((i, shared))
        });
        let Some((first, shared)) = earlier else {
            continue;
        };
        let which = shared
            .iter()
            .map(|(role, ..)| format!("its {role}"))
            .collect::<Vec<_>>()
            .join(" and ");
        let before: Vec<&str> = shared.iter().map(|(_, b, _)| *b).collect();
        let now: Vec<&str> = shared.iter().map(|(.., n)| *n).collect();
        let what = if before == now {
            format!("this one repeats the earlier one ({})", now.join(", "))
        } else {
            format!(
                "this one ({}) silently replaces the earlier one ({})",
                now.join(", "),
                before.join(", ")
            )
        };
        out.push(
            Diagnostic::new(
                Location::node(rs.doc, format!("/overrides/{later}")),
                format!(
                    "rotation `{}` has two overrides of the shift {} that both set {which}: {what}",
                    rs.id,
                    shift.dates()
                ),
            )
            .label(format!("second override of {}", shift.written_start()))
            .with(
                Location::node(rs.doc, format!("/overrides/{first}")),
                format!("first override of {}", shift.written_start()),
            )
            .help("keep one override per shift: delete the one that no longer applies, or merge the two into one"),
        );
    }
}

fn start_of(rs: &RotationSchedule, shift: &Shift) -> Location {
    match shift.pointer() {
        Some(p) => Location::node(rs.doc, format!("{p}/start")),
        None => Location::node(rs.doc, "/start"),
    }
}

/// "on 2026-01-05" for whole-day rotations, else "at 2026-01-05 09:00 Europe/Berlin".
fn when(clock: Clock, at: DateTime<Utc>) -> String {
    if clock.timed {
        format!("at {}", clock.moment(at))
    } else {
        format!("on {}", clock.moment(at))
    }
}

/// "2026-01-12 – 2026-01-18 (7 days)", or with times of day
/// "2026-01-12 09:00 – 2026-01-19 09:00 Europe/Berlin (7 days)".
fn span(clock: Clock, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    if clock.timed {
        format!("{} ({})", clock.range(from, to), clock.length(from, to))
    } else {
        let (first, after) = clock.days(from, to);
        let n = time::days_between(first, after);
        format!(
            "{} ({})",
            clock.range(from, to),
            count(usize::try_from(n).unwrap_or(0), "day")
        )
    }
}

/// "7 days" for whole-day rotations, else the time that passes ("12 hours").
fn length(clock: Clock, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    if clock.timed {
        clock.length(from, to)
    } else {
        let (first, after) = clock.days(from, to);
        count(
            usize::try_from(time::days_between(first, after)).unwrap_or(0),
            "day",
        )
    }
}

/// "2026-01-11": a shift's last day, or with times of day the handoff ending it.
fn until(shift: &Shift) -> String {
    if shift.clock.timed {
        shift.clock.show(shift.ends)
    } else {
        shift.last_day().to_string()
    }
}

fn explicit_gaps(rs: &RotationSchedule, rot: &Rotation, out: &mut Vec<Diagnostic>) {
    let Some(first) = rs.shifts.first() else {
        return;
    };
    let clock = rs.clock;
    let starts = clock.at(rot.start, None);
    let first_day = time::day_holding(clock.zone, first.begins);
    if first.begins > starts {
        out.push(
            Diagnostic::new(
                start_of(rs, first),
                format!(
                    "rotation `{}` starts {} but its first shift only {}: nobody is on call {}",
                    rs.id,
                    when(clock, starts),
                    when(clock, first.begins),
                    span(clock, starts, first.begins)
                ),
            )
            .label("first shift starts late")
            .with(Location::node(rs.doc, "/start"), "the rotation starts here")
            .help(format!(
                "add a shift starting {}, or move the rotation's `start` to {first_day}",
                clock.written(starts)
            )),
        );
    } else if first.begins < starts {
        out.push(
            Diagnostic::new(
                start_of(rs, first),
                format!(
                    "the first shift of rotation `{}` starts {}, before the rotation's start ({})",
                    rs.id,
                    when(clock, first.begins),
                    clock.moment(starts)
                ),
            )
            .label("before the rotation starts")
            .with(Location::node(rs.doc, "/start"), "the rotation starts here")
            .help(format!(
                "the first shift starts at the rotation's `start`: set `start` to {first_day}"
            )),
        );
    }
    for pair in rs.shifts.windows(2) {
        let [a, b] = pair else { continue };
        let previous = a
            .pointer()
            .map(|p| Location::node(rs.doc, p))
            .unwrap_or_else(|| Location::node(rs.doc, "/start"));
        let next_start = clock.written(a.ends);
        if b.begins > a.ends {
            let b_start = if clock.timed {
                clock.moment(b.begins)
            } else {
                b.start.to_string()
            };
            out.push(
                Diagnostic::new(
                    start_of(rs, b),
                    format!(
                        "rotation `{}` has a gap: nobody is on call {}, between the shift {} and the one starting {b_start}",
                        rs.id,
                        span(clock, a.ends, b.begins),
                        a.dates(),
                    ),
                )
                .label(format!("starts {} late", length(clock, a.ends, b.begins)))
                .with(previous, format!("previous shift, until {}", until(a)))
                .help(format!(
                    "add a shift starting {next_start}, or start this one on {next_start}"
                )),
            );
        } else if b.begins < a.ends {
            let overlap_end = a.ends.min(b.ends);
            out.push(
                Diagnostic::new(
                    start_of(rs, b),
                    format!(
                        "shifts of rotation `{}` overlap: {} ({}) and {} ({}) both cover {}",
                        rs.id,
                        a.dates(),
                        a.primary.person,
                        b.dates(),
                        b.primary.person,
                        span(clock, b.begins, overlap_end)
                    ),
                )
                .label("overlaps the previous shift")
                .with(previous, format!("previous shift, until {}", until(a)))
                .help(format!(
                    "every shift lasts `shift_length` ({}) from its start: start this one on {next_start}",
                    rot.shift_length
                )),
            );
        }
    }
}

fn unmatched_override(rs: &RotationSchedule, j: usize, start: LocalStart) -> Diagnostic {
    let clock = rs.clock;
    let starts = clock.at(start.date, start.time);
    let location = Location::node(rs.doc, format!("/overrides/{j}/start"));
    let message = if clock.timed {
        format!(
            "an override of rotation `{}` starts at {}, which is not the start of a shift",
            rs.id,
            clock.moment(starts)
        )
    } else {
        format!(
            "an override of rotation `{}` starts on {start}, which is not the first day of a shift",
            rs.id
        )
    };
    let holding = rs.shift_holding(starts).and_then(|i| rs.shifts.get(i));
    let help = match (holding, rs.span()) {
        (Some(shift), _) => format!(
            "{start} falls in the shift {} ({} primary): an override replaces people for a whole shift, so start it on {}",
            shift.dates(),
            shift.primary.person,
            shift.written_start()
        ),
        (None, Some((first, end))) if clock.timed => format!(
            "the rotation's shifts run {}; an override must start where one of them starts",
            clock.range(first, end)
        ),
        (None, Some((first, end))) => format!(
            "the rotation's shifts run {}; an override must start on the first day of one of them",
            clock.range(first, end)
        ),
        (None, None) => "an override must start on the first day of a shift".to_string(),
    };
    Diagnostic::new(location, message)
        .label("starts no shift")
        .help(help)
}
