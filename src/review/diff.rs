//! `steward diff REV [PATH…]`: what a change does to the on-call schedule —
//! shifts reassigned (date, rotation, role, before → after, notice), load
//! per person before → after, rotations added and removed, and the findings
//! the change fixes and introduces. `markdown` is what the GitHub Action
//! appends to a pull request's job summary; `json` is for scripts.
//!
//! Shifts are compared from today on (a shift over before today is
//! history); rotations by id within their workspace, so a renamed rotation
//! is one removed and one added. Findings are matched by fingerprint, as
//! `--only-new` matches them; `schedule-change` findings are left out of
//! the lists (they restate the shift table, which marks the near-term rows).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use super::changes::{self, Reassignment};
use crate::check::Outcome;
use crate::finding::Severity;
use crate::git::Commit;
use crate::model::Duration;
use crate::report::fingerprint::Counts;
use crate::report::ResolvedFinding;
use crate::schedule::load::{Load, PersonLoad};
use crate::schedule::RotationSchedule;

/// The rule whose findings restate the shift table.
const SCHEDULE_CHANGE: &str = "schedule-change";

/// Rows the human and Markdown tables show; JSON has every one.
pub const SHOWN: usize = 50;

/// Output formats of `steward diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Plain text, for people.
    Human,
    /// Markdown, for a pull request's job summary.
    Markdown,
    /// One JSON object, for scripts.
    Json,
}

/// One role of one shift with someone else than at the base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftChange {
    pub rotation: String,
    /// The rotation's file, as reports show paths.
    pub file: String,
    pub start: NaiveDate,
    /// Exclusive.
    pub end: NaiveDate,
    pub role: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Days from today to the shift's start; negative when under way.
    pub notice_days: i64,
    /// Within the `schedule-change` notice period (or under way).
    pub short_notice: bool,
    /// Same people, other times: the shift's times at the base and now.
    pub times: Option<(String, String)>,
}

/// A rotation that exists on one side only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationRef {
    pub id: String,
    pub file: String,
    /// Its shifts not over by today.
    pub shifts: usize,
}

/// One person's load on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoadChange {
    pub before: Counted,
    pub after: Counted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counted {
    pub primary: u32,
    pub secondary: u32,
    /// Holidays falling in their shifts, primary or secondary.
    pub holidays: u32,
}

impl From<&PersonLoad> for Counted {
    fn from(l: &PersonLoad) -> Self {
        Counted {
            primary: l.primary,
            secondary: l.secondary,
            holidays: l.primary_holidays.saturating_add(l.secondary_holidays),
        }
    }
}

/// Everything `steward diff` reports.
#[derive(Debug, Clone)]
pub struct Diff {
    /// The revision as given, and the commits it resolved to.
    pub rev: String,
    pub commits: Vec<String>,
    pub today: NaiveDate,
    pub shifts: Vec<ShiftChange>,
    /// Whether some policy judged notice (`schedule-change` on): else no
    /// row is marked short notice, and the mark is not explained.
    pub notice_judged: bool,
    pub added: Vec<RotationRef>,
    pub removed: Vec<RotationRef>,
    /// People whose load changed, by id.
    pub load: BTreeMap<String, LoadChange>,
    /// Findings the base has and the working tree does not (base positions).
    pub fixed: Vec<ResolvedFinding>,
    /// Findings the working tree has and the base does not.
    pub introduced: Vec<ResolvedFinding>,
}

/// The notice period of `schedule-change` in the policy, in days; `None`
/// when the policy switches the rule off (no change is then short notice).
fn notice_days(outcome: &Outcome) -> Option<i64> {
    outcome.policy.severity(SCHEDULE_CHANGE)?;
    Some(
        outcome
            .policy
            .setting(SCHEDULE_CHANGE)
            .and_then(|s| s.params.get("notice"))
            .and_then(|v| v.as_str())
            .and_then(Duration::parse)
            .and_then(Duration::whole_days)
            .unwrap_or(14),
    )
}

