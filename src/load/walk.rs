//! The walk of a workspace's directories (SPEC §7): sorted by name, each
//! directory's subdirectories walked in parallel and joined in order, so the
//! result does not depend on threads.
//!
//! Symlinks are followed when their target lies inside the root; one
//! leaving it, a loop back to a directory above, an unreadable directory and
//! a dangling link to YAML are error entries. Hidden directories and
//! `target/` are skipped; with `nested_roots`, a directory holding
//! `steward.yaml` or `.git` is a workspace of its own: recorded, not entered.
//!
//! Its own code rather than walkdir's: walkdir walks one directory at a time
//! on one thread, parses a path at each comparison of its sort, and opens
//! every directory twice (the listing and a handle for loop checks); at 10k
//! files the walk was the largest part of a check that did not run in
//! parallel.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{current_dir, display_path, io_reason, is_yaml_name, root, Candidate, Walked};

/// What a walk is for: the root files must stay in, and how they are marked.
struct Walk<'a> {
    root: &'a Path,
    root_index: usize,
    nested_roots: bool,
}

/// A directory being walked, and the ones above it (to notice a link back
/// to one of them).
struct Ancestor<'a> {
    id: (u64, u64),
    path: &'a Path,
    parent: Option<&'a Ancestor<'a>>,
}

impl Ancestor<'_> {
    fn find(&self, id: (u64, u64)) -> Option<&Path> {
        let mut at = Some(self);
        while let Some(ancestor) = at {
            if ancestor.id == id {
                return Some(ancestor.path);
            }
            at = ancestor.parent;
        }
        None
    }
}

/// One entry's outcome, in walk order.
enum Step {
    File(Candidate),
    Error(PathBuf, String),
    /// A symlink leaving the root (listed after the walk's other errors).
    Outside(PathBuf, String),
    Nested(PathBuf),
    Dir {
        path: PathBuf,
        id: (u64, u64),
        linked: bool,
    },
    Walked(Found),
}

/// What the walk of a directory found, in order.
#[derive(Default)]
struct Found {
    candidates: Vec<Candidate>,
    errors: Vec<(PathBuf, String, bool)>,
    outside: Vec<(PathBuf, String, bool)>,
    nested: Vec<PathBuf>,
}

impl Step {
    /// How many candidates adding this step adds.
    fn candidates(&self) -> usize {
        match self {
            Step::File(_) => 1,
            Step::Walked(found) => found.candidates.len(),
            _ => 0,
        }
    }
}

impl Found {
    fn add(&mut self, step: Step) {
        match step {
            Step::File(candidate) => self.candidates.push(candidate),
            Step::Error(path, reason) => self.errors.push((path, reason, true)),
            Step::Outside(path, reason) => self.outside.push((path, reason, true)),
            Step::Nested(path) => self.nested.push(path),
            Step::Walked(found) => {
                self.candidates.extend(found.candidates);
                self.errors.extend(found.errors);
                self.outside.extend(found.outside);
                self.nested.extend(found.nested);
            }
            // Walked before they are added.
            Step::Dir { .. } => {}
        }
    }
}

/// Walks `dir` (see the module doc) into `walked`.
pub(super) fn walk(
    dir: &Path,
    root: &Path,
    root_index: usize,
    nested_roots: bool,
    walked: &mut Walked,
) {
    let base = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let walk = Walk {
        root,
        root_index,
        nested_roots,
    };
    let found = match fs::metadata(&base) {
        Ok(meta) => {
            let top = Ancestor {
                id: identity(&base, &meta),
                path: &base,
                parent: None,
            };
            walk.directory(&base, &top, false)
        }
        Err(e) => {
            let mut found = Found::default();
            found.add(cannot_read(&base, &e));
            found
        }
    };
    if walked.candidates.is_empty() {
        // The usual case, one walk: its list taken as is, not copied.
        walked.candidates = found.candidates;
    } else {
        walked.candidates.extend(found.candidates);
    }
    walked.errors.extend(found.errors);
    walked.errors.extend(found.outside);
    walked.nested.extend(found.nested);
}

