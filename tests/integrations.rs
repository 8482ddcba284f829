//! The CI output formats, through the real binary: SARIF (validated against
//! the official OASIS schema), GitHub workflow commands (escaping), JUnit XML
//! (parsed back), the Markdown summary, `counts`, `--also-write`, shell
//! completions, the man page and `--help`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde::Deserialize;
use serde_json::Value;

const BROKEN: &str = "examples/broken";
const ACME: &str = "examples/acme";

fn run(cwd: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--today", common::TODAY]);
    common::steward(cwd, &all)
}

fn check(cwd: &Path, path: &str, format: &str) -> Output {
    run(cwd, &["check", path, "--format", format])
}

use common::json;

/// The official SARIF 2.1.0 schema, beside the repository in `../shared/data`.
fn sarif_schema() -> Value {
    let path = common::repo().join("../shared/data/sarif-schema-2.1.0.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the official SARIF schema is expected at {} (the repository's `../shared/data`): {e}",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("the SARIF schema is JSON")
}

fn sarif_validator() -> jsonschema::Validator {
    let schema = sarif_schema();
    // Draft-04, with format checks; the schema's references are all local, so
    // compiling it needs no network (the crate has no HTTP resolver here).
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the SARIF schema does not compile: {e}"))
}

fn assert_valid_sarif(log: &Value) {
    let errors: Vec<String> = sarif_validator()
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output violates the schema:\n{}",
        errors.join("\n")
    );
}

/// A workspace in a temporary repository (an empty `.git` pins the root) with
/// a file whose name holds a comma and a colon, a custom rule whose message
/// holds a newline and a `%`, and a suppressed finding.
fn tricky_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir(root.join(".git")).expect(".git");
    fs::write(
        root.join("policy.yaml"),
        r#"apiVersion: steward/v1
kind: Policy
id: tricky
rules:
  runbook-required: off
  escalation-required: off
  on-call-coverage: off
custom:
  - id: investor-sla
    severity: warning
    message: "Investor pipelines are in the growth area\nsee 100% of the runbook"
    select: { kind: Pipeline, where: { audience: investors } }
    assert: { properties: { area: { const: growth } } }
"#,
    )
    .expect("policy");
    fs::write(
        root.join("team,a:b.yaml"),
        r#"apiVersion: steward/v1
kind: Team
id: data-eng
members:
  - { id: ann, name: Ann }
  - { id: bob, name: Bob }
---
apiVersion: steward/v1
kind: Pipeline
id: profit
name: Profit
area: profit
audience: investors
owners:
  primary: ann
  secondary: zed  # steward: ignore[unknown-reference] Zed joins in July
"#,
    )
    .expect("pipeline");
    dir
}

// ---------------------------------------------------------------- SARIF

