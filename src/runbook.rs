//! Runbooks: resolving a pipeline's `runbook:` path safely inside the
//! repository root, and reading its section headings.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::model::Model;
use crate::workspace::{DocId, Workspace};

/// A readable runbook: its headings, as words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runbook {
    /// Every heading as its lowercase words joined by spaces, one heading per
    /// line: one string per runbook, shared by runbooks with the same
    /// headings (most follow one template).
    pub headings: Arc<str>,
}

impl Runbook {
    pub fn new(headings: &[String]) -> Runbook {
        Runbook {
            headings: heading_lines(headings).into(),
        }
    }

    /// The required sections no heading has, each named once.
    pub fn missing<'a>(&self, required: &Sections<'a>) -> Vec<&'a str> {
        required
            .wanted
            .iter()
            .filter(|(_, words)| !self.has(words))
            .map(|(name, _)| *name)
            .collect()
    }

    /// Whether a heading holds the words `wanted` in a row, whole words, the
    /// last one possibly plural: `sla` is in "SLAs & alerts", not in "Slack";
    /// `common issues` is in "Common issues and failures".
    fn has(&self, wanted: &[String]) -> bool {
        let Some(last) = wanted.len().checked_sub(1) else {
            return false;
        };
        self.headings.lines().any(|heading| {
            let found: Vec<&str> = heading.split(' ').collect();
            found.windows(wanted.len()).any(|window| {
                window
                    .iter()
                    .zip(wanted)
                    .enumerate()
                    .all(|(i, (got, want))| {
                        *got == want
                            || (i == last
                                && ["s", "es"]
                                    .iter()
                                    .any(|plural| got.strip_suffix(plural) == Some(want.as_str())))
                    })
            })
        })
    }
}

/// Required section names as the words a heading is matched against, each
/// set of words once (`Common issues` and `common-issues` are one section):
/// made once per check, not once per runbook.
#[derive(Debug, Clone, Default)]
pub struct Sections<'a> {
    wanted: Vec<(&'a str, Vec<String>)>,
}

