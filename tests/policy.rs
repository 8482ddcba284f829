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
