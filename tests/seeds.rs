//! The bundled examples written from seed plans 002 and 004: their findings
//! are exactly the snapshotted ones, and each README defends every one of
//! them (a paragraph naming the finding's `file:line` and its rule) and
//! states the summary the check prints.

mod common;

use std::path::PathBuf;

use common::{repo, stdout, steward, TODAY};

fn seed(name: &str, exit: i32) -> String {
    let dir = format!("examples/{name}");
    let out = steward(
        &repo(),
        &["check", &dir, "--today", TODAY, "--color", "never"],
    );
    assert_eq!(out.status.code(), Some(exit), "{}", stdout(&out));
    let summary = stdout(&out).lines().last().unwrap_or_default().to_string();

    let outcome = common::check_paths(&[PathBuf::from(&dir)]);
    let readme = std::fs::read_to_string(repo().join(&dir).join("README.md")).expect("README.md");
    assert!(
        readme.contains(&format!("`{summary}`")),
        "{dir}/README.md does not state the summary `{summary}`"
    );
    let paragraphs: Vec<&str> = readme.split("\n\n").collect();
    for f in outcome.findings.iter().filter(|f| f.suppressed.is_none()) {
        let place = format!(
            "`{}:{}`",
            f.path.trim_start_matches(&format!("{dir}/")),
            f.start.line
        );
        let rule = format!("`{}`", f.rule);
        assert!(
            paragraphs
                .iter()
                .any(|p| p.contains(&place) && p.contains(&rule)),
            "{dir}/README.md has no paragraph defending {place} {rule}: {}",
            f.message
        );
    }
    common::lines(&outcome)
}

#[test]
fn seed_002_has_the_findings_its_readme_defends() {
    std::env::set_current_dir(repo()).expect("cd to the repository");
    insta::assert_snapshot!("seed_002", seed("seed-002", 1));
}

#[test]
fn seed_004_has_the_findings_its_readme_defends() {
    std::env::set_current_dir(repo()).expect("cd to the repository");
    insta::assert_snapshot!("seed_004", seed("seed-004", 0));
}
