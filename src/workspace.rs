//! The loaded workspace: files, steward documents with their span trees, and
//! the problems found while reading them.

use std::path::PathBuf;

use crate::finding::{Diagnostic, Location};

use crate::load::yaml::{Comment, SpanTree, YamlLimits};
use crate::source::{FileId, SourceFile, Span};

pub use crate::document::{DocId, Document, Kind};

/// A problem found while loading, before any rule ran; rules turn these into
/// findings (`yaml-syntax`, `schema`, `io-error`).
#[derive(Debug, Clone)]
pub struct LoadProblem {
    pub rule: LoadRule,
    pub diagnostic: Diagnostic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadRule {
    YamlSyntax,
    Schema,
    IoError,
}

impl LoadRule {
    /// The id of the rule that reports problems of this sort (a policy test
    /// checks that `steward rules` lists each).
    pub fn rule_id(self) -> &'static str {
        match self {
            LoadRule::YamlSyntax => "yaml-syntax",
            LoadRule::Schema => "schema",
            LoadRule::IoError => "io-error",
        }
    }
}

#[derive(Debug, Default)]
pub struct Workspace {
    pub files: Vec<SourceFile>,
    pub documents: Vec<Document>,
    /// Schema problems of the documents, found while their files loaded.
    pub schema_diagnostics: Vec<Diagnostic>,
    /// Each document deserialised, by `DocId`; `check` moves them into the model.
    pub items: Vec<Option<crate::model::Item>>,
    /// Comments per file, for suppressions.
    pub comments: FileComments,
    pub problems: Vec<LoadProblem>,
    /// Repository root per checked path; runbooks must stay inside theirs.
    pub roots: Vec<PathBuf>,
    /// The root's path inside its git repository (`examples/acme/`), or "":
    /// prefixed to root-relative paths where a report wants the repository's.
    pub repository_prefix: String,
    /// Index into `roots` for each file.
    pub file_roots: Vec<usize>,
    /// Per file: whether its findings are reported (it lies under an asked
    /// PATH); the rest of the workspace only informs the judgement.
    pub reported: Vec<bool>,
    /// The limits the files were parsed with (the re-parse uses the same).
    pub yaml_limits: YamlLimits,
}

/// The comments of the files that have any, by file: most have none, and
/// a slot per file would be 16 bytes each of a hundred thousand.
#[derive(Debug, Default)]
pub struct FileComments {
    /// By ascending file id; never an empty list.
    by_file: Vec<(FileId, Box<[Comment]>)>,
}

impl FileComments {
    /// The comments of `file`, in order (none for a file without any).
    pub fn get(&self, file: FileId) -> &[Comment] {
        match self.by_file.binary_search_by_key(&file, |(f, _)| *f) {
            Ok(at) => &self.by_file[at].1,
            Err(_) => &[],
        }
    }

    /// Sets the comments of `file` (files are loaded in id order, so this
    /// appends, but any order is kept sorted).
    pub fn set(&mut self, file: FileId, comments: Vec<Comment>) {
        let at = self.by_file.binary_search_by_key(&file, |(f, _)| *f);
        match (at, comments.is_empty()) {
            (Ok(at), true) => {
                self.by_file.remove(at);
            }
            (Ok(at), false) => self.by_file[at].1 = comments.into_boxed_slice(),
            (Err(_), true) => {}
            (Err(at), false) => self.by_file.insert(at, (file, comments.into_boxed_slice())),
        }
    }

    /// Each file that has comments, with them, by ascending file id.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &[Comment])> {
        self.by_file
            .iter()
            .map(|(file, comments)| (*file, &**comments))
    }

    /// The comments of files `0..files`, one list per file.
    pub fn into_per_file(self, files: usize) -> Vec<Vec<Comment>> {
        let mut all: Vec<Vec<Comment>> = Vec::new();
        all.resize_with(files, Vec::new);
        for (file, comments) in self.by_file {
            if let Some(slot) = all.get_mut(file) {
                *slot = comments.into_vec();
            }
        }
        all
    }
}

impl Workspace {
    /// Room for `more` files in every per-file table, exactly.
    pub fn reserve_files(&mut self, more: usize) {
        self.files.reserve_exact(more);
        self.file_roots.reserve_exact(more);
        self.reported.reserve_exact(more);
    }

    pub fn add_file(&mut self, file: SourceFile, root: usize) -> FileId {
        self.files.push(file);
        self.file_roots.push(root);
        self.reported.push(true);
        self.files.len() - 1
    }

    pub fn doc(&self, id: DocId) -> Option<&Document> {
        self.documents.get(id)
    }

    /// The span tree of a document, from its file parsed again on first
    /// use (a check with few findings never needs most of them, and keeping
    /// all would be much of a large run's memory); `None` when the file's
    /// text is no longer the one checked.
    pub fn spans(&self, id: DocId) -> Option<&SpanTree> {
        let doc = self.documents.get(id)?;
        let trees = self.files.get(doc.file)?.span_trees(|text| {
            crate::load::yaml::parse(text, &self.yaml_limits)
                .documents
                .into_iter()
                .map(|d| d.spans)
                .collect()
        })?;
        trees.get(doc.index_in_file as usize)
    }

    pub fn file_of(&self, location: &Location) -> Option<FileId> {
        match location {
            Location::Node { doc, .. } | Location::Key { doc, .. } => {
                self.documents.get(*doc).map(|d| d.file)
            }
            Location::Span { file, .. } => Some(*file),
        }
    }

    /// Resolves a location to a file and a byte span.
    pub fn span_of(&self, location: &Location) -> Option<(FileId, Span)> {
        match location {
            Location::Node { doc, pointer } => {
                let file = self.documents.get(*doc)?.file;
                Some((file, self.spans(*doc)?.resolve(pointer).span))
            }
            Location::Key { doc, pointer } => {
                let file = self.documents.get(*doc)?.file;
                let resolved = self.spans(*doc)?.resolve(pointer);
                Some((file, resolved.key_span.unwrap_or(resolved.span)))
            }
            Location::Span { file, span } => Some((*file, *span)),
        }
    }

    pub fn documents_of(&self, kind: Kind) -> impl Iterator<Item = (DocId, &Document)> {
        self.documents
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.kind == Some(kind))
    }

    /// Whether a file holds a steward document or a problem (what "checked"
    /// means in every summary and report).
    pub fn has_content(&self, file: FileId) -> bool {
        self.content().get(file).copied().unwrap_or(false)
    }

    /// Reported files that hold at least one steward document or a problem.
    pub fn checked_file_count(&self) -> usize {
        self.content()
            .iter()
            .zip(&self.reported)
            .filter(|(content, reported)| **content && **reported)
            .count()
    }

    /// Per file: whether it holds a steward document or a problem.
    pub fn content(&self) -> Vec<bool> {
        let mut seen = vec![false; self.files.len()];
        for d in &self.documents {
            seen[d.file] = true;
        }
        for p in &self.problems {
            if let Some(f) = self.file_of(&p.diagnostic.location) {
                if let Some(s) = seen.get_mut(f) {
                    *s = true;
                }
            }
        }
        seen
    }
}
