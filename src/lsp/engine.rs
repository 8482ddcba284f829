//! The language server's incremental check of one workspace: after an edit,
//! only what the edit can change is computed again, and the result is the
//! check `analysis::analyse` does from scratch (tests/lsp_engine.rs compares
//! the two after random edits, byte for byte).
//!
//! What is kept between checks, and when it is computed again:
//!
//! - **Files** (`load::incremental::FileCache`): each file's reading,
//!   decoding, parse, schema validation and deserialisation, and its span
//!   trees once built. A file is read again when its text changed (an edit,
//!   an open or close, a change on disk reported by the client).
//! - **Runbooks**: each pipeline's resolved runbook and its headings, by the
//!   YAML file and the `runbook:` text; all are forgotten when anything
//!   changes on disk (runbooks are read from disk).
//! - **Findings of the per-pipeline rules** ([`PER_PIPELINE`]) about
//!   pipelines whose file did not change, and of custom rules about
//!   documents whose file did not change, as long as the edit changed
//!   nothing but pipeline documents (and not the date): these rules judge a
//!   pipeline by its own document and by the rest of the workspace that is
//!   not a pipeline, so their findings about the other pipelines cannot
//!   change. They run on the changed pipelines only, with their document
//!   and file ids moved to the new workspace's.
//!
//! Computed every time: the model, the schedule, the other rules (they look
//! across pipelines: `duplicate-id`, `owner-load`; or at the whole schedule),
//! suppressions, and the findings' positions. An edit of anything but a
//! pipeline (a team, a rotation, the policy) runs every rule.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::check::{self, Loaded, Outcome, Timings};
use crate::document::{DocId, Kind};
use crate::finding::{Finding, Location};
use crate::load::incremental::{relocate, Delta, FileCache};
use crate::load::root::Root;
use crate::load::Overlay;
use crate::model::{Entry, Item, Model, Pipeline};
use crate::rules::{Context, Rule, RULES};
use crate::runbook::{Disk, RunbookEntry, RunbookIndex};
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
    /// (read from disk) may have, so no finding is reused.
    disk_changed: bool,
    stats: Stats,
}

/// What the latest update did (for tests and the benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files read and parsed (again).
    pub files_read: usize,
    /// Whether the per-pipeline rules judged the changed pipelines only.
    pub pipelines_only: bool,
}

/// The latest check, and what the next one may reuse of it.
struct Last {
    analysis: Analysis,
    /// Per rule of [`PER_PIPELINE`]: its findings about pipelines.
    per_pipeline: Vec<Vec<Finding>>,
    /// The custom rules' findings.
    custom: Vec<Finding>,
}

