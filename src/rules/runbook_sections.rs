use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::fix::{Change, Fix};
use crate::runbook::{section_heading, Sections};

pub static RULE: Rule = Rule {
    id: "runbook-sections",
    summary: "A runbook lacks a required section",
    explanation: r#"## What it checks
Every runbook has a heading (any level, `#` or underlined) containing each
required section name as whole words, case-insensitively, the last word
possibly plural: "Pipeline Overview" satisfies `overview`, "SLAs & alerts"
satisfies `sla`, "Common issues and failures" satisfies `common issues`;
"Slack channel" does not satisfy `sla`. Lines in code blocks, HTML comments
and front matter (`---` … `---` at the top) are not headings.
The default sections are `overview`, `metrics`, `common issues`, `sla` and
`escalation`; the message names every missing one.

## Why
A runbook is read under pressure. The on-call plan asks each one for the
pipeline's purpose and stakeholders, the metrics it monitors, its common
issues and failure modes, its SLAs, and the escalation path with notification
channels. A missing section is a question nobody can answer at 2 a.m.

## Example
```markdown
# Aggregate profit
## Overview
## Common issues
```
lacks `metrics`, `sla` and `escalation`.

## How to fix
Add the missing sections as headings. To require other sections:
```yaml
rules:
  runbook-sections: { required: [overview, metrics, common issues, sla, escalation, dashboards] }
```
"#,
    options: Some(
        r#"{"required": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true, "description": "Section names a runbook heading must contain as whole words, case-insensitively."}}"#,
    ),
    check,
};

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let required: Vec<String> = params.get("required").unwrap_or_default();
    if required.is_empty() {
        return;
    }
    let sections = Sections::new(&required);
    // Most runbooks follow one template: each set of headings is judged once.
    let mut judged: foldhash::HashMap<&str, Vec<&str>> = foldhash::HashMap::default();
    for (index, p) in ctx.model.pipelines.iter().enumerate() {
        let Some(path) = &p.item.runbook else {
            continue;
        };
        // Unusable paths are runbook-file's findings.
        let Some(Ok(book)) = ctx.runbooks.get(index) else {
            continue;
        };
        let missing = judged
            .entry(&*book.headings)
            .or_insert_with(|| book.missing(&sections));
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (noun, heading_noun) = if missing.len() == 1 {
            ("section", "heading")
        } else {
            ("sections", "headings")
        };
        let example = missing
            .iter()
            .map(|s| format!("`## {}`", section_heading(s)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = Diagnostic::new(
            Location::node(p.doc, "/runbook"),
            format!(
                "runbook `{path}` of pipeline `{}` lacks the {noun} {list}",
                p.item.id
            ),
        )
        .label(format!("missing {}", missing.join(", ")))
        .help(format!("add the {heading_noun} {example} to `{path}`"));
        if let Some(file) = ctx.runbooks.path(index) {
            let names = missing
                .iter()
                .map(|s| format!("`{}`", section_heading(s)))
                .collect::<Vec<_>>()
                .join(", ");
            d = d.fix(Fix::safe(
                format!(
                    "append the {heading_noun} {names} to `{path}`, with a placeholder line under {}",
                    if missing.len() == 1 { "it" } else { "each" }
                ),
                Change::AppendSections {
                    path: file.to_path_buf(),
                    sections: missing.iter().map(|s| s.to_string()).collect(),
                },
            ));
        }
        out.push(d);
    }
}
