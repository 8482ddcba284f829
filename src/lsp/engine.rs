//! The language server's incremental check of one workspace: after an edit,
//! only what the edit can change is computed again, and the result is the
//! check `analysis::analyse` does from scratch (tests/lsp_engine.rs compares
//! the two after random edits, byte for byte).
//!
//! What is kept between checks, and when it is computed again:
//!
//! - **Files** (`load::incremental::FileCache`): each file's reading,
//!   decoding, parse, schema validation, deserialisation and values, its
//!   line index and span trees once built. A file is read again when its
//!   text changed (an edit, an open or close, a change on disk the client
//!   reports).
//! - **Runbooks**: each pipeline's resolved runbook and its headings, moved
//!   over for pipelines whose file did not change, else looked up by YAML
//!   file and `runbook:` text; everything is forgotten when anything changes
//!   on disk (runbooks are read from disk).
//!
//! When an edit changed pipeline documents only (and not the date, and
//! nothing on disk), the rest of the workspace judges pipelines as before:
//!
//! - **Rules that look at one pipeline at a time** ([`PER_PIPELINE`]) run on
//!   the changed pipelines only; their findings about the other pipelines
//!   stay. So do the custom rules' findings about unchanged documents.
//! - **Rules that never look at pipelines** ([`WITHOUT_PIPELINES`]: the
//!   schedule's) do not run; their findings stay.
//! - **The schedule** stays too, when no document or file id moved (the
//!   edited file kept its number of documents), since it holds ids.
//!
//! Kept findings get the new workspace's document and file ids. Computed
//! every time: the model, the rules that look across pipelines
//! (`duplicate-id`, `owner-load`, the load problems' rules), suppressions,
//! and the findings' positions. An edit of anything but a pipeline (a team,
//! a rotation, the policy) runs every rule.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::check::{self, Loaded, Outcome, Timings};
use crate::document::{DocId, Kind};
use crate::finding::{Finding, Location};
use crate::load::incremental::{relocate, Delta, FileCache};
use crate::load::root::Root;
use crate::load::Overlay;
use crate::model::{Entry, Item, Model, Pipeline};
use crate::rules::{Context, Rule, RULES};
use crate::runbook::{Disk, RunbookEntry, RunbookIndex};
use crate::schedule::Schedule;
use crate::workspace::Workspace;

use super::analysis::{self, Analysis};

/// The rules whose findings about a pipeline depend on that pipeline's own
/// document and on no other pipeline (only on teams, rotations, calendars,
/// the policy, the schedule, its runbook and the date), and which, looking
/// at the pipelines of `model.pipelines`, report nothing about the others.
/// Run on a model holding some pipelines only, they report what they would
/// about those pipelines, and all they report about anything else.
/// tests/lsp_engine.rs checks this on every fixture and example.
pub const PER_PIPELINE: &[&str] = &[
    "unknown-reference",
    "distinct-owners",
    "owner-expertise",
    "runbook-required",
    "runbook-file",
    "runbook-sections",
    "sla-order",
    "escalation-required",
    "on-call-coverage",
    "raci-accountable",
    "raci-overlap",
    "raci-required",
    "coverage-window",
    "deadline-coverage",
];

/// The rules that judge rotations, teams and calendars and never look at a
/// pipeline (tests/lsp_engine.rs checks it on every fixture).
pub const WITHOUT_PIPELINES: &[&str] = &[
    "coverage-gap",
    "distinct-on-call",
    "back-to-back",
    "double-booked",
    "unavailable-on-call",
    "balanced-load",
    "holiday-coverage",
    "holiday-fairness",
    "schedule-horizon",
    "roster-size",
    "schedule-change",
    "handoff-meeting",
];

/// One workspace, checked again after each change.
pub struct Engine {
    root: Root,
    files: FileCache,
    /// By YAML file and `runbook:` text.
    runbooks: HashMap<PathBuf, HashMap<String, RunbookEntry>>,
    last: Option<Last>,
    /// Check from scratch each time (`Options::from_scratch`).
    from_scratch: bool,
    /// Whether something changed on disk since the last update: runbooks
    /// (read from disk) may have, so no finding is kept.
    disk_changed: bool,
    stats: Stats,
}

/// What the latest update did (for tests and the benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files read and parsed (again).
    pub files_read: usize,
    /// Whether only pipelines changed, so that findings were kept.
    pub pipelines_only: bool,
    /// Whether the schedule was kept.
    pub schedule_kept: bool,
}

