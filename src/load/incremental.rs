//! The files of one workspace kept between checks (`steward lsp`): each file
//! is read, decoded, parsed, validated and deserialised once, and again only
//! when it changes.
//!
//! [`FileCache::assemble`] builds the workspace with the loader's own walk,
//! listing and `merge`, in the same order, so it is the workspace
//! [`super::load_workspace_overlaid`] loads from the same texts; only the
//! reading and parsing of unchanged files is skipped. After the check,
//! [`FileCache::keep`] takes the workspace apart again: each file's parts
//! (text, comments, documents with their values and items, problems, span
//! trees) go back to its entry, moved, not copied, with their ids made
//! local to the file again, as a fresh reading gives them.
//!
//! A file is read again when its unsaved text is not the one it was read
//! from (an edit, an open, a close), and when [`FileCache::forget`] or
//! [`FileCache::revalidate`] says it changed on disk. The directory walk is
//! kept until [`FileCache::rewalk`] (files created or deleted).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;

use super::{
    add_errors, add_unsaved, current_dir, empty_workspace, merge, merge_as, process, process_bytes,
    root::Root, walk_root, Candidate, Listing, LoadOptions, LocalDoc, Overlay, PathName, Processed,
    Read, Walked,
};
use crate::document::{DocId, Kind};
use crate::finding::{Label, Location};
use crate::fix::{Change, Fix};
use crate::model::Item;
use crate::source::{FileId, SourceFile, Stamp};
use crate::workspace::{LoadProblem, LoadRule, Workspace};

/// The kept files of the workspace at one root.
pub struct FileCache {
    root: Root,
    options: LoadOptions,
    /// The walk of the root (the disk only).
    walked: Option<Walked>,
    /// The listing, with the unsaved paths it was made with.
    listing: Option<(Vec<PathBuf>, Listing)>,
    /// Per file of the listing (by position): what is kept of it.
    entries: Vec<Option<Entry>>,
    /// The position of each real path in `entries`.
    positions: HashMap<PathBuf, usize>,
    /// Per file of the workspace last assembled: its position in the
    /// listing, when its parts are kept after the check.
    assembled: Vec<Option<usize>>,
    /// Per document of the workspace last taken apart: its kind, and
    /// whether the next assembly used it again.
    previous: Vec<(Option<Kind>, bool)>,
    /// How many files the workspace last taken apart had.
    previous_files: usize,
}

struct Entry {
    /// The unsaved text it was read from, or `None`: the file on disk, as
    /// it was at `stamp`.
    unsaved: Option<String>,
    stamp: Option<Modified>,
    state: State,
}

/// A file's size and modification time, to notice a change on disk.
type Modified = (u64, Option<SystemTime>);

enum State {
    /// Not a steward file.
    Skip,
    /// Parsed: its parts while no workspace holds them (`None` while one
    /// does); boxed, as most files of a large workspace are skipped or not.
    Parsed(Option<Box<Kept>>),
    /// Unreadable, too large, not text: read each time (rare).
    Unusable,
}

struct Kept {
    processed: Processed,
    /// The file as the workspace held it (its text, paths, line index and
    /// span trees), its text then moved out of `processed`; `None` when just
    /// read.
    source: Option<SourceFile>,
    /// Its file id and first document id in the workspace it was taken
    /// from; `None` when just read.
    origin: Option<(FileId, DocId)>,
}

/// How the workspace just assembled relates to the one last taken apart.
#[derive(Debug, Default)]
pub struct Delta {
    /// Per file: its id in the previous workspace, when it was not read again.
    pub old_file: Vec<Option<FileId>>,
    /// Per document: its id in the previous workspace, when its file was not
    /// read again.
    pub old_doc: Vec<Option<DocId>>,
    /// The kinds of the previous workspace's documents that are gone (their
    /// files were read again, or left the workspace).
    pub dropped: Vec<Option<Kind>>,
    /// How many files and documents the previous workspace had (0: none).
    pub previous_files: usize,
    pub previous_docs: usize,
    /// How many files were read (again).
    pub read: usize,
    /// Whether the files were listed again (a walk, or other unsaved paths).
    pub relisted: bool,
}

