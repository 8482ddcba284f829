use super::on_call::{count, list};
use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::Duration;
use crate::schedule::coverage;
use crate::schedule::time::Clock;
use crate::schedule::window::describe_interval;
use crate::schedule::RotationSchedule;

pub static RULE: Rule = Rule {
    id: "deadline-coverage",
    summary: "Nobody is on duty in the `resolve_within` period before a report is due",
    explanation: r#"## What it checks
A pipeline with `sla.report_due` (`end-of-week`: every Sunday,
`end-of-month`, `end-of-quarter`) delivers a report at the end of that local
day, in its `on_call.time_zone` or else in each covering rotation's zone.
For each due date in the next `min_weeks` (13) weeks, the `sla.resolve_within`
period before it (elapsed time; default `1w`) must hold some duty of a
covering rotation (its `coverage` window, default always). Due dates whose
period meets no shift of a covering rotation are not judged (that is
`schedule-horizon`'s or `coverage-gap`'s), nor are pipelines no rotation
covers (`on-call-coverage`).

The finding is on `sla.report_due`, labels the rotations' `coverage`,
names the first such due date and counts the others.

## Why
A report that breaks in the days before it is due can still be fixed, if
someone is on call. When every covering rotation is off duty then — a
weekly report due on Sunday, `resolve_within: 2d`, and a weekday-only
rotation — the report goes out broken or late however good the schedule
looks.

## Example
```yaml
# pipelines/growth.yaml
sla: { resolve_within: 2d, report_due: end-of-week }
# rotations/day.yaml
coverage: { weekdays: [mon, tue, wed, thu, fri] }
# deadline-coverage: Saturday and Sunday, before each Sunday's report, hold no duty
```

## How to fix
Widen a covering rotation's `coverage` to include the days before the
deadline (`weekdays: [..., sat, sun]` or `month_days: [-2, -1]`), add a
rotation that covers the pipeline then, or move the report's due date.
"#,
    options: Some(
        r#"{"min_weeks": {"type": "integer", "minimum": 0, "maximum": 520, "description": "Weeks after today in which due dates are checked"}}"#,
    ),
    check,
};

/// `sla.resolve_within` when a pipeline gives none.
const DEFAULT_RESOLVE: Duration = match Duration::from_minutes(7 * 24 * 60) {
    Some(week) => week,
    None => panic!("a week is a duration"),
};

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    // The default lives in policies/default.yaml, which every policy extends.
    let Some(min_weeks) = params.get::<u64>("min_weeks") else {
        return;
    };
    let Some(horizon) = min_weeks
        .checked_mul(7)
        .and_then(|d| crate::schedule::time::days_after(ctx.today, d))
    else {
        return;
    };
    let schedule = ctx.schedule;
    let covering_all = coverage::covering_all(ctx.model, schedule);
    for p in &ctx.model.pipelines {
        let Some(sla) = &p.item.sla else { continue };
        let Some(due) = sla.report_due else { continue };
        let covering = covering_all.of(&p.item.id);
        if covering.is_empty() {
            continue;
        }
        let resolve = sla.resolve_within.unwrap_or(DEFAULT_RESOLVE);
        let zone = p.item.on_call_written.as_ref().and_then(|o| o.zone());
        let missed = coverage::unmet_deadlines(
            schedule,
            covering,
            due,
            resolve.minutes(),
            zone,
            (ctx.today, horizon),
        );
        let Some(first) = missed.first() else {
            continue;
        };
        let rotations: Vec<&RotationSchedule> = covering
            .iter()
            .filter_map(|&r| schedule.rotations.get(r))
            .collect();
        let names: Vec<String> = rotations.iter().map(|rs| format!("`{}`", rs.id)).collect();
        let nobody = match names.as_slice() {
            [one] => format!("{one} is off duty"),
            more => format!("{} are all off duty", list(more, more.len())),
        };
        let clock = Clock {
            zone: first.zone,
            ..Clock::default()
        };
        let period = describe_interval(first.zone, first.period);
        let rest = match missed.len() - 1 {
            0 => String::new(),
            n => format!(
                " (and {n} more {} in the next {})",
                if n == 1 { "due date" } else { "due dates" },
                count(usize::try_from(min_weeks).unwrap_or(usize::MAX), "week")
            ),
        };
        let message = format!(
            "the report of `{}` is due at the end of {} {} ({}), and in the {} before it ({period}) {nobody}: nobody can fix it in time{rest}",
            p.item.id,
            first.date.format("%A"),
            first.date,
            due.as_str(),
            clock.length(first.period.0, first.period.1),
        );
        let help = format!(
            "widen the `coverage` of {} to include the {} before each due date, or add a rotation covering `{}` then",
            list(&names, 3),
            clock.length(first.period.0, first.period.1),
            p.item.id
        );
        let mut d = Diagnostic::new(Location::node(p.doc, "/sla/report_due"), message)
            .label(format!("due {}", due.as_str()))
            .help(help);
        if sla.resolve_within.is_some() {
            d = d.with(
                Location::node(p.doc, "/sla/resolve_within"),
                format!("fixed within {resolve}"),
            );
        }
        for rs in rotations {
            let window = ctx
                .model
                .rotations
                .get(rs.rotation)
                .and_then(|r| r.item.coverage.as_ref());
            if let Some(w) = window {
                d = d.with(
                    Location::node(rs.doc, "/coverage"),
                    format!("`{}` on duty {}", rs.id, w.describe()),
                );
            }
        }
        out.push(d);
    }
}
