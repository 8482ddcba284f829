//! Times of day and time zones (SPEC §9, §14.10–13), through the real binary:
//! `steward schedule` in every format on `fixtures/workspace/timezones` (a
//! Berlin rotation with 09:00 handoffs across both daylight-saving changes
//! of 2026, a monthly rotation from January 31, 12-hour follow-the-sun
//! shifts), `--time-zone`, `--version`, and the rules that read instants.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
use serde_json::Value;

const WORKSPACE: &str = "fixtures/workspace/timezones";

/// `steward ARGS…` from the repository root: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    run_in(&common::repo(), args)
}

fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let output = common::steward(cwd, args);
    (
        output.status.code().unwrap_or(-1),
        common::stdout(&output),
        common::stderr(&output),
    )
}

/// `steward schedule WORKSPACE --today 2026-03-01 ARGS…`, which must succeed.
fn schedule(args: &[&str]) -> String {
    let mut all = vec!["schedule", WORKSPACE, "--today", "2026-03-01"];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    out
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&schedule(&all)).expect("valid JSON")
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .with_timezone(&Utc)
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

fn of_rule<'a>(
    all: &'a [(String, String, String, String)],
    rule: &str,
) -> Vec<&'a (String, String, String, String)> {
    all.iter().filter(|f| f.0 == rule).collect()
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
fn table() {
    insta::assert_snapshot!("table", schedule(&[]));
}

#[test]
fn markdown() {
    insta::assert_snapshot!("markdown", schedule(&["--format", "markdown"]));
}

#[test]
fn json_around_the_spring_changes() {
    // Berlin springs forward on March 29, New York on March 8.
    let out = schedule(&[
        "--format",
        "json",
        "--from",
        "2026-03-08",
        "--to",
        "2026-03-31",
    ]);
    insta::assert_snapshot!("json_spring", out);
}

#[test]
fn ics_around_the_autumn_change() {
    // Berlin falls back on October 25, inside the shift from October 12.
    let out = schedule(&[
        "--format",
        "ics",
        "--from",
        "2026-10-20",
        "--to",
        "2026-10-27",
    ]);
    insta::assert_snapshot!("ics_autumn", out);
}

#[test]
fn another_zone_with_time_zone() {
    // New York falls back a week after Berlin: for that week the 09:00
    // Berlin handoff is at 04:00 in New York, else at 03:00.
    let out = schedule(&[
        "--time-zone",
        "America/New_York",
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-30",
    ]);
    insta::assert_snapshot!("table_new_york", out);
    let value = json(&[
        "--time-zone",
        "America/New_York",
        "--from",
        "2026-10-20",
        "--to",
        "2026-10-27",
    ]);
    assert_eq!(value["time_zone"], "America/New_York");
    let berlin = &value["rotations"][0];
    // The rotation keeps its own zone; instants are shown in the view's.
    assert_eq!(berlin["time_zone"], "Europe/Berlin");
    assert_eq!(berlin["shifts"][1]["start"], "2026-10-26T04:00:00-04:00");
}

