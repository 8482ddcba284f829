//! One workspace checked with the editor's buffers: the check's outcome, the
//! symbol index, and conversions between its spans and editor ranges.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::check::{self, CheckOptions, Outcome};
use crate::finding::Severity;
use crate::load::root::Root;
use crate::load::{self, LoadOptions, Overlay};
use crate::report::ResolvedFinding;
use crate::source::{self, Encoding, FileId, SourceFile, Span};

use super::symbols::Index;

pub struct Analysis {
    pub outcome: Outcome,
    /// Built on first use: a keystroke's check does not need it.
    index: OnceLock<Index>,
    pub today: NaiveDate,
}

/// How the language server checks the workspace at `root`.
pub fn options(root: &Root, today: NaiveDate) -> CheckOptions {
    CheckOptions {
        paths: vec![root.dir.clone()],
        policy: None,
        today,
        load: LoadOptions {
            // Go to definition, hover and completion read the values.
            keep_values: true,
            ..LoadOptions::default()
        },
    }
}

/// Checks the workspace at `root` with `overlay`'s texts instead of the
/// files on disk: the same load and check as `steward check` at the root,
/// from scratch. The server's incremental engine (`engine.rs`) must give
/// the same diagnostics; the tests and the latency benchmark compare it
/// with this.
pub fn analyse(root: &Root, overlay: &Overlay, today: NaiveDate) -> Result<Analysis, String> {
    let options = options(root, today);
    let loaded = load::load_workspace_overlaid(
        root,
        std::slice::from_ref(&root.dir),
        &options.load,
        overlay,
    );
    let outcome =
        check::check_workspace_in(loaded.workspace, &options, root).map_err(|e| match e {
            check::CheckError::Fatal(message) => message,
            check::CheckError::InvalidPolicy(_) => "the policy is invalid".to_string(),
        })?;
    Ok(Analysis::new(outcome, today))
}

impl Analysis {
    pub fn new(outcome: Outcome, today: NaiveDate) -> Analysis {
        Analysis {
            outcome,
            index: OnceLock::new(),
            today,
        }
    }

    /// Every definition and reference of the workspace.
    pub fn index(&self) -> &Index {
        self.index
            .get_or_init(|| Index::build(&self.outcome.workspace))
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.outcome
            .workspace
            .files
            .iter()
            .position(|f| f.path() == path)
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.outcome.workspace.files.get(id)
    }

    /// The unsuppressed findings of every file, as editor diagnostics.
    pub fn diagnostics(
        &self,
        encoding: Encoding,
        uri_of: &dyn Fn(&Path) -> Uri,
    ) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
        let mut out: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        for finding in self.findings() {
            let Some(file) = self.file(finding.file) else {
                continue;
            };
            out.entry(file.path().to_path_buf())
                .or_default()
                .push(self.diagnostic(finding, encoding, uri_of));
        }
        out
    }

    pub fn findings(&self) -> impl Iterator<Item = &ResolvedFinding> {
        self.outcome
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
    }

    /// A finding as an editor diagnostic: `code` is the rule id, labels are
    /// related information in their own files; no `codeDescription` (there
    /// is no page to link: `steward explain RULE` is the documentation).
    pub fn diagnostic(
        &self,
        finding: &ResolvedFinding,
        encoding: Encoding,
        uri_of: &dyn Fn(&Path) -> Uri,
    ) -> Diagnostic {
        let related: Vec<DiagnosticRelatedInformation> = finding
            .labels
            .iter()
            .filter_map(|label| {
                let file = self.file(label.file)?;
                Some(DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri_of(file.path()),
                        range: range(file, label.span, encoding),
                    },
                    message: label.message.clone(),
                })
            })
            .collect();
        let message = match &finding.help {
            Some(help) => format!("{}\nhelp: {help}", finding.message),
            None => finding.message.clone(),
        };
        Diagnostic {
            range: self
                .file(finding.file)
                .map(|f| range(f, finding.span, encoding))
                .unwrap_or_default(),
            severity: Some(match finding.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(finding.rule.clone())),
            code_description: None,
            source: Some("steward".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }
}

/// A byte span as an editor range.
pub fn range(file: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range {
        start: position(file, span.start, encoding),
        end: position(file, span.end, encoding),
    }
}

pub fn position(file: &SourceFile, offset: usize, encoding: Encoding) -> Position {
    let p = file.position(offset, encoding);
    Position {
        line: p.line,
        character: p.character,
    }
}

/// An editor position as a byte offset of `file`.
pub fn offset(file: &SourceFile, position: Position, encoding: Encoding) -> usize {
    file.offset(
        source::Position {
            line: position.line,
            character: position.character,
        },
        encoding,
    )
}
