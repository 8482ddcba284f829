use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::model::OnCall;

pub static RULE: Rule = Rule {
    id: "on-call-coverage",
    summary: "A pipeline that needs on-call (by default, one reporting to investors) is covered by no rotation",
    explanation: r#"## What it checks
Every pipeline that needs someone on call appears in the `covers:` list of
at least one Rotation. A pipeline says when it needs on-call with
`on_call`: `none`, `always`, or a window (`weekdays`, `month_days`,
`hours`, optionally `time_zone`). Without it, a pipeline with `audience:
investors` needs on-call always and any other none. The finding is on
`on_call`, or on `audience` when the pipeline relies on the default.
Whether the covering rotations are on duty whenever the window needs them
is `coverage-window`'s question.

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
When the pipeline deliberately has nobody on call ("issues are debugged
during business hours"), say so: `on_call: none`.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for p in &model.pipelines {
        let on_call = p.item.on_call();
        if on_call == OnCall::None || model.is_covered(&p.item.id) {
            continue;
        }
        let help = match model.rotations.first() {
            Some(r) => format!(
                "add `{}` to the `covers:` of rotation `{}`",
                p.item.id, r.item.id
            ),
            None => format!("define a Rotation whose `covers:` includes `{}`", p.item.id),
        };
        let mut d = match (p.item.on_call_written.as_deref(), &on_call) {
            (None, _) => Diagnostic::new(
                Location::node(p.doc, "/audience"),
                format!(
                    "pipeline `{}` reports to investors but no rotation covers it",
                    p.item.id
                ),
            )
            .label("reports to investors"),
            (Some(_), OnCall::Window { window, .. }) => Diagnostic::new(
                Location::node(p.doc, "/on_call"),
                format!(
                    "pipeline `{}` needs someone on call ({}) but no rotation covers it",
                    p.item.id,
                    window.describe()
                ),
            )
            .label("needs on-call"),
            (Some(_), _) => Diagnostic::new(
                Location::node(p.doc, "/on_call"),
                format!(
                    "pipeline `{}` needs someone on call always but no rotation covers it",
                    p.item.id
                ),
            )
            .label("needs on-call"),
        }
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
