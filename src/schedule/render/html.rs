//! `--format html`: the schedule page. One self-contained file (inline CSS and
//! a small inline script, nothing fetched): per rotation who is on call today,
//! the load per person as bars with the balance score, the rotation's findings,
//! and a month calendar (weeks as rows) with each day's primary and secondary.
//!
//! Written with maud (see docs/design.md, "The schedule page"): the markup is
//! checked when steward compiles and every value spliced into it is escaped by
//! maud's one escaper. The only text written unescaped is this file's own
//! constants, [`STYLE`] and [`SCRIPT`]; no user text reaches an `id`, a class
//! name, the stylesheet or the script.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{score, shifts, total_scope, unmatched_note, with_duty, Section, View};
use crate::finding::{Location, Severity};
use crate::report::ResolvedFinding;
use crate::schedule::load::{Load, PersonLoad};
use crate::schedule::time::Clock;
use crate::schedule::{
    date_range, window, Assignment, Form, NotExpanded, Origin, Role, RotationSchedule, Shift,
    MAX_SHIFTS,
};

/// At most this many months of calendar per rotation.
const MAX_MONTHS: u32 = 60;
/// At most this many calendar days on one page, all rotations together: the
/// page of a workspace with a thousand rotations stays a few megabytes.
const MAX_PAGE_DAYS: usize = 18_300;
/// Person colours (`c0`…): one per person, repeating after this many. Colour
/// is never the only signal: every chip carries the person's name.
const COLOURS: usize = 10;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [(&str, &str); 7] = [
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
    ("Sun", "Sunday"),
];

pub fn render(view: &View<'_>) -> String {
    let sections = view.sections();
    let people = People::new(view, &sections);
    let page = Page {
        view,
        people,
        timed: sections.iter().any(|s| s.rs.clock.timed),
        windowed: sections.iter().any(|s| s.rot.has_window()),
    };
    let mut budget = MAX_PAGE_DAYS;
    let rotations: Vec<Markup> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| page.rotation(i, s, &mut budget))
        .collect();
    let markup = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n" meta charset="utf-8";
                "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                "\n" meta name="generator" content="steward schedule --format html";
                "\n" title { "On-call schedule" }
                "\n" style {
                    "\n" (PreEscaped(STYLE))
                    @if page.timed || page.windowed { (PreEscaped(DUTY_STYLE)) }
                }
                "\n"
            }
            "\n"
            body {
                "\n"
                header {
                    "\n" h1 { "On-call schedule" }
                    "\n" p.meta {
                        "Today is " (weekday(view.today)) " " (view.today)
                        @if let Some(window) = page.window_text() {
                            " · showing " (window)
                        }
                    }
                    @if !page.people.ids.is_empty() {
                        "\n" (page.filter())
                        "\n" (page.legend())
                    }
                    @if sections.len() > 1 {
                        "\n" nav.toc aria-label="Rotations" {
                            "Rotations: "
                            @for (i, s) in sections.iter().enumerate() {
                                @if i > 0 { " · " }
                                a href=(format!("#r{i}")) { (title(s)) }
                            }
                            " · " a href="#all" { "all rotations" }
                        }
                    }
                    "\n"
                }
                "\n"
                main {
                    @if sections.is_empty() {
                        "\n" p { "No rotations in the checked files." }
                    }
                    @for r in &rotations { "\n" (r) }
                    @if sections.len() > 1 {
                        "\n"
                        section.rotation #all {
                            "\n" h2 { "All rotations" }
                            "\n" (page.load(&view.total(&sections), &total_scope(&sections), None))
                            "\n"
                        }
                    }
                    "\n"
                }
                "\n"
                footer {
                    p {
                        "Written by " code { "steward schedule --format html" } ". "
                        "The load counts every shift of each rotation, whatever the dates shown, "
                        "as " code { "balanced-load" } " does; findings are those of "
                        code { "steward check" } " in each rotation's file."
                    }
                }
                "\n"
                script { "\n" (PreEscaped(SCRIPT)) }
                "\n"
            }
            "\n"
        }
    };
    let mut out = markup.into_string();
    out.push('\n');
    out
}

/// Everyone on the page, in a fixed order: each rotation's roster, then the
/// others on call in it (by id). The position picks the colour.
struct People<'a> {
    ids: Vec<&'a str>,
    position: BTreeMap<&'a str, usize>,
    /// The label in calendar cells: the first name when no one else on the
    /// page shares it, else the full name (with the id when that is shared too).
    short: Vec<String>,
    /// The full name, or the id of someone who is no member.
    full: Vec<&'a str>,
}

impl<'a> People<'a> {
    fn new(view: &View<'a>, sections: &[Section<'a>]) -> People<'a> {
        let mut ids: Vec<&'a str> = Vec::new();
        let mut position = BTreeMap::new();
        for s in sections {
            let roster = s.rs.roster.iter().map(String::as_str);
            for id in roster.chain(s.rs.load.people.keys().map(String::as_str)) {
                if !position.contains_key(id) {
                    position.insert(id, ids.len());
                    ids.push(id);
                }
            }
        }
        // A member without a name (a `schema` finding) goes by their id.
        let full: Vec<&'a str> = ids
            .iter()
            .map(|id| {
                Some(view.name(id))
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or(id)
            })
            .collect();
        let first: Vec<&'a str> = full
            .iter()
            .map(|name| name.split_whitespace().next().unwrap_or(name))
            .collect();
        let tally = |labels: &[&'a str]| {
            let mut counts: BTreeMap<&'a str, usize> = BTreeMap::new();
            for label in labels {
                *counts.entry(label).or_default() += 1;
            }
            counts
        };
        let (first_count, full_count) = (tally(&first), tally(&full));
        let unique = |counts: &BTreeMap<&str, usize>, label: &str| counts.get(label) == Some(&1);
        let short = ids
            .iter()
            .zip(first.iter().zip(&full))
            .map(|(id, (first, name))| {
                if unique(&first_count, first) {
                    first.to_string()
                } else if unique(&full_count, name) {
                    name.to_string()
                } else {
                    format!("{name} ({id})")
                }
            })
            .collect();
        People {
            ids,
            position,
            short,
            full,
        }
    }

    fn colour(&self, id: &str) -> String {
        format!("c{}", self.position.get(id).copied().unwrap_or(0) % COLOURS)
    }

    fn short<'s>(&'s self, id: &'s str) -> &'s str {
        self.position
            .get(id)
            .and_then(|&i| self.short.get(i))
            .map_or(id, String::as_str)
    }

    fn full<'s>(&'s self, id: &'s str) -> &'s str {
        self.position
            .get(id)
            .and_then(|&i| self.full.get(i).copied())
            .unwrap_or(id)
    }

    /// "John Smith (john)", or the id alone for someone who is no member.
    fn described(&self, id: &str) -> String {
        let name = self.full(id);
        if name == id {
            id.to_string()
        } else {
            format!("{name} ({id})")
        }
    }
}

