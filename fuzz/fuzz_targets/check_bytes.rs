//! Arbitrary bytes as a YAML file through load -> schema -> model -> schedule ->
//! rules -> report: nothing may panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steward::check::{check_workspace, CheckOptions};
use steward::load::{load_sources, LoadOptions};

fuzz_target!(|data: &[u8]| {
    // Runbook paths resolve inside an empty directory: nothing real is read.
    let root = std::env::temp_dir().join("steward-fuzz-root");
    let _ = std::fs::create_dir_all(&root);
    let options = CheckOptions {
        paths: Vec::new(),
        policy: None,
        today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
        load: LoadOptions::default(),
    };
    // Split the input into up to three files on a marker, so cross-file rules
    // (duplicate ids, references) see several documents.
    let files: Vec<(std::path::PathBuf, Vec<u8>)> = data
        .split(|b| *b == 0x1e)
        .take(3)
        .enumerate()
        .map(|(i, bytes)| (root.join(format!("f{i}.yaml")), bytes.to_vec()))
        .collect();
    let workspace = load_sources(files, root, &options.load);
    if let Ok(outcome) = check_workspace(workspace, &options) {
        let report = outcome.report();
        let mut sink = Vec::new();
        let render = steward::report::RenderOptions {
            color: false,
            width: 80,
        };
        for format in [
            steward::report::Format::Human,
            steward::report::Format::Json,
        ] {
            let _ = steward::report::render(format, &report, &render, &mut sink);
        }
    }
});
