//! Pull-request review (SPEC §11): the workspace as it is at a git revision,
//! loaded read-only and judged by the same loader, root rules and policy
//! resolution as the files on disk, so the two can be compared:
//! `check --base` (the `schedule-change` rule), `--only-new`, and
//! `steward diff` ([`diff`]).

pub mod changes;
pub mod diff;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::check::{self, CheckError, CheckOptions, Loaded, Outcome, Scope};
use crate::git::{self, Commit, Entry, EntryKind, GitError, Repository};
use crate::load::root::{Marker, Root, CONFIG_FILE};
use crate::load::{self, FileAt};
use crate::model::Model;
use crate::report::fingerprint::Counts;
use crate::runbook::{self, Files, RunbookIndex, RunbookProblem};
use crate::workspace::Workspace;

impl From<GitError> for CheckError {
    fn from(e: GitError) -> Self {
        CheckError::Fatal(e.to_string())
    }
}

/// A git revision to compare with (`--base REV`, `steward diff REV`),
/// resolved once per repository.
pub struct Revision {
    rev: String,
    /// Repository top-level directory -> its resolved commit.
    resolved: Mutex<HashMap<PathBuf, Commit>>,
}

impl Revision {
    pub fn new(rev: impl Into<String>) -> Revision {
        Revision {
            rev: rev.into(),
            resolved: Mutex::new(HashMap::new()),
        }
    }

    pub fn rev(&self) -> &str {
        &self.rev
    }

    /// The commits the revision resolved to so far, one per repository.
    pub fn commits(&self) -> Vec<Commit> {
        let mut commits: Vec<Commit> = self
            .resolved
            .lock()
            .map(|r| r.values().cloned().collect())
            .unwrap_or_default();
        commits.sort_by(|a, b| a.id.cmp(&b.id));
        commits.dedup();
        commits
    }

    /// The commit the revision names in `repository`.
    fn commit(&self, repository: &Repository) -> Result<Commit, GitError> {
        let mut resolved = self
            .resolved
            .lock()
            .map_err(|_| GitError::Failed("a revision lookup failed earlier".to_string()))?;
        if let Some(commit) = resolved.get(&repository.toplevel) {
            return Ok(commit.clone());
        }
        let commit = repository.resolve(&self.rev)?;
        resolved.insert(repository.toplevel.clone(), commit.clone());
        Ok(commit)
    }

    /// The workspace of `scope` as it is at the revision: the same root
    /// directory, its files read from git (never from the working tree), its
    /// `steward.yaml` at the revision, the same walk rules (hidden
    /// directories, `target/` and nested workspaces skipped).
    pub fn load(&self, scope: &Scope, options: &CheckOptions) -> Result<Loaded, CheckError> {
        let repository = Repository::discover(&scope.root.dir)?;
        let commit = self.commit(&repository)?;
        let entries = repository.files(&commit, &repository.prefix)?;
        let tree = Tree::new(&scope.root.dir, entries);
        let asked: Vec<String> = scope
            .asked
            .iter()
            .filter_map(|a| relative_to(a, &scope.root.dir))
            .collect();
        let wanted = tree.workspace_files(&asked, options.load.max_file_size);
        let mut ids: Vec<&str> = wanted.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let blobs = repository.read_blobs(&ids)?;
        let files: Vec<FileAt> = wanted
            .iter()
            .map(|entry| FileAt {
                relative: entry.path.clone(),
                // Files with the same contents share one blob.
                bytes: blobs.get(&entry.id).cloned().unwrap_or_default(),
                reported: asked.iter().any(|a| git::is_within(&entry.path, a)),
            })
            .collect();
        let workspace = load::load_files(
            &scope.root.dir,
            repository.prefix.clone(),
            files,
            &options.load,
        );
        // The root is the same directory; its `steward.yaml` at the revision
        // (if it had one) holds the policy.
        let root = Root {
            dir: scope.root.dir.clone(),
            marker: if tree.is_file(CONFIG_FILE) {
                Marker::Config
            } else {
                Marker::Git
            },
            repository: Some(repository.toplevel.clone()),
        };
        let runbooks = |workspace: &Workspace, model: &Model, required: &[String]| {
            tree.runbooks(workspace, model, &repository, required)
        };
        check::analyse_with(workspace, options, Some(&root), &runbooks)
    }
}