/// The latest check, and what the next one may keep of it.
struct Last {
    analysis: Analysis,
    kept: Kept,
}

/// What a check keeps for the next one, in its workspace's ids.
#[derive(Default)]
struct Kept {
    /// Per rule of [`PER_PIPELINE`]: its findings about pipelines.
    per_pipeline: Vec<Vec<Finding>>,
    /// Per rule of [`WITHOUT_PIPELINES`]: its findings.
    without_pipelines: Vec<Vec<Finding>>,
    /// The custom rules' findings.
    custom: Vec<Finding>,
    /// Per pipeline of the model: its document and runbook entry.
    runbooks: Vec<(DocId, RunbookEntry)>,
    schedule: Option<Schedule>,
    today: NaiveDate,
}

impl Engine {
    pub fn new(root: Root) -> Engine {
        let options = analysis::options(&root, NaiveDate::default()).load;
        Engine {
            files: FileCache::new(root.clone(), options),
            root,
            runbooks: HashMap::new(),
            last: None,
            from_scratch: false,
            disk_changed: false,
            stats: Stats::default(),
        }
    }

    /// An engine that keeps nothing: each update is `analysis::analyse`.
    pub fn from_scratch(root: Root) -> Engine {
        Engine {
            from_scratch: true,
            ..Engine::new(root)
        }
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The latest check, unless it failed.
    pub fn analysis(&self) -> Option<&Analysis> {
        self.last.as_ref().map(|l| &l.analysis)
    }

    /// The file at `path` changed on disk (or may have).
    pub fn changed_on_disk(&mut self, path: &Path) {
        self.files.forget(path);
        self.disk();
    }

    /// Files were created or deleted on disk (or may have been).
    pub fn created_or_deleted(&mut self) {
        self.files.rewalk();
        self.disk();
    }

    /// Something may have changed on disk, unsaid: files whose size or
    /// modification time changed are read again, the directory walked again.
    pub fn revalidate(&mut self) {
        self.files.revalidate();
        self.disk();
    }

    fn disk(&mut self) {
        self.runbooks.clear();
        self.disk_changed = true;
    }

    /// Checks the workspace again with `overlay`'s texts (the open
    /// documents) instead of their files.
    pub fn update(&mut self, overlay: &Overlay, today: NaiveDate) -> Result<&Analysis, String> {
        if self.from_scratch {
            self.last = None;
            let analysis = analysis::analyse(&self.root, overlay, today)?;
            let last = self.last.insert(Last {
                analysis,
                kept: Kept::default(),
            });
            return Ok(&last.analysis);
        }
        let timer = Timings::start();
        let disk_changed = std::mem::take(&mut self.disk_changed);
        let mut kept = match self.last.take() {
            Some(last) => self.take_apart(last),
            None => Kept::default(),
        };
        let (workspace, delta) = self.files.assemble(overlay);
        timer.lap("files");
        let scope = Scope::of(&delta, &workspace);
        let schedule = kept
            .schedule
            .take()
            .filter(|_| scope.pipelines_only && scope.same_ids);
        self.stats = Stats {
            files_read: delta.read,
            pipelines_only: false,
            schedule_kept: schedule.is_some(),
        };
        // Runbook entries by the previous workspace's document ids.
        let mut by_doc: Vec<Option<RunbookEntry>> = Vec::new();
        if !disk_changed && !delta.relisted {
            by_doc.resize_with(delta.previous_docs, || None);
            for (doc, entry) in std::mem::take(&mut kept.runbooks) {
                if let Some(slot) = by_doc.get_mut(doc) {
                    *slot = Some(entry);
                }
            }
        }
        let by_doc = RefCell::new(by_doc);
        let looked_up = RefCell::new(Vec::new());
        let options = analysis::options(&self.root, today);
        let memo = &self.runbooks;
        // Entries keep every runbook's path (`RunbookIndex::entry`).
        let index = |w: &Workspace, m: &Model, _required: &[String]| {
            let (index, fresh) = runbook_index(memo, &mut by_doc.borrow_mut(), &delta, w, m);
            *looked_up.borrow_mut() = fresh;
            index
        };
        let mut loaded =
            check::analyse_reusing(workspace, &options, Some(&self.root), &index, schedule)
                .map_err(|e| match e {
                    check::CheckError::Fatal(message) => message,
                    check::CheckError::InvalidPolicy(_) => "the policy is invalid".to_string(),
                })?;
        self.remember_runbooks(&loaded, &looked_up.into_inner());
        let reuse = match scope.pipelines_only && !disk_changed && kept.today == today {
            true => Reuse::new(kept, &delta, &loaded.workspace),
            false => None,
        };
        self.stats.pipelines_only = reuse.is_some();
        // The model, schedule and runbooks have timed themselves.
        let timer = Timings::start();
        let judged = judge(&mut loaded, today, reuse);
        timer.lap("rules");
        let (findings, summary) = check::conclude(&loaded, judged.findings);
        let Loaded {
            workspace,
            policy,
            judged: about,
            model,
            schedule,
            runbooks,
            ..
        } = loaded;
        let runbooks = model
            .pipelines
            .iter()
            .map(|p| p.doc)
            .zip(runbooks.into_entries())
            .collect();
        let outcome = Outcome {
            workspace,
            model,
            schedule,
            policy,
            findings,
            summary,
            judged: about,
            base: None,
        };
        let last = self.last.insert(Last {
            analysis: Analysis::new(outcome, today),
            kept: Kept {
                per_pipeline: judged.per_pipeline,
                without_pipelines: judged.without_pipelines,
                custom: judged.custom,
                runbooks,
                schedule: None,
                today,
            },
        });
        Ok(&last.analysis)
    }

    /// Gives the last check's files back to the cache and returns what the
    /// next check may keep.
    fn take_apart(&mut self, last: Last) -> Kept {
        let Outcome {
            workspace,
            model,
            schedule,
            ..
        } = last.analysis.outcome;
        let items = items_of(model, workspace.documents.len());
        self.files.keep(workspace, items);
        Kept {
            schedule: Some(schedule),
            today: last.analysis.today,
            ..last.kept
        }
    }

    fn remember_runbooks(&mut self, loaded: &Loaded, looked_up: &[usize]) {
        let workspace = &loaded.workspace;
        for &i in looked_up {
            let Some(p) = loaded.model.pipelines.get(i) else {
                continue;
            };
            let (Some(runbook), Some(path)) = (&p.item.runbook, yaml_path(workspace, p.doc)) else {
                continue;
            };
            let entry = loaded.runbooks.cloned_entry(i);
            self.runbooks
                .entry(path.to_path_buf())
                .or_default()
                .insert(runbook.to_string(), entry);
        }
    }
}

fn yaml_path(workspace: &Workspace, doc: DocId) -> Option<&Path> {
    let file = workspace.doc(doc)?.file;
    Some(workspace.files.get(file)?.path())
}

/// The runbook index: each pipeline's entry moved from `by_doc` (the last
/// check's, by its document ids) when its file did not change, else from
/// `memo`, else read; and the positions of the pipelines not moved.
fn runbook_index(
    memo: &HashMap<PathBuf, HashMap<String, RunbookEntry>>,
    by_doc: &mut [Option<RunbookEntry>],
    delta: &Delta,
    workspace: &Workspace,
    model: &Model,
) -> (RunbookIndex, Vec<usize>) {
    let mut entries: Vec<Option<RunbookEntry>> = model
        .pipelines
        .iter()
        .map(|p| {
            let old = delta.old_doc.get(p.doc).copied().flatten()?;
            by_doc.get_mut(old)?.take()
        })
        .collect();
    let missing: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].is_none())
        .collect();
    let found: Vec<RunbookEntry> = missing
        .par_iter()
        .with_max_len(32) // see `RunbookIndex::build_from`
        .map(|&i| {
            let p = &model.pipelines[i];
            let runbook = p.item.runbook.as_deref();
            let known = runbook.and_then(|r| memo.get(yaml_path(workspace, p.doc)?)?.get(r));
            match known {
                Some(entry) => entry.clone(),
                None => RunbookIndex::entry(workspace, p.doc, runbook, &Disk),
            }
        })
        .collect();
    for (&i, entry) in missing.iter().zip(found) {
        entries[i] = Some(entry);
    }
    let entries = entries.into_iter().map(Option::unwrap_or_default).collect();
    (RunbookIndex::from_entries(entries), missing)
}

