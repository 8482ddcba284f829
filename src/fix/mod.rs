//! Fixes: what a rule proposes to change about a finding, as data. The rule
//! that creates a finding attaches its `Fix` (a title, a safety and a
//! [`Change`] that names documents and pointers, not bytes); [`edits`] turns a
//! change into byte-range edits of one file through the span tree (what
//! `check --fix` applies and an editor offers as a code action), and [`run`]
//! applies the fixes of a whole check: in order per file, conflicts skipped
//! and reported, every edited file parsed again and compared with what the
//! fixes meant before it is written.

pub mod edits;
pub mod run;

use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::document::DocId;
use crate::source::{FileId, Span};

/// Whether a fix keeps the meaning the author intended (`--fix`) or guesses
/// it (`--unsafe-fixes`): a typo's only close candidate is likely, not sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    Safe,
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }

    /// The flag that applies fixes of this safety.
    pub fn flag(self) -> &'static str {
        match self {
            Safety::Safe => "--fix",
            Safety::Unsafe => "--unsafe-fixes",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as an imperative: "replace `emilly` with `emily`".
    pub title: String,
    pub safety: Safety,
    pub change: Change,
}

impl Fix {
    pub fn safe(title: impl Into<String>, change: Change) -> Self {
        Fix {
            title: title.into(),
            safety: Safety::Safe,
            change,
        }
    }

    pub fn unsafe_(title: impl Into<String>, change: Change) -> Self {
        Fix {
            title: title.into(),
            safety: Safety::Unsafe,
            change,
        }
    }
}

/// What a fix changes. Document and file ids are those of the workspace the
/// finding was made in (a combined report of several workspaces keeps them
/// as they were: apply fixes per workspace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The string scalar at `pointer` becomes `to` (it holds `from`).
    Replace {
        doc: DocId,
        pointer: String,
        from: String,
        to: String,
    },
    /// The key holding the node at `pointer` is renamed `to`.
    RenameKey {
        doc: DocId,
        pointer: String,
        to: String,
    },
    /// `key: value` is added to the mapping at `pointer`, after its last entry.
    AddEntry {
        doc: DocId,
        pointer: String,
        key: String,
        value: Value,
    },
    /// A suppression comment, or some of it, goes.
    RemoveSuppression {
        file: FileId,
        /// The comment, `#` to its end.
        comment: Span,
        removal: Removal,
    },
    /// Headings for these sections (their names in the policy), each with a
    /// placeholder line, are appended to a Markdown file.
    AppendSections {
        path: PathBuf,
        sections: Vec<String>,
    },
    /// A runbook is created from the template, with a heading for each
    /// section, titled with the `name` of pipeline document `doc` (read from
    /// its file when the fix is prepared: the model does not keep names).
    CreateRunbook {
        path: PathBuf,
        doc: DocId,
        sections: Vec<String>,
    },
}

/// What goes from a suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// The whole comment (nothing in it suppresses anything).
    Comment,
    /// Item `index` of the `ignore[…]` list. `unused` lists every item that
    /// goes: the separators between items are shared out among them so that
    /// removing any of them never overlaps removing another.
    Item { index: usize, unused: Vec<usize> },
    /// Item `index` is rewritten (a scoped item keeping only some people).
    Rewrite { index: usize, text: String },
}

impl Change {
    /// See [`crate::finding::Location::rebase`].
    pub fn rebase(&mut self, file: FileId, doc_base: DocId) {
        match self {
            Change::Replace { doc, .. }
            | Change::RenameKey { doc, .. }
            | Change::AddEntry { doc, .. }
            | Change::CreateRunbook { doc, .. } => *doc += doc_base,
            Change::RemoveSuppression { file: f, .. } => *f = file,
            Change::AppendSections { .. } => {}
        }
    }
}
