//! Holiday calendars: builtin ones computed for any year, and user calendars
//! (`Holidays` documents).

use chrono::{Datelike, NaiveDate, Weekday};

use crate::document::DocId;
use crate::model::{HolidaySpec, Holidays};

/// Names of the builtin calendars.
pub const BUILTIN_CALENDARS: [&str; 2] = ["us-federal", "us-major"];

/// When a holiday falls, each year or once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayRule {
    /// The same month and day every year (`date: MM-DD`); Feb 29 only in leap years.
    Yearly { month: u32, day: u32 },
    /// One date (`date: YYYY-MM-DD`).
    Once(NaiveDate),
    /// The nth weekday of a month; negative `nth` counts from the month's end.
    /// A 5th weekday that a month lacks yields no date that year.
    NthWeekday {
        month: u32,
        weekday: Weekday,
        nth: i32,
    },
}

impl HolidayRule {
    /// The date of this holiday in `year`, if it has one then.
    pub fn date_in(self, year: i32) -> Option<NaiveDate> {
        match self {
            HolidayRule::Yearly { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            HolidayRule::Once(date) => (date.year() == year).then_some(date),
            HolidayRule::NthWeekday {
                month,
                weekday,
                nth,
            } => nth_weekday(year, month, weekday, nth),
        }
    }

    fn from_spec(spec: &HolidaySpec) -> Option<HolidayRule> {
        if let Some(date) = &spec.date {
            return match date.len() {
                5 => {
                    // Validated against a leap year so `02-29` is accepted.
                    let d = NaiveDate::parse_from_str(&format!("2024-{date}"), "%Y-%m-%d").ok()?;
                    Some(HolidayRule::Yearly {
                        month: d.month(),
                        day: d.day(),
                    })
                }
                _ => NaiveDate::parse_from_str(date, "%Y-%m-%d")
                    .ok()
                    .map(HolidayRule::Once),
            };
        }
        Some(HolidayRule::NthWeekday {
            month: spec.month?,
            weekday: spec.weekday?.to_chrono(),
            nth: spec.nth?,
        })
    }
}

/// The `nth` `weekday` of `month` in `year` (`nth` = -1: the last one).
pub fn nth_weekday(year: i32, month: u32, weekday: Weekday, nth: i32) -> Option<NaiveDate> {
    if nth == 0 || !(-5..=5).contains(&nth) {
        return None;
    }
    let found = if nth > 0 {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(nth).ok()?)
    } else {
        let first_of_next = if month == 12 {
            NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let last = first_of_next.pred_opt()?;
        let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        let last_weekday = last - chrono::Duration::days(i64::from(back));
        let weeks = i64::from(-nth - 1);
        last_weekday.checked_sub_signed(chrono::Duration::weeks(weeks))
    }?;
    (found.month() == month).then_some(found)
}

/// One holiday of a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayDef {
    pub name: String,
    pub rule: HolidayRule,
    /// Where a user holiday is defined (`/holidays/i` in that document).
    pub source: Option<(DocId, usize)>,
}

/// A resolved calendar: builtin or from a `Holidays` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub id: String,
    pub holidays: Vec<HolidayDef>,
}

/// A holiday on a concrete date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HolidayDate {
    pub date: NaiveDate,
    pub name: String,
    /// Index of the holiday in its calendar.
    pub index: usize,
}

impl Calendar {
    /// A builtin calendar by name.
    pub fn builtin(id: &str) -> Option<Calendar> {
        use HolidayRule::{NthWeekday as Nth, Yearly};
        use Weekday::{Mon, Thu};
        let fixed = |month, day| Yearly { month, day };
        let nth = |month, weekday, nth| Nth {
            month,
            weekday,
            nth,
        };
        let list: &[(&str, HolidayRule)] = match id {
            "us-federal" => &[
                ("New Year's Day", fixed(1, 1)),
                ("Martin Luther King Jr. Day", nth(1, Mon, 3)),
                ("Presidents' Day", nth(2, Mon, 3)),
                ("Memorial Day", nth(5, Mon, -1)),
                ("Juneteenth", fixed(6, 19)),
                ("Independence Day", fixed(7, 4)),
                ("Labor Day", nth(9, Mon, 1)),
                ("Columbus Day", nth(10, Mon, 2)),
                ("Veterans Day", fixed(11, 11)),
                ("Thanksgiving Day", nth(11, Thu, 4)),
                ("Christmas Day", fixed(12, 25)),
            ],
            "us-major" => &[
                ("New Year's Day", fixed(1, 1)),
                ("Independence Day", fixed(7, 4)),
                ("Labor Day", nth(9, Mon, 1)),
                ("Thanksgiving Day", nth(11, Thu, 4)),
                ("Christmas Day", fixed(12, 25)),
            ],
            _ => return None,
        };
        Some(Calendar {
            id: id.to_string(),
            holidays: list
                .iter()
                .map(|(name, rule)| HolidayDef {
                    name: (*name).to_string(),
                    rule: *rule,
                    source: None,
                })
                .collect(),
        })
    }

