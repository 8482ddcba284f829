use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::Audience;

pub static RULE: Rule = Rule {
    id: "raci-required",
    summary: "A pipeline that reports to investors declares no RACI",
    explanation: r#"## What it checks
Every pipeline with `audience: investors` declares `raci`: who is
responsible, accountable, consulted and informed. The finding is on
`audience`.

This rule is off by default; a policy turns it on:
```yaml
# steward.yaml
apiVersion: steward/v1
kind: Policy
id: acme
rules:
  raci-required: error
```
(`extends: strict` raises warnings to errors but leaves rules that are off
off.)

## Why
Numbers reported to investors involve more people than their owners: the
analysts who sign them off, the unit heads who are asked, the managers who
must hear when they are late. Writing the RACI down settles who decides and
who is told before an incident, not during it.

## Example
```yaml
audience: investors      # raci-required: no `raci:`
```

## How to fix
```yaml
raci:
  responsible: team:data-eng/pipeline-owner
  accountable: team:finance/profit-analyst   # one of the owners
  consulted: [team:unit-heads]
  informed: [team:data-eng/manager]
```
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        if p.item.audience != Audience::Investors || p.item.raci.is_some() {
            continue;
        }
        // Owners are the usual RACI: the secondary does the work, the
        // primary answers for it.
        let owners = &p.item.owners;
        let example = match (owners.secondary.first(), owners.primary.first()) {
            (Some(r), Some(a)) => format!("`raci: {{ responsible: {r}, accountable: {a} }}`"),
            _ => "`raci:` with `responsible` and `accountable`".to_string(),
        };
        out.push(
            Diagnostic::new(
                Location::node(p.doc, "/audience"),
                format!(
                    "pipeline `{}` reports to investors but declares no RACI",
                    p.item.id
                ),
            )
            .label("reports to investors")
            .help(format!("add {example}, and who is consulted and informed")),
        );
    }
}