impl Delta {
    /// Per document of the previous workspace: its id now, if it was kept.
    pub fn new_doc_ids(&self) -> Vec<Option<DocId>> {
        invert(&self.old_doc, self.previous_docs)
    }

    /// Per file of the previous workspace: its id now, if it was kept.
    pub fn new_file_ids(&self) -> Vec<Option<FileId>> {
        invert(&self.old_file, self.previous_files)
    }
}

fn invert(old: &[Option<usize>], previous: usize) -> Vec<Option<usize>> {
    let mut out = vec![None; previous];
    for (new, old) in old.iter().enumerate() {
        if let Some(slot) = old.and_then(|o| out.get_mut(o)) {
            *slot = Some(new);
        }
    }
    out
}

impl FileCache {
    pub fn new(root: Root, options: LoadOptions) -> FileCache {
        FileCache {
            root,
            options,
            walked: None,
            listing: None,
            entries: Vec::new(),
            positions: HashMap::new(),
            assembled: Vec::new(),
            previous: Vec::new(),
            previous_files: 0,
        }
    }

    /// The file at `path` (real) changed on disk, or may have.
    pub fn forget(&mut self, path: &Path) {
        if let Some(&i) = self.positions.get(path) {
            if let Some(entry) = self.entries.get_mut(i) {
                *entry = None;
            }
        }
    }

    /// Files were created or deleted: walk again at the next assembly.
    pub fn rewalk(&mut self) {
        self.walked = None;
        self.listing = None;
    }

    /// Walks again and forgets every file read from disk whose size or
    /// modification time changed (for clients that do not say which files
    /// changed).
    pub fn revalidate(&mut self) {
        self.rewalk();
        for (path, &i) in &self.positions {
            if let Some(slot) = self.entries.get_mut(i) {
                if slot
                    .as_ref()
                    .is_some_and(|e| e.unsaved.is_none() && e.stamp != stamp(path))
                {
                    *slot = None;
                }
            }
        }
    }

