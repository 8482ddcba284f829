//! `--format table` (plain text) and `--format markdown`.

use std::fmt::Write as _;

use super::{
    bar, duty_note, score, shifts, total_scope, unmatched_note, with_duty, zone_fact, Row, Section,
    View,
};
use crate::schedule::load::Load;
use crate::schedule::time::{day_before, Clock};
use crate::schedule::{Form, NotExpanded, RotationSchedule, MAX_SHIFTS};

const BAR_WIDTH: u32 = 40;

/// Left-aligned columns separated by two spaces; `right` marks right-aligned ones.
fn columns(rows: &[Vec<String>], right: &[usize]) -> String {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; count];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i].saturating_sub(cell.chars().count());
            if right.contains(&i) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        // The last column is padded too; no line ends in spaces.
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The facts shown above a rotation's shifts, as (label, value).
fn facts(view: &View<'_>, s: &Section<'_>) -> Vec<(&'static str, String)> {
    let rs = s.rs;
    let rot = s.rot;
    let mut facts = vec![("file", s.file.clone())];
    if !rot.covers.is_empty() {
        facts.push(("covers", rot.covers.join(", ")));
    }
    let clock = view.clock(rs);
    // An unknown zone is said on the `shifts` line.
    if clock.timed && rs.not_expanded != Some(NotExpanded::UnknownZone) {
        facts.push(("zone", zone_fact(clock, rs.clock, rot)));
    }
    let form = match rs.form {
        Form::Generated => format!("generated from a roster of {}", rs.roster.len()),
        Form::Explicit => format!("explicit, {} people", rs.roster.len()),
    };
    let shifts = match (rs.not_expanded, rs.span()) {
        (Some(NotExpanded::ZeroLength), _) => format!(
            "not expanded: shift length {} is zero (see `steward check`)",
            rot.shift_length
        ),
        (Some(NotExpanded::UnknownZone), _) => format!(
            "not expanded: unknown time zone `{}` (see `steward check`)",
            rot.time_zone.as_deref().unwrap_or_default()
        ),
        (Some(NotExpanded::Empty), _) | (None, None) => "none".to_string(),
        (None, Some((first, end))) => format!(
            "{} × {}, {} ({form})",
            rs.shifts.len(),
            rot.shift_length,
            clock.range(first, end)
        ),
    };
    facts.push(("shifts", shifts));
    if let Some(window) = rot.coverage.as_ref().filter(|_| rot.has_window()) {
        facts.push((
            "coverage",
            format!(
                "{}: duty in {} of {} shifts",
                window.describe(),
                with_duty(rs),
                rs.shifts.len()
            ),
        ));
    }
    if let Some(t) = rs.truncated {
        let through = if clock.timed {
            format!("until {}", clock.moment(t.first_dropped_at))
        } else {
            format!("through {}", day_before(t.first_dropped))
        };
        facts.push((
            "limit",
            format!(
                "only the first {MAX_SHIFTS} of {} shifts are expanded ({through})",
                t.total
            ),
        ));
    }
    if let Some(h) = &rot.holidays {
        let min = h
            .min_engineers
            .map(|m| match m {
                1 => ", 1 engineer each".to_string(),
                m => format!(", {m} engineers each"),
            })
            .unwrap_or_default();
        let known = if rs.calendar.is_some() {
            ""
        } else {
            " (unknown calendar)"
        };
        facts.push(("holidays", format!("{}{known}{min}", h.calendar)));
    }
    if view.from.is_some() || view.to.is_some() {
        let from = view.from.map_or("start".to_string(), |d| d.to_string());
        let to = view.to.map_or("end".to_string(), |d| d.to_string());
        facts.push((
            "showing",
            format!(
                "{from} – {to}: {} of {} shifts",
                s.range.len(),
                rs.shifts.len()
            ),
        ));
    }
    facts
}

/// A person cell: `*` when set by an override, `!` when away during the shift.
fn who(row: &Row<'_>, person: &str, overridden: bool) -> String {
    let mut cell = person.to_string();
    if overridden {
        cell.push('*');
    }
    if row.is_away(person) {
        cell.push('!');
    }
    cell
}