/// The rotations of an outcome in reported files, by id (first of a
/// duplicated id), with their file as shown.
fn rotations(outcome: &Outcome) -> BTreeMap<&str, (&RotationSchedule, String)> {
    let mut out = BTreeMap::new();
    for rs in &outcome.schedule.rotations {
        let Some(file) = outcome.workspace.doc(rs.doc).map(|d| d.file) else {
            continue;
        };
        if !outcome
            .workspace
            .reported
            .get(file)
            .copied()
            .unwrap_or(true)
        {
            continue;
        }
        let shown = outcome
            .workspace
            .files
            .get(file)
            .map_or_else(String::new, |f| f.display().to_string());
        out.entry(rs.id.as_str()).or_insert((rs, shown));
    }
    out
}

fn load_of<'a>(rotations: impl Iterator<Item = &'a RotationSchedule>) -> Load {
    Load::total(rotations.map(|r| (&r.load, r.roster.as_slice())))
}

/// Compares each outcome with its base (outcomes without one are skipped).
pub fn compute(outcomes: &[Outcome], rev: &str, commits: &[Commit], today: NaiveDate) -> Diff {
    let mut diff = Diff {
        rev: rev.to_string(),
        commits: commits.iter().map(|c| c.id.clone()).collect(),
        today,
        shifts: Vec::new(),
        notice_judged: false,
        added: Vec::new(),
        removed: Vec::new(),
        load: BTreeMap::new(),
        fixed: Vec::new(),
        introduced: Vec::new(),
    };
    let mut before_load: BTreeMap<String, Counted> = BTreeMap::new();
    let mut after_load: BTreeMap<String, Counted> = BTreeMap::new();
    for outcome in outcomes {
        let Some(base) = outcome.base.as_deref() else {
            continue;
        };
        let notice = notice_days(outcome);
        diff.notice_judged |= notice.is_some();
        let now = rotations(outcome);
        let then = rotations(base);
        let ids: BTreeSet<&str> = now.keys().chain(then.keys()).copied().collect();
        for id in ids {
            let after = now.get(id);
            let before = then.get(id);
            let file = after
                .or(before)
                .map_or_else(String::new, |(_, f)| f.clone());
            let live = |rs: &RotationSchedule| rs.shifts.iter().filter(|s| s.end > today).count();
            match (before, after) {
                (None, Some((rs, _))) => diff.added.push(RotationRef {
                    id: id.to_string(),
                    file: file.clone(),
                    shifts: live(rs),
                }),
                (Some((rs, _)), None) => diff.removed.push(RotationRef {
                    id: id.to_string(),
                    file: file.clone(),
                    shifts: live(rs),
                }),
                _ => {}
            }
            let found = changes::reassignments(before.map(|b| b.0), after.map(|a| a.0), today);
            diff.shifts.extend(
                found
                    .iter()
                    .map(|r| shift_change(id, &file, r, today, notice)),
            );
        }
        for (person, l) in &load_of(then.values().map(|(rs, _)| *rs)).people {
            add(before_load.entry(person.clone()).or_default(), l);
        }
        for (person, l) in &load_of(now.values().map(|(rs, _)| *rs)).people {
            add(after_load.entry(person.clone()).or_default(), l);
        }
        let (fixed, introduced) = findings(&base.findings, &outcome.findings);
        diff.fixed.extend(fixed);
        diff.introduced.extend(introduced);
    }
    let people: BTreeSet<&String> = before_load.keys().chain(after_load.keys()).collect();
    for person in people {
        let change = LoadChange {
            before: before_load.get(person).copied().unwrap_or_default(),
            after: after_load.get(person).copied().unwrap_or_default(),
        };
        if change.before != change.after {
            diff.load.insert(person.clone(), change);
        }
    }
    diff.shifts.sort_by(|a, b| {
        (a.start, &a.rotation, &a.file, a.role).cmp(&(b.start, &b.rotation, &b.file, b.role))
    });
    crate::report::sort(&mut diff.fixed);
    crate::report::sort(&mut diff.introduced);
    diff
}