struct Page<'v, 'a> {
    view: &'v View<'a>,
    people: People<'a>,
    /// Whether a rotation on the page has times of day (handoffs in a day).
    timed: bool,
    /// Whether a rotation on the page has a coverage window (days off duty).
    windowed: bool,
}

/// A finding located in a rotation's document, and the days it concerns.
struct Flag<'a> {
    finding: &'a ResolvedFinding,
    /// `r0-f1`: the list entry's anchor.
    anchor: String,
    /// `r0`: the rotation's anchor, which prefixes its days'.
    rotation: String,
    /// Shown days it concerns, as runs of consecutive days.
    runs: Vec<(NaiveDate, NaiveDate)>,
}

/// Everything one calendar day shows.
struct Day<'a> {
    date: NaiveDate,
    today: bool,
    /// Who is on call that day, and when.
    on_call: OnCall<'a>,
    holidays: &'a [String],
    /// People of the rotation on leave that day.
    away: &'a [&'a str],
    /// Indices into the rotation's flags.
    flags: &'a [usize],
}

/// Who is on call on one local day of a rotation, read from its shifts'
/// duty (SPEC §9–10); the days are the rotation's own, in its zone.
struct OnCall<'a> {
    /// The shifts with duty that day, in order: one for a whole day; on a
    /// handoff day the outgoing shift, then the incoming one.
    parts: Vec<Part<'a>>,
    /// Whether some shift holds part of the day: with no parts, the day is
    /// off duty (outside the coverage window), else nobody's (a gap).
    held: bool,
    /// On a day shifts hold only in part, the times between the rotation's
    /// first shift and its last that no shift holds ("12:00–24:00"), each
    /// with where it starts: a gap inside the day.
    gaps: Vec<(DateTime<Utc>, String)>,
}

/// What a day cell lists, in time order: a shift's share, or a gap.
enum Piece<'p, 'a> {
    Part(&'p Part<'a>),
    Gap(&'p str),
}

/// One shift's share of a day.
struct Part<'a> {
    shift: &'a Shift,
    /// Where the share starts: parts and gaps show in time order.
    from: DateTime<Utc>,
    /// Where a handoff cuts the day: "until 10:00", "from 10:00", or
    /// "08:00–20:00" for a shift inside the day; `None` for the whole day.
    handoff: Option<String>,
    /// Under a coverage window, the duty hours when they are not all of the
    /// shift's share of the day: ["09:00–17:00"]; empty otherwise.
    hours: Vec<String>,
}

impl Part<'_> {
    /// "duty 09:00–17:00", "duty 00:00–06:00, 22:00–24:00".
    fn hours_text(&self) -> Option<String> {
        (!self.hours.is_empty()).then(|| format!("duty {}", self.hours.join(", ")))
    }

    /// The line above the part's people, "until 10:00 · duty 09:00–10:00",
    /// each time kept on one line; `None` for a whole day all on duty.
    fn when(&self) -> Option<Markup> {
        if self.handoff.is_none() && self.hours.is_empty() {
            return None;
        }
        Some(html! {
            span.when {
                @if let Some(handoff) = &self.handoff { span.t { (handoff) } }
                @if self.handoff.is_some() && !self.hours.is_empty() { " · " }
                @if !self.hours.is_empty() {
                    "duty "
                    @for (k, range) in self.hours.iter().enumerate() {
                        @if k > 0 { ", " }
                        span.t { (range) }
                    }
                }
            }
        })
    }
}

impl<'a> OnCall<'a> {
    /// The parts of local day `date` (in the rotation's zone) holding duty.
    /// Everything here is read from [`RotationSchedule::shifts_on`] and each
    /// shift's duty intervals; nothing is recomputed.
    fn on(rs: &'a RotationSchedule, windowed: bool, date: NaiveDate) -> OnCall<'a> {
        let clock = rs.clock;
        let (day_start, day_end) = clock.day(date);
        let held: Vec<&'a Shift> = rs
            .shifts_on(date)
            .into_iter()
            .filter_map(|i| rs.shifts.get(i))
            .collect();
        let time = |at| clock_time(clock, at, day_end);
        let parts = held
            .iter()
            .filter_map(|&shift| {
                let share = (shift.begins.max(day_start), shift.ends.min(day_end));
                let duty = window::intersect(&shift.duty, &[share]);
                if duty.is_empty() {
                    return None;
                }
                let handoff = match (share.0 > day_start, share.1 < day_end) {
                    (false, false) => None,
                    (true, false) => Some(format!("from {}", time(share.0))),
                    (false, true) => Some(format!("until {}", time(share.1))),
                    (true, true) => Some(format!("{}–{}", time(share.0), time(share.1))),
                };
                let hours = if windowed && duty != [share] {
                    duty.iter()
                        .map(|&(a, b)| format!("{}–{}", time(a), time(b)))
                        .collect()
                } else {
                    Vec::new()
                };
                Some(Part {
                    shift,
                    from: share.0,
                    handoff,
                    hours,
                })
            })
            .collect();
        // The day, between the rotation's first shift and its last, less
        // what its shifts hold.
        let gaps = match (rs.shifts.first(), rs.shifts.last()) {
            (Some(first), Some(last)) if !held.is_empty() => {
                let span = (day_start.max(first.begins), day_end.min(last.ends));
                let holds = window::union(held.iter().map(|s| (s.begins, s.ends)).collect());
                window::subtract(&[span], &holds)
                    .into_iter()
                    .map(|(a, b)| (a, format!("{}–{}", time(a), time(b))))
                    .collect()
            }
            _ => Vec::new(),
        };
        OnCall {
            parts,
            held: !held.is_empty(),
            gaps,
        }
    }

    /// Shifts hold the day, but none has duty in it.
    fn off(&self) -> bool {
        self.held && self.parts.is_empty()
    }
}

/// The local time of day of `at`, `24:00` for the end of the day.
fn clock_time(clock: Clock, at: DateTime<Utc>, day_end: DateTime<Utc>) -> String {
    if at == day_end {
        "24:00".to_string()
    } else {
        clock.local(at).format("%H:%M").to_string()
    }
}

/// The days of a rotation's calendar (inclusive).
#[derive(Debug, Clone, Copy)]
struct Shown {
    first: NaiveDate,
    last: NaiveDate,
    /// When the limits cut the calendar short: the last day it would show.
    cut: Option<NaiveDate>,
}

/// The days of one rotation's calendar, with what each shows.
struct Calendar<'a> {
    first: NaiveDate,
    last: NaiveDate,
    holidays: BTreeMap<NaiveDate, Vec<String>>,
    away: BTreeMap<NaiveDate, Vec<&'a str>>,
    flags: BTreeMap<NaiveDate, Vec<usize>>,
    cut: Option<NaiveDate>,
}

