//! `steward check`, end to end: load -> schema -> policy -> model -> schedule ->
//! rules -> suppressions -> resolved, sorted findings.

use std::borrow::Cow;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::Map;

use crate::finding::{Diagnostic, Finding, Location, Severity};
use crate::load::{self, LoadOptions};
use crate::model::{self, Model};
use crate::policy::{self, Policy};
use crate::report::{self, ResolvedFinding, RuleInfo, Summary};
use crate::rules::{self, Context, Params, RULES};
use crate::runbook::RunbookIndex;
use crate::schedule::{self, Schedule};
use crate::schema::{self, SchemaReport};
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
}

impl Outcome {
    pub fn report(&self) -> report::Report<'_> {
        report::Report {
            files: &self.workspace.files,
            findings: self.findings.clone(),
            summary: self.summary,
            rules: rule_catalog(&self.policy),
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
        severity: Some(c.severity),
    });
    builtin.chain(custom).collect()
}

/// Loads the workspace and the model, without running rules.
pub struct Loaded {
    pub workspace: Workspace,
    pub schema: SchemaReport,
    pub policy: Policy,
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
        }
    }
}

pub fn load(options: &CheckOptions) -> Result<Loaded, CheckError> {
    let timer = Timings::start();
    let workspace =
        load::load(&options.paths, &options.load).map_err(|e| CheckError::Fatal(e.0))?;
    timer.lap("load");
    analyse(workspace, options)
}

/// Per-stage wall times on stderr when `STEWARD_TIMINGS` is set: for profiling
/// and BENCHMARKS.md, off by default.
pub struct Timings {
    enabled: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timings {
    pub fn start() -> Self {
        Timings {
            enabled: std::env::var_os("STEWARD_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    pub fn lap(&self, stage: &str) {
        if self.enabled {
            let now = std::time::Instant::now();
            let elapsed = now - self.last.replace(now);
            eprintln!(
                "steward: {stage:<10} {:>8.2} ms",
                elapsed.as_secs_f64() * 1000.0
            );
        }
    }
}

/// Everything after reading files: schema, policy, model, schedule.
pub fn analyse(mut workspace: Workspace, options: &CheckOptions) -> Result<Loaded, CheckError> {
    let timer = Timings::start();
    // Documents were validated and deserialised while their files loaded.
    let items = std::mem::take(&mut workspace.items);
    let mut schema = schema::report(&workspace);
    let policy = match &options.policy {
        Some(path) => policy_file(path, &options.load)?,
        None => workspace_policy(&workspace, &mut schema)?,
    };
    let model = model::build(&workspace.documents, items);
    timer.lap("model");
    let schedule = schedule::build(&model);
    timer.lap("schedule");
    let runbooks = RunbookIndex::build(&workspace, &model);
    timer.lap("runbooks");
    Ok(Loaded {
        workspace,
        schema,
        policy,
        model,
        schedule,
        runbooks,
    })
}

pub fn check(options: &CheckOptions) -> Result<Outcome, CheckError> {
    check_loaded(load(options)?, options)
}

/// Checks an already loaded workspace (`load::load_sources` for in-memory files).
pub fn check_workspace(
    workspace: Workspace,
    options: &CheckOptions,
) -> Result<Outcome, CheckError> {
    check_loaded(analyse(workspace, options)?, options)
}

fn check_loaded(loaded: Loaded, options: &CheckOptions) -> Result<Outcome, CheckError> {
    let timer = Timings::start();
    let mut findings = run_rules(&loaded.context(options.today), &loaded.policy);
    findings.extend(run_custom_rules(&loaded.workspace, &loaded.policy));
    timer.lap("rules");
    let Loaded {
        workspace,
        policy,
        model,
        schedule,
        ..
    } = loaded;
    let (resolved, summary) = finish(&workspace, &policy, findings);
    timer.lap("report");
    Ok(Outcome {
        workspace,
        model,
        schedule,
        policy,
        findings: resolved,
        summary,
    })
}

pub fn run_rules(context: &Context<'_>, policy: &Policy) -> Vec<Finding> {
    let empty = Map::new();
    let mut findings = Vec::new();
    for rule in RULES {
        let setting = policy.setting(rule.id);
        let Some(severity) = setting.and_then(|s| s.severity) else {
            continue;
        };
        let params = Params::new(setting.map_or(&empty, |s| &s.params));
        let mut diagnostics = Vec::new();
        let timer = Timings::start();
        (rule.check)(context, &params, &mut diagnostics);
        timer.lap(rule.id);
        findings.extend(
            diagnostics
                .into_iter()
                .map(|d| d.into_finding(Cow::Borrowed(rule.id), severity)),
        );
    }
    findings
}

fn run_custom_rules(workspace: &Workspace, policy: &Policy) -> Vec<Finding> {
    let mut findings = Vec::new();
    if policy.custom.is_empty() {
        return findings;
    }
    // Values are not kept after loading: parse the selected kinds again.
    let kinds: Vec<Kind> = policy.custom.iter().map(|c| c.kind).collect();
    let values = load::document_values(workspace, &kinds);
    for rule in &policy.custom {
        for (doc_id, _) in workspace.documents_of(rule.kind) {
            let Some(value) = values.get(&doc_id) else {
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
                findings.push(d.into_finding(Cow::Owned(rule.id.clone()), rule.severity));
            }
        }
    }
    findings
}

/// Applies suppressions, adds `unused-ignore`, resolves locations, sorts and counts.
fn finish(
    workspace: &Workspace,
    policy: &Policy,
    findings: Vec<Finding>,
) -> (Vec<ResolvedFinding>, Summary) {
    let mut suppressions = Suppressions::new(
        workspace
            .files
            .iter()
            .enumerate()
            .flat_map(|(id, file)| suppress::collect(id, file, &workspace.comments[id]))
            .collect(),
    );
    let mut resolved = Vec::with_capacity(findings.len());
    for finding in findings {
        let line = workspace
            .span_of(&finding.location)
            .and_then(|(file, span)| {
                Some((file, workspace.files.get(file)?.line_col(span.start).line))
            });
        let suppressed =
            line.and_then(|(file, line)| suppressions.matches(file, line, &finding.rule));
        resolved.extend(report::resolve(workspace, finding, suppressed));
    }
    if let Some(severity) = policy.severity(rules::unused_ignore::RULE.id) {
        let unused = suppressions.unused(
            |id| policy.is_known_rule(id),
            |id| policy.severity(id).is_some(),
        );
        for d in unused {
            let finding = d.into_finding(Cow::Borrowed(rules::unused_ignore::RULE.id), severity);
            resolved.extend(report::resolve(workspace, finding, None));
        }
    }
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

/// The workspace's Policy document, if any; schema problems of it and a second
/// Policy are reported as `schema` findings and the default policy applies.
fn workspace_policy(
    workspace: &Workspace,
    schema: &mut SchemaReport,
) -> Result<Policy, CheckError> {
    let mut chosen: Option<Policy> = None;
    let mut first: Option<usize> = None;
    for (doc_id, doc) in workspace.documents_of(Kind::Policy) {
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
                .help("merge the two policies, or pass the one you want with --policy"),
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
            chosen = Some(policy);
        }
    }
    match chosen {
        Some(p) => Ok(p),
        None => Policy::builtin("default").map_err(CheckError::Fatal),
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
