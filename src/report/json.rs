//! `--format json`: one object with every visible finding, sorted, and a summary.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, ResolvedFinding, ResolvedLabel};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary<'a>,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    errors: usize,
    warnings: usize,
    files: usize,
    suppressed: usize,
    /// With `--baseline`: findings it hid.
    #[serde(skip_serializing_if = "Option::is_none")]
    baselined: Option<usize>,
    /// With `--baseline`: its entries that no finding matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_stale: Option<usize>,
    /// With `--only-new`: findings hidden because the base revision has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    preexisting: Option<usize>,
    /// The policy in effect (of the first workspace when several were judged).
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
    /// The workspace root, relative to the current directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    root: Option<&'a str>,
    /// Every workspace judged: root, policy and where it came from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    workspaces: Vec<JsonWorkspace<'a>>,
}

#[derive(Serialize)]
struct JsonWorkspace<'a> {
    root: &'a str,
    policy: &'a str,
    policy_source: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    pointer: &'a str,
    /// The person the finding is about: `ignore[rule(subject)]` suppresses it alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<JsonLabel<'a>>,
    /// What `check --fix` (`safe`) or `--unsafe-fixes` (`unsafe`) would do.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    safety: &'a str,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn finding(f: &ResolvedFinding) -> JsonFinding<'_> {
    JsonFinding {
        rule: &f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        file: &f.path,
        line: f.start.line,
        column: f.start.column,
        end_line: f.end.line,
        end_column: f.end.column,
        pointer: &f.pointer,
        subject: f.subject.as_deref(),
        help: f.help.as_deref(),
        labels: f.labels.iter().map(label).collect(),
        fix: f.fix.as_ref().map(|x| JsonFix {
            title: &x.title,
            safety: x.safety.as_str(),
        }),
    }
}

fn label(l: &ResolvedLabel) -> JsonLabel<'_> {
    JsonLabel {
        message: &l.message,
        file: &l.path,
        line: l.start.line,
        column: l.start.column,
        end_line: l.end.line,
        end_column: l.end.column,
    }
}

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let output = Output {
        version: 1,
        findings: report.visible().map(finding).collect(),
        summary: JsonSummary {
            errors: report.summary.errors,
            warnings: report.summary.warnings,
            files: report.summary.files,
            suppressed: report.summary.suppressed,
            baselined: report.summary.baseline.map(|b| b.hidden),
            baseline_stale: report.summary.baseline.map(|b| b.stale),
            preexisting: report.summary.preexisting,
            policy: report.judged.first().map(|j| j.policy.as_str()),
            root: report.judged.first().map(|j| j.root.as_str()),
            workspaces: report
                .judged
                .iter()
                .map(|j| JsonWorkspace {
                    root: &j.root,
                    policy: &j.policy,
                    policy_source: &j.source,
                })
                .collect(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
