//! Property: `--fix` on random suppression comments, some of whose items
//! suppress findings and some nothing, removes exactly the unused items (a
//! comment left with none goes whole, its line too when it is alone on it),
//! leaves every other byte as it was (compared with a brute-force rewrite of
//! the file, line by line), and a second `--fix` changes nothing.

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
