//! Renderers. They receive resolved findings (file, span, line/column) and the
//! rule catalog as data; none of them knows any rule.

pub mod counts;
pub mod fingerprint;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use std::io::{self, Write};

use crate::finding::{Finding, Location, Severity};
use crate::source::{FileId, LineCol, SourceFile, Span};
use crate::suppress::Suppressed;
use crate::workspace::Workspace;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedLabel {
    pub file: FileId,
    pub path: String,
    /// Relative to the repository root.
    pub repo_path: String,
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    pub message: String,
}

/// A finding with its location resolved to a file, byte span and line/columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedFinding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub file: FileId,
    /// Relative to the current directory.
    pub path: String,
    /// Relative to the repository root.
    pub repo_path: String,
    pub span: Span,
    pub start: LineCol,
    /// Exclusive: the position just after the node.
    pub end: LineCol,
    /// JSON pointer of the node inside its document; "" for file-level findings.
    pub pointer: String,
    pub label: Option<String>,
    pub labels: Vec<ResolvedLabel>,
    /// The person the finding is about, if one (`ignore[rule(person)]`).
    pub subject: Option<String>,
    pub suppressed: Option<Suppressed>,
    /// Identity across runs and revisions, without line numbers
    /// (`--only-new`, baselines, SARIF `partialFingerprints`).
    pub fingerprint: fingerprint::Fingerprint,
    /// What `check --fix` would change (ids are the finding's workspace's).
    pub fix: Option<Box<crate::fix::Fix>>,
}

/// One line of the rule catalog, for formats that describe rules (SARIF).
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: String,
    pub summary: String,
    pub explanation: String,
    /// Severity in the active policy; `None` when off.
    pub severity: Option<Severity>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub suppressed: usize,
    pub files: usize,
    /// With `--baseline`: the findings it hid and its entries nothing matched.
    pub baseline: Option<BaselineCounts>,
    /// With `--only-new`: the findings hidden because the base revision has
    /// them too.
    pub preexisting: Option<usize>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaselineCounts {
    /// Findings the baseline records, hidden.
    pub hidden: usize,
    /// Baseline entries (each occurrence counted) that no finding matched.
    pub stale: usize,
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Summary {
    /// `3 errors, 2 warnings in 6 files (1 suppressed, 12 baselined)`.
    pub fn line(&self) -> String {
        let mut line = format!(
            "{}, {} in {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.files, "file")
        );
        let hidden = self.hidden();
        if !hidden.is_empty() {
            line.push_str(&format!(" ({})", hidden.join(", ")));
        }
        line
    }

    /// What the counts leave out: `1 suppressed`, `12 baselined`, `3 already
    /// at the base revision`.
    pub fn hidden(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.suppressed > 0 {
            parts.push(format!("{} suppressed", self.suppressed));
        }
        if let Some(baseline) = self.baseline {
            parts.push(format!("{} baselined", baseline.hidden));
        }
        if let Some(n) = self.preexisting {
            parts.push(format!("{n} already at the base revision"));
        }
        parts
    }

    /// `3 baseline entries no longer occur; rerun --write-baseline`, when
    /// some do not.
    pub fn stale_note(&self) -> Option<String> {
        let stale = self.baseline?.stale;
        match stale {
            0 => None,
            1 => Some("1 baseline entry no longer occurs; rerun --write-baseline".to_string()),
            n => Some(format!(
                "{n} baseline entries no longer occur; rerun --write-baseline"
            )),
        }
    }
}

/// Why a finding was left out of the report as already known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// A `--baseline` file records it.
    Baseline,
    /// The `--base` revision has it too (`--only-new`).
    Base,
}

/// A finding hidden as known; SARIF keeps it as externally suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFinding {
    pub finding: ResolvedFinding,
    pub known: Known,
}

/// The workspace root and the policy a check used, for the report (SPEC §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    /// The root, relative to the current directory.
    pub root: String,
    /// The policy's name (its id, or `default`/`strict` when builtin).
    pub policy: String,
    /// Where the policy came from: a file's path, or `builtin`.
    pub source: String,
}

impl Judged {
    /// `acme (steward.yaml)`, `default (builtin)`.
    pub fn policy_line(&self) -> String {
        format!("{} ({})", self.policy, self.source)
    }
}

/// Everything a renderer needs.
pub struct Report<'a> {
    pub files: &'a [SourceFile],
    /// Sorted by file, line, column, rule; suppressed findings included.
    pub findings: Vec<ResolvedFinding>,
    pub summary: Summary,
    pub rules: Vec<RuleInfo>,
    /// The workspaces judged, in the order of their roots.
    pub judged: Vec<Judged>,
    /// Per file: whether it was checked and reported (a steward document or a
    /// problem, under an asked PATH); what the summary's file count counts.
    pub checked: Vec<bool>,
    /// `--strict`: warnings fail the run too (the markdown headline says so).
    pub strict: bool,
    /// Findings left out as known (`--baseline`, `--only-new`), sorted;
    /// counted in `summary`, not in its errors and warnings.
    pub known: Vec<KnownFinding>,
}