    /// The workspace at the root with `overlay`'s texts instead of the
    /// files': the files that changed are read again, the others' parts come
    /// from the workspace last given to [`FileCache::keep`].
    pub fn assemble(&mut self, overlay: &Overlay) -> (Workspace, Delta) {
        let cwd = current_dir();
        let (unsaved, listing, relisted) = self.take_listing(overlay);
        let options = self.options;
        let mut workspace =
            add_errors(empty_workspace(&self.root, &options), &listing.errors, &cwd);

        // Read (again), in parallel, what has no usable entry.
        let stale: Vec<usize> = (0..listing.candidates.len())
            .filter(|&i| {
                let unsaved = match overlay.is_empty() {
                    true => None,
                    false => overlay.get(listing.candidates[i].real()),
                };
                !self
                    .entries
                    .get(i)
                    .and_then(Option::as_ref)
                    .is_some_and(|e| {
                        e.unsaved.as_ref() == unsaved
                            && match &e.state {
                                State::Skip => true,
                                State::Parsed(kept) => kept.is_some(),
                                State::Unusable => false,
                            }
                    })
            })
            .collect();
        let read: Vec<(Option<Modified>, Processed)> = stale
            .par_iter()
            .with_max_len(1) // files differ in size: see `read_all`
            .map(|&i| read(&listing.candidates[i], overlay, &options))
            .collect();
        // An unusable file is read each time: its reading waits here.
        let mut unusable: HashMap<usize, Processed> = HashMap::new();
        for (&i, (stamp, processed)) in stale.iter().zip(read) {
            let real = listing.candidates[i].real();
            let state = match processed {
                Processed::Skip => State::Skip,
                Processed::Unusable { .. } => {
                    unusable.insert(i, processed);
                    State::Unusable
                }
                Processed::Parsed { .. } => State::Parsed(Some(Box::new(Kept {
                    processed,
                    source: None,
                    origin: None,
                }))),
            };
            if let Some(slot) = self.entries.get_mut(i) {
                *slot = Some(Entry {
                    unsaved: overlay.get(real).cloned(),
                    stamp,
                    state,
                });
            }
        }

        let mut delta = Delta {
            old_file: vec![None; workspace.files.len()],
            previous_files: self.previous_files,
            previous_docs: self.previous.len(),
            read: stale.len(),
            relisted,
            ..Delta::default()
        };
        self.assembled = vec![None; workspace.files.len()];
        // About as large as last time: no regrowing.
        let (files, docs) = (listing.candidates.len(), delta.previous_docs);
        workspace.files.reserve(files);
        workspace.file_roots.reserve(files);
        workspace.reported.reserve(files);
        workspace.documents.reserve(docs);
        workspace.items.reserve(docs);
        delta.old_doc.reserve(docs);
        for (i, candidate) in listing.candidates.iter().enumerate() {
            let Some(entry) = self.entries.get_mut(i).and_then(Option::as_mut) else {
                continue;
            };
            let (processed, source, origin) = match &mut entry.state {
                State::Skip => continue,
                State::Unusable => match unusable.remove(&i) {
                    Some(processed) => (processed, None, None),
                    None => continue,
                },
                State::Parsed(slot) => match slot.take().map(|k| *k) {
                    Some(kept) => (kept.processed, kept.source, kept.origin),
                    None => continue,
                },
            };
            let kept = matches!(entry.state, State::Parsed(_));
            let (files_before, docs_before) = (workspace.files.len(), workspace.documents.len());
            let fresh = |processed| Read::kept(candidate.clone(), &cwd, &self.root.dir, processed);
            match source {
                // The file as it was (its text, line index and span trees),
                // if it is still listed as it was.
                Some(source) if listed_as(&source, candidate, &cwd, &self.root.dir) => merge_as(
                    &mut workspace,
                    candidate.root,
                    candidate.reported,
                    processed,
                    |_, _| source,
                ),
                Some(source) => merge(
                    &mut workspace,
                    fresh(with_text(processed, source.into_text())),
                ),
                None => merge(&mut workspace, fresh(processed)),
            }
            // `merge` adds one file, or none.
            if workspace.files.len() > files_before {
                self.assembled.push(kept.then_some(i));
                delta.old_file.push(origin.map(|(file, _)| file));
            }
            for local in 0..workspace.documents.len() - docs_before {
                let old = origin.map(|(_, first)| first + local);
                if let Some((_, used)) = old.and_then(|o| self.previous.get_mut(o)) {
                    *used = true;
                }
                delta.old_doc.push(old);
            }
        }
        delta.dropped = self
            .previous
            .drain(..)
            .filter(|(_, used)| !used)
            .map(|(kind, _)| kind)
            .collect();
        self.previous_files = 0;
        self.listing = Some((unsaved, listing));
        (workspace, delta)
    }

