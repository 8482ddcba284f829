//! Files on disk -> a `Workspace` of steward documents with span trees.
//!
//! Directories are walked in sorted order (hidden directories and `target/`
//! skipped); files are read once, decoded, parsed once, and only documents with
//! `apiVersion: steward/v1` are kept.

pub mod incremental;
pub mod root;
mod walk;
pub mod yaml;

use std::fs;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use crate::document::Refs;
use crate::finding::{Diagnostic, Location};
use crate::model::{item_of, Item};
use crate::source::{FileKind, Lost, PathName, SourceFile, Span, Stamp};
use crate::workspace::{Document, Kind, LoadProblem, LoadRule, Workspace};
use yaml::{ProblemKind, YamlLimits};

pub const API_VERSION: &str = "steward/v1";

#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Files larger than this are not parsed.
    pub max_file_size: u64,
    pub yaml: YamlLimits,
    /// Keep every document's parsed value (custom rules and tools need them;
    /// a plain check drops them to stay small).
    pub keep_values: bool,
    /// `--isolated`: the workspace is exactly the given paths, with no root
    /// discovery (0.1's behaviour).
    pub isolated: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_size: 16 * 1024 * 1024,
            yaml: YamlLimits::default(),
            keep_values: false,
            isolated: false,
        }
    }
}

/// The tool could not do its job (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A file to read, with the repository root it belongs to.
#[derive(Debug, Clone)]
struct Candidate {
    path: PathBuf,
    /// The real (canonical) path, when it is not `path` (a link, a path as
    /// given): each real file is read once.
    real: Option<PathBuf>,
    root: usize,
    /// Relative to the repository root; `None`: computed from the real path
    /// while the file is read (a walk of 100k files holds no string per file).
    repo_relative: Option<String>,
    /// Whether its findings are reported (it lies under a PATH that was asked
    /// for); the rest of the workspace is loaded only to judge those.
    reported: bool,
}

impl Candidate {
    fn real(&self) -> &Path {
        self.real.as_deref().unwrap_or(&self.path)
    }

    /// The paths a report shows: relative to `cwd` and to the repository
    /// root, as tails of `path` when they are (no allocation).
    fn names(&self, cwd: &Path, root: &Path) -> (PathName, PathName) {
        let display = match tail_after(&self.path, cwd) {
            Some(at) => PathName::Tail(at),
            None => PathName::Text(display_path(&self.path, cwd)),
        };
        let repo_relative = match (&self.repo_relative, &self.real) {
            (Some(given), _) => PathName::Text(given.clone()),
            (None, None) => match tail_after(&self.path, root) {
                Some(at) => PathName::Tail(at),
                None => PathName::Text(repo_relative(&self.path, root)),
            },
            (None, Some(real)) => PathName::Text(repo_relative(real, root)),
        };
        (display, repo_relative)
    }
}

/// Where `path` continues below `dir` when `slash_path` of that rest is the
/// rest itself (`/`-separated, no `.`, `..` or empty components): the
/// common case of a walked file under the current directory, found without
/// building a string.
fn tail_after(path: &Path, dir: &Path) -> Option<usize> {
    let (path, dir) = (path.to_str()?, dir.to_str()?);
    let rest = path.strip_prefix(dir)?.strip_prefix('/')?;
    let separators_are_slashes = !(cfg!(windows) && rest.contains('\\'));
    let clean = !dir.is_empty()
        && separators_are_slashes
        && rest
            .as_bytes()
            .split(|&byte| byte == b'/')
            .all(|part| !part.is_empty() && part != b"." && part != b"..");
    clean.then(|| path.len() - rest.len())
}

/// What the walk of one directory found.
#[derive(Debug, Default, Clone)]
struct Walked {
    candidates: Vec<Candidate>,
    /// Unreadable entries, symlinks leaving the root, loops; whether reported.
    errors: Vec<(PathBuf, String, bool)>,
    /// Workspaces of their own below the walked directory: the entry's path,
    /// and the nested root (for a symlink, its target in a nested
    /// workspace), canonical.
    nested: Vec<(PathBuf, PathBuf)>,
}

/// Walks the paths and loads every steward document under them, each path
/// its own repository root (`--isolated`, `--policy` files: no discovery).
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Workspace, LoadError> {
    let mut workspace = Workspace {
        yaml_limits: options.yaml,
        ..Workspace::default()
    };
    let mut walked = Walked::default();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| cannot_read(path, &e))?;
        let root = repository_root(path, meta.is_dir());
        let root_index = match workspace.roots.iter().position(|r| *r == root) {
            Some(i) => i,
            None => {
                workspace.roots.push(root);
                workspace.roots.len() - 1
            }
        };
        let root = workspace.roots[root_index].clone();
        add_path(path, &root, root_index, false, &mut walked);
    }
    Ok(read_all(workspace, walked, options, &Overlay::new()))
}

/// The result of loading one workspace (SPEC §7).
#[derive(Debug)]
pub struct LoadedRoot {
    pub workspace: Workspace,
    /// Workspaces of their own found under the asked paths, not loaded
    /// here: their roots, or the paths in them that a symlink under the
    /// asked paths leads to (canonical; `root::discover` finds the root).
    pub nested: Vec<PathBuf>,
}

/// Texts that replace files on disk (an editor's unsaved buffers), by
/// canonical path; a path not on disk is a file of its own.
pub type Overlay = std::collections::BTreeMap<PathBuf, String>;

/// Loads the whole workspace at `root`; findings are reported for files
/// under `asked` (canonical paths) only.
pub fn load_workspace(root: &root::Root, asked: &[PathBuf], options: &LoadOptions) -> LoadedRoot {
    load_workspace_overlaid(root, asked, options, &Overlay::new())
}

