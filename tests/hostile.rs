//! Hostile input: every case ends in a clear finding or a clear error, within a
//! time limit and a memory limit, never a panic, a hang or an OOM.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

/// Address-space limit for every run: generous for steward, fatal for an alias bomb.
const MEMORY_LIMIT: &str = "1500000000";
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Runs `steward check` under a memory limit and a deadline.
fn run(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        format!("--as={MEMORY_LIMIT}"),
        env!("CARGO_BIN_EXE_steward").to_string(),
        "check".into(),
        ".".into(),
        "--today".into(),
        common::TODAY.into(),
        "--format".into(),
        "json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = common::run_with_deadline(
        Command::new("prlimit").args(&args).current_dir(dir),
        TIME_LIMIT,
        "steward did not finish",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "steward panicked: {stderr}");
    assert!(out.status.code().is_some(), "killed by a signal: {stderr}");
    out
}

/// `rule line:col message` per finding.
fn findings(out: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap_or(""),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn one_file(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join(name), bytes).expect("write");
    dir
}

fn check_bytes(bytes: &[u8]) -> (Option<i32>, Vec<String>) {
    let dir = one_file("input.yaml", bytes);
    let out = run(dir.path(), &[]);
    (out.status.code(), findings(&out))
}

#[test]
fn billion_laughs_is_a_finding_not_an_oom() {
    let mut text = String::from("apiVersion: steward/v1\nkind: Team\nid: t\nlol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..16 {
        let p = i - 1;
        text.push_str(&format!(
            "lol{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let (code, found) = check_bytes(text.as_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("yaml-syntax 9:12 aliases expand to more than 100000 nodes"),
        "{found:?}"
    );
}

#[test]
fn deeply_nested_aliases_are_bounded() {
    // Each level aliases the previous twice: 2^40 nodes if expanded.
    let mut text = String::from("apiVersion: steward/v1\nkind: Team\nid: t\nl0: &l0 {a: 1}\n");
    for i in 1..40 {
        text.push_str(&format!("l{i}: &l{i} {{a: *l{}, b: *l{}}}\n", i - 1, i - 1));
    }
    let (code, found) = check_bytes(text.as_bytes());
    assert_eq!(code, Some(1));
    assert!(found.iter().any(|f| f.contains("alias bomb")), "{found:?}");
}

#[test]
fn ten_thousand_nested_flow_sequences() {
    let text = format!(
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (code, found) = check_bytes(text.as_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("yaml-syntax 4:"), "{found:?}");
}

#[test]
fn a_100_mb_file_hits_the_size_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.yaml");
    fs::write(
        &path,
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers: []\n",
    )
    .expect("write");
    let file = fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    file.set_len(100 * 1024 * 1024).expect("grow to 100 MB");
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&out),
        vec!["io-error 1:1 file is 104857600 bytes, over the 16777216 byte limit; it was not checked"]
    );
    // The limit is configurable.
    let out = run(dir.path(), &["--max-file-size", "200000000"]);
    let found = findings(&out);
    assert!(
        found.iter().all(|f| !f.starts_with("io-error")),
        "{found:?}"
    );
}

#[test]
fn a_million_line_file_of_small_documents() {
    let mut text = String::with_capacity(30_000_000);
    for i in 0..200_000 {
        text.push_str(&format!(
            "apiVersion: steward/v1\nkind: Holidays\nid: h{i}\nholidays: []\n---\n"
        ));
    }
    assert!(text.lines().count() >= 1_000_000);
    let dir = one_file("many.yaml", text.as_bytes());
    let out = run(dir.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["summary"]["errors"], 0);
}

#[test]
fn binary_and_non_utf8_files() {
    // A binary file with a .yaml name and no steward marker is not steward's:
    // nothing to check (exit 2, SPEC §7).
    assert_nothing_to_check(&[0, 159, 146, 150, 0, 1, 2, 255]);
    // Invalid UTF-8 in a steward file is a located finding.
    let (code, found) = check_bytes(b"apiVersion: steward/v1\nkind: Team\nid: t\nname: caf\xe9\n");
    assert_eq!(code, Some(1));
    assert_eq!(found, vec!["io-error 4:10 the file is not valid UTF-8 (first bad byte at offset 49); is it binary?"]);
}