#[test]
fn sarif_of_the_broken_example_is_valid_and_complete() {
    let repo = common::repo();
    let output = check(&repo, BROKEN, "sarif");
    assert_eq!(output.status.code(), Some(1), "{}", common::stderr(&output));
    let log = json(&output);
    assert_valid_sarif(&log);

    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "steward");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    // Every rule `steward rules` lists is described, with its documentation.
    let listed = common::steward(&repo, &["rules", "--json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).expect("rules --json");
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let expected: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, expected);
    let default_policy = steward::policy::Policy::builtin("default").expect("default policy");
    for rule in rules {
        let id = rule["id"].as_str().unwrap_or_default();
        let explain = common::steward(&repo, &["explain", id]);
        let explain = common::stdout(&explain);
        let help = rule["help"]["markdown"].as_str().expect("help.markdown");
        assert!(
            explain.contains(help.trim()),
            "help of {id} is not its explanation"
        );
        assert_eq!(rule["help"]["text"], rule["help"]["markdown"]);
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap_or("")
            .is_empty());
        assert!(!rule["fullDescription"]["text"]
            .as_str()
            .unwrap_or("")
            .is_empty());
        // The level is the rule's severity in the policy in effect (the
        // default one here); a rule that is off is disabled, not dropped.
        let level = rule["defaultConfiguration"]["level"].as_str();
        let expected = match default_policy.severity(id) {
            Some(severity) => severity.as_str(),
            None => "none",
        };
        assert_eq!(level, Some(expected), "{id}");
        // `enabled` defaults to true in SARIF: written only when false.
        let enabled = rule["defaultConfiguration"]["enabled"]
            .as_bool()
            .unwrap_or(true);
        assert_eq!(enabled, expected != "none", "{id}");
    }

    // Unsuppressed results match `--format json` one to one, in order.
    let plain = json(&check(&repo, BROKEN, "json"));
    let findings = plain["findings"].as_array().expect("findings");
    let results: Vec<&serde_json::Value> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .collect();
    assert_eq!(results.len(), findings.len());
    assert!(!results.is_empty());
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], finding["rule"]);
        assert_eq!(result["level"], finding["severity"]);
        let text = result["message"]["text"].as_str().expect("message");
        assert!(text.starts_with(finding["message"].as_str().expect("message")));
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().expect("uri");
        // Run from the repository root, cwd-relative and repo-relative agree.
        assert_eq!(Some(uri), finding["file"].as_str());
        assert!(!uri.starts_with("./") && !uri.starts_with('/') && !uri.contains('\\'));
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &location["region"];
        assert_eq!(region["startLine"], finding["line"]);
        assert_eq!(region["startColumn"], finding["column"]);
        assert_eq!(region["endLine"], finding["end_line"]);
        assert_eq!(region["endColumn"], finding["end_column"]);
        let labels = finding["labels"].as_array().map_or(0, Vec::len);
        let related = result["relatedLocations"].as_array().map_or(0, Vec::len);
        assert_eq!(labels, related);
    }

    // Secondary labels are related locations.
    let duplicate = results
        .iter()
        .find(|r| r["ruleId"] == "duplicate-id")
        .expect("the broken example has a duplicate id");
    let related = &duplicate["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "first defined here");
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 7);

    // Results only, so documentation edits do not churn this snapshot.
    insta::assert_json_snapshot!("sarif_results_broken", run["results"]);
}

#[test]
fn the_schema_check_rejects_what_sarif_forbids() {
    // Guards the validation above against a schema that accepts anything.
    let output = check(&common::repo(), BROKEN, "sarif");
    let log = json(&output);
    let validator = sarif_validator();
    assert!(validator.is_valid(&log));
    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad_level));
    let mut bad_line = log.clone();
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&bad_line));
    let mut bad_suppression = log;
    bad_suppression["runs"][0]["results"][0]["suppressions"] =
        serde_json::json!([{"kind": "inline"}]);
    assert!(!validator.is_valid(&bad_suppression));
}

#[test]
fn sarif_is_byte_identical_run_to_run_and_fingerprints_are_unique() {
    let repo = common::repo();
    let first = check(&repo, BROKEN, "sarif");
    let second = check(&repo, BROKEN, "sarif");
    assert_eq!(first.stdout, second.stdout);
    let log = json(&first);
    let mut prints: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["partialFingerprints"]["steward/v2"].as_str())
        .collect();
    let count = prints.len();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), count, "fingerprints repeat");
}

#[test]
fn sarif_records_suppressions_and_encodes_uris() {
    let dir = tricky_workspace();
    let output = check(dir.path(), ".", "sarif");
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let log = json(&output);
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let suppressed = results
        .iter()
        .find(|r| r["ruleId"] == "unknown-reference")
        .expect("the suppressed finding is in the log");
    assert_eq!(
        suppressed["suppressions"],
        serde_json::json!([{"kind": "inSource", "justification": "Zed joins in July"}])
    );
    let uri = &suppressed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "team,a%3Ab.yaml");
    // The custom rule is in the catalog, after the builtin ones.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let custom = results
        .iter()
        .find(|r| r["ruleId"] == "investor-sla")
        .expect("custom rule result");
    let index = custom["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(index, rules.len() - 1);
    assert_eq!(rules[index]["defaultConfiguration"]["level"], "warning");
    assert!(custom.get("suppressions").is_none());
}