    /// Takes apart the workspace [`FileCache::assemble`] made last (with its
    /// items, `items[doc]`, back from the model) and keeps its files' parts
    /// for the next assembly.
    pub fn keep(&mut self, mut workspace: Workspace, mut items: Vec<Option<Item>>) {
        let assembled = std::mem::take(&mut self.assembled);
        let files = workspace.files.len();
        if assembled.len() != files {
            // Not the workspace last assembled: every file is read again.
            return;
        }
        self.previous = workspace
            .documents
            .iter()
            .map(|d| (d.kind, false))
            .collect();
        self.previous_files = files;
        let doc_file: Vec<FileId> = workspace.documents.iter().map(|d| d.file).collect();
        let mut docs: Vec<Vec<LocalDoc>> = (0..files).map(|_| Vec::new()).collect();
        let mut first_doc: Vec<Option<DocId>> = vec![None; files];
        for (id, document) in std::mem::take(&mut workspace.documents)
            .into_iter()
            .enumerate()
        {
            let file = document.file;
            if let Some(list) = docs.get_mut(file) {
                first_doc[file].get_or_insert(id);
                list.push(LocalDoc {
                    document,
                    item: items.get_mut(id).and_then(Option::take),
                    schema: Vec::new(),
                });
            }
        }
        let file_of = |location: &Location| match location {
            Location::Node { doc, .. } | Location::Key { doc, .. } => doc_file.get(*doc).copied(),
            Location::Span { file, .. } => Some(*file),
        };
        // Back to the ids a fresh reading gives (file 0, the file's first
        // document 0), which `merge` rebases: a file's schema problems all
        // go with its first document, in their order.
        let mut usable: Vec<bool> = assembled.iter().map(Option::is_some).collect();
        for mut d in std::mem::take(&mut workspace.schema_diagnostics) {
            let Some(file) = file_of(&d.location).filter(|f| *f < files) else {
                continue;
            };
            let first = first_doc[file];
            let local = first.is_some_and(|first| {
                relocate(
                    &mut d.location,
                    &mut d.labels,
                    d.fix.as_deref_mut(),
                    &|doc| doc.checked_sub(first),
                    &|_| Some(0),
                )
            });
            match docs[file].first_mut() {
                Some(doc) if local => doc.schema.push(d),
                _ => usable[file] = false,
            }
        }
        let mut problems: Vec<Vec<LoadProblem>> = (0..files).map(|_| Vec::new()).collect();
        for mut problem in std::mem::take(&mut workspace.problems) {
            let Location::Span { file, .. } = problem.diagnostic.location else {
                // Not a file-level problem as `merge` knows them: read
                // everything again rather than guess whose it is.
                self.entries.iter_mut().for_each(|e| *e = None);
                return;
            };
            if file >= files {
                continue;
            }
            // Unreadable files are not kept; the rest hold spans only (see `merge`).
            let d = &mut problem.diagnostic;
            let local = problem.rule != LoadRule::IoError
                && relocate(
                    &mut d.location,
                    &mut d.labels,
                    d.fix.as_deref_mut(),
                    &|doc| Some(doc),
                    &|_| Some(0),
                );
            if local {
                problems[file].push(problem);
            } else {
                usable[file] = false;
            }
        }
        let comments = workspace.comments.into_per_file(workspace.files.len());
        let parts = (workspace.files.into_iter())
            .zip(comments)
            .zip(docs.into_iter().zip(problems).zip(first_doc))
            .enumerate();
        for (file, ((source, comments), ((docs, problems), first))) in parts {
            let Some(position) = assembled[file] else {
                continue;
            };
            let Some(slot) = self.entries.get_mut(position) else {
                continue;
            };
            let Some(entry) = slot.as_mut() else {
                continue;
            };
            if !usable[file] || !matches!(entry.state, State::Parsed(None)) {
                *slot = None;
                continue;
            }
            entry.state = State::Parsed(Some(Box::new(Kept {
                processed: Processed::Parsed {
                    text: String::new(),
                    stamp: Stamp::default(),
                    comments,
                    docs,
                    problems,
                },
                source: Some(source),
                origin: Some((file, first.unwrap_or(0))),
            })));
        }
    }

