//! `steward suggest`: a rotation that passes every rotation rule of the
//! active policy, as an explicit `shifts:` list, with the trade-offs it made.
//!
//! load -> window (which shifts stay, which are new) -> `problem` (the rules'
//! facts, precomputed) -> `solver` (seeded local search under a step budget)
//! -> `writer` (byte-range splice into the rotation's file, re-parsed and
//! compared) -> the real rotation rules on the edited workspace -> `explain`.

pub mod explain;
pub mod notes;
pub mod problem;
pub mod rng;
pub mod solver;
pub mod writer;

use std::path::PathBuf;

use chrono::{Days, NaiveDate};
use serde_json::Map;

use crate::check::{self, CheckError, CheckOptions, Loaded};
use crate::did_you_mean::did_you_mean;
use crate::document::{DocId, Kind};
use crate::finding::{Location, Severity};
use crate::load;
use crate::model::Rotation;
use crate::rules::{self, Params};
use crate::schedule::{date_range, RotationSchedule, MAX_SHIFTS};
use writer::{Edited, ShiftOut};

/// The rules about rotations: the ones a suggestion must pass.
pub const ROTATION_RULES: [&str; 10] = [
    "coverage-gap",
    "distinct-on-call",
    "back-to-back",
    "double-booked",
    "unavailable-on-call",
    "balanced-load",
    "holiday-coverage",
    "holiday-fairness",
    "schedule-horizon",
    "roster-size",
];

#[derive(Debug, Clone)]
pub struct Options {
    pub rotation: String,
    pub check: CheckOptions,
    /// First new shift; default: see [`FromDefault`].
    pub from: Option<NaiveDate>,
    /// New shifts start while before this day; default: the rotation's end,
    /// or the schedule-horizon if that is later.
    pub until: Option<NaiveDate>,
    pub seed: u64,
    /// Search budget in moves; default: [`solver::default_steps`].
    pub steps: Option<u64>,
}

/// A rotation-rule finding on the suggested rotation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reported {
    pub severity: Severity,
    /// 1-based line in the edited file.
    pub line: usize,
    pub rule: String,
    pub message: String,
}

#[derive(Debug)]
pub struct Suggestion {
    /// The rotation's file, as given on the command line.
    pub path: PathBuf,
    /// The file as shown in reports.
    pub display: String,
    /// The file's text as it was read.
    pub original: String,
    pub edited: Edited,
    /// The trade-offs, for stderr.
    pub explanation: String,
    /// Rotation-rule findings on the suggestion (suppressions ignored).
    pub findings: Vec<Reported>,
}

impl Suggestion {
    /// No rotation rule fires on the suggestion.
    pub fn passes(&self) -> bool {
        self.findings.is_empty()
    }

    /// `--write`: replaces the file when the suggestion changes it, and says
    /// what happened (the last line on stderr).
    pub fn write(&self) -> Result<String, String> {
        if self.edited.text == self.original {
            return Ok(format!(
                "Nothing to write: {} already holds this schedule",
                self.display
            ));
        }
        writer::write_atomically(&self.path, &self.original, &self.edited.text)?;
        Ok(format!("Wrote {}", self.display))
    }
}

/// The window of new shifts.
#[derive(Debug, Clone)]
pub struct Window {
    /// `rs.shifts[..kept]` stay.
    pub kept: usize,
    /// `rs.shifts[tail..]` stay too: the shifts starting on or after `until`.
    pub tail: usize,
    /// How many shifts are kept after the window (`rs.shifts.len() - tail`).
    pub after: usize,
    /// Start of the first shift kept after the window.
    pub resume: Option<NaiveDate>,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub starts: Vec<NaiveDate>,
    pub days: u64,
    /// How `--from` was chosen when it was not given.
    pub from_default: Option<FromDefault>,
    pub today: NaiveDate,
    /// `today + min_weeks`, when `schedule-horizon` is on.
    pub horizon: Option<NaiveDate>,
}

/// Why `--from` defaulted to the date it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromDefault {
    /// Today is on or before the rotation's start, or the rotation has no
    /// shifts and its first one would hold today.
    RotationStart,
    /// The first shift starting on or after today.
    FirstShiftFromToday,
    /// No shift starts on or after today, and the last one has not ended
    /// before today: the new shifts continue from its end.
    RotationEnd,
    /// The rotation ended before today, less than a shift ago: the first new
    /// shift, starting at its end, holds today.
    EndedHoldingToday,
}

