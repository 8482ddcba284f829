use chrono::{Days, NaiveDate};

use super::on_call::{self, count};
use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::Duration;
use crate::review::changes::{self, Reassignment};
use crate::schedule::{Form, Origin, RotationSchedule};

pub static RULE: Rule = Rule {
    id: "schedule-change",
    summary: "A shift starting within `notice` of today has a different primary or secondary than at the base revision",
    explanation: r#"## What it checks
Runs only with `steward check --base REV` (the GitHub Action passes a pull
request's base commit). Each rotation is expanded as it is now and as it is
at REV; every shift that starts less than `notice` (default `14d`) after
today, or is under way, and whose primary or secondary is someone else than
at REV is reported, naming both people, the shift and the notice they get:

    emily's primary shift 2026-12-07 – 2026-12-13 moves to john with 6 days' notice

The finding points at the node that made the change: the override, the
roster entry, or the explicit shift that now names the person. A shift
with the same people at other times (a moved `handoff_time`, `time_zone`,
`start` or `shift_length`: shifts are compared by instant) is reported at
the field that sets the rotation's times:

    john's primary shift 2026-06-01 09:00 – 2026-06-08 09:00 Europe/Berlin now runs 2026-06-01 13:00 – 2026-06-08 13:00 Europe/Berlin with no notice (it starts today)

A shift that exists only now (the rotation was extended or started
earlier) is reported too, and so is one that existed at REV and no
longer does (the rotation now ends earlier or starts later, or an
explicit shift was deleted), at `until`, `start` or `shifts`:

    cem's primary shift 2026-12-14 – 2026-12-20 no longer exists with 13 days' notice: `data-oncall` has no shift then any more

The help line counts every future shift the change reassigns, near or
not; `steward diff REV` lists them all, with shifts that no longer exist and
rotations added or removed (a renamed rotation is one removed and one
added: this rule compares rotations by id).

## Why
People plan their lives around a published on-call schedule. Editing the
roster re-phases every later shift, and a swap written for one week can
silently move someone else's duty. A change to someone's duty in the next
two weeks should be one they agreed to: the reviewer sees it named.

## Example
```yaml
# today: 2026-12-01, base: main
roster: [john, emily, michael, david]   # was [emily, john, michael, david]
```
Every near-term shift of john and emily is reported, at the roster entry
that now puts each of them there.

## How to fix
Agree the change with the people it names, then keep the finding visible in
the review, or suppress it with the agreement as the reason
(`# steward: ignore[schedule-change(emily)] agreed in #oncall`). To avoid
re-phasing, change one shift with an `override` instead of editing the
roster, or make the change start later than `notice`.
"#,
    options: Some(
        r#"{"notice": {"type": "string", "pattern": "^[0-9]{1,4}[dw]$", "description": "Changes to shifts starting sooner than this after today are reported, e.g. 14d or 2w"}}"#,
    ),
    check,
};

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let Some(base) = ctx.base else {
        return;
    };
    // The default lives in policies/default.yaml, which every policy extends.
    let Some(notice) = params
        .get::<Duration>("notice")
        .and_then(Duration::whole_days)
        .and_then(|d| u64::try_from(d).ok())
    else {
        return;
    };
    let Some(horizon) = ctx.today.checked_add_days(Days::new(notice)) else {
        return;
    };
    for (rs, _) in on_call::expanded(ctx) {
        let Some(before) = base.schedule.rotations.iter().find(|b| b.id == rs.id) else {
            continue;
        };
        // Shifts now, and shifts of the base that no longer exist (the
        // rotation ends earlier or starts later, or an explicit shift was
        // deleted): someone's near-term duty is gone either way.
        let all: Vec<Reassignment<'_>> = changes::reassignments(Some(before), Some(rs), ctx.today);
        let shifts_changed = {
            let mut starts: Vec<NaiveDate> = all.iter().map(Reassignment::first_day).collect();
            starts.sort_unstable();
            starts.dedup();
            starts.len()
        };
        for change in all.iter().filter(|r| r.first_day() < horizon) {
            let diagnostic = match (change.times(), change.shift) {
                (Some(times), _) => retimed(ctx, rs, before, change, times, shifts_changed, notice),
                (None, None) => removed(ctx, rs, change, shifts_changed, notice),
                (None, Some(_)) => diagnostic(ctx.today, rs, change, shifts_changed, notice),
            };
            out.push(diagnostic);
        }
    }
}