/// The items the model took from the workspace, back by document id.
fn items_of(model: Model, documents: usize) -> Vec<Option<Item>> {
    let mut items: Vec<Option<Item>> = (0..documents).map(|_| None).collect();
    let mut put = |doc: DocId, item: Item| {
        if let Some(slot) = items.get_mut(doc) {
            *slot = Some(item);
        }
    };
    for e in model.teams {
        put(e.doc, Item::Team(Box::new(e.item)));
    }
    for e in model.pipelines {
        put(e.doc, Item::Pipeline(e.item));
    }
    for e in model.rotations {
        put(e.doc, Item::Rotation(Box::new(e.item)));
    }
    for e in model.calendars {
        put(e.doc, Item::Holidays(Box::new(e.item)));
    }
    items
}

/// What an edit changed.
struct Scope {
    /// Pipeline documents only (and files with no steward document).
    pipelines_only: bool,
    /// No document or file id moved.
    same_ids: bool,
}

impl Scope {
    fn of(delta: &Delta, workspace: &Workspace) -> Scope {
        let pipeline = |kind: &Option<Kind>| *kind == Some(Kind::Pipeline);
        let pipelines_only = delta.previous_docs > 0
            && delta.dropped.iter().all(pipeline)
            && workspace
                .documents
                .iter()
                .zip(&delta.old_doc)
                .all(|(d, old)| old.is_some() || pipeline(&d.kind));
        let unmoved = |old: &[Option<usize>]| {
            old.iter()
                .enumerate()
                .all(|(new, old)| old.is_none_or(|old| old == new))
        };
        let same_ids = delta.previous_docs == workspace.documents.len()
            && delta.previous_files == workspace.files.len()
            && unmoved(&delta.old_doc)
            && unmoved(&delta.old_file);
        Scope {
            pipelines_only,
            same_ids,
        }
    }
}

