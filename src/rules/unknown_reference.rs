use super::{Context, Params, Rule};
use crate::did_you_mean::{did_you_mean, only_close};
use crate::document::DocId;
use crate::finding::{Diagnostic, Location};
use crate::fix::{Change, Fix};
use crate::model::{Model, Team};
use crate::reference::Reference;
use crate::resolve::{and_list, pipeline_references, resolve, roles_in, Problem};
use crate::schedule::holidays::BUILTIN_CALENDARS;

pub static RULE: Rule = Rule {
    id: "unknown-reference",
    summary:
        "An owner, roster entry, override, lead, covered pipeline or calendar names nothing defined",
    explanation: r#"## What it checks
Every id that refers to something resolves:
- a pipeline's references — `owners.primary`, `owners.secondary`,
  `escalation.major_incident` and `raci.responsible`, `accountable`,
  `consulted`, `informed` — name somebody: a member id (`emily`) names a
  member of some team; `team:finance` names a team that has people (its
  `members`, or those its `also` lists); `team:finance/profit-analyst` names
  a team with at least one person whose `roles` include `profit-analyst`;
- rotation `roster` entries, `shifts[].primary`/`secondary` and
  `overrides[].primary`/`secondary` name a team member;
- a team's `also` entries name members of other teams, and its `lead` is one
  of its people (in `members` or `also`);
- rotation `covers` entries name a pipeline;
- rotation `holidays.calendar` is `us-federal`, `us-major` or the id of a
  Holidays document.

## Why
A typo in an id silently drops a person from the rotation or leaves a pipeline
with an owner nobody can page.

## Example
```yaml
owners:
  primary: emilly                   # no member `emilly`; did you mean `emily`?
  secondary: team:finance/analist   # team `finance` has no member with role `analist`
```

## How to fix
Correct the id (the help line suggests the closest one; for a role, it lists
the team's roles) or define the missing member, team, role, pipeline or
calendar.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let known = &model.known;
    // A team reference where only people go is the schema's finding (§14.6).
    // Pointer and description are formatted for findings only: a workspace
    // names thousands of people in shifts, and the editor checks at every
    // keystroke.
    let member = |out: &mut Vec<Diagnostic>,
                  doc: DocId,
                  pointer: &dyn Fn() -> String,
                  id: &str,
                  what: &dyn Fn() -> String| {
        if !known.members.contains_key(id) && !id.starts_with("team:") {
            out.push(unknown_member(model, doc, pointer(), id, &what()));
        }
    };
    for team in &model.teams {
        let t = &team.item;
        if let Some(lead) = &t.lead {
            let in_team = t.members.iter().any(|m| &m.id == lead) || t.also.contains(lead);
            if !in_team {
                out.push(lead_outside(model, team.doc, t, lead));
            }
        }
        for (i, id) in t.also.iter().enumerate() {
            member(out, team.doc, &|| format!("/also/{i}"), id, &|| {
                format!("`also` entry of team `{}`", t.id)
            });
        }
    }
    for p in &model.pipelines {
        for named in pipeline_references(&p.item) {
            let Some(problem) = resolve(model, named.reference).problem else {
                continue;
            };
            let what = format!("{} of pipeline `{}`", named.field.what(), p.item.id);
            if let Some(d) = unresolved(
                model,
                p.doc,
                named.pointer(),
                named.reference,
                problem,
                &what,
            ) {
                out.push(d);
            }
        }
    }
    for r in &model.rotations {
        let rot = &r.item;
        let what = |field: &str| format!("{field} of rotation `{}`", rot.id);
        for (i, id) in rot.covers.iter().enumerate() {
            if !known.pipelines.contains_key(&**id) {
                out.push(unknown(
                    r.doc,
                    format!("/covers/{i}"),
                    id,
                    id,
                    "pipeline",
                    &what("covered pipeline"),
                    known.pipelines.keys().map(|k| &**k),
                ));
            }
        }
        for (i, id) in rot.roster.iter().flatten().enumerate() {
            member(out, r.doc, &|| format!("/roster/{i}"), id, &|| {
                what("roster entry")
            });
        }
        for (i, shift) in rot.shifts.iter().flatten().enumerate() {
            member(
                out,
                r.doc,
                &|| format!("/shifts/{i}/primary"),
                &shift.primary,
                &|| what("shift primary"),
            );
            if let Some(s) = &shift.secondary {
                member(out, r.doc, &|| format!("/shifts/{i}/secondary"), s, &|| {
                    what("shift secondary")
                });
            }
        }
        for (i, o) in rot.overrides.iter().enumerate() {
            if let Some(p) = &o.primary {
                member(
                    out,
                    r.doc,
                    &|| format!("/overrides/{i}/primary"),
                    p,
                    &|| what("override primary"),
                );
            }
            if let Some(s) = &o.secondary {
                member(
                    out,
                    r.doc,
                    &|| format!("/overrides/{i}/secondary"),
                    s,
                    &|| what("override secondary"),
                );
            }
        }
        if let Some(h) = &rot.holidays {
            let builtin = BUILTIN_CALENDARS.contains(&h.calendar.as_str());
            if !builtin && !known.calendars.contains_key(h.calendar.as_str()) {
                let candidates = BUILTIN_CALENDARS
                    .iter()
                    .copied()
                    .chain(known.calendars.keys().map(|k| &**k));
                out.push(unknown(
                    r.doc,
                    "/holidays/calendar".into(),
                    &h.calendar,
                    &h.calendar,
                    "calendar",
                    &what("holiday calendar"),
                    candidates,
                ));
            }
        }
    }
}

/// A team's `lead` who is not one of its people: someone defined in another
/// team (not in this one's `also`), or nobody at all.
fn lead_outside(model: &Model, doc: DocId, team: &Team, lead: &str) -> Diagnostic {
    let what = format!("lead of team `{}`", team.id);
    let names: Vec<&str> = team
        .members
        .iter()
        .map(|m| m.id.as_str())
        .chain(team.also.iter().map(String::as_str))
        .collect();
    let people = if names.is_empty() {
        format!("team `{}` has no members", team.id)
    } else {
        let mut sorted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        sorted.sort_unstable();
        sorted.dedup();
        format!("its people: {}", and_list(&sorted))
    };
    if model.known.members.contains_key(lead) {
        // Defined, but in another team: the id is right, the team is not.
        let home = model
            .home_team(lead)
            .map(|home| format!(" (a member of team `{}`)", home.item.id))
            .unwrap_or_default();
        return Diagnostic::new(
            Location::node(doc, "/lead"),
            format!("{what} is `{lead}`{home}, who is not in team `{}`", team.id),
        )
        .label(format!("not in team `{}`", team.id))
        .help(format!(
            "a lead is one of the team's people: add `{lead}` to team `{}`'s `also`, or make one of them lead; {people}",
            team.id
        ));
    }
    let d = unknown(
        doc,
        "/lead".into(),
        lead,
        lead,
        "member",
        &what,
        names.iter().copied(),
    );
    if names.is_empty() {
        let mut d = d.help(format!(
            "{people}: add `{lead}` to its `members`, or name another lead"
        ));
        d.fix = None;
        return d;
    }
    d
}

/// A reference that names nobody (`problem`), as a finding; `None` when it
/// names something whose document did not load: its schema findings say why.
fn unresolved(
    model: &Model,
    doc: DocId,
    pointer: String,
    reference: &Reference,
    problem: Problem<'_>,
    what: &str,
) -> Option<Diagnostic> {
    let written = reference.to_string();
    let nobody = |message: String, help: String| {
        Diagnostic::new(
            Location::node(doc, pointer.clone()),
            format!("{what} is `{written}`, but {message}"),
        )
        .label("resolves to nobody")
        .help(help)
    };
    Some(match (problem, reference) {
        (Problem::NotLoaded, _) => return None,
        (Problem::UnknownMember, _) => unknown_member(model, doc, pointer, &written, what),
        (Problem::UnknownTeam, _) => {
            let team = reference.team().unwrap_or_default();
            let d = unknown(
                doc,
                pointer,
                &written,
                team,
                "team",
                what,
                model.known.teams.keys().map(|k| &**k),
            );
            if matches!(reference, Reference::Team(_)) && model.known.members.contains_key(team) {
                // A person written as a team (`team:emily`): the member is
                // the likely meaning, not a team with a similar name.
                let mut d = d.help(format!(
                    "`{team}` is a member: write `{team}` without `team:`"
                ));
                d.fix = None;
                return Some(d);
            }
            d
        }
        (Problem::NoMembers(team), _) => nobody(
            format!("team `{}` has no members", team.item.id),
            format!(
                "add members to team `{}` (or name them in its `also`), or name another team",
                team.item.id
            ),
        ),
        (Problem::NoRole(team), Reference::Role(named)) => {
            let role = &named.role;
            let roles = roles_in(model, team);
            let add = format!("or add `{role}` to the `roles` of the members who hold it");
            let help = match did_you_mean(role, roles.iter().copied()) {
                Some(best) => format!(
                    "did you mean `team:{}/{best}`? team `{}`'s roles: {}",
                    team.item.id,
                    team.item.id,
                    ticked(&roles)
                ),
                None if roles.is_empty() => format!(
                    "no one in team `{}` has `roles`; add `roles: [{role}]` to the members who hold it",
                    team.item.id
                ),
                None => format!("team `{}`'s roles: {}; {add}", team.item.id, ticked(&roles)),
            };
            let d = nobody(
                format!("team `{}` has no member with role `{role}`", team.item.id),
                help,
            );
            match only_close(role, roles.iter().copied()) {
                Some(best) => d.fix(replacement(
                    doc,
                    &pointer,
                    &written,
                    &format!("team:{}/{best}", team.item.id),
                )),
                None => d,
            }
        }
        (Problem::NoRole(_), _) => return None,
    })
}

fn ticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_member(model: &Model, doc: DocId, pointer: String, id: &str, what: &str) -> Diagnostic {
    let d = unknown(
        doc,
        pointer,
        id,
        id,
        "member",
        what,
        model.known.members.keys().map(|k| &**k),
    );
    if model.known.teams.contains_key(id) {
        // A team written where a person was meant (or `team:` forgotten):
        // no member is the likely meaning.
        let mut d = d.help(format!(
            "`{id}` is a team: write `team:{id}` for all its members"
        ));
        d.fix = None;
        return d;
    }
    d
}

/// The unsafe fix that writes `to` where `written` is.
fn replacement(doc: DocId, pointer: &str, written: &str, to: &str) -> Fix {
    Fix::unsafe_(
        format!("replace `{written}` with `{to}`"),
        Change::Replace {
            doc,
            pointer: pointer.to_string(),
            from: written.to_string(),
            to: to.to_string(),
        },
    )
}

/// `written` names a `noun` with id `id` that does not exist.
fn unknown<'a>(
    doc: DocId,
    pointer: String,
    written: &str,
    id: &str,
    noun: &str,
    what: &str,
    candidates: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let mut sorted: Vec<&str> = candidates.clone().collect();
    sorted.sort_unstable();
    sorted.dedup();
    // A candidate as it would be written in place of `written`: in a
    // `team:` reference, the team part replaced.
    let as_written = |best: &str| -> Option<String> {
        if written == id {
            Some(best.to_string())
        } else {
            let rest = written.strip_prefix("team:")?.strip_prefix(id)?;
            Some(format!("team:{best}{rest}"))
        }
    };
    // The only close id, written where the unknown one is: the fix's
    // replacement, and so also what the help suggests first.
    let fixed = only_close(id, sorted.iter().copied()).and_then(as_written);
    let suggested = fixed.clone().or_else(|| {
        did_you_mean(id, sorted.iter().copied())
            .map(|best| as_written(best).unwrap_or_else(|| best.to_string()))
    });
    let help = match suggested {
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
    let d = Diagnostic::new(
        Location::node(doc, pointer.clone()),
        format!("{what} is `{written}`, but no {noun} `{id}` is defined"),
    )
    .label(format!("unknown {noun}"))
    .help(help);
    match fixed {
        Some(to) => d.fix(replacement(doc, &pointer, written, &to)),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(id: &str, candidates: &[&str]) -> Option<String> {
        unknown(
            0,
            String::new(),
            id,
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
        // The one id a fix would write is suggested, however unlike it looks.
        assert_eq!(help("zed", &eight).as_deref(), Some("did you mean `ed`?"));
        assert_eq!(
            help("zzz", &eight).as_deref(),
            Some("known members: `ana`, `bo`, `cy`, `di`, `ed`, `fu`, `gil`, `hu`")
        );
        let nine = [
            "ivo", "hu", "gil", "fu", "ed", "di", "cy", "bo", "ana", "ana",
        ];
        assert_eq!(
            help("zzz", &nine).as_deref(),
            Some("known members: `ana`, `bo`, `cy`, `di`, `ed`, `fu`, `gil`, `hu` and 1 more")
        );
    }
}