fn notes(view: &View<'_>, clock: Clock, row: &Row<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    if row.shift.contains(view.today) {
        notes.push("today".to_string());
    }
    if row.windowed {
        notes.push(duty_note(clock, row.shift));
    }
    if let Some((meeting, outgoing)) = row.meeting {
        let (from, to) = (clock.local(meeting.begins), clock.local(meeting.ends));
        let end = if from.date() == to.date() {
            to.format("%H:%M").to_string()
        } else {
            to.format("%Y-%m-%d %H:%M").to_string()
        };
        notes.push(format!(
            "handoff meeting {}–{end}: {outgoing} → {}",
            from.format("%H:%M"),
            row.shift.primary.person
        ));
    }
    for h in row.holidays {
        notes.push(format!("holiday: {} ({})", h.name, h.date));
    }
    for reason in &row.overrides {
        notes.push(match reason {
            Some(r) => format!("override: {r}"),
            None => "override".to_string(),
        });
    }
    for (person, period) in &row.away {
        notes.push(format!("away: {person} ({})", period.describe()));
    }
    notes
}

struct Cells {
    start: String,
    end: String,
    primary: String,
    secondary: String,
    notes: Vec<String>,
}

fn cells(view: &View<'_>, clock: Clock, row: &Row<'_>) -> Cells {
    let shift = row.shift;
    // With times of day END is the handoff that ends the shift; else the last day.
    let (start, end) = if clock.timed {
        (clock.show(shift.begins), clock.show(shift.ends))
    } else {
        (shift.start.to_string(), shift.last_day().to_string())
    };
    Cells {
        start,
        end,
        primary: who(
            row,
            &shift.primary.person,
            shift.primary.origin.is_override(),
        ),
        secondary: shift
            .secondary
            .as_ref()
            .map(|s| who(row, &s.person, s.origin.is_override()))
            .unwrap_or_else(|| "-".to_string()),
        notes: notes(view, clock, row),
    }
}

fn legend(rows: &[Cells]) -> Option<String> {
    let any = |c: char| {
        rows.iter()
            .any(|r| r.primary.contains(c) || r.secondary.contains(c))
    };
    let mut parts = Vec::new();
    if any('*') {
        parts.push("* set by an override");
    }
    if any('!') {
        parts.push("! on leave during the shift");
    }
    (!parts.is_empty()).then(|| parts.join("   "))
}

/// What a rotation's load counts: all its shifts, whatever the window
/// shown; under a coverage window, those with duty.
fn rotation_scope(clock: Clock, rs: &RotationSchedule, windowed: bool) -> String {
    let counted = if windowed {
        format!("{} with duty", shifts(with_duty(rs)))
    } else {
        shifts(rs.shifts.len())
    };
    match rs.span() {
        Some((first, end)) => format!("the whole rotation: {counted}, {}", clock.range(first, end)),
        None => "the whole rotation: no shifts".to_string(),
    }
}

fn load_rows(view: &View<'_>, load: &Load) -> (Vec<Vec<String>>, u32) {
    let max = load.people.values().map(|l| l.primary).max().unwrap_or(0);
    let rows = load
        .people
        .iter()
        .map(|(person, l)| {
            let name = view.name(person);
            let label = if name == person {
                person.clone()
            } else {
                format!("{person} ({name})")
            };
            vec![
                label,
                l.primary.to_string(),
                l.secondary.to_string(),
                format!("{}/{}", l.primary_holidays, l.secondary_holidays),
                bar(l.primary, max, BAR_WIDTH),
            ]
        })
        .collect();
    (rows, max)
}

pub fn table(view: &View<'_>) -> String {
    let sections = view.sections();
    let mut out = String::new();
    if sections.is_empty() {
        out.push_str("No rotations in the checked files.\n");
        return out;
    }
    for s in &sections {
        let title = match &s.rot.name {
            Some(name) => format!("Rotation {} — {name}", s.rs.id),
            None => format!("Rotation {}", s.rs.id),
        };
        let _ = writeln!(out, "{title}");
        let facts: Vec<Vec<String>> = facts(view, s)
            .into_iter()
            .map(|(k, v)| vec![format!("  {k}"), v])
            .collect();
        out.push_str(&columns(&facts, &[]));
        out.push('\n');
        let rows = view.rows(s);
        if rows.is_empty() {
            out.push_str("  (no shifts in the window)\n");
            for (_, o) in &s.unmatched {
                let _ = writeln!(out, "  {}", unmatched_note(o));
            }
            out.push('\n');
            continue;
        }
        let clock = view.clock(s.rs);
        let cells: Vec<Cells> = rows.iter().map(|r| cells(view, clock, r)).collect();
        let mut grid = vec![vec![
            "START".to_string(),
            "END".to_string(),
            "PRIMARY".to_string(),
            "SECONDARY".to_string(),
            "NOTES".to_string(),
        ]];
        for c in &cells {
            grid.push(vec![
                c.start.clone(),
                c.end.clone(),
                c.primary.clone(),
                c.secondary.clone(),
                c.notes.join(" · "),
            ]);
        }
        out.push_str(&indent(&columns(&grid, &[])));
        if let Some(legend) = legend(&cells) {
            let _ = writeln!(out, "  {legend}");
        }
        for (_, o) in &s.unmatched {
            let _ = writeln!(out, "  {}", unmatched_note(o));
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "  load over {}",
            rotation_scope(clock, s.rs, s.rot.has_window())
        );
        load_table(view, &s.rs.load, &mut out);
        out.push('\n');
    }
    if sections.len() > 1 {
        let _ = writeln!(out, "All rotations");
        let _ = writeln!(out, "  load over {}", total_scope(&sections));
        load_table(view, &view.total(&sections), &mut out);
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        })
        .collect()
}