#[test]
fn sarif_uris_are_relative_to_the_repository_root_not_the_cwd() {
    let repo = common::repo();
    let cwd = repo.join(BROKEN);
    let output = check(&cwd, "pipelines", "sarif");
    let log = json(&output);
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(!uris.is_empty());
    for uri in uris {
        assert!(uri.starts_with("examples/broken/pipelines/"), "{uri}");
    }
}

// ---------------------------------------------------------------- GitHub

#[test]
fn github_commands_for_the_broken_example() {
    let output = check(&common::repo(), BROKEN, "github");
    assert_eq!(output.status.code(), Some(1));
    let text = common::stdout(&output);
    for line in text.lines() {
        if line.starts_with("::") {
            assert!(
                line.starts_with("::error file=") || line.starts_with("::warning file="),
                "{line}"
            );
        }
    }
    // Multi-line spans carry lines only: the runner drops columns there.
    assert!(
        text.contains("::error file=examples/broken/team.yaml,line=15,endLine=17,title=schema::")
    );
    insta::assert_snapshot!("github_broken", text);
}

#[test]
fn github_escapes_messages_and_properties() {
    let dir = tricky_workspace();
    let output = check(dir.path(), ".", "github");
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let text = common::stdout(&output);
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        commands,
        [
            "::warning file=team%2Ca%3Ab.yaml,line=12,col=7,endLine=12,endColumn=13,\
             title=investor-sla::Investor pipelines are in the growth area%0Asee 100%25 of the runbook\
             %0Ahelp: `area` must be `growth`, found `profit`"
        ],
        "suppressed findings are left out; the rest is escaped:\n{text}"
    );
    // Every line is one command or the closing summary: nothing leaks a raw newline.
    assert_eq!(text.lines().count(), 2);
    assert_eq!(
        text.lines().last(),
        Some("steward: 0 errors, 1 warning in 2 files (1 suppressed); policy tricky (policy.yaml)")
    );
}

// ---------------------------------------------------------------- JUnit

#[derive(Debug, Deserialize)]
struct TestSuites {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@tests")]
    tests: usize,
    #[serde(rename = "@failures")]
    failures: usize,
    #[serde(rename = "@skipped")]
    skipped: usize,
    #[serde(rename = "testsuite", default)]
    suites: Vec<TestSuite>,
}

#[derive(Debug, Deserialize)]
struct TestSuite {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@tests")]
    tests: usize,
    #[serde(rename = "@failures")]
    failures: usize,
    #[serde(rename = "@skipped")]
    skipped: usize,
    #[serde(rename = "testcase", default)]
    cases: Vec<TestCase>,
}

#[derive(Debug, Deserialize)]
struct TestCase {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@classname")]
    classname: String,
    #[serde(rename = "@file")]
    file: String,
    #[serde(default)]
    failure: Vec<Failure>,
    #[serde(default)]
    skipped: Vec<Skipped>,
}

#[derive(Debug, Deserialize)]
struct Failure {
    #[serde(rename = "@message")]
    message: String,
    #[serde(rename = "@type")]
    kind: String,
    #[serde(rename = "$text", default)]
    text: String,
}

#[derive(Debug, Deserialize)]
struct Skipped {
    #[serde(rename = "@message")]
    message: String,
}

fn junit(output: &Output) -> TestSuites {
    let text = common::stdout(output);
    quick_xml::de::from_str(&text).unwrap_or_else(|e| panic!("JUnit does not parse ({e}):\n{text}"))
}

#[test]
fn junit_suites_are_the_files_the_summary_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("team.yaml"),
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers: [{ id: a, name: A }]\n",
    )
    .expect("write");
    // Mentions the marker in a comment only: not a steward file.
    fs::write(
        dir.path().join("notes.yaml"),
        "# see the steward/v1 docs\nkey: value\n",
    )
    .expect("write");
    let report = junit(&check(dir.path(), ".", "junit"));
    let names: Vec<&str> = report.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["team.yaml"]);
    let summary = json(&check(dir.path(), ".", "json"))["summary"]["files"].clone();
    assert_eq!(summary, 1);
}

