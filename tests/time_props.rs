//! Property tests of the time model (SPEC §9, §14.10–12) against brute
//! force: for random zones (with 30-minute and 45-minute offsets and
//! daylight saving), start dates, handoff times (often inside a gap or a
//! repeated hour) and day, week, month and hour lengths, generated shifts tile
//! time exactly; each handoff is at the handoff time, or where a gap ends,
//! found by scanning every minute around it; and the local days a shift
//! overlaps are exactly those a minute scan finds.

use chrono::{DateTime, Datelike, Duration as Span, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use proptest::prelude::*;

use steward::model::{Duration, Entry, Model, Rotation, ShiftLength};
use steward::schedule::{self, time::Tz};

const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/Santiago",
    "UTC",
];

#[derive(Debug, Clone, Copy)]
enum Length {
    Days(u64),
    Weeks(u64),
    Months(u64),
    Hours(u64),
}

impl Length {
    fn shift_length(self) -> ShiftLength {
        let minutes = |m: u64| ShiftLength::Duration(Duration::from_minutes(m).expect("minutes"));
        match self {
            Length::Days(n) => minutes(n * 24 * 60),
            Length::Weeks(n) => minutes(n * 7 * 24 * 60),
            Length::Months(n) => ShiftLength::Months(n),
            Length::Hours(n) => minutes(n * 60),
        }
    }
}

fn rotation(
    zone: &str,
    start: NaiveDate,
    until: NaiveDate,
    handoff: NaiveTime,
    length: Length,
) -> Rotation {
    Rotation {
        id: "r".into(),
        name: None,
        covers: Vec::new(),
        shift_length: length.shift_length(),
        start,
        until: Some(until),
        roster: Some(vec!["a".into(), "b".into(), "c".into()]),
        shifts: None,
        holidays: None,
        overrides: Vec::new(),
        time_zone: Some(zone.to_string()),
        handoff_time: Some(handoff),
        handoff_meeting: None,
        coverage: None,
    }
}

/// The local wall time of `at` in `zone`, by chrono-tz's offset lookup
/// (the database itself, not steward's model).
fn wall(zone: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&zone).naive_local()
}

/// Brute force: the first whole minute whose wall time is `target` (the
/// earlier of a repeated time), or, when none is (a gap), the first whose
/// wall time is later. Offsets are within ±26 hours; every transition of
/// these zones since 1970 is on a whole minute.
fn scan(zone: Tz, target: NaiveDateTime) -> DateTime<Utc> {
    let from = target.and_utc() - Span::hours(27);
    let minutes = (0..=54 * 60).map(|m| from + Span::minutes(m));
    if let Some(exact) = minutes.clone().find(|t| wall(zone, *t) == target) {
        return exact;
    }
    minutes
        .into_iter()
        .find(|t| wall(zone, *t) > target)
        .expect("a later minute")
}

/// Brute force: the instant local day `date` starts.
fn day_start(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    scan(zone, date.and_time(NaiveTime::MIN))
}

/// Brute force: `start`'s day of the month, `n` months on, or that month's
/// last day when shorter.
fn months_after(start: NaiveDate, n: u64) -> NaiveDate {
    let index = i64::from(start.year()) * 12 + i64::from(start.month0()) + n as i64;
    let (year, month) = (index.div_euclid(12) as i32, index.rem_euclid(12) as u32 + 1);
    (28..=start.day())
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .or_else(|| NaiveDate::from_ymd_opt(year, month, start.day()))
        .expect("a day of the month")
}

/// Brute force: the local date shift `n` starts on (day and month lengths).
fn local_date(start: NaiveDate, length: Length, n: u64) -> NaiveDate {
    match length {
        Length::Days(d) => start + chrono::Days::new(d * n),
        Length::Weeks(w) => start + chrono::Days::new(7 * w * n),
        Length::Months(m) => months_after(start, m * n),
        Length::Hours(_) => unreachable!("hours are elapsed time"),
    }
}

fn length() -> impl Strategy<Value = Length> {
    prop_oneof![
        (1u64..=3).prop_map(Length::Days),
        (1u64..=2).prop_map(Length::Weeks),
        (1u64..=3).prop_map(Length::Months),
        prop_oneof![Just(8u64), Just(12), Just(1), Just(30)].prop_map(Length::Hours),
    ]
}

