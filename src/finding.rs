//! The one type every rule emits. Rules point at JSON pointers inside documents;
//! `locate` turns them into spans and line/columns for the renderers.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::document::DocId;
use crate::fix::Fix;
use crate::source::{FileId, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Ordered so that `Error` sorts first.
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding or label points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The YAML node at a JSON pointer inside a document.
    Node { doc: DocId, pointer: String },
    /// The key that holds the node at `pointer` (unknown or duplicate keys).
    Key { doc: DocId, pointer: String },
    /// A raw byte span in a file (syntax errors, comments, unreadable files).
    Span { file: FileId, span: Span },
}

impl Location {
    pub fn node(doc: DocId, pointer: impl Into<String>) -> Self {
        Location::Node {
            doc,
            pointer: pointer.into(),
        }
    }

    pub fn key(doc: DocId, pointer: impl Into<String>) -> Self {
        Location::Key {
            doc,
            pointer: pointer.into(),
        }
    }

    pub fn span(file: FileId, span: Span) -> Self {
        Location::Span { file, span }
    }

    /// Turns a location made while loading one file (document indices local
    /// to the file, file id 0) into a workspace location.
    pub fn rebase(&mut self, file: FileId, doc_base: DocId) {
        match self {
            Location::Node { doc, .. } | Location::Key { doc, .. } => *doc += doc_base,
            Location::Span { file: f, .. } => *f = file,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

pub type RuleId = Cow<'static, str>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// Text for the primary span's underline.
    pub primary_label: Option<String>,
    /// Secondary spans ("primary owner set here").
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The person the finding is about, when it is about one: a suppression
    /// can be scoped to them (`ignore[rule(person)]`).
    pub subject: Option<String>,
    /// What `check --fix` (or `--unsafe-fixes`) would change (boxed: most
    /// findings have none, and findings are moved around a lot).
    pub fix: Option<Box<Fix>>,
}

/// What a rule reports: a finding without rule id and severity, which the
/// engine stamps from the active policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub location: Location,
    pub primary_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// See [`Finding::subject`].
    pub subject: Option<String>,
    /// See [`Finding::fix`].
    pub fix: Option<Box<Fix>>,
}

impl Diagnostic {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location,
            primary_label: None,
            labels: Vec::new(),
            help: None,
            subject: None,
            fix: None,
        }
    }

    /// Labels the primary span.
    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.primary_label = Some(text.into());
        self
    }

    /// Adds a secondary labelled span.
    pub fn with(mut self, location: Location, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            location,
            message: text.into(),
        });
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// The person the finding is about (a member id).
    pub fn subject(mut self, person: impl Into<String>) -> Self {
        self.subject = Some(person.into());
        self
    }

    /// The fix `check --fix` applies (a safe one) or `--unsafe-fixes` does.
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    /// See [`Location::rebase`].
    pub fn rebase(mut self, file: FileId, doc_base: DocId) -> Self {
        self.location.rebase(file, doc_base);
        for label in &mut self.labels {
            label.location.rebase(file, doc_base);
        }
        if let Some(fix) = &mut self.fix {
            fix.change.rebase(file, doc_base);
        }
        self
    }

    pub fn into_finding(self, rule: RuleId, severity: Severity) -> Finding {
        Finding {
            rule,
            severity,
            message: self.message,
            location: self.location,
            primary_label: self.primary_label,
            labels: self.labels,
            help: self.help,
            subject: self.subject,
            fix: self.fix,
        }
    }
}

/// Builds a JSON pointer from path segments, escaping `~` and `/`.
pub fn pointer<I, S>(segments: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        out.push_str(&crate::load::yaml::escape_pointer_token(segment.as_ref()));
    }
    out
}
