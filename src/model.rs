//! The typed model: schema-valid documents deserialised into structs that rules
//! and the schedule engine read. Every item remembers its document so findings
//! can point back at it.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU64;
use std::sync::Arc;

use foldhash::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::document::{DocId, Document, Kind};
use crate::finding::{Diagnostic, Location};
use crate::reference::{Name, RefField, Reference};
use crate::schedule::time::{self, Step};
use crate::schedule::window::Window;

/// A whole number of minutes, written `30m`, `24h`, `7d` or `2w`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    /// The minutes plus one: never zero, so an optional duration is one
    /// word (a pipeline's `sla` holds three).
    minutes_and_one: NonZeroU64,
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Duration")
            .field("minutes", &self.minutes())
            .finish()
    }
}

impl Duration {
    /// `None` only for `u64::MAX` minutes, which no duration can hold.
    pub const fn from_minutes(minutes: u64) -> Option<Duration> {
        match minutes.checked_add(1) {
            Some(stored) => match NonZeroU64::new(stored) {
                Some(minutes_and_one) => Some(Duration { minutes_and_one }),
                None => None,
            },
            None => None,
        }
    }

    pub const fn minutes(self) -> u64 {
        self.minutes_and_one.get() - 1
    }

    pub fn parse(text: &str) -> Option<Duration> {
        let unit = text.chars().last()?;
        let number: u64 = text.get(..text.len() - unit.len_utf8())?.parse().ok()?;
        let factor = match unit {
            'm' => 1,
            'h' => 60,
            'd' => 60 * 24,
            'w' => 60 * 24 * 7,
            _ => return None,
        };
        Duration::from_minutes(number.checked_mul(factor)?)
    }

    /// Whole days, when the duration is a multiple of a day.
    pub fn whole_days(self) -> Option<i64> {
        let minutes = self.minutes();
        (minutes % (60 * 24) == 0).then_some((minutes / (60 * 24)) as i64)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes();
        let (n, unit) = if m % (60 * 24 * 7) == 0 {
            (m / (60 * 24 * 7), "w")
        } else if m % (60 * 24) == 0 {
            (m / (60 * 24), "d")
        } else if m % 60 == 0 {
            (m / 60, "h")
        } else {
            (m, "m")
        };
        write!(f, "{n}{unit}")
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Duration::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a duration")))
    }
}

/// A rotation's `shift_length`: a duration (`12h`, `1d`, `1w`) or calendar
/// months (`1mo`, §9). Only shift lengths take months: `1mo` is not a
/// [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShiftLength {
    Duration(Duration),
    Months(u64),
}

impl ShiftLength {
    pub fn parse(text: &str) -> Option<ShiftLength> {
        match text.strip_suffix("mo") {
            Some(number) if number.bytes().all(|b| b.is_ascii_digit()) => {
                number.parse().ok().map(ShiftLength::Months)
            }
            _ => Duration::parse(text).map(ShiftLength::Duration),
        }
    }

    /// Whole days, when the length is a multiple of a day (not for months).
    pub fn whole_days(self) -> Option<i64> {
        match self {
            ShiftLength::Duration(d) => d.whole_days(),
            ShiftLength::Months(_) => None,
        }
    }

    /// The step of the time model: calendar days, calendar months, or
    /// elapsed minutes for `h`/`m` lengths. `None` for a zero length.
    pub fn step(self) -> Option<Step> {
        match self {
            ShiftLength::Months(0) => None,
            ShiftLength::Months(n) => Some(Step::Months(n)),
            ShiftLength::Duration(d) if d.minutes() == 0 => None,
            ShiftLength::Duration(d) => Some(match d.whole_days() {
                Some(days) => Step::Days(u64::try_from(days).ok()?),
                None => Step::Minutes(d.minutes()),
            }),
        }
    }
}

impl fmt::Display for ShiftLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShiftLength::Duration(d) => d.fmt(f),
            ShiftLength::Months(n) => write!(f, "{n}mo"),
        }
    }
}

impl From<Duration> for ShiftLength {
    fn from(d: Duration) -> Self {
        ShiftLength::Duration(d)
    }
}

impl<'de> Deserialize<'de> for ShiftLength {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ShiftLength::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a shift length")))
    }
}

