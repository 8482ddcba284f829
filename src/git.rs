//! Reading a git revision, read-only: the one module that talks to git.
//!
//! steward runs the `git` binary (see docs/design.md, "Reading a
//! revision"): `git rev-parse` finds the repository and resolves the
//! revision, `git ls-tree -r -z -l` lists the files of a directory at that
//! commit, and one `git cat-file --batch` process streams every blob wanted.
//! None of these touch the index or the working tree. Arguments are passed
//! as an argument vector, never through a shell; the revision is resolved
//! after `--end-of-options`, so a revision starting with `-` is not an
//! option; paths never reach git's command line (the subtree is named as
//! `COMMIT:PREFIX`, and blobs by object id on stdin).

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Why a revision cannot be read (the command exits 2 with this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// The `git` program could not be started.
    NoGit(String),
    /// The directory is not inside a git repository.
    NotARepository { dir: PathBuf, reason: String },
    /// The revision names no commit.
    UnknownRevision {
        rev: String,
        reason: String,
        shallow: bool,
    },
    /// git failed otherwise.
    Failed(String),
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::NoGit(reason) => write!(
                f,
                "cannot run `git` ({reason}); --base and `steward diff` read the revision with it: install git or put it on PATH"
            ),
            GitError::NotARepository { dir, reason } => {
                write!(
                    f,
                    "`{}` is not in a git repository, so there is no revision to compare with",
                    dir.display()
                )?;
                if !reason.is_empty() {
                    write!(f, " (git: {reason})")?;
                }
                Ok(())
            }
            GitError::UnknownRevision {
                rev,
                reason,
                shallow,
            } => {
                write!(f, "unknown revision `{rev}`: it names no commit")?;
                if !reason.is_empty() {
                    write!(f, " (git: {reason})")?;
                }
                if *shallow {
                    write!(f, "; this clone is shallow, so {}", fetch_hint(rev))?;
                }
                Ok(())
            }
            GitError::Failed(reason) => write!(f, "git failed: {reason}"),
        }
    }
}

/// How to bring a revision a shallow clone lacks, in the revision's own
/// terms: history behind a commit it has (`HEAD~2`), a commit by id, a
/// branch of `origin` (`origin/main`), or a name `origin` knows.
fn fetch_hint(rev: &str) -> String {
    let hex = rev.len() >= 7 && rev.len() <= 64 && rev.bytes().all(|b| b.is_ascii_hexdigit());
    if hex {
        return format!("fetch the commit first: `git fetch --depth=1 origin {rev}`");
    }
    if rev.contains(['~', '^', '@', ':']) {
        // `HEAD~N` needs N more commits of history; other expressions, all.
        let behind_head = rev
            .strip_prefix("HEAD~")
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| *n > 0);
        return match behind_head {
            Some(n) => format!("fetch the history it names first: `git fetch --deepen={n}`"),
            None => "fetch the history it names first: `git fetch --unshallow`".to_string(),
        };
    }
    match rev.strip_prefix("origin/") {
        Some(branch) if !branch.is_empty() => format!(
            "fetch the branch first: `git fetch --depth=1 origin {branch}:refs/remotes/origin/{branch}`"
        ),
        _ => format!(
            "fetch it first: `git fetch --depth=1 origin {rev}`, then compare with `--base FETCH_HEAD`"
        ),
    }
}

/// A resolved commit: its full object id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    /// The revision as the user wrote it (`HEAD~1`, `origin/main`).
    pub rev: String,
}

/// What a tree entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular (or executable) file.
    File,
    /// A symbolic link: the blob holds the target path.
    Symlink,
    /// A submodule (a commit recorded in the tree): a repository of its own.
    Submodule,
}

/// A file of a tree at some commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the listed directory, `/`-separated.
    pub path: String,
    pub kind: EntryKind,
    /// Object id (a blob, or for a submodule a commit).
    pub id: String,
    /// Size in bytes of a blob.
    pub size: Option<u64>,
}

/// A git repository, found from a directory inside it.
#[derive(Debug, Clone)]
pub struct Repository {
    /// The top of the working tree.
    pub toplevel: PathBuf,
    /// The directory it was found from, relative to `toplevel`, with a
    /// trailing `/` (`examples/acme/`), or `""` at the top.
    pub prefix: String,
}

/// `git` with the options every call shares: run in `dir`, no optional
/// locks (reading must never write `index.lock`), no prompt for credentials.
fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    command
}

fn run(mut command: Command) -> Result<Output, GitError> {
    command.output().map_err(|e| GitError::NoGit(e.to_string()))
}

/// git's own message, first line, without its `fatal: ` prefix.
fn reason(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim()
        .trim_start_matches("fatal: ")
        .trim_start_matches("error: ")
        .to_string()
}

fn stdout_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .trim_end_matches(['\n', '\r'])
        .to_string()
}

