//! Expansion of one rotation: generated or explicit shifts, then overrides,
//! then the holidays that fall in them and the load per person.

use chrono::{DateTime, NaiveTime, Utc};

use super::holidays::{Calendar, BUILTIN_CALENDARS};
use super::load::Load;
use super::time::{self, Clock, Step, Tz};
use super::window::Interval;
use super::{
    index32, Assignment, Duty, Form, HolidayOnCall, Meeting, NotExpanded, Origin, People, Role,
    RotationSchedule, Shift, ShiftSource, Truncation, MAX_SHIFTS,
};
use crate::model::{Duration, Entry, Model, Rotation};

pub fn rotation(
    model: &Model,
    index: usize,
    entry: &Entry<crate::model::Rotation>,
) -> RotationSchedule {
    let rot = &entry.item;
    let zone = rot.zone();
    let clock = Clock {
        zone: zone.unwrap_or(Tz::UTC),
        handoff: rot.handoff_time.unwrap_or(NaiveTime::MIN),
        timed: rot.uses_time_of_day(),
    };
    let mut out = RotationSchedule {
        rotation: index,
        doc: entry.doc,
        id: rot.id.clone(),
        form: if rot.shifts.is_some() {
            Form::Explicit
        } else {
            Form::Generated
        },
        clock,
        shifts: Vec::new(),
        roster: Vec::new(),
        unmatched_overrides: Vec::new(),
        not_expanded: None,
        truncated: None,
        calendar: None,
        holidays: Vec::new(),
        meetings: Vec::new(),
        load: Load::default(),
    };
    let mut people = People::default();
    match (zone, rot.shift_length.step()) {
        (None, _) => out.not_expanded = Some(NotExpanded::UnknownZone),
        (_, None) => out.not_expanded = Some(NotExpanded::ZeroLength),
        (Some(_), Some(step)) => match out.form {
            Form::Generated => generated(rot, step, &mut out, &mut people),
            Form::Explicit => explicit(rot, step, &mut out, &mut people),
        },
    }
    apply_overrides(rot, &mut out, &mut people);
    if let Some(window) = rot.coverage.as_ref().filter(|_| rot.has_window()) {
        duty(window, &mut out);
    }
    out.roster = roster(rot, &out);
    out.calendar = rot
        .holidays
        .as_ref()
        .and_then(|h| resolve_calendar(model, &h.calendar));
    if let (Some(calendar), Some((from, to))) = (&out.calendar, out.window()) {
        let dates = calendar.dates(from, to);
        let mut hits = Vec::with_capacity(dates.len());
        for h in dates {
            for shift in out.shifts_on(h.date) {
                if !out.shifts.get(shift).is_some_and(|s| s.duty_on(h.date)) {
                    continue;
                }
                hits.push(HolidayOnCall {
                    date: h.date,
                    name: h.name.clone(),
                    shift,
                });
            }
        }
        // By shift, then date: `holidays_in` looks shifts up by range.
        hits.sort_by_key(|h| h.shift);
        out.holidays = hits;
    }
    if let Some(length) = rot.handoff_meeting {
        out.meetings = meetings(&out.shifts, length);
    }
    out.load = Load::of_shifts(&out, 0..out.shifts.len());
    out
}

/// Local days of shifts scanned for duty per rotation: more than two
/// centuries of shifts (10,000 weekly shifts are 70,000 days). Past it
/// (shifts centuries long, or overlapping) the remaining shifts keep the
/// whole shift as duty, as without a window, so nothing hangs.
pub const DUTY_DAYS: u64 = 100_000;

/// Each shift's duty: the parts of it inside the rotation's coverage window,
/// in the rotation's zone (§10).
fn duty(window: &super::window::Window, out: &mut RotationSchedule) {
    let zone = out.clock.zone;
    let mut budget = DUTY_DAYS;
    for shift in &mut out.shifts {
        shift.duty = duty_within(window, zone, shift.begins, shift.ends, &mut budget).into();
    }
}