/// A shift's or override's `start`: a date (the rotation's `handoff_time`
/// that day) or a local date-time `2026-01-05T09:00` (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalStart {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl LocalStart {
    pub fn parse(text: &str) -> Option<LocalStart> {
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(LocalStart { date, time: None });
        }
        let at = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()?;
        Some(LocalStart {
            date: at.date(),
            time: Some(at.time()),
        })
    }
}

impl From<NaiveDate> for LocalStart {
    fn from(date: NaiveDate) -> Self {
        LocalStart { date, time: None }
    }
}

impl fmt::Display for LocalStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            None => write!(f, "{}", self.date),
            Some(t) => write!(f, "{}T{}", self.date, t.format("%H:%M")),
        }
    }
}

impl<'de> Deserialize<'de> for LocalStart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        LocalStart::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a date or a local date-time"))
        })
    }
}

/// A time of day written `HH:MM` (`handoff_time`).
fn time_of_day<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveTime>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(value
        .as_str()
        .and_then(|text| NaiveTime::parse_from_str(text, "%H:%M").ok()))
}

/// Deserialises an optional field, treating a malformed value as absent: the
/// schema rule reports it, and the rest of the document stays in the model.
///
/// The model is only ever read from `serde_json::Value`s (see
/// [`item_of`]), whose deserialisers hold no state: a field that fails can
/// be taken as absent and the next one read, without first copying the
/// field into a value of its own.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(T::deserialize(deserializer).ok())
}

/// Deserialises a list, dropping malformed entries (reported by the schema rule).
fn lenient_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(match value {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| T::deserialize(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

#[derive(Debug, Clone, Deserialize)]
pub struct Team {
    pub id: String,
    pub name: Option<String>,
    pub lead: Option<String>,
    /// The team's business areas (§8): expertise of the team as an owner.
    #[serde(default, deserialize_with = "lenient")]
    pub areas: Option<Vec<String>>,
    /// Member ids of other teams who belong to this one too.
    #[serde(default, deserialize_with = "lenient_list")]
    pub also: Vec<String>,
    #[serde(default)]
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Member {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "lenient")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub areas: Option<Vec<String>>,
    /// What the person does (`profit-analyst`), for `team:T/role` references.
    #[serde(default, deserialize_with = "lenient_list")]
    pub roles: Vec<String>,
    #[serde(default, deserialize_with = "lenient_list")]
    pub unavailable: Vec<Leave>,
}

/// Declared leave; both dates inclusive.
#[derive(Debug, Clone, Deserialize)]
pub struct Leave {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Investors,
    Experiments,
    Internal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Pipeline {
    /// Shared with its document's id (see `load`).
    #[serde(deserialize_with = "shared_text")]
    pub id: Arc<str>,
    // `name` is not kept: only a created runbook's title uses it, read from
    // the file when that fix is prepared (16 bytes and a string a pipeline).
    /// Shared by the pipelines of one area.
    #[serde(deserialize_with = "interned_text")]
    pub area: Arc<str>,
    pub audience: Audience,
    pub owners: Owners,
    #[serde(default, deserialize_with = "lenient")]
    pub runbook: Option<Box<str>>,
    #[serde(default, deserialize_with = "lenient")]
    pub sla: Option<Sla>,
    /// Boxed: 56 bytes inline, and only pipelines for investors need one.
    #[serde(default, deserialize_with = "lenient")]
    pub escalation: Option<Box<Escalation>>,
    /// Boxed: most pipelines have none, and inline it would make every
    /// pipeline a third larger.
    #[serde(default, deserialize_with = "lenient")]
    pub raci: Option<Box<Raci>>,
    /// When someone must be on call for it (§10); `None`: the default for
    /// its audience (see [`Pipeline::on_call`]). Boxed like `raci`: a window
    /// is 136 bytes, and most pipelines write none.
    #[serde(default, rename = "on_call", deserialize_with = "lenient")]
    pub on_call_written: Option<Box<OnCall>>,
}

fn shared_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    String::deserialize(d).map(Into::into)
}

fn shared_texts<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Arc<str>>, D::Error> {
    Vec::<String>::deserialize(d).map(|texts| texts.into_iter().map(Into::into).collect())
}

fn shared_optional_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Name>, D::Error> {
    Option::<String>::deserialize(d).map(|text| text.map(|text| Name::interned(&text)))
}

fn shared_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
    String::deserialize(d).map(|text| Name::interned(&text))
}

fn interned_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    String::deserialize(d).map(|text| crate::reference::interned(&text))
}

impl Pipeline {
    /// When the pipeline needs someone on call: as written, else `always`
    /// for `audience: investors` and `none` otherwise (§10).
    pub fn on_call(&self) -> OnCall {
        match self.on_call_written.as_deref() {
            Some(written) => written.clone(),
            None if self.audience == Audience::Investors => OnCall::Always,
            None => OnCall::None,
        }
    }
}

/// A pipeline's `on_call` (§10): `none`, `always`, or a window with an
/// optional zone (default: the zone of the covering rotation on call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnCall {
    None,
    Always,
    Window {
        window: Window,
        /// IANA name as written; an unknown one is a `schema` finding.
        time_zone: Option<String>,
    },
}

