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
    let start = instant(zone, date.and_time(NaiveTime::MIN));
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    (start, instant(zone, next.and_time(NaiveTime::MIN)))
}

/// A shift length: calendar days or months in the zone, or elapsed minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Days(u32),
    Months(u32),
    Minutes(u64),
}

/// The local date `n` calendar steps after `start`: for months, `start`'s day
/// of the month, or the month's last day when it is shorter (§14.10).
/// `None` past the calendar's range.
pub fn step_date(start: NaiveDate, step: Step, n: u64) -> Option<NaiveDate> {
    match step {
        Step::Days(days) => start.checked_add_days(Days::new(u64::from(days).checked_mul(n)?)),
        Step::Months(months) => {
            let total = i64::from(start.month0())
                + i64::try_from(u64::from(months).checked_mul(n)?).ok()?;
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
    fn zones_are_exact_iana_names() {
        assert!(zone("Europe/Berlin").is_some());
        assert!(zone("UTC").is_some());
        assert!(zone("Europe/Berln").is_none());
        assert!(zone_names().any(|n| n == "America/Los_Angeles"));
        assert!(!TZDB_VERSION.is_empty());
    }
}
