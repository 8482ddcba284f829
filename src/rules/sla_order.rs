use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};

pub static RULE: Rule = Rule {
    id: "sla-order",
    summary:
        "SLA thresholds are out of order: warn_after > alarm_after or alarm_after > resolve_within",
    explanation: r#"## What it checks
A pipeline's SLA escalates in order: `warn_after` ≤ `alarm_after` ≤
`resolve_within`. Durations are compared by their length (`48h` < `7d` =
`1w`), not as text. Thresholds that are absent are skipped: with no
`alarm_after`, `warn_after` is compared with `resolve_within`.

## Why
An alarm that fires before the warning, or a resolution deadline that passes
before anyone is alarmed, means the thresholds were mistyped, and the
escalation the SLA promises never happens.

## Example
```yaml
sla:
  warn_after: 48h
  alarm_after: 24h      # sla-order: the alarm fires before the warning
  resolve_within: 1w
```

## How to fix
Swap or correct the thresholds so each is at least as long as the one before.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        let Some(sla) = &p.item.sla else { continue };
        let present: Vec<(&str, crate::model::Duration)> = [
            ("warn_after", sla.warn_after),
            ("alarm_after", sla.alarm_after),
            ("resolve_within", sla.resolve_within),
        ]
        .into_iter()
        .filter_map(|(name, d)| d.map(|d| (name, d)))
        .collect();
        for pair in present.windows(2) {
            let [(early_name, early), (late_name, late)] = pair else {
                continue;
            };
            if early <= late {
                continue;
            }
            // Quote the thresholds as written (`48h`, not `2d`): the source text.
            let written = |name: &str, fallback: &crate::model::Duration| {
                ctx.workspace
                    .span_of(&Location::node(p.doc, format!("/sla/{name}")))
                    .and_then(|(file, span)| {
                        let text = ctx
                            .workspace
                            .files
                            .get(file)?
                            .text()?
                            .get(span.start..span.end)?;
                        Some(text.trim_matches(['"', '\'']).to_string())
                    })
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| fallback.to_string())
            };
            let (early, late) = (written(early_name, early), written(late_name, late));
            out.push(
                Diagnostic::new(
                    Location::node(p.doc, format!("/sla/{early_name}")),
                    format!(
                        "SLA of pipeline `{}`: {early_name} ({early}) is longer than {late_name} ({late})",
                        p.item.id
                    ),
                )
                .label(format!("longer than {late_name}"))
                .with(Location::node(p.doc, format!("/sla/{late_name}")), format!("{late_name} is {late}"))
                .help(format!("{early_name} must be at most {late_name}: swap or correct them")),
            );
        }
    }
}
