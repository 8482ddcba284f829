//! Walks the rule registry: every rule fires on `fixtures/<id>/fail` and stays
//! silent on `fixtures/<id>/pass`; the failing findings are snapshotted with
//! their exact positions.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use steward::rules::RULES;

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    let root = common::repo();
    std::env::set_current_dir(&root).expect("cd to the repository");
    for rule in RULES {
        let fail = common::fixture(&format!("{}/fail", rule.id));
        let pass = common::fixture(&format!("{}/pass", rule.id));
        assert!(fail.is_dir(), "missing fixture {}", fail.display());
        assert!(pass.is_dir(), "missing fixture {}", pass.display());
        // More cases of a rule: `fail-CASE` fires, `pass-CASE` stays silent.
        for (name, dir) in cases(rule.id) {
            let relative = dir.strip_prefix(&root).unwrap().to_path_buf();
            if name == "fail" || name.starts_with("fail-") {
                let snapshot = match name.strip_prefix("fail-") {
                    Some(case) => format!("fail__{}__{case}", rule.id),
                    None => format!("fail__{}", rule.id),
                };
                let text = fired(rule.id, &relative);
                insta::assert_snapshot!(snapshot, text);
            } else if name == "pass" || name.starts_with("pass-") {
                assert_silent(rule.id, &relative);
            } else {
                panic!(
                    "fixtures/{}/{name} is neither a pass nor a fail case",
                    rule.id
                );
            }
        }
    }
}

