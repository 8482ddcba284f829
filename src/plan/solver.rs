//! The search: a primary and a secondary for every new shift.
//!
//! Every rule aspect is a count (`Tally`); the schedule with the fewest error
//! findings, then warning findings, then the smallest imbalance, then the
//! fewest changes to the current schedule wins (`Score`). The search starts
//! from the current schedule (the roster order past its end) with the people
//! who cannot take their shift replaced greedily, then runs seeded simulated
//! annealing over small moves (reassign, swap two shifts' primaries, swap
//! roles) with incremental evaluation, once more from the current schedule
//! as it is (never worse than it), and ends with a deterministic descent
//! that puts the current schedule back wherever that costs nothing. Work is
//! bounded by a step budget; the best schedule seen is returned either way.

use std::ops::{Add, AddAssign, Sub, SubAssign};

use super::problem::{Aspect, Problem, ASPECTS, NONE};
use super::rng::{exp_neg, Rng};
use crate::finding::Severity;

/// Violations per aspect, plus how far counts are outside their allowed
/// band (a gradient for the all-or-nothing balance findings), plus the cost
/// of departing from the current schedule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub counts: [i64; ASPECTS],
    pub spread: i64,
    pub soft: i64,
}

impl Add for Tally {
    type Output = Tally;
    fn add(mut self, other: Tally) -> Tally {
        self += other;
        self
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.spread += other.spread;
        self.soft += other.soft;
    }
}

impl Sub for Tally {
    type Output = Tally;
    fn sub(mut self, other: Tally) -> Tally {
        self -= other;
        self
    }
}

impl SubAssign for Tally {
    fn sub_assign(&mut self, other: Tally) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a -= b;
        }
        self.spread -= other.spread;
        self.soft -= other.soft;
    }
}

impl Tally {
    fn add_count(&mut self, aspect: Aspect, n: i64) {
        self.counts[aspect.index()] += n;
    }

    pub fn count(&self, aspect: Aspect) -> i64 {
        self.counts[aspect.index()]
    }
}

/// How good a schedule is: fewest findings, an error weighing as much as
/// [`ERROR_IN_WARNINGS`] warnings; then fewer errors, less imbalance, fewer
/// changes to the current schedule. Field order is comparison order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score {
    pub weighted: i64,
    pub errors: i64,
    pub spread: i64,
    pub soft: i64,
    pub warnings: i64,
}

/// One error finding counts as this many warnings: one person on call
/// during their leave is worse than a back-to-back week, but not worse
/// than a dozen of them.
pub const ERROR_IN_WARNINGS: i64 = 10;

impl Score {
    /// No rule the policy enables is broken.
    pub fn clean(&self) -> bool {
        self.errors == 0 && self.warnings == 0 && self.spread == 0
    }
}

/// Weights for the annealing cost: errors outweigh warnings, both outweigh
/// imbalance steps and changes; close enough together that the search can
/// cross a violation to reach a better region.
const WARNING: i64 = 500;
const ERROR: i64 = WARNING * ERROR_IN_WARNINGS;
const SPREAD: i64 = 300;
/// Soft costs: departing from the current schedule, uneven secondary load.
const CHANGE_PRIMARY: i64 = 8;
const CHANGE_SECONDARY: i64 = 3;
const SECONDARY_SPREAD: i64 = 1;
/// A shift without a secondary: only when nobody else is free (naming
/// someone on leave would be an error finding and no real backup).
const NO_SECONDARY: i64 = 60;

pub fn score(problem: &Problem, tally: &Tally) -> Score {
    let mut s = Score {
        weighted: 0,
        errors: 0,
        warnings: 0,
        spread: tally.spread,
        soft: tally.soft,
    };
    for aspect in Aspect::ALL {
        match problem.settings.severity[aspect.index()] {
            Some(Severity::Error) => s.errors += tally.count(aspect),
            Some(Severity::Warning) => s.warnings += tally.count(aspect),
            None => {}
        }
    }
    s.weighted = s.errors * ERROR_IN_WARNINGS + s.warnings;
    s
}

fn cost(problem: &Problem, tally: &Tally) -> i64 {
    let s = score(problem, tally);
    s.errors * ERROR + s.warnings * WARNING + s.spread * SPREAD + s.soft
}

/// One shift's new primary and secondary.
pub type Change = (usize, u16, u16);

/// A full assignment with incrementally maintained counts.
#[derive(Debug, Clone)]
pub struct State<'a> {
    pub problem: &'a Problem,
    pub primary: Vec<u16>,
    pub secondary: Vec<u16>,
    prim: Vec<i32>,
    sec: Vec<i32>,
    appear: Vec<i32>,
    hol: Vec<i32>,
    presence: Vec<u16>,
    global: Tally,
    pub total: Tally,
    keys: Vec<(u16, usize, i32)>,
}