impl Engine {
    pub fn new(root: Root) -> Engine {
        let options = analysis::options(&root, NaiveDate::default()).load;
        Engine {
            from_scratch: false,
            files: FileCache::new(root.clone(), options),
            root,
            runbooks: HashMap::new(),
            last: None,
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
        self.runbooks.clear();
        self.disk_changed = true;
    }

    /// Files were created or deleted on disk (or may have been).
    pub fn created_or_deleted(&mut self) {
        self.files.rewalk();
        self.runbooks.clear();
        self.disk_changed = true;
    }

    /// Something may have changed on disk, unsaid: files whose size or
    /// modification time changed are read again, the directory walked again.
    pub fn revalidate(&mut self) {
        self.files.revalidate();
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
                per_pipeline: Vec::new(),
                custom: Vec::new(),
            });
            return Ok(&last.analysis);
        }
        let timer = Timings::start();
        let mut reusable = None;
        if let Some(last) = self.last.take() {
            let Outcome {
                workspace, model, ..
            } = last.analysis.outcome;
            let items = items_of(model, workspace.documents.len());
            self.files.keep(workspace, items);
            if last.analysis.today == today && !self.disk_changed {
                reusable = Some((last.per_pipeline, last.custom));
            }
        }
        self.disk_changed = false;
        let (workspace, delta) = self.files.assemble(overlay);
        timer.lap("files");
        self.stats = Stats {
            files_read: delta.read,
            pipelines_only: false,
        };
        let options = analysis::options(&self.root, today);
        let memo = &self.runbooks;
        let mut loaded = check::analyse_with(workspace, &options, Some(&self.root), &|w, m| {
            runbook_index(memo, w, m)
        })
        .map_err(|e| match e {
            check::CheckError::Fatal(message) => message,
            check::CheckError::InvalidPolicy(_) => "the policy is invalid".to_string(),
        })?;
        self.remember_runbooks(&loaded);
        let reuse = reusable.and_then(|(per_pipeline, custom)| {
            Reuse::new(per_pipeline, custom, &delta, &loaded.workspace)
        });
        self.stats.pipelines_only = reuse.is_some();
        let judged = judge(&mut loaded, today, reuse);
        timer.lap("rules");
        let (findings, summary) = check::conclude(&loaded, judged.findings);
        let Loaded {
            workspace,
            policy,
            judged: about,
            model,
            schedule,
            ..
        } = loaded;
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
            per_pipeline: judged.per_pipeline,
            custom: judged.custom,
        });
        Ok(&last.analysis)
    }

    fn remember_runbooks(&mut self, loaded: &Loaded) {
        let workspace = &loaded.workspace;
        for (i, p) in loaded.model.pipelines.iter().enumerate() {
            let (Some(runbook), Some(path)) = (&p.item.runbook, yaml_path(workspace, p.doc)) else {
                continue;
            };
            let known = self.runbooks.entry(path.to_path_buf()).or_default();
            if !known.contains_key(runbook) {
                let entry = (
                    loaded.runbooks.get(i).cloned(),
                    loaded.runbooks.path(i).map(Path::to_path_buf),
                );
                known.insert(runbook.clone(), entry);
            }
        }
    }
}

fn yaml_path(workspace: &Workspace, doc: DocId) -> Option<&Path> {
    let file = workspace.doc(doc)?.file;
    Some(workspace.files.get(file)?.path.as_path())
}

