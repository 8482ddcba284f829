use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::Audience;

pub static RULE: Rule = Rule {
    id: "on-call-coverage",
    summary: "A pipeline that reports to investors is covered by no rotation",
    explanation: r#"## What it checks
Every pipeline with `audience: investors` appears in the `covers:` list of at
least one Rotation. The finding is on `audience`.

## Why
A pipeline no rotation covers has nobody on call for it: its failures wait for
office hours, however close the investor report is.

## Example
```yaml
# rotations/oncall.yaml
covers: [aggregate-profit, aggregate-growth]
# pipelines/engagement.yaml
id: aggregate-engagement
audience: investors       # on-call-coverage: not in any `covers`
```

## How to fix
Add the pipeline's id to the `covers:` of the rotation that is on call for it.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for p in &model.pipelines {
        if p.item.audience != Audience::Investors || model.covered.contains(&p.item.id) {
            continue;
        }
        let help = match model.rotations.first() {
            Some(r) => format!(
                "add `{}` to the `covers:` of rotation `{}`",
                p.item.id, r.item.id
            ),
            None => format!("define a Rotation whose `covers:` includes `{}`", p.item.id),
        };
        let mut d = Diagnostic::new(
            Location::node(p.doc, "/audience"),
            format!(
                "pipeline `{}` reports to investors but no rotation covers it",
                p.item.id
            ),
        )
        .label("reports to investors")
        .help(help);
        if let Some(r) = model.rotations.first() {
            d = d.with(
                Location::node(r.doc, "/covers"),
                format!("rotation `{}` covers", r.item.id),
            );
        }
        out.push(d);
    }
}
