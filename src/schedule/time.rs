//! The one time model (SPEC §9): shifts are instants (UTC) computed from local
//! calendar arithmetic in a rotation's IANA zone. Days and months step the
//! local calendar (a 09:00 handoff stays at 09:00 across daylight saving);
//! hours and minutes are elapsed time. A local time in the daylight-saving gap
//! is the first instant after the gap; a repeated local time is the earlier
//! instant. Rules never do date arithmetic of their own: they ask this module.
//!
//! The zone database is chrono-tz's, compiled into the binary (no system
//! tzdata, no network); `steward --version` names its release.

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
pub use chrono_tz::Tz;

/// The IANA time zone database release compiled in.
pub const TZDB_VERSION: &str = chrono_tz::IANA_TZDB_VERSION;

/// An IANA zone by its exact name (`Europe/Berlin`, `UTC`).
pub fn zone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// Every zone name, for "did you mean".
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
}

/// The instant of a local date-time in `zone` (§9: gap → first instant after
/// it, repeated hour → the earlier instant).
pub fn instant(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.with_timezone(&Utc).min(b.with_timezone(&Utc)),
        LocalResult::None => first_instant_at_or_after(zone, local),
    }
}

/// The first instant whose local time in `zone` is at or after `local`: for a
/// time inside a gap, the transition that ends the gap. Offsets stay within
/// ±26 hours, so the answer lies within a day and a bit of `local` read as UTC.
fn first_instant_at_or_after(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let as_utc = local.and_utc().timestamp();
    let mut lo = as_utc - 27 * 3600;
    let mut hi = as_utc + 27 * 3600;
    let local_at = |seconds: i64| {
        DateTime::from_timestamp(seconds, 0).map(|t| t.with_timezone(&zone).naive_local())
    };
    // Invariant: local(lo) < local <= local(hi), in whole seconds.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if local_at(mid).is_some_and(|l| l >= local) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The local date-time of an instant in `zone`.
pub fn local(zone: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&zone).naive_local()
}

/// `[start, end)` of a whole local day in `zone`, as instants.
pub fn day(zone: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    (day_start(zone, date), day_start(zone, next))
}

/// The first instant of local day `date` (00:00, or the end of a gap at midnight).
fn day_start(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    instant(zone, date.and_time(NaiveTime::MIN))
}

/// A shift length: calendar days or months in the zone, or elapsed minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Days(u64),
    Months(u64),
    Minutes(u64),
}

/// The local date `n` calendar steps after `start`: for months, `start`'s day
/// of the month, or the month's last day when it is shorter (§14.10).
/// `None` past the calendar's range.
pub fn step_date(start: NaiveDate, step: Step, n: u64) -> Option<NaiveDate> {
    match step {
        Step::Days(days) => start.checked_add_days(Days::new(days.checked_mul(n)?)),
        Step::Months(months) => {
            let total = i64::from(start.month0()) + i64::try_from(months.checked_mul(n)?).ok()?;
            let year = i32::try_from(i64::from(start.year()) + total.div_euclid(12)).ok()?;
            let month = u32::try_from(total.rem_euclid(12)).ok()? + 1;
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            let last = last_day_of_month(first)?;
            NaiveDate::from_ymd_opt(year, month, start.day().min(last.day()))
        }
        Step::Minutes(_) => None,
    }
}

/// The last day of `date`'s month.
pub fn last_day_of_month(date: NaiveDate) -> Option<NaiveDate> {
    let first = date.with_day(1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    next.pred_opt()
}

/// The start of shift `n` of a rotation starting at local `start` +
/// `handoff` in `zone` with shifts of `step`.
pub fn shift_start(
    zone: Tz,
    start: NaiveDate,
    handoff: NaiveTime,
    step: Step,
    n: u64,
) -> Option<DateTime<Utc>> {
    match step {
        Step::Minutes(minutes) => {
            let first = instant(zone, start.and_time(handoff));
            let elapsed = i64::try_from(minutes.checked_mul(n)?).ok()?;
            first.checked_add_signed(chrono::Duration::try_minutes(elapsed)?)
        }
        _ => Some(instant(zone, step_date(start, step, n)?.and_time(handoff))),
    }
}

/// Months from `from`'s month to `to`'s (negative when `to` is earlier).
fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    index(to) - index(from)
}