#[test]
fn junit_of_the_broken_example_parses_back_to_the_findings() {
    let repo = common::repo();
    let output = check(&repo, BROKEN, "junit");
    assert_eq!(output.status.code(), Some(1));
    let report = junit(&output);
    let plain = json(&check(&repo, BROKEN, "json"));
    let findings = plain["findings"].as_array().expect("findings");

    assert_eq!(report.name, "steward");
    assert_eq!(
        report.tests,
        report.suites.iter().map(|s| s.tests).sum::<usize>()
    );
    assert_eq!(
        report.failures,
        report.suites.iter().map(|s| s.failures).sum::<usize>()
    );
    // The broken example's one suppressed finding is its rule's only one in that file.
    assert_eq!(
        report.skipped,
        plain["summary"]["suppressed"].as_u64().unwrap_or(0) as usize
    );
    let names: Vec<&str> = report.suites.iter().map(|s| s.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "suites are in path order");

    // Every finding is in the failure of its file's suite and rule's testcase,
    // with its location.
    for finding in findings {
        let file = finding["file"].as_str().expect("file");
        let rule = finding["rule"].as_str().expect("rule");
        let suite = report
            .suites
            .iter()
            .find(|s| s.name == file)
            .unwrap_or_else(|| panic!("no testsuite for {file}"));
        let case = suite
            .cases
            .iter()
            .find(|c| c.name == rule)
            .unwrap_or_else(|| panic!("no testcase {rule} in {file}"));
        assert_eq!(case.classname, file);
        assert_eq!(case.file, file);
        assert_eq!(case.failure.len(), 1, "one failure per testcase");
        let location = format!("{file}:{}:{}", finding["line"], finding["column"]);
        let message = finding["message"].as_str().expect("message");
        let line = format!(
            "{location}: {}[{rule}] {message}",
            finding["severity"].as_str().unwrap_or("")
        );
        assert!(
            case.failure[0].text.contains(&line),
            "{line:?} not in {:?}",
            case.failure[0].text
        );
    }
    // Two schema findings in team.yaml: one testcase, the message says so.
    let team = report
        .suites
        .iter()
        .find(|s| s.name == "examples/broken/team.yaml")
        .expect("team.yaml");
    let schema = team
        .cases
        .iter()
        .find(|c| c.name == "schema")
        .expect("schema");
    assert_eq!(
        schema.failure[0].message,
        "examples/broken/team.yaml:15:5: `members[2]` is missing required key `name` (and 1 more)"
    );
    assert_eq!(schema.failure[0].kind, "error");
    let ignore = report
        .suites
        .iter()
        .flat_map(|s| &s.cases)
        .find(|c| c.name == "unused-ignore")
        .expect("unused-ignore");
    assert_eq!(ignore.failure[0].kind, "warning");
    // A file without findings holds one passing testcase.
    for suite in &report.suites {
        if findings.iter().all(|f| f["file"] != suite.name.as_str()) {
            assert_eq!((suite.tests, suite.failures), (1, 0), "{}", suite.name);
            assert_eq!(suite.cases[0].name, "all rules");
            assert!(suite.cases[0].failure.is_empty());
        }
    }

    insta::assert_snapshot!("junit_broken", common::stdout(&output));
}