impl OnCall {
    /// The window needed; `None` for `on_call: none`.
    pub fn window(&self) -> Option<Window> {
        match self {
            OnCall::None => None,
            OnCall::Always => Window::new(None, None, None).ok(),
            OnCall::Window { window, .. } => Some(window.clone()),
        }
    }

    /// The zone the window is read in, when given and known.
    pub fn zone(&self) -> Option<time::Tz> {
        match self {
            OnCall::Window {
                time_zone: Some(name),
                ..
            } => time::zone(name),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for OnCall {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Value::deserialize(deserializer)? {
            Value::String(s) if s == "none" => Ok(OnCall::None),
            Value::String(s) if s == "always" => Ok(OnCall::Always),
            Value::Object(mut map) => {
                let time_zone = match map.remove("time_zone") {
                    None => None,
                    Some(Value::String(name)) => Some(name),
                    Some(_) => return Err(D::Error::custom("`time_zone` is not a string")),
                };
                let window = Window::deserialize(Value::Object(map)).map_err(D::Error::custom)?;
                Ok(OnCall::Window { window, time_zone })
            }
            _ => Err(D::Error::custom(
                "`on_call` is `none`, `always` or a window",
            )),
        }
    }
}

/// `sla.report_due` (§10): the report is due at the end of that local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportDue {
    /// Every Sunday.
    EndOfWeek,
    /// The last day of every month.
    EndOfMonth,
    /// March 31, June 30, September 30 and December 31.
    EndOfQuarter,
}

impl ReportDue {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportDue::EndOfWeek => "end-of-week",
            ReportDue::EndOfMonth => "end-of-month",
            ReportDue::EndOfQuarter => "end-of-quarter",
        }
    }
}

/// A malformed owner reference fails the pipeline, as a wrongly typed owner
/// did in 0.1: rules would otherwise judge a pipeline with half its owners.
#[derive(Debug, Clone, Deserialize)]
pub struct Owners {
    pub primary: RefField,
    pub secondary: RefField,
}

