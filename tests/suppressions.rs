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

/// Four people, three of them on leave during one of their primary weeks
/// of a weekly rotation starting 2026-06-01 (b the 2nd, c the 3rd, d the 4th).
const LEAVE_TEAM: &str = "apiVersion: steward/v1
kind: Team
id: data-eng
members:
  - { id: a, name: A }
  - { id: b, name: B, unavailable: [{ from: 2026-06-10, to: 2026-06-12, reason: trip }] }
  - { id: c, name: C, unavailable: [{ from: 2026-06-16, to: 2026-06-17 }] }
  - { id: d, name: D, unavailable: [{ from: 2026-06-23, to: 2026-06-24 }] }
";

fn rotation(roster: &str) -> String {
    format!("apiVersion: steward/v1\nkind: Rotation\nid: r\ncovers: []\nshift_length: 1w\nstart: 2026-06-01\nuntil: 2026-10-05\n{roster}")
}

/// Every finding: `line:column rule`, then the message and help of visible ones.
fn check_messages(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write");
    }
    let outcome = common::check_paths(&[dir.path().to_path_buf()]);
    outcome
        .findings
        .iter()
        .map(|f| match &f.suppressed {
            Some(_) => format!(
                "{}:{} {} (suppressed)\n",
                f.start.line, f.start.column, f.rule
            ),
            None => format!(
                "{}:{} {}: {}\n    help: {}\n",
                f.start.line,
                f.start.column,
                f.rule,
                f.message,
                f.help.as_deref().unwrap_or("-")
            ),
        })
        .collect()
}

#[test]
fn an_unscoped_suppression_hiding_several_people_is_a_broad_ignore() {
    let r = rotation("roster: [a, b, c, d]  # steward: ignore[unavailable-on-call] b's trip\n");
    assert_eq!(
        check_messages(&[("team.yaml", LEAVE_TEAM), ("r.yaml", &r)]),
        "8:13 unavailable-on-call (suppressed)
8:16 unavailable-on-call (suppressed)
8:19 unavailable-on-call (suppressed)
8:23 broad-ignore: suppression of `unavailable-on-call` hides findings about 3 people: b, c and d
    help: scope it to the people it is meant for: `ignore[unavailable-on-call(b)]` for b alone, `ignore[unavailable-on-call(b, c, d)]` for all of them
"
    );
}

#[test]
fn a_suppression_scoped_to_a_subject_hides_only_findings_about_them() {
    let r = rotation("roster: [a, b, c, d]  # steward: ignore[unavailable-on-call(b)] b's trip\n");
    let out = check_messages(&[("team.yaml", LEAVE_TEAM), ("r.yaml", &r)]);
    let summary: Vec<&str> = out.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        summary,
        [
            "8:13 unavailable-on-call (suppressed)",
            "8:16 unavailable-on-call: c is primary of rotation `r` on 2026-06-15 – 2026-06-21 while on leave (2026-06-16 – 2026-06-17)",
            "8:19 unavailable-on-call: d is primary of rotation `r` on 2026-06-22 – 2026-06-28 while on leave (2026-06-23 – 2026-06-24)",
        ]
    );
}

#[test]
fn several_subjects_and_rules_in_one_comment() {
    // Both forms: one entry per subject, or several subjects in one entry.
    for comment in [
        "ignore[unavailable-on-call(b), unavailable-on-call(d)]",
        "ignore[unavailable-on-call(b, d)]",
    ] {
        let r = rotation(&format!("roster: [a, b, c, d]  # steward: {comment}\n"));
        let out = check_messages(&[("team.yaml", LEAVE_TEAM), ("r.yaml", &r)]);
        let summary: Vec<String> = out
            .lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| l.split(':').take(2).collect::<Vec<_>>().join(":"))
            .collect();
        assert_eq!(
            summary,
            [
                "8:13 unavailable-on-call (suppressed)",
                "8:16 unavailable-on-call",
                "8:19 unavailable-on-call (suppressed)",
            ],
            "{comment}"
        );
    }
}

