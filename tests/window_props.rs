//! Property tests of coverage windows (SPEC §10, §14.14–16) against brute
//! force: for random windows (weekdays, month days counted from either end,
//! hours that wrap past midnight or end at 24:00, often at the hours
//! daylight saving skips or repeats), zones with daylight saving and odd
//! offsets, and intervals and shifts of random lengths, the window engine,
//! each expanded shift's duty and `coverage-window`'s uncovered intervals
//! equal what a scan of every minute finds. The scan reads local time from
//! chrono-tz directly and decides membership by the definition in §10,
//! sharing no code with the engine.

use chrono::{
    DateTime, Datelike, Duration as Span, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc,
};
use proptest::prelude::*;

use steward::model::{Duration, Entry, Model, Rotation, ShiftLength, WeekdayName};
use steward::schedule::{self, coverage, time::Tz, window::Interval, window::Window};

const ZONES: [&str; 7] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Santiago",
    "Pacific/Chatham",
    "UTC",
];

const WEEKDAYS: [WeekdayName; 7] = [
    WeekdayName::Mon,
    WeekdayName::Tue,
    WeekdayName::Wed,
    WeekdayName::Thu,
    WeekdayName::Fri,
    WeekdayName::Sat,
    WeekdayName::Sun,
];

/// A window as plain data, judged by [`Spec::holds`].
#[derive(Debug, Clone)]
struct Spec {
    weekdays: Option<Vec<usize>>,
    month_days: Option<Vec<i32>>,
    /// Minutes after midnight; `end` up to 1440, never equal to `start`.
    hours: Option<(u32, u32)>,
}

impl Spec {
    fn window(&self) -> Window {
        let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let hours = self.hours.map(|(s, e)| format!("{}-{}", hm(s), hm(e)));
        Window::new(
            self.weekdays
                .as_ref()
                .map(|days| days.iter().map(|&d| WEEKDAYS[d]).collect()),
            self.month_days.clone(),
            hours.as_deref(),
        )
        .expect("a valid window")
    }

    /// Whether local day `date` matches `weekdays` and `month_days`.
    fn day_matches(&self, date: NaiveDate) -> bool {
        let weekday = date.weekday().num_days_from_monday() as usize;
        if let Some(days) = &self.weekdays {
            if !days.contains(&weekday) {
                return false;
            }
        }
        let Some(days) = &self.month_days else {
            return true;
        };
        let length = (28..=31)
            .rev()
            .find(|&d| NaiveDate::from_ymd_opt(date.year(), date.month(), d).is_some())
            .expect("a month has 28 to 31 days") as i32;
        let day = date.day() as i32;
        days.contains(&day) || days.contains(&(day - length - 1))
    }

    /// §10: a local instant is in the window when its day matches and its
    /// time is in `hours`; wrapping hours belong to the day they start.
    fn holds(&self, zone: Tz, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&zone).naive_local();
        let minute = local.time().num_seconds_from_midnight() / 60;
        let day = local.date();
        match self.hours {
            None => self.day_matches(day),
            Some((s, e)) if s < e => s <= minute && minute < e && self.day_matches(day),
            Some((s, e)) => {
                (minute >= s && self.day_matches(day))
                    || (minute < e && self.day_matches(day.pred_opt().expect("a day before")))
            }
        }
    }
}

/// Runs of the minutes of `[from, to)` for which `inside` holds, as intervals.
fn scan(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    inside: impl Fn(DateTime<Utc>) -> bool,
) -> Vec<Interval> {
    let mut out: Vec<Interval> = Vec::new();
    let mut at = from;
    while at < to {
        if inside(at) {
            match out.last_mut() {
                Some(last) if last.1 == at => last.1 = at + Span::minutes(1),
                _ => out.push((at, at + Span::minutes(1))),
            }
        }
        at += Span::minutes(1);
    }
    out
}

/// Minutes where daylight saving happens in these zones (00:00–04:00) more often.
fn minute_of_day() -> impl Strategy<Value = u32> {
    prop_oneof![2 => 0u32..1440, 3 => (0u32..16).prop_map(|q| q * 15)]
}

