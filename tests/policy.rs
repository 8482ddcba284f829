//! Policies: overrides, parameters, strict, `--policy`, and custom rules.

mod common;

use std::fs;
use std::path::Path;

use common::{stderr, stdout, steward, TODAY};

/// A temp copy of a fixture workspace plus extra files.
fn workspace(fixture: &str, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&common::fixture(fixture), dir.path());
    for (name, text) in extra {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    dir
}

/// Copies a fixture without its `steward.yaml`: each test writes the policy
/// it is about.
fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        if entry.file_name() == "steward.yaml" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn policy(rules: &str) -> String {
    format!("apiVersion: steward/v1\nkind: Policy\nid: acme\n{rules}")
}

/// `rule severity line:col message` for every visible finding.
fn run(dir: &Path, extra_args: &[&str]) -> (i32, String) {
    let mut args = vec!["check", ".", "--today", TODAY, "--format", "json"];
    args.extend_from_slice(extra_args);
    let out = steward(dir, &args);
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    let lines = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}:{} {}\n",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    (out.status.code().expect("exit code"), lines)
}

#[test]
fn a_rule_can_be_switched_off() {
    let dir = workspace(
        "distinct-owners/fail",
        &[("policy.yaml", &policy("rules:\n  distinct-owners: off\n"))],
    );
    let (code, lines) = run(dir.path(), &[]);
    assert_eq!((code, lines.as_str()), (0, ""));
}

