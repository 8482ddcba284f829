use std::collections::HashMap;

use serde_json::Value;

use super::{Context, Params, Rule};
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
    let mut documents: HashMap<(&str, &str), Location> = HashMap::new();
    let mut members: HashMap<&str, Location> = HashMap::new();
    for (doc_id, doc) in ctx.workspace.documents.iter().enumerate() {
        let Some(kind) = doc.kind else { continue };
        if let Some(id) = doc.id() {
            let here = Location::node(doc_id, "/id");
            match documents.get(&(kind.as_str(), id)) {
                Some(first) => out.push(
                    Diagnostic::new(here, format!("{kind} id `{id}` is already used"))
                        .label("duplicate id")
                        .with(first.clone(), "first defined here")
                        .help(format!("ids are unique per kind across the workspace; rename this {kind} or remove the copy")),
                ),
                None => {
                    documents.insert((kind.as_str(), id), here);
                }
            }
        }
        let list = doc.value.get("members").and_then(Value::as_array);
        for (i, member) in list.into_iter().flatten().enumerate() {
            let Some(id) = member.get("id").and_then(Value::as_str) else {
                continue;
            };
            let here = Location::node(doc_id, format!("/members/{i}/id"));
            match members.get(id) {
                Some(first) => out.push(
                    Diagnostic::new(here, format!("member id `{id}` is already used"))
                        .label("duplicate member")
                        .with(first.clone(), "first defined here")
                        .help("a member id is unique across all teams; give each person one id"),
                ),
                None => {
                    members.insert(id, here);
                }
            }
        }
    }
}