/// [`load_workspace`] with the overlay's texts read instead of the files
/// (`steward lsp`); its paths should lie in this workspace.
pub fn load_workspace_overlaid(
    root: &root::Root,
    asked: &[PathBuf],
    options: &LoadOptions,
    overlay: &Overlay,
) -> LoadedRoot {
    let timer = crate::check::Timings::start();
    let workspace = empty_workspace(root, options);
    // The schemas compile (4 ms, on first use) during the walk, which keeps
    // two threads only partly busy: the read would wait for them.
    let (mut walked, _) = rayon::join(|| walk_root(root, asked), crate::schema::schemas);
    let nested = add_unsaved(&mut walked, root, asked, overlay.keys());
    timer.lap("  walk");
    let workspace = read_all(workspace, walked, options, overlay);
    timer.lap("  read");
    LoadedRoot { workspace, nested }
}

/// The workspace at `root` before any file is read.
fn empty_workspace(root: &root::Root, options: &LoadOptions) -> Workspace {
    Workspace {
        yaml_limits: options.yaml,
        roots: vec![root.dir.clone()],
        // SARIF locates files from the repository, which may lie above the root.
        repository_prefix: root
            .repository
            .as_deref()
            .and_then(|repo| root.dir.strip_prefix(repo).ok())
            .map(slash_path)
            .filter(|p| p != ".")
            .map(|p| p + "/")
            .unwrap_or_default(),
        ..Workspace::default()
    }
}

/// The walk of the root's files (the disk part of
/// [`load_workspace_overlaid`]). It is the same whatever is asked: a PATH
/// selects what is reported, never what the workspace holds (SPEC §7), so
/// a PATH the walk does not reach (a hidden directory, `target/`, beyond a
/// symlink that leaves the root) reads nothing; `root::locate` refuses
/// the skipped ones and leaves the rest to the walk's own findings.
fn walk_root(root: &root::Root, _asked: &[PathBuf]) -> Walked {
    let mut walked = Walked::default();
    add_path(&root.dir, &root.dir, 0, true, &mut walked);
    walked
}

/// Adds the unsaved buffers to a walk, marks what is reported, and returns
/// the nested workspaces under the asked paths.
fn add_unsaved<'a>(
    walked: &mut Walked,
    root: &root::Root,
    asked: &[PathBuf],
    unsaved: impl IntoIterator<Item = &'a PathBuf>,
) -> Vec<PathBuf> {
    // An unsaved buffer the walk did not meet (a new file) is read too; one
    // it met is read once (`read_all` keeps one candidate per real path).
    for path in unsaved {
        if path.starts_with(&root.dir) {
            add_path(path, &root.dir, 0, true, walked);
        }
    }
    // Asking for the root asks for all it holds (every candidate lies below
    // it): no comparisons, which took 2-3 ms at 10k files on one thread.
    let everything = asked.iter().any(|a| a == &root.dir);
    walked
        .candidates
        .par_iter_mut()
        .with_min_len(1024)
        .for_each(|candidate| {
            candidate.reported = everything
                || asked
                    .iter()
                    .any(|a| candidate.path.starts_with(a) || candidate.real().starts_with(a));
        });
    // An entry the walk could not read or follow is reported under an
    // asked path, and for an asked path beyond it (a file in a directory
    // reached through a link that leaves the root: the link is the answer).
    // A link's entries may have been met through another link: compared
    // by their real place too. Entries are few; a check at the root
    // compares nothing.
    let concerns = |path: &Path, a: &PathBuf| path.starts_with(a) || a.starts_with(path);
    for (path, _, reported) in &mut walked.errors {
        *reported = everything
            || asked.iter().any(|a| concerns(path, a))
            || real_entry(path).is_some_and(|real| asked.iter().any(|a| concerns(&real, a)));
    }
    let mut nested: Vec<PathBuf> = Vec::new();
    for (path, real) in &walked.nested {
        if asked
            .iter()
            .any(|a| path.starts_with(a) || real.starts_with(a))
            && !nested.contains(real)
        {
            nested.push(real.clone());
        }
    }
    nested
}

/// An entry's real place: its directory canonical, its own name kept (a
/// link stays the link).
fn real_entry(path: &Path) -> Option<PathBuf> {
    let dir = fs::canonicalize(path.parent()?).ok()?;
    Some(dir.join(path.file_name()?))
}

fn cannot_read(path: &Path, e: &std::io::Error) -> LoadError {
    LoadError(format!(
        "cannot read `{}`: {}",
        path.display(),
        io_reason(e)
    ))
}

/// Adds a file or a walked directory to `walked`.
fn add_path(path: &Path, root: &Path, root_index: usize, nested_roots: bool, walked: &mut Walked) {
    if path.is_dir() {
        walk::walk(path, root, root_index, nested_roots, walked);
    } else {
        let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        walked.candidates.push(Candidate {
            path: path.to_path_buf(),
            real: (real != path).then_some(real),
            root: root_index,
            repo_relative: None,
            reported: true,
        });
    }
}

/// The files a walk found, each real file once, in the order they are read.
#[derive(Debug, Clone)]
struct Listing {
    candidates: Vec<Candidate>,
    /// Entries that could not be read; whether reported.
    errors: Vec<(PathBuf, String, bool)>,
}

