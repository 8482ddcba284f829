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

        // A rule that compares with a base revision (`--base`) has the
        // files of that revision in `base`: it is silent without a base, and
        // judged with `base` committed to a git repository.
        let base = common::fixture(&format!("{}/base", rule.id));
        let judged = |dir: &std::path::Path| -> Vec<steward::report::ResolvedFinding> {
            let relative = dir.strip_prefix(&root).unwrap().to_path_buf();
            if !base.is_dir() {
                return common::check_paths(&[relative]).findings;
            }
            let alone = common::check_paths(std::slice::from_ref(&relative));
            assert!(
                alone.findings.iter().all(|f| f.rule != rule.id),
                "`{}` fired on {} without a base",
                rule.id,
                relative.display()
            );
            let repo = common::repo_with_base(&base, dir);
            let real = std::fs::canonicalize(repo.path()).unwrap();
            let shown = |path: &str| {
                path.replace(
                    &format!("{}/", real.display()),
                    &format!("{}/", relative.display()),
                )
            };
            common::check_with_base(std::slice::from_ref(&real), "HEAD")
                .findings
                .into_iter()
                .map(|mut f| {
                    f.path = shown(&f.path);
                    for l in &mut f.labels {
                        l.path = shown(&l.path);
                    }
                    f
                })
                .collect()
        };

        let failing = judged(&fail);
        let own: Vec<_> = failing
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

        let passing = judged(&pass);
        let noise: Vec<_> = passing
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

/// Checks `files` in a temporary directory; the visible findings.
fn check_files(files: &[(&str, &str)]) -> Vec<steward::report::ResolvedFinding> {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    common::check_paths(&[dir.path().to_path_buf()])
        .findings
        .into_iter()
        .filter(|f| f.suppressed.is_none())
        .collect()
}

/// The `- { … }` overrides a help line tells the user to add.
fn suggested_overrides(help: &str) -> Vec<&str> {
    help.split('`')
        .skip(1)
        .step_by(2)
        .filter(|code| code.starts_with("- { start:"))
        .collect()
}

#[test]
fn unavailable_on_call_suggests_a_swap_that_keeps_the_load_balanced() {
    // Five weekly shifts for four people: a has two, everyone else one. b
    // is on leave in week 2; handing it to anyone free (d) gives d two and
    // b none: a balanced-load error. A swap keeps every count.
    let team = "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: a, name: A }
  - { id: b, name: B, unavailable: [{ from: 2026-06-10, to: 2026-06-12 }] }
  - { id: c, name: C }
  - { id: d, name: D }
";
    let rotation = "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1w
start: 2026-06-01
until: 2026-07-06
roster: [a, b, c, d]
";
    let findings = check_files(&[("team.yaml", team), ("r.yaml", rotation)]);
    let leave: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "unavailable-on-call")
        .collect();
    assert_eq!(leave.len(), 1, "{findings:#?}");
    let help = leave[0].help.as_deref().unwrap_or_default();
    assert_eq!(
        help,
        "swap shifts with d, primary of 2026-06-22 – 2026-06-28 and free both times, so everyone keeps their number of shifts: add `- { start: 2026-06-08, primary: d, reason: b on leave }` and `- { start: 2026-06-22, primary: b, reason: swap with d }` to `overrides`"
    );
    // Following the help leaves nothing to report.
    let fixed = format!(
        "{rotation}overrides:\n{}",
        suggested_overrides(help)
            .iter()
            .map(|o| format!("  {o}\n"))
            .collect::<String>()
    );
    let after = check_files(&[("team.yaml", team), ("r.yaml", &fixed)]);
    let left: Vec<String> = after
        .iter()
        .filter(|f| f.rule != "schedule-horizon")
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    assert!(left.is_empty(), "{fixed}\n{left:#?}");
}

#[test]
fn unavailable_on_call_help_without_a_swap_and_in_an_explicit_rotation() {
    let team = "apiVersion: steward/v1
kind: Team
id: t
members:
  - { id: a, name: A }
  - { id: b, name: B, unavailable: [{ from: 2026-06-10, to: 2026-06-12 }] }
  - { id: c, name: C }
  - { id: d, name: D }
";
    let help = |rotation: &str| -> String {
        let findings = check_files(&[("team.yaml", team), ("r.yaml", rotation)]);
        findings
            .iter()
            .filter(|f| f.rule == "unavailable-on-call")
            .filter_map(|f| f.help.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Two shifts: b is a's secondary in the first, so they cannot trade.
    let short = "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1w
start: 2026-06-01
until: 2026-06-15
roster: [a, b, c, d]
";
    assert_eq!(
        help(short),
        "nobody can trade shifts with b without a new conflict: add an override `- { start: 2026-06-08, primary: d, reason: b on leave }` (free then: d) and give d a shift back later, or `steward suggest --rotation r` plans the rotation around everyone's leave"
    );
    // The only shift b could trade with ended before today (2026-06-01).
    let past = "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1w
start: 2026-05-04
until: 2026-06-15
roster: [a, b, c, d]
";
    assert_eq!(
        help(past),
        "nobody can trade shifts with b without a new conflict: add an override `- { start: 2026-06-08, primary: d, reason: b on leave }` (free then: d) and give d a shift back later, or `steward suggest --rotation r` plans the rotation around everyone's leave"
    );
    // An explicit rotation is fixed in its shifts, not with overrides.
    let explicit = "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1w
start: 2026-06-01
shifts:
  - { start: 2026-06-01, primary: a, secondary: b }
  - { start: 2026-06-08, primary: b, secondary: c }
  - { start: 2026-06-15, primary: c, secondary: d }
  - { start: 2026-06-22, primary: d, secondary: a }
";
    assert_eq!(
        help(explicit),
        "swap shifts with d, primary of 2026-06-22 – 2026-06-28 and free both times, so everyone keeps their number of shifts: make d the primary of the shift starting 2026-06-08 and b the primary of the one starting 2026-06-22"
    );
}

#[test]
fn schedule_horizon_counts_the_days_it_names() {
    // The last shift's last day, 2026-08-29, is 89 days after today: the
    // schedule covers 90 days counting today, one short of 13 weeks.
    let rotation = "apiVersion: steward/v1
kind: Rotation
id: r
covers: []
shift_length: 1d
start: 2026-06-01
until: 2026-08-30
roster: [a, b, c, d]
";
    let found: Vec<String> = check_files(&[("r.yaml", rotation)])
        .iter()
        .filter(|f| f.rule == "schedule-horizon")
        .map(|f| format!("{} | {}", f.message, f.help.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(
        found,
        ["rotation `r` is scheduled through 2026-08-29, 12 weeks and 6 days counting today (2026-06-01); publish at least 13 weeks ahead (through 2026-08-30) | move `until` to 2026-08-31 or later"]
    );
}
