//! QA of holiday calendars, leave and the review of schedule changes: each
//! test pins a wrong answer found by using the tool, with the exact
//! messages, positions and exit codes expected.

mod common;

use std::fs;
use std::path::Path;

use common::{json, steward};

const TODAY: &str = "2026-12-01";

const TEAM: &str = "apiVersion: steward/v1
kind: Team
id: data
members:
  - id: ann
    name: Ann
    unavailable:
      - { from: 2026-12-21, to: 2027-01-25, reason: sabbatical }
  - { id: bob, name: Bob }
  - { id: cem, name: Cem }
  - { id: dan, name: Dan }
";

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dir");
    }
    fs::write(path, text).expect("write");
}

/// `file:line:column rule message` per finding of `steward check --format json`.
fn findings(dir: &Path, args: &[&str]) -> (Vec<String>, Option<i32>) {
    let mut all = vec!["check", "--format", "json", "--today", TODAY];
    all.extend(args);
    let output = steward(dir, &all);
    let report = json(&output);
    let lines = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {} {}",
                f["file"].as_str().unwrap_or_default(),
                f["line"],
                f["column"],
                f["rule"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    (lines, output.status.code())
}

/// Two holidays whose shifts put the same person on leave through the same
/// roster entry, but with someone else on call beside them (an override in
/// one shift): the message names who is on call for each holiday, so they
/// are not merged into one finding naming the first shift's partner.
#[test]
fn holiday_coverage_names_who_is_on_call_for_each_holiday() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "team.yaml", TEAM);
    write(
        root,
        "holidays.yaml",
        "apiVersion: steward/v1
kind: Holidays
id: company
holidays:
  - { name: Christmas Day, date: 12-25 }
  - { name: Midwinter, date: 2027-01-20 }
",
    );
    write(
        root,
        "rotation.yaml",
        "apiVersion: steward/v1
kind: Rotation
id: data-oncall
covers: []
shift_length: 1w
start: 2026-11-30
until: 2027-05-31
roster: [ann, bob, cem, dan]
holidays: { calendar: company }
overrides:
  - { start: 2027-01-18, primary: bob }
",
    );
    let (lines, code) = findings(root, &[]);
    let coverage: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" holiday-coverage "))
        .collect();
    assert_eq!(
        coverage,
        [
            "rotation.yaml:8:10 holiday-coverage Christmas Day (2026-12-25) has only dan on call in rotation `data-oncall`, fewer than 2: ann, the secondary, is on leave (2026-12-21 – 2027-01-25, sabbatical)",
            "rotation.yaml:8:10 holiday-coverage Midwinter (2027-01-20) has only bob on call in rotation `data-oncall`, fewer than 2: ann, the secondary, is on leave (2026-12-21 – 2027-01-25, sabbatical)",
        ],
        "{lines:#?}"
    );
    assert_eq!(code, Some(1));
}

/// Holidays with the same cause and the same count of engineers on call
/// stay one finding (the count is all the message says of them).
#[test]
fn holiday_coverage_still_groups_holidays_the_message_says_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "team.yaml",
        "apiVersion: steward/v1
kind: Team
id: data
members:
  - { id: ann, name: Ann }
  - { id: bob, name: Bob }
  - { id: cem, name: Cem }
  - { id: dan, name: Dan }
",
    );
    write(
        root,
        "rotation.yaml",
        "apiVersion: steward/v1
kind: Rotation
id: data-oncall
covers: []
shift_length: 1w
start: 2026-11-30
until: 2027-05-31
roster: [ann, bob, cem, dan]
holidays: { calendar: us-major, min_engineers: 3 }
",
    );
    let (lines, _) = findings(root, &[]);
    assert_eq!(
        lines,
        [
            "rotation.yaml:9:48 holiday-coverage Christmas Day (2026-12-25) and New Year's Day (2027-01-01) have 2 engineers on call in rotation `data-oncall`, fewer than 3: a shift has only a primary and a secondary",
            "rotation.yaml:9:48 schema `holidays.min_engineers`: 3 is more than the maximum of 2",
        ],
    );
}

const PLAIN_TEAM: &str = "apiVersion: steward/v1
kind: Team
id: data
members:
  - { id: ann, name: Ann }
  - { id: bob, name: Bob }
  - { id: cem, name: Cem }
  - { id: dan, name: Dan }
";

const GENERATED: &str = "apiVersion: steward/v1
kind: Rotation
id: data-oncall
covers: []
shift_length: 1w
start: 2026-11-30
until: 2027-05-31
roster: [ann, bob, cem, dan]
";

const EXPLICIT: &str = "apiVersion: steward/v1
kind: Rotation
id: weekend-oncall
covers: []
shift_length: 1w
start: 2026-11-30
shifts:
  - { start: 2026-11-30, primary: ann, secondary: bob }
  - { start: 2026-12-07, primary: bob, secondary: cem }
  - { start: 2026-12-14, primary: cem, secondary: dan }
";

/// `schedule-change` findings of `steward check --base HEAD` when the
/// rotation file `rotation.yaml` changes from `base` to `head`.
fn schedule_changes(base: &str, head: &str) -> (Vec<String>, Option<i32>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    common::init_repo(root);
    write(root, "team.yaml", PLAIN_TEAM);
    write(root, "rotation.yaml", base);
    common::commit_all(root, "base");
    write(root, "rotation.yaml", head);
    let (lines, code) = findings(root, &["--base", "HEAD"]);
    let changes = lines
        .into_iter()
        .filter(|l| l.contains(" schedule-change "))
        .collect();
    (changes, code)
}