/// Reads every candidate once (the same real file reached twice, through a
/// symlink or two PATHs, is read once, under the path that is not a link);
/// a file in `overlay` is read from there.
fn read_all(
    workspace: Workspace,
    walked: Walked,
    options: &LoadOptions,
    overlay: &Overlay,
) -> Workspace {
    let cwd = current_dir();
    let Listing { candidates, errors } = Listing::of(walked);
    let mut workspace = add_errors(workspace, &errors, &cwd);
    // Read and parse in parallel, a chunk at a time (a chunk's results wait
    // in memory until merged); merge in the sorted candidate order so the
    // result does not depend on thread scheduling. Per-file tables are
    // sized once (most files hold one document); candidates are consumed
    // as they are merged, their paths moved into the files.
    let total = candidates.len();
    workspace.reserve_files(total);
    workspace.documents.reserve_exact(total);
    workspace.items.reserve_exact(total);
    let roots = workspace.roots.clone();
    let read_chunk = |chunk: Vec<Candidate>| -> Vec<Read> {
        chunk
            .into_par_iter()
            // One file a piece. Rayon splits the part of a list no thread
            // steals from only into quarters, so a thread that runs out
            // waits for the other's quarter; and a chunk's files differ in
            // size by 100x (a bundle of documents among one-pipeline files).
            .with_max_len(1)
            .map(|candidate| {
                let (mut processed, keep_text) = match overlay.get(candidate.real()) {
                    // An editor's buffer exists only here: its text is kept.
                    Some(text) => (process_bytes(text.as_bytes().to_vec(), options), true),
                    None => (process(&candidate.path, options), false),
                };
                // A parsed file's text is read again if a finding needs it:
                // freed here, by the thread that allocated it (a free from
                // another thread takes the allocator's slower path).
                if let (false, Processed::Parsed { text, .. }) = (keep_text, &mut processed) {
                    *text = String::new();
                }
                let root = roots
                    .get(candidate.root)
                    .map_or(Path::new(""), PathBuf::as_path);
                let names = candidate.names(&cwd, root);
                Read {
                    candidate,
                    names,
                    processed,
                    keep_text,
                }
            })
            .collect()
    };
    // Taken from the back of the reversed list, whose room is given back as
    // it empties: a large walk's list is megabytes, and the files grow
    // while it shrinks.
    let mut rest = candidates;
    rest.reverse();
    let mut next_chunk = || {
        let chunk: Vec<Candidate> = rest
            .drain(rest.len().saturating_sub(READ_CHUNK)..)
            .rev()
            .collect();
        if rest.capacity() / 2 > rest.len() {
            rest.shrink_to_fit();
        }
        chunk
    };
    // Each chunk is merged while the next is read: the merge is serial, and
    // the other thread would otherwise wait for it.
    let mut pending = read_chunk(next_chunk());
    while !pending.is_empty() {
        let chunk = next_chunk();
        let ((), read) = rayon::join(
            || merge_chunk(&mut workspace, std::mem::take(&mut pending)),
            || read_chunk(chunk),
        );
        pending = read;
    }
    workspace
}

/// Files read between two merges. At each chunk's end a thread that runs
/// out of files sleeps until the next chunk wakes it, which costs most on
/// a busy host: at 10k files, chunks of 1,024 left the read's two threads
/// 9-10 ms idle where 256 left 13.5-14, for more peak memory: 0.4 MB at
/// 10k, about 1 MB at 100k (a chunk's documents wait for the merge, which
/// moves them). BENCHMARKS.md, issue 20's tenth pass.
const READ_CHUNK: usize = 1024;

/// Moves a chunk's files and documents into the workspace, in order.
fn merge_chunk(workspace: &mut Workspace, chunk: Vec<Read>) {
    let documents: usize = chunk
        .iter()
        .map(|r| match &r.processed {
            Processed::Parsed { docs, .. } => docs.len(),
            _ => 0,
        })
        .sum();
    // Beyond the estimate (files of many documents), grow by an eighth
    // at least: little slack, and few copies of a large table.
    let spare = workspace.documents.capacity() - workspace.documents.len();
    if documents > spare {
        let more = documents.max(workspace.documents.len() / 8);
        workspace.documents.reserve_exact(more);
        workspace.items.reserve_exact(more);
    }
    for read in chunk {
        merge(workspace, read);
    }
}

/// A candidate after reading: its names for reports and what its file held.
struct Read {
    candidate: Candidate,
    names: (PathName, PathName),
    processed: Processed,
    /// Whether the text stays in memory (it exists only there).
    keep_text: bool,
}

impl Read {
    /// A file of the language server's workspace at `root`: its text stays
    /// in memory (positions, hovers and edits need it at each keystroke).
    fn kept(candidate: Candidate, cwd: &Path, root: &Path, processed: Processed) -> Read {
        Read {
            names: candidate.names(cwd, root),
            candidate,
            processed,
            keep_text: true,
        }
    }

    /// A file given in memory, with its repository-relative path.
    fn in_memory(candidate: Candidate, cwd: &Path, processed: Processed) -> Read {
        Read {
            names: candidate.names(cwd, Path::new("")),
            candidate,
            processed,
            keep_text: true,
        }
    }
}

/// One candidate per real file (the same file reached twice, through a
/// symlink or two PATHs, is read once, under the path that is not a link;
/// its findings are reported when either is).
fn read_once(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    // foldhash: SipHash was a visible share of the walk at 100k files.
    let mut first: foldhash::HashMap<&Path, usize> =
        foldhash::HashMap::with_capacity_and_hasher(candidates.len(), Default::default());
    let mut kept_at: Vec<Option<usize>> = Vec::new();
    for (i, candidate) in candidates.iter().enumerate() {
        if let Some(&kept) = first.get(candidate.real()) {
            kept_at.resize(candidates.len(), None);
            kept_at[i] = Some(kept);
        } else {
            first.insert(candidate.real(), i);
        }
    }
    drop(first);
    if kept_at.is_empty() {
        return candidates;
    }
    for (i, kept) in kept_at.iter().enumerate() {
        let Some(kept) = *kept else { continue };
        let reported = candidates[i].reported;
        let is_real = candidates[i].real.is_none();
        let path = std::mem::take(&mut candidates[i].path);
        let keeper = &mut candidates[kept];
        keeper.reported |= reported;
        // Prefer the real path over a link to it.
        if is_real && keeper.real.is_some() {
            keeper.path = path;
            keeper.real = None;
        }
    }
    let mut index = 0;
    candidates.retain(|_| {
        index += 1;
        kept_at[index - 1].is_none()
    });
    candidates
}