/// The path of `path` (canonical) below `root`, `/`-separated; `""` for the
/// root itself.
fn relative_to(path: &Path, root: &Path) -> Option<String> {
    let inside = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = inside
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Some(parts.join("/"))
}

/// The files below a workspace root at a revision.
struct Tree {
    root: PathBuf,
    /// By path relative to the root.
    entries: BTreeMap<String, Entry>,
    /// Every directory holding an entry, relative to the root (not `""`).
    dirs: BTreeSet<String>,
    /// Directories below the root that are workspaces of their own at the
    /// revision: they hold `steward.yaml`, or are submodules.
    nested: Vec<String>,
    /// The contents of symlinks (their targets), read when first needed.
    links: Mutex<HashMap<String, Option<String>>>,
    /// Runbook contents, read before the runbook index is built.
    contents: Mutex<HashMap<String, Result<Vec<u8>, String>>>,
}

/// Whether a directory name is one the walk skips (SPEC §4: hidden
/// directories and `target/`).
fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}

fn is_yaml_name(path: &str) -> bool {
    let name = git::file_name(path);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml"))
}

impl Tree {
    fn new(root: &Path, list: Vec<Entry>) -> Tree {
        let mut entries = BTreeMap::new();
        let mut dirs = BTreeSet::new();
        let mut nested = Vec::new();
        for entry in list {
            let mut dir = entry.path.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                dirs.insert(parent.to_string());
                dir = parent;
            }
            match entry.kind {
                EntryKind::Submodule => nested.push(entry.path.clone()),
                EntryKind::File if git::file_name(&entry.path) == CONFIG_FILE => {
                    if let Some((dir, _)) = entry.path.rsplit_once('/') {
                        nested.push(dir.to_string());
                    }
                }
                _ => {}
            }
            entries.insert(entry.path.clone(), entry);
        }
        Tree {
            root: root.to_path_buf(),
            entries,
            dirs,
            nested,
            links: Mutex::new(HashMap::new()),
            contents: Mutex::new(HashMap::new()),
        }
    }

    fn is_file(&self, path: &str) -> bool {
        self.entries
            .get(path)
            .is_some_and(|e| e.kind == EntryKind::File)
    }

    /// The YAML files the walk of the root (and of each asked path, which
    /// is walked even where the root's walk skips it) would read, in the
    /// walk's order. Symlinks are not followed at a revision.
    fn workspace_files(&self, asked: &[String], max_size: u64) -> Vec<&Entry> {
        let mut starts: Vec<&str> = vec![""];
        starts.extend(asked.iter().map(String::as_str));
        let mut files: Vec<&Entry> = self
            .entries
            .values()
            .filter(|e| e.kind == EntryKind::File && is_yaml_name(&e.path))
            .filter(|e| e.size.is_none_or(|s| s <= max_size))
            .filter(|e| starts.iter().any(|start| self.walk_reaches(&e.path, start)))
            .collect();
        // walkdir's order: component by component, by name.
        files.sort_by(|a, b| a.path.split('/').cmp(b.path.split('/')));
        files
    }

    /// Whether walking `start` reaches `path`: it lies below, through no
    /// skipped directory and no nested workspace below `start`.
    fn walk_reaches(&self, path: &str, start: &str) -> bool {
        if !git::is_within(path, start) {
            return false;
        }
        let below = if start.is_empty() {
            path
        } else {
            path.get(start.len()..)
                .map_or("", |rest| rest.trim_start_matches('/'))
        };
        if below.is_empty() {
            // The asked path is the file itself.
            return true;
        }
        let mut components: Vec<&str> = below.split('/').collect();
        components.pop();
        if components.iter().any(|c| skipped_dir(c)) {
            return false;
        }
        !self
            .nested
            .iter()
            .any(|n| git::is_within(path, n) && n.as_str() != start && git::is_within(n, start))
    }

    /// The path below the root of an absolute path, if inside.
    fn relative(&self, path: &Path) -> Option<String> {
        relative_to(path, &self.root)
    }

    /// The target of the symlink at `path`, read from git when first asked.
    fn link_target(&self, path: &str, repository: Option<&Repository>) -> Option<String> {
        let entry = self.entries.get(path)?;
        let mut links = self.links.lock().ok()?;
        if let Some(known) = links.get(path) {
            return known.clone();
        }
        let target = repository
            .and_then(|r| r.read_blobs(&[entry.id.as_str()]).ok())
            .and_then(|mut blobs| blobs.remove(&entry.id))
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        links.insert(path.to_string(), target.clone());
        target
    }

    /// The runbooks of the model, read from the revision.
    fn runbooks(
        &self,
        workspace: &Workspace,
        model: &Model,
        repository: &Repository,
        required: &[String],
    ) -> RunbookIndex {
        // Resolve every runbook path first (symlinks read as needed), then
        // read the files found in one batch.
        let resolver = TreeFiles {
            tree: self,
            repository: Some(repository),
        };
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        for pipeline in &model.pipelines {
            let Some(path) = pipeline.item.runbook.as_ref() else {
                continue;
            };
            if let Ok(resolved) = runbook::resolve_in(workspace, pipeline.doc, path, &resolver) {
                if let Some(relative) = self.relative(&resolved) {
                    if let Some(entry) = self.entries.get(&relative) {
                        wanted.insert(relative, entry.id.clone());
                    }
                }
            }
        }
        // Runbooks are read up to a limit, as from disk: a huge file is
        // read in part, not loaded whole.
        let limit = runbook::MAX_RUNBOOK_BYTES;
        let small = |path: &String| {
            self.entries
                .get(path)
                .and_then(|e| e.size)
                .is_some_and(|size| size <= limit)
        };
        let mut ids: Vec<&str> = wanted
            .iter()
            .filter(|(path, _)| small(path))
            .map(|(_, id)| id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let read = repository.read_blobs(&ids);
        if let Ok(mut contents) = self.contents.lock() {
            for (path, id) in &wanted {
                let text = if small(path) {
                    match &read {
                        Ok(blobs) => blobs
                            .get(id)
                            .cloned()
                            .ok_or_else(|| format!("object {id} was not read")),
                        Err(e) => Err(e.to_string()),
                    }
                } else {
                    repository
                        .read_blob_head(id, limit)
                        .map_err(|e| e.to_string())
                };
                contents.insert(path.clone(), text);
            }
        }
        RunbookIndex::build_from(workspace, model, &resolver, required)
    }
}

