//! The trade-offs, in words: what changed from the current schedule and why,
//! which constraints cannot all hold (with dates, people and rules), and what
//! the real rules say about the result.

use super::problem::{Aspect, Problem, NONE};
use super::solver::{self, Change, Solution, State};
use super::{Reported, Window};
use crate::check::Loaded;
use crate::finding::Severity;
use crate::schedule::date_range;

/// Changes listed one by one; the rest are counted.
const SHOWN_CHANGES: usize = 40;
const SHOWN_CONFLICTS: usize = 20;

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
    let new = pb.shifts.len();
    let last = pb
        .shifts
        .last()
        .map_or(w.from, |s| s.end.pred_opt().unwrap_or(s.end));
    out.push_str(&format!(
        "Suggested rotation `{id}`: {} from {} to {}",
        plural(new, "new shift"),
        w.from,
        last
    ));
    if w.kept > 0 {
        out.push_str(&format!(
            "; the {} before {} are kept",
            plural(w.kept, "shift"),
            w.from
        ));
    }
    out.push('\n');
    if w.from_default {
        out.push_str(&format!(
            "  --from defaulted to the first shift starting on or after today ({})\n",
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
    out.push_str(&format!(
        "  primary shifts:   {}",
        counts(state.primary_counts())
    ));
    if pb.settings.on(Aspect::Balance) {
        out.push_str(&format!(" (max_spread {})", pb.settings.max_spread));
    }
    out.push('\n');
    out.push_str(&format!(
        "  secondary shifts: {}\n",
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
            "Kept the current schedule (the roster order past its end) for every new shift.\n",
        );
    } else {
        out.push_str(&format!(
            "Kept the current schedule (the roster order past its end) except for {}:\n",
            plural(changes.len(), "change")
        ));
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
        "  search: {} moves tried (seed {})\n",
        sol.steps, input.seed
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

/// One line per shift and role where the suggestion departs from the
/// current schedule, with the reason.
fn changes(input: &Input<'_>, state: &State<'_>) -> Vec<String> {
    let pb = input.problem;
    let mut probe = state.clone();
    let mut out = Vec::new();
    for (i, shift) in pb.shifts.iter().enumerate() {
        let (p, s) = (state.primary[i], state.secondary[i]);
        let (want_p, want_s) = (pb.pref_primary[i], pb.pref_secondary[i]);
        if want_p != NONE && want_p != p {
            let why = primary_reason(input, &mut probe, i, want_p);
            out.push(format!(
                "{}  primary {} instead of {}: {why}",
                shift.start,
                pb.name_of(p),
                pb.name_of(want_p)
            ));
        }
        if want_s != NONE && want_s != s {
            let why = secondary_reason(input, state, i, want_s);
            let who = if s == NONE { "nobody" } else { pb.name_of(s) };
            out.push(format!(
                "{}  secondary {who} instead of {}: {why}",
                shift.start,
                pb.name_of(want_s)
            ));
        }
    }
    out
}

/// Why shift `i` could not keep `want` as its primary.
fn primary_reason(input: &Input<'_>, state: &mut State<'_>, i: usize, want: u16) -> String {
    let pb = input.problem;
    let name = pb.name_of(want);
    if let Some(r) = unavailable(input, i, want) {
        return r;
    }
    if pb.busy(i, want) {
        return format!("{name} is primary of {} then", busy_with(input, i, want));
    }
    if let Some(j) = partner(state, i, |st, j| {
        st.primary[j] == want && pb.pref_primary[j] == st.primary[i]
    }) {
        return traded(input, state, j, true);
    }
    let here = state.total;
    let mv = state.with_primary(i, want);
    let there = state.probe(&[mv]);
    let mut reasons = Vec::new();
    for aspect in Aspect::ALL {
        if pb.settings.on(aspect) && there.count(aspect) > here.count(aspect) {
            reasons.push(aspect_reason(input, state, i, want, aspect));
        }
    }
    if reasons.is_empty() && there.spread > here.spread {
        reasons.push(format!("{name} would have more shifts than the others"));
    }
    if reasons.is_empty() {
        reasons.push("part of the swaps that keep loads even".into());
    }
    reasons.dedup();
    reasons.join("; ")
}

fn secondary_reason(input: &Input<'_>, state: &State<'_>, i: usize, want: u16) -> String {
    let pb = input.problem;
    let name = pb.name_of(want);
    if let Some(r) = unavailable(input, i, want) {
        return r;
    }
    if state.primary[i] == want {
        return format!("{name} is the primary");
    }
    if let Some(j) = partner(state, i, |st, j| {
        st.secondary[j] == want && pb.pref_secondary[j] == st.secondary[i]
    }) {
        return traded(input, state, j, false);
    }
    "keeps secondary duty even".into()
}

/// Leave or not being a team member.
fn unavailable(input: &Input<'_>, i: usize, who: u16) -> Option<String> {
    let pb = input.problem;
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

/// The nearest other shift `j` satisfying `is`.
fn partner(state: &State<'_>, i: usize, is: impl Fn(&State<'_>, usize) -> bool) -> Option<usize> {
    let len = state.primary.len();
    (1..len).find_map(|d| {
        [i.checked_sub(d), i.checked_add(d).filter(|j| *j < len)]
            .into_iter()
            .flatten()
            .find(|&j| is(state, j))
    })
}

fn traded(input: &Input<'_>, state: &State<'_>, j: usize, primary: bool) -> String {
    let pb = input.problem;
    let Some(shift) = pb.shifts.get(j) else {
        return "a trade".into();
    };
    let who = if primary {
        pb.pref_primary[j]
    } else {
        pb.pref_secondary[j]
    };
    let _ = state;
    let cause = unavailable(input, j, who)
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    format!("trades with the shift of {}{cause}", shift.start)
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
) -> String {
    let pb = input.problem;
    let name = pb.name_of(who);
    let date = |j: usize| {
        pb.shifts
            .get(j)
            .map_or_else(String::new, |s| s.start.to_string())
    };
    match aspect {
        Aspect::BackToBack => {
            let before = i
                .checked_sub(1)
                .map_or(pb.prev_primary, |j| state.primary[j]);
            if before == who {
                let when = i.checked_sub(1).map_or_else(
                    || "the last kept shift".to_string(),
                    |j| format!("the shift of {}", date(j)),
                );
                format!("{name} is primary of {when}, the one before [back-to-back]")
            } else {
                format!(
                    "{name} is primary of the shift of {}, the one after [back-to-back]",
                    date(i + 1)
                )
            }
        }
        Aspect::HolidayRepeat => {
            let mut text = format!(
                "{name} would be primary on the same holiday two years running [holiday-fairness]"
            );
            if let Some(shift) = pb.shifts.get(i) {
                for hit in shift.hits.clone().filter_map(|h| pb.hits.get(h)) {
                    for year in [hit.year - 1, hit.year + 1] {
                        if state.is_present(who, hit.name, year) {
                            text = format!(
                                "{name} is primary on {} {year} [holiday-fairness]",
                                pb.names.get(hit.name).map_or("it", String::as_str)
                            );
                        }
                    }
                }
            }
            text
        }
        Aspect::HolidayUneven => {
            format!("{name} would have more holidays than the others [holiday-fairness]")
        }
        Aspect::Balance => format!("{name} would have too many primary shifts [balanced-load]"),
        Aspect::DoubleBooked => {
            format!("{name} is primary of another rotation then [double-booked]")
        }
        Aspect::Unavailable => format!("{name} is on leave [unavailable-on-call]"),
        Aspect::Distinct => format!("{name} is the secondary [distinct-on-call]"),
        Aspect::HolidayCoverage => format!("{name} is on leave on the holiday [holiday-coverage]"),
    }
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
        for i in 0..pb.shifts.len() {
            let here = &pb.free_primary[i];
            let before: Option<u16> = match i.checked_sub(1) {
                None => Some(pb.prev_primary).filter(|p| *p != NONE),
                Some(j) => match pb.free_primary[j].as_slice() {
                    [one] => Some(*one),
                    _ => None,
                },
            };
            if let (Some(b), [only]) = (before, here.as_slice()) {
                if b == *only {
                    let text = format!(
                        "only {} can be primary, shifts in a row [back-to-back]",
                        pb.name_of(*only)
                    );
                    let first = i.saturating_sub(1);
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
        let local = state.local(i) + state.pair(i);
        for aspect in [
            Aspect::Unavailable,
            Aspect::DoubleBooked,
            Aspect::BackToBack,
            Aspect::HolidayCoverage,
        ] {
            if on(aspect) && local.count(aspect) > 0 && !covered(i) {
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
                if state.is_present(p, hit.name, hit.year - 1) {
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
    if on(Aspect::Balance) && total.count(Aspect::Balance) > 0 {
        out.push(format!(
            "primary shifts cannot be evened out to within {}: {} [balanced-load]",
            pb.settings.max_spread,
            availability(pb, state, state.primary_counts())
        ));
    }
    if pb.settings.fairness && total.count(Aspect::HolidayUneven) > 0 {
        out.push(format!(
            "holiday duty cannot be evened out to within 1: {} [holiday-fairness]",
            availability(pb, state, state.holiday_counts())
        ));
    }
    out
}

/// "john 12 (free for 30 of 52 new shifts), …" for everyone in the rotation.
fn availability(pb: &Problem, state: &State<'_>, counts: &[i32]) -> String {
    let appear = state.appearances();
    (0..pb.n() as u16)
        .filter(|&p| appear.get(usize::from(p)).is_some_and(|a| *a > 0))
        .map(|p| {
            let free = (0..pb.shifts.len())
                .filter(|&i| pb.free_primary[i].contains(&p))
                .count();
            format!(
                "{} {} (free to be primary for {} of {} new shifts)",
                pb.name_of(p),
                counts.get(usize::from(p)).copied().unwrap_or(0),
                free,
                pb.shifts.len()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
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
    if aspect == Aspect::BackToBack && i > 0 {
        for q in 0..pb.n() as u16 {
            if pb.is_eligible(q) && q != state.primary[i - 1] {
                moves.push(vec![state.with_primary(i - 1, q)]);
            }
        }
    }
    let len = state.primary.len();
    let lo = i.saturating_sub(200);
    for j in lo..len.min(i + 200) {
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
            return "every change that avoids it makes the load uneven".into();
        }
        return "avoiding it costs as much elsewhere".into();
    }
    format!(
        "every change that avoids it breaks {}",
        broken.join(" and ")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
