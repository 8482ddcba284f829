//! `--format markdown`: a short report for `$GITHUB_STEP_SUMMARY` or a pull
//! request comment: a heading with the totals, a table of counts per rule and
//! severity, then the first findings (errors before warnings) with
//! `file:line`, rule and message. A run without findings is one heading and
//! one line.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Report, ResolvedFinding};
use crate::finding::Severity;

/// How many findings the summary lists.
pub const TOP: usize = 20;

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
    }
}

/// Makes text safe inside a table cell: `|` escaped, line breaks as `<br>`,
/// and `<`, `&` outside code spans as entities so they are not read as HTML.
pub(crate) fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br>"),
            '<' if !in_code => out.push_str("&lt;"),
            '&' if !in_code => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    out
}

/// A code span holding `text`, whatever backticks it contains.
pub(crate) fn code(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[derive(Default)]
struct Count {
    visible: usize,
    suppressed: usize,
}

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    let total = s.errors + s.warnings;
    if total == 0 {
        writeln!(out, "## ✅ steward: no findings\n")?;
        let mut line = format!(
            "{} checked: no errors, no warnings",
            plural(s.files, "file")
        );
        let mut hidden = s.hidden();
        if s.suppressed > 0 {
            hidden[0] = format!("{} suppressed in source", plural(s.suppressed, "finding"));
        }
        if !hidden.is_empty() {
            line.push_str(&format!(" ({})", hidden.join(", ")));
        }
        writeln!(out, "{line}.")?;
        if let Some(note) = s.stale_note() {
            writeln!(out, "\n{note}.")?;
        }
        return Ok(());
    }
    // Under --strict a warning fails the run: the headline says it failed.
    let headline_icon = if s.errors > 0 || report.strict {
        icon(Severity::Error)
    } else {
        icon(Severity::Warning)
    };
    writeln!(out, "## {headline_icon} steward: {}\n", s.line())?;
    if let Some(note) = s.stale_note() {
        writeln!(out, "{note}.\n")?;
    }

    // Counts per (severity, rule); errors first, then the most frequent.
    let mut counts: BTreeMap<(Severity, &str), Count> = BTreeMap::new();
    for f in &report.findings {
        let count = counts.entry((f.severity, f.rule.as_str())).or_default();
        if f.suppressed.is_some() {
            count.suppressed += 1;
        } else {
            count.visible += 1;
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|((sa, ra), ca), ((sb, rb), cb)| {
        sa.cmp(sb)
            .then(cb.visible.cmp(&ca.visible))
            .then(ra.cmp(rb))
    });
    let with_suppressed = s.suppressed > 0;
    if with_suppressed {
        writeln!(out, "| Rule | Severity | Findings | Suppressed |")?;
        writeln!(out, "| --- | --- | ---: | ---: |")?;
    } else {
        writeln!(out, "| Rule | Severity | Findings |")?;
        writeln!(out, "| --- | --- | ---: |")?;
    }
    for ((severity, rule), count) in &rows {
        write!(
            out,
            "| {} | {} {} | {} |",
            cell(&code(rule)),
            icon(*severity),
            severity,
            count.visible
        )?;
        if with_suppressed {
            write!(out, " {} |", count.suppressed)?;
        }
        writeln!(out)?;
    }

    let mut top: Vec<&ResolvedFinding> = report.visible().collect();
    // Stable: within a severity the report's file/line order is kept.
    top.sort_by_key(|f| f.severity);
    let shown = top.len().min(TOP);
    writeln!(out, "\n### Findings\n")?;
    writeln!(out, "| Location | Rule | Message |")?;
    writeln!(out, "| --- | --- | --- |")?;
    for f in top.iter().take(TOP) {
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "| {} | {} {} | {} |",
            cell(&code(&format!("{}:{}", f.path, f.start.line))),
            icon(f.severity),
            cell(&code(&f.rule)),
            cell(&message)
        )?;
    }
    if top.len() > shown {
        writeln!(
            out,
            "\n_Showing the first {shown} of {} findings; run `steward check` for all of them._",
            top.len()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_breaks_and_html_outside_code() {
        assert_eq!(cell("a | b\nc"), "a \\| b<br>c");
        assert_eq!(cell("<b> & `<b>`"), "&lt;b> &amp; `<b>`");
        assert_eq!(cell("x\r\ny"), "x<br>y");
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a.yaml"), "`a.yaml`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