#[test]
fn an_unscoped_suppression_hiding_one_person_is_not_broad() {
    let team = LEAVE_TEAM.replace(", unavailable: [{ from: 2026-06-16, to: 2026-06-17 }]", "");
    let team = team.replace(", unavailable: [{ from: 2026-06-23, to: 2026-06-24 }]", "");
    let r = rotation("roster: [a, b, c, d]  # steward: ignore[unavailable-on-call] b's trip\n");
    assert_eq!(
        check_messages(&[("team.yaml", &team), ("r.yaml", &r)]),
        "8:13 unavailable-on-call (suppressed)\n"
    );
}

#[test]
fn scoped_suppressions_that_match_nothing_are_unused() {
    // `a` has no leave; roster-size findings are about no one person.
    let r = rotation(
        "roster: [a, b, c]  # steward: ignore[unavailable-on-call(a), unavailable-on-call(b), roster-size(a), back-to-back()]\n",
    );
    let team = LEAVE_TEAM.replace(
        "  - { id: d, name: D, unavailable: [{ from: 2026-06-23, to: 2026-06-24 }] }\n",
        "",
    );
    let out = check_messages(&[("team.yaml", &team), ("r.yaml", &r)]);
    let unused: Vec<&str> = out
        .split_inclusive('\n')
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0].contains("unused-ignore"))
        .flat_map(|w| [w[0].trim_end(), w[1].trim_end()])
        .collect();
    assert_eq!(
        unused,
        [
            "8:20 unused-ignore: suppression of `back-to-back()` names nobody",
            "    help: name the person in the parentheses, `back-to-back(member-id)`",
            "8:20 unused-ignore: suppression of `roster-size(a)` is unused: no `roster-size` finding about a on this line",
            "    help: `roster-size` findings are not about one person: write `roster-size` without `(a)`",
            "8:20 unused-ignore: suppression of `unavailable-on-call(a)` is unused: no `unavailable-on-call` finding about a on this line",
            "    help: the `unavailable-on-call` finding on this line is about c: write `unavailable-on-call(c)` if the suppression is meant for c, or remove `unavailable-on-call(a)`",
        ]
    );
    assert!(out.contains("8:9 roster-size: "), "{out}");
    assert!(
        out.contains("8:13 unavailable-on-call (suppressed)\n"),
        "{out}"
    );
    assert!(
        out.contains("8:16 unavailable-on-call: c is primary"),
        "{out}"
    );
}

#[test]
fn a_suppression_on_a_block_sequence_key_line_applies_to_the_sequence() {
    let at_end = rotation(
        "roster:   # steward: ignore[roster-size] a small team for now\n  - a\n  - b\n  - c\n",
    );
    let out = check_messages(&[("r.yaml", &at_end)]);
    let ours: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("roster-size") || l.contains("ignore"))
        .collect();
    assert_eq!(ours, ["9:3 roster-size (suppressed)"]);
    // Alone on the line above the key works too; two lines above does not.
    let above = rotation("# steward: ignore[roster-size]\nroster:\n  - a\n  - b\n  - c\n");
    let out = check_messages(&[("r.yaml", &above)]);
    assert!(out.contains("10:3 roster-size (suppressed)\n"), "{out}");
    let too_far = rotation("# steward: ignore[roster-size]\n\nroster:\n  - a\n  - b\n  - c\n");
    let out = check_messages(&[("r.yaml", &too_far)]);
    assert!(out.contains("11:3 roster-size: "), "{out}");
    assert!(out.contains("8:1 unused-ignore: "), "{out}");
}

#[test]
fn a_key_line_suppression_does_not_reach_into_the_sequence_items() {
    // The key line covers the node under the key, not findings about its entries.
    let r =
        rotation("roster:   # steward: ignore[unavailable-on-call]\n  - a\n  - b\n  - c\n  - d\n");
    let out = check_messages(&[("team.yaml", LEAVE_TEAM), ("r.yaml", &r)]);
    assert!(
        out.contains("10:5 unavailable-on-call: b is primary"),
        "{out}"
    );
    assert!(out.contains("8:11 unused-ignore: "), "{out}");
}
