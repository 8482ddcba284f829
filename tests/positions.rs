//! Exact line:column of findings in the places that are easy to get wrong.

mod common;

use std::fs;

fn findings(files: &[(&str, &str)]) -> Vec<(String, usize, usize, usize, usize, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write");
    }
    let outcome = common::check_paths(&[dir.path().to_path_buf()]);
    outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.clone(),
                f.start.line,
                f.start.column,
                f.end.line,
                f.end.column,
                f.message.clone(),
            )
        })
        .collect()
}

#[test]
fn schema_violation_deep_in_a_nested_list() {
    let team = "apiVersion: steward/v1\nkind: Team\nid: data-eng\nmembers:\n  - id: john\n    name: John\n  - id: emily\n    name: Emily\n    unavailable:\n      - { from: 2026-01-01, to: 2026-01-05 }\n      - from: 2026-02-01\n        to: 2026-02-3O\n";
    let got = findings(&[("team.yaml", team)]);
    assert_eq!(got.len(), 1, "{got:?}");
    let (rule, line, col, end_line, end_col, message) = &got[0];
    assert_eq!(
        (rule.as_str(), *line, *col, *end_line, *end_col),
        ("schema", 12, 13, 12, 23)
    );
    assert_eq!(
        message,
        "`members[1].unavailable[1].to`: `2026-02-3O` is not a date"
    );
}

#[test]
fn missing_required_key_points_at_the_mapping_that_lacks_it() {
    let pipeline = "apiVersion: steward/v1\nkind: Pipeline\nid: aggregate-profit\nname: Aggregate profit\narea: profit\naudience: internal\nowners:\n  primary: emily\n";
    let got = findings(&[("p.yaml", pipeline)]);
    let schema: Vec<_> = got.iter().filter(|f| f.0 == "schema").collect();
    assert_eq!(schema.len(), 1, "{got:?}");
    // The `owners` mapping: `primary: emily` on line 8, columns 3..17.
    assert_eq!(
        (schema[0].1, schema[0].2, schema[0].3, schema[0].4),
        (8, 3, 8, 17)
    );
    assert_eq!(schema[0].5, "`owners` is missing required key `secondary`");
}

#[test]
fn columns_count_characters_on_non_ascii_lines() {
    // `ü`, `é` and `日本` are multi-byte: byte columns would be off by 5.
    let team = "apiVersion: steward/v1\nkind: Team\nid: data-eng\nmembers:\n  - { id: david, name: \"Dävid Müller 日本\", éxtra: 1 }\n";
    let got = findings(&[("team.yaml", team)]);
    assert_eq!(got.len(), 1, "{got:?}");
    let (rule, line, col, end_line, end_col, message) = &got[0];
    assert_eq!(
        (rule.as_str(), *line, *col, *end_line, *end_col),
        ("schema", 5, 43, 5, 48)
    );
    assert_eq!(message, "unknown key `éxtra` in `members[0]`");
}

#[test]
fn third_document_of_a_multi_document_file() {
    let text = "# first\napiVersion: steward/v1\nkind: Team\nid: data-eng\nmembers:\n  - { id: john, name: John }\n  - { id: emily, name: Emily }\n---\napiVersion: steward/v1\nkind: Holidays\nid: company\nholidays: []\n---\napiVersion: steward/v1\nkind: Pipeline\nid: aggregate-profit\nname: Aggregate profit\narea: profit\naudience: internal\nowners: { primary: emily, secondary: jon }\n";
    let got = findings(&[("all.yaml", text)]);
    assert_eq!(got.len(), 1, "{got:?}");
    let (rule, line, col, end_line, end_col, _) = &got[0];
    assert_eq!(
        (rule.as_str(), *line, *col, *end_line, *end_col),
        ("unknown-reference", 20, 38, 20, 41)
    );
}

#[test]
fn duplicate_key_points_at_the_second_key() {
    let text = "apiVersion: steward/v1\nkind: Team\nid: data-eng\nmembers: []\nid: other\n";
    let got = findings(&[("t.yaml", text)]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1, got[0].2, got[0].4),
        ("yaml-syntax", 5, 1, 3)
    );
    assert_eq!(got[0].5, "duplicate key `id` in this mapping");
}

/// The loader builds no span trees; a duplicate key's file is parsed again
/// with them, so the label still points at the first occurrence, also in a
/// later document of a multi-document file.
#[test]
fn duplicate_key_labels_the_first_occurrence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "apiVersion: steward/v1\nkind: Team\nid: other\nmembers: []\n---\napiVersion: steward/v1\nkind: Team\nid: data-eng\nmembers: []\nid: again\n";
    fs::write(dir.path().join("t.yaml"), text).expect("write");
    let out = common::steward(
        dir.path(),
        &["check", ".", "--today", common::TODAY, "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let finding = &json["findings"][0];
    assert_eq!(finding["message"], "duplicate key `id` in this mapping");
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&10.into(), &1.into())
    );
    let label = &finding["labels"][0];
    assert_eq!(label["message"], "first defined here");
    assert_eq!((&label["line"], &label["column"]), (&8.into(), &1.into()));
}

#[test]
fn yaml_1_2_values_stay_strings() {
    // `audience: no` is the string "no" in YAML 1.2 (a boolean in YAML 1.1):
    // the schema reports a bad enum value, not a type error.
    let text = "apiVersion: steward/v1\nkind: Pipeline\nid: p\nname: P\narea: profit\naudience: no\nowners: { primary: a, secondary: b }\n";
    let got = findings(&[("p.yaml", text)]);
    let audience: Vec<_> = got.iter().filter(|f| f.5.contains("audience")).collect();
    assert_eq!(audience.len(), 1, "{got:?}");
    assert_eq!(audience[0].5, "`audience`: `no` is not an allowed value");
}

#[test]
fn crlf_files_have_the_same_positions() {
    let text = "apiVersion: steward/v1\r\nkind: Team\r\nid: data-eng\r\nmembers:\r\n  - { id: john, nme: John }\r\n";
    let got = findings(&[("t.yaml", text)]);
    let key: Vec<_> = got
        .iter()
        .filter(|f| f.5.starts_with("unknown key"))
        .collect();
    assert_eq!(
        (key[0].1, key[0].2, key[0].3, key[0].4),
        (5, 17, 5, 20),
        "{got:?}"
    );
}

/// The human report's `[file:line:column]` names the column every other
/// format does (characters), not miette's byte count: on a line with an
/// emoji (4 bytes), `ë` (2) and CJK (3 each), the two would differ by 8.
#[test]
fn the_human_header_counts_characters_like_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let team = "apiVersion: steward/v1\nkind: Team\nid: data-eng\nmembers:\n  - { id: david, name: \"🎂 Zoë 日本\", éxtra: 1 }\n";
    fs::write(dir.path().join("team.yaml"), team).expect("write");
    let run = |format: &str| {
        let out = common::steward(
            dir.path(),
            &[
                "check",
                ".",
                "--today",
                common::TODAY,
                "--color",
                "never",
                "--format",
                format,
            ],
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    let finding = &json["findings"][0];
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&5.into(), &36.into())
    );
    let human = run("human");
    assert!(
        human.contains("╭─[team.yaml:5:36]"),
        "the header of the snippet: {human}"
    );
}
