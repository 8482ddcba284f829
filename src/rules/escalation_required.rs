use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::fix::{Change, Fix};
use crate::model::Audience;
use crate::resolve::team_of;

pub static RULE: Rule = Rule {
    id: "escalation-required",
    summary: "A pipeline that reports to investors has no escalation",
    explanation: r#"## What it checks
Every pipeline with `audience: investors` declares an `escalation`: how long
the primary works an issue before the secondary takes over (`after`) and,
optionally, who handles major incidents (`major_incident`: a member id, or a
team or role reference such as `team:data-eng/manager`). The finding is on
`audience`.

## Why
"If the primary cannot resolve it within 30 minutes the secondary takes over;
major incidents go to the team lead" only works when it is written down where
the on-call engineer looks.

## Example
```yaml
audience: investors      # escalation-required: no `escalation:`
```

## How to fix
```yaml
escalation:
  after: 30m
  major_incident: priya   # usually the team lead
```
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        if p.item.audience != Audience::Investors || p.item.escalation.is_some() {
            continue;
        }
        // The lead of the first primary owner's team (the team it names, or
        // the member's own team).
        let lead = p
            .item
            .owners
            .primary
            .first()
            .and_then(|r| team_of(ctx.model, r))
            .and_then(|t| t.item.lead.clone());
        let target = lead
            .as_ref()
            .map(|l| format!(", major_incident: {l}"))
            .unwrap_or_default();
        let mut d = Diagnostic::new(
            Location::node(p.doc, "/audience"),
            format!(
                "pipeline `{}` reports to investors but declares no escalation",
                p.item.id
            ),
        )
        .label("reports to investors")
        .help(format!("add `escalation: {{ after: 30m{target} }}`"));
        // Unsafe: 30 minutes and the lead are a guess at the team's practice.
        if let Some(lead) = lead {
            d = d.fix(Fix::unsafe_(
                format!("add `escalation: {{ after: 30m{target} }}`"),
                Change::AddEntry {
                    doc: p.doc,
                    pointer: String::new(),
                    key: "escalation".into(),
                    value: serde_json::json!({ "after": "30m", "major_incident": lead }),
                },
            ));
        }
        out.push(d);
    }
}
