//! `steward check --fix`, `--unsafe-fixes` and `--diff`: the fixes of a
//! whole check, applied per file in order of position. A fix whose edits
//! overlap an earlier one's is skipped and reported (the next run may apply
//! it); identical fixes (two findings the same edit cures) apply once. Each
//! edited file is parsed again and must hold exactly what its fixes meant; a
//! fix that would not is refused, the others in the file still apply. One
//! pass: `--diff` shows exactly what `--fix` writes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::edits::{self, Intent, Prepared, Target};
use super::Safety;
use crate::check::{self, CheckError, CheckOptions, Outcome};
use crate::edit::{self, TextEdit};
use crate::load;

/// A fix, named by its finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// Where the finding is (ordered so: path, line, column).
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub rule: String,
    pub title: String,
}

impl Note {
    /// `path:line:column`.
    pub fn at(&self) -> String {
        format!("{}:{}:{}", self.path, self.line, self.column)
    }

    fn text(&self) -> String {
        format!("{} {}: {}", self.at(), self.rule, self.title)
    }
}

/// Why a fix was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Its edits overlap those of a fix applied before it in the file.
    Conflict { with: Note },
    /// The edited file would not hold what the fix meant.
    Refused(String),
    /// It no longer fits the file (the file changed, or cannot be edited in place).
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub fix: Note,
    pub reason: Reason,
}

/// One file the fixes change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: PathBuf,
    /// As reports show paths.
    pub display: String,
    /// `None`: the file is created.
    pub before: Option<String>,
    pub after: String,
    pub fixes: Vec<Note>,
}

/// Every change the fixes of a check make, before anything is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// In the order of their paths.
    pub files: Vec<FileChange>,
    pub skipped: Vec<Skipped>,
    /// Unsafe fixes left out because `--unsafe-fixes` was not given.
    pub unsafe_hidden: usize,
}

struct Candidate {
    note: Note,
    display: String,
    prepared: Prepared,
}

impl Candidate {
    fn first_edit(&self) -> usize {
        self.prepared
            .edits
            .edits
            .iter()
            .map(|e| e.span.start)
            .min()
            .unwrap_or(0)
    }
}

/// Plans the fixes of the visible findings of `outcomes` (safe ones, and
/// unsafe ones too with `unsafe_fixes`).
pub fn plan(outcomes: &[Outcome], unsafe_fixes: bool) -> Plan {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let mut plan = Plan::default();
    // Per target file (its real path): its text and the fixes, in finding order.
    let mut groups: BTreeMap<PathBuf, Vec<Candidate>> = BTreeMap::new();
    for outcome in outcomes {
        let workspace = &outcome.workspace;
        for finding in &outcome.findings {
            let Some(fix) = finding
                .fix
                .as_ref()
                .filter(|_| finding.suppressed.is_none())
            else {
                continue;
            };
            if fix.safety == Safety::Unsafe && !unsafe_fixes {
                plan.unsafe_hidden += 1;
                continue;
            }
            let note = Note {
                path: finding.path.clone(),
                line: finding.start.line,
                column: finding.start.column,
                rule: finding.rule.clone(),
                title: fix.title.clone(),
            };
            let prepared = match edits::prepare(workspace, &fix.change) {
                Ok(p) => p,
                Err(reason) => {
                    plan.skipped.push(Skipped {
                        fix: note,
                        reason: Reason::Unavailable(reason),
                    });
                    continue;
                }
            };
            let (key, display) = match &prepared.edits.target {
                Target::File(id) => match workspace.files.get(*id) {
                    Some(f) => (
                        std::fs::canonicalize(f.path()).unwrap_or_else(|_| f.path().to_path_buf()),
                        f.display().to_string(),
                    ),
                    None => continue,
                },
                Target::Runbook { path, .. } => (path.clone(), load::display_path(path, &cwd)),
            };
            groups.entry(key).or_default().push(Candidate {
                note,
                display,
                prepared,
            });
        }
    }
    for (path, mut candidates) in groups {
        // Fixes apply in order of position; the sort is stable, so fixes at
        // one place keep the order of their findings.
        candidates.sort_by_key(Candidate::first_edit);
        if let Some(change) = plan_file(path, candidates, &mut plan.skipped) {
            plan.files.push(change);
        }
    }
    plan
}