#[test]
fn junit_skips_suppressed_rules_and_escapes() {
    let dir = tricky_workspace();
    let output = check(dir.path(), ".", "junit");
    let report = junit(&output);
    let suite = report
        .suites
        .iter()
        .find(|s| s.name == "team,a:b.yaml")
        .expect("suite");
    let skipped = suite
        .cases
        .iter()
        .find(|c| c.name == "unknown-reference")
        .expect("suppressed rule");
    assert!(skipped.failure.is_empty());
    assert_eq!(
        skipped.skipped[0].message,
        "suppressed in source: team,a:b.yaml:16:14: Zed joins in July"
    );
    assert_eq!((suite.skipped, report.skipped), (1, 1));
    let clean = report
        .suites
        .iter()
        .find(|s| s.name == "policy.yaml")
        .expect("the policy file is read");
    assert_eq!((clean.tests, clean.failures, clean.skipped), (1, 0, 0));
    assert_eq!(clean.cases[0].name, "all rules");
    assert!(clean.cases[0].failure.is_empty() && clean.cases[0].skipped.is_empty());
    let custom = suite
        .cases
        .iter()
        .find(|c| c.name == "investor-sla")
        .expect("custom rule");
    // The attribute holds the message on one line; the text keeps the newline.
    assert_eq!(
        custom.failure[0].message,
        "team,a:b.yaml:12:7: Investor pipelines are in the growth area see 100% of the runbook"
    );
    assert!(custom.failure[0]
        .text
        .contains("growth area\nsee 100% of the runbook"));
}

#[test]
fn junit_holds_control_characters_as_valid_xml() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    fs::write(
        dir.path().join("team.yaml"),
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - { id: \"a\\x01<&>\", name: A }\n  - { id: \"a\\x01<&>\", name: B }\n",
    )
    .expect("team");
    let output = check(dir.path(), ".", "junit");
    let report = junit(&output);
    let case = &report.suites[0].cases[0];
    assert_eq!(case.name, "duplicate-id");
    assert!(
        case.failure[0].message.contains("a\u{fffd}<&>"),
        "{:?}",
        case.failure[0].message
    );
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_summary_of_the_broken_example() {
    let output = check(&common::repo(), BROKEN, "markdown");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("markdown_broken", common::stdout(&output));
}

#[test]
fn markdown_summary_without_findings() {
    let output = check(&common::repo(), ACME, "markdown");
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("markdown_acme", common::stdout(&output));
}

#[test]
fn markdown_headline_fails_under_strict_when_only_warnings_remain() {
    let dir = tricky_workspace();
    let lenient = check(dir.path(), ".", "markdown");
    assert_eq!(lenient.status.code(), Some(0));
    assert!(
        common::stdout(&lenient).starts_with("## ⚠️ steward: 0 errors, 1 warning"),
        "{}",
        common::stdout(&lenient)
    );
    let strict = common::steward(
        dir.path(),
        &[
            "check",
            ".",
            "--today",
            common::TODAY,
            "--format",
            "markdown",
            "--strict",
        ],
    );
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        common::stdout(&strict).starts_with("## ❌ steward: 0 errors, 1 warning"),
        "a failing run is headed as failing: {}",
        common::stdout(&strict)
    );
}

#[test]
fn two_reports_into_one_file_are_refused() {
    let dir = tricky_workspace();
    for args in [
        &["--output", "out.txt", "--also-write", "json=out.txt"][..],
        &[
            "--also-write",
            "json=r.txt",
            "--also-write",
            "sarif=./r.txt",
        ][..],
    ] {
        let mut all = vec!["check", ".", "--today", common::TODAY];
        all.extend_from_slice(args);
        let output = common::steward(dir.path(), &all);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            common::stderr(&output).contains("each report needs a file of its own"),
            "{}",
            common::stderr(&output)
        );
        assert!(!dir.path().join("out.txt").exists() && !dir.path().join("r.txt").exists());
    }
}

