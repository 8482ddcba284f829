use std::collections::{BTreeMap, BTreeSet};

use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::{Model, Raci};
use crate::reference::{RefEntry, RefField, Reference};
use crate::resolve::{and_list, resolve, Resolved};

pub static RULE: Rule = Rule {
    id: "raci-overlap",
    summary: "One person holds two RACI roles of a pipeline",
    explanation: r#"## What it checks
Nobody is named in two of a pipeline's RACI roles — `responsible`,
`accountable`, `consulted`, `informed` — after references are resolved
(`team:finance` names every member of team `finance`, and the people its
`also` list names). Responsible and accountable may be the same person: the
one who does the work often answers for it.

The finding is on the reference in the later role (in R, A, C, I order) and
names the people and both roles; a label marks the other reference.

## Why
Each RACI role says something different about a person: does the work,
answers for it, is asked, is told. Someone accountable who is also listed as
consulted is asked for an opinion on their own decision; someone consulted
is informed anyway. An overlap is usually a copy-paste from another pipeline
or a team reference that is wider than meant.

## Example
```yaml
raci:
  responsible: team:data-eng/pipeline-owner
  accountable: team:sales/growth-analyst
  consulted: [team:sales/growth-analyst, team:support/manager]   # raci-overlap
```

## How to fix
Remove the person from the later role, or narrow a team reference to the
role that is meant (`team:sales/manager` instead of `team:sales`).
"#,
    options: None,
    check,
};

/// The four roles in RACI order, with what is said about someone holding one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Responsible,
    Accountable,
    Consulted,
    Informed,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Responsible => "responsible",
            Role::Accountable => "accountable",
            Role::Consulted => "consulted",
            Role::Informed => "informed",
        }
    }
}

/// One reference of a RACI role, resolved.
struct Holder<'m> {
    role: Role,
    pointer: String,
    resolved: Resolved<'m>,
}

fn holders<'m>(
    model: &'m Model,
    raci: &'m Raci,
    accountable: &'m Option<RefEntry>,
) -> Vec<Holder<'m>> {
    let mut out = Vec::new();
    let mut add = |role: Role, field: &'static str, entry: &'m RefEntry| {
        out.push(Holder {
            role,
            pointer: entry.pointer(field),
            resolved: Resolved {
                entry,
                resolution: resolve(model, &entry.reference),
            },
        });
    };
    let lists: [(Role, &str, Option<&'m RefField>); 3] = [
        (
            Role::Responsible,
            "/raci/responsible",
            raci.responsible.as_ref(),
        ),
        (Role::Consulted, "/raci/consulted", raci.consulted.as_ref()),
        (Role::Informed, "/raci/informed", raci.informed.as_ref()),
    ];
    for (role, field, refs) in lists {
        for entry in refs.into_iter().flat_map(RefField::iter) {
            add(role, field, entry);
        }
    }
    if let Some(entry) = accountable {
        add(Role::Accountable, "/raci/accountable", entry);
    }
    out
}

/// Most secondary labels on one finding.
const LABELS: usize = 5;

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for p in &model.pipelines {
        let Some(raci) = &p.item.raci else { continue };
        // The accountable reference is a single string; as an entry it is
        // resolved and located like the others.
        let accountable = raci.accountable.clone().map(|reference| RefEntry {
            index: None,
            reference,
        });
        let holders = holders(model, raci, &accountable);
        // Person -> the holders naming them, per role: overlaps are found
        // through the people, not by comparing every pair of references.
        let mut by_person: BTreeMap<(&str, usize), Vec<usize>> = BTreeMap::new();
        for (i, h) in holders.iter().enumerate() {
            for person in h.resolved.resolution.ids() {
                by_person
                    .entry((person, h.role as usize))
                    .or_default()
                    .push(i);
            }
        }
        let order = [
            Role::Responsible,
            Role::Accountable,
            Role::Consulted,
            Role::Informed,
        ];
        for (i, first) in order.iter().enumerate() {
            for second in &order[i + 1..] {
                if (*first, *second) == (Role::Responsible, Role::Accountable) {
                    continue;
                }
                for later in holders.iter().filter(|h| h.role == *second) {
                    let mut shared: Vec<&str> = Vec::new();
                    let mut indices: BTreeSet<usize> = BTreeSet::new();
                    for id in later.resolved.resolution.ids() {
                        if let Some(named) = by_person.get(&(id, *first as usize)) {
                            shared.push(id);
                            indices.extend(named);
                        }
                    }
                    if shared.is_empty() {
                        continue;
                    }
                    let earlier: Vec<&Holder<'_>> = indices.iter().map(|i| &holders[*i]).collect();
                    out.push(finding(p.doc, &p.item.id, *first, &earlier, later, &shared));
                }
            }
        }
    }
}

fn finding(
    doc: crate::document::DocId,
    pipeline: &str,
    first: Role,
    earlier: &[&Holder<'_>],
    later: &Holder<'_>,
    shared: &[&str],
) -> Diagnostic {
    let who = and_list(shared);
    let (one, two) = (first.name(), later.role.name());
    let same_reference = earlier
        .iter()
        .all(|h| h.resolved.reference() == later.resolved.reference());
    let message = if same_reference {
        format!(
            "{} is both {one} and {two} for pipeline `{pipeline}`",
            later.resolved.describe()
        )
    } else {
        let sources: Vec<String> = earlier.iter().map(|h| h.resolved.describe()).collect();
        let verb = if shared.len() == 1 { "is" } else { "are" };
        let verb_sources = if sources.len() == 1 { "is" } else { "are" };
        format!(
            "{who} {verb} both {one} and {two} for pipeline `{pipeline}`: {} {verb_sources} {one}; {} is {two}",
            and_list(&sources),
            later.resolved.describe()
        )
    };
    let why = match first {
        Role::Consulted => "whoever is consulted is kept informed anyway".to_string(),
        _ => format!("whoever is {one} takes part already"),
    };
    let narrow = if matches!(later.resolved.reference(), Reference::Team(_)) {
        format!("; for a team, name the role that is {two} (`team:TEAM/ROLE`)")
    } else {
        String::new()
    };
    let verb = if shared.len() == 1 { "is" } else { "are" };
    let mut d = Diagnostic::new(Location::node(doc, later.pointer.clone()), message)
        .label(format!("{who} {verb} {one} already"))
        .help(format!("drop {who} from `raci.{two}`: {why}{narrow}"));
    // The first few are enough to find the rest.
    for h in earlier.iter().take(LABELS) {
        d = d.with(
            Location::node(doc, h.pointer.clone()),
            format!("{one} here"),
        );
    }
    d
}