/// The files of a [`Tree`] as runbooks see them.
struct TreeFiles<'a> {
    tree: &'a Tree,
    repository: Option<&'a Repository>,
}

/// Symlinks followed before a path is called a loop (as Linux does).
const MAX_LINKS: usize = 40;

impl Files for TreeFiles<'_> {
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let not_found = || io::Error::from(io::ErrorKind::NotFound);
        let relative = self.tree.relative(path).ok_or_else(not_found)?;
        let mut pending: Vec<String> = relative
            .split('/')
            .filter(|c| !c.is_empty())
            .rev()
            .map(str::to_string)
            .collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut links = 0;
        while let Some(component) = pending.pop() {
            match component.as_str() {
                "." => continue,
                ".." => {
                    if resolved.pop().is_none() {
                        // Above the root: outside, where nothing is read.
                        return Ok(runbook::normalize(&self.tree.root.join("..").join(
                            pending.iter().rev().cloned().collect::<Vec<_>>().join("/"),
                        )));
                    }
                    continue;
                }
                _ => {}
            }
            resolved.push(component);
            let here = resolved.join("/");
            let Some(entry) = self.tree.entries.get(&here) else {
                if self.tree.dirs.contains(&here) {
                    continue;
                }
                return Err(not_found());
            };
            if entry.kind != EntryKind::Symlink {
                continue;
            }
            links += 1;
            if links > MAX_LINKS {
                // ELOOP, which `runbook::resolve_in` reports as a loop.
                return Err(io::Error::from_raw_os_error(40));
            }
            let target = self
                .tree
                .link_target(&here, self.repository)
                .ok_or_else(not_found)?;
            resolved.pop();
            if target.starts_with('/') {
                return Ok(PathBuf::from(target));
            }
            for part in target.split('/').rev() {
                pending.push(part.to_string());
            }
        }
        Ok(self.tree.root.join(resolved.join("/")))
    }

    fn kind(&self, path: &Path) -> io::Result<runbook::EntryKind> {
        let relative = self
            .tree
            .relative(path)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        if relative.is_empty() || self.tree.dirs.contains(&relative) {
            return Ok(runbook::EntryKind::Directory);
        }
        match self.tree.entries.get(&relative).map(|e| e.kind) {
            Some(EntryKind::File) => Ok(runbook::EntryKind::File),
            Some(EntryKind::Submodule) => Ok(runbook::EntryKind::Directory),
            Some(EntryKind::Symlink) => Ok(runbook::EntryKind::Other),
            None => Err(io::Error::from(io::ErrorKind::NotFound)),
        }
    }

    fn read(&self, path: &Path) -> Result<String, RunbookProblem> {
        let unreadable = |reason: String| RunbookProblem::Unreadable { reason };
        let relative = self
            .tree
            .relative(path)
            .ok_or_else(|| unreadable("outside the workspace".to_string()))?;
        let contents = self
            .tree
            .contents
            .lock()
            .map_err(|_| unreadable("an earlier read failed".to_string()))?;
        match contents.get(&relative) {
            Some(Ok(bytes)) => {
                let limit = bytes.len().min(runbook::MAX_RUNBOOK_BYTES as usize);
                Ok(String::from_utf8_lossy(&bytes[..limit]).into_owned())
            }
            Some(Err(reason)) => Err(unreadable(reason.clone())),
            None => Err(unreadable(format!(
                "`{relative}` was not read from the revision"
            ))),
        }
    }
}

