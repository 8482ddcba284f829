use super::on_call::list;
use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::{Entry, OnCall, Pipeline};
use crate::schedule::coverage::{self, Uncovered};
use crate::schedule::time::Tz;
use crate::schedule::window::{describe_interval, Interval, Window};
use crate::schedule::RotationSchedule;
use foldhash::{HashMap, HashMapExt};

pub static RULE: Rule = Rule {
    id: "coverage-window",
    summary: "A pipeline needs on-call at a time its covering rotations are off duty",
    explanation: r#"## What it checks
A pipeline's `on_call` says when someone must be on call for it: `always`
(the default for `audience: investors`), or a window of `weekdays`,
`month_days` and `hours`, read in its `time_zone` or else in the zone of the
covering rotation on call. A rotation's `coverage` window says when its
shifts hold duty (default: always). From today, for `min_weeks` (13)
weeks, every time inside the pipeline's window and inside a shift of one
of its covering rotations must be duty of at least one of them. Times
between two covering rotations (after the first one starts, before the
last one ends) that no rotation's shifts hold are judged too; a gap inside
one rotation is `coverage-gap`'s.

The finding is on the pipeline's `on_call` (on `audience` when it relies on
the default), labels the rotation's `coverage`, names the first uncovered
interval in local time and counts the others in the next `min_weeks` weeks.

## Why
An on-call tool pages nobody outside a rotation's restrictions (PagerDuty's
support hours, Grafana OnCall's restrictions): if the pipeline needs
someone then, its alerts go unanswered while the schedule looks complete.
Intentional off-hours are never gaps: a pipeline that needs working hours
only says so in `on_call`.

## Example
```yaml
# pipelines/profit.yaml
audience: investors            # on_call defaults to always
# rotations/day.yaml
covers: [aggregate-profit]
coverage: { weekdays: [mon, tue, wed, thu, fri], hours: "09:00-17:00" }
# coverage-window: Monday 17:00 – Tuesday 09:00 nobody is on duty
```

## How to fix
Say what the pipeline really needs (`on_call: { weekdays: [mon, tue, wed,
thu, fri], hours: "09:00-17:00" }`), widen the rotation's `coverage`, or
add a rotation that covers the pipeline at the uncovered times (a night or
weekend rotation).
"#,
    options: Some(
        r#"{"min_weeks": {"type": "integer", "minimum": 0, "maximum": 520, "description": "Weeks after today in which uncovered times are looked for"}}"#,
    ),
    check,
};

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    // The default lives in policies/default.yaml, which every policy extends.
    let Some(min_weeks) = params.get::<u64>("min_weeks") else {
        return;
    };
    let schedule = ctx.schedule;
    let covering_all = coverage::covering_all(ctx.model, schedule);
    // Pipelines covered by the same rotations mostly need the same window
    // (an investor pipeline: always): the gaps are computed once for each
    // such question, not once per pipeline.
    type Question = (Window, Option<Tz>, Interval);
    let mut answers: HashMap<&[usize], Vec<(Question, Vec<Uncovered>)>> = HashMap::new();
    for p in &ctx.model.pipelines {
        let on_call = p.item.on_call();
        let Some(need) = on_call.window() else {
            continue;
        };
        let covering = covering_all.of(&p.item.id);
        let Some(first) = covering.first().and_then(|&r| schedule.rotations.get(r)) else {
            continue;
        };
        let zone = on_call.zone();
        let Some(ahead) = coverage::ahead(zone.unwrap_or(first.clock.zone), ctx.today, min_weeks)
        else {
            continue;
        };
        let asked = answers.entry(covering).or_default();
        let at = match asked.iter().position(|((window, z, interval), _)| {
            *window == need && *z == zone && *interval == ahead
        }) {
            Some(at) => at,
            None => {
                let gaps = coverage::uncovered(schedule, covering, &need, zone, ahead);
                asked.push(((need, zone, ahead), gaps));
                asked.len() - 1
            }
        };
        let gaps = &asked[at].1;
        let Some(gap) = gaps.first() else {
            continue;
        };
        let rotations: Vec<&RotationSchedule> = covering
            .iter()
            .filter_map(|&r| schedule.rotations.get(r))
            .collect();
        out.push(finding(
            ctx,
            p,
            &on_call,
            &rotations,
            gap,
            gaps.len() - 1,
            min_weeks,
        ));
    }
}

fn finding(
    ctx: &Context<'_>,
    p: &Entry<Box<Pipeline>>,
    on_call: &OnCall,
    covering: &[&RotationSchedule],
    gap: &Uncovered,
    more: usize,
    min_weeks: u64,
) -> Diagnostic {
    let id = &p.item.id;
    let schedule = ctx.schedule;
    let off: Vec<&RotationSchedule> = gap
        .off_duty
        .iter()
        .filter_map(|&r| schedule.rotations.get(r))
        .collect();
    let names: Vec<String> = off.iter().map(|rs| format!("`{}`", rs.id)).collect();
    let why = match names.len() {
        0 => "no covering rotation has a shift then".to_string(),
        1 => format!("{} is off duty", names[0]),
        _ => format!("{} are off duty", list(&names, names.len())),
    };
    let rest = match more {
        0 => String::new(),
        1 => format!(" (and 1 more time in the next {})", weeks(min_weeks)),
        n => format!(" (and {n} more times in the next {})", weeks(min_weeks)),
    };
    let message = format!(
        "{}: `{id}` needs on-call, {why}{rest}",
        describe_interval(gap.zone, gap.interval)
    );
    let needs = match on_call {
        OnCall::Window { window, .. } => window.describe(),
        _ => "always".to_string(),
    };
    let (location, label) = match p.item.on_call_written {
        Some(_) => (
            Location::node(p.doc, "/on_call"),
            format!("needs on-call {needs}"),
        ),
        None => (
            Location::node(p.doc, "/audience"),
            "reports to investors: needs on-call always".to_string(),
        ),
    };
    let help = match off.first() {
        Some(rs) => {
            let rot = ctx.model.rotations.get(rs.rotation).map(|r| &r.item);
            let duty = rot
                .and_then(|r| r.coverage.as_ref())
                .map_or("always".to_string(), |w| w.describe());
            format!(
                "widen the `coverage` of rotation `{}` ({duty}) to the times `{id}` needs on-call ({needs}), add a rotation covering `{id}` at those times, or write in the pipeline's `on_call` when it really needs someone",
                rs.id
            )
        }
        None => format!(
            "add a rotation covering `{id}` then, or extend one of {} so they meet",
            list(
                &covering
                    .iter()
                    .map(|rs| format!("`{}`", rs.id))
                    .collect::<Vec<_>>(),
                3
            )
        ),
    };
    let mut d = Diagnostic::new(location, message).label(label).help(help);
    let labelled = if off.is_empty() { covering } else { &off[..] };
    for rs in labelled {
        let has_window = ctx
            .model
            .rotations
            .get(rs.rotation)
            .and_then(|r| r.item.coverage.as_ref());
        d = match has_window {
            Some(w) => d.with(
                Location::node(rs.doc, "/coverage"),
                format!("`{}` on duty {}", rs.id, w.describe()),
            ),
            None => d.with(
                Location::node(rs.doc, "/covers"),
                format!("`{}` covers `{id}`", rs.id),
            ),
        };
    }
    d
}

/// "13 weeks", "1 week".
fn weeks(n: u64) -> String {
    super::on_call::count(usize::try_from(n).unwrap_or(usize::MAX), "week")
}
