//! Baselines (SPEC §12): `--write-baseline FILE` records the current
//! findings, `--baseline FILE` hides the findings it records, so a team can
//! adopt steward on a repository that already has findings and see only new
//! ones.
//!
//! Findings are keyed by their fingerprint (`report::fingerprint`: rule,
//! file, document, JSON pointer, message; never a line), with a count for
//! findings that share one: a baseline survives lines moving, and a second
//! finding of the same kind in the same place is still reported. The file is
//! small, versioned JSON, sorted, byte-identical for the same findings, and
//! written atomically (a temporary file in the same directory, renamed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::git;
use crate::load::root;
use crate::report::fingerprint::{Counts, Fingerprint};
use crate::report::{BaselineCounts, Known, Report, ResolvedFinding};

/// The version of the file format this steward reads and writes.
pub const VERSION: u32 = 1;

/// One fingerprint of the baseline. `file`, `rule` and `message` are for
/// the people reading the file (and for the stale-entry count's scope);
/// matching uses the fingerprint alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the repository root, as SARIF and fingerprints use it.
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub message: String,
    pub fingerprint: Fingerprint,
    /// How many findings share the fingerprint.
    #[serde(default = "one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// The unsuppressed findings of a report, grouped by fingerprint.
    pub fn record(findings: &[ResolvedFinding]) -> Baseline {
        let mut grouped: BTreeMap<Fingerprint, Entry> = BTreeMap::new();
        for f in findings.iter().filter(|f| f.suppressed.is_none()) {
            grouped
                .entry(f.fingerprint)
                .and_modify(|e| e.count += 1)
                .or_insert_with(|| Entry {
                    file: f.repo_path.clone(),
                    rule: f.rule.clone(),
                    message: f.message.clone(),
                    fingerprint: f.fingerprint,
                    count: 1,
                });
        }
        let mut entries: Vec<Entry> = grouped.into_values().collect();
        sort(&mut entries);
        Baseline { entries }
    }

    /// This recording of a run over `scope`, with `previous`'s entries for
    /// files outside it kept: re-recording one directory leaves the rest of
    /// the baseline as it was (that part was not judged). Sorted as
    /// [`Baseline::record`] sorts.
    pub fn keeping_outside(mut self, previous: &Baseline, scope: &Scope) -> Baseline {
        self.entries.extend(
            previous
                .entries
                .iter()
                .filter(|e| !scope.contains(&e.file))
                .cloned(),
        );
        sort(&mut self.entries);
        self
    }

    /// Findings recorded, each occurrence counted.
    pub fn findings(&self) -> usize {
        self.entries.iter().map(|e| e.count).sum()
    }

    /// The file's text: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let file = File {
            version: VERSION,
            findings: self.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Parses a baseline file's text; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("it is not JSON ({e})"))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "it has version {v}, and this steward reads version {VERSION}: rerun --write-baseline"
                ))
            }
            None => {
                return Err(
                    "it has no `version`: it is not a baseline written by steward --write-baseline"
                        .to_string(),
                )
            }
        }
        let file: File = serde_json::from_value(value)
            .map_err(|e| format!("it is not a steward baseline ({e})"))?;
        Ok(Baseline {
            entries: file.findings,
        })
    }

    /// Reads `--baseline FILE`.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "cannot read baseline `{}`: {}",
                path.display(),
                match e.kind() {
                    std::io::ErrorKind::NotFound =>
                        "no such file (write one with --write-baseline)".to_string(),
                    _ => e.to_string(),
                }
            )
        })?;
        Baseline::parse(&text).map_err(|e| format!("cannot use baseline `{}`: {e}", path.display()))
    }

    /// Writes `--write-baseline FILE` atomically.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        crate::edit::replace(path, self.to_json().as_bytes()).map_err(|e| format!("baseline: {e}"))
    }

    /// Hides the findings the baseline records (each occurrence once) and
    /// counts, among the entries whose file lies under `scope`, those no
    /// finding matched.
    pub fn apply(&self, report: &mut Report<'_>, scope: &Scope) {
        let mut counts = Counts::new();
        for e in &self.entries {
            counts.add(e.fingerprint, e.count);
        }
        let hidden = report.hide_known(&mut counts, Known::Baseline);
        let stale = self
            .entries
            .iter()
            .filter(|e| scope.contains(&e.file))
            .map(|e| counts.get(e.fingerprint))
            .sum();
        report.summary.baseline = Some(BaselineCounts { hidden, stale });
    }
}