#[test]
fn the_handoffs_keep_their_local_time_across_both_changes() {
    let value = json(&[]);
    let berlin = &value["rotations"][0];
    assert_eq!(berlin["id"], "berlin");
    let starts: Vec<&str> = berlin["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .filter_map(|s| s["start"].as_str())
        .collect();
    // Winter, summer (from March 29), winter again (from October 25): 09:00 local each time.
    assert_eq!(starts.first(), Some(&"2026-03-16T09:00:00+01:00"));
    assert_eq!(starts.get(1), Some(&"2026-03-30T09:00:00+02:00"));
    assert_eq!(starts.get(15), Some(&"2026-10-12T09:00:00+02:00"));
    assert_eq!(starts.get(16), Some(&"2026-10-26T09:00:00+01:00"));
    assert!(
        starts.iter().all(|s| s.contains("T09:00:00+0")),
        "{starts:?}"
    );
    assert_eq!(instant(starts[0]), instant("2026-03-16T08:00:00Z"));
    assert_eq!(instant(starts[1]), instant("2026-03-30T07:00:00Z"));

    let monthly = &value["rotations"][1];
    let starts: Vec<&str> = monthly["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .filter_map(|s| s["start"].as_str())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-01-31T10:00:00-05:00",
            "2026-02-28T10:00:00-05:00",
            "2026-03-31T10:00:00-04:00",
            "2026-04-30T10:00:00-04:00",
            "2026-05-31T10:00:00-04:00",
            "2026-06-30T10:00:00-04:00",
        ]
    );

    // 12-hour shifts are elapsed time: after New York springs forward the
    // handoffs are at 09:00 and 21:00 local, still 12 hours apart.
    let sun = &value["rotations"][2];
    let bounds: Vec<(DateTime<Utc>, DateTime<Utc>)> = sun["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .map(|s| {
            (
                instant(s["start"].as_str().expect("start")),
                instant(s["end"].as_str().expect("end")),
            )
        })
        .collect();
    assert_eq!(bounds.len(), 6);
    for (start, end) in &bounds {
        assert_eq!(*end - *start, chrono::Duration::hours(12));
    }
    assert_eq!(sun["shifts"][2]["start"], "2026-03-08T09:00:00-04:00");
}

/// Every event of `steward schedule --format ics`, parsed back by a real
/// iCalendar parser: UID -> (start, end, summary).
fn ics_events(args: &[&str]) -> BTreeMap<String, (DatePerhapsTime, DatePerhapsTime, String)> {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "ics"]);
    let out = schedule(&all);
    for line in out.split("\r\n") {
        assert!(line.len() <= 75, "unfolded line {line:?}");
    }
    let unfolded = icalendar::parser::unfold(&out);
    let calendar: icalendar::Calendar = icalendar::parser::read_calendar(&unfolded)
        .expect("a real iCalendar parser accepts it")
        .into();
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some((
                e.get_uid()?.to_string(),
                (e.get_start()?, e.get_end()?, e.get_summary()?.to_string()),
            )),
            _ => None,
        })
        .collect()
}

fn utc(value: &DatePerhapsTime) -> DateTime<Utc> {
    match value {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => *t,
        other => panic!("not a UTC date-time: {other:?}"),
    }
}

#[test]
fn ics_events_are_the_json_instants_in_utc() {
    let events = ics_events(&[]);
    let value = json(&[]);
    let mut shifts = 0;
    let mut meetings = 0;
    for rotation in value["rotations"].as_array().expect("rotations") {
        let id = rotation["id"].as_str().expect("id");
        for shift in rotation["shifts"].as_array().expect("shifts") {
            let start = instant(shift["start"].as_str().expect("start"));
            let end = instant(shift["end"].as_str().expect("end"));
            let stamp = start.format("%Y%m%dT%H%M%SZ");
            for role in ["primary", "secondary"] {
                let name = shift[role]["name"].as_str().expect("name");
                let (s, e, summary) = &events[&format!("{id}-{stamp}-{role}@steward")];
                assert_eq!((utc(s), utc(e)), (start, end), "{id} {stamp} {role}");
                assert_eq!(summary, &format!("On call: {name} ({role})"));
                shifts += 1;
            }
            if let Some(meeting) = shift.get("handoff_meeting").filter(|m| !m.is_null()) {
                let (s, e, summary) = &events[&format!("{id}-{stamp}-handoff@steward")];
                assert_eq!(utc(s), instant(meeting["start"].as_str().expect("start")));
                assert_eq!(utc(e), start, "the meeting ends at the handoff");
                assert_eq!(utc(e) - utc(s), chrono::Duration::minutes(30));
                let who = |k: &str| {
                    let id = meeting[k].as_str().expect("person");
                    value["load"]["people"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|p| p["person"] == id)
                        .and_then(|p| p["name"].as_str())
                        .unwrap_or(id)
                        .to_string()
                };
                assert_eq!(
                    summary,
                    &format!("Handoff meeting: {} → {}", who("outgoing"), who("incoming"))
                );
                meetings += 1;
            }
        }
    }
    // berlin 17 × 2 + monthly 6 × 2 + follow-the-sun 6 × 2; 16 Berlin handoffs.
    assert_eq!((shifts, meetings), (58, 16));
    assert_eq!(events.len(), shifts + meetings, "no other events");
    // The issue's own example: the first Berlin handoff in UTC.
    let first = &events["berlin-20260316T080000Z-primary@steward"];
    assert_eq!(utc(&first.0), instant("2026-03-16T08:00:00Z"));
}