/// The accepted fixes of one file, and the notes of findings whose fix is
/// the same edit as an accepted one.
struct Accepted<'a> {
    candidate: &'a Candidate,
    also: Vec<Note>,
}

fn plan_file(
    path: PathBuf,
    candidates: Vec<Candidate>,
    skipped: &mut Vec<Skipped>,
) -> Option<FileChange> {
    let first = candidates.first()?;
    let display = first.display.clone();
    let before = first.prepared.original.clone();
    let target = first.prepared.edits.target.clone();
    let mut accepted: Vec<Accepted<'_>> = Vec::new();
    for c in &candidates {
        if let Some(same) = accepted
            .iter_mut()
            .find(|a| a.candidate.prepared.edits.edits == c.prepared.edits.edits)
        {
            same.also.push(c.note.clone());
            continue;
        }
        let overlapping = accepted.iter().find(|a| {
            a.candidate
                .prepared
                .edits
                .edits
                .iter()
                .any(|x| c.prepared.edits.edits.iter().any(|y| x.conflicts(y)))
        });
        match overlapping {
            Some(a) => skipped.push(Skipped {
                fix: c.note.clone(),
                reason: Reason::Conflict {
                    with: a.candidate.note.clone(),
                },
            }),
            None => accepted.push(Accepted {
                candidate: c,
                also: Vec::new(),
            }),
        }
    }
    let text = before.as_deref().unwrap_or_default();
    let result = |set: &[&Accepted<'_>]| -> Result<String, String> {
        let all: Vec<TextEdit> = set
            .iter()
            .flat_map(|a| a.candidate.prepared.edits.edits.iter().cloned())
            .collect();
        let intents: Vec<&Intent> = set.iter().map(|a| &a.candidate.prepared.intent).collect();
        let after = edit::apply(text, &all)?;
        edits::verify(&target, before.as_deref(), &after, &intents)?;
        Ok(after)
    };
    let mut kept: Vec<&Accepted<'_>> = accepted.iter().collect();
    let after = match result(&kept) {
        Ok(after) => after,
        Err(_) => {
            // Find the fixes that fail on their own; the rest may still apply.
            let mut still = Vec::new();
            for a in kept {
                match result(&[a]) {
                    Ok(_) => still.push(a),
                    Err(alone) => refuse(a, alone, skipped),
                }
            }
            kept = still;
            match result(&kept) {
                Ok(after) => after,
                Err(e) => {
                    for a in kept {
                        refuse(a, e.clone(), skipped);
                    }
                    return None;
                }
            }
        }
    };
    if kept.is_empty() {
        return None;
    }
    let fixes = kept
        .iter()
        .flat_map(|a| std::iter::once(a.candidate.note.clone()).chain(a.also.iter().cloned()))
        .collect();
    let path = match &target {
        Target::Runbook { path, .. } => path.clone(),
        Target::File(_) => path,
    };
    Some(FileChange {
        path,
        display,
        before,
        after,
        fixes,
    })
}

fn refuse(a: &Accepted<'_>, reason: String, skipped: &mut Vec<Skipped>) {
    for note in std::iter::once(&a.candidate.note).chain(&a.also) {
        skipped.push(Skipped {
            fix: note.clone(),
            reason: Reason::Refused(reason.clone()),
        });
    }
}

impl Plan {
    /// Findings the plan fixes.
    pub fn fixed(&self) -> usize {
        self.files.iter().map(|f| f.fixes.len()).sum()
    }

