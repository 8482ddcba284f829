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

/// `steward suggest --rotation ROT . --today TODAY` in `dir`: (code, stdout, stderr).
fn suggest(dir: &Path, rotation: &str, today: &str) -> (i32, String, String) {
    run_in(
        dir,
        &["suggest", "--rotation", rotation, ".", "--today", today],
    )
}

/// The `{ start: …, primary: … }` shift lines of a suggestion, trimmed.
fn shift_lines(yaml: &str) -> Vec<String> {
    yaml.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("- { start:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn suggest_ignores_leave_outside_duty() {
    // Weekday duty: anna's weekend away in her week is no conflict, so the
    // roster order stands (0.1's whole-shift view would move her).
    let team = "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: anna, name: Anna, unavailable: [{ from: 2026-06-06, to: 2026-06-07 }] }
  - { id: ben, name: Ben }
  - { id: cleo, name: Cleo }
  - { id: dev, name: Dev }
";
    let rotation = "apiVersion: steward/v1
kind: Rotation
id: weekdays
covers: []
coverage: { weekdays: [mon, tue, wed, thu, fri] }
shift_length: 1w
start: 2026-06-01
until: 2026-08-24
roster: [anna, ben, cleo, dev]
";
    let dir = workspace(&[("team.yaml", team), ("rotation.yaml", rotation)]);
    let (code, out, err) = suggest(dir.path(), "weekdays", "2026-05-25");
    assert_eq!(code, 0, "{err}");
    let roster = ["anna", "ben", "cleo", "dev"];
    let expected: Vec<String> = (0..12)
        .map(|week| {
            let start = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
                + chrono::Days::new(7 * week as u64);
            format!(
                "- {{ start: {start}, primary: {}, secondary: {} }}",
                roster[week % 4],
                roster[(week + 1) % 4]
            )
        })
        .collect();
    assert_eq!(shift_lines(&out), expected, "{err}");
    // Leave inside duty still moves her.
    let dir = workspace(&[
        (
            "team.yaml",
            &team.replace("2026-06-06, to: 2026-06-07", "2026-06-04, to: 2026-06-04"),
        ),
        ("rotation.yaml", rotation),
    ]);
    let (code, out, err) = suggest(dir.path(), "weekdays", "2026-05-25");
    assert_eq!(code, 0, "{err}");
    let first = shift_lines(&out).into_iter().next().unwrap_or_default();
    assert!(
        first.starts_with("- { start: 2026-06-01,") && !first.contains("anna"),
        "{first}\n{err}"
    );
}

#[test]
fn suggest_balances_month_end_duty_and_keeps_shifts_without_duty() {
    // The seed 002 rotation: weekly shifts, duty in the last week of the
    // month. The roster order gives the month-end unevenly (balanced-load,
    // holiday-fairness, holiday-coverage); suggest balances the duty shifts
    // and leaves the shifts without duty as they were.
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = common::repo().join("examples/seed-002");
    common::copy_dir(&seed, dir.path());
    let today = "2026-12-02";
    let rotation_rules = |dir: &Path| -> Vec<(String, String)> {
        let (_, out, err) = run_in(dir, &["check", ".", "--format", "json", "--today", today]);
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| {
                f["file"]
                    .as_str()
                    .is_some_and(|p| p.contains("data-oncall"))
            })
            .map(|f| {
                let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                (text("rule"), text("message"))
            })
            .collect()
    };
    let before = rotation_rules(dir.path());
    for rule in ["balanced-load", "holiday-fairness"] {
        assert!(before.iter().any(|(r, _)| r == rule), "{rule}: {before:?}");
    }
    let duty_before = duty_shifts(dir.path(), today);

    let (code, _, err) = run_in(
        dir.path(),
        &[
            "suggest",
            "--rotation",
            "data-oncall",
            ".",
            "--today",
            today,
            "--write",
        ],
    );
    assert!(code == 0 || code == 1, "{err}");
    assert!(
        err.contains("33 of them hold no duty under the rotation's `coverage`"),
        "{err}"
    );
    let after = rotation_rules(dir.path());
    // What is left is in the kept past (before 2026-12-07), which suggest
    // does not change.
    for (rule, message) in &after {
        assert_eq!(rule, "back-to-back", "{message}");
        assert!(!message.contains("2027"), "{message}");
    }
    // Shifts without duty from 2026-12-07 on keep their people; the duty
    // shifts are shared within balanced-load's max_spread of 1.
    let duty_after = duty_shifts(dir.path(), today);
    let mut counts: std::collections::BTreeMap<String, i32> = Default::default();
    for ((start, has_duty, primary), (start_before, _, primary_before)) in
        duty_after.iter().zip(&duty_before)
    {
        assert_eq!(start, start_before);
        if !has_duty && start.as_str() >= "2026-12-07" {
            assert_eq!(primary, primary_before, "{start}");
        }
        if *has_duty {
            *counts.entry(primary.clone()).or_default() += 1;
        }
    }
    let (min, max) = (counts.values().min(), counts.values().max());
    assert!(
        max.zip(min).is_some_and(|(max, min)| max - min <= 1),
        "{counts:?}"
    );
}

