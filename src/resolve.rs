//! The one resolver (§8, §14.5): what a reference means in a model — the set
//! of people it names, each with how it was reached. Every rule that reads
//! owners, escalation or RACI goes through here; none looks teams up itself.
//! It reads nothing but the `Model` it is given, so a model built from one
//! file resolves the same way as one built from a workspace.

use std::collections::BTreeMap;

use crate::finding::Location;
use crate::model::{Entry, Model, Pipeline, Team};
use crate::reference::{RefEntry, RefField, Reference};

/// How a person was reached from a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Via {
    /// Named by member id.
    Direct,
    /// Listed in the team's `members`.
    Member,
    /// Named in the team's `also` list (entry index): a member of another
    /// team who belongs to this one too.
    Also(usize),
}

/// One person a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached<'m> {
    pub person: &'m str,
    pub via: Via,
}

/// Why a reference names nobody.
#[derive(Debug, Clone, Copy)]
pub enum Problem<'m> {
    /// No member has this id.
    UnknownMember,
    /// No team has this id.
    UnknownTeam,
    /// Defined in a document that did not load (its schema findings say
    /// why): not reported again.
    NotLoaded,
    /// The team lists nobody, in `members` or `also`.
    NoMembers(&'m Entry<Team>),
    /// Nobody in the team has the role.
    NoRole(&'m Entry<Team>),
}

#[derive(Debug, Clone)]
pub struct Resolution<'m> {
    /// Sorted by id, each person once; empty exactly when `problem` is set.
    pub people: Vec<Reached<'m>>,
    pub problem: Option<Problem<'m>>,
}

impl<'m> Resolution<'m> {
    fn problem(problem: Problem<'m>) -> Self {
        Resolution {
            people: Vec::new(),
            problem: Some(problem),
        }
    }

    pub fn contains(&self, person: &str) -> bool {
        self.people.iter().any(|r| r.person == person)
    }

    pub fn ids(&self) -> impl Iterator<Item = &'m str> + '_ {
        self.people.iter().map(|r| r.person)
    }
}

/// What `reference` names in `model`.
pub fn resolve<'m>(model: &'m Model, reference: &Reference) -> Resolution<'m> {
    match reference {
        Reference::Member(id) => match model.members.get_key_value(&**id) {
            Some((person, _)) => Resolution {
                people: vec![Reached {
                    person,
                    via: Via::Direct,
                }],
                problem: None,
            },
            None if model.known.members.contains_key(&**id) => {
                Resolution::problem(Problem::NotLoaded)
            }
            None => Resolution::problem(Problem::UnknownMember),
        },
        Reference::Team(_) | Reference::Role(_) => {
            let id = reference.team().unwrap_or_default();
            let Some(team) = model.team(id) else {
                let problem = if model.known.teams.contains_key(id) {
                    Problem::NotLoaded
                } else {
                    Problem::UnknownTeam
                };
                return Resolution::problem(problem);
            };
            let mut people = team_people(model, team);
            if people.is_empty() {
                return Resolution::problem(Problem::NoMembers(team));
            }
            if let Some(role) = reference.role() {
                people.retain(|r| roles_of(model, r.person).iter().any(|own| **own == *role));
                if people.is_empty() {
                    return Resolution::problem(Problem::NoRole(team));
                }
            }
            Resolution {
                people,
                problem: None,
            }
        }
    }
}

/// Everyone in a team: its members and the people its `also` names (those
/// defined as members somewhere), each once, sorted by id. Someone listed in
/// both counts as a member.
pub fn team_people<'m>(model: &'m Model, team: &'m Entry<Team>) -> Vec<Reached<'m>> {
    let mut people: BTreeMap<&'m str, Via> = BTreeMap::new();
    for member in &team.item.members {
        people.entry(member.id.as_str()).or_insert(Via::Member);
    }
    for (i, id) in team.item.also.iter().enumerate() {
        if let Some((person, _)) = model.members.get_key_value(&**id) {
            people.entry(person.as_str()).or_insert(Via::Also(i));
        }
    }
    people
        .into_iter()
        .map(|(person, via)| Reached { person, via })
        .collect()
}