impl Walk<'_> {
    /// The walk below `dir` (`here` is `dir` itself); `linked`: entered
    /// through a symlink, so its files need their real path.
    fn directory(&self, dir: &Path, here: &Ancestor<'_>, linked: bool) -> Found {
        let mut found = Found::default();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                found.add(cannot_read(dir, &e));
                return found;
            }
        };
        let mut listed: Vec<(OsString, fs::FileType)> = Vec::new();
        for entry in entries {
            match entry.and_then(|e| Ok((e.file_name(), e.file_type()?))) {
                // Most files are not YAML (runbooks): neither sorted nor
                // given a path.
                Ok((name, file_type)) if file_type.is_file() && !is_yaml_name(Path::new(&name)) => {
                }
                Ok(entry) => listed.push(entry),
                Err(e) => found.add(cannot_read(dir, &e)),
            }
        }
        listed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let steps: Vec<Step> = listed
            .into_iter()
            .filter_map(|(name, file_type)| {
                self.entry(dir.join(&name), &name, file_type, here, linked)
            })
            .collect();
        let walked: Vec<Step> = if steps
            .iter()
            .filter(|s| matches!(s, Step::Dir { .. }))
            .count()
            > 1
        {
            steps
                .into_par_iter()
                .with_max_len(1) // one directory may hold most files
                .map(|step| self.descend(step, here))
                .collect()
        } else {
            steps
                .into_iter()
                .map(|step| self.descend(step, here))
                .collect()
        };
        // Room for all at once: the candidates of a large tree are copied
        // up once per level, not again at each doubling.
        let candidates: usize = walked.iter().map(Step::candidates).sum();
        found.candidates.reserve_exact(candidates);
        for step in walked {
            found.add(step);
        }
        found
    }

    fn descend(&self, step: Step, here: &Ancestor<'_>) -> Step {
        match step {
            Step::Dir { path, id, linked } => {
                let below = Ancestor {
                    id,
                    path: &path,
                    parent: Some(here),
                };
                Step::Walked(self.directory(&path, &below, linked))
            }
            other => other,
        }
    }

    /// What one entry of a directory is to the walk; `None`: nothing.
    fn entry(
        &self,
        path: PathBuf,
        name: &OsString,
        file_type: fs::FileType,
        here: &Ancestor<'_>,
        linked: bool,
    ) -> Option<Step> {
        let is_link = file_type.is_symlink();
        // A link is what it leads to; a dangling one to YAML is reported.
        let (is_dir, is_file, link_id) = if is_link {
            match fs::metadata(&path) {
                Ok(meta) => (meta.is_dir(), meta.is_file(), Some(identity(&path, &meta))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !is_yaml_name(&path) => {
                    return None
                }
                Err(e) => return Some(cannot_read(&path, &e)),
            }
        } else {
            (file_type.is_dir(), file_type.is_file(), None)
        };
        if let (true, Some(id)) = (is_dir, link_id) {
            if let Some(ancestor) = here.find(id) {
                let reason = format!(
                    "a symlink loop: it leads back to `{}`; it was not followed",
                    display_path(ancestor, &current_dir())
                );
                return Some(Step::Error(path, reason));
            }
        }
        if is_dir {
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "target" {
                return None;
            }
        }
        if is_link && (is_dir || is_yaml_name(&path)) {
            match fs::canonicalize(&path) {
                Ok(target) if target.starts_with(self.root) => {}
                Ok(target) => {
                    let reason = format!(
                        "a symlink to `{}`, outside the workspace root; it was not followed",
                        target.display()
                    );
                    return Some(Step::Outside(path, reason));
                }
                Err(_) => {}
            }
        }
        if self.nested_roots && is_dir && root::is_nested_root(&path) {
            return Some(Step::Nested(
                fs::canonicalize(&path).unwrap_or_else(|_| path.clone()),
            ));
        }
        if is_dir {
            // A plain directory's identity, for the loop check below it.
            let id = match (link_id, fs::metadata(&path)) {
                (Some(id), _) => id,
                (None, Ok(meta)) => identity(&path, &meta),
                (None, Err(e)) => return Some(cannot_read(&path, &e)),
            };
            return Some(Step::Dir {
                path,
                id,
                linked: linked || is_link,
            });
        }
        if is_file && is_yaml_name(&path) {
            let real = (linked || is_link)
                .then(|| fs::canonicalize(&path).unwrap_or_else(|_| path.clone()));
            return Some(Step::File(Candidate {
                path,
                real,
                root: self.root_index,
                repo_relative: None,
                reported: true,
            }));
        }
        None
    }
}

fn cannot_read(path: &Path, e: &std::io::Error) -> Step {
    let shown = display_path(path, &current_dir());
    Step::Error(
        path.to_path_buf(),
        format!("cannot read `{shown}`: {}", io_reason(e)),
    )
}

/// The device and inode of a file: the same directory reached twice.
#[cfg(unix)]
fn identity(_path: &Path, meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Elsewhere: the canonical path, hashed (links are resolved by it).
#[cfg(not(unix))]
fn identity(path: &Path, _meta: &fs::Metadata) -> (u64, u64) {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .hash(&mut hasher);
    (hasher.finish(), 0)
}
