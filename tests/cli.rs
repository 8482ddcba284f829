//! The real binary: exit codes, snapshots of real output, determinism, flags.

mod common;

use common::{repo, stderr, stdout, steward, TODAY};

#[test]
fn clean_example_exits_0_with_no_findings() {
    let out = steward(&repo(), &["check", "examples/acme", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "0 errors, 0 warnings in 7 files; policy acme (examples/acme/steward.yaml)\n"
    );
}

#[test]
fn broken_example_exits_1_human_snapshot() {
    let out = steward(&repo(), &["check", "examples/broken", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "");
    insta::assert_snapshot!("broken_human", stdout(&out));
}

#[test]
fn broken_example_json_snapshot() {
    let out = steward(
        &repo(),
        &[
            "check",
            "examples/broken",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(parsed["version"], 1);
    insta::assert_snapshot!("broken_json", text);
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in ["human", "json"] {
        let args = [
            "check",
            "examples/broken",
            "--today",
            TODAY,
            "--format",
            format,
        ];
        let first = steward(&repo(), &args).stdout;
        for _ in 0..3 {
            assert_eq!(
                steward(&repo(), &args).stdout,
                first,
                "{format} output changed"
            );
        }
    }
}

#[test]
fn unreadable_path_exits_2_with_a_message_on_stderr() {
    let out = steward(&repo(), &["check", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "steward: error: cannot read `no/such/dir`: no such file or directory\n"
    );
}

#[test]
fn bad_flags_exit_2() {
    let out = steward(&repo(), &["check", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'yaml'"),
        "{}",
        stderr(&out)
    );
    let out = steward(
        &repo(),
        &["check", "--today", "2026-13-01", "examples/acme"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a date"), "{}", stderr(&out));
}

#[test]
fn warnings_fail_only_with_strict() {
    let fixture = "fixtures/owner-expertise/fail";
    let out = steward(&repo(), &["check", fixture, "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning[owner-expertise]"));
    let out = steward(&repo(), &["check", fixture, "--today", TODAY, "--strict"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.json");
    let out = steward(
        &repo(),
        &[
            "check",
            "examples/broken",
            "--today",
            TODAY,
            "--format",
            "json",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let written = std::fs::read_to_string(&file).expect("report written");
    let direct = steward(
        &repo(),
        &[
            "check",
            "examples/broken",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
    );
    assert_eq!(written, stdout(&direct));
}

#[test]
fn color_only_when_asked_or_on_a_terminal() {
    let args = ["check", "examples/broken", "--today", TODAY];
    let plain = stdout(&steward(&repo(), &args));
    assert!(!plain.contains('\u{1b}'), "no colour when piped");
    let mut with = args.to_vec();
    with.extend(["--color", "always"]);
    assert!(stdout(&steward(&repo(), &with)).contains('\u{1b}'));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(args)
        .args(["--color", "auto"])
        .env("NO_COLOR", "1")
        .current_dir(repo())
        .output()
        .expect("run");
    assert!(!stdout(&out).contains('\u{1b}'));
}

#[test]
fn rules_lists_every_rule_with_its_default_severity() {
    let out = steward(&repo(), &["rules"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("rules", stdout(&out));
}

#[test]
fn explain_prints_the_rule_doc_and_rejects_unknown_rules() {
    let out = steward(&repo(), &["explain", "runbook-sections"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("explain_runbook_sections", stdout(&out));

    let out = steward(&repo(), &["explain", "distinct-owner"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "steward: error: unknown rule `distinct-owner`; did you mean `distinct-owners`? (run `steward rules` for the list)\n"
    );
}

#[test]
fn schema_prints_the_embedded_schema_files() {
    for kind in ["team", "pipeline", "rotation", "holidays", "policy"] {
        let out = steward(&repo(), &["schema", kind]);
        assert_eq!(out.status.code(), Some(0));
        let on_disk = std::fs::read_to_string(repo().join(format!("schemas/{kind}.json")))
            .expect("schema file");
        assert_eq!(stdout(&out), on_disk, "{kind}");
    }
    let out = steward(&repo(), &["schema", "Rota"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn default_path_is_the_current_directory() {
    let out = steward(
        &repo().join("examples/broken"),
        &["check", "--today", TODAY, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("\"file\": \"team.yaml\""),
        "paths relative to the cwd"
    );
}
