//! What a pipeline needs against what its rotations are on duty for (SPEC
//! §10, §14.15–17): the instants of a pipeline's `on_call` window that no
//! covering rotation's duty holds (`coverage-window`), and report deadlines
//! with no duty before them (`deadline-coverage`). The rules read these
//! results and word them; all the time arithmetic is here and in
//! [`super::window`].

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::time::{self, Tz};
use super::window::{self, Interval, Window};
use super::{RotationSchedule, Schedule};
use crate::model::{Model, ReportDue};

/// [`covering`] for every pipeline at once: pipeline id -> the indices of
/// the rotations covering it, in workspace order. Built once per rule run:
/// asking [`covering`] per pipeline scans every rotation's `covers` each
/// time (7.8 s for 100,000 pipelines).
pub fn covering_all<'a>(model: &'a Model, schedule: &Schedule) -> CoveringIndex<'a> {
    let mut pairs: Vec<(&str, usize)> = Vec::new();
    for (i, rs) in schedule.rotations.iter().enumerate() {
        if rs.shifts.is_empty() {
            continue;
        }
        let Some(rotation) = model.rotations.get(rs.rotation) else {
            continue;
        };
        pairs.extend(rotation.item.covers.iter().map(|pipeline| (&**pipeline, i)));
    }
    // Stable: each pipeline's rotations stay in workspace order. Listed
    // twice in one `covers`, a rotation still covers once.
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs.dedup();
    let (ids, rotations) = pairs.into_iter().unzip();
    CoveringIndex { ids, rotations }
}

/// The covering rotations of every pipeline: two sorted columns rather than
/// a list per pipeline (a hundred thousand allocations at 100k pipelines,
/// the largest temporary of the run).
pub struct CoveringIndex<'a> {
    ids: Vec<&'a str>,
    rotations: Vec<usize>,
}

impl CoveringIndex<'_> {
    /// The rotations covering `pipeline`, in workspace order.
    pub fn of(&self, pipeline: &str) -> &[usize] {
        let start = self.ids.partition_point(|id| *id < pipeline);
        let end = start + self.ids[start..].partition_point(|id| *id == pipeline);
        &self.rotations[start..end]
    }
}

