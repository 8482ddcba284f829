//! `steward check`, end to end: load -> schema -> policy -> model -> schedule ->
//! rules -> suppressions -> resolved, sorted findings.

use std::borrow::Cow;
use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::Map;

use crate::document::DocId;
use crate::finding::{Diagnostic, Finding, Location, Severity};
use crate::load::root::Root;
use crate::load::{self, LoadOptions};
use crate::model::{self, Model};
use crate::policy::{self, Policy};
use crate::report::{self, Judged, ResolvedFinding, RuleInfo, Summary};
use crate::rules::{Context, Params, Rule, RULES};
use crate::runbook::RunbookIndex;
use crate::schedule::{self, Schedule};
use crate::schema::{self, SchemaReport};
use crate::source::{FileId, Lost, SourceFile, Span};
use crate::suppress::{self, Suppressions};
use crate::workspace::{Kind, LoadRule, Workspace};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// `--policy FILE`.
    pub policy: Option<PathBuf>,
    pub today: NaiveDate,
    pub load: LoadOptions,
}

/// Why `check` could not do its job (exit code 2).
#[derive(Debug)]
pub enum CheckError {
    /// A plain message for stderr.
    Fatal(String),
    /// `--policy FILE` is invalid: its diagnostics, to render on stderr.
    InvalidPolicy(Box<InvalidPolicy>),
}

#[derive(Debug)]
pub struct InvalidPolicy {
    pub workspace: Workspace,
    pub findings: Vec<ResolvedFinding>,
}

/// Everything a finished check produced.
pub struct Outcome {
    pub workspace: Workspace,
    pub model: Model,
    pub schedule: Schedule,
    pub policy: Policy,
    pub findings: Vec<ResolvedFinding>,
    pub summary: Summary,
    /// The root and the policy the findings were judged with.
    pub judged: Judged,
    /// The same workspace checked as it is at the `--base` revision.
    pub base: Option<Box<Outcome>>,
}

impl Outcome {
    pub fn report(&self) -> report::Report<'_> {
        report::Report {
            files: &self.workspace.files,
            findings: self.findings.clone(),
            summary: self.summary,
            rules: rule_catalog(&self.policy),
            judged: vec![self.judged.clone()],
            checked: checked_files(&self.workspace),
            strict: false,
            known: Vec::new(),
        }
    }
}

/// Per file: reported and holding a steward document or a problem.
fn checked_files(workspace: &Workspace) -> Vec<bool> {
    workspace
        .content()
        .into_iter()
        .zip(&workspace.reported)
        .map(|(content, reported)| content && *reported)
        .collect()
}

/// The outcomes of every workspace a run judged, merged into one report.
pub struct Combined {
    pub files: Vec<SourceFile>,
    pub checked: Vec<bool>,
    pub findings: Vec<ResolvedFinding>,
    pub summary: Summary,
    pub rules: Vec<RuleInfo>,
    pub judged: Vec<Judged>,
}

impl Combined {
    /// Moves the files out of each outcome (file ids shift by the files before).
    pub fn new(outcomes: Vec<Outcome>) -> Combined {
        let mut combined = Combined {
            files: Vec::new(),
            checked: Vec::new(),
            findings: Vec::new(),
            summary: Summary::default(),
            rules: Vec::new(),
            judged: Vec::new(),
        };
        for mut outcome in outcomes {
            let offset = combined.files.len();
            for info in rule_catalog(&outcome.policy) {
                if !combined.rules.iter().any(|r| r.id == info.id) {
                    combined.rules.push(info);
                }
            }
            combined.checked.extend(checked_files(&outcome.workspace));
            if combined.files.is_empty() {
                // Moved, not copied: `append` would copy a large table and
                // leave its old buffer to the `forget` below.
                combined.files = std::mem::take(&mut outcome.workspace.files);
            } else {
                combined.files.append(&mut outcome.workspace.files);
            }
            for mut finding in std::mem::take(&mut outcome.findings) {
                finding.file += offset;
                for label in &mut finding.labels {
                    label.file += offset;
                }
                combined.findings.push(finding);
            }
            let s = outcome.summary;
            combined.summary.errors += s.errors;
            combined.summary.warnings += s.warnings;
            combined.summary.suppressed += s.suppressed;
            combined.summary.files += s.files;
            combined.judged.push(outcome.judged.clone());
            // The process ends soon: freeing a large model item by item only costs time.
            std::mem::forget(outcome);
        }
        report::sort(&mut combined.findings);
        combined
    }

