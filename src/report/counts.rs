//! `--format counts`: the summary as `key=value` lines, the form shell scripts
//! and `$GITHUB_OUTPUT` read. `findings` counts the findings that are not
//! suppressed (errors + warnings). With `--baseline`, `baselined` and
//! `baseline_stale`; with `--only-new`, `preexisting`.

use std::io::{self, Write};

use super::Report;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    writeln!(out, "findings={}", s.errors + s.warnings)?;
    writeln!(out, "errors={}", s.errors)?;
    writeln!(out, "warnings={}", s.warnings)?;
    writeln!(out, "suppressed={}", s.suppressed)?;
    if let Some(baseline) = s.baseline {
        writeln!(out, "baselined={}", baseline.hidden)?;
        writeln!(out, "baseline_stale={}", baseline.stale)?;
    }
    if let Some(n) = s.preexisting {
        writeln!(out, "preexisting={n}")?;
    }
    writeln!(out, "files={}", s.files)
}
