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
    /// It applies alone, but not together with a fix applied before it in
    /// the file (a key renamed to the one it would add, say).
    Clash { with: Note },
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
    /// The workspace root the file must really be inside.
    pub root: Option<PathBuf>,
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
                // Where it really is: two paths to one new runbook (one
                // through a symlinked directory) are one file.
                Target::Runbook { path, .. } => (
                    edit::real_location(path).unwrap_or_else(|_| path.clone()),
                    load::display_path(path, &cwd),
                ),
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

/// Takes the fix off every finding whose fix `--fix` would refuse even
/// alone (the edited file would not hold what it means: a value an alias
/// repeats elsewhere, say) or cannot make (a runbook through a dangling
/// link): a report offers only fixes that apply. A fix skipped because it
/// overlaps or clashes with another stays: a later run applies it.
pub fn withdraw_refused(outcomes: &mut [Outcome]) {
    if !outcomes
        .iter()
        .any(|o| o.findings.iter().any(|f| f.fix.is_some()))
    {
        return;
    }
    let refused: Vec<Note> = plan(outcomes, true)
        .skipped
        .into_iter()
        .filter(|s| matches!(s.reason, Reason::Refused(_) | Reason::Unavailable(_)))
        .map(|s| s.fix)
        .collect();
    if refused.is_empty() {
        return;
    }
    for finding in outcomes.iter_mut().flat_map(|o| o.findings.iter_mut()) {
        let Some(fix) = &finding.fix else { continue };
        let gone = refused.iter().any(|n| {
            n.path == finding.path
                && n.line == finding.start.line
                && n.column == finding.start.column
                && n.rule == finding.rule
                && n.title == fix.title
        });
        if gone {
            finding.fix = None;
        }
    }
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
    let root = first.prepared.root.clone();
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
            // In order of position, each fix joins those before it when the
            // file still holds what they all mean: one that fails alone is
            // refused, one that fails only with an earlier one is skipped
            // like an overlapping one (the next run may apply it).
            let mut after = None;
            let mut still: Vec<&Accepted<'_>> = Vec::new();
            for a in kept {
                let mut with = still.clone();
                with.push(a);
                match result(&with) {
                    Ok(text) => {
                        after = Some(text);
                        still = with;
                    }
                    Err(together) => match (result(&[a]), still.last()) {
                        (Err(alone), _) => refuse(a, alone, skipped),
                        (Ok(_), None) => refuse(a, together, skipped),
                        (Ok(_), Some(last)) => {
                            // The first earlier fix it fails with (a few are
                            // tried), else the last one.
                            let with = still
                                .iter()
                                .take(MAX_PARTNERS)
                                .find(|b| result(&[**b, a]).is_err())
                                .unwrap_or(last);
                            for note in std::iter::once(&a.candidate.note).chain(&a.also) {
                                skipped.push(Skipped {
                                    fix: note.clone(),
                                    reason: Reason::Clash {
                                        with: with.candidate.note.clone(),
                                    },
                                });
                            }
                        }
                    },
                }
            }
            kept = still;
            after?
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
        root,
    })
}