    /// A calendar from a `Holidays` document. Entries with an impossible date
    /// (reported by the `schema` rule) are left out.
    pub fn from_document(doc: DocId, holidays: &Holidays) -> Calendar {
        Calendar {
            id: holidays.id.clone(),
            holidays: holidays
                .holidays
                .iter()
                .enumerate()
                .filter_map(|(i, spec)| {
                    Some(HolidayDef {
                        name: spec.name.clone(),
                        rule: HolidayRule::from_spec(spec)?,
                        source: Some((doc, i)),
                    })
                })
                .collect(),
        }
    }

    /// Every holiday date in `[from, to)`, sorted by date then calendar order.
    pub fn dates(&self, from: NaiveDate, to: NaiveDate) -> Vec<HolidayDate> {
        let mut out = Vec::new();
        if to <= from {
            return out;
        }
        for year in from.year()..=to.year() {
            for (index, h) in self.holidays.iter().enumerate() {
                if let Some(date) = h.rule.date_in(year) {
                    if date >= from && date < to {
                        out.push(HolidayDate {
                            date,
                            name: h.name.clone(),
                            index,
                        });
                    }
                }
            }
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn named(calendar: &str, name: &str) -> Vec<NaiveDate> {
        let cal = Calendar::builtin(calendar).unwrap();
        cal.dates(d("2024-01-01"), d("2031-01-01"))
            .into_iter()
            .filter(|h| h.name == name)
            .map(|h| h.date)
            .collect()
    }

    fn dates(list: &[&str]) -> Vec<NaiveDate> {
        list.iter().map(|s| d(s)).collect()
    }

    #[test]
    fn us_federal_2024_to_2030() {
        let cases: &[(&str, [&str; 7])] = &[
            (
                "New Year's Day",
                [
                    "2024-01-01",
                    "2025-01-01",
                    "2026-01-01",
                    "2027-01-01",
                    "2028-01-01",
                    "2029-01-01",
                    "2030-01-01",
                ],
            ),
            (
                "Martin Luther King Jr. Day",
                [
                    "2024-01-15",
                    "2025-01-20",
                    "2026-01-19",
                    "2027-01-18",
                    "2028-01-17",
                    "2029-01-15",
                    "2030-01-21",
                ],
            ),
            (
                "Presidents' Day",
                [
                    "2024-02-19",
                    "2025-02-17",
                    "2026-02-16",
                    "2027-02-15",
                    "2028-02-21",
                    "2029-02-19",
                    "2030-02-18",
                ],
            ),
            (
                "Memorial Day",
                [
                    "2024-05-27",
                    "2025-05-26",
                    "2026-05-25",
                    "2027-05-31",
                    "2028-05-29",
                    "2029-05-28",
                    "2030-05-27",
                ],
            ),
            (
                "Juneteenth",
                [
                    "2024-06-19",
                    "2025-06-19",
                    "2026-06-19",
                    "2027-06-19",
                    "2028-06-19",
                    "2029-06-19",
                    "2030-06-19",
                ],
            ),
            (
                "Independence Day",
                [
                    "2024-07-04",
                    "2025-07-04",
                    "2026-07-04",
                    "2027-07-04",
                    "2028-07-04",
                    "2029-07-04",
                    "2030-07-04",
                ],
            ),
            (
                "Labor Day",
                [
                    "2024-09-02",
                    "2025-09-01",
                    "2026-09-07",
                    "2027-09-06",
                    "2028-09-04",
                    "2029-09-03",
                    "2030-09-02",
                ],
            ),
            (
                "Columbus Day",
                [
                    "2024-10-14",
                    "2025-10-13",
                    "2026-10-12",
                    "2027-10-11",
                    "2028-10-09",
                    "2029-10-08",
                    "2030-10-14",
                ],
            ),
            (
                "Veterans Day",
                [
                    "2024-11-11",
                    "2025-11-11",
                    "2026-11-11",
                    "2027-11-11",
                    "2028-11-11",
                    "2029-11-11",
                    "2030-11-11",
                ],
            ),
            (
                "Thanksgiving Day",
                [
                    "2024-11-28",
                    "2025-11-27",
                    "2026-11-26",
                    "2027-11-25",
                    "2028-11-23",
                    "2029-11-22",
                    "2030-11-28",
                ],
            ),
            (
                "Christmas Day",
                [
                    "2024-12-25",
                    "2025-12-25",
                    "2026-12-25",
                    "2027-12-25",
                    "2028-12-25",
                    "2029-12-25",
                    "2030-12-25",
                ],
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(named("us-federal", name), dates(expected), "{name}");
        }
        let all = Calendar::builtin("us-federal")
            .unwrap()
            .dates(d("2026-01-01"), d("2027-01-01"));
        assert_eq!(all.len(), 11);
    }

    #[test]
    fn us_major_is_the_five_big_ones() {
        let cal = Calendar::builtin("us-major").unwrap();
        let names: Vec<_> = cal.holidays.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "New Year's Day",
                "Independence Day",
                "Labor Day",
                "Thanksgiving Day",
                "Christmas Day"
            ]
        );
        assert_eq!(
            named("us-major", "Thanksgiving Day"),
            named("us-federal", "Thanksgiving Day")
        );
        assert!(Calendar::builtin("uk").is_none());
    }

    #[test]
    fn nth_weekday_from_either_end() {
        use Weekday::*;
        assert_eq!(nth_weekday(2026, 11, Thu, 4), Some(d("2026-11-26")));
        assert_eq!(nth_weekday(2026, 11, Thu, -1), Some(d("2026-11-26")));
        assert_eq!(nth_weekday(2026, 12, Thu, -1), Some(d("2026-12-31")));
        assert_eq!(nth_weekday(2026, 12, Thu, -2), Some(d("2026-12-24")));
        assert_eq!(nth_weekday(2026, 12, Thu, 5), Some(d("2026-12-31")));
        // December 2026 has four Mondays: no 5th, no 5th-from-last.
        assert_eq!(nth_weekday(2026, 12, Mon, 5), None);
        assert_eq!(nth_weekday(2026, 12, Mon, -5), None);
        assert_eq!(nth_weekday(2026, 12, Mon, -4), Some(d("2026-12-07")));
        // No 6th or 6th-from-last of anything.
        assert_eq!(nth_weekday(2026, 12, Thu, 6), None);
        assert_eq!(nth_weekday(2026, 12, Thu, -6), None);
        assert_eq!(nth_weekday(2026, 6, Mon, 5), Some(d("2026-06-29")));
        assert_eq!(nth_weekday(2026, 6, Mon, -5), Some(d("2026-06-01")));
        assert_eq!(nth_weekday(2026, 6, Mon, 0), None);
        assert_eq!(nth_weekday(2026, 13, Mon, 1), None);
    }

    #[test]
    fn user_calendars() {
        use crate::model::WeekdayName;
        let spec =
            |name: &str, date: Option<&str>, m: Option<(u32, WeekdayName, i32)>| HolidaySpec {
                name: name.into(),
                date: date.map(Into::into),
                month: m.map(|m| m.0),
                weekday: m.map(|m| m.1),
                nth: m.map(|m| m.2),
            };
        let doc = Holidays {
            id: "company".into(),
            name: None,
            holidays: vec![
                spec("Christmas", Some("12-25"), None),
                spec("Offsite", Some("2026-06-12"), None),
                spec("Leap day", Some("02-29"), None),
                spec("Memorial Day", None, Some((5, WeekdayName::Mon, -1))),
                spec("Fifth Monday", None, Some((6, WeekdayName::Mon, 5))),
                spec("Bad", Some("02-30"), None),
            ],
        };
        let cal = Calendar::from_document(3, &doc);
        assert_eq!(cal.holidays.len(), 5, "the impossible date is left out");
        let got: Vec<(String, String)> = cal
            .dates(d("2026-01-01"), d("2029-01-01"))
            .into_iter()
            .map(|h| (h.date.to_string(), h.name))
            .collect();
        let want: Vec<(String, String)> = [
            ("2026-05-25", "Memorial Day"),
            ("2026-06-12", "Offsite"),
            // June has five Mondays in 2026, four in 2027 and 2028.
            ("2026-06-29", "Fifth Monday"),
            ("2026-12-25", "Christmas"),
            ("2027-05-31", "Memorial Day"),
            ("2027-12-25", "Christmas"),
            ("2028-02-29", "Leap day"),
            ("2028-05-29", "Memorial Day"),
            ("2028-12-25", "Christmas"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, want);
        let fifth = HolidayRule::NthWeekday {
            month: 6,
            weekday: Weekday::Mon,
            nth: 5,
        };
        assert_eq!(fifth.date_in(2027), None);
        assert_eq!(fifth.date_in(2025), Some(d("2025-06-30")));
    }

    #[test]
    fn dates_window_is_half_open_and_spans_year_ends() {
        let cal = Calendar::builtin("us-major").unwrap();
        let got: Vec<_> = cal
            .dates(d("2026-12-25"), d("2027-01-01"))
            .into_iter()
            .map(|h| h.date)
            .collect();
        assert_eq!(got, dates(&["2026-12-25"]));
        let got: Vec<_> = cal
            .dates(d("2026-12-21"), d("2027-01-04"))
            .into_iter()
            .map(|h| h.name)
            .collect();
        assert_eq!(got, ["Christmas Day", "New Year's Day"]);
        assert!(cal.dates(d("2027-01-04"), d("2026-12-21")).is_empty());
    }
}