/// Plans the rotation; `Err` is a usage error or a file that cannot be
/// edited (exit code 2).
pub fn suggest(options: &Options) -> Result<Suggestion, String> {
    let loaded = check::load(&options.check).map_err(|e| match e {
        CheckError::Fatal(m) => m,
        CheckError::InvalidPolicy(_) => {
            "the policy file is invalid; run `steward check --policy FILE` for details".into()
        }
    })?;
    let target = find_rotation(&loaded, &options.rotation)?;
    let today = options.check.today;
    let (rs, entry) = match (
        loaded.schedule.rotations.get(target),
        loaded.model.rotations.get(target),
    ) {
        (Some(rs), Some(entry)) => (rs, entry),
        _ => return Err(format!("rotation `{}` did not load", options.rotation)),
    };
    let rot = &entry.item;
    let window = window(rot, rs, options, &loaded)?;
    let problem = problem::build(&problem::Spec {
        model: &loaded.model,
        schedule: &loaded.schedule,
        policy: &loaded.policy,
        rotation: target,
        kept: window.kept,
        tail: window.tail,
        starts: &window.starts,
        days: window.days,
    })?;
    let budget = options
        .steps
        .unwrap_or_else(|| solver::default_steps(&problem));
    let solution = solver::solve(&problem, options.seed, budget);

    let as_written = |s: &crate::schedule::Shift| ShiftOut {
        start: s.start,
        primary: s.primary.person.to_string(),
        secondary: s.secondary.as_ref().map(|a| a.person.to_string()),
        ..ShiftOut::default()
    };
    let mut shifts: Vec<ShiftOut> = rs
        .shifts
        .get(..window.kept)
        .unwrap_or(&[])
        .iter()
        .map(as_written)
        .collect();
    for (i, shift) in problem.shifts.iter().enumerate() {
        let p = solution.primary.get(i).copied().unwrap_or(problem::NONE);
        let s = solution.secondary.get(i).copied().unwrap_or(problem::NONE);
        shifts.push(ShiftOut {
            start: shift.start,
            primary: problem.name_of(p).to_string(),
            secondary: (s != problem::NONE).then(|| problem.name_of(s).to_string()),
            ..ShiftOut::default()
        });
    }
    // The shifts after the window stay exactly as the shifts before it do.
    shifts.extend(
        rs.shifts
            .get(window.tail..)
            .unwrap_or(&[])
            .iter()
            .map(as_written),
    );

    let doc = loaded
        .workspace
        .doc(entry.doc)
        .ok_or("the rotation's document is missing")?;
    let file_id = doc.file;
    let file = loaded
        .workspace
        .files
        .get(file_id)
        .ok_or("the rotation's file is missing")?;
    // Read again from disk: it must still be the text that was checked.
    let text = file.text().ok_or_else(|| {
        format!(
            "cannot edit `{}`: it changed since it was checked",
            file.display()
        )
    })?;
    let mut dropped = notes::attach(text, doc.index_in_file as usize, rot, rs, &mut shifts);
    let edited = writer::edit(text, doc.index_in_file as usize, &shifts)
        .map_err(|e| format!("cannot edit `{}`: {e}", file.display()))?;
    if edited.flow {
        dropped.extend(notes::unwritable(&shifts));
    }
    dropped.extend(notes::replaced(&edited.dropped_comments));
    let before = rotation_findings(&loaded, entry.doc, today);
    let mut explanation_head = explain::report(&explain::Input {
        problem: &problem,
        solution: &solution,
        loaded: &loaded,
        target,
        window: &window,
        seed: options.seed,
    });
    explanation_head.push_str(&notes::report(&dropped));
    let (path, display, original) = (
        file.path().to_path_buf(),
        file.display().to_string(),
        text.to_string(),
    );
    let doc_id = entry.doc;
    let policy_name = loaded.policy.name.clone();

    let after = reanalyse(loaded, file_id, &edited.text, options)?;
    let findings = rotation_findings(&after, doc_id, today);
    let explanation = explain::finish(explanation_head, &before, &findings, &policy_name);
    Ok(Suggestion {
        path,
        display,
        original,
        edited,
        explanation,
        findings,
    })
}

/// The rotation with this id, or a usage error naming the closest one.
fn find_rotation(loaded: &Loaded, id: &str) -> Result<usize, String> {
    let matches: Vec<usize> = loaded
        .model
        .rotations
        .iter()
        .enumerate()
        .filter(|(_, r)| r.item.id == id)
        .map(|(i, _)| i)
        .collect();
    match matches.as_slice() {
        [one] => return Ok(*one),
        [_, _, ..] => {
            return Err(format!(
                "{} rotations have the id `{id}`; fix the duplicate-id finding first",
                matches.len()
            ))
        }
        [] => {}
    }
    let invalid = loaded
        .workspace
        .documents_of(Kind::Rotation)
        .any(|(_, d)| d.id() == Some(id));
    if invalid {
        return Err(format!(
            "rotation `{id}` is not valid enough to plan; run `steward check` for details"
        ));
    }
    let ids: Vec<&str> = loaded
        .model
        .rotations
        .iter()
        .map(|r| r.item.id.as_str())
        .collect();
    let mut message = format!("no rotation has the id `{id}`");
    if let Some(best) = did_you_mean(id, ids.iter().copied()) {
        message.push_str(&format!("; did you mean `{best}`?"));
    } else if ids.is_empty() {
        message.push_str(" (no rotations found under the given paths)");
    } else {
        message.push_str(&format!(" (rotations: {})", ids.join(", ")));
    }
    Err(message)
}

