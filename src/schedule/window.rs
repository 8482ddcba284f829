//! Coverage windows (SPEC §10, §14.14–15): when, within a shift, on-call
//! duty applies. A local instant is in a window when its local day matches
//! `weekdays` and `month_days` and its local time is in `hours`; hours that
//! wrap past midnight (`22:00-06:00`) belong to the day they start. This
//! module turns a window into the instants it holds, exactly: time is split
//! where the zone's UTC offset changes, and inside each piece local time is
//! UTC plus a constant, so the window's local spans map back one to one (a
//! repeated hour is in the window twice when its local time is, a skipped
//! one never). Rules never do this arithmetic: they read a shift's duty
//! ([`super::Shift::duty`]) or ask [`super::coverage`].

use std::fmt;

use chrono::{
    DateTime, Datelike, Duration as Span, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc,
};
use serde::Deserialize;

use super::time::{self, Tz};
use crate::model::WeekdayName;

/// `[from, to)` as instants.
pub type Interval = (DateTime<Utc>, DateTime<Utc>);

const MINUTES_PER_DAY: u32 = 24 * 60;

/// `hours: "HH:MM-HH:MM"`: minutes after local midnight, `end` up to 1440
/// (`24:00`). `end <= start` wraps past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hours {
    pub start: u32,
    pub end: u32,
}

impl Hours {
    /// `09:00-17:00`, `22:00-06:00`, `17:00-24:00`. Equal start and end
    /// parse (the model reports them as a `schema` finding).
    pub fn parse(text: &str) -> Option<Hours> {
        let (start, end) = text.split_once('-')?;
        let minutes = |t: &str, allow_24: bool| -> Option<u32> {
            if allow_24 && t == "24:00" {
                return Some(MINUTES_PER_DAY);
            }
            if t.len() != 5 {
                return None;
            }
            let time = NaiveTime::parse_from_str(t, "%H:%M").ok()?;
            Some(time.hour() * 60 + time.minute())
        };
        // Spaces around the dash, as the schema's pattern allows.
        Some(Hours {
            start: minutes(start.trim_end_matches(' '), false)?,
            end: minutes(end.trim_start_matches(' '), true)?,
        })
    }

    /// Whether the hours run past midnight into the next day.
    pub fn wraps(self) -> bool {
        self.end < self.start
    }

    /// Whether start and end are the same time (a `schema` finding).
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}–{}", hm(self.start), hm(self.end))
    }
}

/// A window as written in YAML, but its `x-` keys.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    pub weekdays: Option<Vec<WeekdayName>>,
    pub month_days: Option<Vec<i32>>,
    pub hours: Option<String>,
}

/// A coverage window, ready to be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "WindowKeys")]
pub struct Window {
    /// What the user wrote, for display.
    pub spec: WindowSpec,
    /// Bit `i`: the weekday `i` days from Monday.
    weekdays: u8,
    /// `None`: every day of the month; else bit `d` for day `d`, and bit `k`
    /// of the second mask for `-k` (the k-th day from the month's end).
    month_days: Option<(u64, u64)>,
    /// `None`: the whole day (also for hours with equal start and end).
    hours: Option<Hours>,
}

/// A window's mapping as written: its `x-` keys are the user's (SPEC §1)
/// and left out; any other key must be one of the window's own.
#[derive(Deserialize)]
#[serde(transparent)]
struct WindowKeys(serde_json::Map<String, serde_json::Value>);

impl TryFrom<WindowKeys> for Window {
    type Error = String;

    fn try_from(WindowKeys(mut keys): WindowKeys) -> Result<Window, String> {
        keys.retain(|key, _| !key.starts_with("x-"));
        let spec =
            WindowSpec::deserialize(serde_json::Value::Object(keys)).map_err(|e| e.to_string())?;
        Window::try_from(spec)
    }
}

impl TryFrom<WindowSpec> for Window {
    type Error = String;

    fn try_from(spec: WindowSpec) -> Result<Window, String> {
        let hours = match &spec.hours {
            None => None,
            Some(text) => {
                Some(Hours::parse(text).ok_or_else(|| format!("`{text}` is not HH:MM-HH:MM"))?)
            }
        };
        let weekdays = match &spec.weekdays {
            None => 0x7f,
            Some(days) => days.iter().fold(0u8, |mask, d| {
                mask | 1 << d.to_chrono().num_days_from_monday()
            }),
        };
        let month_days = spec.month_days.as_ref().map(|days| {
            // Out-of-range days are a `schema` finding; they match nothing.
            days.iter().fold((0u64, 0u64), |(pos, neg), &d| match d {
                1..=31 => (pos | 1 << d, neg),
                -31..=-1 => (pos, neg | 1 << -d),
                _ => (pos, neg),
            })
        });
        Ok(Window {
            hours: hours.filter(|h| !h.is_empty()),
            spec,
            weekdays,
            month_days,
        })
    }
}