impl<'v, 'a> Page<'v, 'a> {
    /// "2026-11-01 – 2027-01-31" when `--from` or `--to` is given.
    fn window_text(&self) -> Option<String> {
        let view = self.view;
        if view.from.is_none() && view.to.is_none() {
            return None;
        }
        let from = view.from.map_or("the start".to_string(), |d| d.to_string());
        let to = view.to.map_or("the end".to_string(), |d| d.to_string());
        Some(format!("{from} – {to}"))
    }

    /// The person filter: shown by the script, so a page without JavaScript
    /// has no control that does nothing.
    fn filter(&self) -> Markup {
        html! {
            form.filter #filter hidden {
                label for="person" { "Show " }
                select #person {
                    "\n" option value="" { "everyone" }
                    @for id in &self.people.ids {
                        "\n" option value=(id) { (self.people.described(id)) }
                    }
                    "\n"
                }
            }
        }
    }

    fn legend(&self) -> Markup {
        html! {
            section.legend aria-label="Legend" {
                "\n"
                ul.people {
                    @for id in &self.people.ids {
                        "\n" li { span.who.primary.(self.people.colour(id)) { (self.people.described(id)) } }
                    }
                    "\n"
                }
                "\n"
                p.key {
                    span.who.primary.sample { "Name" } " primary · "
                    span.who.secondary.sample { "Name" } " secondary · "
                    span.mark { "*" } " set by an override · "
                    span.mark { "!" } " on call while on leave · "
                    span.holiday-name { "★ holiday" } " · "
                    span.away { "Name away" } " on leave · "
                    span.today-key { "today" } " · "
                    @if self.timed {
                        span.when { span.t { "until / from HH:MM" } } " a handoff that day, in the rotation's zone · "
                    }
                    @if self.windowed {
                        span.when { "duty " span.t { "HH:MM–HH:MM" } } " the hours on duty · "
                        span.off-duty { "no duty" } " outside the coverage window · "
                    }
                    span.flag.error { "✖1" } " " span.flag.warning { "⚠2" } " the rotation's finding 1 (an error), 2 (a warning)"
                }
                "\n"
            }
        }
    }

    fn rotation(&self, index: usize, s: &Section<'a>, budget: &mut usize) -> Markup {
        let rs = s.rs;
        let shown = self.days(rs, budget);
        let flags = self.flags(index, s, shown);
        let calendar = shown.map(|shown| self.calendar(s, shown, &flags));
        html! {
            section.rotation id=(format!("r{index}")) {
                "\n"
                h2 {
                    @if let Some(name) = &s.rot.name { (name) " " }
                    code { (rs.id) }
                }
                "\n" (self.facts(s, calendar.as_ref()))
                "\n" (self.now(s))
                "\n" h3 { "Load and balance" }
                "\n" (self.load(&rs.load, &rotation_scope(rs, s.rot.has_window()), Some(rs)))
                "\n" h3 { "Findings" }
                "\n" (self.findings(&flags))
                @if !s.unmatched.is_empty() {
                    "\n"
                    ul.notes {
                        @for (_, o) in &s.unmatched { "\n" li { (unmatched_note(o)) } }
                        "\n"
                    }
                }
                "\n" h3 { "Calendar" }
                "\n"
                @match &calendar {
                    None => p.empty { (no_calendar(self.view, rs)) },
                    Some(c) => (self.months(index, s, c, &flags)),
                }
                "\n"
            }
        }
    }

    fn facts(&self, s: &Section<'_>, calendar: Option<&Calendar<'_>>) -> Markup {
        let rs = s.rs;
        let rot = s.rot;
        let form = match rs.form {
            Form::Generated => format!("generated from a roster of {}", rs.roster.len()),
            Form::Explicit => format!("explicit, {} people", rs.roster.len()),
        };
        let shift_text = match (rs.not_expanded, rs.window()) {
            (Some(NotExpanded::ZeroLength), _) => format!(
                "not expanded: shift length {} is zero (see steward check)",
                rot.shift_length
            ),
            (Some(NotExpanded::UnknownZone), _) => {
                "not expanded: its time_zone names no IANA zone (see steward check)".to_string()
            }
            (Some(NotExpanded::Empty), _) | (None, None) => "none".to_string(),
            (None, Some((first, end))) => format!(
                "{} × {}, {} ({form})",
                rs.shifts.len(),
                rot.shift_length,
                date_range(first, end.pred_opt().unwrap_or(end))
            ),
        };
        html! {
            dl.facts {
                "\n" dt { "File" } dd { code { (s.file) } }
                @if !rot.covers.is_empty() {
                    "\n" dt { "Covers" } dd { (rot.covers.join(", ")) }
                }
                @if let Some(zone) = zone_fact(s) {
                    "\n" dt { "Zone" } dd { (zone) }
                }
                "\n" dt { "Shifts" } dd { (shift_text) }
                @if let Some(coverage) = coverage_fact(s) {
                    "\n" dt { "Coverage" } dd { (coverage) }
                }
                @if let Some(t) = rs.truncated {
                    "\n" dt { "Limit" }
                    dd { (format!(
                        "only the first {MAX_SHIFTS} of {} shifts are expanded (through {})",
                        t.total,
                        t.first_dropped.pred_opt().unwrap_or(t.first_dropped)
                    )) }
                }
                @if let Some(h) = &rot.holidays {
                    "\n" dt { "Holidays" }
                    dd {
                        (h.calendar)
                        @if rs.calendar.is_none() { " (unknown calendar)" }
                        @if let Some(m) = h.min_engineers {
                            ", " (m) @if m == 1 { " engineer each" } @else { " engineers each" }
                        }
                    }
                }
                @if let Some(c) = calendar {
                    "\n" dt { "Showing" }
                    dd {
                        (date_range(c.first, c.last))
                        @if let Some(end) = c.cut {
                            " (cut short: a page shows at most " (MAX_MONTHS) " months per rotation and "
                            (MAX_PAGE_DAYS) " days in all; " code { "--from" } " and " code { "--to" }
                            " show the rest, through " (end) ")"
                        }
                    }
                }
                "\n"
            }
        }
    }

    /// Who is on call today and in the next shift with duty; with times of
    /// day, when (both pairs on a handoff day), and under a coverage window,
    /// the duty hours or that today has none.
    fn now(&self, s: &Section<'a>) -> Markup {
        let rs = s.rs;
        let today = self.view.today;
        let Some((first, end)) = rs.window() else {
            return html! {};
        };
        let windowed = s.rot.has_window();
        let on_call = OnCall::on(rs, windowed, today);
        let current = rs.shift_at(today).and_then(|i| rs.shifts.get(i));
        // The next shift with duty: all of them without a coverage window.
        let next = rs.shifts.iter().find(|s| s.start > today && s.has_duty());
        let until = |shift: &Shift| moment(rs, shift.ends, shift.last_day());
        html! {
            p.now {
                @if today < first {
                    "The rotation starts on " (first) "."
                } @else if today >= end {
                    "The rotation ended on " (end.pred_opt().unwrap_or(end)) "."
                } @else if let Some(last) = on_call.parts.last() {
                    strong { "On call today: " }
                    @for (n, part) in on_call.parts.iter().enumerate() {
                        @if n > 0 { "; then " }
                        @if let Some(handoff) = &part.handoff { (handoff) " " }
                        (self.pair(part.shift))
                        @if let Some(hours) = part.hours_text() { ", " (hours) }
                    }
                    @if !last.hours.is_empty() { "," }
                    " until " (until(last.shift)) "."
                } @else if let Some(shift) = current.filter(|_| on_call.off()) {
                    strong { "No duty today" } " (outside the coverage window); the shift of "
                    (self.pair(shift)) " runs until " (until(shift)) "."
                } @else {
                    strong { "Nobody is on call today." }
                }
                @if let Some(shift) = next {
                    " Next, from " (moment(rs, shift.begins, shift.start)) ": " (self.pair(shift)) "."
                }
            }
        }
    }

    /// "John Smith (primary) and Emily Chen (secondary)".
    fn pair(&self, shift: &'a Shift) -> Markup {
        html! {
            span.who.primary.(self.people.colour(&shift.primary.person)) {
                (self.people.full(&shift.primary.person))
            }
            " (primary)"
            @if let Some(s) = &shift.secondary {
                " and "
                span.who.secondary.(self.people.colour(&s.person)) {
                    (self.people.full(&s.person))
                }
                " (secondary)"
            }
        }
    }

    /// Bars per person: primary and secondary shifts on one scale, holiday
    /// duty on its own; with `rs`, each person's next shifts from today.
    fn load(&self, load: &'a Load, scope: &str, rs: Option<&'a RotationSchedule>) -> Markup {
        let shifts_max = load
            .people
            .values()
            .map(|l| l.primary.max(l.secondary))
            .max()
            .unwrap_or(0);
        let holidays_max = load.people.values().map(holidays).max().unwrap_or(0);
        html! {
            p.balance {
                span.score { (score(load.balance)) }
                " balance score of primary shifts (1.00 = perfectly balanced), over " (scope) "."
            }
            "\n"
            div.scroll {
                table.load {
                    "\n"
                    thead {
                        tr {
                            th scope="col" { "Person" }
                            th scope="col" { "Primary shifts" }
                            th scope="col" { "Secondary shifts" }
                            th scope="col" { "Holiday duty (days)" }
                            @if rs.is_some() {
                                th scope="col" { "Next on call, from today" }
                            }
                        }
                    }
                    "\n"
                    tbody {
                        @for (person, l) in &load.people {
                            "\n"
                            tr data-person=(person) {
                                th scope="row" {
                                    span.swatch.(self.people.colour(person)) {}
                                    (self.people.described(person))
                                }
                                td { (bar(l.primary, shifts_max, &self.people.colour(person), "primary")) }
                                td { (bar(l.secondary, shifts_max, &self.people.colour(person), "secondary")) }
                                td { (holiday_bar(l, holidays_max, &self.people.colour(person))) }
                                @if let Some(rs) = rs {
                                    td.next {
                                        "primary: " (next_shift(rs, person, Role::Primary, self.view.today))
                                        br;
                                        "secondary: " (next_shift(rs, person, Role::Secondary, self.view.today))
                                    }
                                }
                            }
                        }
                        "\n"
                    }
                    "\n"
                }
            }
        }
    }

    /// The findings of `steward check` located in the rotation's document,
    /// with the days each names (see [`named_days`]).
    fn flags(&self, index: usize, s: &Section<'_>, shown: Option<Shown>) -> Vec<Flag<'v>> {
        let view = self.view;
        let rs = s.rs;
        let Some((file, span)) = view.workspace.span_of(&Location::node(rs.doc, "")) else {
            return Vec::new();
        };
        view.findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .filter(|f| f.file == file && span.start <= f.span.start && f.span.end <= span.end)
            .enumerate()
            .map(|(k, finding)| {
                let mut days: BTreeSet<NaiveDate> = BTreeSet::new();
                if let Some(Shown {
                    first: lo,
                    last: hi,
                    ..
                }) = shown
                {
                    for (from, to) in named_days(&finding.message) {
                        let mut day = from.max(lo);
                        while day <= to.min(hi) {
                            days.insert(day);
                            let Some(next) = day.succ_opt() else { break };
                            day = next;
                        }
                    }
                }
                // Named days on which nobody is on call are what the finding
                // is about (a gap), not the shifts around them.
                let uncovered: BTreeSet<NaiveDate> = days
                    .iter()
                    .copied()
                    .filter(|d| rs.shift_at(*d).is_none())
                    .collect();
                if !uncovered.is_empty() {
                    days = uncovered;
                } else if let Some(subject) = &finding.subject {
                    // A finding about one person marks the named days they are
                    // on call: not every day of their leave.
                    let on_call: BTreeSet<NaiveDate> = days
                        .iter()
                        .copied()
                        .filter(|d| {
                            rs.shift_at(*d)
                                .and_then(|i| rs.shifts.get(i))
                                .is_some_and(|sh| {
                                    sh.assignments().any(|(_, a)| &a.person == subject)
                                })
                        })
                        .collect();
                    if !on_call.is_empty() {
                        days = on_call;
                    }
                }
                Flag {
                    finding,
                    anchor: format!("r{index}-f{}", k + 1),
                    rotation: format!("r{index}"),
                    runs: runs(&days),
                }
            })
            .collect()
    }

    fn findings(&self, flags: &[Flag<'_>]) -> Markup {
        html! {
            @if flags.is_empty() {
                p.clean { code { "steward check" } " finds nothing in this rotation's file." }
            } @else {
                ol.findings {
                    @for (k, flag) in flags.iter().enumerate() {
                        @let f = flag.finding;
                        "\n"
                        li.finding.(f.severity.as_str()) id=(flag.anchor) data-person=[f.subject.as_ref()] {
                            span.flag.(f.severity.as_str()) { (marker(f.severity)) (k + 1) }
                            " "
                            span.severity { (f.severity.as_str()) }
                            " " code { (f.rule) } " "
                            (f.message)
                            " "
                            span.where { (f.path) ":" (f.start.line) ":" (f.start.column) }
                            @if let Some(help) = &f.help {
                                p.help { "help: " (help) }
                            }
                            @if !flag.runs.is_empty() {
                                p.days {
                                    "In the calendar: "
                                    @for (n, (from, to)) in flag.runs.iter().enumerate() {
                                        @if n > 0 { ", " }
                                        a href=(format!("#{}", day_anchor(&flag.rotation, *from))) { (date_range(*from, *to)) }
                                    }
                                }
                            }
                        }
                    }
                    "\n"
                }
            }
        }
    }

    /// The days of a rotation the page shows: inside `--from/--to`, at most
    /// [`MAX_MONTHS`] months and what is left of the page's [`MAX_PAGE_DAYS`];
    /// whole months when cut. `None` when it shows no day.
    fn days(&self, rs: &RotationSchedule, budget: &mut usize) -> Option<Shown> {
        let (first, wanted) = shown_range(self.view, rs)?;
        if *budget == 0 {
            return None;
        }
        let months_cap = first
            .with_day(1)?
            .checked_add_months(Months::new(MAX_MONTHS))
            .and_then(|d| d.pred_opt())
            .unwrap_or(wanted);
        let days_cap = u64::try_from(*budget - 1)
            .ok()
            .and_then(|n| first.checked_add_days(Days::new(n)))
            .unwrap_or(wanted);
        let mut last = wanted.min(months_cap).min(days_cap);
        if last < wanted {
            // Cut at the end of the last whole month, unless not even one fits.
            if let Some(end) = last
                .succ_opt()
                .filter(|next| next.day() != 1)
                .and_then(|_| last.with_day(1))
                .and_then(|d| d.pred_opt())
                .filter(|d| *d >= first)
            {
                last = end;
            }
        }
        let days = usize::try_from((last - first).num_days() + 1).unwrap_or(0);
        *budget = budget.saturating_sub(days);
        Some(Shown {
            first,
            last,
            cut: (last < wanted).then_some(wanted),
        })
    }

    /// What each shown day holds besides its shift.
    fn calendar(&self, s: &Section<'a>, shown: Shown, flags: &[Flag<'_>]) -> Calendar<'a> {
        let rs = s.rs;
        let Shown { first, last, cut } = shown;
        let end = last.succ_opt().unwrap_or(last);
        let mut holidays: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
        if let Some(calendar) = &rs.calendar {
            for h in calendar.dates(first, end) {
                holidays.entry(h.date).or_default().push(h.name);
            }
        }
        let mut away: BTreeMap<NaiveDate, Vec<&'a str>> = BTreeMap::new();
        for person in rs.load.people.keys() {
            for period in self.view.schedule.leave.during(person, first, end) {
                let mut day = period.from.max(first);
                while day <= period.to.min(last) {
                    let list = away.entry(day).or_default();
                    if !list.contains(&person.as_str()) {
                        list.push(person.as_str());
                    }
                    let Some(next) = day.succ_opt() else { break };
                    day = next;
                }
            }
        }
        let mut marked: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for (k, flag) in flags.iter().enumerate() {
            for &(from, to) in &flag.runs {
                let mut day = from;
                while day <= to.min(last) {
                    marked.entry(day).or_default().push(k);
                    let Some(next) = day.succ_opt() else { break };
                    day = next;
                }
            }
        }
        Calendar {
            first,
            last,
            holidays,
            away,
            flags: marked,
            cut,
        }
    }

    /// The month tables, with links to each month above them.
    fn months(
        &self,
        index: usize,
        s: &Section<'a>,
        c: &Calendar<'a>,
        flags: &[Flag<'_>],
    ) -> Markup {
        let mut months = Vec::new();
        let mut month = c.first.with_day(1);
        while let Some(m) = month.filter(|m| *m <= c.last) {
            months.push(m);
            month = m.checked_add_months(Months::new(1));
        }
        let prefix = format!("r{index}");
        html! {
            nav.months aria-label="Months" {
                @for (n, m) in months.iter().enumerate() {
                    @if n == 0 || m.month() == 1 {
                        @if n > 0 { " " }
                        span.year { (m.year()) }
                    }
                    " "
                    a href=(format!("#{prefix}-{}", m.format("%Y-%m"))) { (&month_name(*m)[..3]) }
                }
                @if (c.first..=c.last).contains(&self.view.today) {
                    " · " a href=(format!("#{}", day_anchor(&prefix, self.view.today))) { "today" }
                }
            }
            "\n"
            div.months {
                @for m in &months { "\n" (self.month(&prefix, s, c, flags, *m)) }
                "\n"
            }
        }
    }

    /// One month: a table with a row per week, Monday first.
    fn month(
        &self,
        prefix: &str,
        s: &Section<'a>,
        c: &Calendar<'a>,
        flags: &[Flag<'_>],
        month: NaiveDate,
    ) -> Markup {
        let lead = month.weekday().num_days_from_monday() as usize;
        let days_in_month = month
            .checked_add_months(Months::new(1))
            .map_or(28, |next| (next - month).num_days()) as usize;
        let cells = (lead + days_in_month).div_ceil(7) * 7;
        let weeks: Vec<Vec<Option<NaiveDate>>> = (0..cells)
            .map(|k| {
                k.checked_sub(lead)
                    .filter(|d| *d < days_in_month)
                    .and_then(|d| month.checked_add_days(Days::new(d as u64)))
            })
            .collect::<Vec<_>>()
            .chunks(7)
            .map(<[Option<NaiveDate>]>::to_vec)
            .collect();
        let no_flags: &[usize] = &[];
        let no_people: &[&str] = &[];
        let no_holidays: &[String] = &[];
        html! {
            table.month id=(format!("{prefix}-{}", month.format("%Y-%m"))) {
                "\n" caption { (month_name(month)) " " (month.year()) }
                "\n"
                thead {
                    tr {
                        @for (short, long) in WEEKDAYS {
                            th scope="col" abbr=(long) { (short) }
                        }
                    }
                }
                "\n"
                tbody {
                    @for week in &weeks {
                        "\n"
                        tr {
                            @for date in week {
                                "\n"
                                @match date {
                                    None => td.pad {},
                                    Some(date) if *date < c.first || *date > c.last => {
                                        td.day.out { span.num { (date.day()) } }
                                    },
                                    Some(date) => {
                                        (self.day_cell(prefix, s, flags, &Day {
                                            date: *date,
                                            today: *date == self.view.today,
                                            on_call: OnCall::on(s.rs, s.rot.has_window(), *date),
                                            holidays: c.holidays.get(date).map_or(no_holidays, Vec::as_slice),
                                            away: c.away.get(date).map_or(no_people, Vec::as_slice),
                                            flags: c.flags.get(date).map_or(no_flags, Vec::as_slice),
                                        }))
                                    },
                                }
                            }
                            "\n"
                        }
                    }
                    "\n"
                }
                "\n"
            }
        }
    }

    /// One day of the calendar: its number, who is on call, holidays, leave,
    /// and markers of the findings about it.
    fn day_cell(&self, prefix: &str, s: &Section<'a>, flags: &[Flag<'_>], day: &Day<'a>) -> Markup {
        let weekend = day.date.weekday().num_days_from_monday() >= 5;
        let worst = day
            .flags
            .iter()
            .filter_map(|&k| flags.get(k))
            .map(|f| f.finding.severity)
            .min();
        let override_note = |a: &Assignment| -> Option<String> {
            let Origin::Override(j, _) = a.origin else {
                return None;
            };
            let reason = s
                .rot
                .overrides
                .get(j as usize)
                .and_then(|o| o.reason.as_deref());
            Some(match reason {
                Some(r) => format!("set by an override: {r}"),
                None => "set by an override".to_string(),
            })
        };
        // The day's shares and gaps, in time order.
        let mut pieces: Vec<(DateTime<Utc>, Piece<'_, '_>)> = day
            .on_call
            .parts
            .iter()
            .map(|p| (p.from, Piece::Part(p)))
            .chain(
                day.on_call
                    .gaps
                    .iter()
                    .map(|(at, range)| (*at, Piece::Gap(range))),
            )
            .collect();
        pieces.sort_by_key(|(at, _)| *at);
        let pieces: Vec<Piece<'_, '_>> = pieces.into_iter().map(|(_, piece)| piece).collect();
        html! {
            td.day.today[day.today].weekend[weekend].holiday[!day.holidays.is_empty()]
                .gap[!day.on_call.held || !day.on_call.gaps.is_empty()].off[day.on_call.off()]
                .error[worst == Some(Severity::Error)].warning[worst == Some(Severity::Warning)]
                id=(day_anchor(prefix, day.date))
                aria-current=[day.today.then_some("date")] {
                span.num {
                    (day.date.day())
                    @if day.today { " " span.today-label { "today" } }
                }
                @for &k in day.flags {
                    @if let Some(flag) = flags.get(k) {
                        " "
                        a.flag.(flag.finding.severity.as_str())
                            href=(format!("#{}", flag.anchor))
                            title=(format!("{} {}: {}", flag.finding.severity, flag.finding.rule, flag.finding.message))
                            data-person=[flag.finding.subject.as_ref()] {
                            (marker(flag.finding.severity)) (k + 1)
                        }
                    }
                }
                @for piece in &pieces {
                    @match piece {
                        Piece::Part(part) => {
                            @let chips = html! {
                                @for (role, a) in part.shift.assignments() {
                                    (self.chip(role, a, override_note(a), day.away.contains(&a.person.as_str())))
                                }
                            };
                            @match part.when() {
                                Some(when) => span.part { (when) (chips) },
                                None => (chips),
                            }
                        }
                        Piece::Gap(range) => span.part.nobody-part {
                            span.when { span.t { (range) } }
                            span.nobody { "nobody on call" }
                        },
                    }
                }
                @if day.on_call.off() {
                    span.off-duty { "no duty" }
                } @else if !day.on_call.held {
                    span.nobody { "nobody on call" }
                }
                @for name in day.holidays {
                    span.holiday-name { "★ " (name) }
                }
                @for person in day.away {
                    span.away data-person=(person) { (self.people.short(person)) " away" }
                }
            }
        }
    }

    /// A person on call in a day cell: colour and name, role in the style and
    /// in hidden text for screen readers.
    fn chip(&self, role: Role, a: &Assignment, note: Option<String>, on_leave: bool) -> Markup {
        let person = a.person.as_str();
        let mut title = format!("{role}: {}", self.people.described(person));
        if let Some(note) = &note {
            title.push_str(" — ");
            title.push_str(note);
        }
        if on_leave {
            title.push_str(" — on leave that day");
        }
        html! {
            span.who.(role.as_str()).(self.people.colour(person)) data-person=(person) title=(title) {
                span.sr { (role.as_str()) ": " }
                (self.people.short(person))
                @if note.is_some() { span.mark { "*" } }
                @if on_leave { span.mark { "!" } }
            }
        }
    }
}