fn spec() -> impl Strategy<Value = Spec> {
    let weekdays = prop_oneof![
        Just(None),
        proptest::sample::subsequence((0..7).collect::<Vec<usize>>(), 1..=7).prop_map(Some),
    ];
    let month_days = prop_oneof![
        2 => Just(None),
        // The last week, as seed plan 002's investor pipelines need.
        1 => Just(Some(vec![-7, -6, -5, -4, -3, -2, -1])),
        2 => proptest::sample::subsequence(
            (1..=31).chain(-31..=-1).collect::<Vec<i32>>(),
            1..=12
        )
        .prop_map(Some),
    ];
    let hours = prop_oneof![
        1 => Just(None),
        3 => (minute_of_day(), minute_of_day(), any::<bool>()).prop_map(|(s, e, midnight)| {
            let end = if midnight { 1440 } else { e };
            Some((s, if end == s { (s + 60) % 1440 } else { end }))
        }),
    ];
    (weekdays, month_days, hours).prop_map(|(weekdays, month_days, hours)| Spec {
        weekdays,
        month_days,
        hours: hours.filter(|(s, e)| s != e),
    })
}

/// A whole minute between 2025-09 and 2028-09 (both daylight-saving seasons
/// of both hemispheres, a leap day).
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..1100, 0i64..1440).prop_map(|(day, minute)| {
        NaiveDate::from_ymd_opt(2025, 9, 1)
            .expect("date")
            .and_time(NaiveTime::MIN)
            .and_utc()
            + Span::days(day)
            + Span::minutes(minute)
    })
}

fn rotation(
    id: &str,
    zone: &str,
    start: NaiveDate,
    handoff: NaiveTime,
    minutes: u64,
    coverage: Option<Window>,
) -> Rotation {
    Rotation {
        id: id.into(),
        name: None,
        covers: vec!["p".into()],
        shift_length: ShiftLength::Duration(Duration::from_minutes(minutes).expect("minutes")),
        start,
        until: Some(start + chrono::Days::new(20)),
        roster: Some(vec!["a".into(), "b".into()]),
        shifts: None,
        holidays: None,
        overrides: Vec::new(),
        time_zone: Some(zone.to_string()),
        handoff_time: Some(handoff),
        handoff_meeting: None,
        coverage,
    }
}

