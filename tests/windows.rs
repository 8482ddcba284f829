//! Coverage windows (SPEC §10, §14.14–19), through the real binary: the
//! schema of `coverage`, `on_call` and `sla.report_due`, and what
//! `steward schedule` shows of duty.

mod common;

use std::path::Path;

use serde_json::Value;

/// `steward ARGS…` in `cwd`: (exit code, stdout, stderr).
fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let output = common::steward(cwd, args);
    (
        output.status.code().unwrap_or(-1),
        common::stdout(&output),
        common::stderr(&output),
    )
}

/// A workspace in a temp dir holding `files` (name, text).
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

/// `steward check DIR --format json --today 2026-06-01`: (rule, pointer, message, help).
fn findings(dir: &Path) -> Vec<(String, String, String, String)> {
    let (_, out, err) = run_in(
        dir,
        &["check", ".", "--format", "json", "--today", "2026-06-01"],
    );
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (text("rule"), text("pointer"), text("message"), text("help"))
        })
        .collect()
}

const TEAM: &str = "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: anna, name: Anna }
  - { id: ben, name: Ben }
  - { id: cleo, name: Cleo }
  - { id: dev, name: Dev }
";

#[test]
fn malformed_windows_are_schema_findings_at_the_node() {
    let pipelines = "apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: x
audience: internal
owners: { primary: anna, secondary: ben }
on_call: sometimes
sla: { report_due: end-of-day }
---
apiVersion: steward/v1
kind: Pipeline
id: p2
name: P2
area: x
audience: internal
owners: { primary: anna, secondary: ben }
on_call: { weekdays: [monday], month_days: [0, -32, -1], hours: \"9-17\", timezone: UTC }
---
apiVersion: steward/v1
kind: Pipeline
id: p3
name: P3
area: x
audience: internal
owners: { primary: anna, secondary: ben }
on_call: { hours: \"09:00-09:00\", time_zone: Berlin }
";
    let rotation = "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1w
start: 2026-01-05
until: 2026-12-28
roster: [anna, ben, cleo, dev]
coverage: { hours: \"24:00-06:00\", weekdays: [] }
";
    let dir = workspace(&[
        ("team.yaml", TEAM),
        ("pipelines.yaml", pipelines),
        ("rotation.yaml", rotation),
    ]);
    let schema: Vec<(String, String, String)> = findings(dir.path())
        .into_iter()
        .filter(|f| f.0 == "schema")
        .map(|(_, pointer, message, help)| {
            let help = help.replace(steward::schedule::time::TZDB_VERSION, "TZDB");
            (pointer, message, help)
        })
        .collect();
    let expected = [
        ("/on_call", "`on_call`: `sometimes` is not an allowed value", "use one of: none, always"),
        ("/sla/report_due", "`sla.report_due`: `end-of-day` is not an allowed value", "did you mean `end-of-quarter`? use one of: end-of-week, end-of-month, end-of-quarter"),
        ("/on_call/weekdays/0", "`on_call.weekdays[0]`: `monday` is not an allowed value", "did you mean `mon`? use one of: mon, tue, wed, thu, fri, sat, sun"),
        ("/on_call/month_days/0", "`on_call.month_days[0]`: a month day is 1..31, or -31..-1 counted from the month's end (-1 is the last day)", ""),
        ("/on_call/month_days/1", "`on_call.month_days[1]`: a month day is 1..31, or -31..-1 counted from the month's end (-1 is the last day)", ""),
        ("/on_call/hours", "`on_call.hours`: `9-17` is not a range of hours", "write local times as \"HH:MM-HH:MM\" in quotes, like `\"09:00-17:00\"`; `\"22:00-06:00\"` runs past midnight, `\"17:00-24:00\"` ends at midnight"),
        ("/on_call/timezone", "unknown key `timezone` in `on_call`", "did you mean `time_zone`? Allowed keys: `hours`, `month_days`, `time_zone`, `weekdays`"),
        ("/on_call/hours", "`on_call.hours`: `09:00-09:00` starts and ends at the same time", "leave out `hours` for the whole day; otherwise end at another time, like `\"09:00-17:00\"` (`\"22:00-06:00\"` runs past midnight, `\"17:00-24:00\"` to midnight)"),
        ("/on_call/time_zone", "unknown time zone `Berlin` in the `on_call` of pipeline `p3`", "did you mean `Europe/Berlin`? a time zone is an IANA name such as `Europe/Berlin`, `America/Los_Angeles` or `UTC` (tz database TZDB)"),
        ("/coverage/hours", "`coverage.hours`: `24:00-06:00` is not a range of hours", "write local times as \"HH:MM-HH:MM\" in quotes, like `\"09:00-17:00\"`; `\"22:00-06:00\"` runs past midnight, `\"17:00-24:00\"` ends at midnight"),
        ("/coverage/weekdays", "`coverage.weekdays` must not be empty", ""),
    ];
    let got: Vec<(&str, &str, &str)> = schema
        .iter()
        .map(|(p, m, h)| (p.as_str(), m.as_str(), h.as_str()))
        .collect();
    assert_eq!(got, expected);
}

const WORKSPACE: &str = "fixtures/workspace/windows";

/// `steward schedule WORKSPACE --today 2026-03-20 ARGS…`, which must succeed.
fn schedule(args: &[&str]) -> String {
    let mut all = vec!["schedule", WORKSPACE, "--today", "2026-03-20"];
    all.extend_from_slice(args);
    let (code, out, err) = run_in(&common::repo(), &all);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn schedule_table_shows_coverage_and_duty() {
    insta::assert_snapshot!("schedule_table", schedule(&[]));
}

#[test]
fn schedule_markdown_shows_coverage_and_duty() {
    insta::assert_snapshot!("schedule_markdown", schedule(&["--format", "markdown"]));
}

#[test]
fn schedule_json_lists_each_shifts_duty() {
    insta::assert_snapshot!(
        "schedule_json",
        schedule(&[
            "--format",
            "json",
            "--from",
            "2026-03-23",
            "--to",
            "2026-03-31"
        ])
    );
}

#[test]
fn schedule_ics_has_an_event_per_duty_interval() {
    insta::assert_snapshot!(
        "schedule_ics",
        schedule(&[
            "--format",
            "ics",
            "--from",
            "2026-03-07",
            "--to",
            "2026-03-24"
        ])
    );
}

/// Every event of the iCalendar output, parsed back: (UID, start, end).
fn ics_events(
    args: &[&str],
) -> Vec<(
    String,
    icalendar::DatePerhapsTime,
    icalendar::DatePerhapsTime,
)> {
    use icalendar::{CalendarComponent, Component};
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "ics"]);
    let out = schedule(&all);
    let unfolded = icalendar::parser::unfold(&out);
    let calendar: icalendar::Calendar = icalendar::parser::read_calendar(&unfolded)
        .expect("a real iCalendar parser accepts it")
        .into();
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => {
                Some((e.get_uid()?.to_string(), e.get_start()?, e.get_end()?))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn ics_events_are_exactly_the_json_duty_intervals() {
    use icalendar::{CalendarDateTime, DatePerhapsTime};
    let value: Value = serde_json::from_str(&schedule(&["--format", "json"])).expect("JSON");
    // (rotation, start, end) of every duty interval, twice: primary and secondary.
    let mut expected: Vec<(String, String, String)> = Vec::new();
    for rotation in value["rotations"].as_array().expect("rotations") {
        let id = rotation["id"].as_str().expect("id");
        for shift in rotation["shifts"].as_array().expect("shifts") {
            let duty = shift["duty"]
                .as_array()
                .expect("a windowed rotation lists duty");
            for interval in duty {
                for _ in ["primary", "secondary"] {
                    expected.push((
                        id.to_string(),
                        interval["start"].as_str().expect("start").to_string(),
                        interval["end"].as_str().expect("end").to_string(),
                    ));
                }
            }
        }
    }
    let text = |t: &DatePerhapsTime| match t {
        DatePerhapsTime::Date(d) => d.to_string(),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => t.to_rfc3339(),
        other => panic!("unexpected {other:?}"),
    };
    let rfc = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339())
            .unwrap_or_else(|_| s.to_string())
    };
    let mut got: Vec<(String, String, String)> = ics_events(&[])
        .into_iter()
        .map(|(uid, start, end)| {
            let rotation = ["month-end", "day", "nights"]
                .into_iter()
                .find(|r| uid.starts_with(&format!("{r}-")))
                .expect("a rotation's event");
            (rotation.to_string(), text(&start), text(&end))
        })
        .collect();
    let mut expected: Vec<(String, String, String)> = expected
        .into_iter()
        .map(|(r, s, e)| (r, rfc(&s), rfc(&e)))
        .collect();
    got.sort();
    expected.sort();
    // Shifts without duty have no events; the month-end shifts are all-day.
    assert_eq!(got.len(), 2 * (4 * 5 + 2 + 4));
    assert_eq!(got, expected);
}

#[test]
fn steward_schema_documents_the_window_fields() {
    for (kind, fields) in [
        ("Rotation", &["coverage"][..]),
        ("Pipeline", &["on_call"][..]),
    ] {
        let (code, out, _) = run_in(&common::repo(), &["schema", kind]);
        assert_eq!(code, 0);
        let schema: Value = serde_json::from_str(&out).expect("json");
        for field in fields {
            assert!(schema["properties"][field].is_object(), "{kind}.{field}");
        }
    }
    let (_, out, _) = run_in(&common::repo(), &["schema", "Pipeline"]);
    let schema: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        schema["properties"]["sla"]["properties"]["report_due"]["enum"],
        serde_json::json!(["end-of-week", "end-of-month", "end-of-quarter"])
    );
}

#[test]
fn suggest_refuses_rotations_with_a_coverage_window() {
    // `month-end` is whole days in UTC, which suggest plans, but it would
    // balance shifts where the rules now balance duty.
    let (code, _, err) = run_in(
        &common::repo(),
        &[
            "suggest",
            "--rotation",
            "month-end",
            WORKSPACE,
            "--today",
            "2026-03-20",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("rotation `month-end` has a coverage window (`coverage`); suggest plans rotations on duty all through for now"),
        "{err}"
    );
}
