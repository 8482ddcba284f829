//! The workspace root (SPEC §7): a file is judged the same whether it is
//! checked alone, from a subdirectory, or with the rest of its workspace.

mod common;

use std::fs;
use std::path::Path;

use common::{stderr, stdout, steward, TODAY};

const POLICY: &str = "apiVersion: steward/v1
kind: Policy
id: acme
custom:
  - id: needs-sla
    severity: error
    message: investor pipelines declare an SLA
    select: { kind: Pipeline, where: { audience: investors } }
    assert: { required: [sla] }
";

const TEAM: &str = "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: ann, name: Ann }
  - { id: bob, name: Bob }
";

const PIPELINE: &str = "apiVersion: steward/v1
kind: Pipeline
id: p
name: P
area: x
audience: investors
owners: { primary: ann, secondary: bob }
runbook: ../runbook.md
escalation: { after: 30m }
";

const RUNBOOK: &str = "# Overview\n## Metrics\n## Common issues\n## SLA\n## Escalation\n";

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
}

/// A git repository with a policy at the root and the pipeline in `defs/`.
fn monorepo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    write(
        dir.path(),
        &[
            ("steward.yaml", POLICY),
            ("team.yaml", TEAM),
            ("defs/p.yaml", PIPELINE),
            ("runbook.md", RUNBOOK),
        ],
    );
    dir
}

/// `rule file:line:col` for each finding, and the JSON summary.
fn json(cwd: &Path, args: &[&str]) -> (i32, Vec<String>, serde_json::Value) {
    let mut all = vec!["check", "--today", TODAY, "--format", "json"];
    all.extend_from_slice(args);
    let out = steward(cwd, &all);
    let value: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    let lines = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["line"],
                f["column"]
            )
        })
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        value["summary"].clone(),
    )
}