/// The findings of the last check that stay true, in the new workspace's
/// ids, and which documents are new.
struct Reuse {
    per_pipeline: Vec<Vec<Finding>>,
    without_pipelines: Vec<Vec<Finding>>,
    custom: Vec<Finding>,
    /// Per document: whether its file was read again.
    fresh: Vec<bool>,
}

impl Reuse {
    /// `None` when a kept finding points at something that is gone.
    fn new(kept: Kept, delta: &Delta, workspace: &Workspace) -> Option<Reuse> {
        let docs = delta.new_doc_ids();
        let files = delta.new_file_ids();
        let moved = |findings: Vec<Finding>| -> Option<Vec<Finding>> {
            let mut out = Vec::with_capacity(findings.len());
            for mut f in findings {
                // About a document that changed: judged again.
                let changed =
                    subject_doc(&f).is_some_and(|d| docs.get(d).copied().flatten().is_none());
                if changed {
                    continue;
                }
                let ok = relocate(
                    &mut f.location,
                    &mut f.labels,
                    f.fix.as_deref_mut(),
                    &|d| docs.get(d).copied().flatten(),
                    &|f| files.get(f).copied().flatten(),
                );
                if !ok {
                    return None;
                }
                out.push(f);
            }
            Some(out)
        };
        let all = |lists: Vec<Vec<Finding>>| -> Option<Vec<Vec<Finding>>> {
            lists.into_iter().map(&moved).collect()
        };
        Some(Reuse {
            per_pipeline: all(kept.per_pipeline)?,
            without_pipelines: all(kept.without_pipelines)?,
            custom: moved(kept.custom)?,
            fresh: (0..workspace.documents.len())
                .map(|d| delta.old_doc.get(d).is_none_or(Option::is_none))
                .collect(),
        })
    }
}

/// The document a finding is about.
fn subject_doc(finding: &Finding) -> Option<DocId> {
    match finding.location {
        Location::Node { doc, .. } | Location::Key { doc, .. } => Some(doc),
        Location::Span { .. } => None,
    }
}

struct Judged {
    findings: Vec<Finding>,
    per_pipeline: Vec<Vec<Finding>>,
    without_pipelines: Vec<Vec<Finding>>,
    custom: Vec<Finding>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    PerPipeline,
    WithoutPipelines,
    Everything,
}

fn reach(rule: &Rule) -> Reach {
    if PER_PIPELINE.contains(&rule.id) {
        Reach::PerPipeline
    } else if WITHOUT_PIPELINES.contains(&rule.id) {
        Reach::WithoutPipelines
    } else {
        Reach::Everything
    }
}