/// `data-oncall`'s shifts from `steward schedule --format json`: (start,
/// whether it has duty, primary).
fn duty_shifts(dir: &Path, today: &str) -> Vec<(String, bool, String)> {
    let (code, out, err) = run_in(
        dir,
        &[
            "schedule",
            ".",
            "--format",
            "json",
            "--today",
            today,
            "--from",
            "2026-01-01",
            "--to",
            "2028-01-03",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let rotations = json["rotations"].as_array().expect("rotations");
    let rotation = rotations
        .iter()
        .find(|r| r["id"] == "data-oncall")
        .expect("data-oncall");
    rotation["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .map(|s| {
            (
                s["start"].as_str().unwrap_or_default().to_string(),
                s["duty"].as_array().is_some_and(|d| !d.is_empty()),
                s["primary"]["person"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

/// `"09:00 - 17:00"` (spaces around the dash) is what people write: the
/// schema takes it and the window reads it as `"09:00-17:00"`; what the
/// schema refuses (a tab) is not read either.
#[test]
fn hours_may_have_spaces_around_the_dash() {
    let rotation = |hours: &str| {
        format!(
            "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1w
start: 2026-01-05
until: 2026-12-28
roster: [anna, ben, cleo, dev]
coverage: {{ weekdays: [mon, tue, wed, thu, fri], hours: \"{hours}\" }}
"
        )
    };
    let coverage = |dir: &Path| {
        let (_, out, err) = run_in(
            dir,
            &["schedule", ".", "--format", "json", "--today", "2026-06-01"],
        );
        let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        json["rotations"][0]["coverage"].clone()
    };
    let plain = workspace(&[
        ("team.yaml", TEAM),
        ("rotation.yaml", &rotation("09:00-17:00")),
    ]);
    let spaced = workspace(&[
        ("team.yaml", TEAM),
        ("rotation.yaml", &rotation("09:00 - 17:00")),
    ]);
    assert_eq!(findings(spaced.path()), findings(plain.path()));
    // `hours` is echoed as written; what it means is the same.
    assert_eq!(
        coverage(plain.path())["description"],
        "Mon–Fri, 09:00–17:00"
    );
    assert_eq!(
        coverage(spaced.path())["description"],
        "Mon–Fri, 09:00–17:00"
    );

    let tab = workspace(&[
        ("team.yaml", TEAM),
        ("rotation.yaml", &rotation("09:00\\t- 17:00")),
    ]);
    let rules: Vec<(String, String)> = findings(tab.path())
        .into_iter()
        .map(|(rule, pointer, ..)| (rule, pointer))
        .collect();
    assert!(
        rules.contains(&("schema".to_string(), "/coverage/hours".to_string())),
        "{rules:?}"
    );
}
