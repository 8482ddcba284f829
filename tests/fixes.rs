//! `steward check --fix`, `--unsafe-fixes` and `--diff` on real files: every
//! fix kind as a before/after snapshot of the bytes (comments, quoting, flow
//! and block style, CRLF kept), `--diff` writing nothing, conflicting fixes
//! skipped and reported, a fix whose re-parse would not match refused, and a
//! second `--fix` changing nothing.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{stderr, stdout, steward, TODAY};

const POLICY: &str = "apiVersion: steward/v1\nkind: Policy\nid: fixes\nextends: default\n";

/// A workspace in a temporary directory.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("steward.yaml"), POLICY).expect("write steward.yaml");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, text).expect("write");
    }
    dir
}

/// Every file under `dir` with its bytes, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
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
                out.insert(name, fs::read(&path).expect("read"));
            }
        }
    }
    out
}

fn shown(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\r', "␍")
}

/// The files that changed, before and after (`␍` marks a carriage return).
fn before_after(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for (name, bytes) in after {
        match before.get(name) {
            Some(old) if old == bytes => {}
            Some(old) => out.push_str(&format!(
                "=== {name} (before)\n{}\n=== {name} (after)\n{}\n",
                shown(old),
                shown(bytes)
            )),
            None => out.push_str(&format!("=== {name} (new)\n{}\n", shown(bytes))),
        }
    }
    for name in before.keys().filter(|n| !after.contains_key(*n)) {
        out.push_str(&format!("=== {name} (deleted)\n"));
    }
    out
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["check", "--today", TODAY, "--color", "never"];
    all.extend_from_slice(args);
    steward(dir, &all)
}

/// Runs `--fix` (with `args`) and returns the before/after snapshot and stderr;
/// a second run changes nothing.
fn fixed(dir: &Path, args: &[&str]) -> (String, String, std::process::Output) {
    let before = files(dir);
    let out = run(dir, args);
    let after = files(dir);
    let again = run(dir, args);
    assert_eq!(files(dir), after, "a second run changed files");
    assert!(
        stderr(&again).starts_with("Nothing to fix"),
        "{}",
        stderr(&again)
    );
    (before_after(&before, &after), stderr(&out), out)
}

const TEAM_CRLF: &str = "# The team, with Windows line endings.\r\napiVersion: steward/v1\r\nkind: Team\r\nid: data\r\nlead: ann\r\nmembers:\r\n  - { id: ann, name: Ann, areas: [profit] }   # steward: ignore[duplicate-id] stale\r\n  # steward: ignore[no-such-rule]\r\n  - { id: bob, name: Bob, areas: [profit] }\r\n  - { id: cy, name: Cy, areas: [profit] }\r\n  - { id: dee, name: \"Dee\", areas: [profit] }\r\n";