fn local_start(at: DateTime<Utc>) -> (NaiveDate, NaiveTime) {
    let naive: NaiveDateTime = at.naive_utc();
    (
        naive.date(),
        NaiveTime::from_hms_opt(naive.hour(), naive.minute(), 0).expect("time"),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn window_intervals_match_a_minute_scan(
        spec in spec(),
        zone_name in proptest::sample::select(&ZONES[..]),
        from in instant(),
        minutes in 1i64..(21 * 1440),
    ) {
        let zone: Tz = zone_name.parse().expect("zone");
        let to = from + Span::minutes(minutes);
        let got = spec.window().intervals(zone, from, to);
        let expected = scan(from, to, |at| spec.holds(zone, at));
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn each_shifts_duty_matches_a_minute_scan(
        spec in spec(),
        zone_name in proptest::sample::select(&ZONES[..]),
        start in instant(),
        length in prop_oneof![
            (1u64..=7).prop_map(|d| d * 1440),
            Just(7 * 1440),
            (1u64..=36).prop_map(|h| h * 60),
        ],
    ) {
        let zone: Tz = zone_name.parse().expect("zone");
        let (date, handoff) = local_start(start);
        let mut model = Model::default();
        model.rotations.push(Entry {
            doc: 0,
            item: rotation("r", zone_name, date, handoff, length, Some(spec.window())),
        });
        let built = schedule::build(&model);
        let rs = &built.rotations[0];
        prop_assert!(!rs.shifts.is_empty());
        let mut minutes = 0;
        for shift in &rs.shifts {
            // About three weeks of minutes per case.
            if minutes > 21 * 1440 {
                break;
            }
            minutes += (shift.ends - shift.begins).num_minutes();
            let expected = scan(shift.begins, shift.ends, |at| spec.holds(zone, at));
            prop_assert_eq!(&shift.duty, &expected, "shift {}", shift.dates());
            prop_assert_eq!(shift.has_duty(), !expected.is_empty());
        }
        // Load counts only shifts with duty.
        let with_duty = rs.shifts.iter().filter(|s| s.has_duty()).count() as u32;
        let counted: u32 = rs.load.people.values().map(|l| l.primary).sum();
        prop_assert_eq!(counted, with_duty);
    }

    #[test]
    fn uncovered_intervals_match_a_minute_scan(
        need in spec(),
        need_zone in proptest::option::of(proptest::sample::select(&ZONES[..])),
        first_window in proptest::option::of(spec()),
        second_window in proptest::option::of(spec()),
        zones in (proptest::sample::select(&ZONES[..]), proptest::sample::select(&ZONES[..])),
        start in instant(),
        // The second rotation starts this many hours after the first: they
        // overlap, meet, or leave time between them.
        later in 0i64..(12 * 24),
        lengths in (prop_oneof![Just(1440u64), Just(7 * 1440), Just(720)], prop_oneof![Just(1440u64), Just(7 * 1440), Just(480)]),
    ) {
        let need_zone: Option<Tz> = need_zone.map(|z| z.parse().expect("zone"));
        let (first_date, first_time) = local_start(start);
        let (second_date, second_time) = local_start(start + Span::hours(later));
        let mut model = Model::default();
        let mut first = rotation("first", zones.0, first_date, first_time, lengths.0, first_window.as_ref().map(Spec::window));
        // A short first rotation, so the second can start after it ends.
        first.until = Some(first_date + chrono::Days::new(4));
        let second = rotation("second", zones.1, second_date, second_time, lengths.1, second_window.as_ref().map(Spec::window));
        model.rotations.push(Entry { doc: 0, item: first });
        model.rotations.push(Entry { doc: 1, item: second });
        let built = schedule::build(&model);
        let covering = coverage::covering(&model, &built, "p");
        prop_assert_eq!(&covering, &vec![0, 1]);
        let from = start - Span::hours(6);
        let to = start + Span::days(14);
        let got: Vec<Interval> = coverage::uncovered(&built, &covering, &need.window(), need_zone, (from, to))
            .into_iter()
            .map(|u| u.interval)
            .collect();

        // Brute force, from the shifts' instants and the windows' definition.
        let rotations = [(&built.rotations[0], &first_window), (&built.rotations[1], &second_window)];
        let holding = |at: DateTime<Utc>| -> Option<usize> {
            rotations.iter().position(|(rs, _)| rs.shifts.iter().any(|s| s.begins <= at && at < s.ends))
        };
        let spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = rotations
            .iter()
            .map(|(rs, _)| (rs.shifts[0].begins, rs.shifts.iter().map(|s| s.ends).max().expect("shifts")))
            .collect();
        let (earliest, latest) = (
            spans.iter().map(|s| s.0).min().expect("spans"),
            spans.iter().map(|s| s.1).max().expect("spans"),
        );
        let zone_of = |i: usize| rotations[i].0.clock.zone;
        let expected = scan(from, to, |at| {
            if at < earliest || at >= latest {
                return false;
            }
            let zone = match holding(at) {
                Some(i) => need_zone.unwrap_or(zone_of(i)),
                // A gap inside a rotation's span is coverage-gap's.
                None if spans.iter().any(|&(s, e)| s <= at && at < e) => return false,
                None => need_zone.unwrap_or(zone_of(0)),
            };
            if !need.holds(zone, at) {
                return false;
            }
            let on_duty = rotations.iter().any(|(rs, window)| {
                rs.shifts.iter().any(|s| s.begins <= at && at < s.ends)
                    && window.as_ref().is_none_or(|w| w.holds(rs.clock.zone, at))
            });
            !on_duty
        });
        prop_assert_eq!(got, expected);
    }
}
