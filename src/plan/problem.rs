//! The solver's view of one rotation: who may take each new shift, what the
//! kept shifts already count for, and which rotation rules are constraints
//! (with their severity in the active policy).
//!
//! Everything the rules read is precomputed here with the rules' own
//! semantics, so the search never re-derives them: leave overlapping a shift
//! by one day (`unavailable-on-call`), primary slots of the workspace's other
//! rotations (`double-booked`), holiday dates falling in a shift and leave on
//! that very day (`holiday-coverage`), holiday names and years
//! (`holiday-fairness`).

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{Datelike, NaiveDate};

use crate::finding::Severity;
use crate::model::{Model, Rotation};
use crate::policy::Policy;
use crate::rules::Params;
use crate::schedule::expand::{shift_duty, DUTY_DAYS};
use crate::schedule::window::Interval;
use crate::schedule::{duty_meets_days, Form, RotationSchedule, Schedule, Shift};

/// "Nobody": no person in this slot.
pub const NONE: u16 = u16::MAX;

/// Most (new shift, person) pairs planned at once: memory and time stay
/// bounded whatever the input (10,000 shifts of 2,000 people fit).
const MAX_CELLS: usize = 20_000_000;

/// What the solver counts: one slot per rule aspect it models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Aspect {
    Unavailable,
    Distinct,
    BackToBack,
    DoubleBooked,
    HolidayCoverage,
    Balance,
    HolidayUneven,
    HolidayRepeat,
    /// Fewer people in the rotation than `min_members`.
    RosterSize,
}

pub const ASPECTS: usize = 9;

impl Aspect {
    pub const ALL: [Aspect; ASPECTS] = [
        Aspect::Unavailable,
        Aspect::Distinct,
        Aspect::BackToBack,
        Aspect::DoubleBooked,
        Aspect::HolidayCoverage,
        Aspect::Balance,
        Aspect::HolidayUneven,
        Aspect::HolidayRepeat,
        Aspect::RosterSize,
    ];