/// Checks every workspace of the PATHs (as [`check::check_all`]), each
/// compared with itself at `rev` when given.
pub fn check_all(options: &CheckOptions, rev: Option<&str>) -> Result<Vec<Outcome>, CheckError> {
    match rev {
        None => check::check_all(options),
        Some(rev) => compare(options, rev).map(|(outcomes, _)| outcomes),
    }
}

/// Checks every workspace of the PATHs compared with itself at `rev`; the
/// outcomes (each with its base) and the commits `rev` resolved to.
pub fn compare(
    options: &CheckOptions,
    rev: &str,
) -> Result<(Vec<Outcome>, Vec<Commit>), CheckError> {
    let revision = Revision::new(rev);
    let load = |scope: &Scope| revision.load(scope, options);
    let outcomes = check::check_all_with(options, Some(&load))?;
    Ok((outcomes, revision.commits()))
}

/// `steward diff`: compares, renders `format` into `out`.
pub fn diff(
    options: &CheckOptions,
    rev: &str,
    format: diff::DiffFormat,
    out: &mut dyn std::io::Write,
) -> Result<(), CheckError> {
    let (outcomes, commits) = compare(options, rev)?;
    let result = diff::compute(&outcomes, rev, &commits, options.today);
    diff::render(&result, format, out)
        .map_err(|e| CheckError::Fatal(format!("cannot render the diff: {e}")))?;
    // The process ends soon: freeing the workspaces item by item only costs time.
    std::mem::forget(outcomes);
    Ok(())
}

/// `--only-new`: moves the findings each workspace's base revision already
/// has into the report's known findings (matched by fingerprint, each
/// occurrence once), and counts them in the summary.
pub fn only_new(report: &mut crate::report::Report<'_>, before: &mut Counts) {
    let hidden = report.hide_known(before, crate::report::Known::Base);
    report.summary.preexisting = Some(hidden);
}

/// The fingerprints of the findings each outcome's base revision reports
/// (suppressed ones left out): what `--only-new` hides.
pub fn base_counts(outcomes: &[Outcome]) -> Counts {
    outcomes
        .iter()
        .filter_map(|o| o.base.as_deref())
        .flat_map(|base| base.findings.iter())
        .filter(|f| f.suppressed.is_none())
        .map(|f| f.fingerprint)
        .collect()
}