/// The findings of every rule and custom rule, with what `reuse` kept, in
/// the order a full check finds them; and what to keep of them.
fn judge(loaded: &mut Loaded, today: NaiveDate, reuse: Option<Reuse>) -> Judged {
    let runs_whole = |rule: &Rule| reuse.is_none() || reach(rule) == Reach::Everything;
    let whole: Vec<Option<Vec<Finding>>> = {
        let context = loaded.context(today);
        RULES
            .iter()
            .map(|rule| runs_whole(rule).then(|| check::run_rule(&context, &loaded.policy, rule)))
            .collect()
    };
    let custom = check::run_custom_rules_on(&loaded.workspace, &loaded.policy, &|d| {
        reuse
            .as_ref()
            .is_none_or(|r| r.fresh.get(d).copied().unwrap_or(true))
    });
    let (mut kept_per_pipeline, mut kept_without, kept_custom, mut changed) = match reuse {
        None => (Vec::new(), Vec::new(), Vec::new(), Vec::new()),
        Some(reuse) => {
            let local: Vec<&Rule> = RULES
                .iter()
                .copied()
                .filter(|r| reach(r) == Reach::PerPipeline)
                .collect();
            let fresh = &reuse.fresh;
            let changed = run_restricted(loaded, today, &local, &|d| {
                fresh.get(d).copied().unwrap_or(true)
            });
            (
                reuse.per_pipeline,
                reuse.without_pipelines,
                reuse.custom,
                changed,
            )
        }
    };
    kept_per_pipeline.reverse();
    kept_without.reverse();
    changed.reverse();
    let mut findings = Vec::new();
    let mut per_pipeline = Vec::with_capacity(PER_PIPELINE.len());
    let mut without_pipelines = Vec::with_capacity(WITHOUT_PIPELINES.len());
    for (rule, ran) in RULES.iter().zip(whole) {
        let all = match (reach(rule), ran) {
            (_, Some(all)) => all,
            (Reach::PerPipeline, None) => {
                let mut all = changed.pop().unwrap_or_default();
                all.extend(kept_per_pipeline.pop().unwrap_or_default());
                all
            }
            (_, None) => kept_without.pop().unwrap_or_default(),
        };
        match reach(rule) {
            Reach::PerPipeline => per_pipeline.push(about_pipelines(&loaded.workspace, &all)),
            Reach::WithoutPipelines => without_pipelines.push(all.clone()),
            Reach::Everything => {}
        }
        findings.extend(all);
    }
    let mut custom = custom;
    custom.extend(kept_custom);
    findings.extend(custom.iter().cloned());
    Judged {
        findings,
        per_pipeline,
        without_pipelines,
        custom,
    }
}

/// The findings about pipeline documents, to keep.
fn about_pipelines(workspace: &Workspace, findings: &[Finding]) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| {
            subject_doc(f).is_some_and(|d| {
                workspace
                    .doc(d)
                    .is_some_and(|doc| doc.kind == Some(Kind::Pipeline))
            })
        })
        .cloned()
        .collect()
}

/// Runs `rules` with only the pipelines whose document `keep` accepts in
/// the model (and their runbooks), each rule's findings in a list.
pub fn run_restricted(
    loaded: &mut Loaded,
    today: NaiveDate,
    rules: &[&Rule],
    keep: &dyn Fn(DocId) -> bool,
) -> Vec<Vec<Finding>> {
    let all = std::mem::take(&mut loaded.model.pipelines);
    let mut kept: Vec<usize> = Vec::new();
    let mut others: Vec<Option<Entry<Box<Pipeline>>>> = Vec::with_capacity(all.len());
    for (i, p) in all.into_iter().enumerate() {
        if keep(p.doc) {
            kept.push(i);
            loaded.model.pipelines.push(p);
            others.push(None);
        } else {
            others.push(Some(p));
        }
    }
    let runbooks = loaded.runbooks.subset(&kept);
    let context = Context {
        runbooks: &runbooks,
        ..loaded.context(today)
    };
    let found = rules
        .iter()
        .map(|rule| check::run_rule(&context, &loaded.policy, rule))
        .collect();
    // Back in their order.
    let mut chosen = std::mem::take(&mut loaded.model.pipelines).into_iter();
    loaded.model.pipelines = others
        .into_iter()
        .filter_map(|p| p.or_else(|| chosen.next()))
        .collect();
    found
}
