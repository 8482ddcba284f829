use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};

pub static RULE: Rule = Rule {
    id: "distinct-owners",
    summary: "A pipeline's primary and secondary owner are the same person",
    explanation: r#"## What it checks
`owners.primary` and `owners.secondary` of every pipeline name two different
people.

## Why
The secondary owner is the backup when the primary is away or stuck: the
escalation path ("if the primary cannot resolve it within 30 minutes, the
secondary takes over") leads nowhere when both are the same person.

## Example
```yaml
owners:
  primary: emily
  secondary: emily    # distinct-owners
```

## How to fix
Choose a different secondary owner, ideally someone with expertise in the
pipeline's area; the help line lists the candidates.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for p in &model.pipelines {
        let owners = &p.item.owners;
        if owners.primary != owners.secondary {
            continue;
        }
        let mut experts: Vec<&str> = model
            .members
            .keys()
            .filter(|id| **id != owners.primary)
            .filter(|id| {
                model
                    .member(id)
                    .and_then(|m| m.areas.as_ref())
                    .is_some_and(|areas| areas.contains(&p.item.area))
            })
            .map(String::as_str)
            .collect();
        experts.truncate(5);
        let help = if experts.is_empty() {
            format!(
                "make someone other than {} the secondary owner",
                owners.primary
            )
        } else {
            format!(
                "make someone else the secondary owner; members with `{}` expertise: {}",
                p.item.area,
                experts.join(", ")
            )
        };
        out.push(
            Diagnostic::new(
                Location::node(p.doc, "/owners/secondary"),
                format!(
                    "{} is both primary and secondary owner of pipeline `{}`",
                    owners.primary, p.item.id
                ),
            )
            .label("secondary owner is the primary")
            .with(
                Location::node(p.doc, "/owners/primary"),
                "primary owner set here",
            )
            .help(help),
        );
    }
}
