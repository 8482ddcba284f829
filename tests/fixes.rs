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

/// Every file under `dir` with its bytes, by relative path (a symlink: `->`
/// and its target; it is not followed).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d).expect("read_dir").flatten() {
            let path = entry.path();
            let meta = fs::symlink_metadata(&path).expect("lstat");
            if meta.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).expect("readlink");
                format!("-> {}", target.display()).into_bytes()
            } else {
                fs::read(&path).expect("read")
            };
            out.insert(name, bytes);
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

const TEAM4: &str = "apiVersion: steward/v1\nkind: Team\nid: data\nlead: ann\nmembers: [{id: ann, name: A}, {id: bob, name: B}, {id: cy, name: C}, {id: dee, name: D}]\n";

fn pipeline_with_runbook(runbook: &str) -> String {
    format!("apiVersion: steward/v1\nkind: Pipeline\nid: p\nname: P report\narea: a\naudience: internal\nowners: {{ primary: ann, secondary: bob }}\nrunbook: {runbook}\n")
}

#[test]
fn no_runbook_is_created_outside_the_root_through_a_symlink() {
    let outer = tempfile::tempdir().expect("tempdir");
    let root = outer.path().join("repo");
    let out = outer.path().join("out");
    fs::create_dir_all(&out).expect("mkdir");
    fs::create_dir_all(root.join("docs")).expect("mkdir");
    fs::write(root.join("steward.yaml"), POLICY).expect("write");
    fs::write(root.join("team.yaml"), TEAM4).expect("write");
    // A symlinked directory that leads out, and a dangling link that does.
    std::os::unix::fs::symlink("../out", root.join("runbooks")).expect("symlink");
    std::os::unix::fs::symlink("../../out/q.md", root.join("docs/q.md")).expect("symlink");
    fs::write(root.join("p.yaml"), pipeline_with_runbook("runbooks/p.md")).expect("write");
    fs::write(
        root.join("q.yaml"),
        pipeline_with_runbook("docs/q.md").replace("id: p\n", "id: q\n"),
    )
    .expect("write");
    let before = files(&root);
    let check = run(&root, &["--format", "json"]);
    let json = common::json(&check);
    let runbook_file: Vec<(String, bool)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "runbook-file")
        .map(|f| {
            (
                f["message"].as_str().unwrap_or_default().to_string(),
                f["fix"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        runbook_file,
        [
            ("runbook `runbooks/p.md` of pipeline `p` is outside the workspace root: a symlink leads out of it".to_string(), true),
            ("runbook `docs/q.md` of pipeline `q` is outside the workspace root: a symlink leads out of it".to_string(), true),
        ]
    );
    let fixed = run(&root, &["--fix"]);
    assert_eq!(stderr(&fixed), "Nothing to fix\n");
    assert_eq!(files(&root), before);
    assert_eq!(
        fs::read_dir(&out).expect("read_dir").count(),
        0,
        "written outside the root"
    );
}

#[test]
fn a_dangling_runbook_link_is_not_written_through() {
    let dir = workspace(&[
        ("team.yaml", TEAM4),
        ("p.yaml", &pipeline_with_runbook("p.md")),
    ]);
    std::os::unix::fs::symlink("gone.md", dir.path().join("p.md")).expect("symlink");
    let before = files(dir.path());
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(
        stderr(&out),
        "Nothing to fix\nSkipped 1 fix:\n  p.yaml:8:10 runbook-file: create `p.md` with the required sections (overview, metrics, common issues, sla, escalation) (`p.md` is a symlink to a missing file (`gone.md`); create that file or remove the link)\n"
    );
    assert_eq!(files(dir.path()), before);
    assert!(!dir.path().join("gone.md").exists());
}

/// A rotation whose `until` the safe fix moves, and a runbook lacking
/// sections: two files to write, `rotation.yaml` first.
fn two_files_to_fix() -> tempfile::TempDir {
    let rotation = "apiVersion: steward/v1\nkind: Rotation\nid: oncall\ncovers: [p]\nshift_length: 1w\nstart: 2026-05-04\nuntil: 2026-06-29\nroster: [ann, bob, cy, dee]\n";
    workspace(&[
        ("team.yaml", TEAM4),
        ("p.yaml", &pipeline_with_runbook("runbooks/p.md")),
        ("rotation.yaml", rotation),
        ("runbooks/p.md", "# P\n\n## Overview\n"),
    ])
}

#[test]
fn a_write_that_fails_writes_nothing_and_a_read_only_file_is_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = two_files_to_fix();
    let runbook = dir.path().join("runbooks/p.md");
    // Read-only for everyone: refused even for root (who may write it).
    fs::set_permissions(&runbook, fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = files(dir.path());
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "steward: error: `runbooks/p.md` is read-only (mode 0444); make it writable to fix it; no file was written\nDid not fix 2 findings in 2 files (rotation.yaml, runbooks/p.md):\n  p.yaml:8:10 runbook-sections: append the headings `Metrics`, `Common issues`, `SLA`, `Escalation` to `runbooks/p.md`, with a placeholder line under each\n  rotation.yaml:7:8 schedule-horizon: move `until` to 2026-08-31\n"
    );
    // The rotation, before the runbook in the order of writing, is as it
    // was, and no temporary file is left.
    assert_eq!(files(dir.path()), before);
    let mode = fs::metadata(&runbook).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
    // Writable again, both are fixed.
    fs::set_permissions(&runbook, fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = run(dir.path(), &["--fix"]);
    assert!(
        stderr(&out).starts_with("Fixed 2 findings in 2 files"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_fixed_file_keeps_its_owner_group_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = two_files_to_fix();
    let rotation = dir.path().join("rotation.yaml");
    fs::set_permissions(&rotation, fs::Permissions::from_mode(0o640)).expect("chmod");
    // Only root can give a file to someone else; elsewhere the owner stays
    // the writer and only the mode is checked.
    let root = fs::metadata(&rotation).expect("stat").uid() == 0;
    if root {
        std::os::unix::fs::chown(&rotation, Some(65534), Some(65534)).expect("chown");
    }
    let out = run(dir.path(), &["--fix"]);
    assert!(
        stderr(&out).starts_with("Fixed 2 findings"),
        "{}",
        stderr(&out)
    );
    let meta = fs::metadata(&rotation).expect("stat");
    assert!(fs::read_to_string(&rotation)
        .expect("read")
        .contains("until: 2026-08-31\n"));
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    if root {
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    }
}

#[test]
fn a_key_renamed_to_the_one_another_fix_adds_goes_first() {
    // `escalaton` renamed to `escalation` and `escalation` added: each
    // applies alone, not both. The rename, earlier in the file, applies; the
    // addition is skipped, and the next run has nothing left to fix.
    let pipeline = "apiVersion: steward/v1\nkind: Pipeline\nid: p\nname: P\narea: a\naudience: investors\nowners:\n  primary: ann\n  secondary: bob\nescalaton:\n  after: 30m\n  major_incident: ann\n";
    let dir = workspace(&[("team.yaml", TEAM4), ("p.yaml", pipeline)]);
    let (snapshot, notes, _) = fixed(dir.path(), &["--unsafe-fixes"]);
    assert_eq!(
        notes,
        "Fixed 1 finding in 1 file (p.yaml):\n  p.yaml:10:1 schema: rename `escalaton` to `escalation`\nSkipped 1 fix:\n  p.yaml:6:11 escalation-required: add `escalation: { after: 30m, major_incident: ann }` (it cannot apply together with the fix for `schema` at p.yaml:10:1; run --fix again)\n"
    );
    assert_eq!(
        snapshot,
        format!(
            "=== p.yaml (before)\n{pipeline}\n=== p.yaml (after)\n{}\n",
            pipeline.replace("escalaton", "escalation")
        )
    );
}

/// The `fix` of each finding of rule `rule` in `check --format json`.
fn offered_fixes(dir: &Path, rule: &str) -> Vec<serde_json::Value> {
    let out = run(dir, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["fix"].clone())
        .collect()
}

#[test]
fn a_report_offers_only_fixes_that_apply() {
    // Each fix here is one `--fix` refuses even alone: the report shows the
    // finding without it, and says nothing is fixable.
    let team = "apiVersion: steward/v1\nkind: Team\nid: data\nmembers: [{id: emily, name: E}, {id: bob, name: B}]\n";
    let aliased_owner = "apiVersion: steward/v1\nkind: Pipeline\nid: profit\nname: Profit\narea: a\naudience: internal\nowners:\n  primary: &who emilly\n  secondary: bob\nx-owner: *who\n";
    let dir = workspace(&[("team.yaml", team), ("pipeline.yaml", aliased_owner)]);
    assert_eq!(
        offered_fixes(dir.path(), "unknown-reference"),
        [serde_json::Value::Null]
    );
    let human = stdout(&run(dir.path(), &["--unsafe-fixes", "--diff"]));
    assert_eq!(human, "", "--diff shows no change");

    let dir = workspace(&[
        ("team.yaml", TEAM4),
        ("p.yaml", &pipeline_with_runbook("p.md")),
    ]);
    std::os::unix::fs::symlink("gone.md", dir.path().join("p.md")).expect("symlink");
    assert_eq!(
        offered_fixes(dir.path(), "runbook-file"),
        [serde_json::Value::Null]
    );

    // `until` is anchored and repeated: moving it would move the copy too.
    let rotation = "apiVersion: steward/v1\nkind: Rotation\nid: r\ncovers: []\nshift_length: 1w\nstart: 2026-03-02\nuntil: &u 2026-04-06\nroster: [ann, bob, cy, dee]\nx-until: *u\n";
    let dir = workspace(&[("team.yaml", TEAM4), ("r.yaml", rotation)]);
    assert_eq!(
        offered_fixes(dir.path(), "schedule-horizon"),
        [serde_json::Value::Null]
    );
    let out = run(dir.path(), &[]);
    assert!(
        stdout(&out).contains("warning[schedule-horizon]"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("fix available"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("fixable"), "{}", stdout(&out));
    // Without the alias the same fix is offered.
    let plain = rotation.replace("&u ", "").replace("x-until: *u\n", "");
    fs::write(dir.path().join("r.yaml"), plain).expect("write");
    let offered = offered_fixes(dir.path(), "schedule-horizon");
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0]["safety"], "safe", "{offered:?}");
}
