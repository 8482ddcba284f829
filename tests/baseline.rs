//! Baselines: `--write-baseline FILE` records the current findings,
//! `--baseline FILE` hides them, keyed without line numbers and with counts.

mod common;

use std::fs;

use serde_json::Value;

const TEAM: &str = "apiVersion: steward/v1
kind: Team
id: data-eng
members:
  - { id: john, name: John Smith }
  - { id: emily, name: Emily Chen }
  - { id: john, name: John Again }
";

const PIPELINE: &str = "apiVersion: steward/v1
kind: Pipeline
id: growth
name: Growth
area: growth
audience: internal
owners: { primary: john, secondary: john }
";

use common::{json, steward_today as run};

fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["file"].as_str().unwrap_or_default(),
                f["line"],
                f["rule"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// A workspace with two error findings (a duplicate member id, distinct
/// owners); `.git` pins the root.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    fs::write(dir.path().join("team.yaml"), TEAM).expect("write");
    fs::write(dir.path().join("growth.yaml"), PIPELINE).expect("write");
    dir
}

#[test]
fn a_baseline_round_trips_and_hides_what_it_records() {
    let dir = workspace();
    let before = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(before.status.code(), Some(1));
    let all = findings(&json(&before));
    assert_eq!(all.len(), 2, "{all:#?}");

    let written = run(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(
        written.status.code(),
        Some(0),
        "writing hides what it records"
    );
    assert_eq!(
        common::stderr(&written),
        "steward: recorded 2 findings in baseline `baseline.json`\n"
    );
    assert!(common::stdout(&written).contains("0 errors, 0 warnings in 2 files (2 baselined)"));
    let text = fs::read_to_string(dir.path().join("baseline.json")).expect("written");
    // Deterministic: written again, byte for byte the same; no temporary left.
    run(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("baseline.json")).expect("rewritten"),
        text
    );
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".git", "baseline.json", "growth.yaml", "team.yaml"]);
    let file: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(file["version"], 1);
    let rules: Vec<&str> = file["findings"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["rule"].as_str())
        .collect();
    assert_eq!(rules, ["distinct-owners", "duplicate-id"], "sorted by file");

    let output = run(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert!(findings(&report).is_empty());
    assert_eq!(report["summary"]["baselined"], 2);
    assert_eq!(report["summary"]["baseline_stale"], 0);
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn a_baseline_survives_lines_moving_and_still_reports_new_findings() {
    let dir = workspace();
    run(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    // Lines move above both findings; a second duplicate of the same id
    // (same rule, same file, same message) and a new finding appear.
    fs::write(
        dir.path().join("team.yaml"),
        format!(
            "# The team.\n#\n# Reviewed 2026-05.\n{TEAM}  - {{ id: john, name: John Thrice }}\n"
        ),
    )
    .expect("write");
    fs::write(
        dir.path().join("growth.yaml"),
        format!(
            "# Growth.\n{}",
            PIPELINE.replace("audience: internal", "audience: investors")
        ),
    )
    .expect("write");
    let output = run(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(
        findings(&report),
        [
            "growth.yaml:7 escalation-required",
            "growth.yaml:7 on-call-coverage",
            "growth.yaml:7 runbook-required",
            "team.yaml:11 duplicate-id",
        ]
    );
    assert_eq!(report["summary"]["baselined"], 2);
}

#[test]
fn entries_that_no_longer_occur_are_reported() {
    let dir = workspace();
    run(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    fs::write(
        dir.path().join("growth.yaml"),
        PIPELINE.replace("secondary: john", "secondary: emily"),
    )
    .expect("fix one");
    let output = run(dir.path(), &["check", "--baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(0));
    let text = common::stdout(&output);
    assert!(
        text.ends_with(
            "0 errors, 0 warnings in 2 files (1 baselined); policy default (builtin)\nnote: 1 baseline entry no longer occurs; rerun --write-baseline\n"
        ),
        "{text}"
    );
    let github = run(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "github"],
    );
    assert!(common::stdout(&github).contains(
        "::notice title=steward::1 baseline entry no longer occurs; rerun --write-baseline\n"
    ));
    let counts = run(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "counts"],
    );
    assert_eq!(
        common::stdout(&counts),
        "findings=0\nerrors=0\nwarnings=0\nsuppressed=0\nbaselined=1\nbaseline_stale=1\nfiles=2\n"
    );
    // A check of another file judged nothing the stale entry is about.
    let one = run(
        dir.path(),
        &[
            "check",
            "--baseline",
            "baseline.json",
            "team.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(json(&one)["summary"]["baseline_stale"], 0);
}

#[test]
fn an_unusable_baseline_exits_2_with_the_reason() {
    let dir = workspace();
    let missing = run(dir.path(), &["check", "--baseline", "nope.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        common::stderr(&missing),
        "steward: error: cannot read baseline `nope.json`: no such file (write one with --write-baseline)\n"
    );
    fs::write(
        dir.path().join("old.json"),
        r#"{"version": 7, "findings": []}"#,
    )
    .expect("write");
    let old = run(dir.path(), &["check", "--baseline", "old.json"]);
    assert_eq!(old.status.code(), Some(2));
    assert_eq!(
        common::stderr(&old),
        "steward: error: cannot use baseline `old.json`: it has version 7, and this steward reads version 1: rerun --write-baseline\n"
    );
    let unwritable = run(
        dir.path(),
        &["check", "--write-baseline", "no-such-dir/baseline.json"],
    );
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(common::stdout(&unwritable).is_empty(), "nothing printed");
}

#[test]
fn re_recording_some_paths_keeps_the_entries_of_the_others() {
    let dir = workspace();
    run(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    let whole = fs::read_to_string(dir.path().join("baseline.json")).expect("written");
    // Recording team.yaml alone re-records its entry; growth.yaml's stays.
    let again = run(
        dir.path(),
        &["check", "team.yaml", "--write-baseline", "baseline.json"],
    );
    assert_eq!(again.status.code(), Some(0), "{}", common::stderr(&again));
    assert_eq!(
        common::stderr(&again),
        "steward: recorded 1 finding in baseline `baseline.json` (1 finding outside the checked paths kept)\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("baseline.json")).expect("read"),
        whole
    );
    // team.yaml fixed and re-recorded: its entry goes, growth.yaml's stays.
    fs::write(
        dir.path().join("team.yaml"),
        TEAM.replace("  - { id: john, name: John Again }\n", ""),
    )
    .expect("fix team");
    run(
        dir.path(),
        &["check", "team.yaml", "--write-baseline", "baseline.json"],
    );
    let left: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).expect("read"))
            .expect("JSON");
    let entries: Vec<(&str, &str)> = left["findings"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap_or_default(),
                e["rule"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(entries, [("growth.yaml", "distinct-owners")]);
    let all = run(dir.path(), &["check", "--baseline", "baseline.json"]);
    assert_eq!(all.status.code(), Some(0), "{}", common::stdout(&all));

    // An unreadable baseline is not replaced by a part of the workspace.
    fs::write(dir.path().join("baseline.json"), "{").expect("break");
    let refused = run(
        dir.path(),
        &["check", "team.yaml", "--write-baseline", "baseline.json"],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        common::stderr(&refused).contains("this run checks only some paths"),
        "{}",
        common::stderr(&refused)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("baseline.json")).expect("read"),
        "{"
    );
}