fn window(
    rot: &Rotation,
    rs: &RotationSchedule,
    options: &Options,
    loaded: &Loaded,
) -> Result<Window, String> {
    let id = &rot.id;
    if !plans_whole_utc_days(rot) {
        return Err(format!(
            "rotation `{id}` uses a time zone, a handoff time, date-time starts or an hour, minute or month shift length; suggest plans whole-day shifts in UTC for now"
        ));
    }
    if rs.truncated.is_some() {
        return Err(format!(
            "rotation `{id}` has more than {MAX_SHIFTS} shifts; shorten it before planning"
        ));
    }
    let days = rot
        .shift_length
        .whole_days()
        .and_then(|d| u64::try_from(d).ok())
        .filter(|d| *d > 0)
        .ok_or_else(|| format!("rotation `{id}` has no usable shift length"))?;
    let today = options.check.today;
    let end = rs.window().map_or(rot.start, |w| w.1);
    let is_start = |d: NaiveDate| {
        rs.shifts.iter().any(|s| s.start == d)
            || d == end
            || (rs.shifts.is_empty() && d == rot.start)
    };
    let (from, from_default) = match options.from {
        Some(d) => {
            if d < rot.start {
                return Err(format!(
                    "--from {d} is before rotation `{id}` starts ({})",
                    rot.start
                ));
            }
            if d > end {
                return Err(format!(
                    "--from {d} is after the last shift of `{id}` ends ({end}); use --from {end} to extend it without a gap"
                ));
            }
            if !is_start(d) {
                let holding = rs
                    .shift_at(d)
                    .and_then(|i| rs.shifts.get(i))
                    .map(|s| s.start);
                let next = rs
                    .shifts
                    .iter()
                    .map(|s| s.start)
                    .find(|s| *s > d)
                    .unwrap_or(end);
                let hint = match holding {
                    Some(h) => format!("use {h} (the shift holding it) or {next}"),
                    None => format!("use {next}"),
                };
                return Err(format!(
                    "--from {d} is not the first day of a shift of `{id}`; {hint}"
                ));
            }
            (d, None)
        }
        None if today <= rot.start => (rot.start, Some(FromDefault::RotationStart)),
        None => match rs.shifts.iter().map(|s| s.start).find(|s| *s >= today) {
            Some(next) => (next, Some(FromDefault::FirstShiftFromToday)),
            None if end >= today => (end, Some(FromDefault::RotationEnd)),
            None => (end, Some(ended(id, rs, end, today, days)?)),
        },
    };
    let kept = rs.shifts.partition_point(|s| s.start < from);
    let horizon = loaded
        .policy
        .setting("schedule-horizon")
        .filter(|s| s.severity.is_some())
        .and_then(|s| Params::new(&s.params).get::<u64>("min_weeks"))
        .and_then(|w| w.checked_mul(7))
        .and_then(|d| today.checked_add_days(Days::new(d)));
    let until = match options.until {
        Some(u) if u <= from => {
            return Err(format!(
                "--until {u} is not after the first new shift ({from})"
            ))
        }
        Some(u) => u,
        None => {
            let u = horizon.map_or(end, |h| h.max(end));
            if u <= from {
                return Err(format!(
                    "nothing to plan: rotation `{id}` ends {end}; pass --until to extend it"
                ));
            }
            u
        }
    };
    // Shifts starting on or after `until` are kept, like those before `from`.
    let tail = rs.shifts.partition_point(|s| s.start < until).max(kept);
    let after = rs.shifts.len() - tail;
    let mut starts = Vec::new();
    let mut at = from;
    while at < until {
        if kept + starts.len() + after >= MAX_SHIFTS {
            return Err(format!(
                "the window {from} – {until} holds more than {MAX_SHIFTS} shifts; choose a shorter one"
            ));
        }
        starts.push(at);
        at = at
            .checked_add_days(Days::new(days))
            .ok_or("the window runs past the calendar")?;
    }
    // `at` is now where the last new shift ends.
    let resume = rs.shifts.get(tail).map(|s| s.start);
    if let Some(next) = resume.filter(|next| *next < at) {
        let last = at.pred_opt().unwrap_or(at);
        // A later kept shift where the new ones could end, if the grid meets one.
        let aligned = rs
            .shifts
            .get(tail..)
            .unwrap_or(&[])
            .iter()
            .map(|s| s.start)
            .find(|s| {
                (*s - from)
                    .num_days()
                    .rem_euclid(i64::try_from(days).unwrap_or(1))
                    == 0
            });
        let hint = match aligned {
            Some(d) => {
                format!("use --until {d}, or leave --until out to plan to the rotation's end")
            }
            None => "leave --until out to plan to the rotation's end".to_string(),
        };
        return Err(format!(
            "the new shifts, one every {} from {from}, would run to {last} and overlap the shift of {next}, which --until {until} keeps; {hint}",
            rot.shift_length
        ));
    }
    Ok(Window {
        kept,
        tail,
        after,
        resume,
        from,
        until,
        starts,
        days,
        from_default,
        today,
        horizon,
    })
}