    pub fn report(&self) -> report::Report<'_> {
        report::Report {
            files: &self.files,
            findings: self.findings.clone(),
            summary: self.summary,
            rules: self.rules.clone(),
            judged: self.judged.clone(),
            checked: self.checked.clone(),
            strict: false,
            known: Vec::new(),
        }
    }
}

/// The builtin rules followed by the policy's custom rules, with the severity
/// each has in `policy`.
pub fn rule_catalog(policy: &Policy) -> Vec<RuleInfo> {
    let builtin = RULES.iter().map(|r| RuleInfo {
        id: r.id.to_string(),
        summary: r.summary.to_string(),
        explanation: r.explanation.to_string(),
        severity: policy.severity(r.id),
    });
    let custom = policy.custom.iter().map(|c| RuleInfo {
        id: c.id.clone(),
        summary: c
            .message
            .clone()
            .unwrap_or_else(|| format!("custom rule on {} documents", c.kind)),
        explanation: format!(
            "A custom rule of policy `{}`: every selected {} document must satisfy the JSON Schema\n\n```json\n{}\n```\n",
            policy.name,
            c.kind,
            serde_json::to_string_pretty(&c.assert.raw).unwrap_or_default()
        ),
        severity: c.severity,
    });
    builtin.chain(custom).collect()
}

/// Loads the workspace and the model, without running rules.
pub struct Loaded {
    pub workspace: Workspace,
    pub schema: SchemaReport,
    pub policy: Policy,
    pub judged: Judged,
    pub model: Model,
    pub schedule: Schedule,
    pub runbooks: RunbookIndex,
}

impl Loaded {
    /// What rules see, with `today` as the date.
    pub fn context(&self, today: NaiveDate) -> Context<'_> {
        Context {
            workspace: &self.workspace,
            schema: &self.schema,
            model: &self.model,
            schedule: &self.schedule,
            runbooks: &self.runbooks,
            today,
            base: None,
        }
    }
}

/// The PATHs of one workspace.
#[derive(Debug, Clone)]
pub struct Scope {
    pub root: Root,
    /// Where the walk meets each PATH (`load::root::Located::asked`).
    pub asked: Vec<PathBuf>,
}

/// Groups the PATHs by the workspace each belongs to, in the order given.
pub fn scopes(paths: &[PathBuf]) -> Result<Vec<Scope>, CheckError> {
    let mut scopes: Vec<Scope> = Vec::new();
    for path in paths {
        // Found along the PATH as written: a symlink is judged as the
        // root's walk judges it, never followed out of the root.
        let located = load::root::locate(path).map_err(|e| CheckError::Fatal(e.message(path)))?;
        let (root, asked) = (located.root, located.asked);
        match scopes.iter_mut().find(|s| s.root.dir == root.dir) {
            Some(scope) => scope.asked.push(asked),
            None => scopes.push(Scope {
                root,
                asked: vec![asked],
            }),
        }
    }
    Ok(scopes)
}

/// Loads one workspace (the PATHs must share it; `steward schedule` and
/// `steward suggest` judge one workspace at a time).
pub fn load(options: &CheckOptions) -> Result<Loaded, CheckError> {
    let timer = Timings::start();
    if options.load.isolated {
        let workspace =
            load::load(&options.paths, &options.load).map_err(|e| CheckError::Fatal(e.0))?;
        timer.lap("load");
        refuse_empty(&options.paths, &[&workspace])?;
        return analyse(workspace, options);
    }
    let scopes = scopes(&options.paths)?;
    let [scope] = scopes.as_slice() else {
        let roots: Vec<String> = scopes.iter().map(|s| shown_root(&s.root)).collect();
        return Err(CheckError::Fatal(format!(
            "the paths lie in {} workspaces ({}); run steward once for each",
            roots.len(),
            roots.join(", ")
        )));
    };
    let loaded = load::load_workspace(&scope.root, &scope.asked, &options.load);
    timer.lap("load");
    refuse_empty(&options.paths, &[&loaded.workspace])?;
    analyse_in(loaded.workspace, options, Some(&scope.root))
}