/// How many shifts of a generated rotation there are: those whose local
/// start date is before `until` (§14.10).
pub fn count_before(
    zone: Tz,
    start: NaiveDate,
    handoff: NaiveTime,
    step: Step,
    until: NaiveDate,
) -> u64 {
    if until <= start {
        return 0;
    }
    match step {
        Step::Days(0) | Step::Months(0) | Step::Minutes(0) => 0,
        Step::Days(days) => u64::try_from((until - start).num_days())
            .unwrap_or(0)
            .div_ceil(days),
        Step::Months(months) => {
            let k = u64::try_from(months_between(start, until)).unwrap_or(0) / months;
            // Steps before month k land in earlier months than `until`; step k
            // lands in `until`'s month or before it and may be on or after it.
            k + u64::from(step_date(start, step, k).is_some_and(|d| d < until))
        }
        Step::Minutes(minutes) => {
            let first = instant(zone, start.and_time(handoff));
            let limit = day(zone, until).0;
            let span = u64::try_from((limit - first).num_seconds()).unwrap_or(0);
            span.div_ceil(minutes.saturating_mul(60))
        }
    }
}

/// The end of an explicit shift starting at local `start` (§14.11): one step
/// later at the same local wall time. For months, a start on the calendar
/// grid of the rotation's `origin` ends where the grid's next step lands (a
/// rotation from Jan 31: Feb 28 ends Mar 31), so explicit monthly shifts tile.
pub fn explicit_end(
    zone: Tz,
    origin: NaiveDate,
    step: Step,
    start: NaiveDateTime,
) -> Option<DateTime<Utc>> {
    let date = start.date();
    let next = match step {
        Step::Minutes(minutes) => {
            let elapsed = i64::try_from(minutes).ok()?;
            return instant(zone, start)
                .checked_add_signed(chrono::Duration::try_minutes(elapsed)?);
        }
        Step::Days(_) => step_date(date, step, 1)?,
        Step::Months(months) => {
            let on_grid = u64::try_from(months_between(origin, date))
                .ok()
                .filter(|m| months > 0 && m % months == 0)
                .map(|m| m / months)
                .filter(|&k| step_date(origin, step, k) == Some(date));
            match on_grid {
                Some(k) => step_date(origin, step, k.checked_add(1)?)?,
                None => step_date(date, step, 1)?,
            }
        }
    };
    Some(instant(zone, next.and_time(start.time())))
}

/// The local day holding instant `at`: the day `d` with
/// `day(d).0 <= at < day(d + 1).0`. Usually the local date of `at`; not
/// when a repeated hour straddles midnight.
pub fn day_holding(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    let mut date = local(zone, at).date();
    // Offsets change by at most a day, so one or two corrections suffice.
    for _ in 0..3 {
        match date.pred_opt() {
            Some(before) if day_start(zone, date) > at => date = before,
            _ => break,
        }
    }
    for _ in 0..3 {
        match date.succ_opt() {
            Some(after) if day_start(zone, after) <= at => date = after,
            _ => break,
        }
    }
    date
}

/// The whole local days in `zone` that `[from, to)` overlaps, as
/// `[first, after_last)` (§14.12: a day overlaps when `[its start, the next
/// day's start)` meets the interval). Empty when `to <= from`.
pub fn days_overlapping(
    zone: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (NaiveDate, NaiveDate) {
    let first = day_holding(zone, from);
    if to <= from {
        return (first, first);
    }
    let last = day_holding(zone, to);
    let after_last = if day_start(zone, last) == to {
        last
    } else {
        last.succ_opt().unwrap_or(last)
    };
    (first, after_last)
}

/// The instant `minutes` of elapsed time before `at` (`None` out of range).
pub fn minutes_before(at: DateTime<Utc>, minutes: u64) -> Option<DateTime<Utc>> {
    at.checked_sub_signed(chrono::Duration::try_minutes(i64::try_from(minutes).ok()?)?)
}

/// The date `days` calendar days after `date` (`None` past the calendar).
pub fn days_after(date: NaiveDate, days: u64) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(days))
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The day before `date` (`date` itself at the calendar's start).
pub fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(date)
}

/// The closest zone name to a mistyped one: the same name in another case,
/// a city's zone (`Berlin`, `new york`), or a near spelling.
pub fn closest_zone(name: &str) -> Option<&'static str> {
    let wanted = name.trim().replace(' ', "_").to_lowercase();
    if let Some(same) = zone_names().find(|z| z.to_lowercase() == wanted) {
        return Some(same);
    }
    let city = |z: &str| z.rsplit('/').next().map(str::to_lowercase);
    if let Some(z) = zone_names().find(|z| z.contains('/') && city(z).as_deref() == Some(&wanted)) {
        return Some(z);
    }
    crate::did_you_mean::did_you_mean(name, zone_names())
}

