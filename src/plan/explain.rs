//! The trade-offs, in words: what changed from the current schedule and why,
//! which constraints cannot all hold (with dates, people and rules), and what
//! the real rules say about the result.

use chrono::{Days, NaiveDate};

use super::problem::{Aspect, Problem, NONE};
use super::solver::{self, Change, Solution, State};
use super::{FromDefault, Reported, Window};
use crate::check::Loaded;
use crate::finding::Severity;
use crate::schedule::date_range;

/// Changes listed one by one; the rest are counted.
const SHOWN_CHANGES: usize = 40;
const SHOWN_CONFLICTS: usize = 20;
/// How far (in shifts) explanations look for a trade partner or an alternative.
const REACH: usize = 200;

pub struct Input<'a> {
    pub problem: &'a Problem,
    pub solution: &'a Solution,
    pub loaded: &'a Loaded,
    /// Index of the rotation in the schedule.
    pub target: usize,
    pub window: &'a Window,
    pub seed: u64,
}

/// Everything but the verdict, which needs the real rules' findings.
pub fn report(input: &Input<'_>) -> String {
    let pb = input.problem;
    let sol = input.solution;
    let state = State::new(pb, sol.primary.clone(), sol.secondary.clone());
    let w = input.window;
    let id = input
        .loaded
        .schedule
        .rotations
        .get(input.target)
        .map_or("?", |r| r.id.as_str());
    let mut out = String::new();
    // Every new shift, with duty or not: `pb.shifts` are the ones with duty.
    let new = w.starts.len();
    let last = w
        .starts
        .last()
        .and_then(|s| s.checked_add_days(Days::new(w.days)))
        .map_or(w.from, |end| end.pred_opt().unwrap_or(end));
    out.push_str(&format!(
        "Suggested rotation `{id}`: {} from {} to {}",
        plural(new, "new shift"),
        w.from,
        last
    ));
    let before =
        (w.kept > 0).then(|| format!("the {} before {}", counted(w.kept, "shift"), w.from));
    let after = w
        .resume
        .filter(|_| w.after > 0)
        .map(|d| format!("the {} from {d} on", counted(w.after, "shift")));
    match (before, after) {
        (Some(b), Some(a)) => out.push_str(&format!("; {b} and {a} are kept")),
        (Some(one), None) | (None, Some(one)) => {
            let n = if w.kept > 0 { w.kept } else { w.after };
            out.push_str(&format!(
                "; {one} {}",
                if n == 1 { "is kept" } else { "are kept" }
            ));
        }
        (None, None) => {}
    }
    out.push('\n');
    let idle = pb.shifts.iter().filter(|s| !s.duty).count();
    if idle > 0 {
        out.push_str(&format!(
            "  {} no duty under the rotation's `coverage`: only duty counts for leave, holidays and load\n",
            if idle == 1 { "1 of them holds".to_string() } else { format!("{idle} of them hold") },
        ));
    }
    let first = pb
        .shifts
        .first()
        .map_or_else(|| w.from.to_string(), |s| s.dates());
    match w.from_default {
        Some(FromDefault::RotationStart) => out.push_str(&format!(
            "  --from defaulted to the rotation's start (today is {})\n",
            w.today
        )),
        Some(FromDefault::FirstShiftFromToday) => out.push_str(&format!(
            "  --from defaulted to the first shift starting on or after today ({})\n",
            w.today
        )),
        Some(FromDefault::RotationEnd) => out.push_str(&format!(
            "  --from defaulted to the rotation's end, {} (no shift starts on or after today, {})\n",
            w.from, w.today
        )),
        Some(FromDefault::EndedHoldingToday) => out.push_str(&format!(
            "  --from defaulted to the rotation's end, {}: it ended before today ({}), and the first new shift ({first}) holds today\n",
            w.from, w.today
        )),
        None => {}
    }
    // New shifts that are over: only an explicit --from plans those.
    let over: Vec<NaiveDate> = w
        .starts
        .iter()
        .filter_map(|s| s.checked_add_days(Days::new(w.days)))
        .take_while(|end| *end <= w.today)
        .collect();
    if let (Some(a), Some(b)) = (w.starts.first(), over.last()) {
        let dates = date_range(*a, b.pred_opt().unwrap_or(*b));
        let what = if over.len() == 1 {
            "1 of the new shifts".to_string()
        } else {
            format!("{} of the new shifts", over.len())
        };
        let verb = if over.len() == 1 { "is" } else { "are" };
        out.push_str(&format!(
            "  {what} ({dates}) {verb} over (today is {})\n",
            w.today
        ));
    }
    // Who is in it, and the loads over the whole rotation.
    let appear = state.appearances();
    let people: Vec<u16> = (0..pb.n() as u16)
        .filter(|&p| appear.get(usize::from(p)).is_some_and(|a| *a > 0))
        .collect();
    let counts = |values: &[i32]| -> String {
        people
            .iter()
            .map(|&p| {
                format!(
                    "{} {}",
                    pb.name_of(p),
                    values.get(usize::from(p)).copied().unwrap_or(0)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Under a coverage window only shifts with duty are load (§14.19).
    let windowed = input
        .loaded
        .model
        .rotations
        .get(input.target)
        .is_some_and(|r| r.item.has_window());
    let with_duty = if windowed { " with duty" } else { "" };
    out.push_str(&format!(
        "  primary shifts{with_duty}:   {}",
        counts(state.primary_counts())
    ));
    if pb.settings.on(Aspect::Balance) {
        out.push_str(&format!(" (max_spread {})", pb.settings.max_spread));
    }
    out.push('\n');
    out.push_str(&format!(
        "  secondary shifts{with_duty}: {}\n",
        counts(state.secondary_counts())
    ));
    if pb.settings.fairness {
        out.push_str(&format!(
            "  holidays as primary: {}\n",
            counts(state.holiday_counts())
        ));
    }
    let skipped: Vec<&str> = (0..pb.n() as u16)
        .filter(|&p| !pb.is_eligible(p))
        .map(|p| pb.name_of(p))
        .collect();
    if !skipped.is_empty() {
        out.push_str(&format!(
            "  not scheduled: {} (not a member of any team, so their leave is unknown)\n",
            skipped.join(", ")
        ));
    }

    let changes = changes(input, &state);
    if changes.is_empty() {
        out.push_str(
            "Follows the current schedule (the roster order where it has no shift) in every new shift.\n",
        );
    } else {
        out.push_str(
            "Follows the current schedule (the roster order where it has no shift) except:\n",
        );
        for line in changes.iter().take(SHOWN_CHANGES) {
            out.push_str(&format!("  {line}\n"));
        }
        if changes.len() > SHOWN_CHANGES {
            out.push_str(&format!(
                "  … and {} more (the document lists every shift)\n",
                changes.len() - SHOWN_CHANGES
            ));
        }
    }

    let sides = [
        (0..w.kept, format!("before {}", w.from), "an earlier --from"),
        (
            w.tail..w.tail + w.after,
            format!("from {} on", w.resume.unwrap_or(w.until)),
            "a later --until",
        ),
    ];
    for (range, which, remedy) in sides {
        let kept = kept_problems(input, range.clone());
        if kept.is_empty() {
            continue;
        }
        let (subject, verb) = if range.len() == 1 {
            (format!("The shift {which}"), "is kept as it is")
        } else {
            (format!("The shifts {which}"), "are kept as they are")
        };
        out.push_str(&format!(
            "{subject} {verb}, problems included ({remedy} re-plans them):\n"
        ));
        for line in kept.iter().take(SHOWN_CONFLICTS) {
            out.push_str(&format!("  - {line}\n"));
        }
        if kept.len() > SHOWN_CONFLICTS {
            out.push_str(&format!("  … and {} more\n", kept.len() - SHOWN_CONFLICTS));
        }
    }
    let conflicts = conflicts(input, &state);
    if !conflicts.is_empty() {
        out.push_str("No schedule can satisfy every rotation rule; these constraints conflict:\n");
        for line in conflicts.iter().take(SHOWN_CONFLICTS) {
            out.push_str(&format!("  - {line}\n"));
        }
        if conflicts.len() > SHOWN_CONFLICTS {
            out.push_str(&format!(
                "  … and {} more\n",
                conflicts.len() - SHOWN_CONFLICTS
            ));
        }
    }
    out.push_str(&format!(
        "  search: {} tried (seed {})\n",
        plural(usize::try_from(sol.steps).unwrap_or(usize::MAX), "move"),
        input.seed
    ));
    out
}

/// The verdict: the real rules on the suggestion, against the current schedule.
pub fn finish(mut head: String, before: &[Reported], after: &[Reported], policy: &str) -> String {
    let summary = |list: &[Reported]| {
        let errors = list
            .iter()
            .filter(|r| r.severity == Severity::Error)
            .count();
        let warnings = list.len() - errors;
        format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    };
    if after.is_empty() {
        head.push_str(&format!(
            "Passes every rotation rule of policy `{policy}` (the current schedule: {}).\n",
            summary(before)
        ));
    } else {
        head.push_str(&format!(
            "Best schedule found; the rotation rules of policy `{policy}` still report {} (the current schedule: {}):\n",
            summary(after),
            summary(before)
        ));
        for r in after {
            head.push_str(&format!(
                "  {}[{}] line {}: {}\n",
                r.severity, r.rule, r.line, r.message
            ));
        }
    }
    head
}

/// Why a change was made.
struct Cause {
    text: String,
    /// Only follows from other changes (a trade, the roles moving along).
    follows: bool,
}

impl Cause {
    fn direct(text: String) -> Cause {
        Cause {
            text,
            follows: false,
        }
    }

    fn follows(text: String) -> Cause {
        Cause {
            text,
            follows: true,
        }
    }
}

/// One line per shift where the suggestion departs from the current
/// schedule, with the reason; runs of changes that only follow from others
/// are summed up in one line.
fn changes(input: &Input<'_>, state: &State<'_>) -> Vec<String> {
    let pb = input.problem;
    let mut probe = state.clone();
    let shifted = shifted_runs(pb, state);
    let mut lines: Vec<(usize, String, bool)> = Vec::new();
    for (i, shift) in pb.shifts.iter().enumerate() {
        if let Some(&(a, b, d)) = shifted.iter().find(|(a, b, _)| *a <= i && i <= *b) {
            if i == a {
                let (first, last) = (pb.shifts[a].start, pb.shifts[b].start);
                let way = if d > 0 { "later" } else { "earlier" };
                lines.push((
                    i,
                    format!(
                        "{first} – {last}  the order continues one shift {way} ({} shifts), following from the change above",
                        b - a + 1
                    ),
                    false,
                ));
            }
            continue;
        }
        let (p, s) = (state.primary[i], state.secondary[i]);
        let (want_p, want_s) = (pb.pref_primary[i], pb.pref_secondary[i]);
        let mut what = Vec::new();
        let mut causes: Vec<Cause> = Vec::new();
        if want_p != NONE && want_p != p {
            what.push(format!(
                "primary {} (was {})",
                pb.name_of(p),
                pb.name_of(want_p)
            ));
            causes.push(primary_cause(input, &mut probe, i, want_p));
        }
        if want_s != NONE && want_s != s {
            let who = if s == NONE { "nobody" } else { pb.name_of(s) };
            what.push(format!("secondary {who} (was {})", pb.name_of(want_s)));
            causes.push(secondary_cause(input, &mut probe, i, want_s));
        }
        if what.is_empty() {
            continue;
        }
        let follows = causes.iter().all(|c| c.follows);
        // A secondary that only moved along with the primary adds nothing.
        let mut shown: Vec<&str> = if follows {
            causes.iter().take(1).map(|c| c.text.as_str()).collect()
        } else {
            causes
                .iter()
                .filter(|c| !c.follows)
                .map(|c| c.text.as_str())
                .collect()
        };
        // The same person leaving both roles has one reason, said once.
        shown.dedup();
        let mut text = format!("{}  {}: {}", shift.start, what.join(", "), shown.join("; "));
        text = text.replace("; ;", ";");
        lines.push((i, text, follows));
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let mut end = k;
        while end + 1 < lines.len() && lines[end + 1].2 && lines[end + 1].0 == lines[end].0 + 1 {
            end += 1;
        }
        if lines[k].2 && end - k + 1 >= 3 {
            let (a, b) = (lines[k].0, lines[end].0);
            out.push(format!(
                "{} – {}  {} shifts in a row change hands, each trading with a neighbour, so that the changes around them balance out",
                pb.shifts[a].start,
                pb.shifts[b].start,
                end - k + 1
            ));
            k = end + 1;
        } else {
            out.push(lines[k].1.clone());
            k += 1;
        }
    }
    out
}

/// Runs of at least three shifts whose primaries are the current schedule's
/// moved by one shift (after a forced change the order goes on from there):
/// (first, last, +1 later / -1 earlier).
fn shifted_runs(pb: &Problem, state: &State<'_>) -> Vec<(usize, usize, i8)> {
    let len = state.primary.len();
    // A shift whose own person cannot take it has its own line.
    let moved = |i: usize, d: i8| -> bool {
        let (p, want) = (state.primary[i], pb.pref_primary[i]);
        if p == want || !pb.is_eligible(want) || pb.on_leave(i, want) || pb.busy(i, want) {
            return false;
        }
        let j = if d > 0 { i.checked_sub(1) } else { Some(i + 1) };
        j.and_then(|j| pb.pref_primary.get(j))
            .is_some_and(|w| *w == p)
    };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < len {
        let mut found = false;
        for d in [1i8, -1] {
            let mut end = i;
            while end < len && moved(end, d) {
                end += 1;
            }
            if end - i >= 3 {
                runs.push((i, end - 1, d));
                i = end;
                found = true;
                break;
            }
        }
        if !found {
            i += 1;
        }
    }
    runs
}

/// Why shift `i` could not keep `want` as its primary.
fn primary_cause(input: &Input<'_>, state: &mut State<'_>, i: usize, want: u16) -> Cause {
    let pb = input.problem;
    let name = pb.name_of(want);
    if let Some(r) = unavailable(input, i, want) {
        return Cause::direct(r);
    }
    if pb.busy(i, want) {
        return Cause::direct(format!(
            "{name} is primary of {} then",
            busy_with(input, i, want)
        ));
    }
    let partner = partner(state, i, |st, j| {
        st.primary[j] == want && pb.pref_primary[j] == st.primary[i]
    });
    if let Some(j) = partner {
        let (why, follows) = trade_cause(input, state, i, j);
        let date = pb
            .shifts
            .get(j)
            .map_or_else(String::new, |s| s.start.to_string());
        return Cause {
            text: format!("trades with {date}{why}"),
            follows,
        };
    }
    // What putting `want` back alone would break, rule by rule.
    let (local, global) = broken_by(input, state, &[state.with_primary(i, want)], &[(i, want)]);
    if !local.is_empty() {
        return Cause::direct(local.join("; "));
    }
    if !global.is_empty() {
        return Cause::direct(global.join("; "));
    }
    Cause::follows("part of the swaps that keep the loads even".into())
}

/// The reason behind a trade of primaries between shifts `i` and `j`: what
/// undoing it would break (at either end), else that it follows from others.
fn trade_cause(input: &Input<'_>, state: &mut State<'_>, i: usize, j: usize) -> (String, bool) {
    let pb = input.problem;
    let back = pb.pref_primary[j];
    if let Some(r) = unavailable(input, j, back) {
        return (format!(": {r}"), false);
    }
    if pb.busy(j, back) {
        return (
            format!(
                ": {} is primary of {} then",
                pb.name_of(back),
                busy_with(input, j, back)
            ),
            false,
        );
    }
    let undo = state.swap_primaries(i, j);
    let ends = [(j, back), (i, pb.pref_primary[i])];
    let (local, global) = broken_by(input, state, &undo, &ends);
    let reasons = if local.is_empty() { global } else { local };
    if reasons.is_empty() {
        return (String::new(), true);
    }
    (format!(": otherwise {}", reasons.join("; ")), false)
}

/// The rules `changes` would break that the current state does not, as
/// reasons about `who` in shift `i`: (about that shift, about the loads).
fn broken_by(
    input: &Input<'_>,
    state: &mut State<'_>,
    changes: &[Change],
    ends: &[(usize, u16)],
) -> (Vec<String>, Vec<String>) {
    let pb = input.problem;
    let here = state.total;
    let there = state.probe(changes);
    // Reasons describe the schedule with the changes made: a trade between
    // neighbouring shifts moves both neighbours.
    let mut changed = state.clone();
    changed.make(changes);
    let (mut local, mut global) = (Vec::new(), Vec::new());
    for aspect in Aspect::ALL {
        if !pb.settings.on(aspect) || there.count(aspect) <= here.count(aspect) {
            continue;
        }
        let reason = if aspect == Aspect::RosterSize {
            Some(left_out(pb, state, &changed))
        } else {
            ends.iter()
                .find_map(|&(i, who)| aspect_reason(input, &changed, i, who, aspect))
        };
        let Some(reason) = reason else { continue };
        match aspect {
            Aspect::Balance | Aspect::HolidayUneven | Aspect::RosterSize => global.push(reason),
            _ => local.push(reason),
        }
    }
    if global.is_empty() && there.spread > here.spread {
        if let Some(&(_, who)) = ends.first() {
            global.push(format!(
                "{} would have more shifts than the others",
                pb.name_of(who)
            ));
        }
    }
    local.dedup();
    (local, global)
}

/// Who a change leaves out of the rotation altogether, for `roster-size`.
fn left_out(pb: &Problem, before: &State<'_>, after: &State<'_>) -> String {
    let names: Vec<&str> = (0..pb.n() as u16)
        .filter(|&p| {
            let q = usize::from(p);
            before.appearances().get(q).is_some_and(|a| *a > 0)
                && after.appearances().get(q).is_some_and(|a| *a <= 0)
        })
        .map(|p| pb.name_of(p))
        .collect();
    let min = pb.settings.min_members.unwrap_or(0);
    match names.as_slice() {
        [] => "the rotation would have too few people [roster-size]".to_string(),
        [one] => format!(
            "{one} would be on call in no shift, leaving the rotation fewer than {min} people [roster-size]"
        ),
        many => format!(
            "{} would be on call in no shift, leaving the rotation fewer than {min} people [roster-size]",
            many.join(" and ")
        ),
    }
}

fn secondary_cause(input: &Input<'_>, state: &mut State<'_>, i: usize, want: u16) -> Cause {
    let pb = input.problem;
    let name = pb.name_of(want);
    if let Some(r) = unavailable(input, i, want) {
        return Cause::direct(r);
    }
    if state.primary[i] == want {
        return Cause::follows(format!("{name} is the primary"));
    }
    if let Some(j) = partner(state, i, |st, j| {
        st.secondary[j] == want && pb.pref_secondary[j] == st.secondary[i]
    }) {
        let back = pb.pref_secondary[j];
        let date = pb
            .shifts
            .get(j)
            .map_or_else(String::new, |s| s.start.to_string());
        return match unavailable(input, j, back) {
            Some(r) => Cause::direct(format!("trades with {date}: {r}")),
            None if state.primary[j] == back => Cause::follows(format!(
                "trades with {date}, where {} is primary",
                pb.name_of(back)
            )),
            None => Cause::follows(format!("trades with {date}")),
        };
    }
    // What putting `want` back would break.
    let undo = [(i, state.primary[i], want)];
    let (local, global) = broken_by(input, state, &undo, &[(i, want)]);
    if let Some(reasons) = [local, global].into_iter().find(|r| !r.is_empty()) {
        return Cause::direct(format!("otherwise {}", reasons.join("; ")));
    }
    Cause::follows("keeps secondary duty even".into())
}

/// Leave or not being a team member.
fn unavailable(input: &Input<'_>, i: usize, who: u16) -> Option<String> {
    let pb = input.problem;
    if who == NONE {
        return None;
    }
    let name = pb.name_of(who);
    if !pb.is_eligible(who) {
        return Some(format!("{name} is not a member of any team"));
    }
    if pb.on_leave(i, who) {
        let shift = pb.shifts.get(i)?;
        let leave: Vec<String> = input
            .loaded
            .schedule
            .leave
            .during(name, shift.start, shift.end)
            .map(|l| l.describe())
            .collect();
        return Some(format!("{name} is on leave ({})", leave.join("; ")));
    }
    None
}

/// The nearest other shift `j` satisfying `is`, within a few months.
fn partner(state: &State<'_>, i: usize, is: impl Fn(&State<'_>, usize) -> bool) -> Option<usize> {
    let len = state.primary.len();
    (1..len.min(REACH)).find_map(|d| {
        [i.checked_sub(d), i.checked_add(d).filter(|j| *j < len)]
            .into_iter()
            .flatten()
            .find(|&j| is(state, j))
    })
}

/// Which other rotation has `who` as primary during shift `i`.
fn busy_with(input: &Input<'_>, i: usize, who: u16) -> String {
    let pb = input.problem;
    let name = pb.name_of(who);
    let Some(shift) = pb.shifts.get(i) else {
        return "another rotation".into();
    };
    input
        .loaded
        .schedule
        .rotations
        .iter()
        .enumerate()
        .filter(|(r, _)| *r != input.target)
        .find_map(|(_, rs)| {
            rs.shifts
                .iter()
                .find(|s| s.primary.person == name && s.start < shift.end && s.end > shift.start)
                .map(|s| format!("`{}` ({})", rs.id, s.dates()))
        })
        .unwrap_or_else(|| "another rotation".into())
}

/// A rule-specific reason why `who` in shift `i` would break `aspect`.
fn aspect_reason(
    input: &Input<'_>,
    state: &State<'_>,
    i: usize,
    who: u16,
    aspect: Aspect,
) -> Option<String> {
    let pb = input.problem;
    let name = pb.name_of(who);
    let date = |j: usize| {
        pb.shifts
            .get(j)
            .map_or_else(String::new, |s| s.start.to_string())
    };
    match aspect {
        Aspect::BackToBack => {
            // Neighbours with duty: shifts without duty between are skipped.
            let prev = pb.prev_duty(i);
            let next = pb.next_duty(i);
            let before = prev.map_or(pb.prev_primary, |j| state.primary[j]);
            let after = match state.primary.get(next) {
                Some(p) => *p,
                None => pb.next_primary,
            };
            if before == who {
                let when = prev.map_or_else(
                    || "the last kept shift".to_string(),
                    |j| format!("the shift of {}", date(j)),
                );
                Some(format!(
                    "{name} is primary of {when}, the one before [back-to-back]"
                ))
            } else if after == who {
                let when = if next < state.primary.len() {
                    format!("the shift of {}", date(next))
                } else {
                    let resume = input.window.resume.unwrap_or(input.window.until);
                    format!("the kept shift of {resume}")
                };
                Some(format!(
                    "{name} is primary of {when}, the one after [back-to-back]"
                ))
            } else {
                None
            }
        }
        Aspect::HolidayRepeat => {
            let shift = pb.shifts.get(i)?;
            shift
                .hits
                .clone()
                .filter_map(|h| pb.hits.get(h))
                .find_map(|hit| {
                    [hit.year - 1, hit.year + 1]
                        .into_iter()
                        .find(|y| state.is_present(who, hit.name, *y))
                        .map(|year| {
                            format!(
                                "{name} is primary on {} {year} [holiday-fairness]",
                                pb.names.get(hit.name).map_or("it", String::as_str)
                            )
                        })
                })
        }
        // Only about someone who would take a holiday here.
        Aspect::HolidayUneven => {
            pb.shifts.get(i).filter(|s| !s.hits.is_empty()).map(|_| {
                format!("{name} would have more holidays than the others [holiday-fairness]")
            })
        }
        Aspect::Balance => Some(format!(
            "{name} would have too many primary shifts [balanced-load]"
        )),
        Aspect::DoubleBooked => Some(format!(
            "{name} is primary of another rotation then [double-booked]"
        )),
        Aspect::Unavailable => Some(format!("{name} is on leave [unavailable-on-call]")),
        Aspect::Distinct => Some(format!("{name} is the secondary [distinct-on-call]")),
        Aspect::HolidayCoverage => Some(format!(
            "{name} is on leave on the holiday [holiday-coverage]"
        )),
        Aspect::RosterSize => {
            Some("the rotation would have too few people [roster-size]".to_string())
        }
    }
}

/// Leave, a missing second person and back-to-back shifts among the kept
/// shifts `range` (before or after the window), which the suggestion does not
/// touch.
fn kept_problems(input: &Input<'_>, range: std::ops::Range<usize>) -> Vec<String> {
    let Some(rs) = input.loaded.schedule.rotations.get(input.target) else {
        return Vec::new();
    };
    let kept = rs.shifts.get(range).unwrap_or(&[]);
    let leave = &input.loaded.schedule.leave;
    let mut out = Vec::new();
    for (k, shift) in kept.iter().enumerate() {
        for (role, a) in shift.assignments() {
            if leave
                .during(&a.person, shift.start, shift.end)
                .next()
                .is_some()
            {
                out.push(format!(
                    "{}: {} is {role} while on leave [unavailable-on-call]",
                    shift.dates(),
                    a.person
                ));
            }
        }
        if shift
            .secondary
            .as_ref()
            .is_some_and(|s| s.person == shift.primary.person)
        {
            out.push(format!(
                "{}: {} is both primary and secondary [distinct-on-call]",
                shift.dates(),
                shift.primary.person
            ));
        }
        if k > 0 && kept[k - 1].primary.person == shift.primary.person {
            out.push(format!(
                "{}: {} is primary two shifts in a row [back-to-back]",
                crate::schedule::date_range(kept[k - 1].start, shift.last_day()),
                shift.primary.person
            ));
        }
    }
    out
}

/// Constraints that cannot all hold, concretely; then, for violations the
/// search had to keep, what avoiding them would break.
fn conflicts(input: &Input<'_>, state: &State<'_>) -> Vec<String> {
    let pb = input.problem;
    let mut out: Vec<String> = Vec::new();
    let on = |a: Aspect| pb.settings.on(a);
    let eligible: Vec<u16> = (0..pb.n() as u16).filter(|&p| pb.is_eligible(p)).collect();
    if eligible.len() < 2 && !pb.shifts.is_empty() && on(Aspect::Distinct) {
        out.push(format!(
            "only {} can be on call: no shift can have a distinct secondary [distinct-on-call, holiday-coverage]",
            eligible.first().map_or("nobody", |&p| pb.name_of(p))
        ));
    }
    let possible: Vec<&str> = (0..pb.n() as u16)
        .filter(|&p| pb.is_eligible(p) || pb.kept.appear[usize::from(p)] > 0)
        .map(|p| pb.name_of(p))
        .collect();
    if let Some(min) = pb.settings.min_members.filter(|m| possible.len() < *m) {
        out.push(format!(
            "the rotation can have {} ({}), fewer than min_members {min} [roster-size]",
            plural(possible.len(), "person").replace("persons", "people"),
            possible.join(", ")
        ));
    }
    if let Some(min) = pb.settings.min_engineers.filter(|m| *m > 2) {
        if !pb.hits.is_empty() {
            out.push(format!(
                "holiday coverage asks for {min} engineers, but a shift has a primary and a secondary only [holiday-coverage]"
            ));
        }
    }
    // Per shift: who is free at all, who is free to be primary.
    let mut runs: Vec<(usize, usize, String)> = Vec::new();
    let mut push = |i: usize, text: String| match runs.last_mut() {
        Some((_, last, t)) if *last + 1 == i && *t == text => *last = i,
        _ => runs.push((i, i, text)),
    };
    let away_list = |i: usize| -> String {
        let shift = &pb.shifts[i];
        let names: Vec<String> = eligible
            .iter()
            .filter(|&&p| pb.on_leave(i, p))
            .map(|&p| {
                let periods: Vec<String> = input
                    .loaded
                    .schedule
                    .leave
                    .during(pb.name_of(p), shift.start, shift.end)
                    .map(|l| date_range(l.from, l.to))
                    .collect();
                format!("{} {}", pb.name_of(p), periods.join(", "))
            })
            .collect();
        names.join("; ")
    };
    for i in 0..pb.shifts.len() {
        let free = &pb.free[i];
        if free.is_empty() && on(Aspect::Unavailable) && !eligible.is_empty() {
            push(i, format!("nobody is free (on leave: {}): someone on leave must be on call [unavailable-on-call]", away_list(i)));
        } else if free.len() == 1 && eligible.len() >= 2 {
            let verdict = if state.secondary[i] == NONE {
                "no one can be secondary, so the shift has none".to_string()
            } else if pb.on_leave(i, state.primary[i]) {
                format!(
                    "the primary is someone on leave, with {} as secondary [unavailable-on-call]",
                    pb.name_of(state.secondary[i])
                )
            } else {
                "the secondary is someone on leave [unavailable-on-call]".to_string()
            };
            push(
                i,
                format!(
                    "only {} is free (on leave: {}): {verdict}",
                    pb.name_of(free[0]),
                    away_list(i)
                ),
            );
        } else if !free.is_empty() && pb.free_primary[i].is_empty() && on(Aspect::DoubleBooked) {
            push(
                i,
                "everyone free is primary of another rotation then [double-booked]".into(),
            );
        }
    }
    if on(Aspect::BackToBack) {
        for i in (0..pb.shifts.len()).filter(|i| pb.shifts[*i].duty) {
            let here = &pb.free_primary[i];
            let before: Option<u16> = match pb.prev_duty(i) {
                None => Some(pb.prev_primary).filter(|p| *p != NONE),
                Some(j) => match pb.free_primary[j].as_slice() {
                    [one] => Some(*one),
                    _ => None,
                },
            };
            if let (Some(b), [only]) = (before, here.as_slice()) {
                if b == *only {
                    // The search may have named someone on leave instead.
                    let text = if state.pair(i).count(Aspect::BackToBack) > 0 {
                        format!(
                            "only {} can be primary, shifts in a row [back-to-back]",
                            pb.name_of(*only)
                        )
                    } else {
                        format!(
                            "only {} is free to be primary: shifts in a row [back-to-back] or someone on leave as primary [unavailable-on-call]",
                            pb.name_of(*only)
                        )
                    };
                    let first = pb.prev_duty(i).unwrap_or(i);
                    match runs.last_mut() {
                        Some((_, last, t)) if *last + 1 >= first && *last < i && *t == text => {
                            *last = i
                        }
                        _ => runs.push((first, i, text)),
                    }
                }
            }
        }
    }
    // The last new shift next to the first one kept after the window.
    if on(Aspect::BackToBack) && pb.next_primary != NONE {
        if let Some(last) = pb.prev_duty(pb.shifts.len()) {
            if pb.free_primary[last].as_slice() == [pb.next_primary] {
                let name = pb.name_of(pb.next_primary);
                let text = format!(
                    "only {name} can be primary, and {name} is primary of the next shift, kept from {} on [back-to-back]",
                    input.window.resume.unwrap_or(input.window.until)
                );
                match runs.last_mut() {
                    Some((_, end, t)) if *end == last && *t == text => {}
                    _ => runs.push((last, last, text)),
                }
            }
        }
    }
    let structural: Vec<(usize, usize)> = runs.iter().map(|(a, b, _)| (*a, *b)).collect();
    for (a, b, text) in &runs {
        let first = pb.shifts[*a].start;
        let last = pb.shifts[*b].end.pred_opt().unwrap_or(pb.shifts[*b].end);
        out.push(format!("{}: {text}", date_range(first, last)));
    }

    // Violations the search kept that no single shift explains.
    let mut probe = state.clone();
    let covered = |i: usize| structural.iter().any(|(a, b)| *a <= i && i <= *b + 1);
    let len = state.primary.len();
    for i in 0..len {
        let mut local = state.local(i) + state.pair(i);
        if i + 1 == len {
            local += state.pair(len);
        }
        for aspect in [
            Aspect::Unavailable,
            Aspect::DoubleBooked,
            Aspect::BackToBack,
            Aspect::HolidayCoverage,
        ] {
            if on(aspect) && local.count(aspect) > 0 && !covered(i) && out.len() <= SHOWN_CONFLICTS
            {
                let shift = &pb.shifts[i];
                let what = match aspect {
                    Aspect::BackToBack => format!(
                        "{} is primary two shifts in a row up to {}",
                        pb.name_of(state.primary[i]),
                        shift.dates()
                    ),
                    _ => format!(
                        "{} ({} primary)",
                        shift.dates(),
                        pb.name_of(state.primary[i])
                    ),
                };
                out.push(format!(
                    "{what}: {} [{}]",
                    tradeoff(&mut probe, i, aspect),
                    aspect.rule()
                ));
            }
        }
    }
    let total = state.total;
    if on(Aspect::HolidayRepeat) && total.count(Aspect::HolidayRepeat) > 0 {
        for (i, shift) in pb.shifts.iter().enumerate() {
            let p = state.primary[i];
            for hit in shift.hits.clone().filter_map(|h| pb.hits.get(h)) {
                if state.is_present(p, hit.name, hit.year - 1) && out.len() <= SHOWN_CONFLICTS {
                    out.push(format!(
                        "{} is primary on {} {} and {}: {} [holiday-fairness]",
                        pb.name_of(p),
                        pb.names.get(hit.name).map_or("a holiday", String::as_str),
                        hit.year - 1,
                        hit.year,
                        tradeoff(&mut probe, i, Aspect::HolidayRepeat)
                    ));
                }
            }
        }
    }
    if let Some((shifts, people)) = solver::uneven_by_arithmetic(pb) {
        let people = if people == 1 {
            "the 1 person".to_string()
        } else {
            format!("the {people} people")
        };
        out.push(format!(
            "{} cannot be split evenly among {people} of the rotation, and max_spread is 0 [balanced-load]",
            plural(usize::try_from(shifts).unwrap_or(usize::MAX), "primary shift")
        ));
    } else if on(Aspect::Balance) && total.count(Aspect::Balance) > 0 {
        out.push(format!(
            "primary shifts cannot be evened out to within {}: {} [balanced-load]",
            pb.settings.max_spread,
            availability(pb, state, state.primary_counts(), &pb.kept.primary)
        ));
    }
    if pb.settings.fairness && total.count(Aspect::HolidayUneven) > 0 {
        out.push(format!(
            "holiday duty cannot be evened out to within 1: {} [holiday-fairness]",
            availability(pb, state, state.holiday_counts(), &pb.kept.holidays)
        ));
    }
    out
}

/// "john 12 (free to be primary for 30 of 52 new shifts), …" for the people
/// with the most and the fewest.
fn availability(pb: &Problem, state: &State<'_>, counts: &[i32], kept: &[i32]) -> String {
    let appear = state.appearances();
    let people: Vec<u16> = (0..pb.n() as u16)
        .filter(|&p| appear.get(usize::from(p)).is_some_and(|a| *a > 0))
        .collect();
    let count = |p: u16| counts.get(usize::from(p)).copied().unwrap_or(0);
    let (Some(high), Some(low)) = (
        people.iter().map(|&p| count(p)).max(),
        people.iter().map(|&p| count(p)).min(),
    ) else {
        return String::new();
    };
    let describe = |p: u16| {
        let free = (0..pb.shifts.len())
            .filter(|&i| pb.free_primary[i].contains(&p))
            .count();
        let before = kept.get(usize::from(p)).copied().unwrap_or(0);
        let before = if before > 0 {
            format!("{before} of them in kept shifts; ")
        } else {
            String::new()
        };
        format!(
            "{} {} ({before}free to be primary in {free} of {})",
            pb.name_of(p),
            count(p),
            plural(pb.shifts.len(), "new shift")
        )
    };
    let pick = |c: i32| -> Vec<String> {
        let list: Vec<u16> = people.iter().copied().filter(|&p| count(p) == c).collect();
        let mut out: Vec<String> = list.iter().take(3).map(|&p| describe(p)).collect();
        if list.len() > 3 {
            out.push(format!("{} more with {c}", list.len() - 3));
        }
        out
    };
    format!(
        "most: {}; fewest: {}",
        pick(high).join(", "),
        pick(low).join(", ")
    )
}

/// What the best single change at shift `i` that removes an `aspect`
/// violation would break instead.
fn tradeoff(state: &mut State<'_>, i: usize, aspect: Aspect) -> String {
    let pb = state.problem;
    let here = state.total;
    let mut moves: Vec<Vec<Change>> = Vec::new();
    for q in 0..pb.n() as u16 {
        if pb.is_eligible(q) && q != state.primary[i] {
            moves.push(vec![state.with_primary(i, q)]);
        }
        if pb.is_eligible(q) && q != state.primary[i] && q != state.secondary[i] {
            moves.push(vec![(i, state.primary[i], q)]);
        }
    }
    if let Some(prev) = pb.prev_duty(i).filter(|_| aspect == Aspect::BackToBack) {
        for q in 0..pb.n() as u16 {
            if pb.is_eligible(q) && q != state.primary[prev] {
                moves.push(vec![state.with_primary(prev, q)]);
            }
        }
    }
    let len = state.primary.len();
    for j in i.saturating_sub(REACH)..len.min(i + REACH) {
        if j != i && state.primary[j] != state.primary[i] {
            moves.push(state.swap_primaries(i, j).to_vec());
        }
    }
    let mut best: Option<(solver::Score, super::solver::Tally)> = None;
    for mv in moves {
        let t = state.probe(&mv);
        if t.count(aspect) >= here.count(aspect) {
            continue;
        }
        let s = solver::score(pb, &t);
        if best.as_ref().is_none_or(|(b, _)| s < *b) {
            best = Some((s, t));
        }
    }
    let Some((_, t)) = best else {
        return "no single change avoids it".into();
    };
    let mut broken: Vec<&str> = Aspect::ALL
        .iter()
        .filter(|a| **a != aspect && pb.settings.on(**a) && t.count(**a) > here.count(**a))
        .map(|a| a.rule())
        .collect();
    broken.dedup();
    if broken.is_empty() {
        if t.spread > here.spread {
            return "every single change that avoids it makes the load uneven".into();
        }
        return "avoiding it costs as much elsewhere".into();
    }
    format!(
        "every single change that avoids it breaks {}",
        broken.join(" and ")
    )
}

/// "shift", "2 shifts": a count where "the 1 shift" would read oddly.
fn counted(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{n} {word}s")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