impl<'a> Sections<'a> {
    pub fn new(required: &'a [String]) -> Sections<'a> {
        let mut wanted: Vec<(&'a str, Vec<String>)> = Vec::with_capacity(required.len());
        for section in required {
            let words: Vec<String> = words(section).collect();
            if !wanted.iter().any(|(_, seen)| *seen == words) {
                wanted.push((section.as_str(), words));
            }
        }
        Sections { wanted }
    }
}

/// The headings as [`Runbook::headings`] holds them, written into one
/// string (a runbook has a few headings of a few words each).
fn heading_lines(headings: &[String]) -> String {
    let mut lines = String::with_capacity(headings.iter().map(String::len).sum::<usize>() + 8);
    for (i, heading) in headings.iter().enumerate() {
        if i > 0 {
            lines.push('\n');
        }
        let mut first = true;
        for word in word_slices(heading) {
            if !first {
                lines.push(' ');
            }
            first = false;
            if word.is_ascii() {
                lines.extend(word.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                lines.push_str(&word.to_lowercase());
            }
        }
    }
    lines
}

/// The runs of letters and digits of `text`.
fn word_slices(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Whether a section name has words a heading can hold (`---` has none).
pub fn has_words(name: &str) -> bool {
    word_slices(name).next().is_some()
}

/// The lowercase words of `text`: its runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    word_slices(text).map(str::to_lowercase)
}

/// One pipeline's runbook as the index holds it: `None` when it names none
/// (the language server keeps these between checks).
pub type RunbookEntry = Option<Result<ReadRunbook, Box<RunbookProblem>>>;

/// Every pipeline's runbook, resolved and read once (in parallel) before the
/// rules run: rules never touch the filesystem themselves.
#[derive(Debug, Default)]
pub struct RunbookIndex {
    /// The pipelines that name a runbook, by ascending index in
    /// `model.pipelines` (most name none: no slot for those). A problem is
    /// boxed: rare, and several times the size of a runbook.
    entries: Vec<(usize, Result<ReadRunbook, Box<RunbookProblem>>)>,
    /// How many pipelines the index is for (entries past the last runbook
    /// are `None`).
    pipelines: usize,
    /// The sections the active policy requires (`runbook-sections`): what a
    /// runbook created by a fix holds.
    required: Vec<String>,
}

/// A runbook that was read, and its real path (where a fix writes) when it
/// lacks a required section: the path is kept only for that fix (most
/// runbooks have every section, and a large workspace has tens of thousands).
#[derive(Debug, Clone)]
pub struct ReadRunbook {
    runbook: Runbook,
    path: Option<Box<Path>>,
}

/// Headings shared by the runbooks of one index (most follow one template),
/// each with whether it lacks a required section: worked out once per set
/// of headings, not once per runbook.
struct SharedHeadings<'a> {
    required: Sections<'a>,
    known: Mutex<HashMap<Arc<str>, bool>>,
}

impl<'a> SharedHeadings<'a> {
    fn new(required: Sections<'a>) -> Self {
        SharedHeadings {
            required,
            known: Mutex::default(),
        }
    }

    /// The shared copy of `lines`, and whether they lack a required section.
    fn share(&self, lines: String) -> (Arc<str>, bool) {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((shared, lacks)) = known.get_key_value(lines.as_str()) {
            return (Arc::clone(shared), *lacks);
        }
        let shared: Arc<str> = lines.into();
        let lacks = !Runbook {
            headings: Arc::clone(&shared),
        }
        .missing(&self.required)
        .is_empty();
        known.insert(Arc::clone(&shared), lacks);
        (shared, lacks)
    }
}

/// How [`read_runbook`] makes a runbook's headings from their lines: the
/// shared string, and whether to keep the runbook's path (see
/// [`ReadRunbook`]).
type Share<'s> = &'s (dyn Fn(String) -> (Arc<str>, bool) + Sync);

/// The runbook `runbook` named by the pipeline document `doc`, read, its
/// headings made by `share`; paths shown relative to `cwd`.
fn read_runbook(
    workspace: &Workspace,
    doc: DocId,
    runbook: &str,
    files: &dyn Files,
    cwd: &Path,
    share: Share<'_>,
) -> Result<ReadRunbook, Box<RunbookProblem>> {
    resolve_from(workspace, doc, runbook, files, cwd)
        .and_then(|resolved| {
            let text = files.read(&resolved)?;
            let (headings, keep) = share(heading_lines(&headings(&text)));
            Ok(ReadRunbook {
                runbook: Runbook { headings },
                path: keep.then(|| resolved.into_boxed_path()),
            })
        })
        .map_err(Box::new)
}

impl RunbookIndex {
    /// The index of the model's pipelines' runbooks; `required`: the
    /// sections the policy requires (see [`ReadRunbook`]).
    pub fn build(workspace: &Workspace, model: &Model, required: &[String]) -> RunbookIndex {
        RunbookIndex::build_from(workspace, model, &DiskDirs::default(), required)
    }

    /// [`RunbookIndex::build`] with the runbooks read from `files` (a git
    /// revision for `--base`) instead of the disk.
    pub fn build_from(
        workspace: &Workspace,
        model: &Model,
        files: &dyn Files,
        required: &[String],
    ) -> RunbookIndex {
        let shared = SharedHeadings::new(Sections::new(required));
        let share = |lines: String| shared.share(lines);
        // Shown like every other path: relative to the current directory.
        let cwd = shown_from();
        // The pipelines naming a runbook first: an indexed parallel collect
        // writes straight into a vector of the exact length (a filtered one
        // gathers pieces and copies them, twice the memory at the peak).
        let naming: Vec<usize> = (0..model.pipelines.len())
            .filter(|&index| model.pipelines[index].item.runbook.is_some())
            .collect();
        let entries = naming
            .into_par_iter()
            // Pieces of at most 32 runbooks: rayon's own split leaves
            // quarters of the list unsplit, and the thread that finishes
            // first waits for a quarter's tail.
            .with_max_len(32)
            .map(|index| {
                let p = &model.pipelines[index];
                let path = p.item.runbook.as_deref().unwrap_or_default();
                let read = read_runbook(workspace, p.doc, path, files, &cwd, &share);
                (index, read)
            })
            .collect();
        RunbookIndex {
            entries,
            pipelines: model.pipelines.len(),
            required: Vec::new(),
        }
    }

    /// What the index holds for the pipeline document `doc` naming
    /// `runbook`.
    pub fn entry(
        workspace: &Workspace,
        doc: DocId,
        runbook: Option<&str>,
        files: &dyn Files,
    ) -> RunbookEntry {
        let path = runbook?;
        Some(read_runbook(
            workspace,
            doc,
            path,
            files,
            &shown_from(),
            // Kept across policy edits by the language server: every path.
            &|lines: String| (lines.into(), true),
        ))
    }

    /// The index of these entries, one per `model.pipelines` entry (the
    /// language server keeps them between checks).
    pub fn from_entries(entries: Vec<RunbookEntry>) -> RunbookIndex {
        let pipelines = entries.len();
        RunbookIndex {
            entries: entries
                .into_iter()
                .enumerate()
                .filter_map(|(i, entry)| Some((i, entry?)))
                .collect(),
            pipelines,
            required: Vec::new(),
        }
    }

    /// The entries, one per `model.pipelines` entry.
    pub fn into_entries(self) -> Vec<RunbookEntry> {
        let mut all: Vec<RunbookEntry> = Vec::with_capacity(self.pipelines);
        for (i, entry) in self.entries {
            all.resize_with(i, || None);
            all.push(Some(entry));
        }
        all.resize_with(self.pipelines, || None);
        all
    }

    /// The entry of the pipeline at `index`, copied (headings shared).
    pub fn cloned_entry(&self, index: usize) -> RunbookEntry {
        self.slot(index).cloned()
    }

    /// The index of a model holding only the pipelines at `indices`, in
    /// that order.
    pub fn subset(&self, indices: &[usize]) -> RunbookIndex {
        RunbookIndex {
            entries: indices
                .iter()
                .enumerate()
                .filter_map(|(new, &old)| Some((new, self.slot(old)?.clone())))
                .collect(),
            pipelines: indices.len(),
            required: self.required.clone(),
        }
    }

    /// Sets the sections the active policy requires.
    pub fn requiring(mut self, sections: Vec<String>) -> RunbookIndex {
        self.required = sections;
        self
    }

    fn slot(&self, index: usize) -> Option<&Result<ReadRunbook, Box<RunbookProblem>>> {
        let at = self.entries.binary_search_by_key(&index, |e| e.0).ok()?;
        self.entries.get(at).map(|e| &e.1)
    }

    /// The runbook of the pipeline at `index` in `model.pipelines`: `None`
    /// when it names none.
    pub fn get(&self, index: usize) -> Option<Result<&Runbook, &RunbookProblem>> {
        Some(match self.slot(index)? {
            Ok(read) => Ok(&read.runbook),
            Err(problem) => Err(problem),
        })
    }

    /// The real path of the runbook of the pipeline at `index`, when it was
    /// read and lacks a required section.
    pub fn path(&self, index: usize) -> Option<&Path> {
        self.slot(index)?.as_ref().ok()?.path.as_deref()
    }

    /// The sections a new runbook needs: the policy's, else the default ones.
    pub fn required_sections(&self) -> Vec<String> {
        if self.required.is_empty() {
            DEFAULT_SECTIONS.iter().map(|s| s.to_string()).collect()
        } else {
            self.required.clone()
        }
    }
}

/// The sections of the builtin default policy (`policies/default.yaml`).
pub const DEFAULT_SECTIONS: [&str; 5] =
    ["overview", "metrics", "common issues", "sla", "escalation"];

/// A section name as a heading: "common issues" -> "Common issues"; short
/// names are acronyms: "sla" -> "SLA".
pub fn section_heading(name: &str) -> String {
    if name.chars().count() <= 3 {
        return name.to_uppercase();
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The line under a section heading written by a fix or `steward init`:
/// what the section should answer, to be replaced by the answer.
pub fn section_placeholder(name: &str) -> &'static str {
    match words(name).collect::<Vec<_>>().join(" ").as_str() {
        "overview" => "TODO: what the pipeline produces, for whom, and from which sources.",
        "metrics" => "TODO: the metrics it computes and the signals that show it is healthy.",
        "common issues" => "TODO: the ways it fails and how to fix each.",
        "sla" => "TODO: when the data is due and how fast problems must be resolved.",
        "escalation" => "TODO: who takes over after whom, and where to notify.",
        _ => "TODO: write this section.",
    }
}

/// Markdown for one section: its heading at `level` and its placeholder.
pub fn section_text(name: &str, level: usize, newline: &str) -> String {
    format!(
        "{} {}{newline}{newline}{}{newline}",
        "#".repeat(level.clamp(1, 6)),
        section_heading(name),
        section_placeholder(name)
    )
}

/// A new runbook: a title and a section for each of `sections`.
pub fn template(title: &str, sections: &[String]) -> String {
    let mut out = format!(
        "# Runbook: {title}\n\n<!-- A heading for each section the policy requires \
         (`steward explain runbook-sections`).\n     Replace each TODO with the answer. -->\n"
    );
    for section in sections {
        out.push('\n');
        out.push_str(&section_text(section, 2, "\n"));
    }
    out
}

/// The heading level new sections of `markdown` get: that of its last
/// heading below the title, else 2.
pub fn section_level(markdown: &str) -> usize {
    let markdown = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut level = 2;
    for event in Parser::new_ext(markdown, options) {
        if let Event::Start(Tag::Heading { level: l, .. }) = event {
            let l = l as usize;
            if l > 1 {
                level = l;
            }
        }
    }
    level
}

/// Runbooks larger than this are read only up to it.
pub(crate) const MAX_RUNBOOK_BYTES: u64 = 4 * 1024 * 1024;

/// Why a runbook path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookProblem {
    /// A URL, not a path: runbooks are files checked in with the YAML.
    Url {
        inside: Boundary,
    },
    /// An absolute path; it is never opened.
    Absolute {
        inside: Boundary,
        root: String,
    },
    /// The path leaves the root; it is never opened.
    Escapes {
        how: Escape,
        inside: Boundary,
        root: String,
    },
    Missing {
        /// Where the file was looked for (absolute).
        path: PathBuf,
        resolved: String,
        /// The same path taken from the root, when a file is there: what
        /// the author most likely meant, relative to the YAML file.
        from_yaml_file: Option<String>,
    },
    NotAFile {
        what: String,
    },
    SymlinkLoop,
    Unreadable {
        reason: String,
    },
}

/// How a runbook path leaves the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    DotDot,
    Symlink,
}

/// What a runbook must stay inside, in words. The wording of the root lives
/// here only, so it follows however the root was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    /// A directory holding `steward.yaml`.
    Workspace,
    /// A directory holding `.git`.
    Repository,
    /// Neither was found: the checked path itself.
    CheckedDirectory,
}