/// The file's order: by file, rule, message, fingerprint.
fn sort(entries: &mut [Entry]) {
    entries.sort_by(|a, b| {
        (&a.file, &a.rule, &a.message, a.fingerprint).cmp(&(
            &b.file,
            &b.rule,
            &b.message,
            b.fingerprint,
        ))
    });
}

/// What a run checked, as repository-relative paths: a baseline entry
/// outside it was not judged, so it is not stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Everything,
    Under(Vec<String>),
}

impl Scope {
    /// The PATHs of a run, relative to their repository (or workspace root).
    pub fn of(paths: &[PathBuf], isolated: bool) -> Scope {
        if isolated {
            return Scope::Everything;
        }
        let mut prefixes = Vec::new();
        for path in paths {
            // The root as the check finds it: along the PATH as written.
            let Ok(located) = root::locate(path) else {
                return Scope::Everything;
            };
            match root::relative(&located.asked, located.root.repository_or_root()) {
                Some(relative) if !relative.starts_with("..") => prefixes.push(relative),
                _ => return Scope::Everything,
            }
        }
        Scope::Under(prefixes)
    }

    pub fn contains(&self, file: &str) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Under(prefixes) => prefixes.iter().any(|p| git::is_within(file, p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, print: u64, count: usize) -> Entry {
        Entry {
            file: file.to_string(),
            rule: "r".to_string(),
            message: "m".to_string(),
            fingerprint: Fingerprint(print),
            count,
        }
    }

    #[test]
    fn the_file_round_trips_and_is_sorted_json() {
        let baseline = Baseline {
            entries: vec![entry("a.yaml", 1, 2), entry("b.yaml", 0xff, 1)],
        };
        let text = baseline.to_json();
        assert_eq!(
            text,
            r#"{
  "version": 1,
  "findings": [
    {
      "file": "a.yaml",
      "rule": "r",
      "message": "m",
      "fingerprint": "0000000000000001",
      "count": 2
    },
    {
      "file": "b.yaml",
      "rule": "r",
      "message": "m",
      "fingerprint": "00000000000000ff",
      "count": 1
    }
  ]
}
"#
        );
        assert_eq!(Baseline::parse(&text), Ok(baseline));
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let err = |text: &str| Baseline::parse(text).err().unwrap_or_default();
        assert!(err("{").starts_with("it is not JSON"));
        assert_eq!(
            err(r#"{"version": 2, "findings": []}"#),
            "it has version 2, and this steward reads version 1: rerun --write-baseline"
        );
        assert!(err(r#"{"findings": []}"#).starts_with("it has no `version`"));
        assert!(
            err(r#"{"version": 1, "findings": [{"fingerprint": "xyz"}]}"#)
                .contains("is not a fingerprint")
        );
        // Only the fingerprint is needed; a count defaults to one.
        let minimal =
            Baseline::parse(r#"{"version": 1, "findings": [{"fingerprint": "0000000000000001"}]}"#)
                .expect("minimal");
        assert_eq!(minimal.findings(), 1);
    }

    #[test]
    fn scope_matches_files_under_its_prefixes() {
        let scope = Scope::Under(vec!["ops".to_string(), "team.yaml".to_string()]);
        assert!(scope.contains("ops/a.yaml"));
        assert!(scope.contains("team.yaml"));
        assert!(!scope.contains("opsx/a.yaml"));
        assert!(Scope::Under(vec![".".to_string()]).contains("x.yaml"));
    }
}
