//! Per-stage benchmarks on a generated 1k-pipeline corpus, so a regression
//! shows in the stage that caused it: `cargo bench --bench stages`.

#[path = "../bench/corpus.rs"]
mod corpus;

use std::path::PathBuf;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use steward::check::{self, CheckOptions};
use steward::load::{self, LoadOptions};
use steward::policy::Policy;
use steward::{model, schedule, schema};

fn options(dir: PathBuf) -> CheckOptions {
    CheckOptions {
        paths: vec![dir],
        policy: None,
        today: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
        load: LoadOptions::default(),
    }
}

fn stages(c: &mut Criterion) {
    let dir = std::env::temp_dir().join("steward-bench-stages");
    let args = corpus::Args {
        out: dir.clone(),
        ..corpus::Args::default()
    };
    if let Err(e) = corpus::generate(&args) {
        panic!("corpus: {e}");
    }
    let options = options(dir.clone());
    let fresh = || load::load(std::slice::from_ref(&dir), &options.load).expect("corpus loads");

    // Read, parse, validate and deserialise every document.
    c.bench_function("load", |b| b.iter(fresh));

    c.bench_function("model", |b| {
        b.iter_batched(
            || {
                let mut ws = fresh();
                let items = std::mem::take(&mut ws.items);
                (ws, items)
            },
            |(mut ws, items)| model::build(&mut ws.documents, items),
            BatchSize::LargeInput,
        )
    });

    let loaded = check::analyse(fresh(), &options).expect("analyse");
    c.bench_function("schedule (expansion, holidays, leave, load)", |b| {
        b.iter(|| schedule::build(&loaded.model))
    });

    let policy = Policy::builtin("default").expect("default policy");
    let context = loaded.context(options.today);
    c.bench_function("rules", |b| b.iter(|| check::run_rules(&context, &policy)));

    c.bench_function("schema report", |b| {
        b.iter(|| schema::report(&loaded.workspace))
    });

    c.bench_function("check (end to end, no output)", |b| {
        b.iter(|| check::check(&options).expect("check"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