impl Boundary {
    pub fn of(root: &Path) -> Boundary {
        if root.join("steward.yaml").is_file() {
            Boundary::Workspace
        } else if root.join(".git").exists() {
            Boundary::Repository
        } else {
            Boundary::CheckedDirectory
        }
    }

    /// After "outside" or "inside": "outside the repository".
    pub fn noun(self) -> &'static str {
        match self {
            Boundary::Workspace => "the workspace root",
            Boundary::Repository => "the repository",
            Boundary::CheckedDirectory => "the checked directory (no repository found)",
        }
    }

    /// The same, without explanation, for labels.
    pub fn short(self) -> &'static str {
        match self {
            Boundary::Workspace => "the workspace root",
            Boundary::Repository => "the repository",
            Boundary::CheckedDirectory => "the checked directory",
        }
    }

    /// What the root directory is, after its path in a help line.
    pub fn root_description(self) -> &'static str {
        match self {
            Boundary::Workspace => "the workspace root, which holds `steward.yaml`",
            Boundary::Repository => "the repository root",
            Boundary::CheckedDirectory => {
                "the checked directory: without a `.git` above it, steward reads nothing outside it"
            }
        }
    }
}

/// Whether a `runbook:` value is a URL (`https://…`, `file://…`).
fn is_url(text: &str) -> bool {
    text.split_once("://").is_some_and(|(scheme, _)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Resolves `runbook` relative to the YAML file of `doc`, refusing anything that
/// leaves the repository root: absolute paths, `..` that climbs out, and
/// symlinks that point outside (a missing file's symlinked directory or
/// dangling link included: a runbook created there would be outside too).
/// Nothing outside the root is read.
pub fn resolve(
    workspace: &Workspace,
    doc: DocId,
    runbook: &str,
) -> Result<PathBuf, RunbookProblem> {
    resolve_in(workspace, doc, runbook, &Disk)
}

/// What a path is, for [`Files::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Directory,
    /// A FIFO, socket or device.
    Other,
}

/// Where runbooks are read from: the disk, or the files of a git revision
/// (`--base`), so both are judged by the same resolution rules.
pub trait Files: Sync {
    /// The path with every symlink resolved (`fs::canonicalize`).
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf>;
    /// What the (canonical) path is.
    fn kind(&self, path: &Path) -> std::io::Result<EntryKind>;
    /// The text of a resolved runbook.
    fn read(&self, path: &Path) -> Result<String, RunbookProblem>;
    /// The canonical path of a normalised path, and what it is there.
    fn resolve(&self, path: &Path) -> std::io::Result<(PathBuf, EntryKind)> {
        let canonical = self.canonicalize(path)?;
        let kind = self.kind(&canonical)?;
        Ok((canonical, kind))
    }

    /// Where a file created at a normalised path that does not exist would
    /// be: the path of its nearest existing directory made canonical, the
    /// missing names after it (a symlinked directory may lead out of the
    /// root).
    fn landing(&self, path: &Path) -> std::io::Result<PathBuf> {
        let mut names = Vec::new();
        let mut at = path;
        loop {
            match self.canonicalize(at) {
                Ok(real) => return Ok(names.iter().rev().fold(real, |p, name| p.join(name))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let (Some(name), Some(parent)) = (at.file_name(), at.parent()) else {
                        return Err(e);
                    };
                    names.push(name);
                    at = parent;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// The files on disk.
pub struct Disk;

impl Files for Disk {
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        fs::canonicalize(path)
    }

    fn kind(&self, path: &Path) -> std::io::Result<EntryKind> {
        Ok(entry_kind(&fs::metadata(path)?))
    }

    fn read(&self, path: &Path) -> Result<String, RunbookProblem> {
        read(path)
    }

    fn landing(&self, path: &Path) -> std::io::Result<PathBuf> {
        crate::edit::real_location(path)
    }
}

fn entry_kind(meta: &fs::Metadata) -> EntryKind {
    if meta.is_dir() {
        EntryKind::Directory
    } else if meta.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    }
}

/// The files on disk, for many runbooks at once: each directory is made
/// canonical once, and a runbook's own name is looked at with one `lstat`
/// (a `canonicalize` per runbook walks every component of its path: the
/// larger part of reading 10k runbooks).
#[derive(Default)]
struct DiskDirs {
    canonical: Mutex<std::collections::HashMap<PathBuf, PathBuf>>,
}

impl DiskDirs {
    fn canonical_dir(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let lock = || {
            self.canonical
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        if let Some(found) = lock().get(dir) {
            return Ok(found.clone());
        }
        let canonical = fs::canonicalize(dir)?;
        lock().insert(dir.to_path_buf(), canonical.clone());
        Ok(canonical)
    }
}

impl Files for DiskDirs {
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        Disk.canonicalize(path)
    }

    fn kind(&self, path: &Path) -> std::io::Result<EntryKind> {
        Disk.kind(path)
    }

    fn read(&self, path: &Path) -> Result<String, RunbookProblem> {
        read(path)
    }

    fn landing(&self, path: &Path) -> std::io::Result<PathBuf> {
        Disk.landing(path)
    }

    fn resolve(&self, path: &Path) -> std::io::Result<(PathBuf, EntryKind)> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Disk.resolve(path);
        };
        let canonical = self.canonical_dir(dir)?.join(name);
        let meta = fs::symlink_metadata(&canonical)?;
        if meta.file_type().is_symlink() {
            // Where the link leads (and whether it loops or escapes) is
            // `canonicalize`'s to say.
            return Disk.resolve(path);
        }
        Ok((canonical, entry_kind(&meta)))
    }
}

/// [`resolve`] against `files`.
pub fn resolve_in(
    workspace: &Workspace,
    doc: DocId,
    runbook: &str,
    files: &dyn Files,
) -> Result<PathBuf, RunbookProblem> {
    resolve_from(workspace, doc, runbook, files, &shown_from())
}

/// The directory paths are shown relative to: the current one, canonical.
fn shown_from() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    fs::canonicalize(&cwd).unwrap_or(cwd)
}

/// [`resolve_in`] with paths shown relative to `cwd` ([`shown_from`], asked
/// once for all runbooks: two system calls and a path walk each otherwise).
fn resolve_from(
    workspace: &Workspace,
    doc: DocId,
    runbook: &str,
    files: &dyn Files,
    cwd: &Path,
) -> Result<PathBuf, RunbookProblem> {
    let document = workspace.doc(doc).ok_or(RunbookProblem::Missing {
        path: PathBuf::from(runbook),
        resolved: runbook.to_string(),
        from_yaml_file: None,
    })?;
    let file = document.file;
    let root = workspace
        .file_roots
        .get(file)
        .and_then(|r| workspace.roots.get(*r))
        .cloned()
        .unwrap_or_default();
    let shown_root = || relative_path(&root, cwd);
    if is_url(runbook) {
        return Err(RunbookProblem::Url {
            inside: Boundary::of(&root),
        });
    }
    let candidate = Path::new(runbook);
    if candidate.has_root() || candidate.is_absolute() {
        return Err(RunbookProblem::Absolute {
            inside: Boundary::of(&root),
            root: shown_root(),
        });
    }
    // The YAML file's directory, from its repository-relative path: no
    // filesystem call needed.
    let relative = workspace
        .files
        .get(file)
        .map(|f| PathBuf::from(f.repo_relative()))
        .unwrap_or_default();
    let yaml_dir = root
        .join(relative)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.clone());
    let joined = normalize(&yaml_dir.join(candidate));
    if !joined.starts_with(&root) {
        return Err(RunbookProblem::Escapes {
            how: Escape::DotDot,
            inside: Boundary::of(&root),
            root: shown_root(),
        });
    }
    let display = crate::load::display_path(&joined, cwd);
    // Follows symlinks without opening the target.
    let (canonical, kind) = match files.resolve(&joined) {
        Ok(found) => found,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A missing file whose directory is a symlink leading out of the
            // root (or a dangling link leading out) is outside it: a
            // runbook created there would be too.
            if files
                .landing(&joined)
                .is_ok_and(|landing| !landing.starts_with(&root))
            {
                return Err(RunbookProblem::Escapes {
                    how: Escape::Symlink,
                    inside: Boundary::of(&root),
                    root: shown_root(),
                });
            }
            return Err(RunbookProblem::Missing {
                path: joined.clone(),
                resolved: display,
                from_yaml_file: from_root(&root, &yaml_dir, candidate, files),
            });
        }
        // ELOOP: 40 on Linux, 62 on macOS and the BSDs.
        Err(e) if matches!(e.raw_os_error(), Some(40 | 62)) => {
            return Err(RunbookProblem::SymlinkLoop)
        }
        Err(e) => {
            return Err(RunbookProblem::Unreadable {
                reason: e.to_string(),
            })
        }
    };
    if !canonical.starts_with(&root) {
        return Err(RunbookProblem::Escapes {
            how: Escape::Symlink,
            inside: Boundary::of(&root),
            root: shown_root(),
        });
    }
    match kind {
        EntryKind::File => Ok(canonical),
        EntryKind::Directory => Err(RunbookProblem::NotAFile {
            what: "a directory".to_string(),
        }),
        EntryKind::Other => Err(RunbookProblem::NotAFile {
            what: "not a regular file (a FIFO, socket or device)".to_string(),
        }),
    }
}