/// The fixture directories of a rule, sorted by name.
fn cases(rule: &str) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(common::fixture(rule))
        .expect("fixture directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        // `base/` is the revision a `--base` rule compares with, not a case.
        .filter(|e| e.file_name() != "base")
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

/// The findings on a fixture (relative to the repository). A rule that
/// compares with a base revision (`--base`) has the files of that revision in
/// `fixtures/<rule>/base`: it must be silent without a base, and is judged
/// with `base` committed to a git repository and the fixture in its work tree.
fn judged(rule: &str, relative: &Path) -> Vec<steward::report::ResolvedFinding> {
    let base = common::fixture(&format!("{rule}/base"));
    if !base.is_dir() {
        return common::check_paths(&[relative.to_path_buf()]).findings;
    }
    let alone = common::check_paths(&[relative.to_path_buf()]);
    assert!(
        alone.findings.iter().all(|f| f.rule != rule),
        "`{rule}` fired on {} without a base",
        relative.display()
    );
    let dir = common::repo().join(relative);
    let repo = common::repo_with_base(&base, &dir);
    let real = std::fs::canonicalize(repo.path()).expect("canonical");
    // Reports show the temporary repository relative to the current
    // directory (`../../tmp…` or absolute): show the fixture's path instead.
    let cwd = std::fs::canonicalize(std::env::current_dir().expect("cwd")).expect("cwd");
    let prefix = format!("{}/", steward::load::display_path(&real, &cwd));
    let shown = |path: &str| path.replace(&prefix, &format!("{}/", relative.display()));
    common::check_with_base(std::slice::from_ref(&real), "HEAD")
        .findings
        .into_iter()
        .map(|mut f| {
            f.path = shown(&f.path);
            for l in &mut f.labels {
                l.path = shown(&l.path);
            }
            f
        })
        .collect()
}

/// The rule's findings on a failing fixture, as snapshotted: positions,
/// message, labels and help — all of it is what users read.
fn fired(rule: &str, fixture: &Path) -> String {
    let failing = judged(rule, fixture);
    let own: Vec<_> = failing
        .iter()
        .filter(|f| f.rule == rule && f.suppressed.is_none())
        .collect();
    assert!(
        !own.is_empty(),
        "`{rule}` did not fire on {}",
        fixture.display()
    );
    own.iter()
        .map(|f| {
            let mut out = format!(
                "{}:{}:{}-{}:{}: {} {}\n",
                f.path,
                f.start.line,
                f.start.column,
                f.end.line,
                f.end.column,
                f.severity,
                f.message
            );
            if let Some(label) = &f.label {
                out.push_str(&format!("    label: {label}\n"));
            }
            if let Some(subject) = &f.subject {
                out.push_str(&format!("    subject: {subject}\n"));
            }
            for l in &f.labels {
                out.push_str(&format!(
                    "    at {}:{}:{}: {}\n",
                    l.path, l.start.line, l.start.column, l.message
                ));
            }
            if let Some(help) = &f.help {
                out.push_str(&format!("    help: {help}\n"));
            }
            if let Some(fix) = &f.fix {
                out.push_str(&format!(
                    "    fix ({}): {}\n",
                    fix.safety.as_str(),
                    fix.title
                ));
            }
            out
        })
        .collect()
}

fn assert_silent(rule: &str, fixture: &Path) {
    let passing = judged(rule, fixture);
    let noise: Vec<_> = passing
        .iter()
        .filter(|f| f.rule == rule && f.suppressed.is_none())
        .map(|f| {
            format!(
                "{}:{}:{} {}",
                f.path, f.start.line, f.start.column, f.message
            )
        })
        .collect();
    assert!(
        noise.is_empty(),
        "`{rule}` fired on {}: {noise:#?}",
        fixture.display()
    );
}

#[test]
fn every_fixture_directory_belongs_to_a_rule() {
    let registered: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    for entry in std::fs::read_dir(common::repo().join("fixtures")).expect("fixtures/") {
        let entry = entry.expect("entry");
        if !entry.file_type().expect("type").is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "hostile" || name == "workspace" {
            continue;
        }
        assert!(
            registered.contains(name.as_str()),
            "fixtures/{name} matches no rule"
        );
    }
}

#[test]
fn every_rule_is_documented() {
    for rule in RULES {
        for section in ["## What it checks", "## Why", "## Example", "## How to fix"] {
            assert!(
                rule.explanation.contains(section),
                "`{}` lacks `{section}`",
                rule.id
            );
        }
        assert!(
            !rule.summary.is_empty() && !rule.summary.ends_with('.'),
            "{}",
            rule.id
        );
        let kebab = rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        assert!(kebab, "{} is not kebab-case", rule.id);
    }
}

/// QA D3: `x-` keys are the user's in every nested mapping (owners, raci,
/// sla, escalation, leave, shifts, overrides, a rotation's holidays, a
/// calendar's holidays): the schema takes them and the typed model reads
/// each document as if they were not there.
#[test]
fn extension_keys_in_nested_mappings_change_nothing_steward_reads() {
    use steward::check::{self, CheckOptions};
    use steward::load::LoadOptions;

    let options = CheckOptions {
        paths: vec![common::fixture("schema/pass-extension-keys")],
        policy: None,
        today: common::today(),
        load: LoadOptions::default(),
    };
    let loaded = match check::load(&options) {
        Ok(loaded) => loaded,
        Err(e) => panic!("load: {e:?}"),
    };
    let messages: Vec<&str> = loaded
        .schema
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(messages.is_empty(), "{messages:?}");
    assert!(loaded.schema.valid.iter().all(|v| *v));
    let model = &loaded.model;

    let [team] = model.teams.as_slice() else {
        panic!("one team: {:?}", model.teams.len())
    };
    let ann = team.item.members.iter().find(|m| m.id == "ann");
    let leave: Vec<String> = ann
        .map(|m| {
            m.unavailable
                .iter()
                .map(|l| format!("{} {}", l.from, l.to))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(leave, ["2026-01-19 2026-01-25"]);

    let [pipeline] = model.pipelines.as_slice() else {
        panic!("one pipeline: {:?}", model.pipelines.len())
    };
    let p = &pipeline.item;
    assert!(p.raci.as_ref().is_some_and(|r| r.accountable.is_some()));
    let sla = p.sla.as_ref().expect("sla is read");
    assert_eq!(sla.warn_after.map(|d| d.minutes()), Some(24 * 60));
    assert_eq!(sla.alarm_after.map(|d| d.minutes()), Some(48 * 60));
    let escalation = p.escalation.as_deref().expect("escalation is read");
    assert_eq!(escalation.after.minutes(), 30);
    assert!(escalation.major_incident.is_some());
    // Windows read as written, their `x-` keys left out.
    let on_call = p.on_call_written.as_deref().expect("on_call is read");
    let spec = on_call.window().map(|w| w.spec).expect("a window");
    assert_eq!(spec.hours.as_deref(), Some("09:00-17:00"));
    assert_eq!(spec.weekdays.map(|d| d.len()), Some(5));
    assert_eq!(spec.month_days, None);
    assert!(on_call.zone().is_some(), "time_zone is read");

    let [rotation] = model.rotations.as_slice() else {
        panic!("one rotation: {:?}", model.rotations.len())
    };
    let r = &rotation.item;
    assert_eq!(r.shifts.as_ref().map(Vec::len), Some(3));
    let coverage = r.coverage.as_ref().expect("coverage is read");
    assert_eq!(coverage.spec.weekdays.as_ref().map(Vec::len), Some(5));
    assert!(!coverage.is_always());
    assert_eq!(r.overrides.len(), 1);
    let holidays = r.holidays.as_ref().expect("holidays are read");
    assert_eq!(
        (holidays.calendar.as_str(), holidays.min_engineers),
        ("company", Some(1))
    );
    let [calendar] = model.calendars.as_slice() else {
        panic!("one calendar: {:?}", model.calendars.len())
    };
    assert_eq!(calendar.item.holidays.len(), 2);

    // Expanded: the shifts' people, the override on top, the holiday.
    let rs = loaded.schedule.rotations.first().expect("expanded");
    let shifts: Vec<String> = rs
        .shifts
        .iter()
        .map(|s| {
            let secondary = s.secondary.as_ref().map(|a| a.person.to_string());
            format!(
                "{} {} {}",
                s.start,
                s.primary.person,
                secondary.unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        shifts,
        [
            "2026-01-05 ann bob",
            "2026-01-12 bob cem",
            "2026-01-19 cem bob"
        ]
    );
    let holiday_names: Vec<&str> = rs.holidays.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(holiday_names, ["Founders Day"]);
}
