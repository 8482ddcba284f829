//! Properties of `--fix` on random workspaces with planted fixable findings:
//! (a) the findings are gone, (b) every byte outside the fixes' edits is as
//! it was (the files are compared with a brute-force rewrite), (c) a second
//! `--fix` changes nothing. One property plants suppression comments, some of
//! whose items suppress findings and some nothing (a comment left with none
//! goes whole, its line too when it is alone on it); the other plants typos
//! in references, a rotation that ends too soon (flow or block, any quoting)
//! and a runbook missing sections, with LF or CRLF line endings.

mod common;

use std::path::PathBuf;

use proptest::prelude::*;
use steward::check::{self, CheckOptions};
use steward::load::LoadOptions;

/// Rules that fire on the `audience: investors` line of the pipeline below.
const FIRING: [&str; 3] = [
    "escalation-required",
    "runbook-required",
    "on-call-coverage",
];
/// Items that never suppress anything there or elsewhere in the file.
const IDLE: [&str; 5] = [
    "sla-order",
    "distinct-owners",
    "no-such-rule",
    "owner-load(m0)",
    "back-to-back",
];

/// One suppression comment: which items, joined how, with what reason.
#[derive(Debug, Clone)]
struct Comment {
    items: Vec<&'static str>,
    separator: &'static str,
    reason: Option<&'static str>,
}

impl Comment {
    fn text(&self) -> String {
        let mut out = format!("# steward: ignore[{}]", self.items.join(self.separator));
        if let Some(reason) = self.reason {
            out.push(' ');
            out.push_str(reason);
        }
        out
    }

    /// The comment after `--fix`, by brute force: the used items stay, in
    /// order, with the comment's separator; `None` when none does.
    fn fixed(&self, on_audience: bool) -> Option<String> {
        let kept: Vec<&str> = self
            .items
            .iter()
            .copied()
            .filter(|i| on_audience && FIRING.contains(i))
            .collect();
        if kept.is_empty() {
            return None;
        }
        let mut out = format!("# steward: ignore[{}]", kept.join(self.separator));
        if let Some(reason) = self.reason {
            out.push(' ');
            out.push_str(reason);
        }
        Some(out)
    }
}

fn comment(pool: Vec<&'static str>) -> impl Strategy<Value = Comment> {
    let len = pool.len();
    (
        proptest::sample::subsequence(pool, 1..=len.min(4)),
        proptest::sample::select(vec![", ", ",", " , "]),
        proptest::option::of(proptest::sample::select(vec!["why", "see #12", "x: y"])),
    )
        .prop_map(|(items, separator, reason)| Comment {
            items,
            separator,
            reason,
        })
}

/// Per member: an optional comment alone on the line above it, an optional
/// one at the end of its line; then the one on the audience line.
type Case = (
    Vec<(Option<Comment>, Option<Comment>)>,
    Option<Comment>,
    bool,
);

fn case() -> impl Strategy<Value = Case> {
    let idle = || comment(IDLE.to_vec());
    let mixed = comment(FIRING.iter().chain(&IDLE).copied().collect());
    (
        proptest::collection::vec(
            (proptest::option::of(idle()), proptest::option::of(idle())),
            2..6,
        ),
        proptest::option::of(mixed),
        any::<bool>(),
    )
}

/// The file, and the file `--fix` should leave.
fn texts(case: &Case) -> (String, String) {
    let (members, audience, crlf) = case;
    let nl = if *crlf { "\r\n" } else { "\n" };
    let mut before = String::new();
    let mut after = String::new();
    let mut both = |line: &str| {
        before.push_str(line);
        before.push_str(nl);
        after.push_str(line);
        after.push_str(nl);
    };
    for line in [
        "# A team and a pipeline.",
        "apiVersion: steward/v1",
        "kind: Team",
        "id: data",
        "members:",
    ] {
        both(line);
    }
    for (i, (above, end)) in members.iter().enumerate() {
        if let Some(c) = above {
            before.push_str(&format!("  {}{nl}", c.text()));
            if let Some(kept) = c.fixed(false) {
                after.push_str(&format!("  {kept}{nl}"));
            }
        }
        let line = format!("  - {{ id: m{i}, name: M{i} }}");
        before.push_str(&line);
        after.push_str(&line);
        if let Some(c) = end {
            before.push_str(&format!("   {}", c.text()));
            if let Some(kept) = c.fixed(false) {
                after.push_str(&format!("   {kept}"));
            }
        }
        before.push_str(nl);
        after.push_str(nl);
    }
    let mut both = |line: &str| {
        before.push_str(line);
        before.push_str(nl);
        after.push_str(line);
        after.push_str(nl);
    };
    for line in [
        "---",
        "apiVersion: steward/v1",
        "kind: Pipeline",
        "id: p",
        "name: P",
        "area: a",
    ] {
        both(line);
    }
    before.push_str("audience: investors");
    after.push_str("audience: investors");
    if let Some(c) = audience {
        before.push_str(&format!("  {}", c.text()));
        if let Some(kept) = c.fixed(true) {
            after.push_str(&format!("  {kept}"));
        }
    }
    before.push_str(nl);
    after.push_str(nl);
    let last = "owners: { primary: m0, secondary: m1 }";
    before.push_str(last);
    after.push_str(last);
    before.push_str(nl);
    after.push_str(nl);
    (before, after)
}

