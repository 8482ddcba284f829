use std::collections::HashMap;

use super::{Context, Params, Rule};
use crate::document::DocId;
use crate::finding::{Diagnostic, Location};
use crate::model::{Model, Pipeline};
use crate::reference::{RefEntry, Reference};
use crate::resolve::{resolve, team_of};

pub static RULE: Rule = Rule {
    id: "owner-expertise",
    summary: "An owner declares areas that do not include the pipeline's area",
    explanation: r#"## What it checks
When a member lists their business `areas` of expertise, every pipeline they
own (as primary or secondary) is in one of those areas. A member without
`areas` is judged by their team's `areas`; with neither, they are not
checked.

An owner that is a team or a team's role (`team:finance`,
`team:finance/profit-analyst`) has expertise when the team's `areas`, or the
`areas` of one of the people it names, include the pipeline's area; when
neither the team nor any of them declares areas it is not checked.

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
lists them), or add the area to the member's or the team's `areas` if they do
know it.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let mut experts = Experts::default();
    for p in &model.pipelines {
        let owners = &p.item.owners;
        for (role, field) in [
            ("primary", &owners.primary),
            ("secondary", &owners.secondary),
        ] {
            for entry in field.iter() {
                let found = match &entry.reference {
                    Reference::Member(id) => {
                        member_owner(model, &p.item, p.doc, role, entry, id, &mut experts)
                    }
                    _ => team_owner(model, &p.item, p.doc, role, entry, &mut experts),
                };
                out.extend(found);
            }
        }
    }
}

/// Where a member's areas are written: their own, or else their team's.
enum AreasOf<'m> {
    Member(usize),
    /// The team's id.
    Team(&'m str),
}

/// A member's areas, or else their team's (§14.7), with where they are
/// written (described only for a finding: most owners know their area).
fn member_areas<'m>(model: &'m Model, id: &str) -> Option<(&'m [String], DocId, AreasOf<'m>)> {
    let r = model.members.get(id)?;
    let team = model.teams.get(r.team)?;
    let member = team.item.members.get(r.member)?;
    match (&member.areas, &team.item.areas) {
        (Some(areas), _) => Some((areas, team.doc, AreasOf::Member(r.member))),
        (None, Some(areas)) => Some((areas, team.doc, AreasOf::Team(team.item.id.as_str()))),
        (None, None) => None,
    }
}

/// The location and description of the areas [`member_areas`] found.
fn areas_written(id: &str, doc: DocId, of: AreasOf<'_>) -> (Location, String) {
    match of {
        AreasOf::Member(index) => (
            Location::node(doc, format!("/members/{index}/areas")),
            format!("{id}'s areas"),
        ),
        AreasOf::Team(team) => (
            Location::node(doc, "/areas"),
            format!("team `{team}`'s areas"),
        ),
    }
}

fn list(areas: &[String]) -> String {
    if areas.is_empty() {
        "empty".to_string()
    } else {
        areas.join(", ")
    }
}

fn member_owner<'m>(
    model: &'m Model,
    pipeline: &Pipeline,
    doc: DocId,
    role: &str,
    entry: &RefEntry,
    owner: &str,
    experts: &mut Experts<'m>,
) -> Option<Diagnostic> {
    let area = &*pipeline.area;
    let (areas, team_doc, of) = member_areas(model, owner)?;
    if areas.iter().any(|a| a == area) {
        return None;
    }
    let (at, whose) = areas_written(owner, team_doc, of);
    let own = model.member(owner).is_some_and(|m| m.areas.is_some());
    let reason = if own {
        format!("{owner}'s areas are {}", list(areas))
    } else {
        format!("{owner} declares no areas and {whose} are {}", list(areas))
    };
    let experts = &experts.of(model, area).members;
    let help = if experts.is_empty() {
        format!("nobody lists `{area}` in their areas; add it to {owner}'s areas if they know it")
    } else {
        format!(
            "members with `{area}` expertise: {}; or add `{area}` to {owner}'s areas",
            experts.join(", ")
        )
    };
    Some(
        Diagnostic::new(
            Location::node(doc, entry.pointer(&format!("/owners/{role}"))),
            format!(
                "{owner} is {role} owner of `{}` ({area}), but {reason}",
                pipeline.id
            ),
        )
        .label(format!("no `{area}` expertise"))
        .help(help)
        .with(at, whose),
    )
}

