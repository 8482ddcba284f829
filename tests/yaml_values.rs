//! Differential test: steward's single-pass loader produces the same values as
//! serde-saphyr (the maintained serde YAML library built on the same parser)
//! on every YAML file in the repository's fixtures and examples.

mod common;

use std::path::Path;

use steward::load::yaml::{parse, YamlLimits};

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn values_match_serde_saphyr() {
    let mut files = Vec::new();
    for dir in ["fixtures", "examples", "policies"] {
        yaml_files(&common::repo().join(dir), &mut files);
    }
    let mut compared = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let ours = parse(&text, &YamlLimits::default());
        if !ours.problems.is_empty() {
            continue; // broken on purpose
        }
        let Ok(theirs) = serde_saphyr::from_str_multiple::<serde_json::Value, Vec<_>>(&text) else {
            continue;
        };
        let ours: Vec<_> = ours.documents.into_iter().map(|d| d.value).collect();
        // serde-saphyr drops empty documents; compare the non-empty ones.
        let ours: Vec<_> = ours.into_iter().filter(|v| !v.is_null()).collect();
        assert_eq!(ours, theirs, "{}", path.display());
        compared += 1;
    }
    assert!(compared > 30, "only {compared} files compared");
}

#[test]
fn scalar_resolution_matches_serde_saphyr() {
    let text = "a: 12\nb: -7\nc: 1.5\nd: true\ne: ~\nf: 'x'\ng: \"2026-01-05\"\nh: 2026-01-05\ni: 0x1F\nj: null\nk: 1e3\nl: [1, two, 3.0]\n";
    let ours = parse(text, &YamlLimits::default())
        .documents
        .remove(0)
        .value;
    let theirs: serde_json::Value = serde_saphyr::from_str(text).expect("serde-saphyr parses");
    assert_eq!(ours, theirs);
}