impl<'a> State<'a> {
    pub fn new(problem: &'a Problem, primary: Vec<u16>, secondary: Vec<u16>) -> Self {
        let mut state = State {
            problem,
            primary: vec![NONE; problem.shifts.len()],
            secondary: vec![NONE; problem.shifts.len()],
            prim: problem.kept.primary.clone(),
            sec: problem.kept.secondary.clone(),
            appear: problem.kept.appear.clone(),
            hol: problem.kept.holidays.clone(),
            presence: problem.kept_presence.clone(),
            global: Tally::default(),
            total: Tally::default(),
            keys: Vec::new(),
        };
        for (i, (&p, &s)) in primary.iter().zip(&secondary).enumerate() {
            state.set(i, p, s);
        }
        state.global = state.global();
        state.total = state.full();
        state
    }

    pub fn score(&self) -> Score {
        score(self.problem, &self.total)
    }

    fn len(&self) -> usize {
        self.primary.len()
    }

    /// Recomputes everything from scratch.
    pub fn full(&self) -> Tally {
        let mut t = self.global();
        for i in 0..self.len() {
            t += self.local(i);
            t += self.pair(i);
        }
        t += self.pair(self.len());
        let mut repeats = 0;
        let pb = self.problem;
        for p in 0..pb.n() {
            for name in 0..pb.names.len() {
                for y in 0..pb.years {
                    repeats += self.repeat_at(p as u16, name, pb.year0 + y as i32);
                }
            }
        }
        t.add_count(Aspect::HolidayRepeat, repeats);
        t
    }

    /// Aspects of shift `i` alone.
    pub fn local(&self, i: usize) -> Tally {
        let pb = self.problem;
        let mut t = Tally::default();
        let (Some(&p), Some(&s)) = (self.primary.get(i), self.secondary.get(i)) else {
            return t;
        };
        if p == NONE {
            return t;
        }
        t.add_count(Aspect::Unavailable, i64::from(pb.on_leave(i, p)));
        if s != NONE {
            t.add_count(Aspect::Unavailable, i64::from(pb.on_leave(i, s)));
            t.add_count(Aspect::Distinct, i64::from(s == p));
        } else if pb.pairs_possible {
            t.soft += NO_SECONDARY;
        }
        t.add_count(Aspect::DoubleBooked, i64::from(pb.busy(i, p)));
        if let (Some(min), Some(shift)) = (pb.settings.min_engineers, pb.shifts.get(i)) {
            for h in shift.hits.clone() {
                let mut available = usize::from(!pb.on_leave_on_hit(h, p));
                if s != NONE && s != p {
                    available += usize::from(!pb.on_leave_on_hit(h, s));
                }
                t.add_count(Aspect::HolidayCoverage, i64::from(available < min));
            }
        }
        let want_p = pb.pref_primary.get(i).copied().unwrap_or(NONE);
        let want_s = pb.pref_secondary.get(i).copied().unwrap_or(NONE);
        if want_p != NONE && want_p != p {
            t.soft += CHANGE_PRIMARY;
        }
        if want_s != NONE && want_s != s {
            t.soft += CHANGE_SECONDARY;
        }
        t
    }

    /// `back-to-back` between shift `i` and the shift with duty before it:
    /// the last shift kept before the window when there is none, the first
    /// kept after it for `i == len`.
    pub fn pair(&self, i: usize) -> Tally {
        let mut t = Tally::default();
        let pb = self.problem;
        // Shifts without duty are skipped: `i` pairs with the shift with
        // duty before it.
        if self.len() == 0 || pb.shifts.get(i).is_some_and(|s| !s.duty) {
            return t;
        }
        let before = match pb.prev_duty(i) {
            Some(j) => self.primary.get(j).copied().unwrap_or(NONE),
            None => self.problem.prev_primary,
        };
        let here = if i == self.len() {
            self.problem.next_primary
        } else {
            self.primary.get(i).copied().unwrap_or(NONE)
        };
        if before != NONE && before == here {
            t.add_count(Aspect::BackToBack, 1);
        }
        t
    }

    fn present(&self, p: u16, name: usize, year: i32) -> bool {
        self.problem
            .presence_index(p, name, year)
            .and_then(|k| self.presence.get(k))
            .is_some_and(|c| *c > 0)
    }

    /// 1 when `p` is primary on holiday `name` in `year` and `year + 1`.
    fn repeat_at(&self, p: u16, name: usize, year: i32) -> i64 {
        i64::from(self.present(p, name, year) && self.present(p, name, year + 1))
    }