/// The root as reports show it: relative to the current directory.
fn shown_root(root: &Root) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    load::display_path(&root.dir, &cwd)
}

/// `no steward documents under PATH` (exit 2): a mistyped path in CI must not
/// pass. A file with a syntax error or a forgotten `apiVersion` counts as
/// steward's (its problem is reported).
fn refuse_empty(paths: &[PathBuf], workspaces: &[&Workspace]) -> Result<(), CheckError> {
    for path in paths {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        // As the walk meets it; an entry on its way that could not be
        // followed (a symlink leaving the root) is what it holds.
        let located = load::root::locate(path).ok().map(|l| l.asked);
        let found = workspaces.iter().any(|w| {
            let content = w.content();
            // Walked paths start at the canonical root; a named file is as given.
            w.files.iter().zip(content).any(|(f, has)| {
                has && (f.path().starts_with(&canonical)
                    || f.path().starts_with(path)
                    || located
                        .as_ref()
                        .is_some_and(|a| f.path().starts_with(a) || a.starts_with(f.path())))
            })
        });
        if !found {
            return Err(CheckError::Fatal(format!(
                "no steward documents under `{}` (YAML documents with `apiVersion: steward/v1`)",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Per-stage wall times on stderr when `STEWARD_TIMINGS` is set: for profiling
/// and BENCHMARKS.md, off by default. Each line also gives the CPU time all
/// threads spent in the stage: CPU near threads × wall means the stage kept
/// them busy, less means they waited (serial work, an uneven split).
pub struct Timings {
    enabled: bool,
    last: std::cell::Cell<(std::time::Instant, Option<u64>)>,
}

impl Timings {
    pub fn start() -> Self {
        let enabled = std::env::var_os("STEWARD_TIMINGS").is_some();
        Timings {
            enabled,
            last: std::cell::Cell::new((
                std::time::Instant::now(),
                if enabled { cpu_ns() } else { None },
            )),
        }
    }

    pub fn lap(&self, stage: &str) {
        if self.enabled {
            let now = (std::time::Instant::now(), cpu_ns());
            let (then, cpu_then) = self.last.replace(now);
            let cpu = match (cpu_then, now.1) {
                (Some(a), Some(b)) => format!("  cpu {:>8.2} ms", b.saturating_sub(a) as f64 / 1e6),
                _ => String::new(),
            };
            eprintln!(
                "steward: {stage:<10} {:>8.2} ms{cpu}{}",
                (now.0 - then).as_secs_f64() * 1000.0,
                peak_rss().map_or_else(String::new, |kb| format!(
                    "  peak RSS {:.1} MB",
                    kb as f64 / 1000.0
                ))
            );
        }
    }
}

/// Nanoseconds all the process's threads have run so far: the process's
/// CPU clock, which counts the calling thread up to now (Linux's per-thread
/// `schedstat` lags a running thread by up to a scheduler tick, 4 ms here,
/// as large as a short stage) and keeps the time of threads that exited.
#[cfg(unix)]
fn cpu_ns() -> Option<u64> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: writes the one timespec passed, which lives on this stack.
    let read = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    let seconds = u64::try_from(now.tv_sec).ok()?;
    let nanos = u64::try_from(now.tv_nsec).ok()?;
    (read == 0).then_some(seconds * 1_000_000_000 + nanos)
}

#[cfg(not(unix))]
fn cpu_ns() -> Option<u64> {
    None
}

/// The process's peak resident memory so far in kB, where the system says
/// (Linux's `VmHWM`): which stage sets the peak.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Everything after reading files: schema, policy, model, schedule.
pub fn analyse(workspace: Workspace, options: &CheckOptions) -> Result<Loaded, CheckError> {
    analyse_in(workspace, options, None)
}

/// [`analyse`] for a workspace with a discovered root (its `steward.yaml`
/// holds the policy in effect).
pub fn analyse_in(
    workspace: Workspace,
    options: &CheckOptions,
    root: Option<&Root>,
) -> Result<Loaded, CheckError> {
    analyse_with(workspace, options, root, &RunbookIndex::build)
}

/// [`analyse_in`] with the runbooks read by `runbooks` (from a git revision
/// for `--base`) instead of from disk.
pub fn analyse_with(
    workspace: Workspace,
    options: &CheckOptions,
    root: Option<&Root>,
    runbooks: &dyn Fn(&Workspace, &Model, &[String]) -> RunbookIndex,
) -> Result<Loaded, CheckError> {
    analyse_reusing(workspace, options, root, runbooks, None)
}

/// [`analyse_with`], with `schedule` instead of one built from the model
/// when given: the caller knows the model's rotations, teams and calendars
/// are those it was built from (`steward lsp` after an edit of pipelines).
pub fn analyse_reusing(
    mut workspace: Workspace,
    options: &CheckOptions,
    root: Option<&Root>,
    runbooks: &dyn Fn(&Workspace, &Model, &[String]) -> RunbookIndex,
    schedule: Option<Schedule>,
) -> Result<Loaded, CheckError> {
    let timer = Timings::start();
    // Documents were validated and deserialised while their files loaded.
    let items = std::mem::take(&mut workspace.items);
    let mut schema = schema::report(&workspace);
    let config = root.and_then(Root::config);
    let (policy, source) = match &options.policy {
        Some(path) => (policy_file(path, &options.load)?, load::slash_path(path)),
        None => workspace_policy(&workspace, config.as_deref(), &mut schema)?,
    };
    let judged = Judged {
        root: root.map_or_else(
            || {
                workspace
                    .roots
                    .first()
                    .map_or_else(|| ".".to_string(), |r| shown_root_dir(r))
            },
            shown_root,
        ),
        policy: policy.name.clone(),
        source,
    };
    let model = model::build(&mut workspace.documents, items);
    timer.lap("model");
    let schedule = schedule.unwrap_or_else(|| schedule::build(&model));
    timer.lap("schedule");
    // What a runbook created by a fix holds: the sections the policy requires.
    let required = policy
        .setting("runbook-sections")
        .and_then(|s| s.params.get("required"))
        .and_then(|v| serde_json::from_value::<Vec<String>>(v.clone()).ok())
        .unwrap_or_default();
    let runbooks = runbooks(&workspace, &model, &required).requiring(required);
    timer.lap("runbooks");
    Ok(Loaded {
        workspace,
        schema,
        policy,
        judged,
        model,
        schedule,
        runbooks,
    })
}

fn shown_root_dir(dir: &std::path::Path) -> String {
    shown_root(&Root {
        dir: dir.to_path_buf(),
        marker: load::root::Marker::Path,
        repository: None,
    })
}

/// Checks the one workspace the PATHs lie in.
pub fn check(options: &CheckOptions) -> Result<Outcome, CheckError> {
    check_loaded(load(options)?, options, None)
}

/// Loads a workspace as it is at another revision (`--base`).
pub type BaseLoader<'a> = &'a dyn Fn(&Scope) -> Result<Loaded, CheckError>;

/// Checks every workspace the PATHs lie in, and every workspace nested below
/// them, each on its own (SPEC §7), in the order of their roots.
pub fn check_all(options: &CheckOptions) -> Result<Vec<Outcome>, CheckError> {
    check_all_with(options, None)
}

/// [`check_all`], each workspace compared with itself as `base` loads it:
/// rules see both (`schedule-change`), and each outcome carries the base's
/// own outcome.
pub fn check_all_with(
    options: &CheckOptions,
    base: Option<BaseLoader<'_>>,
) -> Result<Vec<Outcome>, CheckError> {
    if options.load.isolated && base.is_none() {
        return Ok(vec![check(options)?]);
    }
    let mut pending = scopes(&options.paths)?;
    let mut done: Vec<PathBuf> = Vec::new();
    let mut outcomes = Vec::new();
    while let Some(scope) = pending.pop() {
        if done.contains(&scope.root.dir) {
            continue;
        }
        done.push(scope.root.dir.clone());
        let timer = Timings::start();
        let loaded = load::load_workspace(&scope.root, &scope.asked, &options.load);
        timer.lap("load");
        for nested in loaded.nested {
            let root = load::root::discover(&nested);
            match pending.iter_mut().find(|s| s.root.dir == root.dir) {
                Some(s) => s.asked.push(nested),
                None => pending.push(Scope {
                    root,
                    asked: vec![nested],
                }),
            }
        }
        let analysed = analyse_in(loaded.workspace, options, Some(&scope.root))?;
        match base {
            Some(load_base) => {
                let before = load_base(&scope)?;
                let mut outcome = check_loaded(analysed, options, Some(&before))?;
                outcome.base = Some(Box::new(check_loaded(before, options, None)?));
                outcomes.push(outcome);
            }
            None => outcomes.push(check_loaded(analysed, options, None)?),
        }
    }
    let all: Vec<&Workspace> = outcomes.iter().map(|o| &o.workspace).collect();
    refuse_empty(&options.paths, &all)?;
    outcomes.sort_by(|a, b| a.judged.root.cmp(&b.judged.root));
    Ok(outcomes)
}

/// Checks an already loaded workspace (`load::load_sources` for in-memory files).
pub fn check_workspace(
    workspace: Workspace,
    options: &CheckOptions,
) -> Result<Outcome, CheckError> {
    check_loaded(analyse(workspace, options)?, options, None)
}

/// [`check_workspace`] for a workspace with a discovered root, whose
/// `steward.yaml` holds the policy in effect (`steward lsp`).
pub fn check_workspace_in(
    workspace: Workspace,
    options: &CheckOptions,
    root: &Root,
) -> Result<Outcome, CheckError> {
    check_loaded(analyse_in(workspace, options, Some(root))?, options, None)
}

fn check_loaded(
    loaded: Loaded,
    options: &CheckOptions,
    base: Option<&Loaded>,
) -> Result<Outcome, CheckError> {
    let (resolved, summary) = judge_with(&loaded, options.today, base);
    let Loaded {
        workspace,
        policy,
        judged,
        model,
        schedule,
        ..
    } = loaded;
    Ok(Outcome {
        workspace,
        model,
        schedule,
        policy,
        findings: resolved,
        summary,
        judged,
        base: None,
    })
}

/// The findings of a loaded workspace, as `steward check` reports them
/// (suppressions applied, sorted), and their counts.
pub fn judge(loaded: &Loaded, today: NaiveDate) -> (Vec<ResolvedFinding>, Summary) {
    judge_with(loaded, today, None)
}

/// [`judge`] with the workspace at a base revision (`--base`).
pub fn judge_with(
    loaded: &Loaded,
    today: NaiveDate,
    base: Option<&Loaded>,
) -> (Vec<ResolvedFinding>, Summary) {
    let timer = Timings::start();
    let context = Context {
        base,
        ..loaded.context(today)
    };
    let mut findings = run_rules(&context, &loaded.policy);
    findings.extend(run_custom_rules(&loaded.workspace, &loaded.policy));
    timer.lap("rules");
    let judged = finish(&loaded.workspace, &loaded.policy, findings);
    timer.lap("report");
    judged
}

pub fn run_rules(context: &Context<'_>, policy: &Policy) -> Vec<Finding> {
    // Rules only read the context: they run in parallel, and their findings
    // are joined in rule order, as if run one after another.
    let per_rule: Vec<Vec<Finding>> = RULES
        .par_iter()
        // One rule a piece: they differ in cost by 1000x, and rayon's
        // pieces of several left one thread with the costly ones.
        .with_max_len(1)
        .map(|rule| run_rule(context, policy, rule))
        .collect();
    per_rule.into_iter().flatten().collect()
}

/// One builtin rule's findings, at its severity in `policy` (none when off).
pub fn run_rule(context: &Context<'_>, policy: &Policy, rule: &Rule) -> Vec<Finding> {
    let empty = Map::new();
    let setting = policy.setting(rule.id);
    let Some(severity) = setting.and_then(|s| s.severity) else {
        return Vec::new();
    };
    let params = Params::new(setting.map_or(&empty, |s| &s.params));
    let mut diagnostics = Vec::new();
    let timer = Timings::start();
    (rule.check)(context, &params, &mut diagnostics);
    timer.lap(rule.id);
    diagnostics
        .into_iter()
        .map(|d| d.into_finding(Cow::Borrowed(rule.id), severity))
        .collect()
}

fn run_custom_rules(workspace: &Workspace, policy: &Policy) -> Vec<Finding> {
    run_custom_rules_on(workspace, policy, &|_| true)
}

/// The policy's custom rules on the documents `wanted` accepts (each
/// finding is about the one document it validates).
pub fn run_custom_rules_on(
    workspace: &Workspace,
    policy: &Policy,
    wanted: &dyn Fn(DocId) -> bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if policy.custom.is_empty() {
        return findings;
    }
    // Values are not kept after loading (unless asked): parse the selected
    // kinds again where they were not.
    let kinds: Vec<Kind> = policy.custom.iter().map(|c| c.kind).collect();
    let missing = workspace.documents.iter().enumerate().any(|(id, d)| {
        d.value.is_none() && d.kind.is_some_and(|k| kinds.contains(&k)) && wanted(id)
    });
    let values = match missing {
        true => load::document_values(workspace, &kinds),
        false => std::collections::HashMap::new(),
    };
    for rule in &policy.custom {
        let Some(severity) = rule.severity else {
            continue;
        };
        for (doc_id, doc) in workspace.documents_of(rule.kind) {
            if !wanted(doc_id) {
                continue;
            }
            let Some(value) = doc.value.as_deref().or_else(|| values.get(&doc_id)) else {
                continue;
            };
            if !rule.selects(value) {
                continue;
            }
            let mut diagnostics = Vec::new();
            schema::validate_value(
                doc_id,
                value,
                "",
                rule.kind.as_str(),
                &rule.assert,
                &mut diagnostics,
            );
            for d in diagnostics {
                let mut d = d;
                if let Some(message) = &rule.message {
                    // The schema's own wording becomes the help line.
                    let detail = std::mem::replace(&mut d.message, message.clone());
                    d.help = Some(match &rule.help {
                        Some(help) => format!("{help} ({detail})"),
                        None => detail,
                    });
                } else if let Some(help) = &rule.help {
                    d.help = Some(help.clone());
                }
                findings.push(d.into_finding(Cow::Owned(rule.id.clone()), severity));
            }
        }
    }
    findings
}

/// [`judge`] with the rules' findings given (`steward lsp` keeps some
/// between checks): suppressions apply, findings resolve, sort and count.
pub fn conclude(loaded: &Loaded, findings: Vec<Finding>) -> (Vec<ResolvedFinding>, Summary) {
    let timer = Timings::start();
    let judged = finish(&loaded.workspace, &loaded.policy, findings);
    timer.lap("report");
    judged
}

/// Applies suppressions, adds `unused-ignore` and `broad-ignore`, resolves locations, sorts and counts.
fn finish(
    workspace: &Workspace,
    policy: &Policy,
    findings: Vec<Finding>,
) -> (Vec<ResolvedFinding>, Summary) {
    read_texts(workspace, &findings);
    let mut suppressions = Suppressions::new(
        workspace
            .comments
            .iter()
            .flat_map(|(id, comments)| suppress::collect(id, comments))
            .collect(),
    );
    let mut resolved = Vec::with_capacity(findings.len());
    for finding in findings {
        let suppressed = suppressions.apply(workspace, &finding);
        resolved.extend(report::resolve(workspace, finding, suppressed));
    }
    let about_suppressions = suppressions.findings(
        workspace,
        |id| policy.severity(id),
        |id| policy.is_known_rule(id),
    );
    for (finding, suppressed) in about_suppressions {
        resolved.extend(report::resolve(workspace, finding, suppressed));
    }
    report_lost_texts(workspace, policy, &mut resolved);
    // The whole workspace was judged; what was asked for is reported.
    resolved.retain(|f| workspace.reported.get(f.file).copied().unwrap_or(true));
    report::sort(&mut resolved);
    resolved.dedup();
    let mut summary = Summary {
        files: workspace.checked_file_count(),
        ..Summary::default()
    };
    for f in &resolved {
        match (f.suppressed.is_some(), f.severity) {
            (true, _) => summary.suppressed += 1,
            (false, Severity::Error) => summary.errors += 1,
            (false, Severity::Warning) => summary.warnings += 1,
        }
    }
    (resolved, summary)
}

/// Reads the texts of the files that findings point into (their texts are
/// not kept after loading) and parses their span trees, in parallel, before
/// suppressions and positions need them.
fn read_texts(workspace: &Workspace, findings: &[Finding]) {
    use rayon::prelude::*;
    let mut wanted: Vec<(FileId, Option<DocId>)> = findings
        .iter()
        .flat_map(|f| std::iter::once(&f.location).chain(f.labels.iter().map(|l| &l.location)))
        .filter_map(|location| match location {
            Location::Node { doc, .. } | Location::Key { doc, .. } => {
                Some((workspace.doc(*doc)?.file, Some(*doc)))
            }
            Location::Span { file, .. } => Some((*file, None)),
        })
        .collect();
    wanted.sort_unstable();
    wanted.dedup_by_key(|(file, _)| *file);
    wanted
        .par_iter()
        .with_max_len(1)
        .for_each(|(file, doc)| match doc {
            Some(doc) => {
                let _ = workspace.spans(*doc);
            }
            None => {
                let _ = workspace.files.get(*file).and_then(|f| f.text());
            }
        });
}

/// A file whose text changed (or vanished) between its check and the report
/// cannot have its findings located or quoted: they are replaced by one
/// `io-error` at the file saying so.
fn report_lost_texts(workspace: &Workspace, policy: &Policy, resolved: &mut Vec<ResolvedFinding>) {
    let lost: Vec<(FileId, &Lost)> = workspace
        .files
        .iter()
        .enumerate()
        .filter_map(|(id, file)| Some((id, file.lost()?)))
        .collect();
    if lost.is_empty() {
        return;
    }
    let is_lost = |file: FileId| lost.iter().any(|(id, _)| *id == file);
    resolved.retain(|f| !is_lost(f.file));
    for finding in resolved.iter_mut() {
        finding.labels.retain(|l| !is_lost(l.file));
    }
    let rule = LoadRule::IoError.rule_id();
    let Some(severity) = policy.severity(rule) else {
        return;
    };
    for (file, why) in lost {
        let shown = workspace.files.get(file).map_or("", |f| f.display());
        let message = match why {
            Lost::Changed => {
                format!("`{shown}` changed while steward was checking it, so its findings cannot be shown")
            }
            Lost::Unreadable(reason) => {
                format!("`{shown}` could not be read again to show its findings: {reason}")
            }
        };
        let diagnostic = Diagnostic::new(Location::span(file, Span::empty(0)), message)
            .help("run steward again to check the file as it is now");
        resolved.extend(report::resolve(
            workspace,
            diagnostic.into_finding(Cow::Borrowed(rule), severity),
            None,
        ));
    }
}

/// The workspace's Policy document, if any, and where it came from;
/// `steward.yaml`'s comes first. Schema problems of it and a second Policy are
/// reported as `schema` findings and the default policy applies.
fn workspace_policy(
    workspace: &Workspace,
    config: Option<&std::path::Path>,
    schema: &mut SchemaReport,
) -> Result<(Policy, String), CheckError> {
    let mut chosen: Option<(Policy, String)> = None;
    let mut first: Option<usize> = None;
    let mut policies: Vec<(usize, &crate::document::Document)> =
        workspace.documents_of(Kind::Policy).collect();
    let is_config = |doc: &crate::document::Document| {
        config.is_some_and(|c| workspace.files.get(doc.file).is_some_and(|f| f.path() == c))
    };
    policies.sort_by_key(|(_, doc)| !is_config(doc));
    for (doc_id, doc) in policies {
        if let Some(first_doc) = first {
            schema.diagnostics.push(
                Diagnostic::new(
                    Location::node(
                        doc_id,
                        if doc.value.as_ref().is_some_and(|v| v.get("kind").is_some()) {
                            "/kind"
                        } else {
                            ""
                        },
                    ),
                    "a workspace has at most one Policy document; this one is ignored",
                )
                .label("second Policy")
                .with(Location::node(first_doc, "/kind"), "the Policy in effect")
                .help(
                    if first.is_some_and(|f| workspace.doc(f).is_some_and(is_config)) {
                        "the workspace's policy lives in `steward.yaml`: merge this one into it"
                    } else {
                        "merge the two policies, or pass the one you want with --policy"
                    },
                ),
            );
            continue;
        }
        first = Some(doc_id);
        if let (true, Some(value)) = (
            schema.valid.get(doc_id).copied().unwrap_or(false),
            doc.value.as_deref(),
        ) {
            let policy = policy::from_value(doc_id, value, &mut schema.diagnostics)
                .map_err(CheckError::Fatal)?;
            let source = workspace
                .files
                .get(doc.file)
                .map_or_else(String::new, |f| f.display().to_string());
            chosen = Some((policy, source));
        }
    }
    match chosen {
        Some(p) => Ok(p),
        None => Ok((
            Policy::builtin("default").map_err(CheckError::Fatal)?,
            "builtin".to_string(),
        )),
    }
}

/// Loads `--policy FILE`; any problem in it is fatal (exit 2).
fn policy_file(path: &std::path::Path, options: &LoadOptions) -> Result<Policy, CheckError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| CheckError::Fatal(format!("cannot read policy `{}`: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(CheckError::Fatal(format!(
            "policy `{}` is not a file",
            path.display()
        )));
    }
    let workspace =
        load::load(&[path.to_path_buf()], options).map_err(|e| CheckError::Fatal(e.0))?;
    let mut schema = schema::report(&workspace);
    // Each problem carries the id of the rule that reports it in a workspace.
    let mut diagnostics: Vec<(&str, Diagnostic)> = workspace
        .problems
        .iter()
        .map(|p| (p.rule.rule_id(), p.diagnostic.clone()))
        .collect();
    let policies: Vec<usize> = workspace
        .documents_of(Kind::Policy)
        .map(|(id, _)| id)
        .collect();
    let mut policy = None;
    match policies.as_slice() {
        [] if diagnostics.is_empty() && schema.diagnostics.is_empty() => {
            return Err(CheckError::Fatal(format!(
                "`{}` holds no Policy document (`apiVersion: steward/v1`, `kind: Policy`)",
                path.display()
            )))
        }
        [] => {}
        [id, rest @ ..] => {
            for extra in rest {
                diagnostics.push((
                    LoadRule::Schema.rule_id(),
                    Diagnostic::new(
                        Location::node(*extra, "/kind"),
                        "a policy file holds one Policy document",
                    ),
                ));
            }
            if schema.valid.get(*id).copied().unwrap_or(false) {
                if let Some(value) = workspace.doc(*id).and_then(|d| d.value.as_deref()) {
                    policy = Some(
                        policy::from_value(*id, value, &mut schema.diagnostics)
                            .map_err(CheckError::Fatal)?,
                    );
                }
            }
        }
    }
    diagnostics.extend(
        schema
            .diagnostics
            .drain(..)
            .map(|d| (LoadRule::Schema.rule_id(), d)),
    );
    // Other kinds in the policy file are not checked here: it is not the workspace.
    match policy {
        Some(p) if diagnostics.is_empty() => Ok(p),
        _ => {
            let mut findings: Vec<ResolvedFinding> = diagnostics
                .into_iter()
                .filter_map(|(rule, d)| {
                    report::resolve(
                        &workspace,
                        d.into_finding(Cow::Borrowed(rule), Severity::Error),
                        None,
                    )
                })
                .collect();
            report::sort(&mut findings);
            Err(CheckError::InvalidPolicy(Box::new(InvalidPolicy {
                workspace,
                findings,
            })))
        }
    }
}
