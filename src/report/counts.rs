//! `--format counts`: the summary as `key=value` lines, the form shell scripts
//! and `$GITHUB_OUTPUT` read. `findings` counts the findings that are not
//! suppressed (errors + warnings).

use std::io::{self, Write};

use super::Report;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    writeln!(out, "findings={}", s.errors + s.warnings)?;
    writeln!(out, "errors={}", s.errors)?;
    writeln!(out, "warnings={}", s.warnings)?;
    writeln!(out, "suppressed={}", s.suppressed)?;
    writeln!(out, "files={}", s.files)
}
