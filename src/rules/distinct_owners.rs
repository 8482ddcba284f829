use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::{Model, Pipeline};
use crate::reference::Reference;
use crate::resolve::{
    also_location, and_list, people_of, resolve_field, roles_in, team_of, Resolved,
};

pub static RULE: Rule = Rule {
    id: "distinct-owners",
    summary: "A pipeline's primary and secondary owners share a person",
    explanation: r#"## What it checks
`owners.primary` and `owners.secondary` of every pipeline name different
people. Owners may be teams and roles (`team:data-eng`,
`team:finance/profit-analyst`) or lists of references: then nobody may be
among the people of both sides, however they are reached — directly, as a
member of a team, or through a team's `also` list. The finding is on each
secondary reference that shares someone with the primary owners, and names
who and through which references.

## Why
The secondary owner is the backup when the primary is away or stuck: the
escalation path ("if the primary cannot resolve it within 30 minutes, the
secondary takes over") leads nowhere when both are the same person.

## Example
```yaml
owners:
  primary: emily
  secondary: emily    # distinct-owners
---
# emily is in data-eng, and risk names her in `also: [emily]`
owners:
  primary: team:risk
  secondary: team:data-eng    # distinct-owners: emily is on both sides
```

## How to fix
Choose a different secondary owner, ideally someone with expertise in the
pipeline's area; the help line lists the candidates. For a team, name the
role that does the work (`team:data-eng/pipeline-owner`) instead of the whole
team.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for p in &model.pipelines {
        let primary = resolve_field(model, &p.item.owners.primary);
        let secondary = resolve_field(model, &p.item.owners.secondary);
        let primary_people = people_of(&primary);
        for s in &secondary {
            let shared: Vec<&str> = s
                .resolution
                .ids()
                .filter(|id| primary_people.contains_key(id))
                .collect();
            if shared.is_empty() {
                continue;
            }
            let sources: Vec<&Resolved<'_>> = primary
                .iter()
                .filter(|r| shared.iter().any(|id| r.resolution.contains(id)))
                .collect();
            let everyone: Vec<&str> = primary_people.keys().copied().collect();
            out.push(finding(
                model, &p.item, p.doc, &shared, &sources, &everyone, s,
            ));
        }
    }
}

fn finding(
    model: &Model,
    pipeline: &Pipeline,
    doc: crate::document::DocId,
    shared: &[&str],
    primary: &[&Resolved<'_>],
    primary_people: &[&str],
    secondary: &Resolved<'_>,
) -> Diagnostic {
    // One person named directly on both sides: 0.1's finding, word for word.
    let same_member = secondary.reference().member().is_some()
        && primary
            .iter()
            .all(|r| r.reference() == secondary.reference());
    let who = and_list(shared);
    let mut d = if same_member {
        Diagnostic::new(
            Location::node(doc, secondary.entry.pointer("/owners/secondary")),
            format!(
                "{who} is both primary and secondary owner of pipeline `{}`",
                pipeline.id
            ),
        )
        .label("secondary owner is the primary")
        .help(member_help(model, pipeline, shared))
    } else {
        let sources: Vec<String> = primary.iter().map(|r| r.describe()).collect();
        let (are, owners) = if shared.len() == 1 {
            ("is", "owner")
        } else {
            ("are", "owners")
        };
        let primary_verb = if sources.len() == 1 { "is" } else { "are" };
        let primary_noun = if sources.len() == 1 {
            "primary owner"
        } else {
            "primary owners"
        };
        Diagnostic::new(
            Location::node(doc, secondary.entry.pointer("/owners/secondary")),
            format!(
                "{who} {are} both primary and secondary {owners} of pipeline `{}`: {} {primary_verb} {primary_noun}; {} is secondary",
                pipeline.id,
                and_list(&sources),
                secondary.describe()
            ),
        )
        .label(format!("{who} {are} among the primary owners too"))
        .help(team_help(model, pipeline, secondary, shared, primary_people))
    };
    for r in primary {
        d = d.with(
            Location::node(doc, r.entry.pointer("/owners/primary")),
            "primary owner set here",
        );
    }
    // Someone reached through a team's `also` list: show where they join.
    let sides = primary.iter().copied().chain(std::iter::once(secondary));
    let mut joins: Vec<(Location, String)> = Vec::new();
    for r in sides {
        for reached in &r.resolution.people {
            if !shared.contains(&reached.person) {
                continue;
            }
            let Some(at) = also_location(model, r.reference(), reached.via) else {
                continue;
            };
            let team = r.reference().team().unwrap_or_default();
            let text = format!("{} joins team `{team}` here", reached.person);
            if !joins.iter().any(|(l, _)| *l == at) {
                joins.push((at, text));
            }
        }
    }
    for (at, text) in joins {
        d = d.with(at, text);
    }
    d
}

/// 0.1's help: members with expertise in the area who are not the owner.
fn member_help(model: &Model, pipeline: &Pipeline, shared: &[&str]) -> String {
    let mut experts: Vec<&str> = model
        .members
        .keys()
        .filter(|id| !shared.contains(&id.as_str()))
        .filter(|id| {
            model
                .member(id)
                .and_then(|m| m.areas.as_ref())
                .is_some_and(|areas| areas.contains(&pipeline.area))
        })
        .map(String::as_str)
        .collect();
    experts.truncate(5);
    if experts.is_empty() {
        format!(
            "make someone other than {} the secondary owner",
            and_list(shared)
        )
    } else {
        format!(
            "make someone else the secondary owner; members with `{}` expertise: {}",
            pipeline.area,
            experts.join(", ")
        )
    }
}

/// For a team: the roles of the secondary's team whose people are all off
/// the primary side, if any.
fn team_help(
    model: &Model,
    pipeline: &Pipeline,
    secondary: &Resolved<'_>,
    shared: &[&str],
    primary_people: &[&str],
) -> String {
    let who = and_list(shared);
    // A whole team: suggest its roles that leave the primary owners out.
    let team = match secondary.reference() {
        Reference::Member(_) => return member_help(model, pipeline, shared),
        Reference::Team(_) => team_of(model, secondary.reference()),
        Reference::Role { .. } => None,
    };
    let Some(team) = team else {
        return format!(
            "name a secondary owner who leaves out {who}: the secondary is the primary's backup"
        );
    };
    let clear: Vec<String> = roles_in(model, team)
        .into_iter()
        .filter(|role| {
            let r = Reference::Role {
                team: team.item.id.clone(),
                role: role.to_string(),
            };
            let people = crate::resolve::resolve(model, &r);
            let disjoint = !people.ids().any(|id| primary_people.contains(&id));
            disjoint
        })
        .map(|role| format!("`team:{}/{role}`", team.item.id))
        .take(3)
        .collect();
    if clear.is_empty() {
        format!(
            "name a secondary owner who leaves out {who}: the secondary is the primary's backup"
        )
    } else {
        format!(
            "name a secondary owner who leaves out {who}, such as {}",
            clear.join(" or ")
        )
    }
}