    /// A unified diff of every change (`--- path` / `+++ path`, a new file
    /// from `/dev/null`), in the order of the paths.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            let before = file.before.as_deref().unwrap_or_default();
            let old_name = if file.before.is_some() {
                file.display.as_str()
            } else {
                "/dev/null"
            };
            let diff = similar::TextDiff::from_lines(before, file.after.as_str());
            let _ = write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(old_name, &file.display)
            );
        }
        out
    }

    /// Writes every change atomically; the errors of files that could not be
    /// written (the others are written).
    pub fn write(&self) -> Vec<String> {
        self.files
            .iter()
            .filter_map(|file| {
                match &file.before {
                    Some(before) => edit::write_atomically(&file.path, before, &file.after),
                    None => edit::create_new(&file.path, &file.after),
                }
                .err()
            })
            .collect()
    }

    /// What was (`done`) or would be fixed and what was skipped, for stderr.
    pub fn summary(&self, done: bool) -> String {
        let mut out = String::new();
        let fixed = self.fixed();
        let files = self.files.len();
        if fixed == 0 {
            out.push_str("Nothing to fix");
        } else {
            let names: Vec<String> = self
                .files
                .iter()
                .map(|f| {
                    if f.before.is_none() {
                        format!("{} (new)", f.display)
                    } else {
                        f.display.clone()
                    }
                })
                .collect();
            let _ = write!(
                out,
                "{} {} in {} ({})",
                if done { "Fixed" } else { "Would fix" },
                count(fixed, "finding"),
                count(files, "file"),
                names.join(", ")
            );
        }
        if self.unsafe_hidden > 0 {
            let n = self.unsafe_hidden;
            let noun = if n == 1 { "fix" } else { "fixes" };
            let _ = write!(out, "; {n} more {noun} with --unsafe-fixes");
        }
        out.push_str(if fixed > 0 { ":\n" } else { "\n" });
        let mut notes: Vec<&Note> = self.files.iter().flat_map(|f| &f.fixes).collect();
        notes.sort();
        for note in notes {
            let _ = writeln!(out, "  {}", note.text());
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "Skipped {}:", count(self.skipped.len(), "fix"));
            for s in &self.skipped {
                let why = match &s.reason {
                    Reason::Conflict { with } => format!(
                        "it overlaps the fix for `{}` at {}; run --fix again",
                        with.rule,
                        with.at()
                    ),
                    Reason::Refused(why) | Reason::Unavailable(why) => why.clone(),
                };
                let _ = writeln!(out, "  {} ({why})", s.fix.text());
            }
        }
        out
    }
}

/// "1 fix", "3 fixes", "2 findings".
fn count(n: usize, noun: &str) -> String {
    match (n, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "fix") => format!("{n} fixes"),
        _ => format!("{n} {noun}s"),
    }
}

/// `--fix`: checks, applies the fixes and returns what to print on stderr
/// (the caller checks again and reports what remains). `Err`: exit 2.
pub fn apply(options: &CheckOptions, unsafe_fixes: bool) -> Result<String, CheckError> {
    let outcomes = check::check_all(options)?;
    let plan = plan(&outcomes, unsafe_fixes);
    let errors = plan.write();
    if !errors.is_empty() {
        return Err(CheckError::Fatal(format!(
            "{}{}",
            plan.summary(false),
            errors.join("\n")
        )));
    }
    Ok(plan.summary(true))
}

/// `--diff`: the fixes planned, nothing written.
pub fn preview(options: &CheckOptions, unsafe_fixes: bool) -> Result<Plan, CheckError> {
    let outcomes = check::check_all(options)?;
    Ok(plan(&outcomes, unsafe_fixes))
}

/// `check --diff`: the fixes as a unified diff on stdout (or in `output`),
/// what they fix on stderr; the exit code: 1 when there is something to fix,
/// like `ruff check --diff`, else 0. `Err`: exit 2.
pub fn diff(
    options: &CheckOptions,
    unsafe_fixes: bool,
    output: Option<&std::path::Path>,
) -> Result<u8, String> {
    let plan = preview(options, unsafe_fixes).map_err(|e| match e {
        CheckError::Fatal(message) => message,
        CheckError::InvalidPolicy(_) => {
            "the policy file is invalid; run `steward check --policy FILE` for details".into()
        }
    })?;
    let text = plan.diff();
    match output {
        Some(path) => edit::replace(path, text.as_bytes())?,
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write the diff: {e}"))?;
        }
    }
    eprint!("{}", plan.summary(false));
    Ok(u8::from(!plan.files.is_empty()))
}