fn add(total: &mut Counted, l: &PersonLoad) {
    let l = Counted::from(l);
    total.primary = total.primary.saturating_add(l.primary);
    total.secondary = total.secondary.saturating_add(l.secondary);
    total.holidays = total.holidays.saturating_add(l.holidays);
}

fn shift_change(
    rotation: &str,
    file: &str,
    r: &Reassignment<'_>,
    today: NaiveDate,
    notice: Option<i64>,
) -> ShiftChange {
    let shift = r.shift.or(r.before_shift);
    let days = r.notice_days(today);
    ShiftChange {
        rotation: rotation.to_string(),
        file: file.to_string(),
        start: shift.map_or(today, |s| s.start),
        end: shift.map_or(today, |s| s.end),
        role: r.role.as_str(),
        before: r.before_person().map(str::to_string),
        after: r.after_person().map(str::to_string),
        notice_days: days,
        short_notice: notice.is_some_and(|notice| days < notice),
        times: r.times(),
    }
}

/// The unsuppressed findings only one side has (each occurrence matched
/// once by fingerprint), `schedule-change` left out: (fixed, introduced).
fn findings(
    before: &[ResolvedFinding],
    after: &[ResolvedFinding],
) -> (Vec<ResolvedFinding>, Vec<ResolvedFinding>) {
    let relevant = |f: &&ResolvedFinding| f.suppressed.is_none() && f.rule != SCHEDULE_CHANGE;
    let mut then: Counts = before
        .iter()
        .filter(relevant)
        .map(|f| f.fingerprint)
        .collect();
    let mut now: Counts = after
        .iter()
        .filter(relevant)
        .map(|f| f.fingerprint)
        .collect();
    let fixed = before
        .iter()
        .filter(relevant)
        .filter(|f| !now.take(f.fingerprint))
        .cloned()
        .collect();
    let introduced = after
        .iter()
        .filter(relevant)
        .filter(|f| !then.take(f.fingerprint))
        .cloned()
        .collect();
    (fixed, introduced)
}

impl Diff {
    /// Shifts whose people changed (a shift with both roles changed counts once).
    pub fn shifts_reassigned(&self) -> usize {
        let mut seen: BTreeSet<(&str, &str, NaiveDate)> = BTreeSet::new();
        for s in self.shifts.iter().filter(|s| s.times.is_none()) {
            seen.insert((&s.file, &s.rotation, s.start));
        }
        seen.len()
    }

    /// Shifts with the same people at other times.
    pub fn shifts_retimed(&self) -> usize {
        self.shifts.iter().filter(|s| s.times.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.shifts.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.load.is_empty()
            && self.fixed.is_empty()
            && self.introduced.is_empty()
    }

    /// "HEAD~1 (1a2b3c4d)".
    fn base_name(&self) -> String {
        match self.commits.as_slice() {
            [one] => format!("{} ({})", self.rev, short(one)),
            _ => self.rev.clone(),
        }
    }

    /// The headline: "3 shifts reassigned, 1 rotation added, 2 findings
    /// introduced, 1 fixed".
    fn section_title(&self) -> &'static str {
        match (self.shifts_reassigned() > 0, self.shifts_retimed() > 0) {
            (true, true) => "Shifts reassigned or retimed",
            (false, true) => "Shifts retimed",
            _ => "Shifts reassigned",
        }
    }

    pub fn headline(&self) -> String {
        let mut parts = Vec::new();
        let shifts = self.shifts_reassigned();
        if shifts > 0 {
            parts.push(format!("{} reassigned", count(shifts, "shift")));
        }
        let retimed = self.shifts_retimed();
        if retimed > 0 {
            parts.push(format!("{} retimed", count(retimed, "shift")));
        }
        if !self.added.is_empty() {
            parts.push(format!("{} added", count(self.added.len(), "rotation")));
        }
        if !self.removed.is_empty() {
            parts.push(format!("{} removed", count(self.removed.len(), "rotation")));
        }
        if !self.introduced.is_empty() {
            parts.push(format!(
                "{} introduced",
                count(self.introduced.len(), "finding")
            ));
        }
        if !self.fixed.is_empty() {
            parts.push(format!("{} fixed", count(self.fixed.len(), "finding")));
        }
        if parts.is_empty() {
            if self.load.is_empty() {
                return "no change to the on-call schedule, no finding introduced or fixed"
                    .to_string();
            }
            return "the load changes, no shift is reassigned".to_string();
        }
        parts.join(", ")
    }
}

fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "in 6 days", "in 1 day", "today", "under way".
fn notice_words(days: i64) -> String {
    match days {
        d if d < 0 => "under way".to_string(),
        0 => "today".to_string(),
        1 => "in 1 day".to_string(),
        d => format!("in {d} days"),
    }
}

fn person(p: &Option<String>) -> &str {
    p.as_deref().unwrap_or("—")
}

fn dates(start: NaiveDate, end: NaiveDate) -> String {
    crate::schedule::date_range(start, end.pred_opt().unwrap_or(end))
}

pub fn render(diff: &Diff, format: DiffFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        DiffFormat::Human => human(diff, out),
        DiffFormat::Markdown => markdown(diff, out),
        DiffFormat::Json => json(diff, out),
    }
}

fn human(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "steward diff: the working tree compared with {}; today is {}",
        diff.base_name(),
        diff.today
    )?;
    if !diff.shifts.is_empty() {
        if diff.notice_judged {
            writeln!(
                out,
                "\n{} (! = sooner than the schedule-change notice period):",
                diff.section_title()
            )?;
        } else {
            writeln!(out, "\n{}:", diff.section_title())?;
        }
        let header =
            ["shift", "rotation", "role", "before → after", "starts", ""].map(String::from);
        let rows: Vec<[String; 6]> = std::iter::once(header)
            .chain(diff.shifts.iter().take(SHOWN).map(|s| {
                [
                    dates(s.start, s.end),
                    s.rotation.clone(),
                    s.role.to_string(),
                    match &s.times {
                        Some((was, now)) => {
                            format!("{}: times {was} → {now}", person(&s.after))
                        }
                        None => format!("{} → {}", person(&s.before), person(&s.after)),
                    },
                    notice_words(s.notice_days),
                    if s.short_notice { "!" } else { "" }.to_string(),
                ]
            }))
            .collect();
        table(&rows, out)?;
        if diff.shifts.len() > SHOWN {
            writeln!(
                out,
                "  … and {} more (--format json lists every one)",
                diff.shifts.len() - SHOWN
            )?;
        }
    }
    for (title, list) in [("added", &diff.added), ("removed", &diff.removed)] {
        for r in list {
            writeln!(
                out,
                "\nRotation `{}` {title} ({}): {} from today",
                r.id,
                r.file,
                count(r.shifts, "shift")
            )?;
        }
    }
    if !diff.load.is_empty() {
        writeln!(
            out,
            "\nLoad per person (shifts over the whole rotations, holidays on call):"
        )?;
        let header = ["person", "primary", "secondary", "holidays"].map(String::from);
        let rows: Vec<[String; 4]> = std::iter::once(header)
            .chain(diff.load.iter().map(|(p, l)| {
                [
                    p.clone(),
                    format!("{} → {}", l.before.primary, l.after.primary),
                    format!("{} → {}", l.before.secondary, l.after.secondary),
                    format!("{} → {}", l.before.holidays, l.after.holidays),
                ]
            }))
            .collect();
        table(&rows, out)?;
    }
    for (title, list) in [
        ("Findings introduced", &diff.introduced),
        ("Findings fixed", &diff.fixed),
    ] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n{title}:")?;
        for f in list {
            writeln!(
                out,
                "  {}:{}:{}: {}[{}] {}",
                f.path, f.start.line, f.start.column, f.severity, f.rule, f.message
            )?;
        }
    }
    writeln!(out, "\n{}", diff.headline())
}

