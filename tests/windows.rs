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
