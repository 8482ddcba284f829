//! Where ids are defined and where they are referred to, read from the
//! documents' values. This is the one place that knows which fields hold
//! references and what a reference names: go to definition, references,
//! hover and completion all ask it.

use serde_json::Value;

use crate::document::{DocId, Kind};
use crate::model::Model;
use crate::reference::Reference;
use crate::resolve::roles_in;
use crate::schedule::holidays::BUILTIN_CALENDARS;
use crate::workspace::Workspace;

/// The kinds of things an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SymbolKind {
    Member,
    Team,
    Pipeline,
    Rotation,
    Calendar,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbol {
    pub kind: SymbolKind,
    pub id: String,
}

/// What a reference field expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A member id (rosters, shifts, overrides: on-call is done by people).
    Member,
    /// A member of the document's own team (a team's `lead`).
    TeamMember,
    /// Whoever a pipeline names: a member id, and with SPEC §8 a team or a
    /// team's role (`team:finance/analyst`); see [`person`].
    Person,
    Pipeline,
    Calendar,
}

/// What a field of a document does with the id it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    Defines(SymbolKind),
    Refers(Expect),
}

/// The fields that define or refer to ids, per document kind; `*` stands
/// for any index of a list. `unknown-reference` checks the same fields.
const SITES: &[(Kind, &str, Site)] = &[
    (Kind::Team, "/id", Site::Defines(SymbolKind::Team)),
    (
        Kind::Team,
        "/members/*/id",
        Site::Defines(SymbolKind::Member),
    ),
    (Kind::Team, "/lead", Site::Refers(Expect::TeamMember)),
    // Members of other teams who belong to this one too (SPEC §8).
    (Kind::Team, "/also/*", Site::Refers(Expect::Member)),
    (Kind::Pipeline, "/id", Site::Defines(SymbolKind::Pipeline)),
    (
        Kind::Pipeline,
        "/owners/primary",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/owners/secondary",
        Site::Refers(Expect::Person),
    ),
    // SPEC §8: an owner may be a list of references.
    (
        Kind::Pipeline,
        "/owners/primary/*",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/owners/secondary/*",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/escalation/major_incident",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/raci/responsible",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/raci/responsible/*",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/raci/accountable",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/raci/consulted",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/raci/consulted/*",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/raci/informed",
        Site::Refers(Expect::Person),
    ),
    (
        Kind::Pipeline,
        "/raci/informed/*",
        Site::Refers(Expect::Person),
    ),
    (Kind::Rotation, "/id", Site::Defines(SymbolKind::Rotation)),
    (Kind::Rotation, "/covers/*", Site::Refers(Expect::Pipeline)),
    (Kind::Rotation, "/roster/*", Site::Refers(Expect::Member)),
    (
        Kind::Rotation,
        "/shifts/*/primary",
        Site::Refers(Expect::Member),
    ),
    (
        Kind::Rotation,
        "/shifts/*/secondary",
        Site::Refers(Expect::Member),
    ),
    (
        Kind::Rotation,
        "/overrides/*/primary",
        Site::Refers(Expect::Member),
    ),
    (
        Kind::Rotation,
        "/overrides/*/secondary",
        Site::Refers(Expect::Member),
    ),
    (
        Kind::Rotation,
        "/holidays/calendar",
        Site::Refers(Expect::Calendar),
    ),
    (Kind::Holidays, "/id", Site::Defines(SymbolKind::Calendar)),
];

/// What the field at `pointer` of a `kind` document does, if anything.
pub fn site(kind: Kind, pointer: &str) -> Option<Site> {
    SITES
        .iter()
        .find(|(k, pattern, _)| *k == kind && matches(pattern, pointer))
        .map(|(_, _, site)| *site)
}