/// The duty of a shift `[begins, ends)` of `rot` in `zone` (§10), as
/// [`rotation`] computes it for its shifts: for the shifts the planner
/// proposes. Without a window, or once `budget` (local days scanned) is
/// spent, the whole shift.
pub fn shift_duty(
    rot: &Rotation,
    zone: Tz,
    begins: DateTime<Utc>,
    ends: DateTime<Utc>,
    budget: &mut u64,
) -> Vec<Interval> {
    match rot.coverage.as_ref().filter(|_| rot.has_window()) {
        Some(window) => duty_within(window, zone, begins, ends, budget),
        None => vec![(begins, ends)],
    }
}

fn duty_within(
    window: &super::window::Window,
    zone: Tz,
    begins: DateTime<Utc>,
    ends: DateTime<Utc>,
    budget: &mut u64,
) -> Vec<Interval> {
    window
        .intervals_within(zone, begins, ends, budget)
        .unwrap_or_else(|| vec![(begins, ends)])
}

/// A user calendar shadows a builtin one of the same id: defining it is deliberate.
pub fn resolve_calendar(model: &Model, id: &str) -> Option<Calendar> {
    if let Some(entry) = model.calendar(id) {
        return Some(Calendar::from_document(entry.doc, &entry.item));
    }
    if BUILTIN_CALENDARS.contains(&id) {
        return Calendar::builtin(id);
    }
    None
}

/// A shift from `begins` to `ends` in the rotation's clock.
fn shift(
    clock: Clock,
    begins: DateTime<Utc>,
    ends: DateTime<Utc>,
    primary: Assignment,
    secondary: Option<Assignment>,
    source: ShiftSource,
) -> Shift {
    let (start, end) = clock.days(begins, ends);
    Shift {
        start,
        end,
        begins,
        ends,
        clock,
        primary,
        secondary,
        source,
        overrides: Box::default(),
        duty: Duty::One((begins, ends)),
    }
}

fn generated(rot: &Rotation, step: Step, out: &mut RotationSchedule, people: &mut People) {
    let (Some(roster), Some(until)) = (rot.roster.as_ref(), rot.until) else {
        return;
    };
    if roster.is_empty() {
        return;
    }
    if until <= rot.start {
        out.not_expanded = Some(NotExpanded::Empty);
        return;
    }
    let clock = out.clock;
    let start_of = |i: u64| time::shift_start(clock.zone, rot.start, clock.handoff, step, i);
    // Shifts start (local date) while before `until`.
    let total = time::count_before(clock.zone, rot.start, clock.handoff, step, until);
    let count = usize::try_from(total).map_or(MAX_SHIFTS, |t| t.min(MAX_SHIFTS));
    let n = roster.len();
    out.shifts.reserve_exact(count);
    let mut next = start_of(0);
    for i in 0..count {
        let Some(begins) = next else {
            break;
        };
        next = start_of(i as u64 + 1);
        let Some(ends) = next else {
            break;
        };
        let mut person = |k: usize| Assignment {
            person: people.get(&roster[k]),
            origin: Origin::Roster(index32(k)),
        };
        out.shifts.push(shift(
            clock,
            begins,
            ends,
            person(i % n),
            // A one-person roster has no secondary.
            (n > 1).then(|| person((i + 1) % n)),
            ShiftSource::Generated(index32(i)),
        ));
    }
    if total > out.shifts.len() as u64 {
        let first_dropped_at = out
            .shifts
            .last()
            .map_or_else(|| clock.at(rot.start, None), |s| s.ends);
        out.truncated = Some(Truncation {
            total,
            first_dropped: time::day_holding(clock.zone, first_dropped_at),
            first_dropped_at,
        });
    }
}

fn explicit(rot: &Rotation, step: Step, out: &mut RotationSchedule, people: &mut People) {
    let Some(specs) = rot.shifts.as_ref() else {
        return;
    };
    let clock = out.clock;
    let kept = specs.len().min(MAX_SHIFTS);
    let mut shifts = Vec::with_capacity(kept);
    for (i, spec) in specs.iter().enumerate().take(kept) {
        let wall = spec
            .start
            .date
            .and_time(spec.start.time.unwrap_or(clock.handoff));
        let begins = time::instant(clock.zone, wall);
        let Some(ends) = time::explicit_end(clock.zone, rot.start, step, wall) else {
            continue;
        };
        shifts.push(shift(
            clock,
            begins,
            ends,
            Assignment {
                person: people.get(&spec.primary),
                origin: Origin::Shift(index32(i), Role::Primary),
            },
            spec.secondary.as_ref().map(|s| Assignment {
                person: people.get(s),
                origin: Origin::Shift(index32(i), Role::Secondary),
            }),
            ShiftSource::Explicit(index32(i)),
        ));
    }
    // Stable: shifts listed at the same time keep their order.
    shifts.sort_by_key(|s| s.begins);
    if let Some(dropped) = specs.get(kept) {
        let first_dropped_at = clock.at(dropped.start.date, dropped.start.time);
        out.truncated = Some(Truncation {
            total: specs.len() as u64,
            first_dropped: dropped.start.date,
            first_dropped_at,
        });
    }
    out.shifts = shifts;
}