/// Left-aligned columns, two spaces apart, indented by two.
fn table<const N: usize>(rows: &[[String; N]], out: &mut dyn Write) -> io::Result<()> {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::from(" ");
        for (cell, w) in row.iter().zip(widths) {
            line.push(' ');
            line.push_str(cell);
            line.push_str(&" ".repeat(w - cell.chars().count() + 1));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

use crate::report::markdown::{cell, code};

fn severity_icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
    }
}

fn markdown(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## steward diff: {}\n", diff.headline())?;
    let commits: Vec<String> = diff.commits.iter().map(|c| code(short(c))).collect();
    writeln!(
        out,
        "The working tree compared with {}{}; today is {}.",
        code(&diff.rev),
        if commits.is_empty() {
            String::new()
        } else {
            format!(" ({})", commits.join(", "))
        },
        diff.today
    )?;
    if !diff.shifts.is_empty() {
        writeln!(out, "\n### {}\n", diff.section_title())?;
        writeln!(out, "| Shift | Rotation | Role | Before | After | Notice |")?;
        writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
        for s in diff.shifts.iter().take(SHOWN) {
            let mut notice = notice_words(s.notice_days);
            if s.short_notice {
                notice = format!("⚠️ {notice}");
            }
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                dates(s.start, s.end),
                cell(&code(&s.rotation)),
                s.role,
                cell(&match &s.times {
                    Some((was, _)) => format!("{} ({was})", person(&s.before)),
                    None => person(&s.before).to_string(),
                }),
                cell(&match &s.times {
                    Some((_, now)) => format!("{} ({now})", person(&s.after)),
                    None => person(&s.after).to_string(),
                }),
                notice
            )?;
        }
        if diff.shifts.len() > SHOWN {
            writeln!(
                out,
                "\n_Showing the first {SHOWN} of {} changes; `steward diff {} --format json` lists every one._",
                diff.shifts.len(),
                diff.rev
            )?;
        }
        if diff.shifts.iter().any(|s| s.short_notice) {
            writeln!(
                out,
                "\n⚠️ starts sooner than the `schedule-change` notice period: the people named should agree to it."
            )?;
        }
    }
    if !diff.added.is_empty() || !diff.removed.is_empty() {
        writeln!(out, "\n### Rotations added and removed\n")?;
        for (title, list) in [("added", &diff.added), ("removed", &diff.removed)] {
            for r in list {
                writeln!(
                    out,
                    "- {} {title} ({}): {} from today",
                    cell(&code(&r.id)),
                    cell(&code(&r.file)),
                    count(r.shifts, "shift")
                )?;
            }
        }
    }
    if !diff.load.is_empty() {
        writeln!(out, "\n### Load per person\n")?;
        writeln!(out, "| Person | Primary | Secondary | Holidays |")?;
        writeln!(out, "| --- | ---: | ---: | ---: |")?;
        for (p, l) in &diff.load {
            writeln!(
                out,
                "| {} | {} → {} | {} → {} | {} → {} |",
                cell(p),
                l.before.primary,
                l.after.primary,
                l.before.secondary,
                l.after.secondary,
                l.before.holidays,
                l.after.holidays
            )?;
        }
    }
    for (title, list) in [
        ("Findings introduced", &diff.introduced),
        ("Findings fixed", &diff.fixed),
    ] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n### {title}\n")?;
        writeln!(out, "| Location | Rule | Message |")?;
        writeln!(out, "| --- | --- | --- |")?;
        for f in list.iter().take(SHOWN) {
            writeln!(
                out,
                "| {} | {} {} | {} |",
                cell(&code(&format!("{}:{}", f.path, f.start.line))),
                severity_icon(f.severity),
                cell(&code(&f.rule)),
                cell(&f.message)
            )?;
        }
        if list.len() > SHOWN {
            writeln!(out, "\n_… and {} more._", list.len() - SHOWN)?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    version: u32,
    base: JsonBase<'a>,
    today: NaiveDate,
    shifts: Vec<JsonShift<'a>>,
    rotations: JsonRotations<'a>,
    load: Vec<JsonLoad<'a>>,
    findings: JsonFindings<'a>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonBase<'a> {
    rev: &'a str,
    commits: &'a [String],
}

#[derive(Serialize)]
struct JsonShift<'a> {
    rotation: &'a str,
    file: &'a str,
    start: NaiveDate,
    end: NaiveDate,
    last_day: NaiveDate,
    role: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
    notice_days: i64,
    short_notice: bool,
    /// Same people, other times: `{ "before": …, "after": … }`; else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    times: Option<JsonTimes<'a>>,
}