#[test]
fn safe_fixes_keep_every_other_byte() {
    let dir = workspace(&[
        ("team.yaml", TEAM_CRLF),
        (
            "pipelines.yaml",
            "# Pipelines.\napiVersion: steward/v1\nkind: Pipeline\nid: profit\nname: Profit\narea: profit\naudience: investors\nowners:\n  primary: ann\n  secondary: ann  # steward: ignore[distinct-owners, sla-order] we share\nrunbook: runbooks/profit.md   # the runbook\nescalation: { after: 30m, major_incident: ann }\n---\napiVersion: steward/v1\nkind: Pipeline\nid: growth\nname: Growth\narea: profit\naudience: internal\nowners: { primary: bob, secondary: cy }\nrunbook: 'runbooks/new/growth.md'\n",
        ),
        (
            "runbooks/profit.md",
            "# Profit\r\n\r\n### Overview\r\n\r\nWhat it is.\r\n\r\n### Metrics\r\nRows per day.",
        ),
        (
            "rotation.yaml",
            "# On call, flow style.\n{apiVersion: steward/v1, kind: Rotation, id: oncall, covers: [profit], shift_length: 1w, start: 2026-05-04, until: '2026-06-29', roster: [ann, bob, cy, dee]}  # short\n",
        ),
    ]);
    let (snapshot, notes, out) = fixed(dir.path(), &["--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    insta::assert_snapshot!("safe_files", snapshot);
    insta::assert_snapshot!("safe_stderr", notes);
    // The report after fixing shows what remains: nothing.
    assert_eq!(
        stdout(&out),
        "0 errors, 0 warnings in 4 files (1 suppressed); policy fixes (steward.yaml)\n"
    );
}

#[test]
fn block_until_keeps_its_comment() {
    let text = "apiVersion: steward/v1\nkind: Rotation\nid: oncall\ncovers: []\nshift_length: 2w\nstart: 2026-05-04\nuntil: \"2026-07-13\"   # exclusive\nroster: [ann, bob, cy, dee]\n";
    let team = "apiVersion: steward/v1\nkind: Team\nid: data\nmembers: [{id: ann, name: A}, {id: bob, name: B}, {id: cy, name: C}, {id: dee, name: D}]\n";
    let dir = workspace(&[("rotation.yaml", text), ("team.yaml", team)]);
    fixed(dir.path(), &["--fix"]);
    // Horizon 2026-08-31; shifts of two weeks from 2026-05-04 start on 2026-09-07 next.
    assert_eq!(
        fs::read_to_string(dir.path().join("rotation.yaml")).unwrap(),
        text.replace("\"2026-07-13\"", "\"2026-09-07\"")
    );
}

#[test]
fn unsafe_fixes_only_with_the_flag() {
    let dir = workspace(&[
        (
            "team.yaml",
            "apiVersion: steward/v1\nkind: Team\nid: data\nlead: emily\nmembers:\n  - id: emily\n    nme: Emily   # typo\n  - { id: bob, name: Bob }\n  - { id: cy, name: Cy }\n  - { id: dee, name: Dee }\n",
        ),
        (
            "pipelines.yaml",
            "apiVersion: steward/v1\r\nkind: Pipeline\r\nid: profit\r\nname: Profit\r\narea: profit\r\naudience: internal\r\nowners:\r\n  primary: \"emilly\"\r\n  secondary: 'bobb'\r\n---\r\n{apiVersion: steward/v1, kind: Pipeline, id: growth, name: Growth, area: growth, audience: investors, runbook: growth.md, sla: {warn_after: 1h}, ownres: {primary: cy, secondary: dee}}\r\n",
        ),
        (
            "growth.md",
            "# Growth\n## Overview\n## Metrics\n## Common issues\n## SLA\n## Escalation\n",
        ),
        (
            "rotation.yaml",
            "apiVersion: steward/v1\nkind: Rotation\nid: oncall\ncovers: [growth]\nshift_length: 1w\nstart: 2026-05-04\nuntil: 2026-09-07\nroster: [emily, bob, cy, deee]   # four people\n",
        ),
    ]);
    // Without --unsafe-fixes nothing is safe to fix here.
    let before = files(dir.path());
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(files(dir.path()), before);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("Nothing to fix; 5 more fixes with --unsafe-fixes\n"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("5 fixable with --unsafe-fixes\n"),
        "{}",
        stdout(&out)
    );
    // The escalation fix appears once the renamed `owners` makes the
    // document valid: a second run applies it.
    let (snapshot, notes, out) = fixed_twice(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    insta::assert_snapshot!("unsafe_files", snapshot);
    insta::assert_snapshot!("unsafe_stderr", notes);
}

/// `--unsafe-fixes` run until nothing is left to fix.
fn fixed_twice(dir: &Path) -> (String, String, std::process::Output) {
    let before = files(dir);
    let first = run(dir, &["--unsafe-fixes"]);
    let (_, second, out) = fixed(dir, &["--unsafe-fixes"]);
    (
        before_after(&before, &files(dir)),
        format!("{}--- second run\n{second}", stderr(&first)),
        out,
    )
}

fn broken_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files(&common::repo().join("examples/broken")) {
        let path = dir.path().join(&name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
    }
    dir
}

#[test]
fn diff_writes_nothing_and_exits_1_when_there_is_something_to_fix() {
    let dir = broken_copy();
    let before = files(dir.path());
    let mtimes = |dir: &Path| -> Vec<(String, std::time::SystemTime)> {
        files(dir)
            .keys()
            .map(|n| {
                let modified = fs::metadata(dir.join(n))
                    .and_then(|m| m.modified())
                    .expect("mtime");
                (n.clone(), modified)
            })
            .collect()
    };
    let times = mtimes(dir.path());
    let out = run(dir.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(files(dir.path()), before, "--diff wrote a file");
    assert_eq!(mtimes(dir.path()), times, "--diff touched a file");
    insta::assert_snapshot!("broken_diff", stdout(&out));
    insta::assert_snapshot!("broken_diff_stderr", stderr(&out));

    // The diff is exactly what --unsafe-fixes writes.
    let patched = run(dir.path(), &["--unsafe-fixes"]);
    assert_eq!(patched.status.code(), Some(1));
    let after = files(dir.path());
    let expected: Vec<&String> = after
        .iter()
        .filter(|(n, b)| before.get(*n) != Some(b))
        .map(|(n, _)| n)
        .collect();
    for name in &expected {
        assert!(
            stdout(&out).contains(&format!("+++ {name}\n")),
            "{name} changed but is not in the diff"
        );
    }
    assert_eq!(stdout(&out).matches("\n+++ ").count(), expected.len());

    // Nothing left: no diff, exit 0.
    let clean = run(&common::repo(), &["examples/acme", "--diff"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
    assert_eq!(stderr(&clean), "Nothing to fix\n");
}

#[test]
fn conflicting_fixes_are_skipped_and_reported() {
    let team = "apiVersion: steward/v1\nkind: Team\nid: data\nmembers: [{id: ann, name: A}, {id: bob, name: B}]\n";
    let pipeline = |id: &str| {
        format!("apiVersion: steward/v1\nkind: Pipeline\nid: {id}\nname: {id} report\narea: a\naudience: internal\nowners: {{ primary: ann, secondary: bob }}\nrunbook: runbooks/shared.md\n")
    };
    let dir = workspace(&[
        ("team.yaml", team),
        ("a.yaml", &pipeline("alpha")),
        ("b.yaml", &pipeline("beta")),
    ]);
    let out = run(dir.path(), &["--fix"]);
    // Both fixes create the same runbook: the first applies, the second is
    // skipped and said so; the runbook now exists for both.
    assert_eq!(
        stderr(&out),
        "Fixed 1 finding in 1 file (runbooks/shared.md (new)):\n  a.yaml:8:10 runbook-file: create `runbooks/shared.md` with the required sections (overview, metrics, common issues, sla, escalation)\nSkipped 1 fix:\n  b.yaml:8:10 runbook-file: create `runbooks/shared.md` with the required sections (overview, metrics, common issues, sla, escalation) (it overlaps the fix for `runbook-file` at a.yaml:8:10; run --fix again)\n"
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let runbook = fs::read_to_string(dir.path().join("runbooks/shared.md")).unwrap();
    assert!(
        runbook.starts_with("# Runbook: alpha report\n"),
        "{runbook}"
    );
}

#[test]
fn a_fix_whose_result_would_not_parse_as_meant_is_refused() {
    // `name` is an alias of the anchored owner: replacing the owner's typo
    // would rename the pipeline too. The other fix in the file still applies.
    let team = "apiVersion: steward/v1\nkind: Team\nid: data\nmembers: [{id: emily, name: E}, {id: bob, name: B}]\n";
    let text = "apiVersion: steward/v1\nkind: Pipeline\nid: profit\nname: Profit\narea: a\naudience: internal   # steward: ignore[sla-order]\nowners:\n  primary: &who emilly\n  secondary: bob\nx-owner: *who\n";
    let dir = workspace(&[("team.yaml", team), ("pipeline.yaml", text)]);
    let out = run(dir.path(), &["--unsafe-fixes"]);
    assert_eq!(
        stderr(&out),
        "Fixed 1 finding in 1 file (pipeline.yaml):\n  pipeline.yaml:6:22 unused-ignore: remove the suppression comment\nSkipped 1 fix:\n  pipeline.yaml:8:17 unknown-reference: replace `emilly` with `emily` (the edit would change document 1 unexpectedly; nothing was changed)\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("pipeline.yaml")).unwrap(),
        text.replace("   # steward: ignore[sla-order]", "")
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_language_server_gets_the_same_edits_without_writes() {
    let dir = workspace(&[(
        "team.yaml",
        "apiVersion: steward/v1\nkind: Team\nid: data\nmembers:\n  - { id: ann, name: A }  # steward: ignore[owner-load, duplicate-id]\n",
    )]);
    let before = files(dir.path());
    let outcome = common::check_paths(&[dir.path().to_path_buf()]);
    let mut texts = Vec::new();
    for finding in outcome
        .findings
        .iter()
        .filter(|f| f.rule == "unused-ignore")
    {
        let fix = finding.fix.as_deref().expect("a fix");
        let edits = steward::fix::edits::text_edits(&outcome.workspace, fix).expect("edits");
        let steward::fix::edits::Target::File(file) = edits.target else {
            panic!("a YAML file")
        };
        let text = outcome.workspace.files[file].text().expect("unchanged");
        texts.push(steward::edit::apply(text, &edits.edits).expect("applies"));
    }
    assert_eq!(files(dir.path()), before, "text_edits wrote a file");
    // Both entries suppress nothing: each fix removes the whole comment.
    assert_eq!(
        texts,
        vec![
            "apiVersion: steward/v1\nkind: Team\nid: data\nmembers:\n  - { id: ann, name: A }\n"
                .to_string();
            2
        ]
    );
}

#[test]
fn fixes_cover_only_the_asked_paths() {
    let team = "apiVersion: steward/v1\nkind: Team\nid: data\nmembers: [{id: ann, name: A}]  # steward: ignore[duplicate-id]\n";
    let other =
        "apiVersion: steward/v1\nkind: Holidays\nid: h   # steward: ignore[schema]\nholidays: []\n";
    let dir = workspace(&[("team.yaml", team), ("sub/holidays.yaml", other)]);
    let out = run(dir.path(), &["sub", "--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("team.yaml")).unwrap(),
        team
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("sub/holidays.yaml")).unwrap(),
        other.replace("   # steward: ignore[schema]", "")
    );
}
