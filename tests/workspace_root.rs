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

/// `severity rule file:line:col` for each finding: the severity tells the
/// workspace that judged a file (its policy sets it).
fn judged(cwd: &Path, args: &[&str]) -> (i32, Vec<String>, serde_json::Value) {
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
                "{} {} {}:{}:{}",
                f["severity"].as_str().unwrap_or(""),
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

/// A workspace `ws/` (policy `ws`) beside `outside/` (policy `foreign`,
/// with teams whose ids clash if both are read), linked from `ws/`: the
/// file `team.yaml` and the directory `od`.
#[cfg(unix)]
fn linked_out_of_the_root() -> tempfile::TempDir {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let outsiders =
        "apiVersion: steward/v1\nkind: Team\nid: outsiders\nmembers: [{ id: olga, name: Olga }]\n";
    write(
        dir.path(),
        &[
            (
                "ws/steward.yaml",
                "apiVersion: steward/v1\nkind: Policy\nid: ws\n",
            ),
            (
                "outside/steward.yaml",
                "apiVersion: steward/v1\nkind: Policy\nid: foreign\n",
            ),
            ("outside/team.yaml", outsiders),
            ("outside/dir/t.yaml", outsiders),
        ],
    );
    symlink("../outside/team.yaml", dir.path().join("ws/team.yaml")).expect("file link");
    symlink("../outside/dir", dir.path().join("ws/od")).expect("dir link");
    dir
}

#[cfg(unix)]
#[test]
fn a_path_through_a_symlink_out_of_the_root_is_judged_by_the_root_it_was_written_in() {
    let dir = linked_out_of_the_root();
    let ws = dir.path().join("ws");
    let (code, whole, summary) = judged(&ws, &[]);
    assert_eq!(
        (code, &whole),
        (
            1,
            &vec![
                "error io-error od:1:1".to_string(),
                "error io-error team.yaml:1:1".to_string(),
            ]
        )
    );
    assert_eq!(summary["policy"], "ws");
    // The link itself, the linked directory, a file in it, a path that
    // climbs back through it: the root is `ws/` (not the link's target's),
    // and what the root's check says about the link is the answer.
    for (asked, expected) in [
        ("team.yaml", "error io-error team.yaml:1:1"),
        ("od", "error io-error od:1:1"),
        ("od/t.yaml", "error io-error od:1:1"),
        ("./od/../team.yaml", "error io-error team.yaml:1:1"),
    ] {
        let (code, lines, summary) = judged(&ws, &[asked]);
        assert_eq!((code, lines), (1, vec![expected.to_string()]), "{asked}");
        assert_eq!(summary["policy"], "ws", "{asked}");
        assert_eq!(summary["root"], ".", "{asked}");
        assert_eq!(summary["files"], 1, "{asked}");
    }
    // A linked directory that holds its own `steward.yaml` is the nearest
    // root on the path as written: a workspace of its own, read within it.
    std::os::unix::fs::symlink("../outside", ws.join("foreign")).expect("link");
    let (code, lines, summary) = judged(&ws, &["foreign/dir/t.yaml"]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
    assert_eq!(summary["policy"], "foreign");
    assert_eq!(summary["root"], "../outside");
}

#[cfg(unix)]
#[test]
fn the_human_report_names_a_link_out_of_the_root_however_the_message_wraps() {
    use std::os::unix::fs::symlink;
    let dir = linked_out_of_the_root();
    let far = dir
        .path()
        .join("outside/a-directory-with-a-name-long-enough/to-wrap-the-message-of-a-finding");
    write(&far, &[("team.yaml", TEAM)]);
    symlink(far.join("team.yaml"), dir.path().join("ws/far.yaml")).expect("link");
    let out = steward(&dir.path().join("ws"), &["check", "--today", TODAY]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for link in ["far.yaml", "od", "team.yaml"] {
        assert!(
            text.contains(&format!("`{link}` is a symlink to")),
            "{link}: {text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_into_a_nested_workspace_belongs_to_that_workspace() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        &[
            ("steward.yaml", "apiVersion: steward/v1\nkind: Policy\nid: outer\n"),
            (
                "inner/steward.yaml",
                "apiVersion: steward/v1\nkind: Policy\nid: inner\nrules:\n  unknown-reference: warning\n",
            ),
            (
                "inner/team.yaml",
                "apiVersion: steward/v1\nkind: Team\nid: t\nlead: nobody\nmembers: [{ id: olga, name: Olga }]\n",
            ),
            (
                "inner/sub/team.yaml",
                "apiVersion: steward/v1\nkind: Team\nid: u\nlead: none\nmembers: [{ id: ulf, name: Ulf }]\n",
            ),
            ("outer/team.yaml", TEAM),
            (
                "outer/p.yaml",
                "apiVersion: steward/v1\nkind: Pipeline\nid: p\nname: P\narea: x\naudience: internal\nowners: { primary: ann, secondary: olga }\n",
            ),
            (
                "outer/q.yaml",
                "apiVersion: steward/v1\nkind: Pipeline\nid: q\nname: Q\narea: x\naudience: internal\nowners: { primary: bob, secondary: ulf }\n",
            ),
        ],
    );
    symlink("inner/team.yaml", root.join("link.yaml")).expect("file link");
    symlink("inner/sub", root.join("linked")).expect("dir link");
    let inner = [
        "warning unknown-reference inner/sub/team.yaml:4:7".to_string(),
        "warning unknown-reference inner/team.yaml:4:7".to_string(),
    ];
    // Each real file is judged once, by its own workspace's policy; the
    // outer workspace does not hold the inner's teams through the links.
    let (code, lines, _) = judged(root, &[]);
    let mut expected = inner.to_vec();
    expected.extend([
        "error unknown-reference outer/p.yaml:7:36".to_string(),
        "error unknown-reference outer/q.yaml:7:36".to_string(),
    ]);
    assert_eq!((code, lines), (1, expected));
    // A link checked alone is its target, checked in its own workspace.
    for (asked, expected) in [("link.yaml", &inner[1]), ("linked", &inner[0])] {
        let (code, lines, summary) = judged(root, &[asked]);
        assert_eq!((code, lines), (0, vec![expected.clone()]), "{asked}");
        assert_eq!(summary["policy"], "inner", "{asked}");
        assert_eq!(summary["root"], "inner", "{asked}");
    }
}

#[test]
fn the_workspace_is_the_same_whatever_paths_are_asked() {
    let dir = monorepo();
    let root = dir.path();
    let olga =
        "apiVersion: steward/v1\nkind: Team\nid: hidden\nmembers: [{ id: olga, name: Olga }]\n";
    write(
        root,
        &[
            (
                "defs/q.yaml",
                "apiVersion: steward/v1\nkind: Pipeline\nid: q\nname: Q\narea: x\naudience: internal\nowners: { primary: ann, secondary: olga }\n",
            ),
            (".hidden/t.yaml", olga),
            ("target/t.yaml", &olga.replace("hidden", "built")),
            ("notes.txt", &olga.replace("hidden", "notes")),
        ],
    );
    let q = "unknown-reference defs/q.yaml:7:36".to_string();
    for asked in [&[][..], &["defs"][..], &["defs/q.yaml"][..]] {
        let (code, lines, _) = json(root, asked);
        assert_eq!(code, 1, "{asked:?}");
        assert!(lines.contains(&q), "{asked:?}: {lines:?}");
    }
    // What the walk skips is not part of the workspace: named, it is a
    // workspace of its own (the PATH itself, the builtin policy), so it
    // does not change the findings of the other files.
    for (asked, own) in [
        (&["defs", ".hidden"][..], ".hidden"),
        (&["defs", ".hidden/t.yaml"][..], ".hidden"),
        (&["defs", "target/t.yaml"][..], "target"),
    ] {
        let (code, lines, summary) = json(root, asked);
        assert_eq!(code, 1, "{asked:?}");
        assert_eq!(lines, json(root, &["defs"]).1, "{asked:?}");
        assert!(lines.contains(&q), "{asked:?}: {lines:?}");
        let workspaces: Vec<&str> = summary["workspaces"]
            .as_array()
            .expect("workspaces")
            .iter()
            .filter_map(|w| w["root"].as_str())
            .collect();
        assert!(workspaces.contains(&own), "{asked:?}: {summary}");
    }
    let (code, lines, summary) = json(root, &["target/t.yaml"]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
    assert_eq!(summary["root"], "target");
    // A file steward does not read is refused rather than read.
    let out = steward(root, &["check", "--today", TODAY, "defs", "notes.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(
        stderr(&out),
        "steward: error: `notes.txt` is not part of the workspace at `.`: steward reads `.yaml` and `.yml` files only\n"
    );
    assert!(stdout(&out).is_empty());
    // With its own `steward.yaml`, a hidden directory is a workspace of its
    // own, checked when asked for (and from inside it).
    write(
        root,
        &[(
            ".hidden/steward.yaml",
            "apiVersion: steward/v1\nkind: Policy\nid: hidden\n",
        )],
    );
    let (code, lines, summary) = json(root, &[".hidden"]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?}");
    assert_eq!(summary["policy"], "hidden");
    let (code, lines, _) = json(root, &["defs"]);
    assert_eq!(code, 1);
    assert!(lines.contains(&q), "{lines:?}");
}

#[cfg(unix)]
#[test]
fn a_fifo_with_a_yaml_name_is_reported_from_the_root_as_alone() {
    let dir = monorepo();
    let fifo = dir.path().join("defs/pipe.yaml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    let (_, whole, _) = json(dir.path(), &[]);
    assert!(
        whole.contains(&"io-error defs/pipe.yaml:1:1".to_string()),
        "{whole:?}"
    );
    let (code, alone, _) = json(dir.path(), &["defs/pipe.yaml"]);
    assert_eq!(
        (code, alone),
        (1, vec!["io-error defs/pipe.yaml:1:1".to_string()])
    );
}
