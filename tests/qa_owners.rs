//! Owners, references, policies, suppressions and runbooks as a new user
//! meets them: each test pins a wrong answer found by hand, with the exact
//! message, position and exit code that are right.

mod common;

use serde_json::Value;

const POLICY: &str = "apiVersion: steward/v1\nkind: Policy\nid: qa\n";

/// A workspace of `files` (path, text) in a temporary directory.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    for (path, text) in files {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// `steward check --format json` in `dir`: (exit code, findings).
fn check(dir: &tempfile::TempDir) -> (i32, Vec<Value>) {
    let out = common::steward_today(dir.path(), &["check", "--format", "json"]);
    let json = common::json(&out);
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    (out.status.code().unwrap_or(-1), findings)
}

/// `rule line:column message | help` per finding.
fn brief(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {} | {}",
                f["rule"].as_str().unwrap_or_default(),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap_or_default(),
                f["help"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

const TEAM: &str = "\
apiVersion: steward/v1
kind: Team
id: data
name: Data
members:
  - { id: ann, name: Ann }
  - { id: bob, name: Bob }
";

const SAME_OWNERS: &str = "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: profit
audience: internal
owners: { primary: ann, secondary: ann }
";

#[test]
fn a_policy_called_default_still_starts_from_the_default_policy() {
    // Without `extends`, a Policy starts from the builtin default, whatever
    // its id: one called `default` used to switch every rule off.
    let policy = "apiVersion: steward/v1\nkind: Policy\nid: default\n";
    let dir = workspace(&[
        ("steward.yaml", policy),
        ("team.yaml", TEAM),
        ("p.yaml", SAME_OWNERS),
    ]);
    let (code, findings) = check(&dir);
    let rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    assert_eq!(rules, ["distinct-owners"]);
    assert_eq!(code, 1);

    // The same as `--policy FILE`.
    let other = workspace(&[("team.yaml", TEAM), ("p.yaml", SAME_OWNERS)]);
    std::fs::write(other.path().join("policy.yaml"), policy).expect("write");
    let out = common::steward_today(
        other.path(),
        &["check", "--format", "json", "--policy", "policy.yaml"],
    );
    let json = common::json(&out);
    assert_eq!(json["findings"][0]["rule"], "distinct-owners");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_lead_from_another_team_is_not_called_undefined() {
    let teams = "\
apiVersion: steward/v1
kind: Team
id: data
name: Data
lead: fay
members:
  - { id: ann, name: Ann }
  - { id: bob, name: Bob }
---
apiVersion: steward/v1
kind: Team
id: fin
name: Finance
members:
  - { id: fay, name: Fay }
---
apiVersion: steward/v1
kind: Team
id: empty
name: Empty
lead: zed
members: []
";
    let dir = workspace(&[("steward.yaml", POLICY), ("teams.yaml", teams)]);
    let (code, findings) = check(&dir);
    assert_eq!(
        brief(&findings),
        [
            "unknown-reference 5:7 lead of team `data` is `fay` (a member of team `fin`), \
             who is not in team `data` | a lead is one of the team's people: add `fay` to \
             team `data`'s `also`, or make one of them lead; its people: `ann` and `bob`",
            "unknown-reference 21:7 lead of team `empty` is `zed`, but no member `zed` is \
             defined | team `empty` has no members: add `zed` to its `members`, or name \
             another lead",
        ]
    );
    assert!(findings.iter().all(|f| f.get("fix").is_none()));
    assert_eq!(code, 1);
}

#[test]
fn a_team_owner_knows_the_areas_its_also_people_bring() {
    // bob belongs to `fin` through `also`; his own team's areas are his
    // (§14.7), as the help line of the other finding says ("members with
    // `profit` expertise: ann, bob").
    let teams = "\
apiVersion: steward/v1
kind: Team
id: data
name: Data
areas: [profit]
members:
  - { id: ann, name: Ann }
  - { id: bob, name: Bob }
---
apiVersion: steward/v1
kind: Team
id: fin
name: Finance
also: [bob]
members:
  - { id: fay, name: Fay, areas: [growth] }
---
apiVersion: steward/v1
kind: Team
id: ops
name: Ops
areas: [ops]
also: [ann]
members:
  - { id: hal, name: Hal, areas: [growth] }
";
    let pipeline = "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: engagement
audience: internal
owners: { primary: team:fin, secondary: hal }
---
apiVersion: steward/v1
kind: Pipeline
id: p2
name: P2
area: profit
audience: internal
owners: { primary: team:fin, secondary: team:ops }
";
    let dir = workspace(&[
        ("steward.yaml", POLICY),
        ("teams.yaml", teams),
        ("p.yaml", pipeline),
    ]);
    let (code, findings) = check(&dir);
    assert_eq!(
        brief(&findings),
        [
            "owner-expertise 7:20 team `fin` (bob, fay) is primary owner of `p1` (engagement), \
             but neither the team nor anyone it names lists `engagement` in their areas \
             (bob: profit (team `data`'s); fay: growth) | add `engagement` to team `fin`'s \
             areas if it knows it",
            "owner-expertise 7:41 hal is secondary owner of `p1` (engagement), but hal's areas \
             are growth | nobody lists `engagement` in their areas; add it to hal's areas if \
             they know it",
        ]
    );
    assert_eq!(code, 0);
}

#[test]
fn an_unknown_team_suggests_the_whole_reference_the_fix_writes() {
    let teams = "\
apiVersion: steward/v1
kind: Team
id: data
name: Data
members:
  - { id: ann, name: Ann, roles: [owner] }
---
apiVersion: steward/v1
kind: Team
id: fin
name: Finance
members:
  - { id: fay, name: Fay }
";
    let pipeline = "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: profit
audience: internal
owners:
  primary: team:fn
  secondary: [team:dta/owner, team:zzzz]
";
    let dir = workspace(&[
        ("steward.yaml", POLICY),
        ("teams.yaml", teams),
        ("p.yaml", pipeline),
    ]);
    let (code, findings) = check(&dir);
    assert_eq!(
        brief(&findings),
        [
            "unknown-reference 8:12 primary owner of pipeline `p1` is `team:fn`, but no team \
             `fn` is defined | did you mean `team:fin`?",
            "unknown-reference 9:15 secondary owner of pipeline `p1` is `team:dta/owner`, but \
             no team `dta` is defined | did you mean `team:data/owner`?",
            "unknown-reference 9:31 secondary owner of pipeline `p1` is `team:zzzz`, but no \
             team `zzzz` is defined | known teams: `data`, `fin`",
        ]
    );
    let fixes: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["fix"]["title"].as_str())
        .collect();
    assert_eq!(
        fixes,
        [
            "replace `team:fn` with `team:fin`",
            "replace `team:dta/owner` with `team:data/owner`"
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn explain_unknown_reference_covers_teams_roles_and_raci() {
    let out = common::steward(&common::repo(), &["explain", "unknown-reference"]);
    let text = common::stdout(&out);
    for wanted in [
        "`raci.responsible`",
        "`team:finance/profit-analyst` names",
        "`also`",
    ] {
        assert!(text.contains(wanted), "no {wanted} in:\n{text}");
    }
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_misspelt_rule_in_a_suppression_gets_a_suggestion() {
    let pipeline = "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: profit
audience: internal
owners: { primary: ann, secondary: ann }  # steward: ignore[distinct-owner] pairing
";
    let dir = workspace(&[
        ("steward.yaml", POLICY),
        ("team.yaml", TEAM),
        ("p.yaml", pipeline),
    ]);
    let (code, findings) = check(&dir);
    let unused: Vec<String> = brief(&findings)
        .into_iter()
        .filter(|f| f.starts_with("unused-ignore"))
        .collect();
    assert_eq!(
        unused,
        [
            "unused-ignore 7:43 suppression names unknown rule `distinct-owner` | did you mean \
          `distinct-owners`? run `steward rules` for the rule ids"
        ]
    );
    assert_eq!(code, 1);
    // The fix corrects the likely typo (a guess: unsafe) and keeps the
    // reason; it does not delete the comment.
    let fixes: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "unused-ignore")
        .map(|f| &f["fix"])
        .collect();
    assert_eq!(
        fixes,
        [&serde_json::json!({
            "title": "write `distinct-owners` instead of `distinct-owner`",
            "safety": "unsafe"
        })]
    );
    let out = common::steward_today(dir.path(), &["check", "--fix"]);
    assert!(
        common::stderr(&out).starts_with("Nothing to fix"),
        "{}",
        common::stderr(&out)
    );
    common::steward_today(dir.path(), &["check", "--unsafe-fixes"]);
    let fixed = std::fs::read_to_string(dir.path().join("p.yaml")).expect("read");
    assert_eq!(
        fixed,
        pipeline.replace("ignore[distinct-owner]", "ignore[distinct-owners]")
    );
    let (code, findings) = check(&dir);
    assert_eq!(brief(&findings), Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn an_unknown_rule_with_no_close_id_is_removed_safely() {
    let pipeline = "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: profit
audience: internal
owners: { primary: ann, secondary: bob }  # steward: ignore[zzz-qqq] old
";
    let dir = workspace(&[
        ("steward.yaml", POLICY),
        ("team.yaml", TEAM),
        ("p.yaml", pipeline),
    ]);
    let (_, findings) = check(&dir);
    let fixes: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "unused-ignore")
        .map(|f| &f["fix"])
        .collect();
    assert_eq!(
        fixes,
        [&serde_json::json!({ "title": "remove the suppression comment", "safety": "safe" })]
    );
}

#[test]
fn an_empty_runbook_path_is_the_schema_finding_only() {
    let pipeline = "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: profit
audience: internal
owners: { primary: ann, secondary: bob }
runbook: \"\"
";
    let dir = workspace(&[
        ("steward.yaml", POLICY),
        ("team.yaml", TEAM),
        ("p.yaml", pipeline),
    ]);
    let (code, findings) = check(&dir);
    assert_eq!(
        brief(&findings),
        ["schema 8:10 `runbook` must not be empty | "]
    );
    assert_eq!(code, 1);
}

#[test]
fn a_required_section_without_words_is_a_policy_finding() {
    let policy = "\
apiVersion: steward/v1
kind: Policy
id: qa
rules:
  runbook-sections: { required: [overview, \"---\"] }
";
    let pipeline = "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: profit
audience: internal
owners: { primary: ann, secondary: bob }
runbook: runbook.md
";
    let dir = workspace(&[
        ("steward.yaml", policy),
        ("team.yaml", TEAM),
        ("p.yaml", pipeline),
        ("runbook.md", "# Overview\n"),
    ]);
    let (code, findings) = check(&dir);
    assert_eq!(
        brief(&findings),
        [
            "schema 5:44 required runbook section `---` has no words: no heading can hold it | \
          a section is found by the words of its name in a heading: name it in words, like \
          `common issues`"
        ]
    );
    assert_eq!(code, 1);

    // From `--policy FILE`, a bad parameter stops the run.
    std::fs::remove_file(dir.path().join("steward.yaml")).expect("rm");
    std::fs::write(dir.path().join("policy.yaml"), policy).expect("write");
    let out = common::steward_today(dir.path(), &["check", "--policy", "policy.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("required runbook section `---` has no words"));
}

#[test]
fn a_member_written_as_a_team_is_told_so() {
    let pipeline = "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: profit
audience: internal
owners: { primary: ann, secondary: team:bob }
";
    let dir = workspace(&[
        ("steward.yaml", POLICY),
        ("team.yaml", TEAM),
        ("p.yaml", pipeline),
    ]);
    let (code, findings) = check(&dir);
    assert_eq!(
        brief(&findings),
        [
            "unknown-reference 7:36 secondary owner of pipeline `p1` is `team:bob`, but no team \
          `bob` is defined | `bob` is a member: write `bob` without `team:`"
        ]
    );
    assert!(findings[0].get("fix").is_none());
    assert_eq!(code, 1);
}

#[test]
fn an_unused_ignore_entry_keeps_a_suppression_that_matches_nothing_today() {
    // `distinct-owners` finds nothing on this line today (it flaps when the
    // owners change); `unused-ignore` in the same comment keeps it quiet.
    let pipeline = |ignore: &str| {
        format!(
            "\
apiVersion: steward/v1
kind: Pipeline
id: p1
name: P1
area: profit
audience: internal
owners: {{ primary: ann, secondary: bob }}  # steward: ignore[{ignore}] flaps
"
        )
    };
    let kept = pipeline("distinct-owners, unused-ignore");
    let dir = workspace(&[
        ("steward.yaml", POLICY),
        ("team.yaml", TEAM),
        ("p.yaml", &kept),
    ]);
    let out = common::steward_today(dir.path(), &["check", "--format", "json"]);
    let json = common::json(&out);
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["summary"]["suppressed"], 1, "{}", json["summary"]);
    assert_eq!(out.status.code(), Some(0));
    let out = common::steward_today(dir.path(), &["check", "--fix"]);
    assert!(
        common::stderr(&out).starts_with("Nothing to fix"),
        "{}",
        common::stderr(&out)
    );
    let text = std::fs::read_to_string(dir.path().join("p.yaml")).expect("read");
    assert_eq!(text, kept);

    // Alone, `ignore[unused-ignore]` suppresses nothing, and says so.
    let alone = pipeline("unused-ignore");
    std::fs::write(dir.path().join("p.yaml"), &alone).expect("write");
    let (code, findings) = check(&dir);
    assert_eq!(
        brief(&findings),
        [
            "unused-ignore 7:43 suppression of `unused-ignore` is unused: no `unused-ignore` \
          finding on this line | remove `unused-ignore` from this comment"
        ]
    );
    assert_eq!(code, 0);
}
