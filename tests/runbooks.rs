//! Runbook paths never leave the repository root, and steward never opens what
//! lies outside it.

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const TEAM: &str = "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - { id: john, name: John }\n  - { id: emily, name: Emily }\n";

fn pipeline(runbook: &str) -> String {
    format!("apiVersion: steward/v1\nkind: Pipeline\nid: p\nname: P\narea: profit\naudience: investors\nowners: {{ primary: john, secondary: emily }}\nrunbook: {runbook}\n")
}

/// Runs steward on `dir` with a deadline, so an attempt to open a FIFO shows up
/// as a hang instead of blocking the test suite.
fn runbook_findings(dir: &Path) -> String {
    let out = common::run_with_deadline(
        Command::new(env!("CARGO_BIN_EXE_steward"))
            .args(["check", ".", "--today", common::TODAY, "--format", "json"])
            .current_dir(dir),
        Duration::from_secs(20),
        "steward hung: it opened something it must not",
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("runbook")))
        .map(|f| {
            format!(
                "{} {}\n",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn workspace(runbook: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let outer = tempfile::tempdir().expect("tempdir");
    let root = outer.path().join("repo");
    fs::create_dir_all(root.join("runbooks")).expect("mkdir");
    fs::write(root.join("team.yaml"), TEAM).expect("write");
    fs::write(root.join("pipeline.yaml"), pipeline(runbook)).expect("write");
    (outer, root)
}

#[test]
fn a_symlink_to_a_file_outside_the_root_is_reported_and_not_read() {
    let (outer, root) = workspace("runbooks/p.md");
    // A FIFO outside the root: opening it for reading would block forever.
    let fifo = outer.path().join("secret.md");
    let status = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(status.success());
    symlink(&fifo, root.join("runbooks/p.md")).expect("symlink");
    assert_eq!(
        runbook_findings(&root),
        "runbook-file runbook `runbooks/p.md` of pipeline `p` leaves the repository: a symlink resolves outside the repository\n"
    );
}

#[test]
fn a_symlinked_directory_outside_the_root_is_reported() {
    let (outer, root) = workspace("docs/p.md");
    fs::create_dir_all(outer.path().join("elsewhere")).expect("mkdir");
    fs::write(outer.path().join("elsewhere/p.md"), "# Overview\n").expect("write");
    symlink(outer.path().join("elsewhere"), root.join("docs")).expect("symlink");
    assert!(runbook_findings(&root).contains("a symlink resolves outside the repository"));
}

#[test]
fn dot_dot_and_absolute_paths_are_reported_without_touching_the_filesystem() {
    let (outer, root) = workspace("../secret.md");
    fs::write(outer.path().join("secret.md"), "# Overview\n").expect("write");
    assert_eq!(
        runbook_findings(&root),
        "runbook-file runbook `../secret.md` of pipeline `p` leaves the repository: `..` climbs out of the repository\n"
    );
    let absolute = outer.path().join("secret.md");
    fs::write(
        root.join("pipeline.yaml"),
        pipeline(absolute.to_str().unwrap()),
    )
    .expect("write");
    assert!(runbook_findings(&root).contains("leaves the repository: it is an absolute path"));
}

#[test]
fn dot_dot_that_stays_inside_the_root_is_fine() {
    let (_outer, root) = workspace("runbooks/../runbooks/p.md");
    fs::write(
        root.join("runbooks/p.md"),
        "# Overview\n## Metrics\n## Common issues\n## SLA\n## Escalation\n",
    )
    .expect("write");
    assert_eq!(runbook_findings(&root), "");
}

#[test]
fn symlink_loops_fifos_and_directories_are_reported() {
    let (_outer, root) = workspace("runbooks/loop.md");
    symlink(root.join("runbooks/loop.md"), root.join("runbooks/loop.md")).expect("symlink");
    assert_eq!(
        runbook_findings(&root),
        "runbook-file runbook `runbooks/loop.md` of pipeline `p` cannot be read: a symlink loop\n"
    );

    let (_outer, root) = workspace("runbooks/pipe.md");
    let status = Command::new("mkfifo")
        .arg(root.join("runbooks/pipe.md"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    assert_eq!(
        runbook_findings(&root),
        "runbook-file runbook `runbooks/pipe.md` of pipeline `p` is not a regular file (a FIFO, socket or device)\n"
    );

    let (_outer, root) = workspace("runbooks");
    assert_eq!(
        runbook_findings(&root),
        "runbook-file runbook `runbooks` of pipeline `p` is a directory\n"
    );
}

#[test]
fn the_repository_root_is_the_nearest_git_directory() {
    // With a .git above the checked directory, a runbook beside it is inside.
    let (outer, root) = workspace("../shared/p.md");
    fs::create_dir_all(outer.path().join(".git")).expect("mkdir .git");
    fs::create_dir_all(outer.path().join("shared")).expect("mkdir");
    fs::write(outer.path().join("shared/p.md"), "# Overview\n").expect("write");
    let found = runbook_findings(&root);
    assert!(!found.contains("runbook-file"), "{found}");
    assert!(found.contains("runbook-sections"), "{found}");
}