/// A near-term shift that no longer exists is a change to the duty of the
/// people it had, as `steward diff` marks it ("!" sooner than the notice
/// period): `schedule-change` reports it too, where the rotation now ends
/// or starts, or at `shifts` for an explicit rotation.
#[test]
fn schedule_change_reports_near_term_shifts_that_no_longer_exist() {
    // `until` moved up: the shift of 2026-12-14 is gone; 2026-12-21 on are
    // past the notice period.
    let (lines, code) = schedule_changes(
        GENERATED,
        &GENERATED.replace("until: 2027-05-31", "until: 2026-12-10"),
    );
    assert_eq!(
        lines,
        [
            "rotation.yaml:7:8 schedule-change cem's primary shift 2026-12-14 – 2026-12-20 no longer exists with 13 days' notice: `data-oncall` has no shift then any more",
            "rotation.yaml:7:8 schedule-change dan's secondary shift 2026-12-14 – 2026-12-20 no longer exists with 13 days' notice: `data-oncall` has no shift then any more",
        ]
    );
    assert_eq!(code, Some(0), "schedule-change is a warning");

    // `start` moved later: the shift under way and next week's are gone.
    let (lines, _) = schedule_changes(
        GENERATED,
        &GENERATED.replace("start: 2026-11-30", "start: 2026-12-14"),
    );
    assert_eq!(
        lines,
        [
            "rotation.yaml:6:8 schedule-change ann's primary shift 2026-11-30 – 2026-12-06 no longer exists while it is under way: `data-oncall` has no shift then any more",
            "rotation.yaml:6:8 schedule-change bob's primary shift 2026-12-07 – 2026-12-13 no longer exists with 6 days' notice: `data-oncall` has no shift then any more",
            "rotation.yaml:6:8 schedule-change bob's secondary shift 2026-11-30 – 2026-12-06 no longer exists while it is under way: `data-oncall` has no shift then any more",
            "rotation.yaml:6:8 schedule-change cem's secondary shift 2026-12-07 – 2026-12-13 no longer exists with 6 days' notice: `data-oncall` has no shift then any more",
            "rotation.yaml:8:10 schedule-change cem's primary shift 2026-12-14 – 2026-12-20 moves to ann with 13 days' notice",
            "rotation.yaml:8:15 schedule-change dan's secondary shift 2026-12-14 – 2026-12-20 moves to bob with 13 days' notice",
        ]
    );

    // An explicit shift deleted from the list.
    let (lines, _) = schedule_changes(
        EXPLICIT,
        &EXPLICIT.replace(
            "  - { start: 2026-12-07, primary: bob, secondary: cem }\n",
            "",
        ),
    );
    assert_eq!(
        lines,
        [
            "rotation.yaml:7:1 schedule-change bob's primary shift 2026-12-07 – 2026-12-13 no longer exists with 6 days' notice: `weekend-oncall` has no shift then any more",
            "rotation.yaml:7:1 schedule-change cem's secondary shift 2026-12-07 – 2026-12-13 no longer exists with 6 days' notice: `weekend-oncall` has no shift then any more",
        ]
    );
}

const TIMED: &str = "apiVersion: steward/v1
kind: Rotation
id: data-oncall
covers: []
time_zone: Europe/Berlin
handoff_time: \"09:00\"
shift_length: 1w
start: 2026-11-30
until: 2027-05-31
roster: [ann, bob, cem, dan]
";

/// A retimed shift is reported at the field that changed (not at
/// `handoff_time` whenever the rotation has one), and a shift that now
/// starts a day later is that shift retimed, not also a shift removed.
#[test]
fn schedule_change_points_at_the_field_that_moved_the_times() {
    let (lines, _) = schedule_changes(TIMED, &TIMED.replace("Europe/Berlin", "Europe/London"));
    assert_eq!(
        lines,
        [
            "rotation.yaml:5:12 schedule-change ann's primary shift 2026-11-30 09:00 – 2026-12-07 09:00 Europe/Berlin now runs 2026-11-30 09:00 – 2026-12-07 09:00 Europe/London while it is under way",
            "rotation.yaml:5:12 schedule-change bob's primary shift 2026-12-07 09:00 – 2026-12-14 09:00 Europe/Berlin now runs 2026-12-07 09:00 – 2026-12-14 09:00 Europe/London with 6 days' notice",
            "rotation.yaml:5:12 schedule-change cem's primary shift 2026-12-14 09:00 – 2026-12-21 09:00 Europe/Berlin now runs 2026-12-14 09:00 – 2026-12-21 09:00 Europe/London with 13 days' notice",
        ]
    );
    let (lines, _) = schedule_changes(
        TIMED,
        &TIMED.replace("start: 2026-11-30", "start: 2026-12-01"),
    );
    assert_eq!(
        lines,
        [
            "rotation.yaml:8:8 schedule-change ann's primary shift 2026-11-30 09:00 – 2026-12-07 09:00 Europe/Berlin now runs 2026-12-01 09:00 – 2026-12-08 09:00 Europe/Berlin with no notice (it starts today)",
            "rotation.yaml:8:8 schedule-change bob's primary shift 2026-12-07 09:00 – 2026-12-14 09:00 Europe/Berlin now runs 2026-12-08 09:00 – 2026-12-15 09:00 Europe/Berlin with 7 days' notice",
        ]
    );
}
