//! Pull-request review against real git repositories built in temporary
//! directories: `check --base`, `--only-new`, `steward diff`, and that
//! reading a revision never changes the working tree or the index.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

const TEAM: &str = "apiVersion: steward/v1
kind: Team
id: data-eng
members:
  - { id: john, name: John Smith }
  - { id: emily, name: Emily Chen }
  - { id: michael, name: Michael Okafor }
  - { id: david, name: David Müller }
";

const ROTATION: &str = "apiVersion: steward/v1
kind: Rotation
id: data-oncall
covers: []
shift_length: 1w
start: 2026-05-04
until: 2026-09-28
roster: [john, emily, michael, david]
";

const POLICY: &str = "apiVersion: steward/v1
kind: Policy
id: team
extends: default
";

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dir");
    }
    fs::write(path, text).expect("write");
}

/// `git status --porcelain` and the index file's bytes: what reading a
/// revision must leave as it was.
fn git_state(dir: &Path) -> (String, Vec<u8>) {
    let index = fs::read(dir.join(".git/index")).unwrap_or_default();
    (common::git(dir, &["status", "--porcelain"]), index)
}

use common::{json, steward_today as run};

fn rules_and_messages(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["file"].as_str().unwrap_or_default(),
                f["line"],
                f["rule"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// A repository holding a workspace in `ops/oncall` (with its own
/// `steward.yaml`), committed; returns it.
fn oncall_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    common::init_repo(dir.path());
    write(dir.path(), "README.md", "not steward's\n");
    write(dir.path(), "ops/oncall/steward.yaml", POLICY);
    write(dir.path(), "ops/oncall/team.yaml", TEAM);
    write(dir.path(), "ops/oncall/rotations/data.yaml", ROTATION);
    common::commit_all(dir.path(), "on-call");
    dir
}

#[test]
fn a_swap_inside_the_notice_period_is_reported_at_its_override_from_a_subdirectory() {
    let repo = oncall_repo();
    let rotations = repo.path().join("ops/oncall/rotations");
    // emily and david trade: next week (reported) and in three weeks (silent).
    write(
        &rotations,
        "data.yaml",
        &format!(
            "{ROTATION}overrides:\n  - {{ start: 2026-06-08, primary: david, reason: emily at a conference }}\n  - {{ start: 2026-06-22, primary: emily, reason: trade }}\n"
        ),
    );
    let before = git_state(repo.path());
    let output = run(&rotations, &["check", "--base", "HEAD", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let changes: Vec<String> = rules_and_messages(&json(&output))
        .into_iter()
        .filter(|f| f.contains("schedule-change"))
        .collect();
    assert_eq!(
        changes,
        ["data.yaml:10 schedule-change emily's primary shift 2026-06-08 – 2026-06-14 moves to david with 7 days' notice"]
    );
    assert_eq!(
        git_state(repo.path()),
        before,
        "the working tree and index are untouched"
    );
    // Without --base the rule never runs.
    let plain = run(&rotations, &["check", "--format", "json"]);
    assert!(!common::stdout(&plain).contains("schedule-change"));
}

#[test]
fn the_policy_at_the_base_revision_judges_the_base() {
    // The base's steward.yaml turns a rule off; today's turns it on. The
    // finding is new: the base was judged by its own policy.
    let repo = oncall_repo();
    let root = repo.path().join("ops/oncall");
    write(
        &root,
        "steward.yaml",
        &format!("{POLICY}rules:\n  roster-size: off\n"),
    );
    write(
        &root,
        "rotations/data.yaml",
        &ROTATION.replace("[john, emily, michael, david]", "[john, emily, michael]"),
    );
    common::commit_all(repo.path(), "three people, roster-size off");
    write(&root, "steward.yaml", POLICY);
    let output = run(
        &root,
        &["check", "--base", "HEAD", "--only-new", "--format", "json"],
    );
    let found = rules_and_messages(&json(&output));
    assert!(
        found.iter().any(|f| f.contains("roster-size")),
        "{found:#?}"
    );
}

#[test]
fn an_unknown_revision_or_no_repository_exits_2_with_the_reason() {
    let repo = oncall_repo();
    let output = run(repo.path(), &["check", "--base", "no-such-branch", "ops"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        common::stderr(&output).lines().next().unwrap_or_default(),
        "steward: error: unknown revision `no-such-branch`: it names no commit"
    );
    // A revision that looks like an option is a revision, not an option.
    let output = run(repo.path(), &["check", "--base=--output=/tmp/x", "ops"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(common::stderr(&output).contains("unknown revision `--output=/tmp/x`"));

    let plain = tempfile::tempdir().expect("tempdir");
    write(plain.path(), "team.yaml", TEAM);
    for args in [&["check", "--base", "HEAD"][..], &["diff", "HEAD"][..]] {
        let output = run(plain.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = common::stderr(&output);
        assert!(
            stderr.contains("is not in a git repository, so there is no revision to compare with"),
            "{stderr}"
        );
    }
    // --only-new means nothing without a base.
    let output = run(repo.path(), &["check", "--only-new", "ops"]);
    assert_eq!(output.status.code(), Some(2));
}

/// In a shallow clone, an unknown base names the `git fetch` that brings
/// it, in the base's own terms; running that command makes the same
/// `--base` work (or `FETCH_HEAD`, for a name only `origin` knows).
#[test]
fn a_shallow_clone_says_how_to_fetch_the_base_and_the_fetch_works() {
    let repo = oncall_repo();
    let first = common::git(repo.path(), &["rev-parse", "HEAD"]);
    let first = first.trim();
    common::git(repo.path(), &["branch", "release"]);
    write(
        repo.path(),
        "ops/oncall/team.yaml",
        &format!("{TEAM}# edited\n"),
    );
    common::commit_all(repo.path(), "second");
    let url = format!("file://{}", repo.path().display());
    for (rev, then) in [
        ("HEAD~1", "HEAD~1"),
        (first, first),
        ("origin/release", "origin/release"),
        ("release", "FETCH_HEAD"),
    ] {
        let clone = tempfile::tempdir().expect("tempdir");
        common::git(clone.path(), &["clone", "-q", "--depth=1", &url, "shallow"]);
        let shallow = clone.path().join("shallow");
        let output = run(&shallow, &["check", "--base", rev, "ops"]);
        assert_eq!(output.status.code(), Some(2), "{rev}");
        let stderr = common::stderr(&output);
        let advice = stderr
            .split("this clone is shallow, so ")
            .nth(1)
            .unwrap_or_else(|| panic!("{rev}: no advice in {stderr}"));
        let command = advice.split('`').nth(1).expect("a command in backticks");
        let args: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(args.first(), Some(&"git"), "{rev}: {advice}");
        common::git(&shallow, &args[1..]);
        let output = run(&shallow, &["check", "--base", then, "ops"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{rev}: after `{command}`, --base {then}: {}",
            common::stderr(&output)
        );
    }
}

#[test]
fn only_new_hides_old_findings_and_shows_new_ones_after_lines_move() {
    let repo = tempfile::tempdir().expect("tempdir");
    common::init_repo(repo.path());
    // Old: a duplicate member id, an unknown roster entry and an unused
    // suppression.
    let team = format!("{TEAM}  - {{ id: john, name: John Again }}\n");
    write(repo.path(), "team.yaml", &team);
    write(
        repo.path(),
        "rotation.yaml",
        &format!(
            "{}# steward: ignore[back-to-back]\n",
            ROTATION.replace("david]", "dave]")
        ),
    );
    common::commit_all(repo.path(), "old findings");
    // Lines move above every old finding; one new finding is added.
    write(
        repo.path(),
        "team.yaml",
        &format!("# The data engineering team.\n# Two comment lines.\n{team}"),
    );
    write(
        repo.path(),
        "rotation.yaml",
        &format!(
            "# moved\n# down\n{}# steward: ignore[back-to-back]\n",
            ROTATION
                .replace("david]", "dave]")
                .replace("covers: []", "covers: [nothing]")
        ),
    );
    let all = run(repo.path(), &["check", "--format", "json"]);
    let every = rules_and_messages(&json(&all));
    assert_eq!(every.len(), 4, "{every:#?}");

    let before = git_state(repo.path());
    let output = run(
        repo.path(),
        &["check", "--base", "HEAD", "--only-new", "--format", "json"],
    );
    assert_eq!(git_state(repo.path()), before);
    assert_eq!(output.status.code(), Some(1), "the new finding is an error");
    let report = json(&output);
    assert_eq!(
        rules_and_messages(&report),
        ["rotation.yaml:6 unknown-reference covered pipeline of rotation `data-oncall` is `nothing`, but no pipeline `nothing` is defined"]
    );
    assert_eq!(report["summary"]["preexisting"], 3);
    let human = run(repo.path(), &["check", "--base", "HEAD", "--only-new"]);
    assert!(
        common::stdout(&human).contains("(3 already at the base revision)"),
        "{}",
        common::stdout(&human)
    );
    // The same finding twice now, once at the base: one of them is new.
    write(
        repo.path(),
        "team.yaml",
        &format!("{team}  - {{ id: john, name: John Thrice }}\n"),
    );
    let output = run(
        repo.path(),
        &["check", "--base", "HEAD", "--only-new", "--format", "json"],
    );
    let found = rules_and_messages(&json(&output));
    assert_eq!(
        found.iter().filter(|f| f.contains("duplicate-id")).count(),
        1,
        "{found:#?}"
    );
}

#[test]
fn a_renamed_rotation_is_one_removed_and_one_added() {
    let repo = oncall_repo();
    let root = repo.path().join("ops/oncall");
    write(
        &root,
        "rotations/data.yaml",
        &ROTATION.replace("id: data-oncall", "id: pipelines-oncall"),
    );
    let check = run(&root, &["check", "--base", "HEAD", "--format", "json"]);
    assert!(
        check.status.code().is_some_and(|c| c < 2),
        "{}",
        common::stderr(&check)
    );
    assert!(!common::stdout(&check).contains("schedule-change"));
    let output = run(&root, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let diff = json(&output);
    let ids = |side: &str| -> Vec<String> {
        diff["rotations"][side]
            .as_array()
            .expect("list")
            .iter()
            .map(|r| format!("{} {} {}", r["id"], r["file"], r["shifts"]))
            .collect()
    };
    assert_eq!(
        ids("added"),
        [r#""pipelines-oncall" "rotations/data.yaml" 17"#]
    );
    assert_eq!(
        ids("removed"),
        [r#""data-oncall" "rotations/data.yaml" 17"#]
    );
    // Every future role moves from the old rotation to the new one.
    assert_eq!(diff["summary"]["shifts_reassigned"], 34);
}

#[test]
fn new_and_deleted_files_show_as_findings_introduced_and_fixed() {
    let repo = oncall_repo();
    let root = repo.path().join("ops/oncall");
    write(
        &root,
        "pipelines/old.yaml",
        "apiVersion: steward/v1\nkind: Pipeline\nid: old\nname: Old\narea: growth\naudience: internal\nowners: { primary: john, secondary: john }\n",
    );
    common::commit_all(repo.path(), "old pipeline");
    fs::remove_file(root.join("pipelines/old.yaml")).expect("delete");
    write(
        &root,
        "pipelines/new.yaml",
        "apiVersion: steward/v1\nkind: Pipeline\nid: new\nname: New\narea: growth\naudience: internal\nowners: { primary: emily, secondary: zed }\n",
    );
    let before = git_state(repo.path());
    let output = run(&root, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(git_state(repo.path()), before);
    let diff = json(&output);
    let list = |side: &str| -> Vec<String> {
        diff["findings"][side]
            .as_array()
            .expect("list")
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
    };
    assert_eq!(list("fixed"), ["pipelines/old.yaml:7 distinct-owners"]);
    assert_eq!(
        list("introduced"),
        ["pipelines/new.yaml:7 unknown-reference"]
    );
    assert!(diff["shifts"].as_array().expect("shifts").is_empty());
}

/// The fixture pair of `schedule-change` as a repository: base committed,
/// the failing fixture in the working tree.
fn fixture_repo() -> tempfile::TempDir {
    common::repo_with_base(
        &common::fixture("schedule-change/base"),
        &common::fixture("schedule-change/fail"),
    )
}

fn diff_output(format: &str) -> String {
    let repo = fixture_repo();
    let output = run(repo.path(), &["diff", "HEAD", "--format", format]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    common::stdout(&output)
}

macro_rules! commit_filtered {
    ($($body:tt)*) => {
        insta::with_settings!({filters => vec![(r"\b[0-9a-f]{40}\b", "[commit]"), (r"\b[0-9a-f]{10}\b", "[commit]")]}, {
            $($body)*
        })
    };
}

#[test]
fn diff_in_every_format() {
    commit_filtered! {
        insta::assert_snapshot!("diff_human", diff_output("human"));
        insta::assert_snapshot!("diff_markdown", diff_output("markdown"));
        insta::assert_snapshot!("diff_json", diff_output("json"));
    }
}

#[test]
fn diff_json_parses_back_and_agrees_with_itself_and_with_check() {
    let repo = fixture_repo();
    let diff = json(&run(repo.path(), &["diff", "HEAD", "--format", "json"]));
    let shifts = diff["shifts"].as_array().expect("shifts");
    let mut distinct: Vec<String> = shifts
        .iter()
        .map(|s| format!("{}{}", s["rotation"], s["start"]))
        .collect();
    distinct.dedup();
    assert_eq!(diff["summary"]["shifts_reassigned"], distinct.len());
    // The rows within the notice period are exactly what schedule-change reports.
    let short: Vec<String> = shifts
        .iter()
        .filter(|s| s["short_notice"] == true)
        .map(|s| {
            format!(
                "{}'s {} shift {} – {}",
                s["before"].as_str().unwrap_or_default(),
                s["role"].as_str().unwrap_or_default(),
                s["start"].as_str().unwrap_or_default(),
                s["last_day"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let check = json(&run(
        repo.path(),
        &["check", "--base", "HEAD", "--format", "json"],
    ));
    let mut reported: Vec<String> = check["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "schedule-change")
        .filter_map(|f| f["message"].as_str())
        .filter_map(|m| m.split(" moves to ").next().map(str::to_string))
        .collect();
    let mut short_sorted = short.clone();
    short_sorted.sort();
    reported.sort();
    assert_eq!(short_sorted, reported);
    // Each near-term change is reported once.
    let mut unique = reported.clone();
    unique.dedup();
    assert_eq!(unique, reported);
}

#[test]
fn an_unchanged_workspace_has_an_empty_diff() {
    let repo = oncall_repo();
    let output = run(
        &repo.path().join("ops/oncall"),
        &["diff", "HEAD", "--format", "markdown"],
    );
    commit_filtered! {
        insta::assert_snapshot!("diff_markdown_unchanged", common::stdout(&output));
    }
}

#[test]
fn files_with_the_same_contents_are_each_read_at_the_base() {
    // Two identical files are one blob in git: both must load at the base,
    // so the duplicate they make is not new.
    let repo = tempfile::tempdir().expect("tempdir");
    common::init_repo(repo.path());
    write(repo.path(), "a/team.yaml", TEAM);
    write(repo.path(), "b/team.yaml", TEAM);
    common::commit_all(repo.path(), "the same team twice");
    let all = json(&run(repo.path(), &["check", "--format", "json"]));
    assert!(rules_and_messages(&all)
        .iter()
        .any(|f| f.contains("duplicate-id")));
    let output = run(
        repo.path(),
        &["check", "--base", "HEAD", "--only-new", "--format", "json"],
    );
    let report = json(&output);
    assert_eq!(rules_and_messages(&report), Vec::<String>::new());
    assert_eq!(
        report["summary"]["preexisting"],
        all["findings"].as_array().map_or(0, Vec::len)
    );
}

#[test]
fn runbooks_are_read_from_the_base_revision_too() {
    let repo = tempfile::tempdir().expect("tempdir");
    common::init_repo(repo.path());
    write(repo.path(), "team.yaml", TEAM);
    write(
        repo.path(),
        "pipelines/profit.yaml",
        "apiVersion: steward/v1\nkind: Pipeline\nid: profit\nname: Profit\narea: profit\naudience: internal\nowners: { primary: john, secondary: emily }\nrunbook: ../runbooks/profit.md\n",
    );
    let sections = "# Overview\n# Metrics\n# Common issues\n# SLA\n";
    write(repo.path(), "runbooks/profit.md", sections);
    common::commit_all(repo.path(), "a runbook without escalation");
    write(
        repo.path(),
        "runbooks/profit.md",
        &format!("{sections}# Escalation\n"),
    );
    let diff = json(&run(repo.path(), &["diff", "HEAD", "--format", "json"]));
    let fixed: Vec<String> = diff["findings"]["fixed"]
        .as_array()
        .expect("fixed")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["file"].as_str().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(fixed, ["pipelines/profit.yaml runbook-sections"]);
    assert!(diff["findings"]["introduced"]
        .as_array()
        .expect("introduced")
        .is_empty());
}

#[test]
fn a_nested_workspace_stays_apart_at_the_base_too() {
    // The same team in the outer and in a nested workspace is no duplicate:
    // each is judged on its own, at the base as in the working tree.
    let repo = tempfile::tempdir().expect("tempdir");
    common::init_repo(repo.path());
    write(repo.path(), "steward.yaml", POLICY);
    write(repo.path(), "team.yaml", TEAM);
    write(repo.path(), "nested/steward.yaml", POLICY);
    write(repo.path(), "nested/team.yaml", TEAM);
    write(repo.path(), ".hidden/team.yaml", TEAM);
    common::commit_all(repo.path(), "two workspaces");
    let check = json(&run(repo.path(), &["check", "--format", "json"]));
    assert_eq!(rules_and_messages(&check), Vec::<String>::new());
    let diff = json(&run(repo.path(), &["diff", "HEAD", "--format", "json"]));
    assert_eq!(diff["summary"]["findings_fixed"], 0, "{diff:#}");
    assert_eq!(diff["summary"]["findings_introduced"], 0, "{diff:#}");
}

#[test]
fn a_moved_handoff_is_a_schedule_change_with_the_same_people() {
    // Same roster, handoff 09:00 -> 13:00 Berlin: nobody is reassigned, but
    // every shift now runs four hours later.
    let timed = ROTATION.replace(
        "shift_length: 1w",
        "time_zone: Europe/Berlin\nhandoff_time: \"09:00\"\nshift_length: 1w",
    );
    let repo = tempfile::tempdir().expect("tempdir");
    common::init_repo(repo.path());
    write(repo.path(), "steward.yaml", POLICY);
    write(repo.path(), "team.yaml", TEAM);
    write(repo.path(), "rotation.yaml", &timed);
    common::commit_all(repo.path(), "on-call");
    write(
        repo.path(),
        "rotation.yaml",
        &timed.replace("\"09:00\"", "\"13:00\""),
    );
    let output = run(
        repo.path(),
        &["check", "--base", "HEAD", "--format", "json"],
    );
    let changes: Vec<String> = rules_and_messages(&json(&output))
        .into_iter()
        .filter(|f| f.contains("schedule-change"))
        .collect();
    assert_eq!(
        changes,
        [
            "rotation.yaml:6 schedule-change david's primary shift 2026-05-25 09:00 – 2026-06-01 09:00 Europe/Berlin now runs 2026-05-25 13:00 – 2026-06-01 13:00 Europe/Berlin while it is under way",
            "rotation.yaml:6 schedule-change emily's primary shift 2026-06-08 09:00 – 2026-06-15 09:00 Europe/Berlin now runs 2026-06-08 13:00 – 2026-06-15 13:00 Europe/Berlin with 7 days' notice",
            "rotation.yaml:6 schedule-change john's primary shift 2026-06-01 09:00 – 2026-06-08 09:00 Europe/Berlin now runs 2026-06-01 13:00 – 2026-06-08 13:00 Europe/Berlin with no notice (it starts today)",
        ]
    );
    let diff = json(&run(repo.path(), &["diff", "HEAD", "--format", "json"]));
    let shifts = diff["shifts"].as_array().expect("shifts");
    assert_eq!(shifts.len(), 18, "{shifts:#?}");
    let first = &shifts[0];
    assert_eq!(first["before"], first["after"]);
    assert_eq!(
        first["times"]["after"],
        "2026-05-25 13:00 – 2026-06-01 13:00 Europe/Berlin"
    );
    let human = common::stdout(&run(repo.path(), &["diff", "HEAD"]));
    assert!(
        human.contains("emily: times 2026-06-08 09:00 – 2026-06-15 09:00 Europe/Berlin → 2026-06-08 13:00 – 2026-06-15 13:00 Europe/Berlin"),
        "{human}"
    );
}

#[test]
fn diff_marks_short_notice_only_where_the_policy_judges_notice() {
    let repo = oncall_repo();
    let oncall = repo.path().join("ops/oncall");
    let swapped = format!(
        "{ROTATION}overrides:\n  - {{ start: 2026-06-08, primary: david, reason: conference }}\n"
    );
    write(&oncall, "rotations/data.yaml", &swapped);
    let diff = |dir: &Path| common::stdout(&run(dir, &["diff", "HEAD"]));
    let on = diff(&oncall);
    assert!(
        on.contains("(! = sooner than the schedule-change notice period):"),
        "{on}"
    );
    assert!(on.contains(" in 7 days  !"), "{on}");
    // The team switched the rule off (at the base too): nothing is short notice.
    let off = format!("{POLICY}rules:\n  schedule-change: off\n");
    write(&oncall, "steward.yaml", &off);
    common::commit_all(repo.path(), "no notice rule");
    write(&oncall, "rotations/data.yaml", ROTATION);
    common::commit_all(repo.path(), "back");
    write(&oncall, "rotations/data.yaml", &swapped);
    let text = diff(&oncall);
    assert!(!text.contains('!'), "{text}");
    assert!(text.contains("\nShifts reassigned:\n"), "{text}");
    let json = json(&run(&oncall, &["diff", "HEAD", "--format", "json"]));
    let shifts = json["shifts"].as_array().expect("shifts");
    assert!(!shifts.is_empty());
    assert!(
        shifts.iter().all(|s| s["short_notice"] == false),
        "{shifts:?}"
    );
}