impl Repository {
    /// The repository `dir` lies in.
    pub fn discover(dir: &Path) -> Result<Repository, GitError> {
        let mut command = git(dir);
        command.args(["rev-parse", "--show-toplevel", "--show-prefix"]);
        let output = run(command)?;
        if !output.status.success() {
            return Err(GitError::NotARepository {
                dir: dir.to_path_buf(),
                reason: reason(&output),
            });
        }
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let mut lines = text.lines();
        let toplevel = lines.next().unwrap_or_default().trim_end_matches('\r');
        let prefix = lines.next().unwrap_or_default().trim_end_matches('\r');
        if toplevel.is_empty() {
            // A bare repository, or `dir` inside `.git`: no working tree.
            return Err(GitError::NotARepository {
                dir: dir.to_path_buf(),
                reason: "no working tree".to_string(),
            });
        }
        Ok(Repository {
            toplevel: PathBuf::from(toplevel),
            prefix: prefix.to_string(),
        })
    }

    /// Resolves `rev` to a commit.
    pub fn resolve(&self, rev: &str) -> Result<Commit, GitError> {
        let unknown = |reason: String| GitError::UnknownRevision {
            rev: rev.to_string(),
            reason,
            shallow: self.is_shallow(),
        };
        if rev.is_empty() {
            return Err(unknown("the revision is empty".to_string()));
        }
        let mut command = git(&self.toplevel);
        command
            .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
            .arg(format!("{rev}^{{commit}}"));
        let output = run(command)?;
        let id = stdout_line(&output);
        if !output.status.success() || id.is_empty() {
            return Err(unknown(reason(&output)));
        }
        Ok(Commit {
            id,
            rev: rev.to_string(),
        })
    }

    fn is_shallow(&self) -> bool {
        let mut command = git(&self.toplevel);
        command.args(["rev-parse", "--is-shallow-repository"]);
        run(command).is_ok_and(|o| stdout_line(&o) == "true")
    }

    /// Every file below `dir` (relative to the top, `a/b/` or `""`) at
    /// `commit`, recursively; empty when the directory did not exist then.
    pub fn files(&self, commit: &Commit, dir: &str) -> Result<Vec<Entry>, GitError> {
        let dir = dir.trim_end_matches('/');
        // The commit's root tree, or the subtree `COMMIT:a/b` (everything
        // after the colon is a path, so nothing may follow it).
        let tree = if dir.is_empty() {
            format!("{}^{{tree}}", commit.id)
        } else {
            format!("{}:{dir}", commit.id)
        };
        let mut kind = git(&self.toplevel);
        kind.args(["cat-file", "-t", "--end-of-options"]).arg(&tree);
        let kind = run(kind)?;
        if !kind.status.success() || stdout_line(&kind) != "tree" {
            // The directory did not exist at that commit.
            return Ok(Vec::new());
        }
        let mut command = git(&self.toplevel);
        command
            .args(["ls-tree", "-r", "-z", "-l", "--end-of-options"])
            .arg(&tree);
        let output = run(command)?;
        if !output.status.success() {
            return Err(GitError::Failed(reason(&output)));
        }
        parse_ls_tree(&output.stdout)
    }

    /// The contents of the blobs `ids`, in one `git cat-file --batch` run.
    pub fn read_blobs(&self, ids: &[&str]) -> Result<HashMap<String, Vec<u8>>, GitError> {
        let mut out = HashMap::with_capacity(ids.len());
        if ids.is_empty() {
            return Ok(out);
        }
        let mut command = git(&self.toplevel);
        command
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|e| GitError::NoGit(e.to_string()))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| GitError::Failed("no stdin for git cat-file".to_string()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| GitError::Failed("no stdout for git cat-file".to_string()))?;
        // Written from another thread: git answers while it reads, and a full
        // pipe on either side would otherwise stall both.
        let request: Vec<u8> = ids
            .iter()
            .flat_map(|id| id.bytes().chain(std::iter::once(b'\n')))
            .collect();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&request);
            // Dropping stdin closes it: git stops after the last answer.
        });
        let mut reader = BufReader::new(stdout);
        let result = ids.iter().try_for_each(|id| {
            read_one(&mut reader, id).map(|bytes| drop(out.insert((*id).to_string(), bytes)))
        });
        let _ = writer.join();
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        let status = child.wait().map_err(|e| GitError::Failed(e.to_string()))?;
        result?;
        if !status.success() {
            return Err(GitError::Failed(stderr.trim().to_string()));
        }
        Ok(out)
    }
}

impl Repository {
    /// The first `limit` bytes of a blob, without reading the rest.
    pub fn read_blob_head(&self, id: &str, limit: u64) -> Result<Vec<u8>, GitError> {
        let mut command = git(&self.toplevel);
        command
            .args(["cat-file", "blob", "--end-of-options", id])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = command
            .spawn()
            .map_err(|e| GitError::NoGit(e.to_string()))?;
        let mut bytes = Vec::new();
        let read = match child.stdout.take() {
            Some(out) => out.take(limit).read_to_end(&mut bytes).map(drop),
            None => Ok(()),
        };
        // The rest is not wanted: stop git rather than drain it.
        let _ = child.kill();
        let _ = child.wait();
        read.map_err(|e| GitError::Failed(format!("reading object {id}: {e}")))?;
        Ok(bytes)
    }
}