/// When `candidate`, taken from the root instead of the YAML file's
/// directory, is a regular file inside the root: its path from `yaml_dir`.
fn from_root(root: &Path, yaml_dir: &Path, candidate: &Path, files: &dyn Files) -> Option<String> {
    if yaml_dir == root {
        return None;
    }
    let target = normalize(&root.join(candidate));
    let canonical = files.canonicalize(&target).ok()?;
    if !target.starts_with(root)
        || !canonical.starts_with(root)
        || files.kind(&canonical).ok()? != EntryKind::File
    {
        return None;
    }
    Some(relative_path(&target, yaml_dir))
}

/// `path` relative to `base` (both absolute and normalised), `/`-separated,
/// climbing with `..` where needed; `.` for `base` itself.
fn relative_path(path: &Path, base: &Path) -> String {
    let path_parts: Vec<Component<'_>> = path.components().collect();
    let base_parts: Vec<Component<'_>> = base.components().collect();
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return crate::load::display_path(path, base);
    }
    let parts: Vec<String> = std::iter::repeat_n("..".to_string(), base_parts.len() - common)
        .chain(
            path_parts[common..]
                .iter()
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        )
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Lexically resolves `.` and `..` (without touching the filesystem).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads a resolved runbook (a regular file inside the root).
pub fn read(path: &Path) -> Result<String, RunbookProblem> {
    let file = fs::File::open(path).map_err(|e| RunbookProblem::Unreadable {
        reason: match e.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        },
    })?;
    // Sized once from the open file (one byte more to see the end).
    let size = file
        .metadata()
        .map_or(0, |m| m.len())
        .min(MAX_RUNBOOK_BYTES);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(MAX_RUNBOOK_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| RunbookProblem::Unreadable {
            reason: e.to_string(),
        })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The text of every heading (any level, ATX or setext), in order. Headings
