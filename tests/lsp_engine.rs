//! The language server's incremental engine gives what a check from scratch
//! gives: after random sequences of edits (buffers, files on disk, runbooks,
//! files created and deleted, the date), every diagnostic and every finding
//! is the same, byte for byte, as `analysis::analyse` on the same texts.
//! And the rules it judges one pipeline at a time do see one pipeline at a
//! time, on every fixture and example.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use steward::check::{self, CheckOptions};
use steward::document::{DocId, Kind};
use steward::finding::{Finding, Location};
use steward::load::root::{self, Root};
use steward::load::{LoadOptions, Overlay};
use steward::lsp::analysis::{self, Analysis};
use steward::lsp::engine::{self, Engine, Stats};
use steward::rules::{self, RULES};
use steward::source::Encoding;

const POLICY: &str = "\
apiVersion: steward/v1
kind: Policy
id: engine
extends: default
custom:
  - id: investor-sla
    severity: error
    message: Pipelines that report to investors must declare an SLA
    select: { kind: Pipeline, where: { audience: investors } }
    assert: { required: [sla] }
";

const TEAM: &str = "\
apiVersion: steward/v1
kind: Team
id: data-eng
name: Data Engineering
lead: priya
members:
  - id: john
    name: John Smith
    areas: [profit, engagement]
    roles: [pipeline-owner]
  - id: emily
    name: Emily Chen
    areas: [profit, growth]
    unavailable:
      - { from: 2026-06-29, to: 2026-07-03, reason: conference }
  - id: michael
    name: Michael Okafor
    areas: [growth, engagement]
  - id: david
    name: David Müller
    areas: [growth, profit]
  - id: priya
    name: Priya Raman
    areas: [engagement, profit, growth]
";

const PROFIT: &str = "\
# Profit: unit-level for experiments, aggregate for investors 🎂.
apiVersion: steward/v1
kind: Pipeline
id: unit-level-profit
name: Unit-level profit ✓
area: profit
audience: experiments
owners:
  primary: john
  secondary: michael  # steward: ignore[owner-expertise] Michael is learning
sla:
  warn_after: 24h
  alarm_after: 48h
  resolve_within: 1w
---
apiVersion: steward/v1
kind: Pipeline
id: aggregate-profit
name: Aggregate profit reported to investors
area: profit
audience: investors
owners: { primary: emily, secondary: david }
runbook: ../runbooks/aggregate-profit.md
sla: { warn_after: 48h, alarm_after: 24h, resolve_within: 1w }
escalation:
  after: 30m
  major_incident: priya
";

const GROWTH: &str = "\
apiVersion: steward/v1
kind: Pipeline
id: daily-growth
name: Daily growth for experiments
area: growth
audience: experiments
owners:
  primary: michael
  secondary: zoe
raci:
  responsible: team:data-eng/pipeline-owner
  accountable: priya
  informed: [david, emilly]