fn load_table(view: &View<'_>, load: &Load, out: &mut String) {
    let (rows, _) = load_rows(view, load);
    let mut grid = vec![vec![
        "PERSON".to_string(),
        "PRIMARY".to_string(),
        "SECONDARY".to_string(),
        "HOLIDAYS P/S".to_string(),
        "PRIMARY SHIFTS".to_string(),
    ]];
    grid.extend(rows);
    out.push_str(&indent(&columns(&grid, &[1, 2, 3])));
    let _ = writeln!(
        out,
        "  balance score {} (1.00 = perfectly balanced)",
        score(load.balance)
    );
}

/// Escapes a Markdown table cell.
fn md(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

pub fn markdown(view: &View<'_>) -> String {
    let sections = view.sections();
    let mut out = String::from("# On-call schedule\n\n");
    if sections.is_empty() {
        out.push_str("No rotations in the checked files.\n");
        return out;
    }
    for s in &sections {
        let title = match &s.rot.name {
            Some(name) => format!("## `{}` — {}", s.rs.id, md(name)),
            None => format!("## `{}`", s.rs.id),
        };
        let _ = writeln!(out, "{title}\n");
        for (k, v) in facts(view, s) {
            let mut label = k.to_string();
            if let Some(first) = label.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            let value = if k == "file" {
                format!("`{v}`")
            } else {
                md(&v)
            };
            let _ = writeln!(out, "- **{label}:** {value}");
        }
        out.push('\n');
        let rows = view.rows(s);
        if rows.is_empty() {
            out.push_str("No shifts in the window.\n\n");
            markdown_notes(s, &mut out);
            continue;
        }
        let clock = view.clock(s.rs);
        let cells: Vec<Cells> = rows.iter().map(|r| cells(view, clock, r)).collect();
        out.push_str("| Start | End | Primary | Secondary | Notes |\n");
        out.push_str("|---|---|---|---|---|\n");
        for c in &cells {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                c.start,
                c.end,
                md(&c.primary).replace('*', "\\*"),
                md(&c.secondary).replace('*', "\\*"),
                md(&c.notes.join("; "))
            );
        }
        if let Some(legend) = legend(&cells) {
            let _ = writeln!(out, "\n{}", legend.replace('*', "\\*"));
        }
        out.push('\n');
        markdown_notes(s, &mut out);
        let _ = writeln!(out, "### Load\n");
        let _ = writeln!(
            out,
            "Over {}.\n",
            md(&rotation_scope(clock, s.rs, s.rot.has_window()))
        );
        markdown_load(view, &s.rs.load, &mut out);
    }
    if sections.len() > 1 {
        let _ = writeln!(out, "## All rotations\n");
        let _ = writeln!(out, "Over {}.\n", md(&total_scope(&sections)));
        markdown_load(view, &view.total(&sections), &mut out);
    }
    out
}

/// The overrides that were not applied, as a list.
fn markdown_notes(s: &Section<'_>, out: &mut String) {
    if s.unmatched.is_empty() {
        return;
    }
    for (_, o) in &s.unmatched {
        let _ = writeln!(out, "- {}", md(&unmatched_note(o)));
    }
    out.push('\n');
}

fn markdown_load(view: &View<'_>, load: &Load, out: &mut String) {
    let (rows, _) = load_rows(view, load);
    out.push_str(
        "| Person | Primary | Secondary | Holidays (primary/secondary) | Primary shifts |\n",
    );
    out.push_str("|---|--:|--:|--:|---|\n");
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(
        out,
        "\nBalance score: **{}** (1.00 = perfectly balanced)\n",
        score(load.balance)
    );
}
