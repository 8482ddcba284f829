//! Walks the rule registry: every rule fires on `fixtures/<id>/fail` and stays
//! silent on `fixtures/<id>/pass`; the failing findings are snapshotted with
//! their exact positions.

mod common;

use std::collections::BTreeSet;

use steward::rules::RULES;

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    let root = common::repo();
    std::env::set_current_dir(&root).expect("cd to the repository");
    for rule in RULES {
        let fail = common::fixture(&format!("{}/fail", rule.id));
        let pass = common::fixture(&format!("{}/pass", rule.id));
        assert!(fail.is_dir(), "missing fixture {}", fail.display());
        assert!(pass.is_dir(), "missing fixture {}", pass.display());

        let failing = common::check_paths(&[fail.strip_prefix(&root).unwrap().to_path_buf()]);
        let own: Vec<_> = failing
            .findings
            .iter()
            .filter(|f| f.rule == rule.id && f.suppressed.is_none())
            .collect();
        assert!(
            !own.is_empty(),
            "`{}` did not fire on its failing fixture",
            rule.id
        );
        // Positions, message, labels and help: all of it is what users read.
        let text: String = own
            .iter()
            .map(|f| {
                let mut out = format!(
                    "{}:{}:{}-{}:{}: {} {}\n",
                    f.path,
                    f.start.line,
                    f.start.column,
                    f.end.line,
                    f.end.column,
                    f.severity,
                    f.message
                );
                if let Some(label) = &f.label {
                    out.push_str(&format!("    label: {label}\n"));
                }
                if let Some(subject) = &f.subject {
                    out.push_str(&format!("    subject: {subject}\n"));
                }
                for l in &f.labels {
                    out.push_str(&format!(
                        "    at {}:{}:{}: {}\n",
                        l.path, l.start.line, l.start.column, l.message
                    ));
                }
                if let Some(help) = &f.help {
                    out.push_str(&format!("    help: {help}\n"));
                }
                out
            })
            .collect();
        insta::assert_snapshot!(format!("fail__{}", rule.id), text);

        let passing = common::check_paths(&[pass.strip_prefix(&root).unwrap().to_path_buf()]);
        let noise: Vec<_> = passing
            .findings
            .iter()
            .filter(|f| f.rule == rule.id && f.suppressed.is_none())
            .map(|f| {
                format!(
                    "{}:{}:{} {}",
                    f.path, f.start.line, f.start.column, f.message
                )
            })
            .collect();
        assert!(
            noise.is_empty(),
            "`{}` fired on its passing fixture: {noise:#?}",
            rule.id
        );
    }
}

#[test]
fn every_fixture_directory_belongs_to_a_rule() {
    let registered: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    for entry in std::fs::read_dir(common::repo().join("fixtures")).expect("fixtures/") {
        let entry = entry.expect("entry");
        if !entry.file_type().expect("type").is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "hostile" || name == "workspace" {
            continue;
        }
        assert!(
            registered.contains(name.as_str()),
            "fixtures/{name} matches no rule"
        );
    }
}

#[test]
fn every_rule_is_documented() {
    for rule in RULES {
        for section in ["## What it checks", "## Why", "## Example", "## How to fix"] {
            assert!(
                rule.explanation.contains(section),
                "`{}` lacks `{section}`",
                rule.id
            );
        }
        assert!(
            !rule.summary.is_empty() && !rule.summary.ends_with('.'),
            "{}",
            rule.id
        );
        let kebab = rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        assert!(kebab, "{} is not kebab-case", rule.id);
    }
}

#[test]
fn repeated_overrides_are_reported_against_the_one_they_replace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rotation = "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1w
start: 2026-06-01
until: 2026-07-06
roster: [a, b, c, d]
overrides:
  - { start: 2026-06-08, primary: d, secondary: a }
  - { start: 2026-06-08, secondary: c }
  - { start: 2026-06-08, primary: d, secondary: c }
";
    std::fs::write(dir.path().join("r.yaml"), rotation).expect("write");
    let outcome = common::check_paths(&[dir.path().to_path_buf()]);
    let found: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.rule == "coverage-gap")
        .map(|f| {
            let labels: Vec<String> = f
                .labels
                .iter()
                .map(|l| format!("{}:{} {}", l.start.line, l.start.column, l.message))
                .collect();
            format!(
                "{}:{} {} [{}]",
                f.start.line,
                f.start.column,
                f.message,
                labels.join("; ")
            )
        })
        .collect();
    // The second sets only the secondary: it replaces the first's `a`. The
    // third repeats the second's secondary and the first's primary; it is
    // compared with the closest earlier one sharing a role (the second).
    assert_eq!(
        found,
        [
            "11:5 rotation `r` has two overrides of the shift 2026-06-08 – 2026-06-14 that both set its secondary: this one (c) silently replaces the earlier one (a) [10:5 first override of 2026-06-08]",
            "12:5 rotation `r` has two overrides of the shift 2026-06-08 – 2026-06-14 that both set its secondary: this one repeats the earlier one (c) [11:5 first override of 2026-06-08]",
        ]
    );
}
