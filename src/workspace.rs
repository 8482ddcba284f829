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
    /// Comments per file, for suppressions (boxed slices: most files have
    /// none, and a large workspace has a hundred thousand files).
    pub comments: Vec<Box<[Comment]>>,
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

impl Workspace {
    /// Room for `more` files in every per-file table, exactly.
    pub fn reserve_files(&mut self, more: usize) {
        self.files.reserve_exact(more);
        self.comments.reserve_exact(more);
        self.file_roots.reserve_exact(more);
        self.reported.reserve_exact(more);
    }

    pub fn add_file(&mut self, file: SourceFile, root: usize) -> FileId {
        self.files.push(file);
        self.comments.push(Box::default());
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
