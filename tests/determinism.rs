//! Same input, byte-identical output: across runs, thread counts, and the order
//! in which the filesystem lists files.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

/// Every `--format` of `steward check`.
const FORMATS: &[&str] = &["human", "json", "sarif", "github", "junit", "markdown"];

fn run(dir: &Path, format: &str, threads: usize) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(["check", ".", "--today", common::TODAY, "--format", format])
        .env("RAYON_NUM_THREADS", threads.to_string())
        .current_dir(dir)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{format}");
    out.stdout
}

fn copy_tree(from: &Path, to: &Path, reverse: bool) {
    fs::create_dir_all(to).expect("mkdir");
    let mut entries: Vec<_> = fs::read_dir(from)
        .expect("read")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    if reverse {
        entries.reverse();
    }
    for path in entries {
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target, reverse);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}

#[test]
fn ten_runs_any_thread_count_any_listing_order() {
    let forward = tempfile::tempdir().expect("tempdir");
    let backward = tempfile::tempdir().expect("tempdir");
    let src = common::repo().join("examples/broken");
    // Files created in opposite orders are listed by the filesystem in
    // different orders on most filesystems.
    copy_tree(&src, forward.path(), false);
    copy_tree(&src, backward.path(), true);
    for format in FORMATS {
        let reference = run(forward.path(), format, 1);
        assert!(!reference.is_empty());
        for i in 0..10 {
            let threads = [1, 2, 4, 8][i % 4];
            assert_eq!(
                run(forward.path(), format, threads),
                reference,
                "{format}, {threads} threads"
            );
            assert_eq!(
                run(backward.path(), format, threads),
                reference,
                "{format}, reversed listing"
            );
        }
    }
}
