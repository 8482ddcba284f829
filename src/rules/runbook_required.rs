use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::Audience;

pub static RULE: Rule = Rule {
    id: "runbook-required",
    summary: "A pipeline that reports to investors has no runbook",
    explanation: r#"## What it checks
Every pipeline with `audience: investors` has a `runbook:` path. The finding
is on `audience`, the reason a runbook is required.

## Why
Numbers reported to investors have the least room for error and the most
pressure when they break. Whoever is on call needs the pipeline's purpose,
metrics, known failure modes, SLA and escalation path written down, not in
the primary owner's head.

## Example
```yaml
id: aggregate-growth
audience: investors     # runbook-required: no `runbook:`
```

## How to fix
Write the runbook (see `runbook-sections` for what it must contain) and point
to it, relative to the YAML file:
```yaml
runbook: runbooks/aggregate-growth.md
```
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        if p.item.audience != Audience::Investors || p.item.runbook.is_some() {
            continue;
        }
        out.push(
            Diagnostic::new(
                Location::node(p.doc, "/audience"),
                format!(
                    "pipeline `{}` reports to investors but has no runbook",
                    p.item.id
                ),
            )
            .label("reports to investors")
            .help(format!(
                "add `runbook: runbooks/{}.md` (relative to this file) with the required sections",
                p.item.id
            )),
        );
    }
}
