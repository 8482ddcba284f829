//! `--format sarif`: a SARIF 2.1.0 log with one run, for GitHub code scanning
//! (`github/codeql-action/upload-sarif`) and other SARIF viewers.
//!
//! Written with plain serde structs rather than a SARIF crate: steward emits a
//! small subset of the format, the structs fix the field order (so the output
//! is byte-identical run to run), and a test validates the result against the
//! official OASIS schema.
//!
//! - `tool.driver.rules` lists every rule of the catalog (builtin, then the
//!   policy's custom rules) with its summary, the first section of its
//!   documentation and the whole documentation as `help`;
//!   `defaultConfiguration` is the rule's setting in the active policy.
//! - Each finding is a result whose `artifactLocation.uri` is relative to the
//!   repository root (`uriBaseId: %SRCROOT%`), percent-encoded; columns count
//!   Unicode code points and end positions are exclusive, as SARIF defines.
//! - Secondary labels become `relatedLocations`; suppressed findings carry
//!   `suppressions: [{kind: inSource}]`. Findings a `--baseline` file or
//!   the `--base` revision (`--only-new`) hide stay in the log with
//!   `suppressions: [{kind: external}]` and `baselineState: unchanged`; the
//!   others then have `baselineState: new`.
//! - `partialFingerprints["steward/v2"]` is the finding's fingerprint
//!   ([`super::fingerprint`]: rule, file, document kind and id, JSON pointer,
//!   message; no line) with its occurrence among equal ones, so a result keeps
//!   its identity when lines above it move, and code scanning agrees with
//!   `--only-new` and baselines. (`steward/v1` hashed the line of file-level
//!   findings and no document; the key changed with the hash.)

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::fingerprint::Fingerprint;
use super::{Known, Report, ResolvedFinding, RuleInfo};
use crate::finding::Severity;
use crate::source::LineCol;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT_KEY: &str = "steward/v2";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help<'a>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

impl<'a> Text<'a> {
    fn new(text: impl Into<std::borrow::Cow<'a, str>>) -> Self {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    #[serde(skip_serializing_if = "is_true")]
    enabled: bool,
    level: &'static str,
}

fn is_true(b: &bool) -> bool {
    *b
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
    /// With `--baseline` or `--only-new`: `unchanged` for the findings they
    /// hide, `new` for the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Percent-encodes a `/`-separated relative path into a URI reference: every
/// byte but unreserved characters, `/` and a few harmless sub-delimiters. `:`
/// is encoded too, so a first segment like `a:b.yaml` is not read as a scheme.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The artifact location of a repository-relative path. A path that could not
/// be made relative (outside every repository root) becomes a `file://` URI.
fn artifact(repo_path: &str) -> ArtifactLocation {
    if repo_path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_path(repo_path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_path(repo_path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn region(start: LineCol, end: LineCol) -> Region {
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The body of the documentation's first section: what a rule checks, in a
/// paragraph or two. Falls back to the whole text's first paragraph.
fn first_section(explanation: &str) -> String {
    let mut lines = Vec::new();
    let mut in_fence = false;
    let mut started = false;
    for line in explanation.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && trimmed.starts_with('#') {
            if started {
                break;
            }
            continue;
        }
        if !started && trimmed.is_empty() {
            continue;
        }
        started = true;
        lines.push(line);
    }
    lines.join("\n").trim().to_string()
}

fn rule(info: &RuleInfo) -> Rule<'_> {
    let full = first_section(&info.explanation);
    Rule {
        id: &info.id,
        short_description: Text::new(info.summary.as_str()),
        full_description: Text::new(if full.is_empty() {
            info.summary.clone()
        } else {
            full
        }),
        help: Help {
            text: &info.explanation,
            markdown: &info.explanation,
        },
        default_configuration: match info.severity {
            Some(severity) => Configuration {
                enabled: true,
                level: level(severity),
            },
            None => Configuration {
                enabled: false,
                level: "none",
            },
        },
    }
}

fn result<'a>(
    f: &'a ResolvedFinding,
    known: Option<Known>,
    compared: bool,
    rule_index: Option<usize>,
    fingerprint: String,
) -> SarifResult<'a> {
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let primary = Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&f.repo_path),
            region: region(f.start, f.end),
        },
        message: f.label.as_deref().map(Text::new),
    };
    let related = f
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let repo_path = l.repo_path.as_str();
            Location {
                id: Some(i + 1),
                physical_location: PhysicalLocation {
                    artifact_location: artifact(repo_path),
                    region: region(l.start, l.end),
                },
                message: Some(Text::new(l.message.as_str())),
            }
        })
        .collect();
    let mut suppressions: Vec<Suppression<'_>> = f
        .suppressed
        .iter()
        .map(|s| Suppression {
            kind: "inSource",
            justification: s.justification.as_deref(),
        })
        .collect();
    if let Some(known) = known {
        suppressions.push(Suppression {
            kind: "external",
            justification: Some(match known {
                Known::Baseline => "recorded in the --baseline file",
                Known::Base => "also at the --base revision (--only-new)",
            }),
        });
    }
    // Suppressed in source: not part of the comparison.
    let baseline_state = match (known, compared, f.suppressed.is_some()) {
        (Some(_), _, _) => Some("unchanged"),
        (None, true, false) => Some("new"),
        _ => None,
    };
    SarifResult {
        rule_id: &f.rule,
        rule_index,
        level: level(f.severity),
        message: Text::new(message),
        locations: vec![primary],
        related_locations: related,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
        suppressions,
        baseline_state,
    }
}

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let index: HashMap<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    // Findings hidden as known (baseline, --only-new) stay in the log,
    // externally suppressed, in the report's order.
    let mut all: Vec<(&ResolvedFinding, Option<Known>)> = report
        .findings
        .iter()
        .map(|f| (f, None))
        .chain(report.known.iter().map(|k| (&k.finding, Some(k.known))))
        .collect();
    all.sort_by(|(a, _), (b, _)| super::order(a, b));
    let compared = report.summary.baseline.is_some() || report.summary.preexisting.is_some();
    let mut seen: HashMap<Fingerprint, usize> = HashMap::new();
    let results = all
        .into_iter()
        .map(|(f, known)| {
            let occurrence = seen.entry(f.fingerprint).or_insert(0);
            *occurrence += 1;
            let fingerprint = format!("{}:{occurrence}", f.fingerprint);
            let rule_index = index.get(f.rule.as_str()).copied();
            result(f, known, compared, rule_index, fingerprint)
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "steward",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: report.rules.iter().map(rule).collect(),
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(encode_path("team.yaml"), "team.yaml");
        assert_eq!(encode_path("a b/c:d,e.yaml"), "a%20b/c%3Ad,e.yaml");
        assert_eq!(encode_path("%#?ö"), "%25%23%3F%C3%B6");
    }

    #[test]
    fn first_section_skips_headings_and_code() {
        let doc = "## What it checks\nOne thing.\nAnd more.\n\n## Why\nBecause.\n";
        assert_eq!(first_section(doc), "One thing.\nAnd more.");
        let fenced = "Intro\n```yaml\n# not a heading\n```\n## Next\nx";
        assert_eq!(
            first_section(fenced),
            "Intro\n```yaml\n# not a heading\n```"
        );
        assert_eq!(first_section(""), "");
    }
}