/// How many earlier fixes are tried to name the one a fix clashes with.
const MAX_PARTNERS: usize = 16;

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

    /// Writes every change, atomically and together ([`edit::write_files`]):
    /// a failure before the first file is replaced writes nothing; a later
    /// one says which files were written.
    pub fn write(&self) -> Result<(), edit::WriteError> {
        let writes: Vec<edit::FileWrite<'_>> = self
            .files
            .iter()
            .map(|file| edit::FileWrite {
                path: &file.path,
                shown: &file.display,
                expected: file.before.as_deref(),
                text: &file.after,
                root: file.root.as_deref(),
            })
            .collect();
        edit::write_files(&writes)
    }

    /// What was (`done`) or would be fixed and what was skipped, for stderr.
    pub fn summary(&self, done: bool) -> String {
        let mut out = String::new();
        let fixed = self.fixed();
        let files: Vec<&FileChange> = self.files.iter().collect();
        if fixed == 0 {
            out.push_str("Nothing to fix");
        } else {
            out.push_str(&heading(if done { "Fixed" } else { "Would fix" }, &files));
        }
        if self.unsafe_hidden > 0 {
            let n = self.unsafe_hidden;
            let noun = if n == 1 { "fix" } else { "fixes" };
            let _ = write!(out, "; {n} more {noun} with --unsafe-fixes");
        }
        out.push_str(if fixed > 0 { ":\n" } else { "\n" });
        notes(&mut out, &files);
        self.skipped_lines(&mut out);
        out
    }

    /// What to say when [`Plan::write`] failed: the error, the files written
    /// before it (their fixes applied) and those not written.
    pub fn failure(&self, error: &edit::WriteError) -> String {
        let mut out = String::new();
        let mut written: Vec<&FileChange> = Vec::new();
        let mut not: Vec<&FileChange> = Vec::new();
        for (i, file) in self.files.iter().enumerate() {
            if error.written.contains(&i) {
                written.push(file);
            } else {
                not.push(file);
            }
        }
        if written.is_empty() {
            let _ = writeln!(out, "{}; no file was written", error.message);
        } else {
            let _ = writeln!(
                out,
                "{}; {} of {} written before the error",
                error.message,
                written.len(),
                count(self.files.len(), "file")
            );
            let _ = writeln!(out, "{}:", heading("Fixed", &written));
            notes(&mut out, &written);
        }
        if !not.is_empty() {
            let _ = writeln!(out, "{}:", heading("Did not fix", &not));
            notes(&mut out, &not);
        }
        self.skipped_lines(&mut out);
        out.truncate(out.trim_end().len());
        out
    }

    /// The fixes skipped, and why.
    fn skipped_lines(&self, out: &mut String) {
        if self.skipped.is_empty() {
            return;
        }
        let _ = writeln!(out, "Skipped {}:", count(self.skipped.len(), "fix"));
        for s in &self.skipped {
            let why = match &s.reason {
                Reason::Conflict { with } => format!(
                    "it overlaps the fix for `{}` at {}; run --fix again",
                    with.rule,
                    with.at()
                ),
                Reason::Clash { with } => format!(
                    "it cannot apply together with the fix for `{}` at {}; run --fix again",
                    with.rule,
                    with.at()
                ),
                Reason::Refused(why) | Reason::Unavailable(why) => why.clone(),
            };
            let _ = writeln!(out, "  {} ({why})", s.fix.text());
        }
    }
}

/// "Fixed 2 findings in 2 files (a.yaml, runbooks/b.md (new))".
fn heading(verb: &str, files: &[&FileChange]) -> String {
    let fixed: usize = files.iter().map(|f| f.fixes.len()).sum();
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            if f.before.is_none() {
                format!("{} (new)", f.display)
            } else {
                f.display.clone()
            }
        })
        .collect();
    format!(
        "{verb} {} in {} ({})",
        count(fixed, "finding"),
        count(files.len(), "file"),
        names.join(", ")
    )
}

/// The fixes of `files`, one line each, in order of position.
fn notes(out: &mut String, files: &[&FileChange]) {
    let mut notes: Vec<&Note> = files.iter().flat_map(|f| &f.fixes).collect();
    notes.sort();
    for note in notes {
        let _ = writeln!(out, "  {}", note.text());
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
    match plan.write() {
        Ok(()) => Ok(plan.summary(true)),
        Err(error) => Err(CheckError::Fatal(plan.failure(&error))),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn change(display: &str, new: bool, rule: &str) -> FileChange {
        FileChange {
            path: PathBuf::from(display),
            display: display.to_string(),
            before: (!new).then(String::new),
            after: String::new(),
            fixes: vec![Note {
                path: display.to_string(),
                line: 1,
                column: 1,
                rule: rule.to_string(),
                title: "fix it".to_string(),
            }],
            root: None,
        }
    }

    #[test]
    fn a_failed_write_says_what_was_written_and_never_would_fix() {
        let plan = Plan {
            files: vec![change("a.yaml", false, "x"), change("b.md", true, "y")],
            ..Plan::default()
        };
        let nothing = edit::WriteError {
            message: "cannot write `b.md`: Permission denied".into(),
            written: Vec::new(),
        };
        assert_eq!(
            plan.failure(&nothing),
            "cannot write `b.md`: Permission denied; no file was written\nDid not fix 2 findings in 2 files (a.yaml, b.md (new)):\n  a.yaml:1:1 x: fix it\n  b.md:1:1 y: fix it"
        );
        let part = edit::WriteError {
            message: "`b.md` already exists".into(),
            written: vec![0],
        };
        assert_eq!(
            plan.failure(&part),
            "`b.md` already exists; 1 of 2 files written before the error\nFixed 1 finding in 1 file (a.yaml):\n  a.yaml:1:1 x: fix it\nDid not fix 1 finding in 1 file (b.md (new)):\n  b.md:1:1 y: fix it"
        );
    }
}