#[test]
fn the_root_policy_applies_from_a_subdirectory_and_to_a_single_file() {
    let dir = monorepo();
    let root = dir.path();
    let expected = vec![
        "needs-sla defs/p.yaml:1:1".to_string(),
        "on-call-coverage defs/p.yaml:6:11".to_string(),
    ];
    let (code, at_root, summary) = json(root, &[]);
    assert_eq!((code, &at_root), (1, &expected));
    assert_eq!(summary["policy"], "acme");
    assert_eq!(summary["root"], ".");

    // From the subdirectory: the same findings, paths relative to it.
    let (code, below, summary) = json(&root.join("defs"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        below,
        ["needs-sla p.yaml:1:1", "on-call-coverage p.yaml:6:11"]
    );
    assert_eq!(summary["root"], "..");
    assert_eq!(summary["workspaces"][0]["policy_source"], "../steward.yaml");

    // One file: exactly its findings, counted alone.
    let (code, alone, summary) = json(root, &["defs/p.yaml"]);
    assert_eq!((code, &alone), (1, &expected));
    assert_eq!(summary["files"], 1);
}

#[test]
fn the_human_summary_names_the_policy_and_where_it_came_from() {
    let dir = monorepo();
    let out = steward(dir.path(), &["check", "--today", TODAY]);
    let text = stdout(&out);
    assert_eq!(
        text.lines().last(),
        Some("2 errors, 0 warnings in 3 files; policy acme (steward.yaml)"),
        "{text}"
    );
    fs::remove_file(dir.path().join("steward.yaml")).expect("rm");
    let out = steward(dir.path(), &["check", "--today", TODAY]);
    assert!(
        stdout(&out).ends_with("; policy default (builtin)\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn every_file_of_the_broken_example_alone_reports_what_the_whole_reports() {
    let repo = common::repo();
    let (_, whole, _) = json(&repo, &["examples/broken"]);
    let mut files: Vec<String> = Vec::new();
    for entry in walk(&repo.join("examples/broken")) {
        let relative = entry
            .strip_prefix(&repo)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        if relative.ends_with(".yaml") {
            files.push(relative);
        }
    }
    assert!(files.len() >= 7, "{files:?}");
    for file in &files {
        let (_, alone, _) = json(&repo, &[file]);
        let expected: Vec<&String> = whole
            .iter()
            .filter(|l| {
                l.split(' ')
                    .nth(1)
                    .is_some_and(|at| at.starts_with(&format!("{file}:")))
            })
            .collect();
        assert_eq!(alone.iter().collect::<Vec<_>>(), expected, "{file}");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn a_nested_workspace_is_judged_on_its_own() {
    let dir = monorepo();
    // The inner team's member is not a member of the outer workspace.
    let inner_team = TEAM
        .replace("id: t\n", "id: inner\n")
        .replace("ann", "cyd")
        .replace("bob", "dee");
    let outer_pipeline = "apiVersion: steward/v1\nkind: Pipeline\nid: q\nname: Q\narea: x\naudience: internal\nowners: { primary: cyd, secondary: bob }\n";
    write(
        dir.path(),
        &[
            (
                "teams/inner/steward.yaml",
                "apiVersion: steward/v1\nkind: Policy\nid: inner\nrules: { roster-size: off }\n",
            ),
            ("teams/inner/team.yaml", &inner_team),
            ("defs/q.yaml", outer_pipeline),
        ],
    );
    let (_, lines, summary) = json(dir.path(), &[]);
    assert!(
        lines.contains(&"unknown-reference defs/q.yaml:7:20".to_string()),
        "cyd belongs to the nested workspace only: {lines:?}"
    );
    let workspaces = summary["workspaces"].as_array().expect("workspaces");
    let described: Vec<String> = workspaces
        .iter()
        .map(|w| format!("{} {} {}", w["root"], w["policy"], w["policy_source"]))
        .collect();
    assert_eq!(
        described,
        [
            r#"".""acme""steward.yaml""#.replace("\"\"", "\" \""),
            r#""teams/inner""inner""teams/inner/steward.yaml""#.replace("\"\"", "\" \""),
        ]
    );
    // Checked from inside, the nested workspace is the whole world.
    let (code, lines, summary) = json(&dir.path().join("teams/inner"), &[]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
    assert_eq!(summary["policy"], "inner");
}

#[test]
fn a_steward_yaml_above_the_repository_is_not_its_configuration() {
    let outer = tempfile::tempdir().expect("tempdir");
    write(
        outer.path(),
        &[(
            "steward.yaml",
            "apiVersion: steward/v1\nkind: Policy\nid: outside\n",
        )],
    );
    let repo = outer.path().join("repo");
    fs::create_dir_all(repo.join(".git")).expect(".git");
    write(&repo, &[("team.yaml", TEAM)]);
    let (code, _, summary) = json(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(summary["policy"], "default");
    assert_eq!(summary["root"], ".");
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_root_are_followed_once_and_others_reported() {
    use std::os::unix::fs::symlink;
    let dir = monorepo();
    let root = dir.path();
    write(
        root,
        &[(
            "shared/extra.yaml",
            &TEAM
                .replace("id: t\n", "id: extra\n")
                .replace("ann", "cat")
                .replace("bob", "dan"),
        )],
    );
    symlink("../shared/extra.yaml", root.join("defs/extra.yaml")).expect("link");
    symlink("../shared", root.join("defs/shared-dir")).expect("dir link");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    write(elsewhere.path(), &[("x.yaml", TEAM)]);
    symlink(elsewhere.path(), root.join("defs/outside")).expect("outside link");
    symlink("..", root.join("shared/loop")).expect("loop");

    let (code, lines, summary) = json(root, &[]);
    assert_eq!(code, 1);
    // The real file is read once: no duplicate-id for `extra` or its members.
    assert!(
        !lines.iter().any(|l| l.starts_with("duplicate-id")),
        "{lines:?}"
    );
    let io: Vec<&String> = lines.iter().filter(|l| l.starts_with("io-error")).collect();
    assert_eq!(
        io,
        ["io-error defs/outside:1:1", "io-error shared/loop:1:1"],
        "{lines:?}"
    );
    assert_eq!(summary["files"], 6, "{lines:?}");

    // Checking the directory with the links reports what they reach, each
    // problem once, under its real path.
    let (_, lines, _) = json(root, &["defs"]);
    let io: Vec<&String> = lines.iter().filter(|l| l.starts_with("io-error")).collect();
    assert_eq!(
        io,
        ["io-error defs/outside:1:1", "io-error shared/loop:1:1"]
    );
}

#[test]
fn a_document_that_forgot_its_api_version_is_reported() {
    let dir = monorepo();
    write(
        dir.path(),
        &[("defs/r.yaml", "kind: Pipeline\nid: r\nname: R\n")],
    );
    let out = steward(dir.path(), &["check", "defs/r.yaml", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("error[schema]"), "{text}");
    assert!(
        text.contains("this Pipeline document has no `apiVersion`, so steward would skip it"),
        "{text}"
    );
    assert!(text.contains("add `apiVersion: steward/v1`"), "{text}");
    // Other YAML without a steward kind stays skipped.
    write(
        dir.path(),
        &[("ci/workflow.yaml", "kind: Workflow\nid: w\non: push\n")],
    );
    let out = steward(dir.path(), &["check", "ci"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no steward documents under `ci`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn isolated_checks_exactly_the_given_paths() {
    let dir = monorepo();
    let (code, lines, summary) = json(dir.path(), &["--isolated", "defs/p.yaml"]);
    assert_eq!(code, 1);
    // No team, no policy: the members are unknown and the custom rule absent.
    assert!(
        lines.iter().any(|l| l.starts_with("unknown-reference")),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("needs-sla")),
        "{lines:?}"
    );
    assert_eq!(summary["policy"], "default");
}

#[test]
fn a_mistyped_path_is_an_error() {
    let dir = monorepo();
    let out = steward(dir.path(), &["check", "def"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "steward: error: cannot read `def`: no such file or directory\n"
    );
    fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let out = steward(dir.path(), &["check", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
}

#[test]
fn yaml_extensions_are_read_in_any_case() {
    let dir = monorepo();
    write(
        dir.path(),
        &[(
            "defs/UPPER.YAML",
            "apiVersion: steward/v1\nkind: Team\nid: u\nmembers: [{ id: ann, name: Ann }]\n",
        )],
    );
    let (_, lines, _) = json(dir.path(), &[]);
    assert!(
        lines.contains(&"duplicate-id team.yaml:5:11".to_string()),
        "{lines:?}"
    );
}