/// "with 6 days' notice", "with 1 day's notice", "with no notice (it starts
/// today)", "while it is under way".
fn notice_text(days: i64) -> String {
    match days {
        d if d < 0 => "while it is under way".to_string(),
        0 => "with no notice (it starts today)".to_string(),
        1 => "with 1 day's notice".to_string(),
        d => format!("with {d} days' notice"),
    }
}

fn diagnostic(
    today: NaiveDate,
    rs: &RotationSchedule,
    change: &Reassignment<'_>,
    shifts_changed: usize,
    notice: u64,
) -> Diagnostic {
    let role = change.role;
    let dates = change.dates();
    let when = notice_text(change.notice_days(today));
    let message = match (change.before_person(), change.after_person()) {
        (Some(old), Some(new)) => format!("{old}'s {role} shift {dates} moves to {new} {when}"),
        (None, Some(new)) if change.before_shift.is_some() => {
            format!("{new} becomes {role} of the shift {dates}, which had none, {when}")
        }
        (None, Some(new)) => {
            format!("the shift {dates} is new: {new} becomes its {role} {when}")
        }
        (Some(old), None) => {
            format!("{old}'s {role} shift {dates} is dropped, leaving the shift without a {role}, {when}")
        }
        (None, None) => format!("the {role} of the shift {dates} changes {when}"),
    };
    let location = match (change.after, change.shift) {
        (Some(assignment), _) => on_call::at(rs, assignment.origin),
        (None, Some(shift)) => shift.pointer().map_or_else(
            || on_call::roster_location(rs),
            |p| Location::node(rs.doc, p),
        ),
        (None, None) => on_call::roster_location(rs),
    };
    let label = match change.after.map(|a| a.origin) {
        Some(Origin::Override(..)) => "this override makes the change".to_string(),
        Some(Origin::Roster(_)) if change.before.is_some_and(|a| a.origin.is_override()) => {
            "the override of this shift was removed, so the roster applies again".to_string()
        }
        Some(Origin::Roster(_)) => format!(
            "the roster puts {} here",
            change.after_person().unwrap_or_default()
        ),
        Some(Origin::Shift(..)) => format!(
            "this shift names {}",
            change.after_person().unwrap_or_default()
        ),
        None => format!("no {role} any more"),
    };
    let people: Vec<&str> = [change.before_person(), change.after_person()]
        .into_iter()
        .flatten()
        .collect();
    let help = agree(&people, "the change", "people", rs, shifts_changed, notice);
    let mut diagnostic = Diagnostic::new(location, message).label(label).help(help);
    if let Some(subject) = change.before_person().or(change.after_person()) {
        diagnostic = diagnostic.subject(subject);
    }
    diagnostic
}

/// A shift of the base that no longer exists. Reported where the rotation
/// now ends (`until`) or starts (`start`) for a generated rotation, at
/// `shifts` for an explicit one.
fn removed(
    ctx: &Context<'_>,
    rs: &RotationSchedule,
    change: &Reassignment<'_>,
    shifts_changed: usize,
    notice: u64,
) -> Diagnostic {
    let role = change.role;
    let person = change.before_person().unwrap_or_default();
    let when = notice_text(change.notice_days(ctx.today));
    let message = format!(
        "{person}'s {role} shift {} no longer exists {when}: `{}` has no shift then any more",
        change.dates(),
        rs.id
    );
    let rotation = ctx.model.rotations.get(rs.rotation).map(|r| &r.item);
    let after_the_end = match (change.before_shift, rs.shifts.last()) {
        (Some(was), Some(last)) => was.begins >= last.ends,
        _ => true,
    };
    let (location, label) = match (rs.form, rotation) {
        (Form::Generated, Some(r)) if after_the_end && r.until.is_some() => (
            Location::node(rs.doc, "/until"),
            "the rotation now ends before this shift",
        ),
        (Form::Generated, _) => (
            Location::node(rs.doc, "/start"),
            "the rotation no longer has this shift",
        ),
        (Form::Explicit, _) => (
            on_call::roster_location(rs),
            "the rotation no longer has this shift",
        ),
    };
    let help = agree(
        &[person],
        "the change",
        "people",
        rs,
        shifts_changed,
        notice,
    );
    Diagnostic::new(location, message)
        .label(label)
        .help(help)
        .subject(person)
}

