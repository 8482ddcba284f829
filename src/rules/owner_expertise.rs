use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};

pub static RULE: Rule = Rule {
    id: "owner-expertise",
    summary: "An owner declares areas that do not include the pipeline's area",
    explanation: r#"## What it checks
When a member lists their business `areas` of expertise, every pipeline they
own (as primary or secondary) is in one of those areas. Members without
`areas` are not checked.

## Why
Owners are expected to be experts on the data behind the pipeline: a growth
specialist paged for a profit reconciliation at 2 a.m. loses the first hour
learning the domain.

## Example
```yaml
# team.yaml
- { id: michael, name: Michael Okafor, areas: [growth] }
# pipelines/profit.yaml
area: profit
owners: { primary: michael, secondary: john }   # owner-expertise
```

## How to fix
Give the pipeline an owner whose `areas` include its area (the help line
lists them), or add the area to the member's `areas` if they do know it.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for p in &model.pipelines {
        let area = &p.item.area;
        let roles = [
            ("primary", &p.item.owners.primary),
            ("secondary", &p.item.owners.secondary),
        ];
        for (role, owner) in roles {
            let Some(member) = model.member(owner) else {
                continue;
            };
            let Some(areas) = &member.areas else { continue };
            if areas.contains(area) {
                continue;
            }
            let experts: Vec<&str> = model
                .members
                .keys()
                .filter(|id| {
                    model
                        .member(id)
                        .and_then(|m| m.areas.as_ref())
                        .is_some_and(|a| a.contains(area))
                })
                .map(String::as_str)
                .take(5)
                .collect();
            let help = if experts.is_empty() {
                format!("nobody lists `{area}` in their areas; add it to {owner}'s areas if they know it")
            } else {
                format!(
                    "members with `{area}` expertise: {}; or add `{area}` to {owner}'s areas",
                    experts.join(", ")
                )
            };
            let mut d = Diagnostic::new(
                Location::node(p.doc, format!("/owners/{role}")),
                format!(
                    "{owner} is {role} owner of `{}` ({area}), but {owner}'s areas are {}",
                    p.item.id,
                    if areas.is_empty() {
                        "empty".to_string()
                    } else {
                        areas.join(", ")
                    }
                ),
            )
            .label(format!("no `{area}` expertise"))
            .help(help);
            if let Some(r) = model.members.get(owner.as_str()) {
                if let Some(team) = model.teams.get(r.team) {
                    d = d.with(
                        Location::node(team.doc, format!("/members/{}/areas", r.member)),
                        format!("{owner}'s areas"),
                    );
                }
            }
            out.push(d);
        }
    }
}