fn options(dir: PathBuf) -> CheckOptions {
    CheckOptions {
        paths: vec![dir],
        policy: None,
        today: common::today(),
        load: LoadOptions::default(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fix_removes_exactly_the_unused_suppressions(case in case()) {
        let (before, expected) = texts(&case);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("defs.yaml");
        std::fs::write(&path, &before).expect("write");
        let options = options(dir.path().to_path_buf());

        let notes = steward::fix::run::apply(&options, false).expect("fix runs");
        let after = std::fs::read_to_string(&path).expect("read");
        prop_assert_eq!(&after, &expected, "{}", notes);

        // No unused suppression is left, and the suppressed findings stay suppressed.
        let outcome = check::check(&options).expect("check runs");
        let unused: Vec<_> = outcome.findings.iter().filter(|f| f.rule == "unused-ignore").collect();
        prop_assert!(unused.is_empty(), "{:?}", unused);

        // A second run changes nothing.
        let again = steward::fix::run::apply(&options, false).expect("fix runs");
        prop_assert!(again.starts_with("Nothing to fix"), "{}", again);
        prop_assert_eq!(std::fs::read_to_string(&path).expect("read"), after);
    }
}

// ---------------------------------------------------------------------------
// Planted fixable findings of every kind but the suppressions above.

const PEOPLE: [&str; 6] = ["alice", "bruno", "chiara", "dmitri", "emeka", "farah"];

/// A typo of a person's id: the second letter doubled (one letter off it,
/// three or more off everyone else).
fn typo(id: &str) -> String {
    let mut chars: Vec<char> = id.chars().collect();
    chars.insert(1, chars[1]);
    chars.into_iter().collect()
}

#[derive(Debug, Clone)]
struct Planted {
    people: usize,
    /// Which roster entries are misspelt.
    roster_typos: Vec<bool>,
    primary_typo: bool,
    /// Weeks from 2026-05-04 to the rotation's start, its shift length in
    /// weeks, and shifts before its (too early) `until`.
    start_weeks: u64,
    shift_weeks: u64,
    shifts: u64,
    quote: &'static str,
    flow: bool,
    /// Which of the five default sections the runbook has.
    sections: Vec<bool>,
    crlf: bool,
}

fn planted() -> impl Strategy<Value = Planted> {
    (4usize..=6)
        .prop_flat_map(|people| {
            (
                Just(people),
                proptest::collection::vec(any::<bool>(), people),
                any::<bool>(),
                0u64..4,
                1u64..=2,
                1u64..4,
                proptest::sample::select(vec!["", "'", "\""]),
                any::<bool>(),
                proptest::collection::vec(any::<bool>(), 5),
                any::<bool>(),
            )
        })
        .prop_map(
            |(
                people,
                roster_typos,
                primary_typo,
                start_weeks,
                shift_weeks,
                shifts,
                quote,
                flow,
                sections,
                crlf,
            )| Planted {
                people,
                roster_typos,
                primary_typo,
                start_weeks,
                shift_weeks,
                shifts,
                quote,
                flow,
                sections,
                crlf,
            },
        )
}

const SECTIONS: [&str; 5] = ["Overview", "Metrics", "Common issues", "SLA", "Escalation"];

/// The files, and what the rotation and the pipeline must hold after the fixes.
fn planted_files(p: &Planted) -> (Vec<(&'static str, String)>, String, String) {
    let nl = if p.crlf { "\r\n" } else { "\n" };
    let people = &PEOPLE[..p.people];
    let mut team = format!("apiVersion: steward/v1{nl}kind: Team{nl}id: data{nl}members:{nl}");
    for id in people {
        team.push_str(&format!("  - {{ id: {id}, name: {id} }}  # {id}{nl}"));
    }
    let day = |weeks: u64| {
        chrono::NaiveDate::from_ymd_opt(2026, 5, 4).expect("date") + chrono::Days::new(weeks * 7)
    };
    let start = day(p.start_weeks);
    let until = day(p.start_weeks + p.shifts * p.shift_weeks);
    // The first shift start on or after today + 13 weeks.
    let horizon = common::today() + chrono::Days::new(91);
    let length = (p.shift_weeks * 7) as i64;
    let shifts = ((horizon - start).num_days() + length - 1) / length;
    let extended = start + chrono::Days::new((shifts * length) as u64);
    let written: Vec<String> = people
        .iter()
        .zip(&p.roster_typos)
        .map(|(id, t)| if *t { typo(id) } else { id.to_string() })
        .collect();
    let q = p.quote;
    let (rotation, rotation_fixed) = if p.flow {
        let text = |until: chrono::NaiveDate, roster: &[String]| {
            format!(
                "# Flow style.{nl}{{apiVersion: steward/v1, kind: Rotation, id: r, covers: [p], shift_length: {}w, start: {start}, until: {q}{until}{q}, roster: [{}]}}  # end{nl}",
                p.shift_weeks,
                roster.join(", ")
            )
        };
        let right: Vec<String> = people.iter().map(|s| s.to_string()).collect();
        (text(until, &written), text(extended, &right))
    } else {
        let text = |until: chrono::NaiveDate, roster: &[String]| {
            let mut out = format!(
                "apiVersion: steward/v1{nl}kind: Rotation{nl}id: r{nl}covers: [p]{nl}shift_length: {}w{nl}start: {start}{nl}until: {q}{until}{q}   # too soon{nl}roster:{nl}",
                p.shift_weeks
            );
            for id in roster {
                out.push_str(&format!("  - {id}   # on call{nl}"));
            }
            out
        };
        let right: Vec<String> = people.iter().map(|s| s.to_string()).collect();
        (text(until, &written), text(extended, &right))
    };
    let primary = |typo_it: bool| {
        if typo_it {
            typo(PEOPLE[0])
        } else {
            PEOPLE[0].to_string()
        }
    };
    let pipeline = |primary: String| {
        format!(
            "apiVersion: steward/v1{nl}kind: Pipeline{nl}id: p{nl}name: P{nl}area: a{nl}audience: internal{nl}owners:{nl}  primary: {q}{primary}{q}{nl}  secondary: {}{nl}runbook: runbook.md{nl}",
            PEOPLE[1]
        )
    };
    let mut runbook = format!("# Runbook{nl}");
    for (name, has) in SECTIONS.iter().zip(&p.sections) {
        if *has {
            runbook.push_str(&format!("{nl}## {name}{nl}{nl}Our text.{nl}"));
        }
    }
    (
        vec![
            ("team.yaml", team),
            ("rotation.yaml", rotation),
            ("pipeline.yaml", pipeline(primary(p.primary_typo))),
            ("runbook.md", runbook),
        ],
        rotation_fixed,
        pipeline(primary(false)),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn planted_fixable_findings_go_and_nothing_else_changes(p in planted()) {
        let (files, rotation_fixed, pipeline_fixed) = planted_files(&p);
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in &files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("read");
        let options = options(dir.path().to_path_buf());

        let notes = steward::fix::run::apply(&options, true).expect("fix runs");
        // (a) No finding with a fix is left.
        let outcome = check::check(&options).expect("check runs");
        let fixable: Vec<String> = outcome
            .findings
            .iter()
            .filter(|f| f.fix.is_some())
            .map(|f| format!("{} {}", f.rule, f.message))
            .collect();
        prop_assert!(fixable.is_empty(), "{:?}\n{}", fixable, notes);
        // (b) The YAML is exactly the original with the planted mistakes
        // mended; the runbook is the original followed by the missing sections.
        prop_assert_eq!(read("team.yaml"), files[0].1.clone());
        prop_assert_eq!(read("rotation.yaml"), rotation_fixed.clone());
        prop_assert_eq!(read("pipeline.yaml"), pipeline_fixed);
        let runbook = read("runbook.md");
        prop_assert!(runbook.starts_with(&files[3].1), "{}", runbook);
        let missing: Vec<String> = SECTIONS
            .iter()
            .zip(&p.sections)
            .filter(|(_, has)| !**has)
            .map(|(s, _)| s.to_string())
            .collect();
        let before = steward::runbook::headings(&files[3].1);
        let expected: Vec<String> = before.iter().cloned().chain(missing).collect();
        prop_assert_eq!(steward::runbook::headings(&runbook), expected);
        if p.crlf {
            prop_assert!(!runbook.replace("\r\n", "").contains('\n'), "a bare LF in {:?}", runbook);
        }
        // (c) A second run changes nothing.
        let again = steward::fix::run::apply(&options, true).expect("fix runs");
        prop_assert!(again.starts_with("Nothing to fix"), "{}", again);
        prop_assert_eq!(read("rotation.yaml"), rotation_fixed);
        prop_assert_eq!(read("runbook.md"), runbook);
    }
}
