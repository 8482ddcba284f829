use super::{Context, Params, Rule};
use crate::did_you_mean::did_you_mean;
use crate::document::DocId;
use crate::finding::{Diagnostic, Location};
use crate::schedule::holidays::BUILTIN_CALENDARS;

pub static RULE: Rule = Rule {
    id: "unknown-reference",
    summary:
        "An owner, roster entry, override, lead, covered pipeline or calendar names nothing defined",
    explanation: r#"## What it checks
Every id that refers to something resolves:
- pipeline `owners.primary`, `owners.secondary` and `escalation.major_incident`,
  rotation `roster` entries, `shifts[].primary`/`secondary` and
  `overrides[].primary`/`secondary` name a team member;
- a team's `lead` is a member of that team;
- rotation `covers` entries name a pipeline;
- rotation `holidays.calendar` is `us-federal`, `us-major` or the id of a
  Holidays document.

## Why
A typo in an id silently drops a person from the rotation or leaves a pipeline
with an owner nobody can page.

## Example
```yaml
owners:
  primary: emilly      # no member `emilly`; did you mean `emily`?
  secondary: john
```

## How to fix
Correct the id (the help line suggests the closest one) or define the missing
member, pipeline or calendar.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let known = &model.known;
    let member = |out: &mut Vec<Diagnostic>, doc: DocId, pointer: String, id: &str, what: &str| {
        if !known.members.contains_key(id) {
            out.push(unknown(
                doc,
                pointer,
                id,
                "member",
                what,
                known.members.keys().map(String::as_str),
            ));
        }
    };
    for team in &model.teams {
        if let Some(lead) = &team.item.lead {
            if !team.item.members.iter().any(|m| &m.id == lead) {
                let names = team.item.members.iter().map(|m| m.id.as_str());
                out.push(unknown(
                    team.doc,
                    "/lead".into(),
                    lead,
                    "member",
                    &format!("lead of team `{}`", team.item.id),
                    names,
                ));
            }
        }
    }
    for p in &model.pipelines {
        let what = |field: &str| format!("{field} of pipeline `{}`", p.item.id);
        member(
            out,
            p.doc,
            "/owners/primary".into(),
            &p.item.owners.primary,
            &what("primary owner"),
        );
        member(
            out,
            p.doc,
            "/owners/secondary".into(),
            &p.item.owners.secondary,
            &what("secondary owner"),
        );
        if let Some(target) = p
            .item
            .escalation
            .as_ref()
            .and_then(|e| e.major_incident.as_ref())
        {
            member(
                out,
                p.doc,
                "/escalation/major_incident".into(),
                target,
                &what("major-incident contact"),
            );
        }
    }
    for r in &model.rotations {
        let rot = &r.item;
        let what = |field: &str| format!("{field} of rotation `{}`", rot.id);
        for (i, id) in rot.covers.iter().enumerate() {
            if !known.pipelines.contains_key(id) {
                out.push(unknown(
                    r.doc,
                    format!("/covers/{i}"),
                    id,
                    "pipeline",
                    &what("covered pipeline"),
                    known.pipelines.keys().map(String::as_str),
                ));
            }
        }
        for (i, id) in rot.roster.iter().flatten().enumerate() {
            member(
                out,
                r.doc,
                format!("/roster/{i}"),
                id,
                &what("roster entry"),
            );
        }
        for (i, shift) in rot.shifts.iter().flatten().enumerate() {
            member(
                out,
                r.doc,
                format!("/shifts/{i}/primary"),
                &shift.primary,
                &what("shift primary"),
            );
            if let Some(s) = &shift.secondary {
                member(
                    out,
                    r.doc,
                    format!("/shifts/{i}/secondary"),
                    s,
                    &what("shift secondary"),
                );
            }
        }
        for (i, o) in rot.overrides.iter().enumerate() {
            if let Some(p) = &o.primary {
                member(
                    out,
                    r.doc,
                    format!("/overrides/{i}/primary"),
                    p,
                    &what("override primary"),
                );
            }
            if let Some(s) = &o.secondary {
                member(
                    out,
                    r.doc,
                    format!("/overrides/{i}/secondary"),
                    s,
                    &what("override secondary"),
                );
            }
        }
        if let Some(h) = &rot.holidays {
            let builtin = BUILTIN_CALENDARS.contains(&h.calendar.as_str());
            if !builtin && !known.calendars.contains_key(&h.calendar) {
                let candidates = BUILTIN_CALENDARS
                    .iter()
                    .copied()
                    .chain(known.calendars.keys().map(String::as_str));
                out.push(unknown(
                    r.doc,
                    "/holidays/calendar".into(),
                    &h.calendar,
                    "calendar",
                    &what("holiday calendar"),
                    candidates,
                ));
            }
        }
    }
}

fn unknown<'a>(
    doc: DocId,
    pointer: String,
    id: &str,
    noun: &str,
    what: &str,
    candidates: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let mut sorted: Vec<&str> = candidates.clone().collect();
    sorted.sort_unstable();
    sorted.dedup();
    let help = match did_you_mean(id, sorted.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if sorted.is_empty() => format!("no {noun} is defined in the checked files"),
        None => {
            let shown: Vec<String> = sorted.iter().take(8).map(|s| format!("`{s}`")).collect();
            let more = if sorted.len() > 8 {
                format!(" and {} more", sorted.len() - 8)
            } else {
                String::new()
            };
            format!("known {noun}s: {}{more}", shown.join(", "))
        }
    };
    Diagnostic::new(
        Location::node(doc, pointer),
        format!("{what} is `{id}`, but no {noun} `{id}` is defined"),
    )
    .label(format!("unknown {noun}"))
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(id: &str, candidates: &[&str]) -> Option<String> {
        unknown(
            0,
            String::new(),
            id,
            "member",
            "owner",
            candidates.iter().copied(),
        )
        .help
    }

    #[test]
    fn help_lists_at_most_eight_known_ids_or_says_there_are_none() {
        assert_eq!(
            help("zed", &[]).as_deref(),
            Some("no member is defined in the checked files")
        );
        let eight = ["ana", "bo", "cy", "di", "ed", "fu", "gil", "hu"];
        assert_eq!(
            help("zed", &eight).as_deref(),
            Some("known members: `ana`, `bo`, `cy`, `di`, `ed`, `fu`, `gil`, `hu`")
        );
        let nine = [
            "ivo", "hu", "gil", "fu", "ed", "di", "cy", "bo", "ana", "ana",
        ];
        assert_eq!(
            help("zed", &nine).as_deref(),
            Some("known members: `ana`, `bo`, `cy`, `di`, `ed`, `fu`, `gil`, `hu` and 1 more")
        );
    }
}
