//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use steward::check::{self, CheckOptions, Outcome};
use steward::load::LoadOptions;

/// "Today" for every test: time-relative rules must not depend on the clock.
pub const TODAY: &str = "2026-06-01";

pub fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("valid date")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    repo().join("fixtures").join(path)
}

/// Runs the library check on paths.
pub fn check_paths(paths: &[PathBuf]) -> Outcome {
    let options = CheckOptions {
        paths: paths.to_vec(),
        policy: None,
        today: today(),
        load: LoadOptions::default(),
    };
    match check::check(&options) {
        Ok(outcome) => outcome,
        Err(e) => panic!("check failed: {e:?}"),
    }
}

/// The real binary, run from `cwd`.
pub fn steward(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100")
        .output()
        .expect("run steward")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// One line per finding: `file:line:column: severity[rule] message`.
pub fn lines(outcome: &Outcome) -> String {
    outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| {
            format!(
                "{}:{}:{}: {}[{}] {}\n",
                f.path, f.start.line, f.start.column, f.severity, f.rule, f.message
            )
        })
        .collect()
}

/// Runs a command with piped output and a deadline: a hang (an opened FIFO,
/// an unbounded loop) fails the test with `what` instead of blocking the suite.
pub fn run_with_deadline(command: &mut Command, limit: Duration, what: &str) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{what} (no exit within {limit:?})");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}