/// A zone named on the command line (`--time-zone`), or what went wrong.
pub fn parse_zone(text: &str) -> Result<Tz, String> {
    zone(text).ok_or_else(|| match closest_zone(text) {
        Some(best) => format!("unknown time zone; did you mean `{best}`?"),
        None => "unknown time zone; use an IANA name such as `Europe/Berlin` or `UTC`".to_string(),
    })
}

/// A rotation's clock: its zone, its handoff time, and whether its times of
/// day are shown. A rotation without `time_zone`, `handoff_time`,
/// `handoff_meeting`, elapsed shift lengths or date-time starts hands over
/// at midnight UTC and is shown in whole days, as in 0.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub zone: Tz,
    pub handoff: NaiveTime,
    pub timed: bool,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            zone: Tz::UTC,
            handoff: NaiveTime::MIN,
            timed: false,
        }
    }
}

impl Clock {
    /// The instant of a start written as a date (at the handoff time) or a
    /// local date-time.
    pub fn at(&self, date: NaiveDate, time: Option<NaiveTime>) -> DateTime<Utc> {
        instant(self.zone, date.and_time(time.unwrap_or(self.handoff)))
    }

    /// `[start, end)` of a whole local day.
    pub fn day(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        day(self.zone, date)
    }

    /// The local days `[from, to)` overlaps, as `[first, after_last)`.
    pub fn days(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        days_overlapping(self.zone, from, to)
    }

    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        local(self.zone, at)
    }

    /// The same clock reading instants in `zone`, showing times of day.
    pub fn viewed_in(self, zone: Tz) -> Clock {
        Clock {
            zone,
            timed: true,
            ..self
        }
    }

    /// How a start is written in a rotation: the date when it is at the
    /// handoff time, else the local date-time (`2026-01-05T21:00`).
    pub fn written(&self, at: DateTime<Utc>) -> String {
        let local = self.local(at);
        if local.time() == self.handoff {
            local.date().to_string()
        } else {
            local.format("%Y-%m-%dT%H:%M").to_string()
        }
    }

    /// RFC 3339 with the zone's offset: `2026-01-05T09:00:00+01:00`.
    pub fn rfc3339(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }

    /// A local date-time as people read it: `2026-01-05 09:00`.
    pub fn show(&self, at: DateTime<Utc>) -> String {
        self.local(at).format("%Y-%m-%d %H:%M").to_string()
    }

    /// `[from, to)` as people read it: inclusive dates (`2026-01-05 –
    /// 2026-01-11`) for whole-day clocks, else local times and the zone
    /// (`2026-01-05 09:00 – 2026-01-12 09:00 Europe/Berlin`, the second date
    /// left out when it is the same day).
    pub fn range(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
        if !self.timed {
            let (first, after) = self.days(from, to);
            return super::date_range(first, day_before(after).max(first));
        }
        let (a, b) = (self.local(from), self.local(to));
        let end = if a.date() == b.date() {
            b.format("%H:%M").to_string()
        } else {
            b.format("%Y-%m-%d %H:%M").to_string()
        };
        format!("{} – {end} {}", self.show(from), self.zone.name())
    }

    /// One instant as people read it: the date for whole-day clocks, else
    /// `2026-01-05 09:00 Europe/Berlin`.
    pub fn moment(&self, at: DateTime<Utc>) -> String {
        if self.timed {
            format!("{} {}", self.show(at), self.zone.name())
        } else {
            day_holding(self.zone, at).to_string()
        }
    }

    /// The time that passes in `[from, to)`, in words: "7 days", "12
    /// hours", "1 day and 2 hours", "30 minutes". Elapsed, as `resolve_within`
    /// and a gap nobody covers are: 00:00 – 12:00 on the day clocks go
    /// forward is "11 hours". (`range` shows the local readings.)
    pub fn length(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
        let minutes = (to - from).num_minutes().max(0);
        let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        let unit = |n: i64, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let parts: Vec<String> = [(days, "day"), (hours, "hour"), (mins, "minute")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| unit(n, w))
            .collect();
        match parts.as_slice() {
            [] => "0 minutes".to_string(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("rfc3339")
            .with_timezone(&Utc)
    }

    fn local_dt(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").expect("local")
    }

    #[test]
    fn a_time_in_the_gap_is_the_first_instant_after_it() {
        let berlin = zone("Europe/Berlin").expect("zone");
        // 2026-03-29 02:00 CET → 03:00 CEST: 02:30 does not exist.
        assert_eq!(
            instant(berlin, local_dt("2026-03-29T02:30")),
            at("2026-03-29T01:00:00Z")
        );
        assert_eq!(
            instant(berlin, local_dt("2026-03-29T02:00")),
            at("2026-03-29T01:00:00Z")
        );
        assert_eq!(
            instant(berlin, local_dt("2026-03-29T03:00")),
            at("2026-03-29T01:00:00Z")
        );
        assert_eq!(
            instant(berlin, local_dt("2026-03-29T01:59")),
            at("2026-03-29T00:59:00Z")
        );
        let new_york = zone("America/New_York").expect("zone");
        assert_eq!(
            instant(new_york, local_dt("2026-03-08T02:15")),
            at("2026-03-08T07:00:00Z")
        );
    }

    #[test]
    fn a_repeated_time_is_the_earlier_instant() {
        let berlin = zone("Europe/Berlin").expect("zone");
        // 2026-10-25 03:00 CEST → 02:00 CET: 02:30 happens twice.
        assert_eq!(
            instant(berlin, local_dt("2026-10-25T02:30")),
            at("2026-10-25T00:30:00Z")
        );
        assert_eq!(
            instant(berlin, local_dt("2026-10-25T03:00")),
            at("2026-10-25T02:00:00Z")
        );
    }

    #[test]
    fn daily_handoffs_keep_their_local_time_across_daylight_saving() {
        let berlin = zone("Europe/Berlin").expect("zone");
        let start = NaiveDate::from_ymd_opt(2026, 3, 28).expect("date");
        let nine = NaiveTime::from_hms_opt(9, 0, 0).expect("time");
        let starts: Vec<_> = (0..3)
            .map(|n| shift_start(berlin, start, nine, Step::Days(1), n).expect("start"))
            .collect();
        assert_eq!(
            starts,
            [
                at("2026-03-28T08:00:00Z"),
                at("2026-03-29T07:00:00Z"),
                at("2026-03-30T07:00:00Z")
            ]
        );
        // Elapsed hours do not: twelve hours after 21:00 on the night of the change is 10:00.
        let twelve = Step::Minutes(12 * 60);
        let evening = NaiveTime::from_hms_opt(21, 0, 0).expect("time");
        let second = shift_start(berlin, start, evening, twelve, 1).expect("start");
        assert_eq!(local(berlin, second), local_dt("2026-03-29T10:00"));
    }

    #[test]
    fn months_from_the_31st_use_the_last_day_of_shorter_months() {
        let start = NaiveDate::from_ymd_opt(2027, 1, 31).expect("date");
        let dates: Vec<String> = (0..5)
            .map(|n| {
                step_date(start, Step::Months(1), n)
                    .expect("date")
                    .to_string()
            })
            .collect();
        assert_eq!(
            dates,
            [
                "2027-01-31",
                "2027-02-28",
                "2027-03-31",
                "2027-04-30",
                "2027-05-31"
            ]
        );
        let leap = NaiveDate::from_ymd_opt(2027, 11, 30).expect("date");
        assert_eq!(
            step_date(leap, Step::Months(3), 1)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2028-02-29")
        );
        assert_eq!(step_date(start, Step::Months(1), u64::MAX), None);
    }

    #[test]
    fn a_day_is_23_or_25_hours_on_the_changes() {
        let berlin = zone("Europe/Berlin").expect("zone");
        let span = |d: &str| {
            let (a, b) = day(
                berlin,
                NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date"),
            );
            (b - a).num_hours()
        };
        assert_eq!(
            (span("2026-03-29"), span("2026-06-01"), span("2026-10-25")),
            (23, 24, 25)
        );
    }

    #[test]
    fn monthly_counts_and_explicit_ends_follow_the_grid() {
        let d = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
        let utc = Tz::UTC;
        let month = Step::Months(1);
        let (jan31, ten) = (
            d("2026-01-31"),
            NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        );
        // Jan 31, Feb 28, Mar 31, Apr 30, May 31, Jun 30 start before Jul 1.
        assert_eq!(count_before(utc, jan31, ten, month, d("2026-07-01")), 6);
        assert_eq!(count_before(utc, jan31, ten, month, d("2026-06-30")), 5);
        assert_eq!(
            count_before(utc, jan31, ten, Step::Days(7), d("2026-02-01")),
            1
        );
        let end = |start: &str| {
            let at = local_dt(start);
            explicit_end(utc, jan31, month, at).map(|t| t.naive_utc())
        };
        // On the grid from Jan 31: Feb 28 ends Mar 31, not Mar 28.
        assert_eq!(end("2026-02-28T10:00"), Some(local_dt("2026-03-31T10:00")));
        // Off the grid: one month on.
        assert_eq!(end("2026-03-15T10:00"), Some(local_dt("2026-04-15T10:00")));
        // Hours are elapsed.
        let twelve = explicit_end(utc, jan31, Step::Minutes(720), local_dt("2026-02-01T20:30"));
        assert_eq!(
            twelve.map(|t| t.naive_utc()),
            Some(local_dt("2026-02-02T08:30"))
        );
    }

    #[test]
    fn overlapped_days_count_a_handoff_day_once_for_each_shift() {
        let d = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
        let berlin = zone("Europe/Berlin").expect("zone");
        // Monday 09:00 to Monday 09:00: both Mondays are overlapped.
        let (a, b) = (
            instant(berlin, local_dt("2026-06-01T09:00")),
            instant(berlin, local_dt("2026-06-08T09:00")),
        );
        assert_eq!(
            days_overlapping(berlin, a, b),
            (d("2026-06-01"), d("2026-06-09"))
        );
        // Midnight to midnight: whole days, as in 0.1.
        let (a, b) = day(Tz::UTC, d("2026-06-01"));
        assert_eq!(
            days_overlapping(Tz::UTC, a, b),
            (d("2026-06-01"), d("2026-06-02"))
        );
        // Santiago springs forward at midnight: 2026-09-06 starts at 01:00.
        let santiago = zone("America/Santiago").expect("zone");
        let (start, _) = day(santiago, d("2026-09-06"));
        assert_eq!(local(santiago, start), local_dt("2026-09-06T01:00"));
        assert_eq!(day_holding(santiago, start), d("2026-09-06"));
        let before = start - chrono::Duration::minutes(1);
        assert_eq!(day_holding(santiago, before), d("2026-09-05"));
    }

    #[test]
    fn clocks_read_as_people_write() {
        let berlin = zone("Europe/Berlin").expect("zone");
        let nine = NaiveTime::from_hms_opt(9, 0, 0).expect("time");
        let clock = Clock {
            zone: berlin,
            handoff: nine,
            timed: true,
        };
        let at = |text: &str| instant(berlin, local_dt(text));
        assert_eq!(clock.written(at("2026-03-30T09:00")), "2026-03-30");
        assert_eq!(clock.written(at("2026-03-30T21:00")), "2026-03-30T21:00");
        // A week of the calendar across the spring change is an hour short
        // of 7 days; a day without a change is 24 hours.
        let (a, b) = (at("2026-03-23T09:00"), at("2026-03-30T09:00"));
        assert_eq!(clock.length(a, b), "6 days and 23 hours");
        assert_eq!(
            clock.length(at("2026-03-29T00:00"), at("2026-03-29T12:00")),
            "11 hours"
        );
        assert_eq!(
            clock.length(at("2026-10-25T00:00"), at("2026-10-25T12:00")),
            "13 hours"
        );
        assert_eq!(
            clock.length(at("2026-03-30T09:00"), at("2026-04-06T09:00")),
            "7 days"
        );
        assert_eq!(
            clock.range(a, b),
            "2026-03-23 09:00 – 2026-03-30 09:00 Europe/Berlin"
        );
        assert_eq!(
            clock.length(a, at("2026-03-24T11:30")),
            "1 day, 2 hours and 30 minutes"
        );
        assert_eq!(clock.length(a, at("2026-03-23T21:00")), "12 hours");
        assert_eq!(
            clock.range(a, at("2026-03-23T21:00")),
            "2026-03-23 09:00 – 21:00 Europe/Berlin"
        );
        let days = Clock::default();
        assert_eq!(
            days.range(
                instant(Tz::UTC, local_dt("2026-01-05T00:00")),
                instant(Tz::UTC, local_dt("2026-01-12T00:00"))
            ),
            "2026-01-05 – 2026-01-11"
        );
    }

    #[test]
    fn mistyped_zones_find_the_closest_name() {
        assert_eq!(closest_zone("Europe/Berln"), Some("Europe/Berlin"));
        assert_eq!(closest_zone("europe/berlin"), Some("Europe/Berlin"));
        assert_eq!(closest_zone("Berlin"), Some("Europe/Berlin"));
        assert_eq!(closest_zone("new york"), Some("America/New_York"));
        assert_eq!(closest_zone("qqqqqqqqqq"), None);
        assert!(parse_zone("Asia/Kathmandu").is_ok());
        assert_eq!(
            parse_zone("Asia/Kolkatta").err().as_deref(),
            Some("unknown time zone; did you mean `Asia/Kolkata`?")
        );
    }

    #[test]
    fn zones_are_exact_iana_names() {
        assert!(zone("Europe/Berlin").is_some());
        assert!(zone("UTC").is_some());
        assert!(zone("Europe/Berln").is_none());
        assert!(zone_names().any(|n| n == "America/Los_Angeles"));
        assert!(!TZDB_VERSION.is_empty());
    }
}
