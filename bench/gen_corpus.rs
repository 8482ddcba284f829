//! Writes a realistic, valid steward workspace of any size, deterministically:
//! the same arguments give the same bytes.
//!
//! ```sh
//! cargo run --release -p steward-bench --bin gen_corpus -- --pipelines 10000 --members 1000 \
//!     --rotations 100 --years 2 --out /tmp/corpus-10k [--seed 1] [--defects 20]
//! ```
//!
//! Teams with leave, pipelines across areas and audiences with runbooks,
//! generated and explicit weekly rotations with overrides and holidays, split
//! over many files plus a few large multi-document files. `--defects N` plants
//! N known findings and lists them in `expected-findings.txt`
//! (`file:line rule`), which `bench/run.sh` compares with what steward reports.
//! The corpus is valid when checked with `--today 2026-06-01`.

mod corpus;

use std::path::PathBuf;

use corpus::{generate, Args};

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--pipelines" => args.pipelines = number()?,
            "--members" => args.members = number()?,
            "--rotations" => args.rotations = number()?,
            "--years" => args.years = number()?.max(1),
            "--defects" => args.defects = number()?,
            "--seed" => args.seed = number()? as u64,
            "--out" => args.out = PathBuf::from(&value),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.rotations == 0 || args.members < args.rotations * 4 {
        return Err("need at least 4 members per rotation (--members >= 4 * --rotations)".into());
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&args) {
        eprintln!("gen_corpus: {e}");
        std::process::exit(1);
    }
}