#[test]
fn byte_order_marks_and_utf16() {
    let team =
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - { id: jürgen, name: Jürgen }\n";
    let expected = vec!["schema 5:11 `members[0].id`: `jürgen` is not a valid id".to_string()];
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(team.as_bytes());
    assert_eq!(check_bytes(&bom).1, expected, "UTF-8 with BOM");
    for big_endian in [false, true] {
        let mut utf16: Vec<u8> = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in team.encode_utf16() {
            utf16.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        assert_eq!(
            check_bytes(&utf16).1,
            expected,
            "UTF-16 big endian: {big_endian}"
        );
    }
}

#[test]
fn crlf_tabs_and_empty_files() {
    let crlf = "apiVersion: steward/v1\r\nkind: Team\r\nid: t\r\nmembers: []\r\nnmae: x\r\n";
    assert_eq!(
        check_bytes(crlf.as_bytes()).1,
        vec!["schema 5:1 unknown key `nmae` in Team"]
    );
    let tabs = "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n\t- { id: a, name: A }\n";
    let (code, found) = check_bytes(tabs.as_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        vec!["yaml-syntax 5:2 tabs disallowed within this context (block indentation)"]
    );
    for empty in [
        "",
        "# only a comment\n# steward/v1\n",
        "---\n",
        "---\n...\n---\n",
    ] {
        assert_nothing_to_check(empty.as_bytes());
    }
}

/// A directory whose only file holds no steward document exits 2 with the
/// reason on stderr: a mistyped path in CI must not pass.
fn assert_nothing_to_check(bytes: &[u8]) {
    let dir = one_file("input.yaml", bytes);
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{bytes:?}");
    assert!(out.stdout.is_empty(), "{bytes:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "steward: error: no steward documents under `.` (YAML documents with `apiVersion: steward/v1`)\n",
        "{bytes:?}"
    );
}

#[test]
fn documents_that_are_not_mappings() {
    let list = "# steward/v1 documents below\n- apiVersion: steward/v1\n  kind: Team\n";
    let (code, found) = check_bytes(list.as_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        vec!["schema 2:1 document 1 is a list, not a mapping"]
    );
    let scalar = "apiVersion: steward/v1\nkind: Team\nid: t\nmembers: []\n---\njust a string\n";
    assert_eq!(
        check_bytes(scalar.as_bytes()).1,
        vec!["schema 6:1 document 2 is a string, not a mapping"]
    );
}

#[test]
fn odd_values() {
    let text = "apiVersion: steward/v1
kind: Pipeline
id: p
name: P
area: profit
audience: no
owners: { primary: a, secondary: b }
sla: { warn_after: 0m, alarm_after: -1h, resolve_within: 99999999w }
escalation: { after: 123456789012345678901234567890 }
";
    let team = "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - { id: a, name: A, unavailable: [{ from: 2026-02-30, to: 2026-03-01 }] }\n  - { id: b, name: B }\n";
    let dir = one_file("p.yaml", text.as_bytes());
    fs::write(dir.path().join("t.yaml"), team).expect("write");
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("odd_values", findings(&out).join("\n"));
}

#[test]
fn unknown_kind_missing_id_and_other_versions() {
    let text = "apiVersion: steward/v1\nkind: Teem\nid: t\n---\napiVersion: steward/v1\nkind: Holidays\nholidays: []\n---\napiVersion: steward/v2\nkind: Team\n---\napiVersion: apps/v1\nkind: Deployment\n";
    let (code, found) = check_bytes(text.as_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        vec![
            "schema 2:7 unknown kind `Teem`",
            "schema 5:1 Holidays is missing required key `id`",
            "schema 9:13 unsupported apiVersion `steward/v2`",
        ]
    );
}

#[test]
fn unreadable_files_and_directories_are_reported_and_the_rest_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::write(
        root.join("ok.yaml"),
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers: []\nbad: 1\n",
    )
    .expect("write");
    fs::write(root.join("secret.yaml"), "apiVersion: steward/v1\n").expect("write");
    fs::create_dir(root.join("locked")).expect("mkdir");
    fs::write(root.join("locked/inner.yaml"), "apiVersion: steward/v1\n").expect("write");
    // Permissions do not stop root: run as `nobody` when we are root.
    let chmod = |path: &Path, mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
    };
    chmod(root, 0o777);
    chmod(&root.join("secret.yaml"), 0o000);
    chmod(&root.join("locked"), 0o000);
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let mut command = if is_root {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_steward"),
        ]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_steward"))
    };
    let out = command
        .args(["check", ".", "--format", "json", "--today", common::TODAY])
        .current_dir(root)
        .output()
        .expect("run");
    chmod(&root.join("locked"), 0o755);
    let found = findings(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        found,
        vec![
            "io-error 1:1 cannot read `locked`: permission denied",
            "schema 5:1 unknown key `bad` in Team",
            "io-error 1:1 cannot read `secret.yaml`: permission denied",
        ]
    );
}

