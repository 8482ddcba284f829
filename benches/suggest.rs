//! `cargo bench --bench suggest`: times `steward suggest` on a generated
//! workspace of 50 people with leave and a second rotation competing for
//! them, planning 3 years of weekly shifts (156) from scratch. The target is
//! well under a second per run in a release build.
//!
//! Times the library call (load, plan, verify) and the real binary end to
//! end; prints min / median / max over the runs and the search's moves.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use steward::check::CheckOptions;
use steward::load::LoadOptions;
use steward::plan;

const PEOPLE: usize = 50;
const WEEKS: usize = 156;
const RUNS: usize = 7;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default()
}

fn workspace(dir: &Path) -> std::io::Result<()> {
    let mut g = steward::plan::rng::Rng::new(2026);
    let name = |i: usize| format!("eng{i:02}");
    let mut team = String::from("apiVersion: steward/v1\nkind: Team\nid: platform\nmembers:\n");
    for i in 0..PEOPLE {
        team.push_str(&format!("  - id: {}\n    name: Engineer {i}\n", name(i)));
        let spells = g.below(5);
        if spells > 0 {
            team.push_str("    unavailable:\n");
        }
        for _ in 0..spells {
            let from = start() + Days::new(g.below(3 * 365) as u64);
            let to = from + Days::new(1 + g.below(20) as u64);
            team.push_str(&format!(
                "      - {{ from: {from}, to: {to}, reason: vacation }}\n"
            ));
        }
    }
    std::fs::write(dir.join("team.yaml"), team)?;
    let roster: Vec<String> = (0..PEOPLE).map(name).collect();
    let end = start() + Days::new(7 * WEEKS as u64);
    let mut rotations = format!(
        "# The rotation being planned.\napiVersion: steward/v1\nkind: Rotation\nid: platform-oncall\ncovers: []\nshift_length: 1w\nstart: {}\nuntil: {end}\nroster: [{}]\nholidays: {{ calendar: us-federal }}\n",
        start(),
        roster.join(", ")
    );
    // A daily rotation of the first ten engineers: double-booking constraints.
    rotations.push_str(&format!(
        "---\napiVersion: steward/v1\nkind: Rotation\nid: ingest-daily\ncovers: []\nshift_length: 1d\nstart: {}\nuntil: {end}\nroster: [{}]\n",
        start(),
        roster[..10].join(", ")
    ));
    std::fs::write(dir.join("rotations.yaml"), rotations)
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    )
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent: one quick run.
    let runs = if std::env::args().any(|a| a == "--bench") {
        RUNS
    } else {
        1
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot create a temporary directory: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = workspace(dir.path()) {
        eprintln!("cannot write the workspace: {e}");
        std::process::exit(2);
    }
    let today = start() - Days::new(1);
    let options = plan::Options {
        rotation: "platform-oncall".into(),
        check: CheckOptions {
            paths: vec![dir.path().to_path_buf()],
            policy: None,
            today,
            load: LoadOptions::default(),
        },
        from: None,
        until: None,
        seed: 1,
        steps: None,
    };
    let mut library = Vec::new();
    let mut outcome = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        match plan::suggest(&options) {
            Ok(s) => {
                library.push(t.elapsed());
                outcome = format!(
                    "{} rotation-rule findings; {}",
                    s.findings.len(),
                    s.explanation
                        .lines()
                        .find(|l| l.contains("moves tried"))
                        .unwrap_or("")
                        .trim()
                );
            }
            Err(e) => {
                eprintln!("suggest failed: {e}");
                std::process::exit(1);
            }
        }
    }
    println!(
        "suggest {PEOPLE} people, {WEEKS} weekly shifts (library): {} [{outcome}]",
        summary(library)
    );
    let exe = env!("CARGO_BIN_EXE_steward");
    let mut binary = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(exe)
            .args(["suggest", "--rotation", "platform-oncall", "--seed", "1"])
            .arg("--today")
            .arg(today.to_string())
            .arg(dir.path())
            .output();
        binary.push(t.elapsed());
        match out {
            Ok(o) if o.status.code() == Some(0) || o.status.code() == Some(1) => {}
            Ok(o) => {
                eprintln!(
                    "steward suggest exited {:?}: {}",
                    o.status.code(),
                    String::from_utf8_lossy(&o.stderr)
                );
                std::process::exit(1);
            }
            Err(e) => {
                eprintln!("cannot run {exe}: {e}");
                std::process::exit(1);
            }
        }
    }
    println!(
        "suggest {PEOPLE} people, {WEEKS} weekly shifts (binary, end to end): {}",
        summary(binary)
    );
}