fn title(s: &Section<'_>) -> String {
    match &s.rot.name {
        Some(name) => name.clone(),
        None => s.rs.id.clone(),
    }
}

/// "America/Los_Angeles, handoff at 10:00, 30m handoff meeting", as the
/// table says it, for a rotation with times of day. The calendar's days and
/// times are the rotation's own (its holidays and leave are its local days).
fn zone_fact(s: &Section<'_>) -> Option<String> {
    let clock = s.rs.clock;
    if !clock.timed || s.rs.not_expanded == Some(NotExpanded::UnknownZone) {
        return None;
    }
    Some(super::zone_fact(clock, clock, s.rot))
}

/// "Mon–Fri, 09:00–17:00: duty in 26 of 26 shifts; …" for a rotation with
/// a coverage window (the window's own description, as in the table).
fn coverage_fact(s: &Section<'_>) -> Option<String> {
    let window = s.rot.coverage.as_ref().filter(|_| s.rot.has_window())?;
    Some(format!(
        "{}: duty in {} of {} shifts; outside it nobody is needed (marked no duty)",
        window.describe(),
        with_duty(s.rs),
        s.rs.shifts.len()
    ))
}

/// "2026-12-14" for a rotation in whole days; "2026-12-14 10:00" with times
/// of day: when a shift starts or ends.
fn moment(rs: &RotationSchedule, at: DateTime<Utc>, date: NaiveDate) -> String {
    if rs.clock.timed {
        rs.clock.show(at)
    } else {
        date.to_string()
    }
}