    /// The rule that reports this aspect.
    pub fn rule(self) -> &'static str {
        match self {
            Aspect::Unavailable => "unavailable-on-call",
            Aspect::Distinct => "distinct-on-call",
            Aspect::BackToBack => "back-to-back",
            Aspect::DoubleBooked => "double-booked",
            Aspect::HolidayCoverage => "holiday-coverage",
            Aspect::Balance => "balanced-load",
            Aspect::HolidayUneven | Aspect::HolidayRepeat => "holiday-fairness",
            Aspect::RosterSize => "roster-size",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A shift the solver fills.
#[derive(Debug, Clone)]
pub struct FreeShift {
    pub start: NaiveDate,
    /// Exclusive.
    pub end: NaiveDate,
    /// Indices into `Problem::hits`.
    pub hits: Range<usize>,
    /// Whether it holds duty under the rotation's coverage window (§10).
    /// A shift without duty needs nobody: only who appears in it counts
    /// (the roster of an explicit rotation); leave, holidays, load and
    /// `back-to-back` skip it, as the rules do.
    pub duty: bool,
}

impl FreeShift {
    /// "2026-12-21 – 2026-12-27".
    pub fn dates(&self) -> String {
        crate::schedule::date_range(self.start, self.end.pred_opt().unwrap_or(self.end))
    }
}

/// A holiday date falling in a shift.
#[derive(Debug, Clone)]
pub struct Hit {
    pub date: NaiveDate,
    /// Index into `Problem::names`: the rule compares holidays by name.
    pub name: usize,
    pub year: i32,
}

/// Per-person counts over the kept shifts (before and after the window).
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub primary: Vec<i32>,
    pub secondary: Vec<i32>,
    /// Shifts the person is on call in at all: the roster of an explicit
    /// rotation is everyone who appears in it.
    pub appear: Vec<i32>,
    /// Holiday dates on which the person is primary.
    pub holidays: Vec<i32>,
}

/// Which rules constrain the search, from the active policy.
#[derive(Debug, Clone)]
pub struct Settings {
    pub severity: [Option<Severity>; ASPECTS],
    pub max_spread: i32,
    /// `None`: holiday coverage is not checked (no calendar, or the rule is off).
    pub min_engineers: Option<usize>,
    /// Whether `holiday-fairness` runs on this rotation (it has a calendar and
    /// a holiday falls in one of its shifts).
    pub fairness: bool,
    /// `roster-size`'s `min_members`, when the rule is on.
    pub min_members: Option<usize>,
}

impl Settings {
    pub fn on(&self, aspect: Aspect) -> bool {
        self.severity[aspect.index()].is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Problem {
    /// Everyone the rotation names: roster order first, then people who only
    /// appear in its shifts or overrides.
    pub people: Vec<String>,
    pub index: BTreeMap<String, u16>,
    /// Team members: only they may take new shifts (their leave is known).
    pub eligible: Vec<bool>,
    pub shifts: Vec<FreeShift>,
    /// Per shift: the next shift with duty after it (`shifts.len()` for
    /// none): `back-to-back` pairs shifts with duty, skipping the others.
    pub next_duty: Vec<usize>,
    pub hits: Vec<Hit>,
    pub names: Vec<String>,
    /// Per shift: eligible people not on leave during it (secondary candidates).
    pub free: Vec<Vec<u16>>,
    /// Per shift: `free` minus people primary of another rotation then.
    pub free_primary: Vec<Vec<u16>>,
    /// Per shift: who the current schedule (or the roster order past its end)
    /// puts there; `NONE` for no preference.
    pub pref_primary: Vec<u16>,
    pub pref_secondary: Vec<u16>,
    /// Primary of the last shift kept before the window, for `back-to-back`
    /// at that boundary.
    pub prev_primary: u16,
    /// Primary of the first shift kept after the window (`--until`).
    pub next_primary: u16,
    pub kept: Counts,
    /// (person, holiday name, year) on which a kept shift (either side) makes
    /// the person primary.
    pub kept_presence: Vec<u16>,
    pub year0: i32,
    pub years: usize,
    pub settings: Settings,
    /// At least two team members: a shift can have a distinct secondary.
    pub pairs_possible: bool,
    leave: Vec<bool>,
    busy: Vec<bool>,
    /// Per hit and person: on leave that very day.
    hit_leave: Vec<bool>,
}

impl Problem {
    pub fn n(&self) -> usize {
        self.people.len()
    }

    /// On leave during any day of shift `i`.
    pub fn on_leave(&self, i: usize, p: u16) -> bool {
        self.leave
            .get(i * self.n() + usize::from(p))
            .copied()
            .unwrap_or(false)
    }

    /// Primary of another rotation at a time overlapping shift `i`.
    pub fn busy(&self, i: usize, p: u16) -> bool {
        self.busy
            .get(i * self.n() + usize::from(p))
            .copied()
            .unwrap_or(false)
    }

    pub fn on_leave_on_hit(&self, h: usize, p: u16) -> bool {
        self.hit_leave
            .get(h * self.n() + usize::from(p))
            .copied()
            .unwrap_or(false)
    }

    /// The shift with duty before shift `i`, if any: its `back-to-back`
    /// neighbour (shifts without duty between are skipped).
    pub fn prev_duty(&self, i: usize) -> Option<usize> {
        self.shifts.get(..i)?.iter().rposition(|s| s.duty)
    }

    /// The shift with duty after shift `i`; `shifts.len()` for none (the
    /// first shift kept after the window).
    pub fn next_duty(&self, i: usize) -> usize {
        self.next_duty.get(i).copied().unwrap_or(i + 1)
    }

    pub fn is_eligible(&self, p: u16) -> bool {
        self.eligible.get(usize::from(p)).copied().unwrap_or(false)
    }

    /// Index into the presence tables, `None` outside the years holidays fall in.
    pub fn presence_index(&self, p: u16, name: usize, year: i32) -> Option<usize> {
        let y = usize::try_from(year.checked_sub(self.year0)?).ok()?;
        if y >= self.years || name >= self.names.len() || usize::from(p) >= self.n() {
            return None;
        }
        Some((usize::from(p) * self.names.len() + name) * self.years + y)
    }

    pub fn name_of(&self, p: u16) -> &str {
        self.people
            .get(usize::from(p))
            .map_or("nobody", String::as_str)
    }
}

/// What `build` needs to know about the window.
pub struct Spec<'a> {
    pub model: &'a Model,
    pub schedule: &'a Schedule,
    pub policy: &'a Policy,
    /// Index into `schedule.rotations` (and `model.rotations`).
    pub rotation: usize,
    /// `rs.shifts[..kept]` stay as they are.
    pub kept: usize,
    /// `rs.shifts[tail..]` (after the window) stay as they are too.
    pub tail: usize,
    /// Starts of the new shifts, each `days` long.
    pub starts: &'a [NaiveDate],
    pub days: u64,
}

/// Builds the problem; `Err` when the rotation cannot be planned at all.
pub fn build(spec: &Spec<'_>) -> Result<Problem, String> {
    let rs = spec
        .schedule
        .rotations
        .get(spec.rotation)
        .ok_or("no such rotation")?;
    let rot = &spec
        .model
        .rotations
        .get(spec.rotation)
        .ok_or("no such rotation")?
        .item;
    let kept: &[Shift] = rs.shifts.get(..spec.kept).unwrap_or(&rs.shifts);
    let after: &[Shift] = rs.shifts.get(spec.tail.max(spec.kept)..).unwrap_or(&[]);
    // Both sides count for balance, holidays and appearances alike.
    let fixed: Vec<&Shift> = kept.iter().chain(after).collect();
    let cycle = roster_cycle(rot, rs);

    // People: roster order, then whoever else appears in the rotation.
    let mut people: Vec<String> = Vec::new();
    let mut index: BTreeMap<String, u16> = BTreeMap::new();
    let mut add = |person: &str, people: &mut Vec<String>| -> Result<u16, String> {
        if let Some(&i) = index.get(person) {
            return Ok(i);
        }
        let i = u16::try_from(people.len())
            .ok()
            .filter(|i| *i < NONE)
            .ok_or("the rotation names too many people")?;
        index.insert(person.to_string(), i);
        people.push(person.to_string());
        Ok(i)
    };
    let mut cycle_ids = Vec::with_capacity(cycle.len());
    for person in &cycle {
        cycle_ids.push(add(person, &mut people)?);
    }
    for shift in &rs.shifts {
        for (_, a) in shift.assignments() {
            add(&a.person, &mut people)?;
        }
    }
    let n = people.len();
    let eligible: Vec<bool> = people
        .iter()
        .map(|p| spec.model.members.contains_key(p))
        .collect();
    if people.is_empty() {
        return Err(format!(
            "rotation `{}` names nobody (no roster and no shifts): nobody can be put on call",
            rot.id
        ));
    }
    if !eligible.iter().any(|e| *e) {
        // Usually the rotation's file was named without the teams' files.
        let hint = if spec.model.teams.is_empty() {
            "; no Team document was read: name the files or the directory holding the teams too"
        } else {
            ""
        };
        return Err(format!(
            "rotation `{}` names no team member ({}): nobody can be put on call{hint}",
            rot.id,
            people.join(", ")
        ));
    }

    // The tables below hold one entry per new shift and person.
    if spec.starts.len().saturating_mul(n) > MAX_CELLS {
        return Err(format!(
            "rotation `{}` is too large to plan at once ({} people × {} new shifts); choose a shorter window with --until",
            rot.id,
            n,
            spec.starts.len()
        ));
    }

    // New shifts, with their duty (§10) computed as the expansion does.
    let days = chrono::Days::new(spec.days);
    let clock = rs.clock;
    let mut budget = DUTY_DAYS;
    let mut proposed: Vec<(FreeShift, Vec<Interval>)> = Vec::with_capacity(spec.starts.len());
    for &start in spec.starts {
        let end = start
            .checked_add_days(days)
            .ok_or_else(|| format!("a shift starting {start} ends past the calendar"))?;
        let duty = shift_duty(
            rot,
            clock.zone,
            clock.day(start).0,
            clock.day(end).0,
            &mut budget,
        );
        let shift = FreeShift {
            start,
            end,
            hits: 0..0,
            duty: !duty.is_empty(),
        };
        proposed.push((shift, duty));
    }

    // Preferences: the current schedule where it has a shift on that day,
    // the roster order past its end.
    let later = rs.shifts.get(spec.kept..).unwrap_or(&[]);
    let preference = |start: NaiveDate| -> (u16, u16) {
        let at = later.partition_point(|s| s.start < start);
        match later.get(at).filter(|s| s.start == start) {
            Some(existing) => (
                index
                    .get(existing.primary.person.as_str())
                    .copied()
                    .unwrap_or(NONE),
                existing
                    .secondary
                    .as_ref()
                    .and_then(|a| index.get(a.person.as_str()).copied())
                    .unwrap_or(NONE),
            ),
            None if cycle_ids.is_empty() => (NONE, NONE),
            None => {
                let m = cycle_ids.len();
                let g = usize::try_from((start - rot.start).num_days())
                    .unwrap_or(0)
                    .checked_div(usize::try_from(spec.days).unwrap_or(1))
                    .unwrap_or(0);
                let secondary = if m > 1 { cycle_ids[(g + 1) % m] } else { NONE };
                (cycle_ids[g % m], secondary)
            }
        }
    };

    let mut shifts = Vec::with_capacity(proposed.len());
    let mut duties = Vec::with_capacity(proposed.len());
    let mut pref_primary = Vec::with_capacity(proposed.len());
    let mut pref_secondary = Vec::with_capacity(proposed.len());
    for (shift, duty) in proposed {
        let (primary, secondary) = preference(shift.start);
        pref_primary.push(primary);
        pref_secondary.push(secondary);
        shifts.push(shift);
        duties.push(duty);
    }
    let mut next_duty = vec![shifts.len(); shifts.len()];
    let mut next = shifts.len();
    for i in (0..shifts.len()).rev() {
        next_duty[i] = next;
        if shifts[i].duty {
            next = i;
        }
    }

    // Leave during duty, other rotations' primary duty, candidates.
    let leave_index = &spec.schedule.leave;
    let mut slots: BTreeMap<&str, Vec<Interval>> = BTreeMap::new();
    for (r, other) in spec.schedule.rotations.iter().enumerate() {
        if r == spec.rotation {
            continue;
        }
        for s in &other.shifts {
            slots
                .entry(s.primary.person.as_str())
                .or_default()
                .extend(s.duty.iter().copied());
        }
    }
    for list in slots.values_mut() {
        list.sort();
    }
    let mut leave = vec![false; shifts.len() * n];
    let mut busy = vec![false; shifts.len() * n];
    let mut free = Vec::with_capacity(shifts.len());
    let mut free_primary = Vec::with_capacity(shifts.len());
    for (i, (shift, duty)) in shifts.iter().zip(&duties).enumerate() {
        let mut f = Vec::new();
        let mut fp = Vec::new();
        for (p, person) in people.iter().enumerate() {
            let away = leave_index
                .during_duty_of(person, &clock, shift.start, shift.end, duty)
                .next()
                .is_some();
            let taken = slots.get(person.as_str()).is_some_and(|list| {
                duty.iter().any(|&(from, to)| {
                    // Slots starting before this duty ends; any of them still running?
                    let upto = list.partition_point(|(s, _)| *s < to);
                    list.get(..upto)
                        .unwrap_or(&[])
                        .iter()
                        .any(|(_, e)| *e > from)
                })
            });
            leave[i * n + p] = away;
            busy[i * n + p] = taken;
            if eligible[p] && !away {
                // `p < n <= NONE` was checked when adding people.
                let id = p as u16;
                f.push(id);
                if !taken {
                    fp.push(id);
                }
            }
        }
        free.push(f);
        free_primary.push(fp);
    }

    // Holidays over the whole new rotation, mapped to shifts as the expansion
    // does: kept shifts before, new ones, kept shifts after, in date order.
    let mut all: Vec<(NaiveDate, NaiveDate, &[Interval])> =
        kept.iter().map(|s| (s.start, s.end, &*s.duty)).collect();
    all.extend(
        shifts
            .iter()
            .zip(&duties)
            .map(|(s, d)| (s.start, s.end, d.as_slice())),
    );
    all.extend(after.iter().map(|s| (s.start, s.end, &*s.duty)));
    let mut names: Vec<String> = Vec::new();
    let mut hits: Vec<Hit> = Vec::new();
    // (index into `fixed`, hit).
    let mut kept_hits: Vec<(usize, Hit)> = Vec::new();
    let calendar = rot.holidays.as_ref().and(rs.calendar.as_ref());
    if let (Some(calendar), Some(first), Some(last)) = (
        calendar,
        all.first().map(|s| s.0),
        all.iter().map(|s| s.1).max(),
    ) {
        for h in calendar.dates(first, last) {
            let after = all.partition_point(|(s, _, _)| *s <= h.date);
            let Some(i) = after.checked_sub(1) else {
                continue;
            };
            // Holidays outside duty need nobody (§14.18).
            let on_duty = |(s, e, duty): &(NaiveDate, NaiveDate, &[Interval])| {
                *s <= h.date
                    && h.date < *e
                    && duty_meets_days(&clock, duty, h.date, h.date.succ_opt().unwrap_or(h.date))
            };
            if !all.get(i).is_some_and(on_duty) {
                continue;
            }
            let name = match names.iter().position(|n| *n == h.name) {
                Some(k) => k,
                None => {
                    names.push(h.name.clone());
                    names.len() - 1
                }
            };
            let hit = Hit {
                date: h.date,
                name,
                year: h.date.year(),
            };
            match i.checked_sub(kept.len()).filter(|j| *j < shifts.len()) {
                Some(j) => {
                    let at = hits.len();
                    hits.push(hit);
                    if let Some(shift) = shifts.get_mut(j) {
                        if shift.hits.is_empty() {
                            shift.hits = at..at + 1;
                        } else {
                            shift.hits.end = at + 1;
                        }
                    }
                }
                None if i < kept.len() => kept_hits.push((i, hit)),
                None => kept_hits.push((i - shifts.len(), hit)),
            }
        }
    }
    let years_of = hits
        .iter()
        .chain(kept_hits.iter().map(|(_, h)| h))
        .map(|h| h.year);
    let year0 = years_of.clone().min().unwrap_or(0);
    let years = years_of
        .max()
        .map_or(0, |y| usize::try_from(y - year0).unwrap_or(0) + 1);
    let mut hit_leave = vec![false; hits.len() * n];
    for (h, hit) in hits.iter().enumerate() {
        for (p, person) in people.iter().enumerate() {
            hit_leave[h * n + p] = leave_index.on(person, hit.date).is_some();
        }
    }

    // What the kept shifts already count for.
    let mut counts = Counts {
        primary: vec![0; n],
        secondary: vec![0; n],
        appear: vec![0; n],
        holidays: vec![0; n],
    };
    let id = |person: &str| usize::from(index.get(person).copied().unwrap_or(0));
    for shift in &fixed {
        // Everyone in a shift is in the roster; only duty is load (§14.19).
        let load = i32::from(shift.has_duty());
        let p = id(&shift.primary.person);
        counts.primary[p] += load;
        counts.appear[p] += 1;
        if let Some(s) = &shift.secondary {
            let s = id(&s.person);
            counts.secondary[s] += load;
            counts.appear[s] += 1;
        }
    }
    let pairs_possible = eligible.iter().filter(|e| **e).count() >= 2;
    let mut problem = Problem {
        people,
        index: index.clone(),
        eligible,
        shifts,
        next_duty,
        hits,
        names,
        free,
        free_primary,
        pref_primary,
        pref_secondary,
        // `back-to-back` compares shifts with duty, skipping the others.
        prev_primary: kept
            .iter()
            .rev()
            .find(|s| s.has_duty())
            .and_then(|s| index.get(s.primary.person.as_str()).copied())
            .unwrap_or(NONE),
        next_primary: after
            .iter()
            .find(|s| s.has_duty())
            .and_then(|s| index.get(s.primary.person.as_str()).copied())
            .unwrap_or(NONE),
        kept: counts,
        kept_presence: Vec::new(),
        year0,
        years,
        settings: settings(spec.policy, rot, rs, !kept_hits.is_empty()),
        pairs_possible,
        leave,
        busy,
        hit_leave,
    };
    problem.settings.fairness = problem.settings.fairness || !problem.hits.is_empty();
    problem.settings.fairness &= problem.settings.on(Aspect::HolidayUneven);
    let mut presence = vec![0u16; n * problem.names.len() * problem.years];
    for (i, hit) in &kept_hits {
        let Some(shift) = fixed.get(*i) else { continue };
        let p = id(&shift.primary.person);
        problem.kept.holidays[p] += 1;
        if let Some(k) = problem.presence_index(p as u16, hit.name, hit.year) {
            presence[k] = presence[k].saturating_add(1);
        }
    }
    problem.kept_presence = presence;
    Ok(problem)
}

/// The roster order: a generated rotation's `roster` as written (an entry
/// listed twice is on call twice per cycle), else everyone in order of
/// appearance.
fn roster_cycle(rot: &Rotation, rs: &RotationSchedule) -> Vec<String> {
    match (rs.form, &rot.roster) {
        (Form::Generated, Some(roster)) => roster.clone(),
        _ => rs.roster.clone(),
    }
}

fn settings(policy: &Policy, rot: &Rotation, rs: &RotationSchedule, kept_hits: bool) -> Settings {
    let severity_of = |id: &str| policy.setting(id).and_then(|s| s.severity);
    let param = |id: &str, name: &str| -> Option<u64> {
        let setting = policy.setting(id)?;
        Params::new(&setting.params).get::<u64>(name)
    };
    let mut severity = [None; ASPECTS];
    for aspect in Aspect::ALL {
        severity[aspect.index()] = severity_of(aspect.rule());
    }
    // The rules skip themselves without their parameter.
    let max_spread = param("balanced-load", "max_spread");
    if max_spread.is_none() {
        severity[Aspect::Balance.index()] = None;
    }
    let has_calendar = rot.holidays.is_some() && rs.calendar.is_some();
    let min_engineers = rot
        .holidays
        .as_ref()
        .and_then(|h| h.min_engineers.map(u64::from))
        .or_else(|| param("holiday-coverage", "min_engineers"))
        .filter(|_| has_calendar && severity[Aspect::HolidayCoverage.index()].is_some())
        .map(|m| usize::try_from(m).unwrap_or(usize::MAX));
    if min_engineers.is_none() {
        severity[Aspect::HolidayCoverage.index()] = None;
    }
    if !has_calendar {
        severity[Aspect::HolidayUneven.index()] = None;
        severity[Aspect::HolidayRepeat.index()] = None;
    }
    let min_members = param("roster-size", "min_members")
        .filter(|_| severity_of("roster-size").is_some())
        .map(|m| usize::try_from(m).unwrap_or(usize::MAX));
    if min_members.is_none() {
        severity[Aspect::RosterSize.index()] = None;
    }
    Settings {
        severity,
        max_spread: max_spread.map_or(i32::MAX, |m| i32::try_from(m).unwrap_or(i32::MAX)),
        min_engineers,
        fairness: has_calendar && kept_hits,
        min_members,
    }
}