/// Minutes after midnight: anywhere, or where gaps and repeated hours are
/// (00:00–03:30 local in these zones).
fn handoff() -> impl Strategy<Value = NaiveTime> {
    prop_oneof![
        2 => 0u32..1440,
        3 => 0u32..210,
    ]
    .prop_map(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0).expect("time"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn shifts_tile_and_handoffs_match_a_minute_scan(
        zone_name in proptest::sample::select(&ZONES[..]),
        offset in 0u64..1100,
        span in 1u64..200,
        handoff in handoff(),
        length in length(),
    ) {
        let zone: Tz = zone_name.parse().expect("zone");
        let start = NaiveDate::from_ymd_opt(2025, 9, 1).expect("date") + chrono::Days::new(offset);
        let until = start + chrono::Days::new(span);
        let rot = rotation(zone_name, start, until, handoff, length);
        let mut model = Model::default();
        model.rotations.push(Entry { doc: 0, item: rot });
        let built = schedule::build(&model);
        let rs = &built.rotations[0];
        prop_assert!(rs.not_expanded.is_none());
        prop_assert!(!rs.shifts.is_empty());

        // Tiling: each shift ends exactly where the next begins.
        for pair in rs.shifts.windows(2) {
            prop_assert_eq!(pair[0].ends, pair[1].begins);
        }
        for (i, shift) in rs.shifts.iter().enumerate() {
            prop_assert!(shift.begins < shift.ends, "shift {} is empty", i);
        }

        let first = scan(zone, start.and_time(handoff));
        prop_assert_eq!(rs.shifts[0].begins, first);
        match length {
            Length::Hours(h) => {
                // Elapsed time, exactly.
                for (i, shift) in rs.shifts.iter().enumerate() {
                    prop_assert_eq!(shift.begins, first + Span::hours(h as i64 * i as i64));
                    prop_assert_eq!(shift.ends - shift.begins, Span::hours(h as i64));
                }
                // Generated while the local start date is before `until`.
                let limit = day_start(zone, until);
                let expected = rs.shifts.iter().filter(|s| s.begins < limit).count();
                prop_assert_eq!(rs.shifts.len(), expected);
                prop_assert!(rs.shifts.last().map(|s| s.ends >= limit).unwrap_or(false));
            }
            _ => {
                let count = (0u64..).take_while(|&n| local_date(start, length, n) < until).count();
                prop_assert_eq!(rs.shifts.len(), count);
                for (n, shift) in rs.shifts.iter().enumerate() {
                    let target = local_date(start, length, n as u64).and_time(handoff);
                    let expected = scan(zone, target);
                    prop_assert_eq!(shift.begins, expected, "shift {} at {}", n, target);
                    // The wall time is the handoff time, or where the gap ends.
                    let local = wall(zone, shift.begins);
                    let in_gap = (0..=54 * 60)
                        .map(|m| target.and_utc() - Span::hours(27) + Span::minutes(m))
                        .all(|t| wall(zone, t) != target);
                    if in_gap {
                        prop_assert!(local > target, "{} after the gap at {}", local, target);
                        prop_assert_eq!(wall(zone, shift.begins - Span::minutes(1)) < target, true);
                    } else {
                        prop_assert_eq!(local, target);
                    }
                }
            }
        }

        // Leave and holidays: a local day overlaps a shift when
        // [its start, the next day's start) meets [begins, ends).
        for shift in rs.shifts.iter().take(6) {
            let first_day = wall(zone, shift.begins).date() - chrono::Days::new(2);
            let days: Vec<NaiveDate> = (0..first_day_span(shift.ends - shift.begins))
                .map(|k| first_day + chrono::Days::new(k))
                .filter(|d| {
                    day_start(zone, *d) < shift.ends
                        && day_start(zone, *d + chrono::Days::new(1)) > shift.begins
                })
                .collect();
            let (from, to) = (shift.start, shift.end);
            let model_days: Vec<NaiveDate> = from.iter_days().take_while(|d| *d < to).collect();
            prop_assert_eq!(model_days, days);
        }
    }
}

/// Days to scan around a shift: its length in days plus margin.
fn first_day_span(length: Span) -> u64 {
    length.num_days() as u64 + 5
}