/// The rotation's days inside `--from/--to`: first and last (inclusive).
fn shown_range(view: &View<'_>, rs: &RotationSchedule) -> Option<(NaiveDate, NaiveDate)> {
    let (first, end) = rs.window()?;
    let last = end.pred_opt()?;
    let lo = view.from.map_or(first, |f| f.max(first));
    let hi = view.to.map_or(last, |t| t.min(last));
    (lo <= hi).then_some((lo, hi))
}

fn no_calendar(view: &View<'_>, rs: &RotationSchedule) -> String {
    if rs.window().is_none() {
        "No shifts to show.".to_string()
    } else if view.from.is_some() || view.to.is_some() {
        "No shifts between --from and --to.".to_string()
    } else {
        format!(
            "The calendar is left out: the page shows at most {MAX_PAGE_DAYS} days in all; \
             name this rotation's file or use --from and --to."
        )
    }
}

/// `r0-2026-12-25`: a day cell's anchor, after its rotation's `r0`.
fn day_anchor(rotation: &str, date: NaiveDate) -> String {
    format!("{rotation}-{date}")
}

fn month_name(date: NaiveDate) -> &'static str {
    MONTHS.get(date.month0() as usize).copied().unwrap_or("")
}

fn weekday(date: NaiveDate) -> &'static str {
    WEEKDAYS
        .get(date.weekday().num_days_from_monday() as usize)
        .map_or("", |(_, long)| long)
}