fn team_owner<'m>(
    model: &'m Model,
    pipeline: &Pipeline,
    doc: DocId,
    role: &str,
    entry: &RefEntry,
    experts: &mut Experts<'m>,
) -> Option<Diagnostic> {
    let area = &*pipeline.area;
    let resolution = resolve(model, &entry.reference);
    if resolution.problem.is_some() {
        return None;
    }
    let team = team_of(model, &entry.reference)?;
    // Each person's areas as for a member owner (§14.7): their own, or else
    // their home team's. The people of this team without areas of their own
    // have the team's, judged below; someone it names through `also` brings
    // the areas of the team they come from.
    let declared: Vec<(&str, &[String], Option<&str>)> = resolution
        .ids()
        .filter_map(|id| match member_areas(model, id)? {
            (areas, _, AreasOf::Member(_)) => Some((id, areas, None)),
            (_, _, AreasOf::Team(home)) if home == team.item.id => None,
            (areas, _, AreasOf::Team(home)) => Some((id, areas, Some(home))),
        })
        .collect();
    let team_areas = team.item.areas.as_ref();
    if team_areas.is_none() && declared.is_empty() {
        return None;
    }
    let knows = team_areas.is_some_and(|a| a.iter().any(|x| x == area))
        || declared.iter().any(|(_, a, _)| a.iter().any(|x| x == area));
    if knows {
        return None;
    }
    let mut details: Vec<String> = Vec::new();
    if let Some(areas) = team_areas {
        details.push(format!("team `{}`: {}", team.item.id, list(areas)));
    }
    for (id, areas, home) in declared.iter().take(3) {
        match home {
            None => details.push(format!("{id}: {}", list(areas))),
            Some(home) => details.push(format!("{id}: {} (team `{home}`'s)", list(areas))),
        }
    }
    if declared.len() > 3 {
        details.push("…".to_string());
    }
    let AreaExperts { teams, members } = experts.of(model, area);
    let mut help = Vec::new();
    if !teams.is_empty() {
        help.push(format!(
            "teams with `{area}` in their areas: {}",
            teams.join(", ")
        ));
    }
    if !members.is_empty() {
        help.push(format!(
            "members with `{area}` expertise: {}",
            members.join(", ")
        ));
    }
    help.push(format!(
        "add `{area}` to team `{}`'s areas if it knows it",
        team.item.id
    ));
    let mut d = Diagnostic::new(
        Location::node(doc, entry.pointer(&format!("/owners/{role}"))),
        format!(
            "{} is {role} owner of `{}` ({area}), but neither the team nor anyone it names lists `{area}` in their areas ({})",
            crate::resolve::describe(&entry.reference, &resolution),
            pipeline.id,
            details.join("; ")
        ),
    )
    .label(format!("no `{area}` expertise"))
    .help(help.join("; or "));
    if team_areas.is_some() {
        d = d.with(
            Location::node(team.doc, "/areas"),
            format!("team `{}`'s areas", team.item.id),
        );
    }
    Some(d)
}

/// Who knows an area, for help lines: found once per area, not per finding.
#[derive(Default)]
struct Experts<'m> {
    by_area: HashMap<String, AreaExperts<'m>>,
}

struct AreaExperts<'m> {
    /// Up to three teams whose `areas` include it, as references.
    teams: Vec<String>,
    /// Up to five members whose areas (or else their team's) include it.
    members: Vec<&'m str>,
}

impl<'m> Experts<'m> {
    fn of(&mut self, model: &'m Model, area: &str) -> &AreaExperts<'m> {
        self.by_area
            .entry(area.to_string())
            .or_insert_with(|| AreaExperts {
                teams: model
                    .teams
                    .iter()
                    .filter(|t| {
                        t.item
                            .areas
                            .as_ref()
                            .is_some_and(|a| a.iter().any(|x| x == area))
                    })
                    .map(|t| format!("`team:{}`", t.item.id))
                    .take(3)
                    .collect(),
                members: model
                    .members
                    .keys()
                    .filter(|id| {
                        member_areas(model, id).is_some_and(|(a, _, _)| a.iter().any(|x| x == area))
                    })
                    .map(String::as_str)
                    .take(5)
                    .collect(),
            })
    }
}