    /// Rotation-wide aspects: primary and holiday balance over everyone who
    /// appears in the rotation (the rules' roster), secondary balance (soft).
    pub fn global(&self) -> Tally {
        let pb = self.problem;
        let mut t = Tally::default();
        let mut m = 0i64;
        let (mut pmin, mut pmax, mut hmin, mut hmax, mut smin, mut smax) =
            (i32::MAX, i32::MIN, i32::MAX, i32::MIN, i32::MAX, i32::MIN);
        for q in 0..pb.n() {
            if self.appear[q] <= 0 {
                continue;
            }
            m += 1;
            pmin = pmin.min(self.prim[q]);
            pmax = pmax.max(self.prim[q]);
            hmin = hmin.min(self.hol[q]);
            hmax = hmax.max(self.hol[q]);
            if pb.eligible[q] {
                smin = smin.min(self.sec[q]);
                smax = smax.max(self.sec[q]);
            }
        }
        if m == 0 {
            return t;
        }
        if let Some(min) = pb.settings.min_members {
            if (m as usize) < min && pb.settings.on(Aspect::RosterSize) {
                t.add_count(Aspect::RosterSize, 1);
            }
        }
        let spread = pb.settings.max_spread;
        if pb.settings.on(Aspect::Balance) && i64::from(pmax) - i64::from(pmin) > i64::from(spread)
        {
            t.add_count(Aspect::Balance, 1);
            t.spread += self.band(&self.prim, spread, false);
        }
        if pb.settings.fairness && hmax - hmin > 1 {
            t.add_count(Aspect::HolidayUneven, 1);
            t.spread += self.band(&self.hol, 1, false);
        }
        if smax > smin.saturating_add(1) {
            t.soft += SECONDARY_SPREAD * self.band(&self.sec, 1, true);
        }
        t
    }

    /// How far the counts of people in the rotation lie outside a band of
    /// `width` around their mean: 0 only when they all fit in it.
    fn band(&self, values: &[i32], width: i32, eligible_only: bool) -> i64 {
        let pb = self.problem;
        let included = |q: usize| self.appear[q] > 0 && (!eligible_only || pb.eligible[q]);
        let (mut sum, mut m) = (0i64, 0i64);
        for (q, v) in values.iter().enumerate() {
            if included(q) {
                sum += i64::from(*v);
                m += 1;
            }
        }
        if m == 0 {
            return 0;
        }
        let width = i64::from(width.max(0));
        let lo = (2 * sum - width * m).div_euclid(2 * m);
        let hi = lo + width;
        let mut out = 0;
        for (q, v) in values.iter().enumerate() {
            if included(q) {
                let v = i64::from(*v);
                out += (lo - v).max(0) + (v - hi).max(0);
            }
        }
        out.max(1)
    }

    /// Puts `p`/`s` on shift `i`, updating counts (not tallies).
    fn set(&mut self, i: usize, p: u16, s: u16) {
        let (Some(&old_p), Some(&old_s)) = (self.primary.get(i), self.secondary.get(i)) else {
            return;
        };
        let (hits, load) = self.problem.shifts.get(i).map_or((0..0, 0), |shift| {
            (shift.hits.clone(), i32::from(shift.duty))
        });
        // Everyone in a shift is in the rotation; only duty is load (§14.19).
        if old_p != NONE {
            let q = usize::from(old_p);
            self.prim[q] -= load;
            self.appear[q] -= 1;
            self.hol[q] -= hits.len() as i32;
            for h in hits.clone() {
                self.bump(old_p, h, false);
            }
        }
        if old_s != NONE {
            let q = usize::from(old_s);
            self.sec[q] -= load;
            self.appear[q] -= 1;
        }
        if p != NONE {
            let q = usize::from(p);
            self.prim[q] += load;
            self.appear[q] += 1;
            self.hol[q] += hits.len() as i32;
            for h in hits {
                self.bump(p, h, true);
            }
        }
        if s != NONE {
            let q = usize::from(s);
            self.sec[q] += load;
            self.appear[q] += 1;
        }
        self.primary[i] = p;
        self.secondary[i] = s;
    }

    fn bump(&mut self, p: u16, h: usize, up: bool) {
        let Some(hit) = self.problem.hits.get(h) else {
            return;
        };
        if let Some(k) = self.problem.presence_index(p, hit.name, hit.year) {
            if let Some(c) = self.presence.get_mut(k) {
                *c = if up {
                    c.saturating_add(1)
                } else {
                    c.saturating_sub(1)
                };
            }
        }
    }

