use foldhash::{HashMap, HashMapExt};

use super::{Context, Params, Rule};
use crate::document::{DocId, Kind};
use crate::finding::{Diagnostic, Location};

pub static RULE: Rule = Rule {
    id: "duplicate-id",
    summary: "Two documents of a kind, or two team members, share an id",
    explanation: r#"## What it checks
Every document's `id` is unique among the documents of its kind across the
whole workspace, and every member id is unique across all teams. The finding
is on the later definition, with a label on the first.

## Why
Owners, rosters and `covers` refer to things by id. With two definitions,
which one a reference means depends on file order: a rename in one file can
silently re-point every reference.

## Example
```yaml
# teams/data-eng.yaml
members:
  - { id: john, name: John Smith }
  - { id: john, name: John Doe }    # duplicate-id
```

## How to fix
Rename one of them (and the references to it), or delete the copy.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    // First definitions: the model's index of known ids holds the first
    // pipeline, team and calendar of each id (a table of every document's
    // id here was the largest allocation of a 100k-pipeline check); the few
    // rotations and policies get their own. Locations are only built for
    // duplicates.
    let known = &ctx.model.known;
    let mut others: HashMap<(Kind, &str), DocId> = HashMap::new();
    let mut members: HashMap<&str, (DocId, usize)> = HashMap::new();
    for (doc_id, doc) in ctx.workspace.documents.iter().enumerate() {
        let Some(kind) = doc.kind else { continue };
        if let Some(id) = doc.id() {
            let first = match kind {
                Kind::Pipeline => known.pipelines.get(id).copied(),
                Kind::Team => known.teams.get(id).copied(),
                Kind::Holidays => known.calendars.get(id).copied(),
                Kind::Rotation | Kind::Policy => Some(*others.entry((kind, id)).or_insert(doc_id)),
            };
            if let Some(first) = first.filter(|first| *first != doc_id) {
                out.push(
                    Diagnostic::new(Location::node(doc_id, "/id"), format!("{kind} id `{id}` is already used"))
                        .label("duplicate id")
                        .with(Location::node(first, "/id"), "first defined here")
                        .help(format!("ids are unique per kind across the workspace; rename this {kind} or remove the copy")),
                );
            }
        }
        for (i, id) in doc.refs().members.iter().enumerate() {
            let Some(id) = id.as_deref() else {
                continue;
            };
            match members.get(id) {
                Some((first_doc, first_index)) => out.push(
                    Diagnostic::new(
                        Location::node(doc_id, format!("/members/{i}/id")),
                        format!("member id `{id}` is already used"),
                    )
                    .label("duplicate member")
                    .with(
                        Location::node(*first_doc, format!("/members/{first_index}/id")),
                        "first defined here",
                    )
                    .help(if first_doc == &doc_id {
                        "a member id is unique across all teams; give each person one id".to_string()
                    } else {
                        format!(
                            "a member id is unique across all teams; if `{id}` is one person in two teams, list them in one and add `also: [{id}]` to the other team"
                        )
                    }),
                ),
                None => {
                    members.insert(id, (doc_id, i));
                }
            }
        }
    }
}
