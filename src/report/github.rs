//! `--format github`: GitHub Actions workflow commands, one per visible
//! finding, which the runner turns into annotations on the pull request:
//!
//! ```text
//! ::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE%0Ahelp: HELP
//! ```
//!
//! Paths are relative to the repository root, as the runner expects. `endColumn`
//! is exclusive, like every end position in steward. The runner only accepts
//! columns on a single-line span, so multi-line spans carry lines only.
//! Suppressed findings are left out. A plain summary line closes the output.

use std::io::{self, Write};

use super::{Report, ResolvedFinding};
use crate::finding::Severity;

/// Escapes the data (message) part of a workflow command.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=`, `title=`) of a workflow command.
pub fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            _ => out.push(c),
        }
    }
    out
}

/// The workflow command for one finding.
pub fn command(f: &ResolvedFinding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = vec![
        format!("file={}", escape_property(&f.repo_path)),
        format!("line={}", f.start.line),
    ];
    if f.start.line == f.end.line {
        properties.push(format!("col={}", f.start.column));
        properties.push(format!("endLine={}", f.end.line));
        // An empty span still marks one character.
        properties.push(format!(
            "endColumn={}",
            f.end.column.max(f.start.column + 1)
        ));
    } else {
        properties.push(format!("endLine={}", f.end.line));
    }
    properties.push(format!("title={}", escape_property(&f.rule)));
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{level} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for finding in report.visible() {
        writeln!(out, "{}", command(finding))?;
    }
    if let Some(note) = report.summary.stale_note() {
        writeln!(out, "::notice title=steward::{}", escape_data(&note))?;
    }
    // Not a workflow command: the runner prints it as it is.
    writeln!(out, "steward: {}", report.summary_line())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("dir/a,b:c%d\n.yaml"),
            "dir/a%2Cb%3Ac%25d%0A.yaml"
        );
    }

    #[test]
    fn escaping_percent_first_is_not_double_escaping() {
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_property("%2C"), "%252C");
    }
}