/// Indices (into `schedule.rotations`) of the rotations that cover
/// `pipeline` and have shifts, in workspace order.
pub fn covering(model: &Model, schedule: &Schedule, pipeline: &str) -> Vec<usize> {
    schedule
        .rotations
        .iter()
        .enumerate()
        .filter(|(_, rs)| !rs.shifts.is_empty())
        .filter(|(_, rs)| {
            model
                .rotations
                .get(rs.rotation)
                .is_some_and(|r| r.item.covers.iter().any(|c| **c == *pipeline))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A time the pipeline needs someone on call and nobody is on duty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    pub interval: Interval,
    /// The zone the pipeline's window was read in at the interval's start.
    pub zone: Tz,
    /// Covering rotations (indices into `schedule.rotations`) with a shift
    /// holding the interval's start: they are off duty then. Empty when no
    /// covering rotation has a shift then (between two rotations).
    pub off_duty: Vec<usize>,
}

/// The instants of `[from, to)` in `need` that no covering rotation's duty
/// holds (§14.16). Judged are the instants a covering rotation's shift
/// holds, and those between the first covering rotation's start and the
/// last one's end that no covering rotation's span holds; a gap inside one
/// rotation's span is `coverage-gap`'s. `need` is read in `zone`, else
/// instant by instant in the zone of the first covering rotation whose
/// shift holds the instant (between rotations: the first one's, §14.15).
pub fn uncovered(
    schedule: &Schedule,
    covering: &[usize],
    need: &Window,
    zone: Option<Tz>,
    (from, to): Interval,
) -> Vec<Uncovered> {
    let rotations: Vec<&RotationSchedule> = covering
        .iter()
        .filter_map(|&r| schedule.rotations.get(r))
        .collect();
    let spans: Vec<Interval> = rotations.iter().filter_map(|rs| rs.span()).collect();
    let (Some(first), Some(last)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) else {
        return Vec::new();
    };
    let (from, to) = (from.max(first), to.min(last));
    if to <= from {
        return Vec::new();
    }
    // Where the holding rotation (and so the zone) can change.
    let mut cuts = vec![from, to];
    for rs in &rotations {
        for s in in_range(rs, from, to) {
            cuts.extend([s.0, s.1]);
        }
    }
    cuts.extend(spans.iter().flat_map(|s| [s.0, s.1]));
    cuts.retain(|&c| from <= c && c <= to);
    cuts.sort_unstable();
    cuts.dedup();
    let fallback = rotations.first().map_or(Tz::UTC, |rs| rs.clock.zone);
    let mut needed = Vec::new();
    for piece in cuts.windows(2) {
        let [a, b] = piece else { continue };
        let piece_zone = match holder(&rotations, *a) {
            Some(rs) => zone.unwrap_or(rs.clock.zone),
            // Inside a rotation's span but in none of its shifts: a gap.
            None if spans.iter().any(|&(s, e)| s <= *a && *a < e) => continue,
            None => zone.unwrap_or(fallback),
        };
        needed.extend(need.intervals(piece_zone, *a, *b));
    }
    let needed = window::union(needed);
    let duty = window::union(
        rotations
            .iter()
            .flat_map(|rs| {
                rs.shifts
                    .iter()
                    .filter(move |s| s.begins < to && s.ends > from)
                    .flat_map(|s| s.duty.iter().copied())
                    .filter(|&(a, b)| a < to && b > from)
            })
            .collect(),
    );
    window::subtract(&needed, &duty)
        .into_iter()
        .map(|interval| {
            let at = interval.0;
            let off_duty: Vec<usize> = covering
                .iter()
                .copied()
                .filter(|&r| {
                    schedule
                        .rotations
                        .get(r)
                        .is_some_and(|rs| rs.shift_holding(at).is_some())
                })
                .collect();
            let zone =
                zone.unwrap_or_else(|| holder(&rotations, at).map_or(fallback, |rs| rs.clock.zone));
            Uncovered {
                interval,
                zone,
                off_duty,
            }
        })
        .collect()
}

/// The first rotation with a shift holding `at`.
fn holder<'a>(
    rotations: &[&'a RotationSchedule],
    at: DateTime<Utc>,
) -> Option<&'a RotationSchedule> {
    rotations
        .iter()
        .copied()
        .find(|rs| rs.shift_holding(at).is_some())
}

/// The shifts of a rotation meeting `[from, to)`, as instants.
fn in_range(
    rs: &RotationSchedule,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> impl Iterator<Item = Interval> + '_ {
    let end = rs.shifts.partition_point(|s| s.begins < to);
    rs.shifts
        .get(..end)
        .unwrap_or(&[])
        .iter()
        .filter(move |s| s.ends > from)
        .map(|s| (s.begins, s.ends))
}

/// The local dates in `[from, to)` a report is due on: Sundays, the last
/// days of months, or of quarters.
pub fn due_dates(due: ReportDue, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut date = from;
    while date < to {
        let is_due = match due {
            ReportDue::EndOfWeek => date.weekday() == chrono::Weekday::Sun,
            ReportDue::EndOfMonth => time::last_day_of_month(date) == Some(date),
            ReportDue::EndOfQuarter => {
                date.month() % 3 == 0 && time::last_day_of_month(date) == Some(date)
            }
        };
        if is_due {
            out.push(date);
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    out
}

/// A due date nobody is on duty before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The local date the report is due at the end of.
    pub date: NaiveDate,
    pub zone: Tz,
    /// `[due - resolve_within, due)`: when the report can still be fixed.
    pub period: Interval,
}

/// The due dates in `[from, to)` whose `resolve_minutes` before the end of
/// the local day overlap a shift of a covering rotation but hold no duty of
/// any (§14.17). The day ends in `zone`, else in each covering rotation's
/// zone (a date is reported once, for the first zone that fails).
pub fn unmet_deadlines(
    schedule: &Schedule,
    covering: &[usize],
    due: ReportDue,
    resolve_minutes: u64,
    zone: Option<Tz>,
    (from, to): (NaiveDate, NaiveDate),
) -> Vec<Deadline> {
    let rotations: Vec<&RotationSchedule> = covering
        .iter()
        .filter_map(|&r| schedule.rotations.get(r))
        .collect();
    let mut zones: Vec<Tz> = Vec::new();
    for z in zone
        .into_iter()
        .chain(rotations.iter().map(|rs| rs.clock.zone))
        .take(if zone.is_some() { 1 } else { usize::MAX })
    {
        if !zones.contains(&z) {
            zones.push(z);
        }
    }
    let mut out = Vec::new();
    for date in due_dates(due, from, to) {
        for &z in &zones {
            let (_, end) = time::day(z, date);
            let Some(start) = time::minutes_before(end, resolve_minutes) else {
                continue;
            };
            let has_shift = rotations
                .iter()
                .any(|rs| in_range(rs, start, end).next().is_some());
            let has_duty = rotations.iter().any(|rs| {
                rs.shifts
                    .iter()
                    .filter(|s| s.begins < end && s.ends > start)
                    .any(|s| window::meets(&s.duty, start, end))
            });
            if has_shift && !has_duty {
                out.push(Deadline {
                    date,
                    zone: z,
                    period: (start, end),
                });
                break;
            }
        }
    }
    out
}

/// `[start of today, start of the day `weeks` weeks later)` in `zone`: what
/// the window rules judge.
pub fn ahead(zone: Tz, today: NaiveDate, weeks: u64) -> Option<Interval> {
    let horizon = time::days_after(today, weeks.checked_mul(7)?)?;
    Some((time::day(zone, today).0, time::day(zone, horizon).0))
}
