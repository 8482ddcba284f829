//! File texts are not kept after loading: the files with findings are read
//! again for the report. A file that changed in between is reported as
//! changed, never quoted or located with its new text.

mod common;

use std::fs;
use std::path::Path;

use steward::check::{self, CheckOptions, Outcome};
use steward::load::{self, root, LoadOptions};
use steward::report::{self, Format, RenderOptions};

const TEAM: &str = "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: ann, name: Ann }
  - { id: bob, name: Bob }
";

/// `nobody` is no member: an `unknown-reference` finding on line 8.
const PIPELINE: &str = "apiVersion: steward/v1
kind: Pipeline
id: p
name: P
area: x
audience: internal
owners:
  primary: nobody
  secondary: bob
";

/// The same findings, in a file nobody touches.
const OTHER: &str = "apiVersion: steward/v1
kind: Pipeline
id: q
name: Q
area: x
audience: internal
owners:
  primary: nobody
  secondary: ann
";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [("team.yaml", TEAM), ("p.yaml", PIPELINE), ("q.yaml", OTHER)] {
        fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

/// Loads the workspace, lets `between` change files, then checks and
/// renders it: what a file edited during a run looks like.
fn check_with(dir: &Path, between: impl FnOnce(&Path)) -> (Outcome, String, String) {
    let start = root::start_dir(dir).expect("start");
    let root = root::discover(&start);
    let options = CheckOptions {
        paths: vec![root.dir.clone()],
        policy: None,
        today: common::today(),
        load: LoadOptions::default(),
    };
    let loaded = load::load_workspace(&root, std::slice::from_ref(&root.dir), &options.load);
    between(&root.dir);
    let outcome = check::check_workspace_in(loaded.workspace, &options, &root).expect("check runs");
    let render = |format| {
        let mut out = Vec::new();
        let options = RenderOptions {
            color: false,
            width: 100,
        };
        report::render(format, &outcome.report(), &options, &mut out).expect("render");
        String::from_utf8(out).expect("utf-8")
    };
    let (human, json) = (render(Format::Human), render(Format::Json));
    (outcome, human, json)
}

/// `file:line:column rule message`, paths relative to the workspace.
fn lines(outcome: &Outcome) -> Vec<String> {
    // Reports show paths from the current directory: relative (`../../`)
    // when it shares more than `/` with the temporary workspace, else
    // absolute.
    let cwd = std::env::current_dir().expect("current directory");
    let root = format!("{}/", load::display_path(&outcome.workspace.roots[0], &cwd));
    outcome
        .findings
        .iter()
        .map(|f| {
            let line = format!(
                "{}:{}:{} {} {}",
                f.path, f.start.line, f.start.column, f.rule, f.message
            );
            line.replace(&root, "")
        })
        .collect()
}

#[test]
fn unchanged_files_are_read_again_and_quoted() {
    let dir = workspace();
    let (outcome, human, _) = check_with(dir.path(), |_| {});
    assert_eq!(
        lines(&outcome),
        [
            "p.yaml:8:12 unknown-reference primary owner of pipeline `p` is `nobody`, but no member `nobody` is defined",
            "q.yaml:8:12 unknown-reference primary owner of pipeline `q` is `nobody`, but no member `nobody` is defined",
        ]
    );
    assert!(human.contains("8 │   primary: nobody"), "{human}");
}

#[test]
fn a_file_changed_after_loading_is_reported_not_misquoted() {
    let dir = workspace();
    // Two lines added above: quoting the new text at the old offsets would
    // underline the wrong line.
    let edited = PIPELINE.replace("name: P\n", "name: P\n# moved\n# down\n");
    let (outcome, human, json) = check_with(dir.path(), |root| {
        fs::write(root.join("p.yaml"), &edited).expect("edit");
    });
    assert_eq!(
        lines(&outcome),
        [
            "p.yaml:1:1 io-error `p.yaml` changed while steward was checking it, so its findings cannot be shown",
            "q.yaml:8:12 unknown-reference primary owner of pipeline `q` is `nobody`, but no member `nobody` is defined",
        ]
    );
    assert!(human.contains("run steward again"), "{human}");
    assert!(
        !human.contains("# moved"),
        "the new text is never shown:\n{human}"
    );
    assert!(human.contains("8 │   primary: nobody"), "{human}");
    assert!(json.contains("\"rule\": \"io-error\""), "{json}");
    assert_eq!(outcome.summary.errors, 2);
}

#[test]
fn a_change_of_the_same_size_is_noticed() {
    let dir = workspace();
    let (outcome, _, _) = check_with(dir.path(), |root| {
        let same_size = PIPELINE.replace("primary: nobody", "primary: nobbdy");
        assert_eq!(same_size.len(), PIPELINE.len());
        fs::write(root.join("p.yaml"), same_size).expect("edit");
    });
    assert_eq!(
        lines(&outcome)[0],
        "p.yaml:1:1 io-error `p.yaml` changed while steward was checking it, so its findings cannot be shown"
    );
}

#[test]
fn a_file_removed_after_loading_is_reported() {
    let dir = workspace();
    let (outcome, _, _) = check_with(dir.path(), |root| {
        fs::remove_file(root.join("p.yaml")).expect("remove");
    });
    assert_eq!(
        lines(&outcome)[0],
        "p.yaml:1:1 io-error `p.yaml` could not be read again to show its findings: no such file or directory"
    );
    assert_eq!(lines(&outcome).len(), 2);
}

/// A file with no findings is never read again, so changing it changes
/// nothing.
#[test]
fn a_file_without_findings_is_not_read_again() {
    let dir = workspace();
    let (outcome, _, _) = check_with(dir.path(), |root| {
        fs::write(root.join("team.yaml"), "garbage: [").expect("edit");
    });
    assert_eq!(lines(&outcome).len(), 2);
    assert!(outcome.workspace.files.iter().all(|f| f.lost().is_none()));
}
