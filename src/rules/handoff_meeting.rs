use std::collections::BTreeMap;

use super::on_call::{self, at, list};
use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::schedule::leave::LeavePeriod;
use crate::schedule::{Origin, Role, RotationSchedule, Shift};

pub static RULE: Rule = Rule {
    id: "handoff-meeting",
    summary: "The outgoing or incoming primary of a handoff meeting is on leave that day",
    explanation: r#"## What it checks
A rotation with `handoff_meeting: 30m` has a meeting of that length ending
at each handoff, between the outgoing and the incoming primary. The meeting
is held only where one shift ends as the next starts and their primaries
differ. The rule fires when either of the two is on declared leave
(`unavailable` in the Team) on a local day the meeting overlaps, in the
rotation's `time_zone`.

The finding points at the entry that makes the person primary (the roster
entry of a generated rotation, the shift or override of an explicit one),
names both people, the handoff's local date-time and zone, and labels the
leave in the Team file. Meetings with the same cause are reported together.

## Why
The meeting is where the incoming primary learns what is broken and what
broke during the shift. Someone on leave does not attend it: the handoff
silently happens without it.

## Example
```yaml
kind: Rotation
id: engagement-oncall
time_zone: America/Los_Angeles
handoff_time: "10:00"
handoff_meeting: 30m         # 09:30 – 10:00 before every handoff
shift_length: 1w
start: 2026-06-01
until: 2026-09-07
roster: [john, emily, michael, david]
# team.yaml: emily is away 2026-06-05 – 2026-06-08; she takes over on the 8th
```

## How to fix
Trade the shift with someone free on the day of the meeting (the help line
names who and writes the override), or move the leave. When the person hands
over in writing instead, say so with
`# steward: ignore[handoff-meeting(PERSON)] handover in writing`.
"#,
    options: None,
    check,
};

/// (the primary's origin, outgoing or incoming, the leave entries) ->
/// (person, leave, meetings as (shift index, the other primary)).
type Key = (Origin, Side, Vec<(usize, usize, usize)>);
type Group<'a> = (&'a str, Vec<&'a LeavePeriod>, Vec<(usize, &'a str)>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Outgoing,
    Incoming,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Outgoing => "outgoing",
            Side::Incoming => "incoming",
        }
    }
}

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let leave = &ctx.schedule.leave;
    for (rs, _) in on_call::expanded(ctx) {
        let mut groups: BTreeMap<Key, Group<'_>> = BTreeMap::new();
        for meeting in &rs.meetings {
            let Some(outgoing) = meeting.shift.checked_sub(1).and_then(|i| rs.shifts.get(i)) else {
                continue;
            };
            let Some(incoming) = rs.shifts.get(meeting.shift) else {
                continue;
            };
            // Leave is whole local days in the rotation's zone (§14.12).
            let (from, to) = rs.clock.days(meeting.begins, meeting.ends);
            let sides = [
                (Side::Outgoing, outgoing, incoming),
                (Side::Incoming, incoming, outgoing),
            ];
            for (side, mine, theirs) in sides {
                let person = mine.primary.person.as_str();
                let periods: Vec<&LeavePeriod> = leave.during(person, from, to).collect();
                if periods.is_empty() {
                    continue;
                }
                let ids = periods.iter().map(|p| (p.doc, p.member, p.entry)).collect();
                groups
                    .entry((mine.primary.origin, side, ids))
                    .or_insert_with(|| (person, periods, Vec::new()))
                    .2
                    .push((meeting.shift, theirs.primary.person.as_str()));
            }
        }
        for ((origin, side, _), (person, periods, meetings)) in groups {
            out.push(finding(ctx, rs, origin, side, person, &periods, &meetings));
        }
    }
}

fn finding(
    ctx: &Context<'_>,
    rs: &RotationSchedule,
    origin: Origin,
    side: Side,
    person: &str,
    periods: &[&LeavePeriod],
    meetings: &[(usize, &str)],
) -> Diagnostic {
    let clock = rs.clock;
    let handoff = |shift: usize| {
        rs.shifts
            .get(shift)
            .map_or_else(String::new, |s| clock.moment(s.begins))
    };
    let away: Vec<String> = periods.iter().map(|p| p.describe()).collect();
    let head = format!(
        "{person}, the {} primary, is on leave ({})",
        side.as_str(),
        away.join("; ")
    );
    let message = match meetings {
        [(shift, other)] => format!(
            "{head} on the day of the handoff meeting with {other} in rotation `{}`, before the handoff at {}",
            rs.id,
            handoff(*shift)
        ),
        more => {
            let each: Vec<String> = more
                .iter()
                .map(|(shift, other)| format!("with {other} before {}", handoff(*shift)))
                .collect();
            format!(
                "{head} on the days of {} handoff meetings in rotation `{}`: {}",
                more.len(),
                rs.id,
                list(&each, 3)
            )
        }
    };
    let first = meetings.first().map_or(0, |(shift, _)| *shift);
    let mut d = Diagnostic::new(at(rs, origin), message)
        .label(format!("{person} on leave"))
        .help(help(ctx, rs, side, person, first))
        .subject(person);
    for p in periods {
        d = d.with(p.location(), format!("{person}'s leave"));
    }
    d
}

/// Who could take `person`'s shift (the outgoing or the incoming one of the
/// meeting before shift `incoming`) and attend the meeting.
fn help(
    ctx: &Context<'_>,
    rs: &RotationSchedule,
    side: Side,
    person: &str,
    incoming: usize,
) -> String {
    let traded = match side {
        Side::Outgoing => incoming.checked_sub(1),
        Side::Incoming => Some(incoming),
    };
    let meeting = rs.meeting_before(incoming);
    let (Some(shift), Some(meeting)) = (traded.and_then(|i| rs.shifts.get(i)), meeting) else {
        return String::new();
    };
    let (from, to) = rs.clock.days(meeting.begins, meeting.ends);
    let leave = &ctx.schedule.leave;
    let others: Vec<&str> = [incoming.checked_sub(1), Some(incoming)]
        .into_iter()
        .flatten()
        .filter_map(|i| rs.shifts.get(i))
        .map(|s: &Shift| s.primary.person.as_str())
        .collect();
    let free: Vec<String> = on_call::free_people(ctx, rs, shift, Role::Primary)
        .into_iter()
        .filter(|p| !others.contains(&p.as_str()))
        .filter(|p| leave.during(p, from, to).next().is_none())
        .collect();
    let ignore = format!(
        "if {person} hands over in writing instead, say so with `# steward: ignore[handoff-meeting({person})]`"
    );
    match free.first() {
        Some(who) => format!(
            "the meeting needs both primaries: let someone free that day take {person}'s shift, e.g. the override `- {{ start: {}, primary: {who}, reason: {person} on leave }}` (free then: {}), or move the leave; {ignore}",
            shift.written_start(),
            list(&free, 4)
        ),
        None => format!(
            "the meeting needs both primaries: move the leave or trade {person}'s shift ({}) with someone free that day; {ignore}",
            shift.dates()
        ),
    }
}