    /// The listing of the root's files and of `overlay`'s unsaved paths the
    /// walk did not meet, those paths, and whether it is a new listing.
    fn take_listing(&mut self, overlay: &Overlay) -> (Vec<PathBuf>, Listing, bool) {
        let asked = std::slice::from_ref(&self.root.dir);
        let unsaved: Vec<PathBuf> = overlay
            .keys()
            .filter(|p| p.starts_with(&self.root.dir))
            .cloned()
            .collect();
        if let Some((paths, listing)) = self.listing.take() {
            if paths == unsaved {
                return (unsaved, listing, false);
            }
        }
        let mut walked = match &self.walked {
            Some(walked) => walked.clone(),
            None => {
                let walked = walk_root(&self.root, asked);
                self.walked = Some(walked.clone());
                walked
            }
        };
        add_unsaved(&mut walked, &self.root, asked, &unsaved);
        let listing = Listing::of(walked);
        // Each kept entry to its file's new position; those of files that
        // left the workspace go.
        let mut old = std::mem::take(&mut self.entries);
        self.entries = listing
            .candidates
            .iter()
            .map(|candidate| {
                let i = *self.positions.get(candidate.real())?;
                old.get_mut(i)?.take()
            })
            .collect();
        self.positions = listing
            .candidates
            .iter()
            .enumerate()
            .map(|(i, candidate)| (candidate.real().to_path_buf(), i))
            .collect();
        (unsaved, listing, true)
    }
}

/// A kept file's parts with their text back.
fn with_text(processed: Processed, text: String) -> Processed {
    match processed {
        Processed::Parsed {
            stamp,
            comments,
            docs,
            problems,
            ..
        } => Processed::Parsed {
            text,
            stamp,
            comments,
            docs,
            problems,
        },
        other => other,
    }
}

/// Reads a file from the overlay or the disk, with its stamp when from disk.
fn read(
    candidate: &Candidate,
    overlay: &Overlay,
    options: &LoadOptions,
) -> (Option<Modified>, Processed) {
    let real = candidate.real();
    match overlay.get(real) {
        Some(text) => (None, process_bytes(text.as_bytes().to_vec(), options)),
        None => (stamp(real), process(&candidate.path, options)),
    }
}

/// Whether a kept file is still listed under the same paths.
fn listed_as(source: &SourceFile, candidate: &Candidate, cwd: &Path, root: &Path) -> bool {
    let name = |name: PathName| match name {
        PathName::Tail(at) => candidate
            .path
            .to_str()
            .and_then(|p| p.get(at..))
            .map(str::to_string),
        PathName::Text(text) => Some(text),
    };
    let (display, repo_relative) = candidate.names(cwd, root);
    source.path() == candidate.path
        && name(display).as_deref() == Some(source.display())
        && name(repo_relative).as_deref() == Some(source.repo_relative())
}

fn stamp(path: &Path) -> Option<Modified> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// Moves the locations of a finding or diagnostic (its own, its labels',
/// its fix's) to other document and file ids; `false` when one maps to
/// none (it is then partly moved: drop it).
pub fn relocate(
    location: &mut Location,
    labels: &mut [Label],
    fix: Option<&mut Fix>,
    doc: &dyn Fn(DocId) -> Option<DocId>,
    file: &dyn Fn(FileId) -> Option<FileId>,
) -> bool {
    let mut ok = move_location(location, doc, file);
    for label in labels {
        ok &= move_location(&mut label.location, doc, file);
    }
    if let Some(fix) = fix {
        ok &= match &mut fix.change {
            Change::Replace { doc: d, .. }
            | Change::RenameKey { doc: d, .. }
            | Change::AddEntry { doc: d, .. }
            | Change::CreateRunbook { doc: d, .. } => set(d, doc),
            Change::RemoveSuppression { file: f, .. } => set(f, file),
            Change::AppendSections { .. } => true,
        };
    }
    ok
}

fn move_location(
    location: &mut Location,
    doc: &dyn Fn(DocId) -> Option<DocId>,
    file: &dyn Fn(FileId) -> Option<FileId>,
) -> bool {
    match location {
        Location::Node { doc: d, .. } | Location::Key { doc: d, .. } => set(d, doc),
        Location::Span { file: f, .. } => set(f, file),
    }
}

fn set(id: &mut usize, map: &dyn Fn(usize) -> Option<usize>) -> bool {
    match map(*id) {
        Some(new) => {
            *id = new;
            true
        }
        None => false,
    }
}