fn marker(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "✖",
        Severity::Warning => "⚠",
    }
}

/// What a rotation's load counts: all its shifts, whatever the window
/// shown; under a coverage window, those with duty (as in the table).
fn rotation_scope(rs: &RotationSchedule, windowed: bool) -> String {
    let counted = if windowed {
        format!("{} with duty", shifts(with_duty(rs)))
    } else {
        shifts(rs.shifts.len())
    };
    match rs.window() {
        Some((first, end)) => format!(
            "the whole rotation: {counted}, {}",
            date_range(first, end.pred_opt().unwrap_or(end))
        ),
        None => "the whole rotation: no shifts".to_string(),
    }
}

fn holidays(l: &PersonLoad) -> u32 {
    l.primary_holidays.saturating_add(l.secondary_holidays)
}

/// `value` of `max` as a width in tenths of a percent: "42.5%".
fn width(value: u32, max: u32) -> String {
    if max == 0 {
        return "0%".to_string();
    }
    let tenths = (u64::from(value) * 1000 + u64::from(max) / 2) / u64::from(max);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn bar(value: u32, max: u32, colour: &str, role: &str) -> Markup {
    html! {
        span.bar {
            @if value > 0 {
                span.fill.(role).(colour) style=(format!("width:{}", width(value, max))) {}
            }
        }
        span.n { (value) }
    }
}

fn holiday_bar(l: &PersonLoad, max: u32, colour: &str) -> Markup {
    html! {
        span.bar {
            @if l.primary_holidays > 0 {
                span.fill.primary.(colour) style=(format!("width:{}", width(l.primary_holidays, max))) {}
            }
            @if l.secondary_holidays > 0 {
                span.fill.secondary.(colour) style=(format!("width:{}", width(l.secondary_holidays, max))) {}
            }
        }
        span.n {
            (holidays(l))
            @if holidays(l) > 0 {
                span.split { " (" (l.primary_holidays) " primary, " (l.secondary_holidays) " secondary)" }
            }
        }
    }
}

/// The person's current or next shift in `role` from `today`: "now, until
/// 2026-11-29" ("2026-11-29 10:00" with times of day), "2026-11-30 –
/// 2026-12-06", or "none". Under a coverage window, shifts without duty
/// are nobody's time on call and are passed over.
fn next_shift(rs: &RotationSchedule, person: &str, role: Role, today: NaiveDate) -> String {
    let from = rs.shifts.partition_point(|s| s.end <= today);
    let found = rs.shifts.get(from..).unwrap_or(&[]).iter().find(|s| {
        s.end > today
            && s.has_duty()
            && s.assignments()
                .any(|(r, a)| r == role && a.person == person)
    });
    match found {
        Some(s) if s.contains(today) => {
            format!("now, until {}", moment(rs, s.ends, s.last_day()))
        }
        Some(s) => s.dates(),
        None => "none".to_string(),
    }
}

/// The days a finding's message names, as `2026-12-21 – 2026-12-27` ranges
/// and single dates. Dates in parentheses are context (the leave of
/// "while on leave (…)", "counting today (…)") and count only when the
/// message names no other.
fn named_days(message: &str) -> Vec<(NaiveDate, NaiveDate)> {
    const DASH: &str = " – ";
    let mut outside = Vec::new();
    let mut inside = Vec::new();
    let bytes = message.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let Some(first) = date_at(message, i) else {
            match b {
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
            continue;
        };
        let mut next = i + 10 + time_at(message, i + 10);
        let mut last = first;
        if message
            .get(next..)
            .is_some_and(|rest| rest.starts_with(DASH))
        {
            if let Some(d) = date_at(message, next + DASH.len()).filter(|d| *d >= first) {
                last = d;
                next += DASH.len() + 10;
                next += time_at(message, next);
            }
        }
        if depth == 0 {
            outside.push((first, last));
        } else {
            inside.push((first, last));
        }
        i = next;
    }
    if outside.is_empty() {
        inside
    } else {
        outside
    }
}

/// The length of a ` HH:MM` time of day at byte `i` (after a date, as in a
/// timed shift "2026-12-02 09:00 – 2026-12-09 09:00 Europe/Berlin"), or 0.
fn time_at(text: &str, i: usize) -> usize {
    let Some(candidate) = text.get(i..).and_then(|rest| rest.get(..6)) else {
        return 0;
    };
    let shape = candidate.bytes().enumerate().all(|(k, b)| match k {
        0 => b == b' ',
        3 => b == b':',
        _ => b.is_ascii_digit(),
    });
    let digit_after = text.as_bytes().get(i + 6).is_some_and(u8::is_ascii_digit);
    if shape && !digit_after {
        6
    } else {
        0
    }
}

/// A `YYYY-MM-DD` date starting at byte `i` and not part of a longer number.
fn date_at(text: &str, i: usize) -> Option<NaiveDate> {
    let candidate = text.get(i..i.checked_add(10)?)?;
    let shape = candidate.bytes().enumerate().all(|(k, b)| {
        if k == 4 || k == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    });
    let bytes = text.as_bytes();
    let digit_before = i
        .checked_sub(1)
        .and_then(|j| bytes.get(j))
        .is_some_and(u8::is_ascii_digit);
    let digit_after = bytes.get(i + 10).is_some_and(u8::is_ascii_digit);
    if !shape || digit_before || digit_after {
        return None;
    }
    NaiveDate::parse_from_str(candidate, "%Y-%m-%d").ok()
}

/// Consecutive days as (first, last) runs.
fn runs(days: &BTreeSet<NaiveDate>) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &day in days {
        match out.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(day) => *last = day,
            _ => out.push((day, day)),
        }
    }
    out
}