fn apply_overrides(rot: &Rotation, out: &mut RotationSchedule, people: &mut People) {
    if out.not_expanded.is_some() {
        return;
    }
    let clock = out.clock;
    for (j, o) in rot.overrides.iter().enumerate() {
        let starts = clock.at(o.start.date, o.start.time);
        let at = out.shifts.partition_point(|s| s.begins < starts);
        let Some(shift) = out.shifts.get_mut(at).filter(|s| s.begins == starts) else {
            // Past the expansion cap an override cannot be matched: not its fault.
            let beyond_cap = out.truncated.is_some_and(|t| starts >= t.first_dropped_at);
            if !beyond_cap {
                out.unmatched_overrides.push(j);
            }
            continue;
        };
        if let Some(p) = &o.primary {
            shift.primary = Assignment {
                person: people.get(p),
                origin: Origin::Override(index32(j), Role::Primary),
            };
        }
        if let Some(s) = &o.secondary {
            shift.secondary = Some(Assignment {
                person: people.get(s),
                origin: Origin::Override(index32(j), Role::Secondary),
            });
        }
        let mut applied = std::mem::take(&mut shift.overrides).into_vec();
        applied.push(index32(j));
        shift.overrides = applied.into_boxed_slice();
    }
}

/// A meeting `length` long before each handoff where one shift ends as the
/// next starts and their primaries differ (§14.13).
fn meetings(shifts: &[Shift], length: Duration) -> Vec<Meeting> {
    if length.minutes() == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, pair) in shifts.windows(2).enumerate() {
        let [outgoing, incoming] = pair else { continue };
        if outgoing.ends != incoming.begins || outgoing.primary.person == incoming.primary.person {
            continue;
        }
        let Some(begins) = time::minutes_before(incoming.begins, length.minutes()) else {
            continue;
        };
        out.push(Meeting {
            shift: i + 1,
            begins,
            ends: incoming.begins,
        });
    }
    out
}

