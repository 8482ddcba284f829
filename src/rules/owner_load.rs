use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::reference::entry_pointer;

pub static RULE: Rule = Rule {
    id: "owner-load",
    summary: "A member is primary owner of more pipelines than max_primary",
    explanation: r#"## What it checks
No member is the primary owner of more than `max_primary` pipelines. By
default `max_primary` is ceil(pipelines / members) + 1: one more than a fair
share, counting all pipelines and all members. The finding is on each
pipeline beyond the limit, naming all of them.

Only members named directly in `owners.primary` (a member id, alone or in a
list) count: a team or role reference (`team:finance/profit-analyst`) is
shared ownership and counts toward nobody's load.

## Why
Primary owners do the day-to-day work on their pipelines. Concentrating them on
one person overwhelms them and makes them a single point of failure.

## Example
With 5 pipelines and 5 members the limit is 2; a member who is primary owner
of 3 pipelines gets a finding on the third.

## How to fix
Hand primary ownership of one of the pipelines to someone who owns fewer (the
help line lists the least loaded members), or raise the limit:
```yaml
rules:
  owner-load: { max_primary: 3 }
```
"#,
    options: Some(
        r#"{"max_primary": {"type": "integer", "minimum": 1, "description": "Most pipelines one member may be primary owner of (default: ceil(pipelines / members) + 1)."}}"#,
    ),
    check,
};

fn check(ctx: &Context<'_>, params: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let members = model.member_count().max(1);
    let pipelines = model.pipelines.len();
    let limit = params
        .get::<usize>("max_primary")
        .unwrap_or_else(|| pipelines.div_ceil(members) + 1);
    // Member id -> (pipeline index, index of the reference naming them):
    // pointers are built only for findings (one string per pipeline was
    // the largest allocation of the rules on a large workspace).
    let mut owned: foldhash::HashMap<&str, Vec<(usize, Option<u32>)>> =
        foldhash::HashMap::default();
    for (i, p) in model.pipelines.iter().enumerate() {
        for entry in p.item.owners.primary.iter() {
            let Some(id) = entry.reference.member() else {
                continue;
            };
            let list = owned.entry(id).or_default();
            // A member named twice in one list still owns the pipeline once.
            if list.last().is_none_or(|(last, _)| *last != i) {
                list.push((i, entry.index));
            }
        }
    }
    let mut over: Vec<(&str, &Vec<_>)> = owned
        .iter()
        .filter(|(_, list)| list.len() > limit)
        .map(|(owner, list)| (*owner, list))
        .collect();
    if over.is_empty() {
        return;
    }
    over.sort_unstable_by_key(|(owner, _)| *owner);
    // Every member by load, least first: the candidates of every finding.
    let load = |id: &str| owned.get(id).map_or(0, Vec::len);
    let mut least: Vec<(usize, &str)> = model
        .members
        .keys()
        .map(|m| (load(m), m.as_str()))
        .collect();
    least.sort_unstable();
    for (owner, list) in over {
        let names: Vec<&str> = list
            .iter()
            .map(|(i, _)| model.pipelines[*i].item.id.as_ref())
            .collect();
        let candidates: Vec<String> = least
            .iter()
            .filter(|(_, m)| *m != owner)
            .take(3)
            .map(|(n, m)| format!("{m} ({n})"))
            .collect();
        for (number, &(i, index)) in list.iter().enumerate().skip(limit) {
            let p = &model.pipelines[i];
            let mut d = Diagnostic::new(
                Location::node(p.doc, entry_pointer("/owners/primary", index)),
                format!(
                    "{owner} is primary owner of {} pipelines, more than the limit of {limit}: {}",
                    list.len(),
                    names.join(", ")
                ),
            )
            .label(format!("{owner}'s pipeline number {}", number + 1))
            .help(if candidates.is_empty() {
                "raise `max_primary` for owner-load in your Policy, or add members".to_string()
            } else {
                format!(
                    "hand this pipeline to someone with fewer: {}",
                    candidates.join(", ")
                )
            });
            if let Some((first, at)) = list.first() {
                let f = &model.pipelines[*first];
                d = d.with(
                    Location::node(f.doc, entry_pointer("/owners/primary", *at)),
                    format!("{owner}'s first pipeline"),
                );
            }
            out.push(d);
        }
    }
}
