//! `# steward: ignore[...]` comments: where they apply, counting, and unused ones.

mod common;

use std::fs;

fn check(files: &[(&str, &str)]) -> (String, steward::report::Summary) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write");
    }
    let outcome = common::check_paths(&[dir.path().to_path_buf()]);
    let lines = outcome
        .findings
        .iter()
        .map(|f| {
            let state = match &f.suppressed {
                Some(s) => format!(
                    " (suppressed: {})",
                    s.justification.as_deref().unwrap_or("-")
                ),
                None => String::new(),
            };
            format!("{}:{} {}{state}\n", f.start.line, f.start.column, f.rule)
        })
        .collect();
    (lines, outcome.summary)
}

const TEAM: &str = "apiVersion: steward/v1
kind: Team
id: data-eng
members:
  - { id: john, name: John, areas: [growth] }
  - { id: emily, name: Emily, areas: [growth] }
";

fn pipeline(owners: &str) -> String {
    format!("apiVersion: steward/v1\nkind: Pipeline\nid: aggregate-profit\nname: P\narea: profit\naudience: internal\nowners:\n{owners}")
}

#[test]
fn end_of_line_suppression_with_reason() {
    let p = pipeline("  primary: emily\n  secondary: emily  # steward: ignore[distinct-owners] pairing until June\n");
    let (lines, summary) = check(&[("team.yaml", TEAM), ("p.yaml", &p)]);
    assert_eq!(
        lines,
        "8:12 owner-expertise\n9:14 distinct-owners (suppressed: pairing until June)\n9:14 owner-expertise\n"
    );
    assert_eq!(
        (summary.errors, summary.warnings, summary.suppressed),
        (0, 2, 1)
    );
}

#[test]
fn line_above_suppression_with_several_ids_and_no_reason() {
    let p = pipeline("  primary: emily\n  # steward: ignore[distinct-owners, owner-expertise]\n  secondary: emily\n");
    let (lines, summary) = check(&[("team.yaml", TEAM), ("p.yaml", &p)]);
    assert_eq!(
        lines,
        "8:12 owner-expertise\n10:14 distinct-owners (suppressed: -)\n10:14 owner-expertise (suppressed: -)\n"
    );
    assert_eq!(
        (summary.errors, summary.warnings, summary.suppressed),
        (0, 1, 2)
    );
}

#[test]
fn a_comment_two_lines_above_does_not_apply() {
    let p =
        pipeline("  # steward: ignore[distinct-owners]\n  primary: emily\n  secondary: emily\n");
    let (lines, _) = check(&[("team.yaml", TEAM), ("p.yaml", &p)]);
    assert!(lines.contains("10:14 distinct-owners\n"), "{lines}");
    assert!(lines.contains("8:3 unused-ignore\n"), "{lines}");
}

#[test]
fn unused_and_unknown_suppressions_are_reported() {
    let p = pipeline("  primary: emily  # steward: ignore[distinct-owners, owner-expertise, no-such-rule]\n  secondary: john\n");
    let (lines, summary) = check(&[("team.yaml", TEAM), ("p.yaml", &p)]);
    // owner-expertise is used on line 8; the other two are not.
    assert_eq!(
        lines,
        "8:12 owner-expertise (suppressed: -)\n8:19 unused-ignore\n8:19 unused-ignore\n9:14 owner-expertise\n"
    );
    assert_eq!((summary.warnings, summary.suppressed), (3, 1));
}

#[test]
fn suppressions_inside_quoted_strings_are_not_comments() {
    let p =
        pipeline("  primary: emily\n  secondary: \"emily # steward: ignore[distinct-owners]\"\n");
    let (lines, _) = check(&[("team.yaml", TEAM), ("p.yaml", &p)]);
    assert!(!lines.contains("suppressed"), "{lines}");
}

#[test]
fn the_human_summary_counts_suppressed_findings() {
    let out = common::steward(
        &common::repo(),
        &["check", "examples/broken", "--today", common::TODAY],
    );
    let text = common::stdout(&out);
    let summary = text.lines().last().expect("summary line");
    assert!(summary.contains(" (1 suppressed); policy "), "{summary}");
}