impl Listing {
    /// One candidate per real file, and each unreadable entry once.
    fn of(walked: Walked) -> Listing {
        let Walked {
            candidates, errors, ..
        } = walked;
        Listing {
            candidates: read_once(candidates),
            errors: unique_errors(errors),
        }
    }
}

/// An asked directory is walked after its root, and a linked directory
/// beside its target: the same entry can come twice. Report it once, under
/// its real path when that was met, and wherever one of them is reported.
fn unique_errors(errors: Vec<(PathBuf, String, bool)>) -> Vec<(PathBuf, String, bool)> {
    let mut unique_errors: Vec<(PathBuf, String, bool)> = Vec::new();
    let mut by_real: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    for (path, error, reported) in errors {
        let real = real_entry(&path).unwrap_or_else(|| path.clone());
        match by_real.get(&real) {
            Some(&i) => {
                let kept = &mut unique_errors[i];
                kept.2 |= reported;
                if path == real {
                    kept.0 = path;
                    kept.1 = error;
                }
            }
            None => {
                by_real.insert(real, unique_errors.len());
                unique_errors.push((path, error, reported));
            }
        }
    }
    unique_errors
}

/// The entries that could not be read, as files with an `io-error`
/// problem: the first files of the workspace.
fn add_errors(
    mut workspace: Workspace,
    errors: &[(PathBuf, String, bool)],
    cwd: &Path,
) -> Workspace {
    for (path, error, reported) in errors {
        let root = workspace.roots.first().cloned().unwrap_or_default();
        let file = workspace.add_file(
            SourceFile::new(
                path.clone(),
                display_path(path, cwd),
                repo_relative(path, &root),
                FileKind::Yaml,
                String::new(),
            ),
            0,
        );
        workspace.reported[file] = *reported;
        workspace.problems.push(LoadProblem {
            rule: LoadRule::IoError,
            diagnostic: Diagnostic::new(Location::span(file, Span::empty(0)), error.clone()),
        });
    }
    workspace
}

/// The current directory, canonical (report paths are relative to it).
fn current_dir() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    fs::canonicalize(&cwd).unwrap_or(cwd)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// `.yaml`/`.yml`, in any case (`.YAML` from Windows editors included).
fn is_yaml_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// The nearest ancestor holding `.git`, else the checked path itself.
pub fn repository_root(path: &Path, is_dir: bool) -> PathBuf {
    let absolute = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let start = if is_dir {
        absolute.clone()
    } else {
        absolute
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| absolute.clone())
    };
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start
}

/// Path for reports: relative to the current directory where possible, `/`-separated.
/// An absolute path climbs out of the current directory with `..` when the
/// two share more than the filesystem root (`cd defs; steward check` shows
/// `../team.yaml`), and stays absolute otherwise.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    if !path.is_absolute() {
        return slash_path(path);
    }
    if let Ok(inside) = path.strip_prefix(cwd) {
        return slash_path(inside);
    }
    let shared = path
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .filter(|(a, _)| matches!(a, Component::Normal(_)))
        .count();
    match root::relative(path, cwd) {
        Some(relative) if shared > 0 && cwd.is_absolute() => relative,
        _ => slash_path(path),
    }
}

/// `path` (canonical) relative to `root`, `/`-separated.
fn repo_relative(path: &Path, root: &Path) -> String {
    slash_path(path.strip_prefix(root).unwrap_or(path))
}

