//! `steward init`: the workspace it writes passes `steward check` (and
//! `--strict`) as written, for several team sizes, with a calendar of its own
//! or a builtin one; it refuses to overwrite anything and writes nothing then;
//! bad ids and too few members are usage errors. The generated files are
//! snapshotted: they are what a newcomer learns the format from.

mod common;

use std::fs;
use std::path::Path;

use common::{stderr, stdout, steward, TODAY};

fn init(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["init", ".", "--today", TODAY];
    args.extend_from_slice(extra);
    steward(dir, &args)
}

fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((name, fs::read_to_string(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

fn passes_check(dir: &Path, today: &str) {
    for strict in [false, true] {
        let mut args = vec!["check", "--today", today];
        if strict {
            args.push("--strict");
        }
        let out = steward(dir, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        assert!(
            stdout(&out).starts_with("0 errors, 0 warnings in "),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn the_workspace_passes_check_as_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = init(dir.path(), &["--team", "data", "--members", "a,b,c,d"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    insta::assert_snapshot!(
        "init_stdout",
        stdout(&out).replace(&dir.path().display().to_string(), "DIR")
    );
    let files: String = tree(dir.path())
        .into_iter()
        .map(|(name, text)| format!("=== {name}\n{text}"))
        .collect();
    insta::assert_snapshot!("init_files", files);
    passes_check(dir.path(), TODAY);
}

#[test]
fn many_sizes_calendars_and_days_pass() {
    let days = [
        "2026-01-01",
        "2026-06-01",
        "2026-11-19",
        "2027-02-28",
        "2027-12-24",
    ];
    for (i, n) in [4usize, 5, 7, 12].into_iter().enumerate() {
        for calendar in [None, Some("us-federal"), Some("us-major")] {
            let today = days[(i + calendar.map_or(0, str::len)) % days.len()];
            let dir = tempfile::tempdir().expect("tempdir");
            let members: Vec<String> = (0..n).map(|m| format!("person-{m}")).collect();
            let members = members.join(",");
            let mut args = vec![
                "init",
                "ws",
                "--today",
                today,
                "--team",
                "platform-data",
                "--members",
                &members,
            ];
            if let Some(c) = calendar {
                args.extend(["--calendar", c]);
            }
            let out = steward(dir.path(), &args);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            let ws = dir.path().join("ws");
            assert_eq!(
                ws.join("holidays/platform-data-holidays.yaml").exists(),
                calendar.is_none()
            );
            passes_check(&ws, today);
        }
    }
}

#[test]
fn a_builtin_calendar_replaces_the_teams_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = init(
        dir.path(),
        &[
            "--team",
            "data",
            "--members",
            "ann,bo,cy,di,ed",
            "--calendar",
            "us-federal",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rotation = fs::read_to_string(dir.path().join("rotations/data-oncall.yaml")).unwrap();
    insta::assert_snapshot!("init_rotation_us_federal", rotation);
    passes_check(dir.path(), TODAY);
}

#[test]
fn ids_that_yaml_reads_as_other_values_are_quoted() {
    // QA D2: `null`, `123`, `true`, `0x1f` and `1e3` are ids (the schema's
    // pattern allows them) that YAML reads as null, numbers and booleans
    // unquoted: the workspace failed `check` with schema errors. They are
    // written quoted, as suggest and the fixes write them.
    let cases: [(&str, &str, &str, Option<&str>); 5] = [
        ("data-eng", "null,john,priya,david", "2026-03-02", None),
        ("data-eng", "123,true,0x1f,1e3", "2026-03-02", None),
        ("123", "emily,john,priya,david", "2026-03-02", None),
        ("null", "emily,john,priya,david", "2026-09-14", None),
        // Holiday trades: the overrides name the people too.
        (
            "true",
            "null,123,true,0x1f,1e3",
            "2026-05-20",
            Some("us-federal"),
        ),
    ];
    for (team, members, today, calendar) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut args = vec![
            "init",
            "ws",
            "--today",
            today,
            "--team",
            team,
            "--members",
            members,
        ];
        if let Some(c) = calendar {
            args.extend(["--calendar", c]);
        }
        let out = steward(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            !stdout(&out).contains("No weekly round-robin"),
            "{}",
            stdout(&out)
        );
        let ws = dir.path().join("ws");
        passes_check(&ws, today);
        let team_file = fs::read_to_string(ws.join(format!("teams/{team}.yaml"))).expect("team");
        let first = members.split(',').next().unwrap_or_default();
        assert!(
            team_file.contains(&format!("  - id: \"{first}\"\n")) || first == "emily",
            "{team_file}"
        );
        if calendar.is_some() {
            let rotation = fs::read_to_string(ws.join(format!("rotations/{team}-oncall.yaml")))
                .expect("rotation");
            assert!(rotation.contains("trade weeks"), "{rotation}");
        }
    }
}

#[test]
fn it_never_overwrites_and_then_writes_nothing() {
    for existing in [
        "steward.yaml",
        "teams/data.yaml",
        "runbooks/data-investor-report.md",
        "holidays/data-holidays.yaml",
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(existing);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "mine\n").unwrap();
        let before = tree(dir.path());
        let out = init(dir.path(), &["--team", "data", "--members", "a,b,c,d"]);
        assert_eq!(out.status.code(), Some(2), "{existing}");
        assert_eq!(stdout(&out), "");
        assert_eq!(
            stderr(&out),
            format!(
                "steward: error: `./{existing}` already exists; steward init never overwrites a file, and wrote nothing\n"
            )
        );
        assert_eq!(tree(dir.path()), before, "{existing}");
    }
    // A second init into the same directory: refused, the first one intact.
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path(), &["--team", "data", "--members", "a,b,c,d"]);
    let first = tree(dir.path());
    let again = init(dir.path(), &["--team", "data", "--members", "e,f,g,h"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(tree(dir.path()), first);
}

#[test]
fn bad_ids_and_too_few_members_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&[&str], &str); 6] = [
        (
            &["--team", "Data", "--members", "a,b,c,d"],
            "`Data` is not a team id: use lower-kebab-case letters and digits, such as `data-eng`",
        ),
        (
            &["--team", "data", "--members", "a,b,c"],
            "--members names 3 people; a rotation needs at least 4 (`roster-size`: with fewer, one vacation leaves a pair on call week after week)",
        ),
        (
            &["--team", "data", "--members", "a"],
            "--members names 1 person; a rotation needs at least 4 (`roster-size`: with fewer, one vacation leaves a pair on call week after week)",
        ),
        (
            &["--team", "data", "--members", "a,b,c,Emily"],
            "`Emily` is not a member id: use lower-kebab-case letters and digits, such as `emily` or `emily-chen`",
        ),
        (
            &["--team", "data", "--members", "a,b,a,c"],
            "member `a` is listed twice in --members",
        ),
        (
            &["--team", "data", "--members", "a,b,c,d", "--calendar", "uk"],
            "`uk` is not a builtin calendar; use `us-federal` or `us-major`, or leave out --calendar for a calendar of your own",
        ),
    ];
    for (args, message) in cases {
        let out = init(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&out), format!("steward: error: {message}\n"));
    }
    assert!(tree(dir.path()).is_empty(), "nothing was written");
}

#[test]
fn a_new_user_breaks_things_and_fixes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(
        dir.path(),
        &["--team", "data", "--members", "emily,john,priya,david"],
    );
    let edit = |name: &str, from: &str, to: &str| {
        let path = dir.path().join(name);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name} lacks {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    // A typo in an owner, a section heading deleted, a stale suppression,
    // and months later the rotation runs out.
    edit(
        "pipelines/data-investor-report.yaml",
        "  secondary: john ",
        "  secondary: jonh ",
    );
    edit("runbooks/data-investor-report.md", "## Metrics\n", "");
    edit(
        "teams/data.yaml",
        "members:\n",
        "# steward: ignore[owner-load] emily owns it all for now\nmembers:\n",
    );
    let later = "2027-01-15";
    let diff = steward(dir.path(), &["check", "--today", later, "--diff"]);
    assert_eq!(diff.status.code(), Some(1));
    insta::assert_snapshot!("init_broken_diff", stdout(&diff));
    let fixed = steward(dir.path(), &["check", "--today", later, "--unsafe-fixes"]);
    insta::assert_snapshot!("init_broken_fixed", stderr(&fixed));
    // What remains is reported: the longer rotation now holds Thanksgiving
    // and Christmas, both on john's shifts; no fix can trade weeks for you.
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    let remaining = stdout(&fixed);
    assert!(
        remaining.starts_with("warning[holiday-fairness]")
            && remaining
                .ends_with("\n0 errors, 1 warning in 5 files; policy data (steward.yaml)\n"),
        "{remaining}"
    );
    let again = steward(dir.path(), &["check", "--today", later, "--fix"]);
    assert_eq!(stderr(&again), "Nothing to fix\n");
}