/// The page's stylesheet: light, print-friendly, no external fonts.
const STYLE: &str = include_str!("html/page.css");

/// The marks of handoffs and duty hours (SPEC §9–10), added to the
/// stylesheet only on pages with times of day or coverage windows: the page
/// of rotations without them stays as it was.
const DUTY_STYLE: &str = "\
.part { display: block; }
.part + .part { border-top: 1px dotted var(--line); margin-top: 2px; padding-top: 1px; }
.part:not(.nobody-part):not(:has(> .who:not([hidden]))) { display: none; }
.when { display: block; font-size: .7rem; line-height: 1.25; color: var(--muted); font-variant-numeric: tabular-nums; }
.when .t { white-space: nowrap; }
td.off { background: repeating-linear-gradient(135deg, var(--shade) 0 4px, var(--paper) 4px 8px); }
.off-duty { display: block; font-size: .75rem; font-style: italic; color: var(--muted); }
.key .when, .key .off-duty { display: inline; }
@media print {
  td.off { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

/// The person filter. Everything else on the page works without it.
const SCRIPT: &str = include_str!("html/filter.js");

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn named_days_are_ranges_and_dates_outside_parentheses() {
        assert_eq!(
            named_days(
                "emily is primary of rotation `r` on 2026-12-21 – 2026-12-27 while on leave (2026-12-21 – 2027-01-03, winter vacation)"
            ),
            [(d("2026-12-21"), d("2026-12-27"))]
        );
        assert_eq!(
            named_days("scheduled through 2027-01-24, 9 weeks counting today (2026-11-23); publish at least 13 weeks ahead (through 2027-02-21)"),
            [(d("2027-01-24"), d("2027-01-24"))]
        );
        // Only in parentheses: those.
        assert_eq!(
            named_days("holiday duty is uneven: david is primary on 2 holidays (Thanksgiving Day 2026-11-26 and New Year's Day 2027-01-01)"),
            [(d("2026-11-26"), d("2026-11-26")), (d("2027-01-01"), d("2027-01-01"))]
        );
        assert_eq!(
            named_days("nobody is on call 2026-12-14 – 2026-12-20 (7 days), between the shift 2026-11-30 – 2026-12-13 and the one starting 2026-12-21"),
            [
                (d("2026-12-14"), d("2026-12-20")),
                (d("2026-11-30"), d("2026-12-13")),
                (d("2026-12-21"), d("2026-12-21"))
            ]
        );
        // Timed ranges (rotations with a handoff time or a time zone).
        assert_eq!(
            named_days("john is primary of rotation `r` on 2026-12-02 09:00 – 2026-12-09 09:00 Europe/Berlin while on leave (2026-12-07 – 2026-12-08)"),
            [(d("2026-12-02"), d("2026-12-09"))]
        );
        assert_eq!(
            named_days(
                "Wednesday 2026-12-02 08:00 – 09:00 Europe/Berlin: `month-close` needs on-call"
            ),
            [(d("2026-12-02"), d("2026-12-02"))]
        );
        // Not dates: longer numbers, impossible days, a range running backwards.
        assert_eq!(
            named_days("id 12026-12-21 or 2026-12-211 or 2026-02-30"),
            []
        );
        assert_eq!(
            named_days("2026-12-27 – 2026-12-21"),
            [
                (d("2026-12-27"), d("2026-12-27")),
                (d("2026-12-21"), d("2026-12-21"))
            ]
        );
        assert_eq!(
            named_days("é2026-01-01é"),
            [(d("2026-01-01"), d("2026-01-01"))]
        );
    }

    #[test]
    fn runs_join_consecutive_days() {
        let days: BTreeSet<NaiveDate> = [
            "2026-12-21",
            "2026-12-22",
            "2026-12-24",
            "2026-12-31",
            "2027-01-01",
        ]
        .into_iter()
        .map(d)
        .collect();
        assert_eq!(
            runs(&days),
            [
                (d("2026-12-21"), d("2026-12-22")),
                (d("2026-12-24"), d("2026-12-24")),
                (d("2026-12-31"), d("2027-01-01"))
            ]
        );
    }

    #[test]
    fn the_raw_style_and_script_cannot_close_their_element() {
        // They are the only text written unescaped.
        for raw in [STYLE, DUTY_STYLE, SCRIPT] {
            assert!(!raw.contains("</"));
            assert!(!raw.contains("<!--"));
        }
    }

    #[test]
    fn widths_are_tenths_of_a_percent() {
        assert_eq!(width(21, 21), "100.0%");
        assert_eq!(width(20, 21), "95.2%");
        assert_eq!(width(0, 21), "0.0%");
        assert_eq!(width(3, 0), "0%");
        assert_eq!(width(u32::MAX, u32::MAX), "100.0%");
    }
}