#[test]
fn markdown_summary_lists_the_first_twenty_errors_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    let mut text = String::from(
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - { id: ann, name: Ann }\n",
    );
    for i in 0..25 {
        text.push_str(&format!(
            "---\napiVersion: steward/v1\nkind: Pipeline\nid: p{i}\nname: P|{i}\narea: a\n\
             audience: internal\nowners: {{ primary: ann, secondary: nobody{i} }}\n"
        ));
    }
    // One warning, which must come before the errors it is sorted after.
    let mut early = String::from("apiVersion: steward/v1\nkind: Team\nid: u\n");
    early.push_str("members:\n  - { id: zoe, name: Zoe }  # steward: ignore[schema]\n");
    fs::write(dir.path().join("a.yaml"), early).expect("a.yaml");
    fs::write(dir.path().join("b.yaml"), text).expect("b.yaml");
    let output = check(dir.path(), ".", "markdown");
    let summary = common::stdout(&output);
    let rows: Vec<&str> = summary
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains(".yaml:"))
        .collect();
    assert_eq!(rows.len(), 20, "{summary}");
    assert!(
        rows.iter().all(|r| r.contains("❌")),
        "errors first:\n{summary}"
    );
    assert!(
        summary.contains("| `unknown-reference` | ❌ error | 25 |"),
        "{summary}"
    );
    assert!(
        summary.contains("| `unused-ignore` | ⚠️ warning | 1 |"),
        "{summary}"
    );
    // However many other rules fire on this workspace, the note gives the total.
    let counts = common::stdout(&check(dir.path(), ".", "counts"));
    let total = counts
        .lines()
        .find_map(|l| l.strip_prefix("findings="))
        .expect("findings=");
    assert!(total.parse::<usize>().is_ok_and(|n| n >= 26), "{counts}");
    assert!(
        summary.contains(&format!(
            "_Showing the first 20 of {total} findings; run `steward check` for all of them._"
        )),
        "{summary}"
    );
}

// ---------------------------------------------------------------- counts, --also-write

#[test]
fn counts_are_key_value_lines() {
    let repo = common::repo();
    let plain = json(&check(&repo, BROKEN, "json"));
    let summary = &plain["summary"];
    let output = check(&repo, BROKEN, "counts");
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "findings={}\nerrors={}\nwarnings={}\nsuppressed={}\nfiles={}\n",
        summary["errors"].as_u64().unwrap_or(0) + summary["warnings"].as_u64().unwrap_or(0),
        summary["errors"],
        summary["warnings"],
        summary["suppressed"],
        summary["files"]
    );
    assert_eq!(common::stdout(&output), expected);
    let clean = check(&repo, ACME, "counts");
    assert!(common::stdout(&clean).starts_with("findings=0\nerrors=0\n"));
}