#[derive(Serialize)]
struct JsonTimes<'a> {
    before: &'a str,
    after: &'a str,
}

#[derive(Serialize)]
struct JsonRotations<'a> {
    added: Vec<JsonRotation<'a>>,
    removed: Vec<JsonRotation<'a>>,
}

#[derive(Serialize)]
struct JsonRotation<'a> {
    id: &'a str,
    file: &'a str,
    shifts: usize,
}

#[derive(Serialize)]
struct JsonLoad<'a> {
    person: &'a str,
    before: Counted,
    after: Counted,
}

#[derive(Serialize)]
struct JsonFindings<'a> {
    introduced: Vec<JsonFinding<'a>>,
    fixed: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    pointer: &'a str,
    fingerprint: String,
}

#[derive(Serialize)]
struct JsonSummary {
    shifts_reassigned: usize,
    shifts_retimed: usize,
    rotations_added: usize,
    rotations_removed: usize,
    people_with_new_load: usize,
    findings_introduced: usize,
    findings_fixed: usize,
}

fn json_finding(f: &ResolvedFinding) -> JsonFinding<'_> {
    JsonFinding {
        rule: &f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        file: &f.path,
        line: f.start.line,
        column: f.start.column,
        end_line: f.end.line,
        end_column: f.end.column,
        pointer: &f.pointer,
        fingerprint: f.fingerprint.to_string(),
    }
}

fn json_rotation(r: &RotationRef) -> JsonRotation<'_> {
    JsonRotation {
        id: &r.id,
        file: &r.file,
        shifts: r.shifts,
    }
}

fn json(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonDiff {
        version: 1,
        base: JsonBase {
            rev: &diff.rev,
            commits: &diff.commits,
        },
        today: diff.today,
        shifts: diff
            .shifts
            .iter()
            .map(|s| JsonShift {
                rotation: &s.rotation,
                file: &s.file,
                start: s.start,
                end: s.end,
                last_day: s.end.pred_opt().unwrap_or(s.end),
                role: s.role,
                before: s.before.as_deref(),
                after: s.after.as_deref(),
                notice_days: s.notice_days,
                short_notice: s.short_notice,
                times: s
                    .times
                    .as_ref()
                    .map(|(before, after)| JsonTimes { before, after }),
            })
            .collect(),
        rotations: JsonRotations {
            added: diff.added.iter().map(json_rotation).collect(),
            removed: diff.removed.iter().map(json_rotation).collect(),
        },
        load: diff
            .load
            .iter()
            .map(|(person, l)| JsonLoad {
                person,
                before: l.before,
                after: l.after,
            })
            .collect(),
        findings: JsonFindings {
            introduced: diff.introduced.iter().map(json_finding).collect(),
            fixed: diff.fixed.iter().map(json_finding).collect(),
        },
        summary: JsonSummary {
            shifts_reassigned: diff.shifts_reassigned(),
            shifts_retimed: diff.shifts_retimed(),
            rotations_added: diff.added.len(),
            rotations_removed: diff.removed.len(),
            people_with_new_load: diff.load.len(),
            findings_introduced: diff.introduced.len(),
            findings_fixed: diff.fixed.len(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_words_read_naturally() {
        assert_eq!(notice_words(-1), "under way");
        assert_eq!(notice_words(0), "today");
        assert_eq!(notice_words(1), "in 1 day");
        assert_eq!(notice_words(9), "in 9 days");
    }
}