#[test]
fn a_fifo_passed_as_a_path_is_not_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.yaml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    let out = common::run_with_deadline(
        Command::new(env!("CARGO_BIN_EXE_steward"))
            .args(["check", "pipe.yaml", "--format", "json"])
            .current_dir(dir.path()),
        Duration::from_secs(20),
        "steward blocked on a FIFO",
    );
    assert_eq!(
        findings(&out),
        vec!["io-error 1:1 cannot read `pipe.yaml`: not a regular file"]
    );
}

#[test]
fn inputs_are_never_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = common::repo().join("examples/broken");
    let copy = dir.path().join("broken");
    copy_tree(&src, &copy);
    let before = snapshot_tree(&copy);
    for format in ["human", "json", "human"] {
        let out = Command::new(env!("CARGO_BIN_EXE_steward"))
            .args(["check", ".", "--format", format])
            .current_dir(&copy)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
    }
    assert_eq!(snapshot_tree(&copy), before, "an input file changed");
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// (path, bytes, mtime) of every file under `dir`, sorted.
fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = fs::metadata(&path).expect("meta");
                out.push((
                    path.display().to_string(),
                    fs::read(&path).expect("read"),
                    meta.modified().expect("mtime"),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_rotation_of_a_million_shifts_is_bounded() {
    // 1,000 years of daily shifts: 365,242 shifts if expanded naively.
    let text = "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: a, name: A }
  - { id: b, name: B }
  - { id: c, name: C }
  - { id: d, name: D }
---
apiVersion: steward/v1
kind: Rotation
id: forever
covers: []
shift_length: 1d
start: 2026-01-01
until: 3026-01-01
roster: [a, b, c, d]
";
    let (code, found) = check_bytes(text.as_bytes());
    assert_eq!(code, Some(1));
    let capped: Vec<_> = found
        .iter()
        .filter(|f| f.starts_with("coverage-gap"))
        .collect();
    assert_eq!(capped.len(), 1, "{found:?}");
    assert!(
        capped[0].contains("has 365242 shifts; steward expands at most 10000"),
        "{capped:?}"
    );
}

#[test]
fn centuries_long_shifts_with_a_coverage_window_are_bounded() {
    // 40 overlapping explicit shifts of 9,999 weeks (almost two centuries
    // each), on duty in working hours: two million duty intervals if
    // computed naively. Past a budget the remaining shifts count as duty
    // all through, as without a window.
    let mut text = String::from(
        "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: a, name: A }
  - { id: b, name: B }
---
apiVersion: steward/v1
kind: Pipeline
id: p
name: P
area: x
audience: investors
owners: { primary: a, secondary: b }
on_call: { month_days: [-7, -6, -5, -4, -3, -2, -1], hours: \"22:00-06:00\" }
sla: { resolve_within: 2d, report_due: end-of-week }
---
apiVersion: steward/v1
kind: Rotation
id: forever
covers: [p]
time_zone: Europe/Berlin
coverage: { weekdays: [mon, tue, wed, thu, fri], hours: \"09:00-17:00\" }
shift_length: 9999w
start: 2026-01-05
shifts:
",
    );
    for i in 0..40 {
        let person = if i % 2 == 0 { "a" } else { "b" };
        text.push_str(&format!("  - {{ start: 2026-01-05, primary: {person} }}\n"));
    }
    let (code, found) = check_bytes(text.as_bytes());
    assert_eq!(code, Some(1), "{found:?}");
    let overlaps = found
        .iter()
        .filter(|f| f.starts_with("coverage-gap"))
        .count();
    assert_eq!(overlaps, 39, "{found:?}");
}