---
apiVersion: steward/v1
kind: Pipeline
id: aggregate-growth
name: Aggregate growth reported to investors
area: growth
audience: investors
owners: { primary: michael, secondary: david }
runbook: ../runbooks/aggregate-growth.md
on_call: { weekdays: [mon, tue, wed, thu, fri], hours: \"09:00-17:00\" }
";

const ENGAGEMENT: &str = "\
apiVersion: steward/v1
kind: Pipeline
id: aggregate-engagement
name: Aggregate engagement reported to investors
area: engagement
audience: investors
owners:
  primary: priya
  secondary: john
runbook: ../runbooks/aggregate-engagement.md
sla:
  warn_after: 24h
  resolve_within: 1w
";

const ROTATION: &str = "\
apiVersion: steward/v1
kind: Rotation
id: data-oncall
name: Data pipelines on-call
covers: [aggregate-profit, aggregate-growth, unit-level-profit, daily-growth]
coverage: { weekdays: [mon, tue, wed, thu], hours: \"09:00-17:00\" }
shift_length: 1w
start: 2026-06-01
until: 2026-10-05
roster: [john, emily, michael, david, priya]
holidays:
  calendar: acme
  min_engineers: 2
overrides:
  - { start: 2026-06-29, primary: priya, reason: \"Emily at a conference 🎤\" }
";

const HOLIDAYS: &str = "\
apiVersion: steward/v1
kind: Holidays
id: acme
name: ACME holidays
holidays:
  - { name: Independence Day, date: 07-04 }
  - { name: Labor Day, month: 9, weekday: mon, nth: 1 }
";

const NOTES: &str = "# Not steward's.\nkind: Deployment\nreplicas: 3\n";

const NEW_PIPELINE: &str = "\
apiVersion: steward/v1
kind: Pipeline
id: weekly-engagement
name: Weekly engagement
area: engagement
audience: internal
owners: { primary: john, secondary: priya }
";

const NEW_ROTATION: &str = "\
apiVersion: steward/v1
kind: Rotation
id: growth-oncall
covers: [aggregate-growth, aggregate-engagement]
shift_length: 1w
start: 2026-06-01
until: 2026-08-03
roster: [michael, david, priya, john]
";

const PROFIT_RUNBOOK: &str =
    "# Aggregate profit\n\n## Pipeline overview\n\nText.\n\n## Metrics monitored\n\nText.\n";
const GROWTH_RUNBOOK: &str = "# Aggregate growth\n\n## Pipeline overview\n\n## Metrics monitored\n\n## Common issues\n\n## Recovery procedures\n\n## Escalation path\n";

/// Every file the edits touch: the first ones exist at the start.
const FILES: &[(&str, Option<&str>)] = &[
    ("steward.yaml", Some(POLICY)),
    ("team.yaml", Some(TEAM)),
    ("pipelines/profit.yaml", Some(PROFIT)),
    ("pipelines/growth.yaml", Some(GROWTH)),
    ("pipelines/engagement.yaml", Some(ENGAGEMENT)),
    ("rotations/oncall.yaml", Some(ROTATION)),
    ("holidays.yaml", Some(HOLIDAYS)),
    ("notes.yaml", Some(NOTES)),
    ("pipelines/new.yaml", None),
    ("rotations/new.yaml", None),
];

/// What a file not on disk holds when created or opened.
fn new_text(file: usize) -> &'static str {
    if FILES[file].0.starts_with("rotations/") {
        NEW_ROTATION
    } else {
        NEW_PIPELINE
    }
}

const RUNBOOKS: &[(&str, &str)] = &[
    ("runbooks/aggregate-profit.md", PROFIT_RUNBOOK),
    ("runbooks/aggregate-growth.md", GROWTH_RUNBOOK),
];

/// Replacements that change meaning: ids, audiences, kinds, durations, paths.
const REPLACE: &[(&str, &str)] = &[
    ("emily", "zoe"),
    ("zoe", "emily"),
    ("investors", "internal"),
    ("experiments", "investors"),
    ("Pipeline", "Team"),
    ("Rotation", "Pipeline"),
    ("growth", "profit"),
    ("24h", "96h"),
    ("aggregate-profit.md", "missing.md"),
    ("steward/v1", "steward/v2"),
    ("john", "priya"),
    ("1w", "0w"),
    ("2026-10-05", "2026-06-15"),
    ("acme", "other"),
    ("michael  #", "michael #"),
    ("\n---\n", "\n"),
];

const CHARS: &[char] = &[
    'a', ' ', '\n', ':', '-', '#', 'é', '🎂', '"', '[', ']', '{', '}', '\t',
];

const LINES: &[&str] = &[
    "---\n",
    "  - id: zoe\n    name: Zoë Wang\n    areas: [profit]\n",
    "runbook: ../runbooks/aggregate-profit.md\n",
    "# steward: ignore[unknown-reference]\n",
    "---\napiVersion: steward/v1\nkind: Pipeline\nid: extra\nname: Extra\narea: profit\naudience: investors\nowners: { primary: john, secondary: zoe }\n",
    "apiVersion: steward/v1\n",
    "kind: Team\n",
    "id: aggregate-profit\n",
    "owners: { primary: emily, secondary: emily }\n",
    "sla: { warn_after: 1w, alarm_after: 1h }\n",
];

#[derive(Debug, Clone)]
enum Edit {
    /// The `nth` occurrence (modulo their count) of `REPLACE[pair].0`.
    Replace {
        pair: usize,
        nth: usize,
    },
    /// At `at` thousandths of the text.
    Insert {
        at: u16,
        char: usize,
    },
    Delete {
        at: u16,
        len: u8,
    },
    Line {
        at: u16,
        line: usize,
    },
}

#[derive(Debug, Clone)]
enum Op {
    /// Opens a file (a new one with text of its own); `revalidate` as the
    /// server does at an open, or not (precise notifications only).
    Open {
        file: usize,
        revalidate: bool,
    },
    Close {
        file: usize,
        revalidate: bool,
    },
    /// Edits a buffer (opening it first).
    Edit {
        file: usize,
        edit: Edit,
    },
    /// Saves a buffer to disk.
    Save {
        file: usize,
    },
    /// Edits a file on disk, reported as changed.
    Disk {
        file: usize,
        edit: Edit,
    },
    /// Creates a file on disk (if it is not there), reported.
    Create {
        file: usize,
    },
    /// Deletes a file (not steward.yaml), reported.
    Delete {
        file: usize,
    },
    /// Rewrites a runbook on disk, reported.
    Runbook {
        which: usize,
        sections: usize,
    },
    /// The next day.
    Tomorrow,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (0..REPLACE.len(), 0..4usize).prop_map(|(pair, nth)| Edit::Replace { pair, nth }),
        1 => (0..1000u16, 0..CHARS.len()).prop_map(|(at, char)| Edit::Insert { at, char }),
        1 => (0..1000u16, 1..12u8).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => (0..1000u16, 0..LINES.len()).prop_map(|(at, line)| Edit::Line { at, line }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let file = 0..FILES.len();
    prop_oneof![
        2 => (file.clone(), any::<bool>()).prop_map(|(file, revalidate)| Op::Open { file, revalidate }),
        1 => (file.clone(), any::<bool>()).prop_map(|(file, revalidate)| Op::Close { file, revalidate }),
        8 => (file.clone(), edit()).prop_map(|(file, edit)| Op::Edit { file, edit }),
        1 => file.clone().prop_map(|file| Op::Save { file }),
        2 => (file.clone(), edit()).prop_map(|(file, edit)| Op::Disk { file, edit }),
        1 => file.clone().prop_map(|file| Op::Create { file }),
        1 => (1..FILES.len()).prop_map(|file| Op::Delete { file }),
        1 => (0..RUNBOOKS.len(), 0..4usize).prop_map(|(which, sections)| Op::Runbook { which, sections }),
        1 => Just(Op::Tomorrow),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let at = |permille: u16| {
        let mut i = text.len() * usize::from(permille) / 1000;
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut out = text.to_string();
    match edit {
        Edit::Replace { pair, nth } => {
            let (from, to) = REPLACE[*pair];
            let found: Vec<usize> = text.match_indices(from).map(|(i, _)| i).collect();
            if !found.is_empty() {
                let i = found[nth % found.len()];
                out.replace_range(i..i + from.len(), to);
            }
        }
        Edit::Insert { at: p, char } => out.insert(at(*p), CHARS[*char]),
        Edit::Delete { at: p, len } => {
            let start = at(*p);
            let mut end = (start + usize::from(*len)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            out.replace_range(start..end, "");
        }
        Edit::Line { at: p, line } => {
            // At the start of the line holding the position.
            let start = text[..at(*p)].rfind('\n').map_or(0, |i| i + 1);
            out.insert_str(start, LINES[*line]);
        }
    }
    out
}

/// A workspace on disk, the editor's buffers, and the engine.
struct Session {
    _dir: tempfile::TempDir,
    root: Root,
    engine: Engine,
    overlay: Overlay,
    today: NaiveDate,
}

impl Session {
    fn new() -> Session {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = std::fs::canonicalize(dir.path()).expect("canonical");
        for (name, text) in FILES {
            if let Some(text) = text {
                write(&path.join(name), text);
            }
        }
        for (name, text) in RUNBOOKS {
            write(&path.join(name), text);
        }
        let root = root::discover(&path);
        Session {
            engine: Engine::new(root.clone()),
            root,
            _dir: dir,
            overlay: Overlay::new(),
            today: common::today(),
        }
    }

    fn path(&self, file: usize) -> PathBuf {
        self.root.dir.join(FILES[file].0)
    }

    fn disk_text(&self, file: usize) -> Option<String> {
        std::fs::read_to_string(self.path(file)).ok()
    }

    fn open(&mut self, file: usize) {
        let path = self.path(file);
        if !self.overlay.contains_key(&path) {
            let text = self
                .disk_text(file)
                .unwrap_or_else(|| new_text(file).to_string());
            self.overlay.insert(path, text);
        }
    }

    fn run(&mut self, op: &Op) {
        match op {
            Op::Open { file, revalidate } => {
                self.open(*file);
                if *revalidate {
                    self.engine.revalidate();
                }
            }
            Op::Close { file, revalidate } => {
                self.overlay.remove(&self.path(*file));
                if *revalidate {
                    self.engine.revalidate();
                }
            }
            Op::Edit { file, edit } => {
                self.open(*file);
                let path = self.path(*file);
                let text = apply(&self.overlay[&path], edit);
                self.overlay.insert(path, text);
            }
            Op::Save { file } => {
                let path = self.path(*file);
                if let Some(text) = self.overlay.get(&path) {
                    write(&path, text);
                    self.engine.changed_on_disk(&path);
                    self.engine.created_or_deleted();
                }
            }
            Op::Disk { file, edit } => {
                if let Some(text) = self.disk_text(*file) {
                    let path = self.path(*file);
                    write(&path, &apply(&text, edit));
                    self.engine.changed_on_disk(&path);
                }
            }
            Op::Create { file } => {
                let path = self.path(*file);
                if !path.exists() {
                    write(&path, new_text(*file));
                    self.engine.changed_on_disk(&path);
                    self.engine.created_or_deleted();
                }
            }
            Op::Delete { file } => {
                let path = self.path(*file);
                if std::fs::remove_file(&path).is_ok() {
                    self.engine.changed_on_disk(&path);
                    self.engine.created_or_deleted();
                }
            }
            Op::Runbook { which, sections } => {
                let (name, text) = RUNBOOKS[*which];
                let path = self.root.dir.join(name);
                let kept: Vec<&str> = text.split("\n## ").take(sections + 1).collect();
                write(&path, &kept.join("\n## "));
                self.engine.changed_on_disk(&path);
            }
            Op::Tomorrow => self.today = self.today + Days::new(1),
        }
    }

    /// Updates the engine and checks from scratch; both as text.
    fn compare(&mut self) -> (String, String) {
        let fresh = analysis::analyse(&self.root, &self.overlay, self.today);
        let incremental = self.engine.update(&self.overlay, self.today);
        (shown(incremental.ok()), shown(fresh.as_ref().ok()))
    }
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// Everything a client and a report see of a check: the diagnostics of
/// every file (JSON, as sent) and every finding, suppressed ones too, with
/// its file, positions, labels, fix and fingerprint.
fn shown(analysis: Option<&Analysis>) -> String {
    let Some(analysis) = analysis else {
        return "the check failed".to_string();
    };
    let uri = |path: &Path| -> lsp_types::Uri {
        format!("file://{}", path.display())
            .parse()
            .expect("a file URI")
    };
    let diagnostics: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> =
        analysis.diagnostics(Encoding::Utf16, &uri);
    let mut out = serde_json::to_string_pretty(&diagnostics).expect("json");
    for finding in &analysis.outcome.findings {
        out.push_str(&format!("\n{finding:?}"));
    }
    out.push_str(&format!("\n{:?}", analysis.outcome.summary));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn incremental_diagnostics_are_those_of_a_fresh_check(
        ops in proptest::collection::vec(op(), 1..24)
    ) {
        let mut session = Session::new();
        let (incremental, fresh) = session.compare();
        prop_assert_eq!(incremental, fresh, "at the start");
        for (step, op) in ops.iter().enumerate() {
            session.run(op);
            let (incremental, fresh) = session.compare();
            prop_assert_eq!(incremental, fresh, "after step {}: {:?}", step, op);
        }
    }
}

/// The property above would hold trivially if the engine never reused
/// anything: an edit of a pipeline reads one file and judges the changed
/// pipelines only; an edit of a team judges everything; both agree with a
/// fresh check.
#[test]
fn an_edit_of_a_pipeline_reads_one_file_and_judges_its_pipelines_only() {
    let mut session = Session::new();
    let same = |s: &mut Session| {
        let (incremental, fresh) = s.compare();
        assert_eq!(incremental, fresh);
    };
    same(&mut session);
    assert!(!session.engine.stats().pipelines_only);
    // Opening a file as it is on disk reads it (from the buffer), nothing else.
    session.run(&Op::Open {
        file: 3,
        revalidate: false,
    });
    same(&mut session);
    assert_eq!(
        session.engine.stats(),
        Stats {
            files_read: 1,
            pipelines_only: true,
            schedule_kept: true,
        }
    );
    // `zoe` -> `emily` clears an unknown reference.
    let messages = |s: &Session| -> Vec<String> {
        s.engine
            .analysis()
            .map(|a| {
                a.outcome
                    .findings
                    .iter()
                    .map(|f| f.message.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let unknown =
        "secondary owner of pipeline `daily-growth` is `zoe`, but no member `zoe` is defined";
    assert!(messages(&session).iter().any(|m| m == unknown));
    session.run(&Op::Edit {
        file: 3,
        edit: Edit::Replace { pair: 1, nth: 0 },
    });
    same(&mut session);
    assert_eq!(
        session.engine.stats(),
        Stats {
            files_read: 1,
            pipelines_only: true,
            schedule_kept: true,
        }
    );
    assert!(
        !messages(&session).iter().any(|m| m == unknown),
        "{:#?}",
        messages(&session)
    );
    // A second document in the file shifts every later document's id:
    // the findings kept move, the schedule (which holds ids) is built again.
    session.run(&Op::Edit {
        file: 3,
        edit: Edit::Line { at: 1000, line: 4 },
    });
    same(&mut session);
    assert!(messages(&session).iter().any(|m| m.contains("`extra`")));
    assert_eq!(
        session.engine.stats(),
        Stats {
            files_read: 1,
            pipelines_only: true,
            schedule_kept: false,
        }
    );
    // A team: every rule runs.
    session.run(&Op::Edit {
        file: 1,
        edit: Edit::Replace { pair: 0, nth: 0 },
    });
    same(&mut session);
    assert_eq!(
        session.engine.stats(),
        Stats {
            files_read: 1,
            pipelines_only: false,
            schedule_kept: false,
        }
    );
    // Nothing changed: nothing is read, everything kept.
    same(&mut session);
    assert_eq!(
        session.engine.stats(),
        Stats {
            files_read: 0,
            pipelines_only: true,
            schedule_kept: true,
        }
    );
    // A runbook changed on disk: no finding is kept.
    session.run(&Op::Runbook {
        which: 0,
        sections: 1,
    });
    same(&mut session);
    assert_eq!(
        session.engine.stats(),
        Stats {
            files_read: 0,
            pipelines_only: false,
            schedule_kept: true,
        }
    );
}

/// Every fixture and example workspace.
fn workspaces() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for base in [
        common::repo().join("fixtures"),
        common::repo().join("examples"),
    ] {
        for dir in walk_dirs(&base) {
            if dir.join("steward.yaml").is_file() {
                out.push(dir);
            }
        }
    }
    out.sort();
    out
}

fn walk_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for entry in entries {
        out.extend(walk_dirs(&entry));
    }
    out
}

fn about(finding: &Finding) -> Option<DocId> {
    match finding.location {
        Location::Node { doc, .. } | Location::Key { doc, .. } => Some(doc),
        Location::Span { .. } => None,
    }
}

/// What `engine::WITHOUT_PIPELINES` promises, on every fixture: the rules
/// report the same with no pipeline in the model.
#[test]
fn rules_without_pipelines_do_not_look_at_them() {
    let rules: Vec<&rules::Rule> = RULES
        .iter()
        .copied()
        .filter(|r| engine::WITHOUT_PIPELINES.contains(&r.id))
        .collect();
    assert_eq!(
        rules.len(),
        engine::WITHOUT_PIPELINES.len(),
        "unknown rule ids"
    );
    let mut judged = 0;
    for dir in workspaces() {
        let options = CheckOptions {
            paths: vec![dir.clone()],
            policy: None,
            today: common::today(),
            load: LoadOptions::default(),
        };
        let Ok(mut loaded) = check::load(&options) else {
            continue;
        };
        let full: Vec<Vec<String>> = {
            let context = loaded.context(options.today);
            rules
                .iter()
                .map(|r| {
                    let found = check::run_rule(&context, &loaded.policy, r);
                    judged += found.len();
                    found.iter().map(|f| format!("{f:?}")).collect()
                })
                .collect()
        };
        let none = engine::run_restricted(&mut loaded, options.today, &rules, &|_| false);
        for ((rule, full), none) in rules.iter().zip(full).zip(none) {
            let none: Vec<String> = none.iter().map(|f| format!("{f:?}")).collect();
            assert_eq!(none, full, "{} in {}", rule.id, dir.display());
        }
    }
    assert!(judged > 50, "the fixtures exercise the rules: {judged}");
}

/// What `engine::PER_PIPELINE` promises, on every fixture: a rule run with
/// no pipeline in the model reports exactly what it reports about anything
/// but a pipeline; with one pipeline, that and exactly what it reports about
/// that pipeline.
#[test]
fn per_pipeline_rules_see_one_pipeline_at_a_time() {
    let rules: Vec<&rules::Rule> = RULES
        .iter()
        .copied()
        .filter(|r| engine::PER_PIPELINE.contains(&r.id))
        .collect();
    assert_eq!(rules.len(), engine::PER_PIPELINE.len(), "unknown rule ids");
    let workspaces = workspaces();
    assert!(workspaces.len() > 60, "{workspaces:?}");
    let mut judged = 0;
    for dir in workspaces {
        let options = CheckOptions {
            paths: vec![dir.clone()],
            policy: None,
            today: common::today(),
            load: LoadOptions::default(),
        };
        let Ok(mut loaded) = check::load(&options) else {
            continue;
        };
        let shown =
            |list: &[Finding]| -> Vec<String> { list.iter().map(|f| format!("{f:?}")).collect() };
        let full: Vec<Vec<Finding>> = {
            let context = loaded.context(options.today);
            rules
                .iter()
                .map(|r| check::run_rule(&context, &loaded.policy, r))
                .collect()
        };
        let is_pipeline = |doc: DocId| {
            loaded
                .workspace
                .doc(doc)
                .is_some_and(|d| d.kind == Some(Kind::Pipeline))
        };
        let pipelines: Vec<DocId> = loaded.model.pipelines.iter().map(|p| p.doc).collect();
        let expected = |rule: usize, only: Option<DocId>| -> Vec<String> {
            let kept: Vec<Finding> = full[rule]
                .iter()
                .filter(|f| match about(f) {
                    Some(doc) if is_pipeline(doc) => Some(doc) == only,
                    _ => true,
                })
                .cloned()
                .collect();
            shown(&kept)
        };
        let expected: Vec<Vec<Vec<String>>> = (0..rules.len())
            .map(|r| {
                std::iter::once(expected(r, None))
                    .chain(pipelines.iter().map(|p| expected(r, Some(*p))))
                    .collect()
            })
            .collect();
        let none = engine::run_restricted(&mut loaded, options.today, &rules, &|_| false);
        for (r, found) in none.iter().enumerate() {
            assert_eq!(
                shown(found),
                expected[r][0],
                "{} with no pipeline in {}",
                rules[r].id,
                dir.display()
            );
        }
        for (i, p) in pipelines.iter().enumerate() {
            let one = engine::run_restricted(&mut loaded, options.today, &rules, &|d| d == *p);
            for (r, found) in one.iter().enumerate() {
                assert_eq!(
                    shown(found),
                    expected[r][i + 1],
                    "{} with pipeline document {p} only in {}",
                    rules[r].id,
                    dir.display()
                );
                judged += found.len();
            }
        }
        // The model is as it was.
        let after: Vec<DocId> = loaded.model.pipelines.iter().map(|p| p.doc).collect();
        assert_eq!(after, pipelines);
    }
    assert!(judged > 100, "the fixtures exercise the rules: {judged}");
}
