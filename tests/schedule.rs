//! `steward schedule`, through the real binary, on `fixtures/workspace/schedule`.

mod common;

use chrono::NaiveDate;
use icalendar::{CalendarComponent, Component, DatePerhapsTime};

const WORKSPACE: &str = "fixtures/workspace/schedule";

fn schedule(args: &[&str]) -> (i32, String, String) {
    schedule_at(WORKSPACE, args)
}

/// `steward schedule PATH --today 2026-11-23 ARGS…` from the repository root.
fn schedule_at(path: &str, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["schedule", path, "--today", "2026-11-23"];
    all.extend_from_slice(args);
    let output = common::steward(&common::repo(), &all);
    (
        output.status.code().unwrap_or(-1),
        common::stdout(&output),
        common::stderr(&output),
    )
}

/// `schedule_at(path, args + --format json)`, parsed.
fn schedule_json(path: &str, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let (_, out, err) = schedule_at(path, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("invalid JSON ({e}): {err}"))
}

#[test]
fn table() {
    let (code, out, err) = schedule(&[]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("table", out);
}

#[test]
fn table_in_a_window() {
    let (code, out, err) = schedule(&["--from", "2026-12-10", "--to", "2026-12-24"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("table_window", out);
}

#[test]
fn markdown() {
    let (code, out, err) = schedule(&["--format", "markdown"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("markdown", out);
}

#[test]
fn json() {
    let (code, out, err) = schedule(&["--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(value["version"], 1);
    assert_eq!(value["rotations"].as_array().map(Vec::len), Some(2));
    insta::assert_snapshot!("json", out);
}

#[test]
fn output_is_deterministic() {
    for format in ["table", "markdown", "json", "ics"] {
        let (_, first, _) = schedule(&["--format", format]);
        let (_, second, _) = schedule(&["--format", format]);
        assert_eq!(first, second, "{format}");
    }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

#[test]
fn ics_parses_back_as_one_all_day_event_per_shift_and_role() {
    let (code, out, err) = schedule(&["--format", "ics"]);
    assert_eq!(code, 0, "{err}");
    // RFC 5545: CRLF line endings, lines folded at 75 octets.
    assert!(out.ends_with("\r\n"));
    for line in out.split("\r\n") {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(line.len() <= 75, "unfolded line {line:?}");
    }
    let unfolded = icalendar::parser::unfold(&out);
    let parsed =
        icalendar::parser::read_calendar(&unfolded).expect("a real iCalendar parser accepts it");
    let version = parsed.properties.iter().find(|p| p.name == "VERSION");
    assert_eq!(version.map(|p| p.val.as_ref()), Some("2.0"));
    assert!(parsed.properties.iter().any(|p| p.name == "PRODID"));

    let calendar: icalendar::Calendar = parsed.into();
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    // data-oncall: 7 shifts × 2 roles; weekend: 2 primaries + 1 secondary.
    assert_eq!(events.len(), 17);
    let mut uids: Vec<&str> = events.iter().filter_map(|e| e.get_uid()).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
    for e in &events {
        assert!(e.property_value("DTSTAMP").is_some());
        assert!(matches!(e.get_start(), Some(DatePerhapsTime::Date(_))));
        assert!(matches!(e.get_end(), Some(DatePerhapsTime::Date(_))));
    }

    let christmas = events
        .iter()
        .find(|e| e.get_uid() == Some("data-oncall-20261221-primary@steward"))
        .expect("the Christmas shift's primary");
    assert_eq!(
        christmas.get_summary(),
        Some("On call: David Müller (primary)")
    );
    assert_eq!(
        christmas.get_start(),
        Some(DatePerhapsTime::Date(date("2026-12-21")))
    );
    // DTEND is exclusive: the shift's last day is 2026-12-27.
    assert_eq!(
        christmas.get_end(),
        Some(DatePerhapsTime::Date(date("2026-12-28")))
    );
    let description = christmas.get_description().unwrap_or_default();
    assert!(
        description.contains("Holiday: Christmas (2026-12-25)"),
        "{description}"
    );
    assert!(
        description.contains("Override: Emily on leave | swap"),
        "{description}"
    );
    assert!(
        description.contains("Secondary: Michael Okafor"),
        "{description}"
    );

    let lone = events
        .iter()
        .filter(|e| {
            e.get_uid()
                .is_some_and(|u| u.starts_with("weekend-20261207-"))
        })
        .count();
    assert_eq!(lone, 1, "a shift without secondary has one event");
}

#[test]
fn ics_honours_the_window() {
    let (code, out, _) = schedule(&[
        "--format",
        "ics",
        "--from",
        "2026-12-21",
        "--to",
        "2026-12-21",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out.matches("BEGIN:VEVENT").count(), 2);
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("oncall.ics");
    let path_text = path.to_string_lossy().into_owned();
    let (code, out, err) = schedule(&["--format", "ics", "-o", &path_text]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    let written = std::fs::read_to_string(&path).expect("written");
    assert!(written.starts_with("BEGIN:VCALENDAR\r\n"));
}

#[test]
fn unreadable_path_and_bad_window_exit_2() {
    let output = common::steward(
        &common::repo(),
        &[
            "schedule",
            "fixtures/workspace/no-such-dir",
            "--today",
            "2026-11-23",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(common::stdout(&output).is_empty());
    assert!(common::stderr(&output).contains("steward: error"));

    let (code, out, err) = schedule(&["--from", "2026-12-24", "--to", "2026-12-10"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("--from 2026-12-24 is after --to 2026-12-10"),
        "{err}"
    );
}

#[test]
fn no_rotations_is_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("team.yaml"),
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers: [{ id: a, name: A }]\n",
    )
    .expect("write");
    let (code, out, _) = {
        let output = common::steward(dir.path(), &["schedule", "--today", "2026-11-23"]);
        (
            output.status.code(),
            common::stdout(&output),
            common::stderr(&output),
        )
    };
    assert_eq!(code, Some(0));
    assert_eq!(out, "No rotations in the checked files.\n");
    // A directory with no steward document at all is a mistyped path (exit 2).
    let empty = tempfile::tempdir().expect("tempdir");
    let output = common::steward(empty.path(), &["schedule", "--today", "2026-11-23"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        common::stderr(&output).contains("no steward documents under `.`"),
        "{}",
        common::stderr(&output)
    );
}

#[test]
fn the_example_workspace_is_clean() {
    for today in ["2026-11-23", "2027-06-01"] {
        let output = common::steward(
            &common::repo(),
            &[
                "check",
                "examples/acme",
                "--today",
                today,
                "--format",
                "json",
            ],
        );
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("JSON report");
        assert_eq!(report["findings"], serde_json::json!([]), "--today {today}");
        assert_eq!(output.status.code(), Some(0));
    }
}

/// Someone on call during their own leave is flagged in the table (`!`) and in
/// JSON (`on_leave`); nobody else is.
#[test]
fn people_on_call_during_their_leave_are_flagged() {
    let run = |format: &str| schedule_at("examples/broken", &["--format", format]).1;
    let table = run("table");
    let flagged: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("! ") && !l.contains("on leave during"))
        .collect();
    assert_eq!(flagged.len(), 1, "{table}");
    assert!(
        flagged[0].contains("2026-12-21  2026-12-27  emily!   david "),
        "{table}"
    );

    let json = schedule_json("examples/broken", &[]);
    let mut on_leave = Vec::new();
    for rotation in json["rotations"].as_array().into_iter().flatten() {
        for shift in rotation["shifts"].as_array().into_iter().flatten() {
            for role in ["primary", "secondary"] {
                if shift[role]["on_leave"] == true {
                    on_leave.push(format!(
                        "{} {role} {}",
                        shift["start"], shift[role]["person"]
                    ));
                }
            }
        }
    }
    assert_eq!(on_leave, [r#""2026-12-21" primary "emily""#]);
}

/// A window starting inside two overlapping shifts of a broken rotation shows
/// both, though the earlier one starts before the later one's predecessor ends.
#[test]
fn window_keeps_every_shift_overlapping_its_start() {
    let json = schedule_json(
        "fixtures/coverage-gap/fail",
        &["--from", "2026-06-27", "--to", "2026-06-27"],
    );
    let growth = json["rotations"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == "growth-oncall")
        .expect("growth-oncall is shown");
    let starts: Vec<&str> = growth["shifts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["start"].as_str())
        .collect();
    assert_eq!(starts, ["2026-06-22", "2026-06-26"]);
}

/// ICS descriptions name what the rotation covers and the leave of the person
/// the event is for, not of the other one on call.
#[test]
fn ics_describes_coverage_and_the_attendees_own_leave() {
    let (_, out, _) = schedule_at("examples/broken", &["--format", "ics"]);
    let unfolded = icalendar::parser::unfold(&out);
    let calendar: icalendar::Calendar = icalendar::parser::read_calendar(&unfolded)
        .expect("a real iCalendar parser accepts it")
        .into();
    let description = |uid: &str| {
        calendar
            .components
            .iter()
            .find_map(|c| match c {
                CalendarComponent::Event(e) if e.get_uid() == Some(uid) => {
                    Some(e.get_description().unwrap_or_default().to_string())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no event {uid}"))
    };
    let primary = description("investor-oncall-20261221-primary@steward");
    assert!(
        primary.contains("Covers: aggregate-profit, aggregate-growth"),
        "{primary}"
    );
    assert!(
        primary.contains("On leave: 2026-12-21 – 2027-01-03, winter vacation"),
        "{primary}"
    );
    let secondary = description("investor-oncall-20261221-secondary@steward");
    assert!(!secondary.contains("On leave"), "{secondary}");
}

/// One rotation: no "All rotations" total; a window given by `--from` alone
/// is still announced; no line ends in padding.
#[test]
fn single_rotation_layout() {
    let run = |args: &[&str]| {
        let (code, out, err) = schedule_at("fixtures/unavailable-on-call/fail", args);
        assert_eq!(code, 0, "{err}");
        out
    };
    let table = run(&[]);
    assert!(table.starts_with("Rotation growth-oncall"), "{table}");
    assert!(!table.contains("All rotations"), "{table}");
    assert!(!table.contains("showing"), "{table}");
    for line in table.lines() {
        assert!(!line.ends_with(' '), "trailing padding in {line:?}");
    }
    let markdown = run(&["--format", "markdown"]);
    assert!(!markdown.contains("All rotations"), "{markdown}");
    for bound in ["--from", "--to"] {
        let windowed = run(&[bound, "2026-07-01"]);
        assert!(
            windowed
                .lines()
                .any(|l| l.contains("showing") && l.contains("2026-07-01")),
            "{bound}: {windowed}"
        );
    }
}

/// Everyone on the roster who is away during a shift is listed, once each.
#[test]
fn every_roster_member_away_during_a_shift_is_listed() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("team.yaml"),
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  \
         - { id: ann, name: Ann }\n  \
         - { id: bo, name: Bo, unavailable: [{ from: 2026-06-02, to: 2026-06-03 }, { from: 2026-06-04, to: 2026-06-05 }] }\n  \
         - { id: cy, name: Cy, unavailable: [{ from: 2026-06-01, to: 2026-06-01, reason: dentist }] }\n  \
         - { id: di, name: Di }\n",
    )
    .expect("write team");
    std::fs::write(
        dir.path().join("rotation.yaml"),
        "apiVersion: steward/v1\nkind: Rotation\nid: r\ncovers: []\nshift_length: 1w\n\
         start: 2026-06-01\nuntil: 2026-06-08\nroster: [ann, di, bo, cy]\n",
    )
    .expect("write rotation");
    let path = dir.path().to_string_lossy().to_string();
    let json = schedule_json(&path, &[]);
    let away: Vec<String> = json["rotations"][0]["shifts"][0]["on_leave"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            format!(
                "{} {}",
                l["person"].as_str().unwrap_or(""),
                l["from"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(away, ["bo 2026-06-02", "cy 2026-06-01"]);
}

#[test]
fn load_is_over_the_whole_rotation_and_says_so_in_a_window() {
    let window = ["--from", "2026-12-10", "--to", "2026-12-24"];
    let (_, table, _) = schedule(&window);
    assert!(
        table.contains(
            "\n  load over the whole rotation: 7 shifts, 2026-11-16 – 2027-01-03\n  PERSON "
        ),
        "{table}"
    );
    assert!(
        table.contains("\nAll rotations\n  load over each whole rotation: 9 shifts\n  PERSON "),
        "{table}"
    );
    let mut args = window.to_vec();
    args.extend(["--format", "markdown"]);
    let (_, markdown, _) = schedule(&args);
    assert!(
        markdown.contains(
            "### Load\n\nOver the whole rotation: 7 shifts, 2026-11-16 – 2027-01-03.\n\n| Person "
        ),
        "{markdown}"
    );
    // The same counts as without a window, labelled.
    let windowed = schedule_json(WORKSPACE, &window);
    let whole = schedule_json(WORKSPACE, &[]);
    for i in 0..2 {
        assert_eq!(
            windowed["rotations"][i]["load"],
            whole["rotations"][i]["load"]
        );
    }
    assert_eq!(windowed["load"], whole["load"]);
    let load = &windowed["rotations"][0]["load"];
    assert_eq!(
        (&load["over"], &load["shifts"]),
        (&"rotation".into(), &7.into())
    );
    assert_eq!(windowed["load"]["over"], "rotations");
    assert_eq!(windowed["load"]["shifts"], 9);
    let david = &load["people"][0];
    assert_eq!(
        (&david["person"], &david["primary"]),
        (&"david".into(), &2.into())
    );
}

#[test]
fn overrides_that_start_no_shift_are_shown_as_notes() {
    let note = "override of 2026-12-23 not applied (secondary john, reason: Christmas swap): it starts no shift; see `steward check`";
    let (_, table, _) = schedule(&[]);
    assert!(table.contains(&format!("\n  {note}\n")), "{table}");
    let (_, markdown, _) = schedule(&["--format", "markdown"]);
    assert!(markdown.contains(&format!("\n- {note}\n")), "{markdown}");
    let json = schedule_json(WORKSPACE, &[]);
    assert_eq!(
        json["rotations"][0]["unmatched_overrides"],
        serde_json::json!([{
            "index": 1,
            "start": "2026-12-23",
            "primary": null,
            "secondary": "john",
            "reason": "Christmas swap",
        }])
    );
    // A window shows the ones dated inside it, also when it holds no shift.
    let (_, outside, _) = schedule(&["--from", "2026-11-16", "--to", "2026-11-30"]);
    assert!(!outside.contains("not applied"), "{outside}");
    let (_, inside, _) = schedule(&["--from", "2026-12-22", "--to", "2026-12-23"]);
    assert!(inside.contains(&format!("\n  {note}\n")), "{inside}");
}