#[test]
fn also_write_writes_every_format_from_one_run() {
    let repo = common::repo();
    let out = tempfile::tempdir().expect("temp dir");
    let file = |name: &str| out.path().join(name);
    let arg = |format: &str, name: &str| format!("{format}={}", file(name).display());
    let (sarif, markdown, counts, junit_arg) = (
        arg("sarif", "r.sarif"),
        arg("markdown", "summary.md"),
        arg("COUNTS", "counts.txt"),
        arg("junit", "r.xml"),
    );
    let output = run(
        &repo,
        &[
            "check",
            BROKEN,
            "--format",
            "github",
            "--also-write",
            &sarif,
            "--also-write",
            &markdown,
            "--also-write",
            &counts,
            "--also-write",
            &junit_arg,
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", common::stderr(&output));
    assert_eq!(output.stdout, check(&repo, BROKEN, "github").stdout);
    for (name, format) in [
        ("r.sarif", "sarif"),
        ("summary.md", "markdown"),
        ("counts.txt", "counts"),
        ("r.xml", "junit"),
    ] {
        let written = fs::read(file(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(written, check(&repo, BROKEN, format).stdout, "{name}");
    }
}

#[test]
fn also_write_problems_are_usage_errors() {
    let repo = common::repo();
    let bad_format = run(&repo, &["check", ACME, "--also-write", "yaml=x"]);
    assert_eq!(bad_format.status.code(), Some(2));
    assert!(common::stderr(&bad_format).contains("unknown format `yaml`"));
    let no_file = run(&repo, &["check", ACME, "--also-write", "sarif="]);
    assert_eq!(no_file.status.code(), Some(2));
    let no_equals = run(&repo, &["check", ACME, "--also-write", "sarif"]);
    assert_eq!(no_equals.status.code(), Some(2));
    assert!(common::stderr(&no_equals).contains("FORMAT=FILE"));

    let missing_dir: PathBuf = tempfile::tempdir()
        .expect("temp dir")
        .path()
        .join("no/such/dir/r.sarif");
    let unwritable = run(
        &repo,
        &[
            "check",
            ACME,
            "--also-write",
            &format!("sarif={}", missing_dir.display()),
        ],
    );
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(common::stderr(&unwritable).contains("cannot write"));
    assert!(
        unwritable.stdout.is_empty(),
        "nothing printed before failing"
    );
}

// ---------------------------------------------------------------- completions, man, help

#[test]
fn completions_for_every_shell() {
    let repo = common::repo();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = common::steward(&repo, &["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = common::stdout(&output);
        for word in ["steward", "check", "explain", "--also-write", "sarif"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let unknown = common::steward(&repo, &["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn bash_completion_is_valid_bash() {
    let repo = common::repo();
    let script = common::stdout(&common::steward(&repo, &["completions", "bash"]));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("steward.bash");
    fs::write(&path, script).expect("write");
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .expect("bash");
    assert!(syntax.status.success(), "{}", common::stderr(&syntax));
}

#[test]
fn man_pages() {
    let repo = common::repo();
    let main = common::stdout(&common::steward(&repo, &["man"]));
    assert!(main.starts_with(".ie"), "{main}");
    assert!(main.contains(".TH steward 1"), "{main}");
    let check_page = common::stdout(&common::steward(&repo, &["man", "check"]));
    assert!(check_page.contains(".TH steward-check 1"), "{check_page}");
    assert!(check_page.contains("also\\-write"), "{check_page}");
    let unknown = common::steward(&repo, &["man", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(common::stderr(&unknown).contains("unknown command `nope`"));
}

#[test]
fn help_reads_well() {
    let repo = common::repo();
    insta::assert_snapshot!("help", common::stdout(&common::steward(&repo, &["--help"])));
    insta::assert_snapshot!(
        "check_help",
        common::stdout(&common::steward(&repo, &["check", "--help"]))
    );
}

#[test]
fn sarif_keeps_baselined_results_as_externally_suppressed_and_unchanged() {
    let dir = tricky_workspace();
    // The findings go into the baseline (the suppressed one stays
    // suppressed in source); then new ones appear.
    let recorded = run(
        dir.path(),
        &["check", ".", "--write-baseline", "baseline.json"],
    );
    assert_eq!(
        recorded.status.code(),
        Some(0),
        "{}",
        common::stderr(&recorded)
    );
    fs::write(
        dir.path().join("extra.yaml"),
        "apiVersion: steward/v1\nkind: Pipeline\nid: extra\nname: Extra\narea: x\naudience: internal\nowners: { primary: nobody, secondary: nobody-else }\n",
    )
    .expect("write");
    let output = run(
        dir.path(),
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--format",
            "sarif",
        ],
    );
    let log = json(&output);
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let state = |r: &Value| r["baselineState"].as_str().unwrap_or("-").to_string();
    let kinds = |r: &Value| -> Vec<String> {
        r["suppressions"]
            .as_array()
            .map(|s| {
                s.iter()
                    .filter_map(|x| x["kind"].as_str())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut seen: Vec<(String, String, Vec<String>)> = results
        .iter()
        .map(|r| {
            let file = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            (file, state(r), kinds(r))
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        [
            ("extra.yaml".to_string(), "new".to_string(), vec![]),
            (
                "team,a%3Ab.yaml".to_string(),
                "-".to_string(),
                vec!["inSource".to_string()]
            ),
            (
                "team,a%3Ab.yaml".to_string(),
                "unchanged".to_string(),
                vec!["external".to_string()]
            ),
        ],
        "{results:#?}"
    );
    // The same findings with the same fingerprints as without a baseline.
    let plain = json(&run(dir.path(), &["check", ".", "--format", "sarif"]));
    let prints = |log: &Value| -> Vec<String> {
        let mut all: Vec<String> = log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["partialFingerprints"]["steward/v2"].as_str())
            .map(String::from)
            .collect();
        all.sort();
        all
    };
    let with_extra: Vec<String> = prints(&log);
    assert!(prints(&plain).iter().all(|p| with_extra.contains(p)));
}
