//! The walk of a workspace's directories (SPEC §7): sorted by name, each
//! directory's subdirectories walked in parallel and joined in order, so the
//! result does not depend on threads.
//!
//! Symlinks are followed when their target lies inside the root; one
//! leaving it, a loop back to a directory above, an unreadable directory and
//! a dangling link to YAML are error entries, and so is a YAML-named entry
//! that is not a regular file (a FIFO: read without blocking, reported).
//! Hidden directories and `target/` are skipped; with `nested_roots`, a
//! directory holding `steward.yaml` or `.git` is a workspace of its own:
//! recorded, not entered, and so is a symlink whose target lies in one
//! (each real file belongs to one workspace). [`super::root::locate`]
//! judges a PATH by these rules.
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
    /// A workspace of its own: the entry's path, and the nested root (or,
    /// for a symlink, its target in a nested workspace), canonical.
    Nested(PathBuf, PathBuf),
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
    nested: Vec<(PathBuf, PathBuf)>,
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
            Step::Nested(path, real) => self.nested.push((path, real)),
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

    /// Whether a symlink's target (canonical, inside the root) lies in a
    /// workspace nested in this one: a directory from it up to the root
    /// holds `steward.yaml` or `.git`. Then the target is that workspace's,
    /// not this one's. Symlinks only: a few calls each, none for plain
    /// entries.
    fn in_nested(&self, target: &Path, is_dir: bool) -> bool {
        self.nested_roots && root::nested_root_of(target, is_dir, self.root).is_some()
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
        let (is_dir, link_id) = if is_link {
            match fs::metadata(&path) {
                Ok(meta) => (meta.is_dir(), Some(identity(&path, &meta))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !is_yaml_name(&path) => {
                    return None
                }
                Err(e) => return Some(cannot_read(&path, &e)),
            }
        } else {
            (file_type.is_dir(), None)
        };
        if let (true, Some(id)) = (is_dir, link_id) {
            if let Some(ancestor) = here.find(id) {
                // The link's path is in the message: a report without a
                // snippet (human) may wrap the message, not name the file.
                let cwd = current_dir();
                let reason = format!(
                    "`{}` is a symlink loop: it leads back to `{}`; it was not followed",
                    display_path(&path, &cwd),
                    display_path(ancestor, &cwd)
                );
                return Some(Step::Error(path, reason));
            }
        }
        if is_dir && root::is_skipped_dir(name) {
            return None;
        }
        // A link's target, canonical: each real file is read once.
        let mut target = None;
        if is_link && (is_dir || is_yaml_name(&path)) {
            match fs::canonicalize(&path) {
                Ok(real) if real.starts_with(self.root) => {
                    if self.in_nested(&real, is_dir) {
                        return Some(Step::Nested(path, real));
                    }
                    target = Some(real);
                }
                Ok(real) => {
                    let cwd = current_dir();
                    let reason = format!(
                        "`{}` is a symlink to `{}`, outside the workspace root; it was not followed",
                        display_path(&path, &cwd),
                        display_path(&real, &cwd)
                    );
                    return Some(Step::Outside(path, reason));
                }
                Err(_) => {}
            }
        } else if self.nested_roots && is_dir && root::is_nested_root(&path) {
            let real = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            return Some(Step::Nested(path, real));
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
        // A YAML file; a YAML name that is not a regular file (a FIFO, a
        // device) is opened without blocking and reported as not one.
        if is_yaml_name(&path) {
            let real = match target {
                Some(real) => Some(real),
                None => (linked || is_link)
                    .then(|| fs::canonicalize(&path).unwrap_or_else(|_| path.clone())),
            };
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
