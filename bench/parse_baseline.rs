//! The parse-only baseline for `bench/run.sh`: walk the same files steward
//! walks, read them, and parse them into values with the same YAML parser,
//! nothing else.
//!
//! ```sh
//! cargo run --release -p steward-bench --bin parse_baseline -- [--parser saphyr|granit|steward] DIR…
//! ```
//! - `saphyr` (default): serde-saphyr into `serde_json::Value`, the usual way
//!   to read YAML values with granit-parser;
//! - `granit`: granit-parser events only, no values (a lower bound);
//! - `steward`: steward's own single-pass loader (values and span trees).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn files(root: &Path) -> Vec<PathBuf> {
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir()
                    && (e.file_name().to_string_lossy().starts_with('.')
                        || e.file_name() == "target"))
        });
    walker
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect()
}

fn main() -> ExitCode {
    let mut parser = String::from("saphyr");
    let mut roots = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--parser" {
            parser = args.next().unwrap_or_default();
        } else {
            roots.push(PathBuf::from(arg));
        }
    }
    let mut documents = 0usize;
    for root in &roots {
        for path in files(root) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            documents += match parser.as_str() {
                "saphyr" => serde_saphyr::from_str_multiple::<serde_json::Value, Vec<_>>(&text)
                    .map(|d| d.len())
                    .unwrap_or(0),
                "granit" => granit_parser::Parser::new_from_str(&text)
                    .flatten()
                    .filter(|(e, _)| matches!(e, granit_parser::Event::DocumentStart(..)))
                    .count(),
                "steward" => {
                    steward::load::yaml::parse(&text, &steward::load::yaml::YamlLimits::default())
                        .documents
                        .len()
                }
                other => {
                    eprintln!("unknown parser {other}");
                    return ExitCode::from(2);
                }
            };
        }
    }
    println!("{documents} documents");
    ExitCode::SUCCESS
}
