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
        "runbook-file runbook `runbooks/p.md` of pipeline `p` is outside the checked directory (no repository found): a symlink leads out of it\n"
    );
}

#[test]
fn a_symlinked_directory_outside_the_root_is_reported() {
    let (outer, root) = workspace("docs/p.md");
    fs::create_dir_all(outer.path().join("elsewhere")).expect("mkdir");
    fs::write(outer.path().join("elsewhere/p.md"), "# Overview\n").expect("write");
    symlink(outer.path().join("elsewhere"), root.join("docs")).expect("symlink");
    assert!(runbook_findings(&root).contains("a symlink leads out of it"));
}

/// Runbook findings of `check . ARGS --format json` as `rule message`, and
/// whether each offers a fix.
fn runbook_findings_and_fixes(dir: &Path, args: &[&str]) -> Vec<(String, bool)> {
    let mut all = vec!["check", ".", "--today", common::TODAY, "--format", "json"];
    all.extend_from_slice(args);
    let out = common::steward(dir, &all);
    common::json(&out)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("runbook")))
        .map(|f| {
            (
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap_or_default(),
                    f["message"].as_str().unwrap_or_default()
                ),
                !f["fix"].is_null(),
            )
        })
        .collect()
}

#[test]
fn a_missing_runbook_behind_a_link_that_leads_out_is_outside_on_disk_and_at_a_revision() {
    let (outer, root) = workspace("docs/a.md");
    common::init_repo(&root);
    fs::create_dir_all(outer.path().join("elsewhere")).expect("mkdir");
    // A symlinked directory leading out (to a directory, and to nothing),
    // and a dangling link leading out: a runbook created at any of these
    // paths would be outside the root.
    symlink("../elsewhere", root.join("docs")).expect("symlink");
    symlink("../nowhere", root.join("gone")).expect("symlink");
    symlink("../../elsewhere/c.md", root.join("runbooks/c.md")).expect("symlink");
    // Inside the root, a missing runbook is just missing (and can be created).
    let text = ["docs/a.md", "gone/b.md", "runbooks/c.md", "runbooks/d.md"]
        .iter()
        .zip(["a", "b", "c", "d"])
        .map(|(path, id)| pipeline(path).replace("id: p\n", &format!("id: {id}\n")))
        .collect::<Vec<_>>()
        .join("---\n");
    fs::write(root.join("pipeline.yaml"), text).expect("write");
    let outside = |path: &str, id: &str| {
        (
            format!("runbook-file runbook `{path}` of pipeline `{id}` is outside the repository: a symlink leads out of it"),
            false,
        )
    };
    assert_eq!(
        runbook_findings_and_fixes(&root, &[]),
        [
            outside("docs/a.md", "a"),
            outside("gone/b.md", "b"),
            outside("runbooks/c.md", "c"),
            (
                "runbook-file runbook `runbooks/d.md` of pipeline `d` does not exist (looked for `runbooks/d.md`)".to_string(),
                true
            ),
        ]
    );
    // The same findings at a revision holding the same links: none is new.
    common::commit_all(&root, "links");
    assert_eq!(
        runbook_findings_and_fixes(&root, &["--base", "HEAD", "--only-new"]),
        []
    );
    assert_eq!(
        fs::read_dir(outer.path().join("elsewhere"))
            .expect("read_dir")
            .count(),
        0
    );
}