fn matches(pattern: &str, pointer: &str) -> bool {
    let mut wanted = pattern.split('/');
    let mut got = pointer.split('/');
    loop {
        match (wanted.next(), got.next()) {
            (None, None) => return true,
            (Some("*"), Some(token)) if token.parse::<usize>().is_ok() => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// What a person reference names, read by the shared syntax of SPEC §8
/// (`reference::Reference`): a member, or the team of `team:T` and
/// `team:T/role`; a malformed `team:` reference names nothing.
pub fn person(text: &str) -> Option<Symbol> {
    let reference = Reference::parse(text)?;
    Some(match reference.team() {
        None => Symbol {
            kind: SymbolKind::Member,
            id: reference.to_string(),
        },
        Some(team) => Symbol {
            kind: SymbolKind::Team,
            id: team.to_string(),
        },
    })
}

/// The symbol a field's text names.
pub fn symbol(site: Site, text: &str) -> Option<Symbol> {
    let of = |kind| {
        Some(Symbol {
            kind,
            id: text.to_string(),
        })
    };
    match site {
        Site::Defines(kind) => of(kind),
        Site::Refers(Expect::Person) => person(text),
        Site::Refers(Expect::Member | Expect::TeamMember) => of(SymbolKind::Member),
        Site::Refers(Expect::Pipeline) => of(SymbolKind::Pipeline),
        Site::Refers(Expect::Calendar) => of(SymbolKind::Calendar),
    }
}

/// One id in one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub symbol: Symbol,
    pub doc: DocId,
    pub pointer: String,
    pub definition: bool,
}

/// Every definition and reference of a workspace, in document order.
#[derive(Debug, Default)]
pub struct Index {
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    /// Reads the documents' values (the language server loads with
    /// `keep_values`); a document without one contributes nothing.
    pub fn build(workspace: &Workspace) -> Index {
        let mut occurrences = Vec::new();
        for (doc_id, doc) in workspace.documents.iter().enumerate() {
            let (Some(kind), Some(value)) = (doc.kind, doc.value.as_deref()) else {
                continue;
            };
            for (_, pattern, site) in SITES.iter().filter(|(k, _, _)| *k == kind) {
                let tokens: Vec<&str> = pattern.split('/').skip(1).collect();
                let mut found = Vec::new();
                expand(value, &tokens, String::new(), &mut found);
                for (pointer, text) in found {
                    let Some(symbol) = symbol(*site, text) else {
                        continue;
                    };
                    occurrences.push(Occurrence {
                        symbol,
                        doc: doc_id,
                        pointer,
                        definition: matches!(site, Site::Defines(_)),
                    });
                }
            }
        }
        Index { occurrences }
    }

    /// The occurrence in the field at `pointer` of `doc`.
    pub fn at(&self, doc: DocId, pointer: &str) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.doc == doc && o.pointer == pointer)
    }

    /// Where a symbol is defined: its first definition, as the model keeps
    /// the first of duplicates.
    pub fn definition(&self, symbol: &Symbol) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.definition && o.symbol == *symbol)
    }

    /// Every occurrence of a symbol, definitions included or not.
    pub fn occurrences_of<'a>(
        &'a self,
        symbol: &'a Symbol,
        definitions: bool,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences
            .iter()
            .filter(move |o| o.symbol == *symbol && (definitions || !o.definition))
    }

    /// The first definition of each id of `kind`, in document order.
    pub fn defined(&self, kind: SymbolKind) -> Vec<&Occurrence> {
        let mut seen = std::collections::HashSet::new();
        self.occurrences
            .iter()
            .filter(|o| o.definition && o.symbol.kind == kind && seen.insert(&o.symbol.id))
            .collect()
    }

    /// What a reference field of `doc` may hold, with the definition of
    /// what it names (`None`: builtin, like `us-federal`).
    pub fn candidates(
        &self,
        expect: Expect,
        doc: DocId,
        model: &Model,
    ) -> Vec<(String, Option<&Occurrence>)> {
        let defined = |kind| {
            self.defined(kind)
                .into_iter()
                .map(|o| (o.symbol.id.clone(), Some(o)))
                .collect::<Vec<_>>()
        };
        match expect {
            Expect::Member => defined(SymbolKind::Member),
            Expect::Person => {
                let mut out = defined(SymbolKind::Member);
                for team in self.defined(SymbolKind::Team) {
                    let id = &team.symbol.id;
                    out.push((Reference::Team(id.as_str().into()).to_string(), Some(team)));
                    let roles = model
                        .team(id)
                        .map(|t| roles_in(model, t))
                        .unwrap_or_default();
                    for role in roles {
                        let reference = Reference::role_of(id, role);
                        out.push((reference.to_string(), Some(team)));
                    }
                }
                out
            }
            Expect::TeamMember => {
                // Its members, and the people its `also` names.
                let also: Vec<&str> = self
                    .occurrences
                    .iter()
                    .filter(|o| o.doc == doc && o.pointer.starts_with("/also/"))
                    .map(|o| o.symbol.id.as_str())
                    .collect();
                defined(SymbolKind::Member)
                    .into_iter()
                    .filter(|(id, o)| {
                        o.is_some_and(|o| o.doc == doc) || also.contains(&id.as_str())
                    })
                    .collect()
            }
            Expect::Pipeline => defined(SymbolKind::Pipeline),
            Expect::Calendar => {
                let mut out: Vec<(String, Option<&Occurrence>)> = BUILTIN_CALENDARS
                    .iter()
                    .map(|c| (c.to_string(), None))
                    .collect();
                out.extend(defined(SymbolKind::Calendar));
                out
            }
        }
    }
}

/// The string values at the pattern's pointers under `value`.
fn expand<'v>(value: &'v Value, tokens: &[&str], prefix: String, out: &mut Vec<(String, &'v str)>) {
    match tokens.split_first() {
        None => {
            if let Some(text) = value.as_str() {
                out.push((prefix, text));
            }
        }
        Some((&"*", rest)) => {
            for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                expand(item, rest, format!("{prefix}/{i}"), out);
            }
        }
        Some((key, rest)) => {
            if let Some(child) = value.as_object().and_then(|m| m.get(*key)) {
                expand(child, rest, format!("{prefix}/{key}"), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_match_list_indices_only_where_a_star_is() {
        assert_eq!(
            site(Kind::Rotation, "/roster/3"),
            Some(Site::Refers(Expect::Member))
        );
        assert_eq!(site(Kind::Rotation, "/roster/x"), None);
        assert_eq!(site(Kind::Rotation, "/roster"), None);
        assert_eq!(site(Kind::Pipeline, "/roster/0"), None);
        assert_eq!(
            site(Kind::Team, "/members/0/id"),
            Some(Site::Defines(SymbolKind::Member))
        );
    }

    #[test]
    fn person_references_name_a_member_or_a_team() {
        let kind_and_id = |text| person(text).map(|s| (s.kind, s.id));
        assert_eq!(
            kind_and_id("emily"),
            Some((SymbolKind::Member, "emily".into()))
        );
        assert_eq!(
            kind_and_id("team:finance/profit-analyst"),
            Some((SymbolKind::Team, "finance".into()))
        );
        assert_eq!(
            kind_and_id("team:finance"),
            Some((SymbolKind::Team, "finance".into()))
        );
        assert_eq!(kind_and_id("team:"), None);
    }
}