/// The same people at other times: a moved handoff, zone, start or shift
/// length. Reported at the field that sets the rotation's times.
fn retimed(
    ctx: &Context<'_>,
    rs: &RotationSchedule,
    base_rotation: &RotationSchedule,
    change: &Reassignment<'_>,
    (before, now): (String, String),
    shifts_changed: usize,
    notice: u64,
) -> Diagnostic {
    let person = change.after_person().unwrap_or_default();
    let when = notice_text(change.notice_days(ctx.today));
    let message = format!("{person}'s primary shift {before} now runs {now} {when}");
    let rotation = ctx.model.rotations.get(rs.rotation).map(|r| &r.item);
    let was = ctx
        .base
        .and_then(|b| b.model.rotations.get(base_rotation.rotation))
        .map(|r| &r.item);
    // The field that changed, where it is still written; else the one that
    // sets the times.
    let changed = match (rotation, was) {
        (Some(r), Some(w)) if r.handoff_time.is_some() && r.handoff_time != w.handoff_time => {
            Some("/handoff_time")
        }
        (Some(r), Some(w)) if r.time_zone.is_some() && r.time_zone != w.time_zone => {
            Some("/time_zone")
        }
        (Some(r), Some(w)) if r.start != w.start => Some("/start"),
        (Some(r), Some(w)) if r.shift_length != w.shift_length => Some("/shift_length"),
        _ => None,
    };
    let pointer = changed.unwrap_or(match rotation {
        Some(r) if r.handoff_time.is_some() => "/handoff_time",
        Some(r) if r.time_zone.is_some() => "/time_zone",
        _ => "/shift_length",
    });
    let mut people: Vec<&str> = change.shift.map_or_else(Vec::new, |s| {
        s.assignments().map(|(_, a)| a.person.as_str()).collect()
    });
    people.dedup();
    let help = agree(
        &people,
        "the new times",
        "people or times",
        rs,
        shifts_changed,
        notice,
    );
    Diagnostic::new(Location::node(rs.doc, pointer), message)
        .label("the rotation's times come from here")
        .help(help)
        .subject(person)
}

/// "agree the change with ann and bob first, or make it start at least 14
/// days from today; in all, the change moves people in 3 shifts of `r` (…)".
fn agree(
    people: &[&str],
    what: &str,
    moved: &str,
    rs: &RotationSchedule,
    shifts_changed: usize,
    notice: u64,
) -> String {
    let start = if what == "the change" {
        "it"
    } else {
        "the change"
    };
    let mut help = format!(
        "agree {what} with {} first, or make {start} start at least {} from today",
        on_call::list(people, 2),
        count(usize::try_from(notice).unwrap_or(usize::MAX), "day")
    );
    if shifts_changed > 1 {
        help.push_str(&format!(
            "; in all, the change moves {moved} in {shifts_changed} shifts of `{}` (`steward diff REV` lists them)",
            rs.id
        ));
    }
    help
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_reads_as_people_say_it() {
        assert_eq!(notice_text(-3), "while it is under way");
        assert_eq!(notice_text(0), "with no notice (it starts today)");
        assert_eq!(notice_text(1), "with 1 day's notice");
        assert_eq!(notice_text(6), "with 6 days' notice");
    }
}