#[test]
fn dot_dot_and_absolute_paths_are_reported_without_touching_the_filesystem() {
    let (outer, root) = workspace("../secret.md");
    fs::write(outer.path().join("secret.md"), "# Overview\n").expect("write");
    assert_eq!(
        runbook_findings(&root),
        "runbook-file runbook `../secret.md` of pipeline `p` is outside the checked directory (no repository found): `..` climbs out of it\n"
    );
    let absolute = outer.path().join("secret.md");
    fs::write(
        root.join("pipeline.yaml"),
        pipeline(absolute.to_str().unwrap()),
    )
    .expect("write");
    assert!(runbook_findings(&root).contains("is an absolute path"));
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

/// `rule message | help` for every runbook finding.
fn runbook_findings_with_help(dir: &Path) -> String {
    let out = common::steward(
        dir,
        &["check", ".", "--today", common::TODAY, "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("runbook")))
        .map(|f| {
            format!(
                "{} {} | {}\n",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
                f["help"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// The runbook findings for a runbook with `markdown` as its text.
fn sections_findings(markdown: &str) -> String {
    let (_outer, root) = workspace("runbooks/p.md");
    fs::write(root.join("runbooks/p.md"), markdown).expect("write");
    runbook_findings_with_help(&root)
}

const OTHER_SECTIONS: &str = "# Overview\n## Metrics\n## Common issues\n## Escalation\n";

#[test]
fn section_names_match_whole_words_of_a_heading() {
    let lacks_sla = "runbook-sections runbook `runbooks/p.md` of pipeline `p` lacks the section `sla` | add the heading `## SLA` to `runbooks/p.md`\n";
    // "Slack" starts with "sla" but is another word.
    assert_eq!(
        sections_findings(&format!("{OTHER_SECTIONS}## Slack channel\n")),
        lacks_sla
    );
    assert_eq!(
        sections_findings(&format!("{OTHER_SECTIONS}## Atlas of dashboards\n")),
        lacks_sla
    );
    // The last two as the seed plans spell them.
    for heading in [
        "## SLAs",
        "## SLA & alerts",
        "### sla",
        "## Our SLA:",
        "Service (SLA)\n---",
        "## SLA’s",
        "## SLA's:",
    ] {
        assert_eq!(
            sections_findings(&format!("{OTHER_SECTIONS}{heading}\n")),
            "",
            "{heading}"
        );
    }
    // Multi-word names match as a word sequence; a name inside a word does not.
    let all = "# Pipeline Overview\n## Metrics we watch\n## Common Issues and failures\n## SLA\n## Escalation path\n";
    assert_eq!(sections_findings(all), "");
    assert_eq!(
        sections_findings("# Overviews\n## Metrics\n## Issues that are common\n## SLA\n## Escalations\n"),
        "runbook-sections runbook `runbooks/p.md` of pipeline `p` lacks the section `common issues` | add the heading `## Common issues` to `runbooks/p.md`\n"
    );
    assert_eq!(
        sections_findings("# Overview\n## Metrics\n"),
        "runbook-sections runbook `runbooks/p.md` of pipeline `p` lacks the sections `common issues`, `sla`, `escalation` | add the headings `## Common issues`, `## SLA`, `## Escalation` to `runbooks/p.md`\n"
    );
}

#[test]
fn front_matter_comments_and_code_blocks_hold_no_headings() {
    let lacks_sla = "runbook-sections runbook `runbooks/p.md` of pipeline `p` lacks the section `sla` | add the heading `## SLA` to `runbooks/p.md`\n";
    let hidden = [
        // YAML front matter: its closing `---` would make `sla: 4h` a setext heading.
        format!("---\ntitle: P\nsla: 4h\n---\n{OTHER_SECTIONS}"),
        format!("+++\nsla = \"4h\"\n+++\n{OTHER_SECTIONS}"),
        format!("{OTHER_SECTIONS}<!-- ## SLA -->\n"),
        format!("{OTHER_SECTIONS}<!--\n## SLA\n-->\n"),
        format!("{OTHER_SECTIONS}## <!-- SLA --> Notes\n"),
        format!("{OTHER_SECTIONS}```\n## SLA\n```\n"),
        format!("{OTHER_SECTIONS}~~~markdown\n## SLA\n~~~\n"),
        format!("{OTHER_SECTIONS}\n    ## SLA\n"),
    ];
    for markdown in hidden {
        assert_eq!(sections_findings(&markdown), lacks_sla, "{markdown}");
    }
}

#[test]
fn outside_the_root_names_what_the_root_is() {
    // No `.git` above: the checked directory is the boundary.
    let (outer, root) = workspace("../secret.md");
    fs::write(outer.path().join("secret.md"), "# Overview\n").expect("write");
    assert_eq!(
        runbook_findings_with_help(&root),
        "runbook-file runbook `../secret.md` of pipeline `p` is outside the checked directory (no repository found): `..` climbs out of it | keep the runbook inside `.` (the checked directory: without a `.git` above it, steward reads nothing outside it) and give its path relative to this YAML file\n"
    );
    // In a repository, the repository is.
    fs::create_dir_all(root.join(".git")).expect("mkdir .git");
    assert_eq!(
        runbook_findings_with_help(&root),
        "runbook-file runbook `../secret.md` of pipeline `p` is outside the repository: `..` climbs out of it | keep the runbook inside `.` (the repository root) and give its path relative to this YAML file\n"
    );
}

#[test]
fn a_url_is_not_a_runbook_path() {
    let (_outer, root) = workspace("https://wiki.example.com/p");
    assert_eq!(
        runbook_findings_with_help(&root),
        "runbook-file runbook `https://wiki.example.com/p` of pipeline `p` is a URL: a runbook is a Markdown file inside the checked directory (no repository found) | commit the runbook as Markdown (`runbooks/p.md`, relative to this YAML file) and link the page from it\n"
    );
}

#[test]
fn an_absolute_path_is_reported_as_such() {
    let (_outer, root) = workspace("/srv/runbooks/p.md");
    assert_eq!(
        runbook_findings_with_help(&root),
        "runbook-file runbook `/srv/runbooks/p.md` of pipeline `p` is an absolute path | give the path relative to this YAML file, inside `.` (the checked directory: without a `.git` above it, steward reads nothing outside it)\n"
    );
}

#[test]
fn a_path_written_from_the_root_gets_the_path_from_the_yaml_file() {
    let (_outer, root) = workspace("runbooks/p.md");
    fs::create_dir_all(root.join("defs")).expect("mkdir");
    fs::rename(root.join("pipeline.yaml"), root.join("defs/pipeline.yaml")).expect("move");
    fs::write(root.join("runbooks/p.md"), OTHER_SECTIONS).expect("write");
    assert_eq!(
        runbook_findings_with_help(&root),
        "runbook-file runbook `runbooks/p.md` of pipeline `p` does not exist (looked for `defs/runbooks/p.md`) | runbook paths are relative to the YAML file that names them: did you mean `../runbooks/p.md`?\n"
    );
}

#[test]
fn a_section_required_twice_is_named_once() {
    let (_outer, root) = workspace("runbooks/p.md");
    fs::write(root.join("runbooks/p.md"), "# Overview\n").expect("write");
    fs::write(
        root.join("steward.yaml"),
        "apiVersion: steward/v1\nkind: Policy\nid: p\nrules:\n  runbook-sections: { required: [SLA, overview, sla, metrics] }\n",
    )
    .expect("write");
    assert_eq!(
        runbook_findings_with_help(&root),
        "runbook-sections runbook `runbooks/p.md` of pipeline `p` lacks the sections `SLA`, `metrics` | add the headings `## SLA`, `## Metrics` to `runbooks/p.md`\n"
    );
}