/// A person's roles: those of their member entry, wherever they are listed.
pub fn roles_of<'m>(model: &'m Model, person: &str) -> &'m [String] {
    model.member(person).map_or(&[], |m| m.roles.as_slice())
}

/// The roles the people of a team hold, sorted, each once.
pub fn roles_in<'m>(model: &'m Model, team: &'m Entry<Team>) -> Vec<&'m str> {
    let mut roles: Vec<&str> = team_people(model, team)
        .iter()
        .flat_map(|r| roles_of(model, r.person))
        .map(String::as_str)
        .collect();
    roles.sort_unstable();
    roles.dedup();
    roles
}

/// The team a reference belongs to: the team it names, or the team that
/// defines the member.
pub fn team_of<'m>(model: &'m Model, reference: &Reference) -> Option<&'m Entry<Team>> {
    match reference {
        Reference::Member(id) => model.home_team(id),
        Reference::Team(id) => model.team(id),
        Reference::Role(named) => model.team(&named.team),
    }
}

/// Where a person reached through `also` is named: the entry of the team's
/// `also` list, for labels.
pub fn also_location(model: &Model, reference: &Reference, via: Via) -> Option<Location> {
    let Via::Also(i) = via else { return None };
    let team = team_of(model, reference)?;
    Some(Location::node(team.doc, format!("/also/{i}")))
}

/// One entry of a field, resolved.
#[derive(Debug, Clone)]
pub struct Resolved<'m> {
    pub entry: &'m RefEntry,
    pub resolution: Resolution<'m>,
}

impl<'m> Resolved<'m> {
    pub fn reference(&self) -> &'m Reference {
        &self.entry.reference
    }

    /// The reference with the people it names, for messages (see [`describe`]).
    pub fn describe(&self) -> String {
        describe(self.reference(), &self.resolution)
    }
}

/// Every reference of a field, resolved, in the order written.
pub fn resolve_field<'m>(model: &'m Model, field: &'m RefField) -> Vec<Resolved<'m>> {
    field
        .iter()
        .map(|entry| Resolved {
            entry,
            resolution: resolve(model, &entry.reference),
        })
        .collect()
}

/// Everyone the references name, with the indices of the references that
/// name them.
pub fn people_of<'m>(resolved: &[Resolved<'m>]) -> BTreeMap<&'m str, Vec<usize>> {
    let mut people: BTreeMap<&'m str, Vec<usize>> = BTreeMap::new();
    for (i, r) in resolved.iter().enumerate() {
        for person in r.resolution.ids() {
            people.entry(person).or_default().push(i);
        }
    }
    people
}

/// Whether every reference resolved (none unknown, empty or unloaded): rules
/// that compare sets of people judge only complete sets.
pub fn all_resolved(resolved: &[Resolved<'_>]) -> bool {
    resolved.iter().all(|r| r.resolution.problem.is_none())
}

/// A field of a pipeline that names people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeopleField {
    Primary,
    Secondary,
    MajorIncident,
    Responsible,
    Accountable,
    Consulted,
    Informed,
}

impl PeopleField {
    pub fn pointer(self) -> &'static str {
        match self {
            PeopleField::Primary => "/owners/primary",
            PeopleField::Secondary => "/owners/secondary",
            PeopleField::MajorIncident => "/escalation/major_incident",
            PeopleField::Responsible => "/raci/responsible",
            PeopleField::Accountable => "/raci/accountable",
            PeopleField::Consulted => "/raci/consulted",
            PeopleField::Informed => "/raci/informed",
        }
    }

    /// What the people named there are to the pipeline.
    pub fn what(self) -> &'static str {
        match self {
            PeopleField::Primary => "primary owner",
            PeopleField::Secondary => "secondary owner",
            PeopleField::MajorIncident => "major-incident contact",
            PeopleField::Responsible => "responsible party",
            PeopleField::Accountable => "accountable party",
            PeopleField::Consulted => "consulted party",
            PeopleField::Informed => "informed party",
        }
    }
}