    /// Applies `changes` and returns the change in the tally; the caller
    /// keeps it (`commit`) or calls `revert` with the returned old values.
    fn apply(&mut self, changes: &[Change]) -> (Tally, [Change; 2]) {
        let mut old = [(usize::MAX, NONE, NONE); 2];
        let mut shifts: [usize; 2] = [usize::MAX; 2];
        let mut pairs: [usize; 4] = [usize::MAX; 4];
        for (k, &(i, _, _)) in changes.iter().take(2).enumerate() {
            shifts[k] = i;
            pairs[2 * k] = i;
            pairs[2 * k + 1] = self.problem.next_duty(i);
        }
        pairs.sort_unstable();
        let mut keys = std::mem::take(&mut self.keys);
        keys.clear();
        let pb = self.problem;
        for &(i, p, _) in changes.iter().take(2) {
            let Some(shift) = pb.shifts.get(i) else {
                continue;
            };
            for h in shift.hits.clone() {
                let Some(hit) = pb.hits.get(h) else { continue };
                for person in [self.primary[i], p] {
                    if person != NONE {
                        keys.push((person, hit.name, hit.year - 1));
                        keys.push((person, hit.name, hit.year));
                    }
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        let measure = |st: &State<'_>, keys: &[(u16, usize, i32)]| {
            let mut t = Tally::default();
            let mut last = usize::MAX;
            for &i in &shifts {
                if i != usize::MAX && (i != last) {
                    t += st.local(i);
                }
                last = i;
            }
            let mut last = usize::MAX;
            for &k in &pairs {
                if k != usize::MAX && k != last && k <= st.len() {
                    t += st.pair(k);
                }
                last = k;
            }
            let repeats: i64 = keys.iter().map(|&(p, n, y)| st.repeat_at(p, n, y)).sum();
            t.add_count(Aspect::HolidayRepeat, repeats);
            t
        };
        let before = measure(self, &keys);
        for (k, &(i, p, s)) in changes.iter().take(2).enumerate() {
            old[k] = (i, self.primary[i], self.secondary[i]);
            self.set(i, p, s);
        }
        let after = measure(self, &keys);
        self.keys = keys;
        let global = self.global();
        let delta = after - before + global - self.global;
        (delta, old)
    }

    fn revert(&mut self, old: &[Change; 2]) {
        for &(i, p, s) in old.iter().rev() {
            if i != usize::MAX {
                self.set(i, p, s);
            }
        }
    }

    fn commit(&mut self, delta: Tally) {
        self.total += delta;
        self.global = self.global();
    }

    /// The tally `changes` would give, leaving the state as it was.
    pub fn probe(&mut self, changes: &[Change]) -> Tally {
        let (delta, old) = self.apply(changes);
        self.revert(&old);
        self.total + delta
    }

    /// Applies `changes` for good.
    pub fn make(&mut self, changes: &[Change]) {
        let (delta, _) = self.apply(changes);
        self.commit(delta);
    }

    /// Shift `i` with primary `p`, keeping the secondary distinct (roles swap
    /// when `p` was the secondary).
    pub fn with_primary(&self, i: usize, p: u16) -> Change {
        let s = self.secondary[i];
        if s == p {
            (i, p, self.primary[i])
        } else {
            (i, p, s)
        }
    }

    /// Exchanges the primaries of shifts `i` and `j`.
    pub fn swap_primaries(&self, i: usize, j: usize) -> [Change; 2] {
        let (a, b) = (self.primary[i], self.primary[j]);
        let si = if self.secondary[i] == b {
            a
        } else {
            self.secondary[i]
        };
        let sj = if self.secondary[j] == a {
            b
        } else {
            self.secondary[j]
        };
        [(i, b, si), (j, a, sj)]
    }

    /// Shifts whose own aspects, neighbours or holidays are in violation.
    fn hot(&self, out: &mut Vec<usize>) {
        out.clear();
        let pb = self.problem;
        for i in 0..self.len() {
            let t = self.local(i) + self.pair(i) + self.pair(pb.next_duty(i));
            let found = score(pb, &t);
            let mut bad = found.errors > 0 || found.warnings > 0;
            if !bad && pb.settings.on(Aspect::HolidayRepeat) {
                let p = self.primary[i];
                bad = pb.shifts[i].hits.clone().any(|h| {
                    pb.hits.get(h).is_some_and(|hit| {
                        self.repeat_at(p, hit.name, hit.year) > 0
                            || self.repeat_at(p, hit.name, hit.year - 1) > 0
                    })
                });
            }
            if bad {
                out.push(i);
            }
        }
    }

    /// Primary counts including kept shifts.
    pub fn primary_counts(&self) -> &[i32] {
        &self.prim
    }

    pub fn secondary_counts(&self) -> &[i32] {
        &self.sec
    }

    pub fn holiday_counts(&self) -> &[i32] {
        &self.hol
    }

    pub fn appearances(&self) -> &[i32] {
        &self.appear
    }

    pub fn is_present(&self, p: u16, name: usize, year: i32) -> bool {
        self.present(p, name, year)
    }
}

/// Findings no schedule can avoid: shifts where everyone is on leave,
/// holidays needing more engineers than a shift has, primary loads that
/// cannot be split within `max_spread 0`, too few people. The search stops
/// once only these are left.
pub fn unavoidable(pb: &Problem) -> Score {
    let mut t = Tally::default();
    let forced = pb.free.iter().filter(|f| f.is_empty()).count();
    t.add_count(Aspect::Unavailable, forced as i64);
    // A shift has two engineers at most (one when nobody else can be on call).
    let most = if pb.pairs_possible { 2 } else { 1 };
    if pb.settings.min_engineers.is_some_and(|m| m > most) {
        t.add_count(Aspect::HolidayCoverage, pb.hits.len() as i64);
    }
    if uneven_by_arithmetic(pb).is_some() {
        t.add_count(Aspect::Balance, 1);
    }
    if pb
        .settings
        .min_members
        .is_some_and(|m| possible_people(pb) < m)
    {
        t.add_count(Aspect::RosterSize, 1);
    }
    let mut s = score(pb, &t);
    s.spread = 0;
    s.soft = 0;
    s
}

/// People who can be in the rotation: team members it names, and anyone in
/// a kept shift.
pub fn possible_people(pb: &Problem) -> usize {
    (0..pb.n())
        .filter(|&q| pb.eligible[q] || pb.kept.appear[q] > 0)
        .count()
}

/// With `max_spread 0`, the primary shifts (kept and new) must split evenly
/// among the people of the rotation: `Some((shifts, people))` when they do
/// not. (Leaving people out could make the numbers work; a suggestion keeps
/// the team together and reports the conflict instead.)
pub fn uneven_by_arithmetic(pb: &Problem) -> Option<(i64, usize)> {
    if !pb.settings.on(Aspect::Balance) || pb.settings.max_spread != 0 || pb.shifts.is_empty() {
        return None;
    }
    let duty = pb.shifts.iter().filter(|s| s.duty).count();
    let total = i64::from(pb.kept.primary.iter().sum::<i32>()) + duty as i64;
    let people = (0..pb.n())
        .filter(|&q| pb.kept.appear[q] > 0 || pb.eligible[q])
        .count()
        .max(1);
    let top = i64::from(pb.kept.primary.iter().copied().max().unwrap_or(0));
    let k = people as i64;
    let even = total % k == 0 && total / k >= top;
    (!even).then_some((total, people))
}

/// The result of a search.
#[derive(Debug, Clone)]
pub struct Solution {
    pub primary: Vec<u16>,
    pub secondary: Vec<u16>,
    pub tally: Tally,
    pub score: Score,
    /// Moves tried.
    pub steps: u64,
}

/// The default budget: enough for hard instances of a few years, still a
/// fraction of a second.
pub fn default_steps(problem: &Problem) -> u64 {
    let s = problem.shifts.len() as u64;
    // A move costs about one pass over the people (the load balance).
    let per_move = problem.n() as u64 + 20;
    (s * 1500)
        .clamp(60_000, 3_000_000)
        .min(400_000_000 / per_move)
}

/// Polish looks this far (in shifts) for trade partners, so very long
/// rotations stay linear.
const REACH: usize = 200;
/// Shifts in violation that polish tries to repair one by one, per pass.
const REPAIRS: usize = 400;

pub fn solve(problem: &Problem, seed: u64, budget: u64) -> Solution {
    let initial = initial(problem);
    let mut state = State::new(problem, initial.0.clone(), initial.1.clone());
    let mut search = Search {
        floor: unavoidable(problem),
        rng: Rng::new(seed),
        best: Best {
            primary: state.primary.clone(),
            secondary: state.secondary.clone(),
            score: state.score(),
        },
        steps: 0,
        hot: Vec::new(),
    };
    if problem.shifts.is_empty() {
        return finish(state, search);
    }
    // Repair close to the current schedule first: most rotations only need
    // a few swaps around leave and holidays. Each attempt starts from the
    // current schedule, repaired greedily, on its own random path; the
    // fewest changes win.
    let attempts = 4;
    let first = (budget / 6 / attempts).max(1);
    for attempt in 0..attempts {
        if attempt > 0 {
            // Another attempt only helps a clean schedule with changes.
            if !search.best.score.clean() || search.best.score.soft == 0 {
                break;
            }
            state = State::new(problem, initial.0.clone(), initial.1.clone());
        }
        search.anneal(&mut state, first, 3.0, 1.0);
    }
    // The current schedule as it is, unrepaired, is a candidate too: a
    // suggestion is never worse than what the rotation has. Descending from
    // it reaches compromises the greedy repair steps away from (people on
    // leave for a day of their week, where the repair leaves one person on
    // call alone and bringing each of the others back alone would unbalance
    // the load).
    let current = current_schedule(problem, &initial);
    if current != initial && !search.done() {
        state = State::new(problem, current.0, current.1);
        search.offer(&state);
        search.anneal(&mut state, first, 3.0, 1.0);
    }
    // Then anneal from hot, restarting from the best schedule seen, while
    // any enabled rule is still broken.
    let mut round = 0u64;
    while !search.done() && search.steps < budget {
        round += 1;
        let left = budget - search.steps;
        let steps = if round < 4 { left / 2 } else { left }.max(1);
        state = State::new(
            problem,
            search.best.primary.clone(),
            search.best.secondary.clone(),
        );
        search.anneal(&mut state, steps, 2500.0, 2.0);
    }
    let state = State::new(
        problem,
        search.best.primary.clone(),
        search.best.secondary.clone(),
    );
    finish(state, search)
}

fn finish(mut state: State<'_>, search: Search) -> Solution {
    polish(&mut state);
    Solution {
        score: state.score(),
        tally: state.total,
        primary: state.primary,
        secondary: state.secondary,
        steps: search.steps,
    }
}

/// The current schedule (the roster order past its end) as it is, people on
/// leave included; `fallback`'s choice where it names nobody or someone who
/// cannot take new shifts.
fn current_schedule(pb: &Problem, fallback: &(Vec<u16>, Vec<u16>)) -> (Vec<u16>, Vec<u16>) {
    let fits = |q: u16| q != NONE && pb.is_eligible(q);
    let mut primary = fallback.0.clone();
    let mut secondary = fallback.1.clone();
    for i in 0..primary.len() {
        let (want_p, want_s) = (pb.pref_primary[i], pb.pref_secondary[i]);
        if fits(want_p) {
            primary[i] = want_p;
            // A shift the schedule gives no secondary keeps none.
            secondary[i] = if want_s == NONE { NONE } else { secondary[i] };
        }
        if fits(want_s) {
            secondary[i] = want_s;
        }
        if secondary[i] == primary[i] {
            secondary[i] = NONE;
        }
    }
    (primary, secondary)
}

/// The current schedule where possible; a free person with the fewest
/// shifts so far where not.
fn initial(pb: &Problem) -> (Vec<u16>, Vec<u16>) {
    let len = pb.shifts.len();
    let mut prim = pb.kept.primary.clone();
    let mut sec = pb.kept.secondary.clone();
    let mut primary = Vec::with_capacity(len);
    let mut secondary = Vec::with_capacity(len);
    let fallback = (0..pb.n() as u16)
        .find(|q| pb.is_eligible(*q))
        .unwrap_or(NONE);
    let mut prev_duty = pb.prev_primary;
    for i in 0..len {
        let duty = pb.shifts.get(i).is_some_and(|s| s.duty);
        // The last new shift with duty also borders the first shift kept after it.
        let next = if duty && pb.next_duty(i) == len {
            pb.next_primary
        } else {
            NONE
        };
        let prev = if duty { prev_duty } else { NONE };
        let want = pb.pref_primary[i];
        let fits = |q: u16| {
            pb.is_eligible(q) && !pb.on_leave(i, q) && !pb.busy(i, q) && q != prev && q != next
        };
        let p = if want != NONE && fits(want) {
            want
        } else {
            pb.free_primary[i]
                .iter()
                .copied()
                .filter(|q| *q != prev && *q != next)
                .min_by_key(|q| (prim[usize::from(*q)], *q))
                .or_else(|| pb.free[i].first().copied())
                .unwrap_or(if want != NONE && pb.is_eligible(want) {
                    want
                } else {
                    fallback
                })
        };
        let want = pb.pref_secondary[i];
        let s = if want != NONE && want != p && pb.is_eligible(want) && !pb.on_leave(i, want) {
            want
        } else {
            pb.free[i]
                .iter()
                .copied()
                .filter(|q| *q != p)
                .min_by_key(|q| (sec[usize::from(*q)], *q))
                .unwrap_or(NONE)
        };
        if p != NONE && duty {
            prim[usize::from(p)] += 1;
        }
        if s != NONE && duty {
            sec[usize::from(s)] += 1;
        }
        primary.push(p);
        secondary.push(s);
        if duty {
            prev_duty = p;
        }
    }
    (primary, secondary)
}

struct Best {
    primary: Vec<u16>,
    secondary: Vec<u16>,
    score: Score,
}

struct Search {
    /// The search stops early once only these findings are left.
    floor: Score,
    rng: Rng,
    best: Best,
    steps: u64,
    hot: Vec<usize>,
}

impl Search {
    /// Keeps `state` as the best schedule if it is better.
    fn offer(&mut self, state: &State<'_>) {
        let score = state.score();
        if score < self.best.score {
            self.best.score = score;
            self.best.primary.clone_from(&state.primary);
            self.best.secondary.clone_from(&state.secondary);
        }
    }

    /// Nothing left but what no schedule can avoid.
    fn done(&self) -> bool {
        let b = &self.best.score;
        b.clean() || b.weighted <= self.floor.weighted
    }

    /// Simulated annealing for `steps` moves from temperature `hot` down to
    /// `cold` (in cost units); stops early once nothing is broken and the
    /// schedule has cooled.
    fn anneal(&mut self, state: &mut State<'_>, steps: u64, hot: f64, cold: f64) {
        let pb = state.problem;
        let len = state.len();
        let mut stages = 1u64;
        let mut t = hot;
        while t > cold {
            t *= 0.85;
            stages += 1;
        }
        let per_stage = (steps / stages).max(1);
        let mut temperature = hot;
        let mut current = cost(pb, &state.total);
        let mut done = 0u64;
        let mut clean_since: Option<u64> = None;
        let mut improved_at = 0u64;
        // Give up on a round that has stopped improving once it is cool.
        let patience = (len as u64 * 100).max(20_000);
        // Rescanning for violations costs a pass over the shifts: do it about
        // once per that many moves, so a move stays O(people).
        let rescan = (len as u64).clamp(64, 4096);
        while done < steps {
            if temperature < 50.0 && done - improved_at > patience {
                break;
            }
            if done % rescan == 0 {
                state.hot(&mut self.hot);
            }
            if done > 0 && done % per_stage == 0 {
                temperature = (temperature * 0.85).max(cold);
            }
            done += 1;
            self.steps += 1;
            let Some(mv) = self.propose(state, len) else {
                continue;
            };
            let moves = &mv[..usize::from(mv[1].0 != usize::MAX) + 1];
            let (delta, old) = state.apply(moves);
            let next = cost(pb, &(state.total + delta));
            let accept = next <= current || {
                let x = (next - current) as f64 / temperature;
                self.rng.unit() < exp_neg(x)
            };
            if !accept {
                state.revert(&old);
                continue;
            }
            state.commit(delta);
            current = next;
            let score = state.score();
            if score < self.best.score {
                self.offer(state);
                improved_at = done;
            }
            if score.clean() || self.done() {
                // Once clean, cool quickly: only soft costs are left.
                let since = *clean_since.get_or_insert(done);
                temperature = temperature.min(4.0);
                if done - since > (len as u64 * 40).max(2000) {
                    break;
                }
            }
        }
    }

    /// A random move, biased towards shifts in violation.
    fn propose(&mut self, state: &State<'_>, len: usize) -> Option<[Change; 2]> {
        let pb = state.problem;
        let rng = &mut self.rng;
        let pick = |rng: &mut Rng, hot: &[usize]| -> usize {
            if !hot.is_empty() && rng.percent(50) {
                hot[rng.below(hot.len())]
            } else {
                rng.below(len)
            }
        };
        let i = pick(rng, &self.hot);
        let none = (usize::MAX, NONE, NONE);
        let kind = rng.below(100);
        let mv = if kind < 35 {
            // A new primary: usually someone free then; sometimes anyone, as
            // a compromise may need someone on leave to avoid worse findings.
            let roll = rng.below(100);
            let list = if roll < 80 {
                &pb.free_primary[i]
            } else {
                &pb.free[i]
            };
            let q = match list.len() {
                n if n > 0 && roll < 90 => list[rng.below(n)],
                _ => rng.below(pb.n()) as u16,
            };
            if q == state.primary[i] || !pb.is_eligible(q) {
                return None;
            }
            [state.with_primary(i, q), none]
        } else if kind < 60 {
            // Trade primaries with another shift: loads stay the same.
            let j = if rng.percent(30) {
                let near = i as i64 + rng.below(9) as i64 - 4;
                usize::try_from(near).ok().filter(|j| *j < len)?
            } else {
                rng.below(len)
            };
            if j == i || state.primary[i] == state.primary[j] {
                return None;
            }
            state.swap_primaries(i, j)
        } else if kind < 82 {
            let list = &pb.free[i];
            let q = if rng.percent(90) && !list.is_empty() {
                list[rng.below(list.len())]
            } else if rng.percent(50) {
                NONE
            } else {
                rng.below(pb.n()) as u16
            };
            if q == state.primary[i] || q == state.secondary[i] || (q != NONE && !pb.is_eligible(q))
            {
                return None;
            }
            [(i, state.primary[i], q), none]
        } else if kind < 88 {
            let (p, s) = (state.primary[i], state.secondary[i]);
            if s == NONE {
                return None;
            }
            [(i, s, p), none]
        } else if kind < 94 {
            // Both people at once: some compromises are only reachable so.
            let pick = |rng: &mut Rng, list: &[u16]| match list.len() {
                n if n > 0 && rng.percent(85) => list[rng.below(n)],
                _ => rng.below(pb.n()) as u16,
            };
            let p = pick(rng, &pb.free_primary[i]);
            let others: Vec<u16> = pb.free[i].iter().copied().filter(|q| *q != p).collect();
            let s = if others.is_empty() || rng.percent(10) {
                NONE
            } else {
                pick(rng, &others)
            };
            if !pb.is_eligible(p) || s == p || (s != NONE && !pb.is_eligible(s)) {
                return None;
            }
            [(i, p, s), none]
        } else {
            let j = rng.below(len);
            if j == i {
                return None;
            }
            [
                (i, state.primary[j], state.secondary[j]),
                (j, state.primary[i], state.secondary[i]),
            ]
        };
        Some(mv)
    }
}

/// Deterministic descent: first fix what single changes can fix, then put
/// back the current schedule wherever that costs nothing.
fn polish(state: &mut State<'_>) {
    let pb = state.problem;
    let len = state.len();
    let mut hot = Vec::new();
    for _ in 0..4 {
        let mut improved = false;
        state.hot(&mut hot);
        hot.truncate(REPAIRS);
        for &i in &hot {
            let here = state.score();
            let mut best: Option<(Score, [Change; 2], usize)> = None;
            let mut consider = |state: &mut State<'_>, mv: &[Change]| {
                let s = score(pb, &state.probe(mv));
                if s < here && best.as_ref().is_none_or(|(b, _, _)| s < *b) {
                    let mut arr = [(usize::MAX, NONE, NONE); 2];
                    arr[..mv.len()].copy_from_slice(mv);
                    best = Some((s, arr, mv.len()));
                }
            };
            for q in 0..pb.n() as u16 {
                if !pb.is_eligible(q) {
                    continue;
                }
                if q != state.primary[i] {
                    let mv = state.with_primary(i, q);
                    consider(state, &[mv]);
                }
                if q != state.primary[i] && q != state.secondary[i] {
                    let mv = (i, state.primary[i], q);
                    consider(state, &[mv]);
                }
            }
            if state.secondary[i] != NONE {
                let mv = (i, state.primary[i], NONE);
                consider(state, &[mv]);
            }
            for j in i.saturating_sub(REACH)..len.min(i + REACH) {
                if j != i && state.primary[j] != state.primary[i] {
                    let mv = state.swap_primaries(i, j);
                    consider(state, &mv);
                }
            }
            if let Some((_, mv, n)) = best {
                state.make(&mv[..n]);
                improved = true;
            }
        }
        for i in 0..len {
            improved |= restore(state, i);
        }
        if !improved {
            break;
        }
    }
}

/// Tries to give shift `i` back the people the current schedule has there.
fn restore(state: &mut State<'_>, i: usize) -> bool {
    let pb = state.problem;
    let want_p = pb.pref_primary[i];
    let want_s = pb.pref_secondary[i];
    let mut candidates: Vec<Vec<Change>> = Vec::new();
    let (p, s) = (state.primary[i], state.secondary[i]);
    let ok = |q: u16| q != NONE && pb.is_eligible(q);
    if ok(want_p) && want_p != p {
        candidates.push(vec![state.with_primary(i, want_p)]);
        if ok(want_s) && want_s != want_p {
            candidates.push(vec![(i, want_p, want_s)]);
        }
        // Trade with a nearby shift where the wanted person is primary.
        let window = i.saturating_sub(REACH)..state.len().min(i + REACH);
        let mut near: Vec<usize> = window
            .filter(|&j| j != i && state.primary[j] == want_p)
            .collect();
        near.sort_by_key(|&j| (j.abs_diff(i), j));
        for j in near.into_iter().take(12) {
            candidates.push(state.swap_primaries(i, j).to_vec());
        }
    }
    if ok(want_s) && want_s != s && want_s != state.primary[i] {
        candidates.push(vec![(i, state.primary[i], want_s)]);
        let window = i.saturating_sub(REACH)..state.len().min(i + REACH);
        let mut near: Vec<usize> = window
            .filter(|&j| j != i && state.secondary[j] == want_s && state.primary[j] != s)
            .collect();
        near.sort_by_key(|&j| (j.abs_diff(i), j));
        for j in near.into_iter().take(12) {
            candidates.push(vec![
                (i, state.primary[i], want_s),
                (j, state.primary[j], s),
            ]);
        }
    }
    let here = state.score();
    let mut best: Option<(Score, Vec<Change>)> = None;
    for mv in candidates {
        let s = score(pb, &state.probe(&mv));
        if s < here && best.as_ref().is_none_or(|(b, _)| s < *b) {
            best = Some((s, mv));
        }
    }
    match best {
        Some((_, mv)) => {
            state.make(&mv);
            true
        }
        None => false,
    }
}