/// Joins path components with `/`, dropping `.` components.
pub fn slash_path(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        let part = match component {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::Prefix(p) => p.as_os_str().to_string_lossy(),
            Component::ParentDir => "..".into(),
            Component::Normal(s) => s.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

enum Decoded {
    Text(String),
    /// Not text; the message says why.
    Invalid(String, String),
}

/// Decodes UTF-8 (with or without BOM) and BOM-marked UTF-16.
fn decode(bytes: Vec<u8>) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode(rest.to_vec());
    }
    let utf16 = |be: bool, body: &[u8]| -> Decoded {
        let units: Vec<u16> = body
            .chunks(2)
            .map(|c| {
                let pair = [c[0], c.get(1).copied().unwrap_or(0)];
                if be {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        match String::from_utf16(&units) {
            Ok(s) => Decoded::Text(s),
            Err(_) => Decoded::Invalid(
                String::from_utf16_lossy(&units),
                "the file starts with a UTF-16 byte-order mark but is not valid UTF-16".into(),
            ),
        }
    };
    if let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(false, body);
    }
    if let Some(body) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(true, body);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded::Text(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Decoded::Invalid(
                lossy,
                format!(
                    "the file is not valid UTF-8 (first bad byte at offset {at}); is it binary?"
                ),
            )
        }
    }
}

/// The outcome of reading one file, computed in parallel and merged in order.
enum Processed {
    Skip,
    /// The file cannot be parsed: one file-level problem.
    Unusable {
        text: String,
        span: Span,
        message: String,
        label: Option<&'static str>,
        help: Option<&'static str>,
    },
    Parsed {
        text: String,
        /// The bytes as read, to notice a change before the text is read again.
        stamp: Stamp,
        comments: Vec<yaml::Comment>,
        docs: Vec<LocalDoc>,
        /// Locations are local: file 0, document indices within this file.
        problems: Vec<LoadProblem>,
    },
}

/// A steward document after loading: validated, deserialised, its value
/// dropped unless asked to keep it.
struct LocalDoc {
    document: Document,
    item: Option<Item>,
    /// Schema problems; document indices local to the file.
    schema: Vec<Diagnostic>,
}

/// Reads, decodes and parses one file. Touches no shared state.
fn process(path: &Path, options: &LoadOptions) -> Processed {
    match read_limited(path, options.max_file_size) {
        Ok(ReadOutcome::All(bytes)) => process_bytes(bytes, options),
        // Only steward's own files are its business.
        Ok(ReadOutcome::TooLarge { head, .. }) if !contains(&head, b"steward/") => Processed::Skip,
        Ok(ReadOutcome::TooLarge { size, .. }) => Processed::Unusable {
            text: String::new(),
            span: Span::empty(0),
            message: format!(
                "file is {size} bytes, over the {} byte limit; it was not checked",
                options.max_file_size
            ),
            label: None,
            help: Some("split it into smaller files, or raise the limit with --max-file-size"),
        },
        Err(e) => Processed::Unusable {
            text: String::new(),
            span: Span::empty(0),
            message: format!(
                "cannot read `{}`: {}",
                display_path(path, &current_dir()),
                io_reason(&e)
            ),
            label: None,
            help: None,
        },
    }
}

/// Decodes and parses the bytes of one file.
fn process_bytes(bytes: Vec<u8>, options: &LoadOptions) -> Processed {
    if bytes.len() as u64 > options.max_file_size {
        return Processed::Skip;
    }
    if !contains(&bytes, b"steward/") && !is_utf16(&bytes) && !mentions_a_kind(&bytes) {
        return Processed::Skip;
    }
    let stamp = Stamp::of(&bytes);
    let text = match decode(bytes) {
        Decoded::Text(text) => text,
        Decoded::Invalid(lossy, reason) => {
            if !lossy.contains(API_VERSION) {
                return Processed::Skip;
            }
            let at = lossy.find('\u{FFFD}').unwrap_or(0);
            let end = at + lossy[at..].chars().next().map_or(0, char::len_utf8);
            return Processed::Unusable {
                text: lossy,
                span: Span::new(at, end),
                message: reason,
                label: Some("not UTF-8"),
                help: Some("steward reads YAML as UTF-8 (or UTF-16 with a byte-order mark)"),
            };
        }
    };
    if !text.contains("steward/") && !mentions_a_kind(text.as_bytes()) {
        return Processed::Skip;
    }
    let mentions_v1 = text.contains(API_VERSION);
    // Span trees are dropped after loading (reports parse the files with
    // findings again), so none is built here unless a problem needs one.
    let mut parsed = yaml::parse_values(&text, &options.yaml);
    if parsed
        .problems
        .iter()
        .any(|p| matches!(p.kind, ProblemKind::DuplicateKey { .. }))
    {
        // Locates each duplicate's first occurrence.
        parsed = yaml::parse(&text, &options.yaml);
    }
    let trees = std::cell::OnceCell::new();
    let spans_of = |document: usize| -> yaml::SpanTree {
        trees
            .get_or_init(|| {
                yaml::parse(&text, &options.yaml)
                    .documents
                    .into_iter()
                    .map(|d| d.spans)
                    .collect::<Vec<_>>()
            })
            .get(document)
            .cloned()
            .unwrap_or_default()
    };
    // Sized up front: most files hold one document, and a pushed Vec starts
    // at four slots, which for 10k files is tens of megabytes of slack.
    let mut docs = Vec::with_capacity(parsed.documents.len());
    let mut problems = Vec::new();
    // Per document in the file: whether it is a steward document.
    let mut steward_docs: Vec<bool> = Vec::with_capacity(parsed.documents.len());
    for (index, document) in parsed.documents.into_iter().enumerate() {
        match classify(index, document, mentions_v1, options, &spans_of) {
            Classified::Steward(doc) => {
                steward_docs.push(true);
                docs.push(*doc);
            }
            Classified::Problem(problem) => {
                steward_docs.push(false);
                problems.push(problem);
            }
            Classified::Other => steward_docs.push(false),
        }
    }
    // The file's own id is set when it is merged into the workspace.
    const FILE: usize = 0;
    for problem in parsed.problems {
        let in_steward_doc = steward_docs.get(problem.document).copied().unwrap_or(false);
        let diagnostic = match &problem.kind {
            ProblemKind::DuplicateKey { first } if in_steward_doc => {
                Diagnostic::new(Location::span(FILE, problem.span), problem.message)
                    .label("duplicate key")
                    .with(Location::span(FILE, *first), "first defined here")
                    .help("YAML keys must be unique in a mapping; remove or rename one of them")
            }
            ProblemKind::ComplexKey if in_steward_doc => {
                Diagnostic::new(Location::span(FILE, problem.span), problem.message)
            }
            ProblemKind::Syntax | ProblemKind::AliasBudget | ProblemKind::TooDeep
                if mentions_v1 =>
            {
                Diagnostic::new(Location::span(FILE, problem.span), problem.message).label("here")
            }
            _ => continue,
        };
        problems.push(LoadProblem {
            rule: LoadRule::YamlSyntax,
            diagnostic,
        });
    }
    Processed::Parsed {
        text,
        stamp,
        comments: parsed.comments,
        docs,
        problems,
    }
}

/// The parsed values of the documents of `kinds`, parsing their files again
/// (values are dropped after loading; custom rules need them).
pub fn document_values(
    workspace: &Workspace,
    kinds: &[Kind],
) -> std::collections::HashMap<usize, Value> {
    let wanted = |d: &Document| d.kind.is_some_and(|k| kinds.contains(&k));
    let mut files: Vec<usize> = workspace
        .documents
        .iter()
        .filter(|d| wanted(d))
        .map(|d| d.file)
        .collect();
    files.dedup();
    let parsed: Vec<(usize, Vec<Value>)> = files
        .par_iter()
        .with_max_len(1) // files differ in size: see `read_all`
        .filter_map(|file| {
            let text = workspace.files.get(*file)?.text()?;
            let values = yaml::parse(text, &YamlLimits::default())
                .documents
                .into_iter()
                .map(|d| d.value)
                .collect();
            Some((*file, values))
        })
        .collect();
    let mut by_file: std::collections::HashMap<usize, Vec<Value>> = parsed.into_iter().collect();
    let mut out = std::collections::HashMap::new();
    for (id, doc) in workspace.documents.iter().enumerate() {
        if !wanted(doc) {
            continue;
        }
        if let Some(value) = &doc.value {
            out.insert(id, value.as_ref().clone());
        } else if let Some(value) = by_file
            .get_mut(&doc.file)
            .and_then(|values| values.get_mut(doc.index_in_file as usize))
        {
            out.insert(id, std::mem::take(value));
        }
    }
    out
}

/// The workspace loaded again from the texts it holds, with `file`'s text
/// replaced (no disk access): `steward suggest` judges an edit with the real
/// rules this way. File and document ids stay the same.
pub fn reload(workspace: &Workspace, file: usize, text: &str, options: &LoadOptions) -> Workspace {
    let mut out = Workspace {
        roots: workspace.roots.clone(),
        yaml_limits: options.yaml,
        ..Workspace::default()
    };
    let cwd = current_dir();
    for (id, source) in workspace.files.iter().enumerate() {
        let bytes = if id == file {
            Some(text)
        } else {
            source.text()
        };
        let candidate = Candidate {
            path: source.path().to_path_buf(),
            real: None,
            root: workspace.file_roots.get(id).copied().unwrap_or(0),
            repo_relative: Some(source.repo_relative().to_string()),
            reported: workspace.reported.get(id).copied().unwrap_or(true),
        };
        let processed = match bytes {
            Some(bytes) if !bytes.is_empty() => process_bytes(bytes.as_bytes().to_vec(), options),
            // A file that could not be read keeps its place (and its id).
            _ => Processed::Unusable {
                text: String::new(),
                span: Span::empty(0),
                message: match source.lost() {
                    Some(Lost::Changed) => {
                        format!("`{}` changed since it was checked", source.display())
                    }
                    _ => format!("`{}` was not read", source.display()),
                },
                label: None,
                help: None,
            },
        };
        // Its text is in hand: the reloaded workspace keeps it.
        merge(&mut out, Read::in_memory(candidate, &cwd, processed));
    }
    out
}

/// Builds a workspace from in-memory files (for fuzzing and benchmarks): no
/// directory walk; runbook paths resolve inside `root`.
pub fn load_sources(
    sources: Vec<(PathBuf, Vec<u8>)>,
    root: PathBuf,
    options: &LoadOptions,
) -> Workspace {
    let mut workspace = Workspace {
        roots: vec![root],
        yaml_limits: options.yaml,
        ..Workspace::default()
    };
    let cwd = PathBuf::new();
    let processed: Vec<(Candidate, Processed)> = sources
        .into_par_iter()
        .with_max_len(1) // files differ in size: see `read_all`
        .map(|(path, bytes)| {
            let candidate = Candidate {
                repo_relative: Some(slash_path(&path)),
                path,
                real: None,
                root: 0,
                reported: true,
            };
            (candidate, process_bytes(bytes, options))
        })
        .collect();
    for (candidate, processed) in processed {
        // Given in memory: the texts are kept.
        merge(&mut workspace, Read::in_memory(candidate, &cwd, processed));
    }
    workspace
}

/// A file given by its contents, for [`load_files`].
#[derive(Debug, Clone)]
pub struct FileAt {
    /// Relative to the root, `/`-separated.
    pub relative: String,
    pub bytes: Vec<u8>,
    /// Whether its findings are reported (it lies under an asked PATH).
    pub reported: bool,
}

/// Builds the workspace at `root` from files given in memory (the files of
/// a git revision, for `--base`), parsed exactly as files read from disk:
/// each file's path is `root` joined with its relative path, so findings
/// show the same paths as the files on disk would. `repository_prefix` is
/// the root's path inside its repository (`examples/acme/` or `""`).
pub fn load_files(
    root: &Path,
    repository_prefix: String,
    files: Vec<FileAt>,
    options: &LoadOptions,
) -> Workspace {
    let mut workspace = Workspace {
        roots: vec![root.to_path_buf()],
        repository_prefix,
        yaml_limits: options.yaml,
        ..Workspace::default()
    };
    let cwd = current_dir();
    let processed: Vec<(Candidate, Processed)> = files
        .into_par_iter()
        .with_max_len(1) // files differ in size: see `read_all`
        .map(|file| {
            let candidate = Candidate {
                path: root.join(&file.relative),
                real: None,
                root: 0,
                repo_relative: Some(file.relative),
                reported: file.reported,
            };
            (candidate, process_bytes(file.bytes, options))
        })
        .collect();
    for (candidate, processed) in processed {
        // Given in memory: the texts are kept.
        merge(&mut workspace, Read::in_memory(candidate, &cwd, processed));
    }
    workspace
}

/// Adds a processed file to the workspace: documents, comments, problems.
/// Without `keep_text`, a parsed file's text is dropped and read again from
/// disk if a finding needs it.
fn merge(workspace: &mut Workspace, read: Read) {
    let Read {
        candidate,
        names: (display, repo_relative),
        processed,
        keep_text,
    } = read;
    let (root, reported) = (candidate.root, candidate.reported);
    let (path, kind) = (candidate.path, FileKind::Yaml);
    merge_as(
        workspace,
        root,
        reported,
        processed,
        |text, stamp| match stamp.filter(|_| !keep_text) {
            Some(stamp) => SourceFile::on_disk(path, display, repo_relative, kind, stamp),
            None => SourceFile::new(path, display, repo_relative, kind, text),
        },
    )
}

/// [`merge`], the file made by `new_file` from its text and, for a parsed
/// file, the stamp of its bytes (the language server gives back the file it
/// kept).
fn merge_as(
    workspace: &mut Workspace,
    root: usize,
    reported: bool,
    processed: Processed,
    new_file: impl FnOnce(String, Option<Stamp>) -> SourceFile,
) {
    let (file, comments, docs, problems) = match processed {
        Processed::Skip => return,
        Processed::Unusable {
            text,
            span,
            message,
            label,
            help,
        } => {
            let file = workspace.add_file(new_file(text, None), root);
            workspace.reported[file] = reported;
            let mut diagnostic = Diagnostic::new(Location::span(file, span), message);
            diagnostic.primary_label = label.map(str::to_string);
            diagnostic.help = help.map(str::to_string);
            workspace.problems.push(LoadProblem {
                rule: LoadRule::IoError,
                diagnostic,
            });
            return;
        }
        Processed::Parsed {
            text,
            stamp,
            comments,
            docs,
            problems,
        } => (new_file(text, Some(stamp)), comments, docs, problems),
    };
    let file = workspace.add_file(file, root);
    workspace.reported[file] = reported;
    workspace.comments.set(file, comments);
    for local in docs {
        // A document's diagnostics point at document 0: rebase them onto its DocId.
        let doc_id = workspace.documents.len();
        let mut document = local.document;
        document.file = file;
        workspace.documents.push(document);
        workspace.items.push(local.item);
        workspace
            .schema_diagnostics
            .extend(local.schema.into_iter().map(|d| d.rebase(file, doc_id)));
    }
    // File-level problems hold spans only.
    for problem in problems {
        workspace.problems.push(LoadProblem {
            rule: problem.rule,
            diagnostic: problem.diagnostic.rebase(file, 0),
        });
    }
}

/// Whether a file may hold a steward document that forgot its `apiVersion`
/// (`kind: Team` …): such files are parsed too, the rest skipped unread.
fn mentions_a_kind(bytes: &[u8]) -> bool {
    contains(bytes, b"kind")
        && Kind::ALL
            .iter()
            .any(|k| contains(bytes, k.as_str().as_bytes()))
}

/// A mapping with a steward `kind` and an `id` but no `apiVersion` is a
/// steward document with the line forgotten (SPEC §7): reported, not skipped.
fn forgotten_api_version(
    map: &serde_json::Map<String, Value>,
    spans: &dyn Fn() -> yaml::SpanTree,
) -> Classified {
    let Some(kind) = map
        .get("kind")
        .and_then(Value::as_str)
        .and_then(Kind::parse)
    else {
        return Classified::Other;
    };
    if !map.contains_key("id") {
        return Classified::Other;
    }
    const FILE: usize = 0;
    let span = spans().resolve("/kind").span;
    Classified::Problem(LoadProblem {
        rule: LoadRule::Schema,
        diagnostic: Diagnostic::new(
            Location::span(FILE, span),
            format!("this {kind} document has no `apiVersion`, so steward would skip it"),
        )
        .label("a steward kind")
        .help(format!(
            "add `apiVersion: {API_VERSION}` as the document's first line"
        )),
    })
}

fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

enum Classified {
    Steward(Box<LocalDoc>),
    /// Not a steward document, with a problem to report.
    Problem(LoadProblem),
    Other,
}

/// Keeps steward documents (validated against their schema and deserialised,
/// here, while the file is in hand); reports unsupported versions and
/// non-mapping documents in files that are clearly steward's. Locations use
/// file 0 and document 0 until the merge rebases them.
fn classify(
    index: usize,
    document: yaml::YamlDocument,
    mentions_v1: bool,
    options: &LoadOptions,
    spans_of: &dyn Fn(usize) -> yaml::SpanTree,
) -> Classified {
    const FILE: usize = 0;
    match &document.value {
        Value::Object(map) => {
            let Some(version) = map.get("apiVersion").and_then(Value::as_str) else {
                return forgotten_api_version(map, &|| spans_of(index));
            };
            if version != API_VERSION {
                if !version.starts_with("steward/") {
                    return Classified::Other;
                }
                let span = spans_of(index).resolve("/apiVersion").span;
                return Classified::Problem(LoadProblem {
                    rule: LoadRule::Schema,
                    diagnostic: Diagnostic::new(
                        Location::span(FILE, span),
                        format!("unsupported apiVersion `{version}`"),
                    )
                    .label("not understood by this steward")
                    .help(format!(
                        "this version of steward reads `apiVersion: {API_VERSION}`"
                    )),
                });
            }
            let kind = map
                .get("kind")
                .and_then(Value::as_str)
                .and_then(Kind::parse);
            Classified::Steward(Box::new(analyse_document(index, document, kind, options)))
        }
        Value::Null => Classified::Other,
        other if mentions_v1 => {
            let what = match other {
                Value::Array(_) => "a list",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                _ => "a scalar",
            };
            let root_span = spans_of(index).span();
            Classified::Problem(LoadProblem {
                rule: LoadRule::Schema,
                diagnostic: Diagnostic::new(
                    Location::span(
                        FILE,
                        Span::new(root_span.start, root_span.end.min(root_span.start + 200)),
                    ),
                    format!("document {} is {what}, not a mapping", index + 1),
                )
                .help(format!(
                    "a steward document is a mapping that starts with `apiVersion: {API_VERSION}` and `kind:`; separate documents with `---`"
                )),
            })
        }
        _ => Classified::Other,
    }
}

/// Schema validation and deserialisation of one document; its value is
/// dropped afterwards unless it is a Policy (or `keep_values` is set).
fn analyse_document(
    index: usize,
    document: yaml::YamlDocument,
    kind: Option<Kind>,
    options: &LoadOptions,
) -> LocalDoc {
    let value = document.value;
    let mut schema = Vec::new();
    // The embedded schemas compile (a unit test proves it); if they ever did
    // not, every document would be reported invalid rather than panic.
    let valid = crate::schema::check_document(0, kind, &value, &mut schema).unwrap_or(false);
    let id: Option<std::sync::Arc<str>> = value.get("id").and_then(Value::as_str).map(Into::into);
    let refs = Refs::of(kind, &value);
    let keep = options.keep_values || kind == Some(Kind::Policy);
    let (mut item, value) = match kind {
        Some(k) if keep => (item_of(k, &value), Some(value)),
        // The value is not kept: its strings move into the item.
        Some(k) => (item_of(k, value), None),
        None => (None, keep.then_some(value)),
    };
    // One string for the pipeline's id and its document's.
    if let (Some(Item::Pipeline(p)), Some(id)) = (&mut item, &id) {
        if p.id == *id {
            p.id = std::sync::Arc::clone(id);
        }
    }
    // A rotation's covers once, for its document and its typed form.
    if let Some(Item::Rotation(r)) = &mut item {
        if r.covers == refs.covers {
            r.covers.clone_from(&refs.covers);
        }
    }
    LocalDoc {
        document: Document {
            file: 0,
            index_in_file: u32::try_from(index).unwrap_or(u32::MAX),
            kind,
            id,
            valid,
            refs: Some(refs).filter(|r| *r != Refs::default()).map(Box::new),
            value: value.map(Box::new),
        },
        item,
        schema,
    }
}

/// The text of a file checked earlier, read again: `Lost::Changed` unless
/// its bytes are still `stamp`. Decoded as when it was loaded, so that spans
/// found then still hold.
pub(crate) fn read_again(path: &Path, stamp: Stamp) -> Result<String, Lost> {
    let unreadable = |e: std::io::Error| Lost::Unreadable(io_reason(&e));
    let (file, meta) = open_regular(path).map_err(unreadable)?;
    if meta.len() != stamp.len {
        return Err(Lost::Changed);
    }
    let expected = usize::try_from(stamp.len).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    // One byte past the size: a file that grew since `metadata` differs.
    file.take(stamp.len.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if Stamp::of(&bytes) != stamp {
        return Err(Lost::Changed);
    }
    Ok(match decode(bytes) {
        Decoded::Text(text) | Decoded::Invalid(text, _) => text,
    })
}

/// Opens a regular file for reading, with what it is: a FIFO, device or
/// directory is an error, found without blocking on the open.
pub(crate) fn open_regular(path: &Path) -> std::io::Result<(fs::File, fs::Metadata)> {
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking: opening a FIFO returns at once. One path walk instead
        // of two (stat, then open): a tenth of a 10k-file load.
        match fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            Ok(file) => file,
            // A socket cannot be opened at all: say what it is, as for a FIFO.
            Err(e) => {
                return Err(match fs::metadata(path) {
                    Ok(meta) if !meta.is_file() && !meta.is_dir() => {
                        std::io::Error::other("not a regular file")
                    }
                    _ => e,
                })
            }
        }
    };
    #[cfg(not(unix))]
    let file = {
        // Check before opening: opening a FIFO would block.
        if !fs::metadata(path)?.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        fs::File::open(path)?
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok((file, meta))
}

enum ReadOutcome {
    All(Vec<u8>),
    TooLarge { size: u64, head: Vec<u8> },
}

/// Reads at most `limit` bytes; larger files are reported, not read.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<ReadOutcome> {
    let (file, meta) = open_regular(path)?;
    // Exactly the file's size (plus one byte to notice growth): no slack.
    let expected = usize::try_from(meta.len().min(limit)).unwrap_or(0);
    let mut head = Vec::with_capacity(expected.saturating_add(1));
    // Read one byte past the limit: the size on disk may change under us.
    file.take(limit.saturating_add(1)).read_to_end(&mut head)?;
    if head.len() as u64 > limit {
        head.truncate(64 * 1024);
        return Ok(ReadOutcome::TooLarge {
            size: meta.len().max(limit + 1),
            head,
        });
    }
    Ok(ReadOutcome::All(head))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut agrees with `display_path` and `repo_relative` where it
    /// applies, and declines paths they would rewrite.
    #[test]
    fn tails_are_the_relative_paths_they_stand_for() {
        let cwd = Path::new("/repo");
        for (path, tail) in [
            ("/repo/teams/a.yaml", Some("teams/a.yaml")),
            ("/repo/a.yaml", Some("a.yaml")),
            ("/repository/a.yaml", None),
            ("/repo/./a.yaml", None),
            ("/repo/x/../a.yaml", None),
            ("/repo//a.yaml", None),
            ("/other/a.yaml", None),
            ("repo/a.yaml", None),
        ] {
            let path = Path::new(path);
            let found = tail_after(path, cwd).map(|at| &path.to_str().unwrap()[at..]);
            assert_eq!(found, tail, "{}", path.display());
            if let Some(tail) = found {
                assert_eq!(display_path(path, cwd), tail);
                assert_eq!(repo_relative(path, cwd), tail);
            }
        }
        assert_eq!(tail_after(Path::new("/a.yaml"), Path::new("/")), None);
    }

    #[test]
    fn slash_paths_drop_dot_components() {
        assert_eq!(slash_path(Path::new("./a/b.yaml")), "a/b.yaml");
        assert_eq!(slash_path(Path::new(".")), ".");
    }

    #[test]
    fn decode_handles_boms() {
        let Decoded::Text(t) = decode(b"\xEF\xBB\xBFa: 1".to_vec()) else {
            panic!("utf-8 bom")
        };
        assert_eq!(t, "a: 1");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a: ö".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let Decoded::Text(t) = decode(utf16) else {
            panic!("utf-16")
        };
        assert_eq!(t, "a: ö");
        assert!(matches!(
            decode(vec![0x61, 0xFF, 0x62]),
            Decoded::Invalid(..)
        ));
    }
}
