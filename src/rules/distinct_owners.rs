use std::collections::{BTreeSet, HashMap};

use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::{Entry, Model, Pipeline};
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

/// Most secondary labels of each kind on one finding.
const LABELS: usize = 5;

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    // Members with expertise in an area, found once per area.
    let mut experts: HashMap<&str, Vec<&str>> = HashMap::new();
    for p in &model.pipelines {
        let primary = resolve_field(model, &p.item.owners.primary);
        let secondary = resolve_field(model, &p.item.owners.secondary);
        // Person -> the primary references that name them.
        let primary_people = people_of(&primary);
        let everyone: Vec<&str> = primary_people.keys().copied().collect();
        for s in &secondary {
            let shared: Vec<&str> = s
                .resolution
                .ids()
                .filter(|id| primary_people.contains_key(id))
                .collect();
            if shared.is_empty() {
                continue;
            }
            let indices: BTreeSet<usize> = shared
                .iter()
                .filter_map(|id| primary_people.get(id))
                .flatten()
                .copied()
                .collect();
            let sources: Vec<&Resolved<'_>> = indices.iter().map(|i| &primary[*i]).collect();
            let area = &*p.item.area;
            let experts = experts
                .entry(area)
                .or_insert_with(|| area_experts(model, area));
            out.push(finding(model, p, &shared, &sources, &everyone, s, experts));
        }
    }
}

fn finding(
    model: &Model,
    entry: &Entry<Box<Pipeline>>,
    shared: &[&str],
    primary: &[&Resolved<'_>],
    primary_people: &[&str],
    secondary: &Resolved<'_>,
    experts: &[&str],
) -> Diagnostic {
    let (pipeline, doc) = (&*entry.item, entry.doc);
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
        .help(member_help(pipeline, shared, experts))
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
        .help(team_help(
            model,
            secondary,
            shared,
            primary_people,
            experts,
            pipeline,
        ))
    };
    // The first few are enough to find the rest.
    for r in primary.iter().take(LABELS) {
        d = d.with(
            Location::node(doc, r.entry.pointer("/owners/primary")),
            "primary owner set here",
        );
    }
    // Someone reached through a team's `also` list: show where they join.
    let sides = primary.iter().copied().chain(std::iter::once(secondary));
    let shared_set: BTreeSet<&str> = shared.iter().copied().collect();
    let mut joins: Vec<(Location, String)> = Vec::new();
    for r in sides {
        for reached in &r.resolution.people {
            if !shared_set.contains(reached.person) {
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
    for (at, text) in joins.into_iter().take(LABELS) {
        d = d.with(at, text);
    }
    d
}

/// Members whose own `areas` include `area`, sorted by id.
fn area_experts<'m>(model: &'m Model, area: &str) -> Vec<&'m str> {
    model
        .members
        .keys()
        .filter(|id| {
            model
                .member(id)
                .and_then(|m| m.areas.as_ref())
                .is_some_and(|areas| areas.iter().any(|a| a == area))
        })
        .map(String::as_str)
        .collect()
}

/// 0.1's help: up to five members with expertise in the area who are not
/// on both sides.
fn member_help(pipeline: &Pipeline, shared: &[&str], experts: &[&str]) -> String {
    let shared_set: BTreeSet<&str> = shared.iter().copied().collect();
    let experts: Vec<&str> = experts
        .iter()
        .copied()
        .filter(|id| !shared_set.contains(id))
        .take(5)
        .collect();
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
    secondary: &Resolved<'_>,
    shared: &[&str],
    primary_people: &[&str],
    experts: &[&str],
    pipeline: &Pipeline,
) -> String {
    // `primary_people` is sorted (the keys of a BTreeMap).
    let who = and_list(shared);
    // A whole team: suggest its roles that leave the primary owners out.
    let team = match secondary.reference() {
        Reference::Member(_) => return member_help(pipeline, shared, experts),
        Reference::Team(_) => team_of(model, secondary.reference()),
        Reference::Role(_) => None,
    };
    let Some(team) = team else {
        return format!(
            "name a secondary owner who leaves out {who}: the secondary is the primary's backup"
        );
    };
    let clear: Vec<String> = roles_in(model, team)
        .into_iter()
        .filter(|role| {
            let r = Reference::role_of(&team.item.id, role);
            let people = crate::resolve::resolve(model, &r);
            let disjoint = !people
                .ids()
                .any(|id| primary_people.binary_search(&id).is_ok());
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