impl Window {
    /// A window from its parts (tests and examples).
    pub fn new(
        weekdays: Option<Vec<WeekdayName>>,
        month_days: Option<Vec<i32>>,
        hours: Option<&str>,
    ) -> Result<Window, String> {
        Window::try_from(WindowSpec {
            weekdays,
            month_days,
            hours: hours.map(str::to_string),
        })
    }

    /// Whether the window holds every instant.
    pub fn is_always(&self) -> bool {
        self.weekdays == 0x7f && self.month_days.is_none() && self.hours.is_none()
    }

    /// The hours, when the window has a time of day.
    pub fn hours(&self) -> Option<Hours> {
        self.hours
    }

    /// Whether the window's `hours` are written with equal start and end.
    pub fn has_empty_hours(&self) -> bool {
        self.spec
            .hours
            .as_deref()
            .and_then(Hours::parse)
            .is_some_and(Hours::is_empty)
    }

    /// Whether local day `date` matches `weekdays` and `month_days`.
    pub fn matches_day(&self, date: NaiveDate) -> bool {
        if self.weekdays & (1 << date.weekday().num_days_from_monday()) == 0 {
            return false;
        }
        let Some((pos, neg)) = self.month_days else {
            return true;
        };
        let day = date.day();
        let last = time::last_day_of_month(date).map_or(31, |d| d.day());
        let from_end = last + 1 - day;
        pos & (1 << day) != 0 || neg & (1 << from_end) != 0
    }

    /// Whether instant `at` is in the window, read in `zone`: the definition,
    /// one instant at a time (tests compare [`Window::intervals`] with it).
    pub fn contains(&self, zone: Tz, at: DateTime<Utc>) -> bool {
        let local = time::local(zone, at);
        let (day, seconds) = (local.date(), local.time().num_seconds_from_midnight());
        let Some(h) = self.hours else {
            return self.matches_day(day);
        };
        let after_start = seconds >= h.start * 60;
        let before_end = seconds < h.end * 60;
        if h.wraps() {
            (after_start && self.matches_day(day))
                || (before_end && day.pred_opt().is_some_and(|d| self.matches_day(d)))
        } else {
            after_start && before_end && self.matches_day(day)
        }
    }

    /// The local span the window holds on day `date` (which must match):
    /// the whole day, or its hours, running into the next day when they wrap.
    fn local_span(&self, date: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let midnight = date.and_time(NaiveTime::MIN);
        let at = |minutes: u32| midnight.checked_add_signed(Span::minutes(i64::from(minutes)));
        match self.hours {
            None => Some((midnight, at(MINUTES_PER_DAY)?)),
            Some(h) if h.wraps() => Some((at(h.start)?, at(MINUTES_PER_DAY + h.end)?)),
            Some(h) => Some((at(h.start)?, at(h.end)?)),
        }
    }