#[test]
fn severity_can_be_lowered_and_raised() {
    let dir = workspace(
        "distinct-owners/fail",
        &[(
            "policy.yaml",
            &policy("rules:\n  distinct-owners: { severity: warning }\n"),
        )],
    );
    let (code, lines) = run(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(lines, "distinct-owners warning pipelines.yaml:9:14 emily is both primary and secondary owner of pipeline `aggregate-profit`\n");
    let (code, _) = run(dir.path(), &["--strict"]);
    assert_eq!(code, 1, "--strict fails on warnings");

    let dir = workspace(
        "owner-expertise/fail",
        &[("policy.yaml", &policy("rules:\n  owner-expertise: error\n"))],
    );
    let (code, lines) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(lines.starts_with("owner-expertise error "), "{lines}");
}

#[test]
fn parameters_change_what_a_rule_accepts() {
    let lenient = workspace(
        "owner-load/fail",
        &[(
            "policy.yaml",
            &policy("rules:\n  owner-load: { max_primary: 4 }\n"),
        )],
    );
    assert_eq!(run(lenient.path(), &[]).1, "");
    let strict = workspace(
        "owner-load/pass",
        &[(
            "policy.yaml",
            &policy("rules:\n  owner-load: { max_primary: 1 }\n"),
        )],
    );
    let lines = run(strict.path(), &[]).1;
    assert!(lines.contains("owner-load warning pipelines.yaml:41:12 john is primary owner of 2 pipelines, more than the limit of 1: pipeline-c, pipeline-d"), "{lines}");

    let sections = workspace(
        "runbook-sections/pass",
        &[(
            "policy.yaml",
            &policy("rules:\n  runbook-sections: { required: [overview, dashboards] }\n"),
        )],
    );
    let lines = run(sections.path(), &[]).1;
    assert!(lines.contains("lacks the section `dashboards`"), "{lines}");
}

#[test]
fn extends_strict_turns_warnings_into_errors() {
    let dir = workspace(
        "owner-expertise/fail",
        &[("policy.yaml", &policy("extends: strict\n"))],
    );
    let (code, lines) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(lines.lines().all(|l| l.contains(" error ")), "{lines}");
    // A rule set in the policy wins over its base.
    let dir = workspace(
        "owner-expertise/fail",
        &[(
            "policy.yaml",
            &policy("extends: strict\nrules:\n  owner-expertise: warning\n"),
        )],
    );
    assert_eq!(run(dir.path(), &[]).0, 0);
}

#[test]
fn unknown_rules_and_bad_parameters_in_a_workspace_policy_are_findings() {
    let text = policy(
        "rules:\n  distinct-owner: off\n  owner-load: { max_primary: none, max_spread: 1 }\n",
    );
    let dir = workspace("distinct-owners/pass", &[("policy.yaml", &text)]);
    let (code, lines) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("workspace_policy_errors", lines);
}

#[test]
fn an_invalid_policy_file_exits_2_and_shows_where() {
    let dir = workspace("distinct-owners/pass", &[]);
    let file = dir.path().join("strict-policy.yml.txt");
    fs::write(
        &file,
        policy("extends: stricter\nrules:\n  distinct-owner: off\n"),
    )
    .expect("write");
    let out = steward(
        dir.path(),
        &["check", ".", "--policy", "strict-policy.yml.txt"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("the policy file is invalid"), "{err}");
    assert!(err.contains("strict-policy.yml.txt:4:1"), "{err}");
    assert!(err.contains("did you mean `distinct-owners`?"), "{err}");
    assert!(
        err.contains("`extends`: `stricter` is not an allowed value"),
        "{err}"
    );

    let out = steward(dir.path(), &["check", ".", "--policy", "missing.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read policy `missing.yaml`"));
}

#[test]
fn a_valid_policy_file_is_applied() {
    let dir = workspace("distinct-owners/fail", &[]);
    let file = dir.path().join("ci-policy.txt");
    fs::write(&file, policy("rules:\n  distinct-owners: off\n")).expect("write");
    let out = steward(
        dir.path(),
        &["check", ".", "--policy", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_second_policy_in_the_workspace_is_reported() {
    let dir = workspace(
        "distinct-owners/fail",
        &[
            ("a-policy.yaml", &policy("rules:\n  distinct-owners: off\n")),
            (
                "b-policy.yaml",
                &policy("rules:\n  distinct-owners: error\n").replace("id: acme", "id: other"),
            ),
        ],
    );
    let (code, lines) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(lines, "schema error b-policy.yaml:2:7 a workspace has at most one Policy document; this one is ignored\n");
}

const CUSTOM: &str = "custom:
  - id: investor-sla
    severity: error
    message: Pipelines that report to investors must declare an SLA
    select: { kind: Pipeline, where: { audience: investors } }
    assert: { required: [sla] }
  - id: profit-id-prefix
    severity: warning
    message: Profit pipeline ids start with their area
    help: rename the pipeline to `profit-…`
    select: { kind: Pipeline, where: { area: profit } }
    assert:
      properties:
        id: { pattern: '^profit-' }
";

#[test]
fn custom_rules_report_at_the_failing_node_with_their_own_id() {
    let dir = workspace("runbook-required/pass", &[("policy.yaml", &policy(CUSTOM))]);
    let (code, lines) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("custom_rules", lines);
    // Listed in `tool.driver.rules`-style catalogs with their severity.
    let out = steward(dir.path(), &["check", ".", "--today", TODAY]);
    assert!(
        stdout(&out).contains("error[investor-sla]"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("no `sla` here"), "{}", stdout(&out));
}

#[test]
fn a_custom_rule_with_an_invalid_schema_is_a_clear_error() {
    let broken =
        "custom:\n  - id: broken\n    select: { kind: Pipeline }\n    assert: { type: nonsense }\n";
    let dir = workspace("runbook-required/pass", &[("policy.yaml", &policy(broken))]);
    let (code, lines) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        lines.contains(
            "schema error policy.yaml:7:13 custom rule `broken` has an invalid JSON Schema"
        ),
        "{lines}"
    );

    let file = dir.path().join("policy.yaml");
    let out = steward(
        dir.path(),
        &[
            "check",
            "pipelines.yaml",
            "--policy",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid JSON Schema"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn custom_rule_ids_cannot_shadow_builtin_rules() {
    let text = "custom:\n  - id: distinct-owners\n    select: { kind: Team }\n    assert: true\n";
    let dir = workspace("distinct-owners/pass", &[("policy.yaml", &policy(text))]);
    let lines = run(dir.path(), &[]).1;
    assert!(
        lines.contains("custom rule id `distinct-owners` is a builtin rule"),
        "{lines}"
    );
}

/// `rule severity line:col message | help` for every visible finding of `rule`.
fn findings_with_help(dir: &Path, rule: &str, extra_args: &[&str]) -> String {
    let mut args = vec!["check", ".", "--today", TODAY, "--format", "json"];
    args.extend_from_slice(extra_args);
    let out = steward(dir, &args);
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            format!(
                "{} {}:{}:{} {} | {}\n",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap(),
                f["help"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// A custom rule named `probe` selecting `select`, whose assertion fails on
/// every document it selects (at the document).
fn probe(select: &str) -> String {
    policy(&format!(
        "custom:\n  - id: probe\n    message: selected\n    select: {select}\n    assert: {{ required: [x-never] }}\n"
    ))
}

#[test]
fn where_matches_any_element_of_a_list_field() {
    // `covers: [aggregate-profit]` is a list: the rotation is selected.
    let cases = [
        (
            "{ kind: Rotation, where: { covers: aggregate-profit } }",
            true,
        ),
        ("{ kind: Rotation, where: { roster: priya } }", true),
        // A list in `where` means any of its values.
        (
            "{ kind: Rotation, where: { covers: [unit-profit, aggregate-profit] } }",
            true,
        ),
        (
            "{ kind: Rotation, where: { covers: [unit-profit] } }",
            false,
        ),
        ("{ kind: Rotation, where: { covers: unit-profit } }", false),
        // A path through a list of mappings reaches every element.
        ("{ kind: Team, where: { members.id: priya } }", true),
        ("{ kind: Team, where: { members.areas: engagement } }", true),
        ("{ kind: Team, where: { members.areas: marketing } }", false),
        // Nested mappings and scalars, as before.
        (
            "{ kind: Pipeline, where: { owners.primary: john, audience: experiments } }",
            true,
        ),
        (
            "{ kind: Pipeline, where: { owners.primary: john, audience: investors } }",
            false,
        ),
        // A mapping in `where` is its dotted paths.
        (
            "{ kind: Pipeline, where: { owners: { primary: john }, audience: experiments } }",
            true,
        ),
        (
            "{ kind: Pipeline, where: { owners: { primary: john }, audience: investors } }",
            false,
        ),
        // `null` selects documents without the field.
        (
            "{ kind: Pipeline, where: { runbook: null, audience: investors } }",
            true,
        ),
    ];
    for (select, selected) in cases {
        let dir = workspace("on-call-coverage/pass", &[("steward.yaml", &probe(select))]);
        let found = findings_with_help(dir.path(), "probe", &[]);
        assert_eq!(!found.is_empty(), selected, "{select}: {found}");
    }
}

#[test]
fn a_where_path_no_document_of_the_kind_can_have_is_reported_at_the_key() {
    let dir = workspace(
        "on-call-coverage/pass",
        &[(
            "steward.yaml",
            &policy(
                "custom:
  - id: investor-sla
    select: { kind: Pipeline, where: { audiance: investors } }
    assert: { required: [sla] }
  - id: owned
    select:
      kind: Pipeline
      where:
        owners.primry: john
        x-tier: gold
        area.name: profit
    assert: true
  - id: listed
    select: { kind: Team, where: { members.idd: john } }
    assert: true
  - id: nested
    select: { kind: Pipeline, where: { owners: { primry: john } } }
    assert: true
  - id: outer
    select: { kind: Pipeline, where: { ownres: { primary: john } } }
    assert: true
",
            ),
        )],
    );
    assert_eq!(
        findings_with_help(dir.path(), "schema", &[]),
        "schema steward.yaml:6:40 custom rule `investor-sla` selects on `audiance`, which no Pipeline has | did you mean `audience`? Pipeline fields: `area`, `audience`, `escalation`, `id`, `name`, `on_call`, `owners`, `raci`, `runbook`, `sla` (dotted paths reach inside fields)\n\
         schema steward.yaml:12:9 custom rule `owned` selects on `owners.primry`, which no Pipeline has | did you mean `owners.primary`? `owners` has `primary`, `secondary`\n\
         schema steward.yaml:14:9 custom rule `owned` selects on `area.name`, which no Pipeline has | `area` is a single value with nothing inside it: select on `area` itself\n\
         schema steward.yaml:17:36 custom rule `listed` selects on `members.idd`, which no Team has | did you mean `members.id`? `members` has `areas`, `email`, `id`, `name`, `roles`, `unavailable`\n\
         schema steward.yaml:20:50 custom rule `nested` selects on `owners.primry`, which no Pipeline has | did you mean `owners.primary`? `owners` has `primary`, `secondary`\n\
         schema steward.yaml:23:40 custom rule `outer` selects on `ownres.primary`, which no Pipeline has | did you mean `owners`? Pipeline fields: `area`, `audience`, `escalation`, `id`, `name`, `on_call`, `owners`, `raci`, `runbook`, `sla` (dotted paths reach inside fields)\n"
    );
    // The misspelt rules select nothing; the check fails on the policy.
    let (code, _) = run(dir.path(), &[]);
    assert_eq!(code, 1);

    // `--policy FILE` with the same mistake is invalid: exit 2.
    let file = dir.path().join("steward.yaml");
    let ci = dir.path().join("ci-policy.txt");
    fs::rename(&file, &ci).expect("move");
    let out = steward(
        dir.path(),
        &["check", ".", "--today", TODAY, "--policy", "ci-policy.txt"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error[schema]"), "{err}");
    assert!(err.contains("ci-policy.txt:6:40"), "{err}");
    assert!(err.contains("did you mean `audience`?"), "{err}");
}

#[test]
fn a_where_value_no_document_of_the_kind_can_have_is_reported() {
    let dir = workspace(
        "on-call-coverage/pass",
        &[(
            "steward.yaml",
            &policy(
                "custom:
  - id: investor-sla
    select: { kind: Pipeline, where: { audience: investor } }
    assert: { required: [sla] }
  - id: either
    select: { kind: Pipeline, where: { audience: [internal, experiment] } }
    assert: true
",
            ),
        )],
    );
    assert_eq!(
        findings_with_help(dir.path(), "schema", &[]),
        "schema steward.yaml:6:50 custom rule `investor-sla` selects `audience: investor`, which no Pipeline has | did you mean `investors`? `audience` is one of: investors, experiments, internal\n\
         schema steward.yaml:9:61 custom rule `either` selects `audience: experiment`, which no Pipeline has | did you mean `experiments`? `audience` is one of: investors, experiments, internal\n"
    );
}

#[test]
fn an_invalid_policy_file_reports_rule_ids_that_steward_rules_lists() {
    let dir = workspace("distinct-owners/pass", &[]);
    fs::write(
        dir.path().join("ci.txt"),
        policy("rules:\n  distinct-owner: off\n"),
    )
    .expect("write");
    fs::write(dir.path().join("broken.txt"), policy("rules: [\n")).expect("write");
    let out = steward(dir.path(), &["check", ".", "--policy", "ci.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error[schema]"), "{err}");
    assert!(!err.contains("[policy]"), "{err}");
    let out = steward(dir.path(), &["check", ".", "--policy", "broken.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error[yaml-syntax]"), "{err}");
    assert!(!err.contains("[policy]"), "{err}");
}

#[test]
fn a_custom_rule_can_be_switched_off() {
    let off = CUSTOM.replacen("severity: error", "severity: off", 1);
    let dir = workspace("runbook-required/pass", &[("policy.yaml", &policy(&off))]);
    let (_, on) = run(
        workspace("runbook-required/pass", &[("policy.yaml", &policy(CUSTOM))]).path(),
        &[],
    );
    assert!(on.contains("investor-sla error"), "{on}");
    let (_, lines) = run(dir.path(), &[]);
    assert!(!lines.contains("investor-sla"), "{lines}");
    assert!(lines.contains("profit-id-prefix warning"), "{lines}");
    // Still a known rule: a suppression of it is unused because it is off.
    let file = dir.path().join("pipelines.yaml");
    let text = std::fs::read_to_string(&file).expect("read");
    let text = text.replacen(
        "audience: investors\n",
        "audience: investors  # steward: ignore[investor-sla] pending\n",
        1,
    );
    std::fs::write(&file, text).expect("write");
    let (_, lines) = run(dir.path(), &[]);
    assert!(
        lines.contains(
            "unused-ignore warning pipelines.yaml:6:22 suppression of `investor-sla` is unused: the rule is off in the active policy"
        ),
        "{lines}"
    );
}