/// Generated: the distinct roster entries; explicit: everyone on call in some shift.
fn roster(rot: &Rotation, out: &RotationSchedule) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut list = Vec::new();
    let mut add = |id: &str| {
        if seen.insert(id.to_string()) {
            list.push(id.to_string());
        }
    };
    match out.form {
        Form::Generated => rot.roster.iter().flatten().for_each(|id| add(id)),
        Form::Explicit => {
            for shift in &out.shifts {
                for (_, a) in shift.assignments() {
                    add(a.person.as_str());
                }
            }
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Override, ShiftLength, ShiftSpec};
    use chrono::NaiveDate;

    pub(crate) fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn generated_rotation(roster: &[&str], length: &str, start: &str, until: &str) -> Rotation {
        Rotation {
            id: "r".into(),
            name: None,
            covers: Vec::new(),
            shift_length: ShiftLength::parse(length).unwrap(),
            start: d(start),
            until: Some(d(until)),
            roster: Some(roster.iter().map(|s| s.to_string()).collect()),
            shifts: None,
            holidays: None,
            overrides: Vec::new(),
            time_zone: None,
            handoff_time: None,
            handoff_meeting: None,
            coverage: None,
        }
    }

    fn expand(rot: Rotation) -> RotationSchedule {
        let model = Model::default();
        rotation(&model, 0, &Entry { doc: 0, item: rot })
    }

    fn people(rs: &RotationSchedule) -> Vec<(String, String, Option<String>)> {
        rs.shifts
            .iter()
            .map(|s| {
                (
                    s.start.to_string(),
                    s.primary.person.to_string(),
                    s.secondary.as_ref().map(|a| a.person.to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn generated_round_robin() {
        let rs = expand(generated_rotation(
            &["john", "emily", "michael"],
            "1w",
            "2026-01-05",
            "2026-02-03",
        ));
        let got = people(&rs);
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            got,
            vec![
                ("2026-01-05".into(), "john".into(), s("emily")),
                ("2026-01-12".into(), "emily".into(), s("michael")),
                ("2026-01-19".into(), "michael".into(), s("john")),
                ("2026-01-26".into(), "john".into(), s("emily")),
                // 2026-02-02 < until 2026-02-03: one more shift.
                ("2026-02-02".into(), "emily".into(), s("michael")),
            ]
        );
        assert_eq!(rs.shifts[4].end, d("2026-02-09"));
        assert_eq!(rs.shifts[0].primary.origin, Origin::Roster(0));
        assert_eq!(
            rs.shifts[2].secondary.as_ref().unwrap().origin,
            Origin::Roster(0)
        );
        assert_eq!(rs.roster, ["john", "emily", "michael"]);
        assert!(rs.truncated.is_none());
        let load = |p: &str| rs.load.people[p];
        assert_eq!((load("john").primary, load("john").secondary), (2, 1));
        assert_eq!((load("emily").primary, load("emily").secondary), (2, 2));
        assert_eq!((load("michael").primary, load("michael").secondary), (1, 2));
    }

    #[test]
    fn holidays_land_in_the_shift_holding_them() {
        let mut rot = generated_rotation(&["a", "b", "c"], "1w", "2026-12-14", "2027-01-11");
        rot.holidays = Some(crate::model::RotationHolidays {
            calendar: "us-major".into(),
            min_engineers: None,
        });
        let rs = expand(rot);
        let hits: Vec<(String, usize)> = rs
            .holidays
            .iter()
            .map(|h| (h.date.to_string(), h.shift))
            .collect();
        // The shift 2026-12-28 – 2027-01-03 straddles the year end.
        assert_eq!(
            hits,
            [("2026-12-25".to_string(), 1), ("2027-01-01".to_string(), 2)]
        );
        assert_eq!(rs.holidays_in(2).len(), 1);
        assert!(rs.holidays_in(0).is_empty());
        assert_eq!(rs.load.people["b"].primary_holidays, 1);
        assert_eq!(rs.load.people["c"].secondary_holidays, 1);
        assert_eq!(rs.shift_at(d("2027-01-10")), Some(3));
        assert_eq!(rs.shift_at(d("2027-01-11")), None);
        assert_eq!(rs.shift_at(d("2026-12-13")), None);
    }

    #[test]
    fn one_person_roster_has_no_secondary() {
        let rs = expand(generated_rotation(
            &["john"],
            "1w",
            "2026-01-05",
            "2026-01-19",
        ));
        assert_eq!(rs.shifts.len(), 2);
        assert!(rs.shifts.iter().all(|s| s.secondary.is_none()));
    }

    #[test]
    fn huge_rotations_are_capped() {
        let rs = expand(generated_rotation(
            &["a", "b"],
            "1d",
            "2026-01-01",
            "3026-01-01",
        ));
        assert_eq!(rs.shifts.len(), MAX_SHIFTS);
        let t = rs.truncated.unwrap();
        assert_eq!(t.total, 365_242);
        assert_eq!(t.first_dropped, rs.shifts.last().unwrap().end);
    }

    #[test]
    fn overrides_past_the_cap_are_not_reported_unmatched() {
        let mut rot = generated_rotation(&["a", "b"], "1d", "2026-01-01", "3026-01-01");
        let at = |start: &str| Override {
            start: d(start).into(),
            primary: Some("b".into()),
            secondary: None,
            reason: None,
        };
        // Within the cap but inside no shift start (1d shifts: every day is a
        // start, so use a date before the rotation), then past the cap.
        rot.overrides = vec![at("2025-12-31"), at("2026-01-02"), at("2900-01-01")];
        let rs = expand(rot);
        assert_eq!(rs.unmatched_overrides, [0]);
        assert_eq!(rs.shifts[1].primary.person, "b");
        assert_eq!(
            rs.shifts[1].primary.origin,
            Origin::Override(1, Role::Primary)
        );
    }

    #[test]
    fn explicit_shifts_past_the_cap_are_truncated() {
        let mut rot = generated_rotation(&[], "1d", "2026-01-01", "2026-01-01");
        rot.roster = None;
        rot.until = None;
        let first = d("2026-01-01");
        rot.shifts = Some(
            (0..MAX_SHIFTS as u64 + 2)
                .map(|i| ShiftSpec {
                    start: (first + chrono::Days::new(i)).into(),
                    primary: "a".into(),
                    secondary: None,
                })
                .collect(),
        );
        let rs = expand(rot);
        assert_eq!(rs.shifts.len(), MAX_SHIFTS);
        let t = rs.truncated.unwrap();
        assert_eq!(t.total, MAX_SHIFTS as u64 + 2);
        assert_eq!(
            t.first_dropped,
            first + chrono::Days::new(MAX_SHIFTS as u64)
        );
        // Exactly at the cap nothing is dropped.
        let mut rot = generated_rotation(&[], "1d", "2026-01-01", "2026-01-01");
        rot.roster = None;
        rot.until = None;
        rot.shifts = Some(
            (0..MAX_SHIFTS as u64)
                .map(|i| ShiftSpec {
                    start: (first + chrono::Days::new(i)).into(),
                    primary: "a".into(),
                    secondary: None,
                })
                .collect(),
        );
        assert!(expand(rot).truncated.is_none());
    }

    #[test]
    fn zero_length_shifts_are_not_expanded() {
        for length in ["0d", "0w", "0m", "0mo"] {
            let rs = expand(generated_rotation(
                &["a", "b"],
                length,
                "2026-01-05",
                "2026-02-05",
            ));
            assert_eq!(rs.not_expanded, Some(NotExpanded::ZeroLength), "{length}");
            assert!(rs.shifts.is_empty(), "{length}");
        }
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let rs = expand(generated_rotation(
            &["a"],
            "9999w",
            "0001-01-01",
            "9999-12-31",
        ));
        assert_eq!(rs.shifts.len(), 53);
        let rs = expand(generated_rotation(&["a"], "1w", "2026-01-05", "2026-01-05"));
        assert!(rs.shifts.is_empty());
        assert_eq!(rs.not_expanded, Some(NotExpanded::Empty));
        let rs = expand(generated_rotation(
            &["a"],
            "12h",
            "2026-01-05",
            "2026-02-05",
        ));
        // Hours are elapsed time now (§9): 31 days of 12-hour shifts.
        assert_eq!(rs.not_expanded, None);
        assert_eq!(rs.shifts.len(), 62);
    }

    #[test]
    fn explicit_shifts_are_sorted_and_overridden() {
        let mut rot = generated_rotation(&[], "1w", "2026-01-05", "2026-01-05");
        rot.roster = None;
        rot.until = None;
        let spec = |start: &str, p: &str, s: Option<&str>| ShiftSpec {
            start: d(start).into(),
            primary: p.into(),
            secondary: s.map(Into::into),
        };
        rot.shifts = Some(vec![
            spec("2026-01-12", "emily", Some("john")),
            spec("2026-01-05", "john", None),
        ]);
        rot.overrides = vec![
            Override {
                start: d("2026-01-12").into(),
                primary: None,
                secondary: Some("david".into()),
                reason: None,
            },
            Override {
                start: d("2026-01-13").into(),
                primary: Some("david".into()),
                secondary: None,
                reason: None,
            },
        ];
        let rs = expand(rot);
        assert_eq!(rs.form, Form::Explicit);
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            people(&rs),
            vec![
                ("2026-01-05".into(), "john".into(), None),
                ("2026-01-12".into(), "emily".into(), s("david")),
            ]
        );
        assert_eq!(rs.shifts[0].source, ShiftSource::Explicit(1));
        assert_eq!(
            rs.shifts[1].secondary.as_ref().unwrap().origin,
            Origin::Override(0, Role::Secondary)
        );
        assert_eq!(*rs.shifts[1].overrides, [0]);
        assert_eq!(rs.unmatched_overrides, [1]);
        assert_eq!(rs.roster, ["john", "emily", "david"]);
    }
}
