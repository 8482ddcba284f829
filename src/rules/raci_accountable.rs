use std::collections::BTreeSet;

use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::resolve::{all_resolved, and_list, describe, resolve, resolve_field, Resolved};

pub static RULE: Rule = Rule {
    id: "raci-accountable",
    summary: "A pipeline's accountable party is not among its owners",
    explanation: r#"## What it checks
When a pipeline declares `raci`, everyone its `accountable` reference names
is among the people its primary and secondary owners name. References are
resolved first: `team:finance/profit-analyst` is accountable for the people
of team `finance` with role `profit-analyst`, and they must be owners,
directly or through a team or role reference.

An `accountable` that names nobody is `unknown-reference`'s finding, not
this rule's; so is an owner that names nobody.

## Why
The accountable party answers for the pipeline: it signs off the numbers and
decides when they are wrong. Someone accountable for a pipeline they do not
own has the say without the knowledge or the pager. Like Backstage's single
owner, accountability sits with exactly one party, and that party owns the
pipeline.

## Example
```yaml
owners:
  primary: team:finance/profit-analyst
  secondary: team:data-eng/pipeline-owner
raci:
  responsible: team:data-eng/pipeline-owner
  accountable: team:strategy/profit-analyst   # raci-accountable: not an owner
```

## How to fix
Make the accountable party one of the owners (usually the primary), or add
the people it names to `owners`:
```yaml
raci:
  accountable: team:finance/profit-analyst
```
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for p in &model.pipelines {
        let Some(accountable) = p.item.raci.as_ref().and_then(|r| r.accountable.as_ref()) else {
            continue;
        };
        let resolution = resolve(model, accountable);
        let primary = resolve_field(model, &p.item.owners.primary);
        let secondary = resolve_field(model, &p.item.owners.secondary);
        // Only complete sets are compared (§14.9).
        if resolution.problem.is_some() || !all_resolved(&primary) || !all_resolved(&secondary) {
            continue;
        }
        let owners: BTreeSet<&str> = primary
            .iter()
            .chain(&secondary)
            .flat_map(|r| r.resolution.ids())
            .collect();
        let outside: Vec<&str> = resolution.ids().filter(|id| !owners.contains(id)).collect();
        if outside.is_empty() {
            continue;
        }
        let who = describe(accountable, &resolution);
        let summary = format!(
            "primary: {}; secondary: {}",
            described(&primary),
            described(&secondary)
        );
        let message = if outside.len() == resolution.people.len() {
            format!(
                "{who} is accountable for pipeline `{}` but is not among its owners ({summary})",
                p.item.id
            )
        } else {
            let verb = if outside.len() == 1 { "is" } else { "are" };
            format!(
                "{who} is accountable for pipeline `{}`, but {} {verb} not among its owners ({summary})",
                p.item.id,
                and_list(&outside)
            )
        };
        let suggestion = p
            .item
            .owners
            .primary
            .first()
            .map(|r| format!("make an owner accountable, like `accountable: {r}`, or "))
            .unwrap_or_default();
        out.push(
            Diagnostic::new(Location::node(p.doc, "/raci/accountable"), message)
                .label(if outside.len() == 1 {
                    format!("{} is not an owner", and_list(&outside))
                } else {
                    format!("{} are not owners", and_list(&outside))
                })
                .with(Location::node(p.doc, "/owners"), "owners set here")
                .help(format!(
                    "the accountable party answers for the pipeline, so it owns it: {suggestion}add {} to `owners`",
                    and_list(&outside)
                )),
        );
    }
}

fn described(side: &[Resolved<'_>]) -> String {
    let parts: Vec<String> = side.iter().map(Resolved::describe).collect();
    and_list(&parts)
}