/// The runbook index, each pipeline's entry from `memo` where it is.
fn runbook_index(
    memo: &HashMap<PathBuf, HashMap<String, RunbookEntry>>,
    workspace: &Workspace,
    model: &Model,
) -> RunbookIndex {
    use rayon::prelude::*;
    let entries = model
        .pipelines
        .par_iter()
        .map(|p| {
            let runbook = p.item.runbook.as_deref();
            let known =
                runbook.and_then(|r| memo.get(yaml_path(workspace, p.doc)?)?.get(r).cloned());
            known.unwrap_or_else(|| RunbookIndex::entry(workspace, p.doc, runbook, &Disk))
        })
        .collect();
    RunbookIndex::from_entries(entries)
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

/// The findings of the last check that stay true, in the new workspace's
/// ids, and the documents to judge again.
struct Reuse {
    per_pipeline: Vec<Vec<Finding>>,
    custom: Vec<Finding>,
    /// Per document: whether its file was read again.
    fresh: Vec<bool>,
}

impl Reuse {
    /// `None` when the edit changed more than pipelines, or a kept finding
    /// points at something that is gone.
    fn new(
        per_pipeline: Vec<Vec<Finding>>,
        custom: Vec<Finding>,
        delta: &Delta,
        workspace: &Workspace,
    ) -> Option<Reuse> {
        let pipeline = |kind: &Option<Kind>| *kind == Some(Kind::Pipeline);
        let fresh: Vec<bool> = delta.old_doc.iter().map(Option::is_none).collect();
        let only_pipelines = delta.previous_docs > 0
            && delta.dropped.iter().all(pipeline)
            && workspace
                .documents
                .iter()
                .zip(&fresh)
                .all(|(d, fresh)| !fresh || pipeline(&d.kind));
        if !only_pipelines {
            return None;
        }
        let docs = delta.new_doc_ids();
        let files = delta.new_file_ids();
        let mut moved = |findings: Vec<Finding>| -> Option<Vec<Finding>> {
            let mut kept = Vec::with_capacity(findings.len());
            for mut f in findings {
                // About a pipeline that changed: judged again.
                if subject_doc(&f)
                    .and_then(|d| docs.get(d).copied().flatten())
                    .is_none()
                {
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
                kept.push(f);
            }
            Some(kept)
        };
        let per_pipeline = per_pipeline
            .into_iter()
            .map(&mut moved)
            .collect::<Option<Vec<_>>>()?;
        let custom = moved(custom)?;
        Some(Reuse {
            per_pipeline,
            custom,
            fresh,
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
    custom: Vec<Finding>,
}

/// The findings of every rule, reusing what `reuse` kept.
fn judge(loaded: &mut Loaded, today: NaiveDate, reuse: Option<Reuse>) -> Judged {
    let is_local = |rule: &Rule| PER_PIPELINE.contains(&rule.id);
    let mut by_rule: Vec<Vec<Finding>> = Vec::with_capacity(RULES.len());
    {
        let context = loaded.context(today);
        for rule in RULES {
            let run = reuse.is_none() || !is_local(rule);
            by_rule.push(match run {
                true => check::run_rule(&context, &loaded.policy, rule),
                false => Vec::new(),
            });
        }
    }
    let custom = match &reuse {
        None => check::run_custom_rules_on(&loaded.workspace, &loaded.policy, &|_| true),
        Some(r) => check::run_custom_rules_on(&loaded.workspace, &loaded.policy, &|d| {
            r.fresh.get(d).copied().unwrap_or(true)
        }),
    };
    let mut per_pipeline: Vec<Vec<Finding>> = Vec::with_capacity(PER_PIPELINE.len());
    match reuse {
        None => {
            for (rule, found) in RULES.iter().zip(&by_rule) {
                if is_local(rule) {
                    per_pipeline.push(about_pipelines(&loaded.workspace, found));
                }
            }
        }
        Some(reuse) => {
            let fresh = &reuse.fresh;
            let local: Vec<&Rule> = RULES.iter().copied().filter(|r| is_local(r)).collect();
            let found = run_restricted(loaded, today, &local, &|d| {
                fresh.get(d).copied().unwrap_or(true)
            });
            let mut kept = reuse.per_pipeline.into_iter();
            let mut found = found.into_iter();
            for (rule, slot) in RULES.iter().zip(by_rule.iter_mut()) {
                if !is_local(rule) {
                    continue;
                }
                let mut all = found.next().unwrap_or_default();
                all.extend(kept.next().unwrap_or_default());
                per_pipeline.push(about_pipelines(&loaded.workspace, &all));
                *slot = all;
            }
            let mut custom = custom;
            custom.extend(reuse.custom);
            return Judged {
                findings: by_rule
                    .into_iter()
                    .flatten()
                    .chain(custom.clone())
                    .collect(),
                per_pipeline,
                custom,
            };
        }
    }
    Judged {
        findings: by_rule
            .into_iter()
            .flatten()
            .chain(custom.clone())
            .collect(),
        per_pipeline,
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
    let mut others: Vec<(usize, Entry<Box<Pipeline>>)> = Vec::new();
    for (i, p) in all.into_iter().enumerate() {
        if keep(p.doc) {
            kept.push(i);
            loaded.model.pipelines.push(p);
        } else {
            others.push((i, p));
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
    let chosen = std::mem::take(&mut loaded.model.pipelines);
    let mut merged: Vec<(usize, Entry<Box<Pipeline>>)> = kept.into_iter().zip(chosen).collect();
    merged.extend(others);
    merged.sort_by_key(|(i, _)| *i);
    loaded.model.pipelines = merged.into_iter().map(|(_, p)| p).collect();
    found
}