/// One reference a pipeline writes, with where.
#[derive(Debug, Clone)]
pub struct Named<'p> {
    pub field: PeopleField,
    /// Its index in the field's list, if the field is a list.
    pub index: Option<u32>,
    pub reference: &'p Reference,
}

impl Named<'_> {
    /// JSON pointer of the reference in the pipeline's document (built on
    /// demand: most references need none).
    pub fn pointer(&self) -> String {
        crate::reference::entry_pointer(self.field.pointer(), self.index)
    }
}

/// Every reference a pipeline writes, in the order of [`PeopleField`].
pub fn pipeline_references(pipeline: &Pipeline) -> Vec<Named<'_>> {
    let raci = pipeline.raci.as_ref();
    let lists = [
        (PeopleField::Primary, Some(&pipeline.owners.primary)),
        (PeopleField::Secondary, Some(&pipeline.owners.secondary)),
        (
            PeopleField::Responsible,
            raci.and_then(|r| r.responsible.as_ref()),
        ),
        (
            PeopleField::Consulted,
            raci.and_then(|r| r.consulted.as_ref()),
        ),
        (
            PeopleField::Informed,
            raci.and_then(|r| r.informed.as_ref()),
        ),
    ];
    let mut out = Vec::new();
    for (field, refs) in lists {
        for entry in refs.into_iter().flat_map(RefField::iter) {
            out.push(Named {
                field,
                index: entry.index,
                reference: &entry.reference,
            });
        }
    }
    let single = [
        (
            PeopleField::MajorIncident,
            pipeline
                .escalation
                .as_ref()
                .and_then(|e| e.major_incident.as_ref()),
        ),
        (
            PeopleField::Accountable,
            raci.and_then(|r| r.accountable.as_ref()),
        ),
    ];
    for (field, reference) in single {
        if let Some(reference) = reference {
            out.push(Named {
                field,
                index: None,
                reference,
            });
        }
    }
    // Stable: list order stays within a field.
    out.sort_by_key(|n| n.field);
    out
}

/// Most people named in a message before "…".
const SHOWN: usize = 3;

/// A reference as messages name it: `emily`; team `finance` (fiona, gus);
/// team `finance`/`profit-analyst` (fiona); long lists end in "…".
pub fn describe(reference: &Reference, resolution: &Resolution<'_>) -> String {
    let named = match reference {
        Reference::Member(id) => return id.to_string(),
        Reference::Team(team) => format!("team `{team}`"),
        Reference::Role(named) => format!("team `{}`/`{}`", named.team, named.role),
    };
    if resolution.people.is_empty() {
        return named;
    }
    let mut shown: Vec<&str> = resolution.ids().take(SHOWN).collect();
    if resolution.people.len() > SHOWN {
        shown.push("…");
    }
    format!("{named} ({})", shown.join(", "))
}

/// Most items a list in a message names; longer ones end "and N more".
const LISTED: usize = 6;

/// "fiona", "fiona and gus", "fiona, gus and hal"; past six items, the
/// first five "and N more", so a message about a large team stays readable.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    let texts: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match texts.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        many if many.len() > LISTED => format!(
            "{} and {} more",
            many[..LISTED - 1].join(", "),
            many.len() - (LISTED - 1)
        ),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["fiona"]), "fiona");
        assert_eq!(and_list(&["fiona", "gus"]), "fiona and gus");
        assert_eq!(and_list(&["fiona", "gus", "hal"]), "fiona, gus and hal");
        let six = ["a", "b", "c", "d", "e", "f"];
        assert_eq!(and_list(&six), "a, b, c, d, e and f");
        let seven = ["a", "b", "c", "d", "e", "f", "g"];
        assert_eq!(and_list(&seven), "a, b, c, d, e and 2 more");
    }
}