/// Who is responsible, accountable, consulted and informed (§8). Each field
/// is dropped on its own when malformed (the schema rule reports it).
#[derive(Debug, Clone, Deserialize)]
pub struct Raci {
    #[serde(default, deserialize_with = "lenient")]
    pub responsible: Option<RefField>,
    #[serde(default, deserialize_with = "lenient")]
    pub accountable: Option<Reference>,
    #[serde(default, deserialize_with = "lenient")]
    pub consulted: Option<RefField>,
    #[serde(default, deserialize_with = "lenient")]
    pub informed: Option<RefField>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Sla {
    #[serde(default, deserialize_with = "lenient")]
    pub warn_after: Option<Duration>,
    #[serde(default, deserialize_with = "lenient")]
    pub alarm_after: Option<Duration>,
    #[serde(default, deserialize_with = "lenient")]
    pub resolve_within: Option<Duration>,
    #[serde(default, deserialize_with = "lenient")]
    pub report_due: Option<ReportDue>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Escalation {
    pub after: Duration,
    #[serde(default, deserialize_with = "lenient")]
    pub major_incident: Option<Reference>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Rotation {
    pub id: String,
    pub name: Option<String>,
    /// Shared with its document's `Refs::covers` (see `load`).
    #[serde(default, deserialize_with = "shared_texts")]
    pub covers: Vec<Arc<str>>,
    pub shift_length: ShiftLength,
    pub start: NaiveDate,
    pub until: Option<NaiveDate>,
    pub roster: Option<Vec<String>>,
    pub shifts: Option<Vec<ShiftSpec>>,
    #[serde(default, deserialize_with = "lenient")]
    pub holidays: Option<RotationHolidays>,
    #[serde(default, deserialize_with = "lenient_list")]
    pub overrides: Vec<Override>,
    /// IANA zone name as written; `None` is UTC. An unknown name is a
    /// `schema` finding and leaves the rotation unexpanded.
    #[serde(default, deserialize_with = "lenient")]
    pub time_zone: Option<String>,
    /// Local time of every handoff; `None` is 00:00.
    #[serde(default, deserialize_with = "time_of_day")]
    pub handoff_time: Option<NaiveTime>,
    /// A meeting of this length ends at each handoff between different primaries.
    #[serde(default, deserialize_with = "lenient")]
    pub handoff_meeting: Option<Duration>,
    /// When within a shift duty applies (§10); `None`: always. A malformed
    /// window is a `schema` finding and leaves the rotation on call always.
    #[serde(default, deserialize_with = "lenient")]
    pub coverage: Option<Window>,
}

impl Rotation {
    /// Whether the rotation uses times of day (§9): a zone, a handoff time or
    /// meeting, coverage `hours`, an elapsed shift length, or a start written
    /// as a date-time.
    /// Without them it hands over at midnight UTC and reads as in 0.1.
    pub fn uses_time_of_day(&self) -> bool {
        self.time_zone.is_some()
            || self.handoff_time.is_some()
            || self.coverage.as_ref().is_some_and(|w| w.hours().is_some())
            || self.handoff_meeting.is_some()
            || matches!(self.shift_length.step(), Some(Step::Minutes(_)))
            || self.shifts.iter().flatten().any(|s| s.start.time.is_some())
            || self.overrides.iter().any(|o| o.start.time.is_some())
    }

    /// Whether the rotation's `coverage` leaves any time out: without it,
    /// every shift is duty all through.
    pub fn has_window(&self) -> bool {
        self.coverage.as_ref().is_some_and(|w| !w.is_always())
    }

    /// The rotation's zone; `None` when `time_zone` names no IANA zone.
    pub fn zone(&self) -> Option<time::Tz> {
        match &self.time_zone {
            None => Some(time::Tz::UTC),
            Some(name) => time::zone(name),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShiftSpec {
    pub start: LocalStart,
    /// Member ids, one shared name per id (those references and expanded
    /// shifts hold): a large workspace writes hundreds of thousands of
    /// shifts naming a few thousand people.
    #[serde(deserialize_with = "shared_name")]
    pub primary: Name,
    #[serde(default, deserialize_with = "shared_optional_name")]
    pub secondary: Option<Name>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RotationHolidays {
    pub calendar: String,
    pub min_engineers: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Override {
    pub start: LocalStart,
    pub primary: Option<String>,
    pub secondary: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Holidays {
    pub id: String,
    pub name: Option<String>,
    pub holidays: Vec<HolidaySpec>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HolidaySpec {
    pub name: String,
    pub date: Option<String>,
    pub month: Option<u32>,
    pub weekday: Option<WeekdayName>,
    pub nth: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WeekdayName {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl WeekdayName {
    pub fn to_chrono(self) -> chrono::Weekday {
        use chrono::Weekday::*;
        match self {
            WeekdayName::Mon => Mon,
            WeekdayName::Tue => Tue,
            WeekdayName::Wed => Wed,
            WeekdayName::Thu => Thu,
            WeekdayName::Fri => Fri,
            WeekdayName::Sat => Sat,
            WeekdayName::Sun => Sun,
        }
    }
}

/// A model item and the document it came from.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    pub doc: DocId,
    pub item: T,
}

/// Where a member is defined: team entry index and member index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberRef {
    pub team: usize,
    pub member: usize,
}

#[derive(Debug, Default)]
pub struct Model {
    pub teams: Vec<Entry<Team>>,
    /// Boxed: moved from the load stage without copying, the bulk of a model.
    pub pipelines: Vec<Entry<Box<Pipeline>>>,
    pub rotations: Vec<Entry<Rotation>>,
    pub calendars: Vec<Entry<Holidays>>,
    /// Per document, whether it is a pipeline whose id some rotation
    /// covers, including rotations that failed to load (see
    /// [`Model::is_covered`]). Flags, not a set of id strings: a large
    /// workspace covers a hundred thousand pipelines.
    covered: Vec<bool>,
    /// First definition of each member id among valid teams.
    pub members: BTreeMap<String, MemberRef>,
    /// First team entry of each team id.
    pub team_index: BTreeMap<String, usize>,
    /// Ids that exist in the workspace, including in documents that failed the
    /// schema: references to them are not reported again as unknown.
    pub known: KnownIds,
    /// Problems the schema cannot express (a leave that ends before it starts).
    pub problems: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
pub struct KnownIds {
    pub members: HashMap<Arc<str>, DocId>,
    /// Keys shared with the documents' ids.
    pub teams: HashMap<Arc<str>, DocId>,
    pub pipelines: HashMap<Arc<str>, DocId>,
    pub calendars: HashMap<Arc<str>, DocId>,
}

impl Model {
    /// Whether any rotation, including one that failed to load, covers the
    /// pipeline `id`: an investor pipeline it covers is not reported as
    /// uncovered.
    pub fn is_covered(&self, id: &str) -> bool {
        self.known
            .pipelines
            .get(id)
            .is_some_and(|&d| self.covered.get(d) == Some(&true))
    }

    pub fn member(&self, id: &str) -> Option<&Member> {
        let r = self.members.get(id)?;
        self.teams.get(r.team)?.item.members.get(r.member)
    }

    /// The document and pointer where a member is defined.
    pub fn member_location(&self, id: &str) -> Option<Location> {
        let r = self.members.get(id)?;
        let team = self.teams.get(r.team)?;
        Some(Location::node(
            team.doc,
            format!("/members/{}/id", r.member),
        ))
    }

    pub fn team(&self, id: &str) -> Option<&Entry<Team>> {
        self.teams.get(*self.team_index.get(id)?)
    }

    /// The team that defines a member (the one listing them in `members`).
    pub fn home_team(&self, member: &str) -> Option<&Entry<Team>> {
        self.teams.get(self.members.get(member)?.team)
    }

    pub fn pipeline(&self, id: &str) -> Option<&Entry<Box<Pipeline>>> {
        self.pipelines.iter().find(|p| *p.item.id == *id)
    }

    pub fn calendar(&self, id: &str) -> Option<&Entry<Holidays>> {
        self.calendars.iter().find(|c| c.item.id == id)
    }

    /// Number of distinct members across all valid teams.
    pub fn member_count(&self) -> usize {
        self.members.len()
    }
}

/// A document deserialised into its typed form.
#[derive(Debug, Clone)]
pub enum Item {
    // Boxed: items wait in a list until the model takes them, and an unboxed
    // enum would make every slot as large as the largest kind.
    Team(Box<Team>),
    Pipeline(Box<Pipeline>),
    Rotation(Box<Rotation>),
    Holidays(Box<Holidays>),
}

/// Deserialises one document. Documents with schema violations are included
/// when they still deserialise (an unknown key or a bad id pattern does not
/// hide a team's leave from the schedule rules); the schema rule reports the rest.
/// Given the value itself rather than a reference, its strings move into the
/// item instead of being copied.
pub fn item_of<'de, D: Deserializer<'de>>(kind: Kind, value: D) -> Option<Item> {
    match kind {
        Kind::Team => Team::deserialize(value)
            .ok()
            .map(|t| Item::Team(Box::new(t))),
        Kind::Pipeline => Pipeline::deserialize(value)
            .ok()
            .map(|p| Item::Pipeline(Box::new(p))),
        Kind::Rotation => Rotation::deserialize(value)
            .ok()
            .map(|r| Item::Rotation(Box::new(r))),
        Kind::Holidays => Holidays::deserialize(value)
            .ok()
            .map(|h| Item::Holidays(Box::new(h))),
        Kind::Policy => None,
    }
}

/// Builds the typed model from the items the load stage deserialised
/// (`items[doc]`), and the ids every document defines. The documents are
/// changed in one way only: a rotation's `covers` then share the covered
/// pipelines' id strings (the same texts; 30,000 fewer strings in a
/// 100k-pipeline workspace).
pub fn build(documents: &mut [Document], items: Vec<Option<Item>>) -> Model {
    let mut model = Model::default();
    let count = |documents: &[Document], kind: Kind| {
        documents.iter().filter(|d| d.kind == Some(kind)).count()
    };
    model
        .known
        .pipelines
        .reserve(count(documents, Kind::Pipeline));
    for (id, doc) in documents.iter().enumerate() {
        let known = &mut model.known;
        match doc.kind {
            Some(Kind::Team) => {
                for m in doc.refs().members.iter().flatten() {
                    known.members.entry(Arc::clone(m)).or_insert(id);
                }
                if let Some(tid) = &doc.id {
                    known.teams.entry(tid.clone()).or_insert(id);
                }
            }
            Some(Kind::Pipeline) => {
                if let Some(pid) = &doc.id {
                    known.pipelines.entry(pid.clone()).or_insert(id);
                }
            }
            Some(Kind::Holidays) => {
                if let Some(cid) = &doc.id {
                    known.calendars.entry(cid.clone()).or_insert(id);
                }
            }
            _ => {}
        }
    }
    // After every pipeline id is known: a rotation may come first.
    model.covered = vec![false; documents.len()];
    let rotations = documents
        .iter_mut()
        .filter(|d| d.kind == Some(Kind::Rotation));
    for refs in rotations.filter_map(|d| d.refs.as_deref_mut()) {
        for id in &mut refs.covers {
            if let Some(flag) =
                share_pipeline_id(&model.known, id).and_then(|d| model.covered.get_mut(d))
            {
                *flag = true;
            }
        }
    }
    model.teams.reserve_exact(count(documents, Kind::Team));
    model
        .pipelines
        .reserve_exact(count(documents, Kind::Pipeline));
    model
        .rotations
        .reserve_exact(count(documents, Kind::Rotation));
    model
        .calendars
        .reserve_exact(count(documents, Kind::Holidays));
    for (id, item) in items.into_iter().enumerate() {
        match item {
            Some(Item::Team(team)) => {
                check_leave(&mut model.problems, id, &team);
                model.teams.push(Entry {
                    doc: id,
                    item: *team,
                });
            }
            Some(Item::Pipeline(item)) => {
                check_pipeline(&mut model.problems, id, &item);
                model.pipelines.push(Entry { doc: id, item });
            }
            Some(Item::Rotation(mut item)) => {
                check_rotation(&mut model.problems, id, &item);
                for covered in &mut item.covers {
                    share_pipeline_id(&model.known, covered);
                }
                model.rotations.push(Entry {
                    doc: id,
                    item: *item,
                });
            }
            Some(Item::Holidays(item)) => {
                check_holidays(&mut model.problems, id, &item);
                model.calendars.push(Entry {
                    doc: id,
                    item: *item,
                });
            }
            None => {}
        }
    }
    for (t, team) in model.teams.iter().enumerate() {
        model.team_index.entry(team.item.id.clone()).or_insert(t);
        for (m, member) in team.item.members.iter().enumerate() {
            model
                .members
                .entry(member.id.clone())
                .or_insert(MemberRef { team: t, member: m });
        }
    }
    model
}

/// The document of pipeline `id`, if known; `id` then holds the pipeline's
/// own string (the same text: one string per pipeline id, not another per
/// rotation covering it).
fn share_pipeline_id(known: &KnownIds, id: &mut Arc<str>) -> Option<DocId> {
    let (pipeline_id, &doc) = known.pipelines.get_key_value(&**id)?;
    *id = Arc::clone(pipeline_id);
    Some(doc)
}

fn check_leave(problems: &mut Vec<Diagnostic>, doc: DocId, team: &Team) {
    for (m, member) in team.members.iter().enumerate() {
        for (l, leave) in member.unavailable.iter().enumerate() {
            if leave.to < leave.from {
                problems.push(
                    Diagnostic::new(
                        Location::node(doc, format!("/members/{m}/unavailable/{l}/to")),
                        format!(
                            "{}'s leave ends ({}) before it starts ({})",
                            member.id, leave.to, leave.from
                        ),
                    )
                    .label("before `from`")
                    .help(
                        "leave dates are inclusive: `to` is the last day away, on or after `from`",
                    ),
                );
            }
        }
    }
}

fn check_rotation(problems: &mut Vec<Diagnostic>, doc: DocId, rotation: &Rotation) {
    if let Some(until) = rotation.until {
        if until <= rotation.start {
            problems.push(
                Diagnostic::new(
                    Location::node(doc, "/until"),
                    format!(
                        "rotation `{}` ends ({until}) before its first shift starts ({})",
                        rotation.id, rotation.start
                    ),
                )
                .label("not after `start`")
                .help("`until` is exclusive: shifts start while before it, so it must be after `start`"),
            );
        }
    }
    if let Some(name) = &rotation.time_zone {
        check_zone(
            problems,
            Location::node(doc, "/time_zone"),
            name,
            &format!("rotation `{}`", rotation.id),
        );
    }
    if let Some(window) = &rotation.coverage {
        check_window(problems, doc, "/coverage", window);
    }
}

/// A `time_zone` that names no IANA zone, with the closest name.
fn check_zone(problems: &mut Vec<Diagnostic>, at: Location, name: &str, whose: &str) {
    // An empty name is the schema's `minLength` finding already.
    if name.is_empty() || time::zone(name).is_some() {
        return;
    }
    let mut help = format!(
        "a time zone is an IANA name such as `Europe/Berlin`, `America/Los_Angeles` or `UTC` (tz database {})",
        time::TZDB_VERSION
    );
    if let Some(best) = time::closest_zone(name) {
        help = format!("did you mean `{best}`? {help}");
    }
    problems.push(
        Diagnostic::new(at, format!("unknown time zone `{name}` in {whose}"))
            .label("not an IANA time zone")
            .help(help),
    );
}

/// Hours with equal start and end (§14.14): neither nothing nor the whole
/// day is what anyone means by them.
fn check_window(problems: &mut Vec<Diagnostic>, doc: DocId, pointer: &str, window: &Window) {
    if !window.has_empty_hours() {
        return;
    }
    let text = window.spec.hours.as_deref().unwrap_or_default();
    problems.push(
        Diagnostic::new(
            Location::node(doc, format!("{pointer}/hours")),
            format!("`{}.hours`: `{text}` starts and ends at the same time", &pointer[1..]),
        )
        .label("empty or the whole day?")
        .help("leave out `hours` for the whole day; otherwise end at another time, like `\"09:00-17:00\"` (`\"22:00-06:00\"` runs past midnight, `\"17:00-24:00\"` to midnight)"),
    );
}

fn check_pipeline(problems: &mut Vec<Diagnostic>, doc: DocId, pipeline: &Pipeline) {
    if let Some(OnCall::Window { window, time_zone }) = pipeline.on_call_written.as_deref() {
        check_window(problems, doc, "/on_call", window);
        if let Some(name) = time_zone {
            check_zone(
                problems,
                Location::node(doc, "/on_call/time_zone"),
                name,
                &format!("the `on_call` of pipeline `{}`", pipeline.id),
            );
        }
    }
}

fn check_holidays(problems: &mut Vec<Diagnostic>, doc: DocId, calendar: &Holidays) {
    for (i, holiday) in calendar.holidays.iter().enumerate() {
        let Some(date) = &holiday.date else { continue };
        let ok = match date.len() {
            5 => NaiveDate::parse_from_str(&format!("2024-{date}"), "%Y-%m-%d").is_ok(),
            _ => NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
        };
        if !ok {
            problems.push(
                Diagnostic::new(
                    Location::node(doc, format!("/holidays/{i}/date")),
                    format!("holiday `{}` has no such date `{date}`", holiday.name),
                )
                .label("no such day"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_compare_numerically() {
        let d = |s| Duration::parse(s).unwrap();
        assert!(d("30m") < d("24h"));
        assert!(d("48h") < d("7d"));
        assert_eq!(d("7d"), d("1w"));
        assert_eq!(d("2w").to_string(), "2w");
        assert_eq!(d("90m").to_string(), "90m");
        assert_eq!(Duration::parse("9999999999999999999w"), None);
        assert_eq!(Duration::parse("1y"), None);
        assert_eq!(Duration::parse(""), None);
    }

    /// The sizes a 100k-pipeline workspace's memory budget rests on
    /// (BENCHMARKS.md, issue 20): a field that grows one of them shows here.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn sizes_of_what_a_large_model_holds() {
        use std::mem::size_of;
        assert_eq!(size_of::<crate::reference::Reference>(), 16);
        assert_eq!(size_of::<crate::reference::RefField>(), 32);
        assert_eq!(size_of::<Pipeline>(), 176);
        assert_eq!(size_of::<crate::document::Document>(), 48);
        assert_eq!(size_of::<crate::source::SourceFile>(), 72);
        assert_eq!(size_of::<crate::schedule::Shift>(), 136);
    }
}