/// A rotation that ended before `today`: new shifts continue from its `end`
/// without a gap, so the default `--from` is its end while the first new
/// shift still holds today; after that, planning would mean planning shifts
/// that are over, which only an explicit `--from` asks for.
fn ended(
    id: &str,
    rs: &RotationSchedule,
    end: NaiveDate,
    today: NaiveDate,
    days: u64,
) -> Result<FromDefault, String> {
    let elapsed = u64::try_from((today - end).num_days()).unwrap_or(0);
    let over = elapsed / days;
    let empty = rs.shifts.is_empty();
    if over == 0 {
        return Ok(if empty {
            FromDefault::RotationStart
        } else {
            FromDefault::EndedHoldingToday
        });
    }
    let last_day = end.pred_opt().unwrap_or(end);
    let past_end = end
        .checked_add_days(Days::new(over * days))
        .and_then(|d| d.pred_opt())
        .unwrap_or(today);
    let shifts = if over == 1 {
        format!("the shift {}, which is over", date_range(end, past_end))
    } else {
        format!("the {over} shifts from {end} to {past_end}, which are over")
    };
    if empty {
        return Err(format!(
            "rotation `{id}` has no shifts, and its first one must start at its `start`, {end}, before today ({today}): planning it now means planning {shifts}; pass --from {end} to plan from there anyway, or move its `start`"
        ));
    }
    Err(format!(
        "rotation `{id}` ended on {last_day}, before today ({today}), and new shifts follow its last one without a gap: planning it now means planning {shifts}; pass --from {end} to plan from there anyway"
    ))
}

/// Runs the rotation rules of the active policy and keeps the findings about
/// document `doc` (a `double-booked` finding counts when either side is it).
pub fn rotation_findings(loaded: &Loaded, doc: DocId, today: NaiveDate) -> Vec<Reported> {
    let context = loaded.context(today);
    let empty = Map::new();
    let about = |l: &Location| match l {
        Location::Node { doc: d, .. } | Location::Key { doc: d, .. } => *d == doc,
        Location::Span { .. } => false,
    };
    let mut out = Vec::new();
    for id in ROTATION_RULES {
        let Some(rule) = rules::find(id) else {
            continue;
        };
        let setting = loaded.policy.setting(id);
        let Some(severity) = setting.and_then(|s| s.severity) else {
            continue;
        };
        let params = Params::new(setting.map_or(&empty, |s| &s.params));
        let mut diagnostics = Vec::new();
        (rule.check)(&context, &params, &mut diagnostics);
        for d in diagnostics {
            if !about(&d.location) && !d.labels.iter().any(|l| about(&l.location)) {
                continue;
            }
            let line = loaded
                .workspace
                .span_of(&d.location)
                .and_then(|(f, span)| {
                    Some(loaded.workspace.files.get(f)?.line_col(span.start).line)
                })
                .unwrap_or(0);
            out.push(Reported {
                severity,
                line,
                rule: id.to_string(),
                message: d.message,
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The workspace with the rotation's file replaced by its edited text,
/// analysed again: the suggestion is judged by the real rules.
fn reanalyse(loaded: Loaded, file: usize, text: &str, options: &Options) -> Result<Loaded, String> {
    // Documents are analysed while files load: load the workspace again
    // from its texts, with the edited one in place of the rotation's file.
    let workspace = load::reload(&loaded.workspace, file, text, &options.check.load);
    check::analyse(workspace, &options.check).map_err(|e| match e {
        CheckError::Fatal(m) => m,
        CheckError::InvalidPolicy(_) => "the policy file is invalid".into(),
    })
}

/// Whether the rotation is whole days from midnight UTC, the only kind
/// suggest plans (no `time_zone`, `handoff_time`, `h`/`m`/`mo` lengths or
/// date-time starts; a `handoff_meeting` changes nothing here).
fn plans_whole_utc_days(rot: &Rotation) -> bool {
    let timed = rot.time_zone.is_some()
        || rot.handoff_time.is_some()
        || rot.shifts.iter().flatten().any(|s| s.start.time.is_some())
        || rot.overrides.iter().any(|o| o.start.time.is_some());
    !timed && rot.shift_length.whole_days().is_some()
}
