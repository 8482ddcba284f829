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

/// The real binary with `--today` [`TODAY`] appended.
pub fn steward_today(cwd: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--today", TODAY]);
    steward(cwd, &all)
}

/// Stdout parsed as JSON; a panic showing both streams otherwise.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(output),
            stderr(output)
        )
    })
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

/// Runs git in `dir` with a fixed identity and none of the user's
/// configuration; panics with git's message when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "steward tests")
        .env("GIT_AUTHOR_EMAIL", "tests@example.com")
        .env("GIT_COMMITTER_NAME", "steward tests")
        .env("GIT_COMMITTER_EMAIL", "tests@example.com")
        .env("GIT_AUTHOR_DATE", "2026-06-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-06-01T12:00:00Z")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        stderr(&output)
    );
    stdout(&output)
}

/// A new git repository in `dir`, on branch `main`.
pub fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
}

/// Stages everything and commits it.
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
}

/// Copies the files of `from` (recursively) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Replaces everything in `dir` but `.git` with the files of `from`.
pub fn replace_files(dir: &Path, from: &Path) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let entry = entry.expect("entry");
        if entry.file_name() == ".git" {
            continue;
        }
        if entry.file_type().expect("type").is_dir() {
            std::fs::remove_dir_all(entry.path()).expect("remove dir");
        } else {
            std::fs::remove_file(entry.path()).expect("remove file");
        }
    }
    copy_dir(from, dir);
}

/// `steward check --base REV` on paths, through the library.
pub fn check_with_base(paths: &[PathBuf], rev: &str) -> check::Combined {
    let options = CheckOptions {
        paths: paths.to_vec(),
        policy: None,
        today: today(),
        load: LoadOptions::default(),
    };
    match steward::review::check_all(&options, Some(rev)) {
        Ok(outcomes) => check::Combined::new(outcomes),
        Err(e) => panic!("check --base {rev} failed: {e:?}"),
    }
}

/// A git repository in a temporary directory whose last commit holds the
/// files of `base` and whose working tree holds those of `head`; `--base
/// HEAD` compares the two.
pub fn repo_with_base(base: &Path, head: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    init_repo(dir.path());
    copy_dir(base, dir.path());
    commit_all(dir.path(), "base");
    replace_files(dir.path(), head);
    dir
}