/// inside code blocks, HTML comments and front matter are not headings.
pub fn headings(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    // Front matter (`---` YAML or `+++` TOML at the top) is metadata: without
    // these options its closing `---` turns the line above into a heading.
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    // A byte-order mark would hide front matter from the parser.
    let markdown = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(h) = current.as_mut() {
                    h.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(h) = current.as_mut() {
                    h.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

/// The required sections none of `headings` has.
pub fn missing_sections<'a>(headings: &[String], required: &'a [String]) -> Vec<&'a str> {
    Runbook::new(headings).missing(&Sections::new(required))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_of_every_style_but_not_in_code() {
        let md = "# Pipeline Overview\n\nMetrics\n-------\n\n```\n## SLA\n```\n\n    ## Escalation (indented code)\n\n### `Common` issues\n";
        assert_eq!(
            headings(md),
            vec!["Pipeline Overview", "Metrics", "Common issues"]
        );
        let required: Vec<String> = ["overview", "metrics", "common issues", "sla", "escalation"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            missing_sections(&headings(md), &required),
            vec!["sla", "escalation"]
        );
    }

    #[test]
    fn front_matter_after_a_byte_order_mark_is_not_a_heading() {
        let md = "\u{feff}---\r\ntitle: SLA\r\n---\r\n# Overview\r\n";
        assert_eq!(headings(md), vec!["Overview"]);
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://wiki.example.com/x"));
        assert!(is_url("file:///srv/x.md"));
        assert!(!is_url("runbooks/x.md"));
        assert!(!is_url("runbooks/a://b.md"));
        assert!(!is_url("://x"));
    }

    #[test]
    fn relative_paths_climb_where_needed() {
        assert_eq!(relative_path(Path::new("/r"), Path::new("/r")), ".");
        assert_eq!(relative_path(Path::new("/r"), Path::new("/r/defs")), "..");
        assert_eq!(
            relative_path(Path::new("/r/runbooks/p.md"), Path::new("/r/defs/x")),
            "../../runbooks/p.md"
        );
    }

    #[test]
    fn normalize_resolves_dot_dot_lexically() {
        assert_eq!(
            normalize(Path::new("/r/a/../b/./c.md")),
            PathBuf::from("/r/b/c.md")
        );
        assert_eq!(normalize(Path::new("/r/../../x")), PathBuf::from("/x"));
    }
}