#[test]
fn known_answers_in_berlin() {
    // A 09:00 Europe/Berlin handoff is 08:00Z in winter and 07:00Z in summer.
    let dir = workspace(&[
        ("team.yaml", TEAM),
        (
            "rotation.yaml",
            "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
time_zone: Europe/Berlin
handoff_time: 09:00
shift_length: 1d
start: 2026-12-01
shifts:
  - { start: 2026-12-01, primary: anna }
  - { start: 2027-04-01, primary: ben }
  - { start: 2027-10-31T02:30, primary: cleo }
",
        ),
    ]);
    let path = dir.path().to_str().expect("utf-8 path");
    let (code, out, err) = run(&["schedule", path, "--format", "ics", "--today", "2026-06-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("DTSTART:20261201T080000Z\r\n"), "{out}");
    assert!(out.contains("DTEND:20261202T080000Z\r\n"), "{out}");
    assert!(out.contains("DTSTART:20270401T070000Z\r\n"), "{out}");
    // 02:30 happens twice on 2027-10-31: the earlier one (CEST), and a day
    // later at the same wall time (CET).
    assert!(out.contains("DTSTART:20271031T003000Z\r\n"), "{out}");
    assert!(out.contains("DTEND:20271101T013000Z\r\n"), "{out}");
    // Written unquoted, 09:00 is a string under YAML 1.2: no schema finding.
    assert!(of_rule(&findings(dir.path()), "schema").is_empty());
}

#[test]
fn unknown_view_zone_exits_2_with_a_suggestion() {
    let (code, out, err) = run(&["schedule", WORKSPACE, "--time-zone", "Europe/Berln"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("unknown time zone; did you mean `Europe/Berlin`?"),
        "{err}"
    );
    let (code, _, err) = run(&["schedule", WORKSPACE, "--time-zone", "new york"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `America/New_York`?"), "{err}");
}

#[test]
fn version_names_the_time_zone_database() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "steward {} (tzdb {})\n",
            env!("CARGO_PKG_VERSION"),
            steward::schedule::time::TZDB_VERSION
        )
    );
}

#[test]
fn unknown_zone_is_a_schema_finding_with_a_suggestion() {
    for (written, best) in [
        ("Europe/Berln", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
    ] {
        let rotation = format!(
            "apiVersion: steward/v1\nkind: Rotation\nid: r\ncovers: []\ntime_zone: {written}\nshift_length: 1w\nstart: 2026-06-01\nuntil: 2026-09-07\nroster: [anna, ben, cleo, dev]\n"
        );
        let dir = workspace(&[("team.yaml", TEAM), ("rotation.yaml", &rotation)]);
        let all = findings(dir.path());
        let schema = of_rule(&all, "schema");
        assert_eq!(schema.len(), 1, "{written}: {all:?}");
        let (_, pointer, message, help) = schema[0];
        assert_eq!(pointer, "/time_zone");
        assert_eq!(
            message,
            &format!("unknown time zone `{written}` in rotation `r`")
        );
        assert!(
            help.starts_with(&format!("did you mean `{best}`? ")),
            "{help}"
        );
        // The rotation is not expanded in a guessed zone: no rule reads it.
        assert_eq!(all.len(), 1, "{all:?}");
    }
}

#[test]
fn leave_is_whole_local_days_against_a_0900_handoff() {
    // anna hands over to ben on Monday 2026-06-08 at 09:00 Berlin time.
    let rotation = "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
time_zone: Europe/Berlin
handoff_time: \"09:00\"
shift_length: 1w
start: 2026-06-01
shifts:
  - { start: 2026-06-01, primary: anna }
  - { start: 2026-06-08, primary: ben }
";
    let team = |anna: &str, ben: &str| {
        format!(
            "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - {{ id: anna, name: Anna, unavailable: [{anna}] }}\n  - {{ id: ben, name: Ben, unavailable: [{ben}] }}\n"
        )
    };
    // Leave ending the day ben's shift starts, and leave starting the day
    // anna hands over: both overlap the 09:00 handoff day.
    let dir = workspace(&[
        (
            "team.yaml",
            &team(
                "{ from: 2026-06-08, to: 2026-06-12 }",
                "{ from: 2026-06-03, to: 2026-06-08 }",
            ),
        ),
        ("rotation.yaml", rotation),
    ]);
    let all = findings(dir.path());
    let messages: Vec<&str> = of_rule(&all, "unavailable-on-call")
        .iter()
        .map(|f| f.2.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "anna is primary of rotation `r` on 2026-06-01 09:00 – 2026-06-08 09:00 Europe/Berlin while on leave (2026-06-08 – 2026-06-12)",
            "ben is primary of rotation `r` on 2026-06-08 09:00 – 2026-06-15 09:00 Europe/Berlin while on leave (2026-06-03 – 2026-06-08)",
        ]
    );
    // Leave starting the day after the last handoff, or ending the day
    // before the first: no conflict.
    let dir = workspace(&[
        (
            "team.yaml",
            &team(
                "{ from: 2026-06-09, to: 2026-06-12 }",
                "{ from: 2026-06-03, to: 2026-06-07 }",
            ),
        ),
        ("rotation.yaml", rotation),
    ]);
    assert!(of_rule(&findings(dir.path()), "unavailable-on-call").is_empty());
}

#[test]
fn double_booked_compares_instants_across_zones() {
    // anna is primary in Berlin until 2026-06-08 09:00 CEST (07:00Z) and in
    // New York from the same day: at 03:00 EDT (07:00Z) the two touch, at
    // 02:00 EDT (06:00Z) they overlap by an hour.
    let rotations = |new_york_start: &str| {
        format!(
            "apiVersion: steward/v1
kind: Rotation
id: berlin
covers: []
time_zone: Europe/Berlin
handoff_time: \"09:00\"
shift_length: 1w
start: 2026-06-01
shifts:
  - {{ start: 2026-06-01, primary: anna, secondary: ben }}
---
apiVersion: steward/v1
kind: Rotation
id: new-york
covers: []
time_zone: America/New_York
shift_length: 1w
start: 2026-06-08
shifts:
  - {{ start: {new_york_start}, primary: anna, secondary: cleo }}
"
        )
    };
    let dir = workspace(&[
        ("team.yaml", TEAM),
        ("rotations.yaml", &rotations("2026-06-08T03:00")),
    ]);
    let all = findings(dir.path());
    assert!(of_rule(&all, "double-booked").is_empty(), "{all:?}");

    let dir = workspace(&[
        ("team.yaml", TEAM),
        ("rotations.yaml", &rotations("2026-06-08T02:00")),
    ]);
    let all = findings(dir.path());
    let booked = of_rule(&all, "double-booked");
    assert_eq!(booked.len(), 1, "{all:?}");
    assert_eq!(booked[0].1, "/shifts/0/primary");
    assert_eq!(
        booked[0].2,
        "anna is primary of both `new-york` and `berlin` on 2026-06-08 02:00 – 03:00 America/New_York"
    );
}

#[test]
fn months_tile_in_both_forms_and_only_shift_lengths_take_them() {
    // §14.11: an explicit shift on the monthly grid from January 31 ends where
    // the grid's next step lands (Feb 28 -> Mar 31), so explicit monthly
    // shifts tile like generated ones.
    let dir = workspace(&[
        ("team.yaml", TEAM),
        (
            "rotation.yaml",
            "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1mo
start: 2026-01-31
shifts:
  - { start: 2026-01-31, primary: anna, secondary: ben }
  - { start: 2026-02-28, primary: ben, secondary: cleo }
  - { start: 2026-03-31, primary: cleo, secondary: dev }
  - { start: 2026-04-30, primary: dev, secondary: anna }
---
apiVersion: steward/v1
kind: Pipeline
id: p
name: P
area: growth
audience: experiments
owners: { primary: anna, secondary: ben }
sla: { warn_after: 1mo }
",
        ),
    ]);
    let all = findings(dir.path());
    assert!(of_rule(&all, "coverage-gap").is_empty(), "{all:?}");
    let schema: Vec<(&str, &str)> = of_rule(&all, "schema")
        .iter()
        .map(|f| (f.1.as_str(), f.2.as_str()))
        .collect();
    assert_eq!(
        schema,
        [(
            "/sla/warn_after",
            "`sla.warn_after`: `1mo` is not a duration"
        )]
    );
    let path = dir.path().to_str().expect("utf-8 path");
    let (_, out, _) = run(&[
        "schedule",
        path,
        "--format",
        "json",
        "--today",
        "2026-01-01",
    ]);
    let value: Value = serde_json::from_str(&out).expect("json");
    let ends: Vec<&str> = value["rotations"][0]["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .filter_map(|s| s["end"].as_str())
        .collect();
    // A rotation without times of day reads in whole UTC days, as in 0.1.
    assert_eq!(
        ends,
        ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]
    );
}

#[test]
fn gaps_between_timed_shifts_are_reported_in_local_time() {
    let dir = workspace(&[
        ("team.yaml", TEAM),
        (
            "rotation.yaml",
            "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
time_zone: Asia/Kolkata
handoff_time: \"08:30\"
shift_length: 12h
start: 2026-06-01
shifts:
  - { start: 2026-06-01, primary: anna, secondary: ben }
  - { start: 2026-06-01T20:30, primary: ben, secondary: anna }
  - { start: 2026-06-02T20:30, primary: anna, secondary: ben }
overrides:
  - { start: 2026-06-02, primary: cleo }
",
        ),
    ]);
    let all = findings(dir.path());
    let gaps: Vec<(&str, &str, &str)> = of_rule(&all, "coverage-gap")
        .iter()
        .map(|f| (f.1.as_str(), f.2.as_str(), f.3.as_str()))
        .collect();
    assert_eq!(
        gaps,
        [
            (
                "/shifts/2/start",
                "rotation `r` has a gap: nobody is on call 2026-06-02 08:30 – 20:30 Asia/Kolkata (12 hours), between the shift 2026-06-01 20:30 – 2026-06-02 08:30 Asia/Kolkata and the one starting 2026-06-02 20:30 Asia/Kolkata",
                "add a shift starting 2026-06-02, or start this one on 2026-06-02",
            ),
            (
                "/overrides/0/start",
                "an override of rotation `r` starts at 2026-06-02 08:30 Asia/Kolkata, which is not the start of a shift",
                "the rotation's shifts run 2026-06-01 08:30 – 2026-06-03 08:30 Asia/Kolkata; an override must start where one of them starts",
            ),
        ]
    );
}

#[test]
fn schema_documents_the_new_fields() {
    let (code, out, _) = run(&["schema", "Rotation"]);
    assert_eq!(code, 0);
    let schema: Value = serde_json::from_str(&out).expect("json");
    for field in ["time_zone", "handoff_time", "handoff_meeting"] {
        assert!(schema["properties"][field].is_object(), "{field}");
    }
    let on_disk = std::fs::read_to_string(common::repo().join("schemas/rotation.json"))
        .expect("schemas/rotation.json");
    assert_eq!(
        serde_json::from_str::<Value>(&on_disk).expect("json"),
        schema,
        "`steward schema` prints the file in schemas/"
    );
}

#[test]
fn suggest_refuses_rotations_with_times_of_day() {
    let (code, _, err) = run(&[
        "suggest",
        "--rotation",
        "berlin",
        WORKSPACE,
        "--today",
        "2026-03-01",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("suggest plans whole-day shifts in UTC for now"),
        "{err}"
    );
}

#[test]
fn handoff_meetings_are_only_between_different_primaries_handing_over() {
    // §14.13: anna hands over to herself (no meeting), then a gap before
    // ben (no meeting), then ben hands over to cleo at 00:00, with the
    // meeting on the evening before. Everyone is away on every day involved.
    let dir = workspace(&[
        (
            "team.yaml",
            "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: anna, name: Anna, unavailable: [{ from: 2026-06-08, to: 2026-06-08 }] }
  - { id: ben, name: Ben, unavailable: [{ from: 2026-06-15, to: 2026-06-15 }, { from: 2026-06-28, to: 2026-06-28 }] }
  - { id: cleo, name: Cleo, unavailable: [{ from: 2026-06-28, to: 2026-06-28 }] }
",
        ),
        (
            "rotation.yaml",
            "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
time_zone: America/Los_Angeles
handoff_meeting: 30m
shift_length: 1w
start: 2026-06-01
shifts:
  - { start: 2026-06-01, primary: anna }
  - { start: 2026-06-08, primary: anna }
  - { start: 2026-06-22, primary: ben }
  - { start: 2026-06-29, primary: cleo }
",
        ),
    ]);
    let all = findings(dir.path());
    let meetings: Vec<(&str, &str)> = of_rule(&all, "handoff-meeting")
        .iter()
        .map(|f| (f.1.as_str(), f.2.as_str()))
        .collect();
    assert_eq!(
        meetings,
        [
            (
                "/shifts/2/primary",
                "ben, the outgoing primary, is on leave (2026-06-28) on the day of the handoff meeting with cleo in rotation `r`, before the handoff at 2026-06-29 00:00 America/Los_Angeles",
            ),
            (
                "/shifts/3/primary",
                "cleo, the incoming primary, is on leave (2026-06-28) on the day of the handoff meeting with ben in rotation `r`, before the handoff at 2026-06-29 00:00 America/Los_Angeles",
            ),
        ]
    );
    // The leave on the evening before cleo's shift is not on the shift itself.
    assert!(of_rule(&all, "unavailable-on-call")
        .iter()
        .all(|f| !f.2.starts_with("cleo")));
    let path = dir.path().to_str().expect("utf-8 path");
    let (_, out, _) = run(&[
        "schedule",
        path,
        "--format",
        "json",
        "--today",
        "2026-06-01",
    ]);
    let value: Value = serde_json::from_str(&out).expect("json");
    let held: Vec<&Value> = value["rotations"][0]["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .map(|s| &s["handoff_meeting"])
        .collect();
    assert!(held[..3].iter().all(|m| m.is_null()), "{held:?}");
    assert_eq!(held[3]["start"], "2026-06-28T23:30:00-07:00");
    assert_eq!(held[3]["end"], "2026-06-29T00:00:00-07:00");
}

#[test]
fn an_empty_zone_is_reported_once() {
    let dir = workspace(&[
        ("team.yaml", TEAM),
        (
            "rotation.yaml",
            "apiVersion: steward/v1\nkind: Rotation\nid: r\ncovers: []\ntime_zone: \"\"\nshift_length: 1w\nstart: 2026-06-01\nuntil: 2026-09-07\nroster: [anna, ben, cleo, dev]\n",
        ),
    ]);
    let all = findings(dir.path());
    let messages: Vec<&str> = all.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(messages, ["`time_zone` must not be empty"]);
    let path = dir.path().to_str().expect("utf-8 path");
    let (_, out, _) = run(&["schedule", path, "--today", "2026-06-01"]);
    assert!(
        out.contains("  shifts  not expanded: unknown time zone `` (see `steward check`)\n"),
        "{out}"
    );
    assert!(
        !out.contains("  zone "),
        "no zone is shown for an unknown one: {out}"
    );
}

#[test]
fn a_holiday_on_a_handoff_day_is_in_both_shifts() {
    // §14.18: Christmas 2026 is a Friday, when this Berlin rotation hands
    // over at 09:00; New Year's Day too, a week later.
    let dir = workspace(&[
        ("team.yaml", TEAM),
        (
            "rotation.yaml",
            "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
time_zone: Europe/Berlin
handoff_time: \"09:00\"
shift_length: 1w
start: 2026-12-18
until: 2027-01-08
roster: [anna, ben, cleo]
holidays: { calendar: us-major }
",
        ),
    ]);
    let path = dir.path().to_str().expect("utf-8 path");
    let (_, out, _) = run(&[
        "schedule",
        path,
        "--format",
        "json",
        "--today",
        "2026-12-01",
    ]);
    let value: Value = serde_json::from_str(&out).expect("json");
    let rotation = &value["rotations"][0];
    let holidays: Vec<Vec<&str>> = rotation["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .map(|s| {
            s["holidays"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|h| h["date"].as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        holidays,
        [
            vec!["2026-12-25"],
            vec!["2026-12-25", "2027-01-01"],
            vec!["2027-01-01"]
        ]
    );
    // Each primary is credited with the holidays of their shift.
    let credited: Vec<(&str, u64)> = rotation["load"]["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| {
            (
                p["person"].as_str().unwrap_or_default(),
                p["primary_holidays"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(credited, [("anna", 1), ("ben", 2), ("cleo", 1)]);
}

/// A rotation of hours or minutes gets the safe `until` fix too: after
/// `--fix`, `until` is the horizon and `schedule-horizon` is silent, for
/// lengths that do and do not divide a day, handoffs at any time, and zones
/// with a clock change in between.
#[test]
fn the_horizon_fix_extends_rotations_of_hours() {
    for (length, zone, handoff) in [
        ("12h", "UTC", "00:00"),
        ("12h", "America/New_York", "09:00"),
        ("7h", "Europe/London", "21:30"),
        ("25h", "Australia/Lord_Howe", "02:15"),
        ("90m", "Asia/Kolkata", "23:45"),
    ] {
        let rotation = format!(
            "apiVersion: steward/v1\nkind: Rotation\nid: r\ncovers: []\ntime_zone: {zone}\nhandoff_time: \"{handoff}\"\nshift_length: {length}  # hours\nstart: 2026-05-04\nuntil: 2026-07-01\nroster: [anna, ben, cleo, dev]\n"
        );
        let dir = workspace(&[("team.yaml", TEAM), ("rotation.yaml", &rotation)]);
        let before = findings(dir.path());
        assert_eq!(
            of_rule(&before, "schedule-horizon").len(),
            1,
            "{length} {zone}"
        );
        let (code, _, err) = run_in(
            dir.path(),
            &["check", ".", "--fix", "--today", "2026-06-01"],
        );
        assert!(code == 0 || code == 1, "{length} {zone}: {err}");
        let after = std::fs::read_to_string(dir.path().join("rotation.yaml")).expect("read");
        // 13 weeks after 2026-06-01; nothing else of the file changes.
        assert_eq!(
            after,
            rotation.replace("until: 2026-07-01", "until: 2026-08-31"),
            "{length} {zone}"
        );
        let left = findings(dir.path());
        assert!(
            of_rule(&left, "schedule-horizon").is_empty(),
            "{length} {zone}: {left:?}"
        );
    }
}