impl Report<'_> {
    /// The summary line with the policy in effect:
    /// `0 errors, 1 warning in 2 files; policy acme (steward.yaml)`.
    pub fn summary_line(&self) -> String {
        let mut line = self.summary.line();
        match self.judged.as_slice() {
            [] => {}
            [one] => line.push_str(&format!("; policy {}", one.policy_line())),
            many => {
                let each: Vec<String> = many
                    .iter()
                    .map(|j| format!("{} in {}", j.policy_line(), j.root))
                    .collect();
                line.push_str(&format!("; {} workspaces: {}", many.len(), each.join(", ")));
            }
        }
        line
    }
}

impl Report<'_> {
    /// Moves the unsuppressed findings that `counts` holds into `known`
    /// (one occurrence each, in report order), out of the error and warning
    /// counts; returns how many moved.
    pub fn hide_known(&mut self, counts: &mut fingerprint::Counts, known: Known) -> usize {
        let mut kept = Vec::with_capacity(self.findings.len());
        let mut moved = 0;
        for finding in std::mem::take(&mut self.findings) {
            if finding.suppressed.is_none() && counts.take(finding.fingerprint) {
                match finding.severity {
                    Severity::Error => {
                        self.summary.errors = self.summary.errors.saturating_sub(1);
                    }
                    Severity::Warning => {
                        self.summary.warnings = self.summary.warnings.saturating_sub(1);
                    }
                }
                moved += 1;
                self.known.push(KnownFinding { finding, known });
            } else {
                kept.push(finding);
            }
        }
        self.findings = kept;
        moved
    }

    /// Findings that are not suppressed.
    pub fn visible(&self) -> impl Iterator<Item = &ResolvedFinding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }
}

/// Resolves a finding's location: the one place pointers become spans and
/// byte offsets become lines and character columns.
pub fn resolve(
    workspace: &Workspace,
    finding: Finding,
    suppressed: Option<Suppressed>,
) -> Option<ResolvedFinding> {
    let (file, span) = workspace.span_of(&finding.location)?;
    let source = workspace.files.get(file)?;
    let (pointer, document) = match &finding.location {
        Location::Node { pointer, doc } | Location::Key { pointer, doc } => {
            (pointer.clone(), workspace.doc(*doc))
        }
        Location::Span { .. } => (String::new(), None),
    };
    let repo_path = format!("{}{}", workspace.repository_prefix, source.repo_relative());
    let fingerprint = fingerprint::of(&fingerprint::Key {
        rule: &finding.rule,
        repo_path: &repo_path,
        document: fingerprint::DocumentKey {
            kind: document.and_then(|d| d.kind).map(|k| k.as_str()),
            id: document.and_then(|d| d.id.as_deref()),
        },
        pointer: &pointer,
        message: &finding.message,
    });
    let labels = finding
        .labels
        .iter()
        .filter_map(|label| {
            let (file, span) = workspace.span_of(&label.location)?;
            let source = workspace.files.get(file)?;
            Some(ResolvedLabel {
                file,
                path: source.display().to_string(),
                repo_path: format!("{}{}", workspace.repository_prefix, source.repo_relative()),
                span,
                start: source.line_col(span.start),
                end: source.line_col(span.end),
                message: label.message.clone(),
            })
        })
        .collect();
    Some(ResolvedFinding {
        rule: finding.rule.into_owned(),
        severity: finding.severity,
        message: finding.message,
        help: finding.help,
        file,
        path: source.display().to_string(),
        repo_path,
        span,
        start: source.line_col(span.start),
        end: source.line_col(span.end),
        pointer,
        label: finding.primary_label,
        labels,
        subject: finding.subject,
        suppressed,
        fingerprint,
        fix: finding.fix,
    })
}

/// The deterministic order of findings in every output.
pub fn sort(findings: &mut [ResolvedFinding]) {
    findings.sort_by(order);
}

/// The order [`sort`] puts findings in.
pub fn order(a: &ResolvedFinding, b: &ResolvedFinding) -> std::cmp::Ordering {
    (&a.path, a.start, &a.rule, &a.message, a.end, &a.pointer)
        .cmp(&(&b.path, b.start, &b.rule, &b.message, b.end, &b.pointer))
}

/// Output formats of `steward check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets, for people.
    Human,
    /// One JSON object: findings and summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// JUnit XML: one testsuite per file, one testcase per rule and file.
    Junit,
    /// A Markdown summary (counts per rule, top findings), e.g. for $GITHUB_STEP_SUMMARY.
    Markdown,
    /// `key=value` lines (findings, errors, warnings, suppressed, files), e.g. for $GITHUB_OUTPUT.
    Counts,
}

#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub color: bool,
    /// Terminal width for wrapping human output.
    pub width: usize,
}

pub fn render(
    format: Format,
    report: &Report<'_>,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Counts => counts::render(report, out),
    }
}