/// Reads one `cat-file --batch` answer: `<id> blob <size>\n<bytes>\n`.
fn read_one(reader: &mut impl BufRead, id: &str) -> Result<Vec<u8>, GitError> {
    let mut header = Vec::new();
    reader
        .read_until(b'\n', &mut header)
        .map_err(|e| GitError::Failed(format!("reading git cat-file: {e}")))?;
    let header = String::from_utf8_lossy(&header);
    let fields: Vec<&str> = header.split_whitespace().collect();
    let size = match fields.as_slice() {
        [_, "blob", size] => size
            .parse::<usize>()
            .map_err(|_| GitError::Failed(format!("git cat-file answered `{}`", header.trim())))?,
        _ => {
            return Err(GitError::Failed(format!(
                "object {id} is not a readable blob (git cat-file: `{}`)",
                header.trim()
            )))
        }
    };
    let mut bytes = Vec::new();
    reader
        .take(size as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| GitError::Failed(format!("reading git cat-file: {e}")))?;
    if bytes.len() != size {
        return Err(GitError::Failed(format!(
            "git cat-file ended inside object {id}"
        )));
    }
    let mut newline = [0u8; 1];
    reader
        .read_exact(&mut newline)
        .map_err(|e| GitError::Failed(format!("reading git cat-file: {e}")))?;
    Ok(bytes)
}

/// Parses `git ls-tree -r -z -l`: `<mode> <type> <id> <size>\t<path>\0`.
fn parse_ls_tree(bytes: &[u8]) -> Result<Vec<Entry>, GitError> {
    let mut entries = Vec::new();
    for record in bytes.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let malformed = || {
            GitError::Failed(format!(
                "unexpected git ls-tree output `{}`",
                String::from_utf8_lossy(record)
            ))
        };
        let tab = record
            .iter()
            .position(|b| *b == b'\t')
            .ok_or_else(malformed)?;
        let (meta, path) = (&record[..tab], &record[tab + 1..]);
        let meta = std::str::from_utf8(meta).map_err(|_| malformed())?;
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, kind, id, size] = fields.as_slice() else {
            return Err(malformed());
        };
        let kind = match (*mode, *kind) {
            ("120000", "blob") => EntryKind::Symlink,
            (_, "blob") => EntryKind::File,
            (_, "commit") => EntryKind::Submodule,
            _ => continue,
        };
        // Git stores path bytes; a name that is not UTF-8 cannot be a
        // steward file on any system steward reads as text, so it is skipped.
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        entries.push(Entry {
            path: path.to_string(),
            kind,
            id: (*id).to_string(),
            size: size.parse().ok(),
        });
    }
    Ok(entries)
}

/// Whether `path` (relative, `/`-separated) is `dir` or lies below it.
pub fn is_within(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty()
        || dir == "."
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The file name part of a `/`-separated path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_tree_output_is_parsed_without_trusting_it() {
        let text = b"100644 blob aaaa     12\tteam.yaml\0\
120000 blob bbbb      9\tlink.yaml\0\
160000 commit cccc       -\tvendor/sub\0\
100755 blob dddd    100\tdir with space/x.yml\0";
        let entries = parse_ls_tree(text).expect("parses");
        let summary: Vec<(String, EntryKind, Option<u64>)> = entries
            .into_iter()
            .map(|e| (e.path, e.kind, e.size))
            .collect();
        assert_eq!(
            summary,
            [
                ("team.yaml".to_string(), EntryKind::File, Some(12)),
                ("link.yaml".to_string(), EntryKind::Symlink, Some(9)),
                ("vendor/sub".to_string(), EntryKind::Submodule, None),
                (
                    "dir with space/x.yml".to_string(),
                    EntryKind::File,
                    Some(100)
                ),
            ]
        );
        assert!(parse_ls_tree(b"garbage\0").is_err());
        assert!(parse_ls_tree(b"").expect("empty").is_empty());
    }

    #[test]
    fn cat_file_answers_are_read_exactly() {
        let mut answer: &[u8] = b"aaaa blob 3\nabc\nbbbb blob 0\n\n";
        assert_eq!(read_one(&mut answer, "aaaa").expect("blob"), b"abc");
        assert_eq!(read_one(&mut answer, "bbbb").expect("empty blob"), b"");
        let mut missing: &[u8] = b"cccc missing\n";
        assert!(read_one(&mut missing, "cccc").is_err());
        let mut short: &[u8] = b"dddd blob 10\nabc";
        assert!(read_one(&mut short, "dddd").is_err());
    }

    #[test]
    fn within_means_the_directory_or_below_it() {
        assert!(is_within("a/b.yaml", ""));
        assert!(is_within("a/b.yaml", "a"));
        assert!(is_within("a/b.yaml", "a/"));
        assert!(is_within("a", "a"));
        assert!(!is_within("ab/c.yaml", "a"));
        assert!(!is_within("b.yaml", "a"));
    }
}
