use chrono::NaiveDate;

use super::on_call::{self, count};
use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::fix::{Change, Fix};
use crate::schedule::time::{self, Clock, Step};
use crate::schedule::{Form, MAX_SHIFTS};

pub static RULE: Rule = Rule {
    id: "schedule-horizon",
    summary: "A rotation's last shift ends less than `min_weeks` weeks after today",
    explanation: r#"## What it checks
The end of a rotation's last shift (for a generated rotation, the end of the
last shift starting before `until`) is at least `min_weeks` weeks after
today (days in the rotation's `time_zone`). "Today" is the local date, or `--today YYYY-MM-DD` so CI runs are
reproducible. A rotation that already ended is reported too. Rotations cut
short by the expansion limit (see `coverage-gap`) are not checked.

The finding points at `until` (generated) or at the last shift (explicit).

## Why
People plan vacations and swaps around the on-call schedule: it should be
published at least a quarter ahead, and a rotation that runs out silently
leaves the pipelines without anyone on call.

## Example
```yaml
# today: 2026-11-23
start: 2026-01-05
until: 2026-12-28    # the last shift ends 2026-12-27: 5 weeks counting today, not 13
```

## How to fix
Extend the rotation: move `until` later, or add shifts, so it runs at least
`min_weeks` weeks past today. Do it regularly, e.g. each quarter.
"#,
    options: Some(
        r#"{"min_weeks": {"type": "integer", "minimum": 0, "maximum": 5200, "description": "Weeks after today the schedule must reach"}}"#,
    ),
    check,
};

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    // The default lives in policies/default.yaml, which every policy extends.
    let Some(min_weeks) = params.get::<u64>("min_weeks") else {
        return;
    };
    let Some(horizon) = min_weeks
        .checked_mul(7)
        .and_then(|d| time::days_after(ctx.today, d))
    else {
        return;
    };
    let through = time::day_before(horizon);
    let weeks = count(usize::try_from(min_weeks).unwrap_or(usize::MAX), "week");
    for (rs, rot) in on_call::expanded(ctx) {
        if rs.truncated.is_some() {
            continue;
        }
        let Some(last) = rs.shifts.iter().max_by_key(|s| s.ends) else {
            continue;
        };
        // "Today" and the horizon are local days in the rotation's zone.
        let clock = rs.clock;
        if last.ends >= clock.day(horizon).0 {
            continue;
        }
        let location = match (rs.form, last.pointer()) {
            (Form::Explicit, Some(p)) => Location::node(rs.doc, p),
            _ => Location::node(rs.doc, "/until"),
        };
        // The last day, or with times of day the handoff ending the shift.
        let (ended, ends) = if clock.timed {
            (
                format!("at {}", clock.moment(last.ends)),
                clock.moment(last.ends),
            )
        } else {
            (
                format!("on {}", last.last_day()),
                last.last_day().to_string(),
            )
        };
        let message = if last.ends <= clock.day(ctx.today).0 {
            format!(
                "rotation `{}` ran out: its last shift ended {ended}, before today ({}); publish at least {weeks} ahead (through {through})",
                rs.id, ctx.today,
            )
        } else {
            // Both spans count today: the schedule covers today through its
            // last day, and "13 weeks ahead" means today through horizon - 1.
            let end = if clock.timed {
                time::day_holding(clock.zone, last.ends)
            } else {
                last.end
            };
            let covered = days_from(ctx.today, end);
            format!(
                "rotation `{}` is scheduled through {ends}, {covered} counting today ({}); publish at least {weeks} ahead (through {through})",
                rs.id, ctx.today,
            )
        };
        let help = match rs.form {
            Form::Generated => format!("move `until` to {horizon} or later"),
            Form::Explicit => format!("add shifts through {through}"),
        };
        let mut d = Diagnostic::new(location, message)
            .label(format!("last shift ends {ends}"))
            .help(help);
        if let (Form::Generated, Some(until), Some(to)) =
            (rs.form, rot.until, extended(rot, rs.clock, horizon))
        {
            let title = if to == horizon {
                format!("move `until` to {to}")
            } else {
                format!("move `until` to {to}, the first shift start after {horizon}")
            };
            d = d.fix(Fix::safe(
                title,
                Change::Replace {
                    doc: rs.doc,
                    pointer: "/until".into(),
                    from: until.to_string(),
                    to: to.to_string(),
                },
            ));
        }
        out.push(d);
    }
}

/// The first shift start (a local date) of a generated rotation on or after
/// `horizon`: as `until`, its last shift ends there or later. For shifts of
/// hours or minutes, `horizon` itself: they run while their local start
/// date is before `until`, and the last to start before the horizon ends
/// where the next would start, at or after it. `None` when the rotation
/// would outgrow the expansion limit.
fn extended(rot: &crate::model::Rotation, clock: Clock, horizon: NaiveDate) -> Option<NaiveDate> {
    let step = rot.shift_length.step()?;
    let limit = MAX_SHIFTS as u64;
    if let Step::Minutes(minutes) = step {
        let span = (clock.day(horizon).0 - clock.at(rot.start, None)).num_minutes();
        let shifts = u64::try_from(span)
            .ok()?
            .checked_div(minutes)?
            .saturating_add(1);
        return (shifts <= limit).then_some(horizon);
    }
    let n = match step {
        Step::Days(days) if days > 0 => {
            let span = u64::try_from(time::days_between(rot.start, horizon)).ok()?;
            span.div_ceil(days).max(1)
        }
        Step::Months(_) => (1..=limit)
            .find(|n| time::step_date(rot.start, step, *n).is_some_and(|d| d >= horizon))?,
        _ => return None,
    };
    if n > limit {
        return None;
    }
    time::step_date(rot.start, step, n)
}

/// The days from `from` up to `to_exclusive` in weeks and days: "5 weeks",
/// "1 week and 3 days", "3 days".
fn days_from(from: NaiveDate, to_exclusive: NaiveDate) -> String {
    let days = usize::try_from(time::days_between(from, to_exclusive)).unwrap_or(0);
    if days >= 7 && days % 7 == 0 {
        count(days / 7, "week")
    } else if days >= 7 {
        format!("{} and {}", count(days / 7, "week"), count(days % 7, "day"))
    } else {
        count(days, "day")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_from_counts_weeks_and_leftover_days() {
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let after = |days: u64| days_from(from, from + chrono::Days::new(days));
        assert_eq!(after(0), "0 days");
        assert_eq!(after(3), "3 days");
        assert_eq!(after(7), "1 week");
        assert_eq!(after(10), "1 week and 3 days");
        assert_eq!(after(14), "2 weeks");
        assert_eq!(after(15), "2 weeks and 1 day");
    }
}