    /// The instants of `[from, to)` in the window read in `zone`: sorted,
    /// disjoint, touching intervals merged.
    pub fn intervals(&self, zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Interval> {
        if to <= from {
            return Vec::new();
        }
        if self.is_always() {
            return vec![(from, to)];
        }
        let mut out: Vec<Interval> = Vec::new();
        let mut start = from;
        while start < to {
            let offset = offset(zone, start);
            let end = next_offset_change(zone, start, to, offset);
            self.piece(offset, (start, end), &mut out);
            start = end;
        }
        out
    }

    /// Like [`Window::intervals`], within a budget of local days scanned;
    /// `None` (and the budget untouched) when `[from, to)` needs more.
    pub fn intervals_within(
        &self,
        zone: Tz,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        budget: &mut u64,
    ) -> Option<Vec<Interval>> {
        let days = u64::try_from((to - from).num_days()).unwrap_or(0) + 2;
        if !self.is_always() {
            *budget = budget.checked_sub(days)?;
        }
        Some(self.intervals(zone, from, to))
    }

    /// The window inside `[from, to)`, where local time is UTC + `offset` seconds.
    fn piece(&self, offset: i64, (from, to): Interval, out: &mut Vec<Interval>) {
        let shift = Span::seconds(offset);
        let (Some(local_from), Some(local_to)) = (
            from.naive_utc().checked_add_signed(shift),
            to.naive_utc().checked_add_signed(shift),
        ) else {
            return;
        };
        // Hours that wrap start the day before.
        let mut day = local_from.date().pred_opt().unwrap_or(local_from.date());
        while day <= local_to.date() {
            if self.matches_day(day) {
                if let Some((a, b)) = self.local_span(day) {
                    let (a, b) = (a.max(local_from), b.min(local_to));
                    if a < b {
                        let utc =
                            |l: NaiveDateTime| l.checked_sub_signed(shift).map(|u| u.and_utc());
                        if let (Some(a), Some(b)) = (utc(a), utc(b)) {
                            push_merged(out, (a, b));
                        }
                    }
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
    }

    /// "Mon–Fri, the last 7 days of the month, 09:00–17:00"; "always".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(days) = &self.spec.weekdays {
            let mut order: Vec<u32> = days
                .iter()
                .map(|d| d.to_chrono().num_days_from_monday())
                .collect();
            order.sort_unstable();
            order.dedup();
            const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let runs = runs(&order.iter().map(|&d| i64::from(d)).collect::<Vec<_>>());
            let name = |d: i64| NAMES.get(usize::try_from(d).unwrap_or(0)).copied();
            let text: Vec<String> = runs
                .iter()
                .flat_map(|&(a, b)| match b - a {
                    0 => vec![name(a).unwrap_or("?").to_string()],
                    1 => vec![
                        name(a).unwrap_or("?").to_string(),
                        name(b).unwrap_or("?").to_string(),
                    ],
                    _ => vec![format!(
                        "{}–{}",
                        name(a).unwrap_or("?"),
                        name(b).unwrap_or("?")
                    )],
                })
                .collect();
            parts.push(text.join(", "));
        }
        if let Some(days) = &self.spec.month_days {
            parts.push(describe_month_days(days));
        }
        if let Some(h) = self.hours {
            parts.push(h.to_string());
        }
        if parts.is_empty() {
            "always".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// Runs of consecutive numbers in a sorted list, as `(first, last)`.
fn runs(sorted: &[i64]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &n in sorted {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == n => *last = n,
            _ => out.push((n, n)),
        }
    }
    out
}

/// "days 1–7 of the month", "the last 7 days of the month", "the last day
/// of the month and day 15".
fn describe_month_days(days: &[i32]) -> String {
    let mut positive: Vec<i64> = days
        .iter()
        .filter(|d| (1..=31).contains(*d))
        .map(|&d| i64::from(d))
        .collect();
    positive.sort_unstable();
    positive.dedup();
    // Counted from the end: 1 is the last day.
    let mut from_end: Vec<i64> = days
        .iter()
        .filter(|d| (-31..=-1).contains(*d))
        .map(|&d| -i64::from(d))
        .collect();
    from_end.sort_unstable();
    from_end.dedup();
    let mut parts = Vec::new();
    for (a, b) in runs(&from_end) {
        parts.push(match (a, b) {
            (1, 1) => "the last day".to_string(),
            (1, n) => format!("the last {n} days"),
            (a, b) if a == b => format!("day -{a}"),
            (a, b) => format!("days -{b} to -{a}"),
        });
    }
    for (a, b) in runs(&positive) {
        parts.push(if a == b {
            format!("day {a}")
        } else {
            format!("days {a}–{b}")
        });
    }
    let list = match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!("{list} of the month")
}

/// Appends `next` (which starts at or after the last interval's start),
/// merging it with the last interval when they touch or overlap.
fn push_merged(out: &mut Vec<Interval>, next: Interval) {
    match out.last_mut() {
        Some(last) if next.0 <= last.1 => last.1 = last.1.max(next.1),
        _ => out.push(next),
    }
}

/// The zone's offset from UTC at `at`, in seconds.
fn offset(zone: Tz, at: DateTime<Utc>) -> i64 {
    i64::from(
        zone.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc(),
    )
}

/// Offsets are probed this often, and a change between two probes found
/// by bisection; no zone changes its offset and back within a week.
const PROBE_HOURS: i64 = 7 * 24;

/// The first instant after `from`, before `to`, at which the zone's offset
/// is no longer `current`; `to` when there is none.
fn next_offset_change(
    zone: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    current: i64,
) -> DateTime<Utc> {
    let mut before = from;
    loop {
        let probe = before
            .checked_add_signed(Span::hours(PROBE_HOURS))
            .map_or(to, |p| p.min(to));
        if offset(zone, probe) != current {
            // The change lies in (before, probe]: find its first second
            // (zones change on whole seconds).
            let (mut lo, mut hi) = (before.timestamp(), probe.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let changed =
                    DateTime::from_timestamp(mid, 0).is_none_or(|at| offset(zone, at) != current);
                if changed {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return DateTime::from_timestamp(hi, 0).map_or(probe, |at| at.max(from).min(probe));
        }
        if probe >= to {
            return to;
        }
        before = probe;
    }
}

/// Whether sorted, disjoint `intervals` meet `[from, to)`.
pub fn meets(intervals: &[Interval], from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    // The first interval ending after `from`.
    let i = intervals.partition_point(|&(_, end)| end <= from);
    intervals.get(i).is_some_and(|&(start, _)| start < to)
}

/// Sorts and merges intervals into sorted, disjoint ones (touching ones merged).
pub fn union(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.retain(|(a, b)| a < b);
    intervals.sort_unstable();
    let mut out = Vec::with_capacity(intervals.len());
    for i in intervals {
        push_merged(&mut out, i);
    }
    out
}

/// The parts of sorted, disjoint `a` inside sorted, disjoint `b`.
pub fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while let (Some(&(a0, a1)), Some(&(b0, b1))) = (a.get(i), b.get(j)) {
        let (from, to) = (a0.max(b0), a1.min(b1));
        if from < to {
            out.push((from, to));
        }
        if a1 <= b1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The parts of sorted, disjoint `a` outside sorted, disjoint `b`.
pub fn subtract(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut j = 0;
    for &(mut from, to) in a {
        while b.get(j).is_some_and(|&(_, end)| end <= from) {
            j += 1;
        }
        let mut k = j;
        while let Some(&(b0, b1)) = b.get(k).filter(|&&(start, _)| start < to) {
            if b0 > from {
                out.push((from, b0));
            }
            from = from.max(b1);
            k += 1;
        }
        if from < to {
            out.push((from, to));
        }
    }
    out
}

/// An interval as people read it, with weekdays: "Saturday 2027-01-30 09:00
/// – Monday 2027-02-01 09:00 Europe/Berlin", "Saturday 2027-01-30 09:00 –
/// 17:00 Europe/Berlin". An end at local midnight is 24:00 of the day before.
pub fn describe_interval(zone: Tz, (from, to): Interval) -> String {
    let a = time::local(zone, from);
    let b = time::local(zone, to);
    let (end_day, end_time) = if b.time() == NaiveTime::MIN && b > a {
        (time::day_before(b.date()), "24:00".to_string())
    } else {
        (b.date(), b.format("%H:%M").to_string())
    };
    let day = |d: NaiveDate| format!("{} {d}", d.format("%A"));
    let start = format!("{} {}", day(a.date()), a.format("%H:%M"));
    if end_day == a.date() {
        format!("{start} – {end_time} {}", zone.name())
    } else {
        format!("{start} – {} {end_time} {}", day(end_day), zone.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WeekdayName::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("rfc3339")
            .with_timezone(&Utc)
    }

    fn berlin() -> Tz {
        time::zone("Europe/Berlin").expect("zone")
    }

    #[test]
    fn hours_parse_wrap_and_end_at_midnight() {
        assert_eq!(
            Hours::parse("09:00-17:00"),
            Some(Hours {
                start: 540,
                end: 1020
            })
        );
        assert!(Hours::parse("22:00-06:00").expect("hours").wraps());
        assert_eq!(Hours::parse("17:00-24:00").map(|h| h.end), Some(1440));
        assert!(Hours::parse("09:00-09:00").expect("hours").is_empty());
        assert_eq!(Hours::parse("24:00-06:00"), None);
        assert_eq!(Hours::parse("9-17"), None);
        assert_eq!(Hours::parse("09:00 - 17:00"), Hours::parse("09:00-17:00"));
        assert_eq!(Hours::parse(" 09:00-17:00"), None);
        assert_eq!(Hours::parse("09:00\t-17:00"), None);
        assert_eq!(Hours::parse("09:00"), None);
    }

    #[test]
    fn working_hours_across_the_spring_change() {
        let w = Window::new(
            Some(vec![Mon, Tue, Wed, Thu, Fri]),
            None,
            Some("09:00-17:00"),
        )
        .expect("window");
        // Friday 2026-03-27 to Tuesday 2026-03-31 in Berlin: CET, then CEST from Sunday.
        let got = w.intervals(
            berlin(),
            utc("2026-03-27T00:00:00Z"),
            utc("2026-03-31T00:00:00Z"),
        );
        assert_eq!(
            got,
            [
                (utc("2026-03-27T08:00:00Z"), utc("2026-03-27T16:00:00Z")),
                (utc("2026-03-30T07:00:00Z"), utc("2026-03-30T15:00:00Z")),
            ]
        );
    }

    #[test]
    fn a_repeated_hour_is_in_the_window_twice() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; 01:00-03:00 holds three hours.
        let w = Window::new(None, None, Some("01:00-03:00")).expect("window");
        let got = w.intervals(
            berlin(),
            utc("2026-10-24T12:00:00Z"),
            utc("2026-10-25T12:00:00Z"),
        );
        assert_eq!(
            got,
            [(utc("2026-10-24T23:00:00Z"), utc("2026-10-25T02:00:00Z"))]
        );
        // Ending inside the repeated hour: both of its first halves.
        let w = Window::new(None, None, Some("01:00-02:30")).expect("window");
        let got = w.intervals(
            berlin(),
            utc("2026-10-24T12:00:00Z"),
            utc("2026-10-25T12:00:00Z"),
        );
        assert_eq!(
            got,
            [
                (utc("2026-10-24T23:00:00Z"), utc("2026-10-25T00:30:00Z")),
                (utc("2026-10-25T01:00:00Z"), utc("2026-10-25T01:30:00Z")),
            ]
        );
    }

    #[test]
    fn wrapping_hours_belong_to_the_day_they_start() {
        let w = Window::new(Some(vec![Fri]), None, Some("22:00-06:00")).expect("window");
        let got = w.intervals(
            Tz::UTC,
            utc("2026-06-01T00:00:00Z"),
            utc("2026-06-08T00:00:00Z"),
        );
        assert_eq!(
            got,
            [(utc("2026-06-05T22:00:00Z"), utc("2026-06-06T06:00:00Z"))]
        );
        assert!(w.contains(Tz::UTC, utc("2026-06-06T05:59:00Z")));
        assert!(!w.contains(Tz::UTC, utc("2026-06-06T22:00:00Z")));
    }

    #[test]
    fn negative_month_days_count_from_the_end() {
        let w = Window::new(None, Some(vec![-7, -6, -5, -4, -3, -2, -1]), None).expect("window");
        let got = w.intervals(
            Tz::UTC,
            utc("2027-02-01T00:00:00Z"),
            utc("2027-03-01T00:00:00Z"),
        );
        assert_eq!(
            got,
            [(utc("2027-02-22T00:00:00Z"), utc("2027-03-01T00:00:00Z"))]
        );
        assert_eq!(w.describe(), "the last 7 days of the month");
        let w = Window::new(
            Some(vec![Mon, Tue, Wed, Thu, Fri, Sat]),
            Some(vec![1, 2, 3, -1, 15]),
            Some("17:00-24:00"),
        )
        .expect("window");
        assert_eq!(
            w.describe(),
            "Mon–Sat, the last day, days 1–3 and day 15 of the month, 17:00–24:00"
        );
        // Day 31 matches only months that have it.
        let w = Window::new(None, Some(vec![31]), None).expect("window");
        assert!(w
            .intervals(
                Tz::UTC,
                utc("2027-04-01T00:00:00Z"),
                utc("2027-05-01T00:00:00Z")
            )
            .is_empty());
    }

    #[test]
    fn interval_sets_combine() {
        let t = |h: i64| utc("2026-06-01T00:00:00Z") + Span::hours(h);
        let a = vec![(t(0), t(10)), (t(20), t(30))];
        let b = vec![(t(5), t(8)), (t(9), t(25))];
        assert_eq!(
            intersect(&a, &b),
            [(t(5), t(8)), (t(9), t(10)), (t(20), t(25))]
        );
        assert_eq!(
            subtract(&a, &b),
            [(t(0), t(5)), (t(8), t(9)), (t(25), t(30))]
        );
        assert_eq!(
            union(vec![(t(3), t(4)), (t(0), t(3)), (t(6), t(6))]),
            [(t(0), t(4))]
        );
        assert!(meets(&a, t(9), t(11)));
        assert!(!meets(&a, t(10), t(20)));
    }

    #[test]
    fn intervals_read_with_weekdays() {
        let zone = berlin();
        assert_eq!(
            describe_interval(
                zone,
                (utc("2027-01-30T08:00:00Z"), utc("2027-02-01T08:00:00Z"))
            ),
            "Saturday 2027-01-30 09:00 – Monday 2027-02-01 09:00 Europe/Berlin"
        );
        assert_eq!(
            describe_interval(
                zone,
                (utc("2027-01-30T08:00:00Z"), utc("2027-01-30T23:00:00Z"))
            ),
            "Saturday 2027-01-30 09:00 – 24:00 Europe/Berlin"
        );
    }
}
