//! A bounded, deterministic fuzz loop that runs in `cargo test` (the
//! coverage-guided targets in `fuzz/` need `cargo fuzz`): mutated fixture files
//! and random bytes go through the whole check; nothing may panic.

mod common;

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use steward::check::{check_workspace, CheckOptions};
use steward::load::{load_sources, LoadOptions};

fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![
        common::repo().join("fixtures"),
        common::repo().join("examples"),
    ];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.extend(std::fs::read(&path).ok());
            }
        }
    }
    out
}

fn check(files: Vec<Vec<u8>>) {
    let root = tempfile::tempdir().expect("tempdir");
    let sources = files
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| (root.path().join(format!("f{i}.yaml")), bytes))
        .collect();
    let options = CheckOptions {
        paths: Vec::<PathBuf>::new(),
        policy: None,
        today: common::today(),
        load: LoadOptions::default(),
    };
    let workspace = load_sources(sources, root.path().to_path_buf(), &options.load);
    if let Ok(outcome) = check_workspace(workspace, &options) {
        let report = outcome.report();
        let render = steward::report::RenderOptions {
            color: false,
            width: 80,
        };
        let mut sink = Vec::new();
        for format in [
            steward::report::Format::Human,
            steward::report::Format::Json,
        ] {
            steward::report::render(format, &report, &render, &mut sink).expect("render");
        }
        // Every fix is planned too (edits, re-parse, diff; nothing is written).
        let plan = steward::fix::run::plan(std::slice::from_ref(&outcome), true);
        let _ = plan.diff();
        let _ = plan.summary(false);
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let tokens = prop::sample::select(vec![
        b"- ".to_vec(),
        b": ".to_vec(),
        b"\n".to_vec(),
        b"  ".to_vec(),
        b"\t".to_vec(),
        b"&a ".to_vec(),
        b"*a".to_vec(),
        b"[".to_vec(),
        b"}".to_vec(),
        b"---\n".to_vec(),
        b"# steward: ignore[schema]".to_vec(),
        b"\"".to_vec(),
        b"1w".to_vec(),
        b"2026-02-30".to_vec(),
        b"\xff".to_vec(),
        b"\xc3".to_vec(),
        b"primary: ".to_vec(),
        b"id: x\n".to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), tokens).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), 1usize..80).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(i, b) => {
                if let Some(x) = bytes.get_mut(i % len) {
                    *x ^= b;
                }
            }
            Mutation::Insert(i, t) => {
                let at = (i % len).min(bytes.len());
                bytes.splice(at..at, t.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let at = (i % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Duplicate(i, n) => {
                let at = (i % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

#[test]
fn mutated_fixtures_never_panic() {
    let seeds = seeds();
    assert!(seeds.len() > 30);
    let config = Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    };
    // A fixed seed: the same cases on every run and machine.
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let strategy = (
        0..seeds.len(),
        0..seeds.len(),
        prop::collection::vec(mutation(), 1..8),
    );
    runner
        .run(&strategy, |(a, b, mutations)| {
            let first = apply(seeds[a].clone(), &mutations);
            check(vec![first, seeds[b].clone()]);
            Ok(())
        })
        .expect("no input panics");
}

#[test]
fn random_bytes_never_panic() {
    let config = Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[9; 32]));
    let strategy = prop::collection::vec(any::<u8>(), 0..2000).prop_map(|mut bytes| {
        bytes.splice(0..0, b"apiVersion: steward/v1\n".iter().copied());
        bytes
    });
    runner
        .run(&strategy, |bytes| {
            check(vec![bytes]);
            Ok(())
        })
        .expect("no input panics");
}
