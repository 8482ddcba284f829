use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::workspace::LoadRule;

pub static RULE: Rule = Rule {
    id: "schema",
    summary: "A steward document violates the JSON Schema of its kind",
    explanation: r#"## What it checks
Each steward document is validated against the JSON Schema of its kind
(`steward schema KIND` prints it). There is one finding per violation, at the
node it is about: an unknown key is reported at the key, a missing key at the
mapping that lacks it, a bad value at the value.

It also reports what a schema cannot express: an unsupported `apiVersion`
(`steward/v2`), an unknown `kind`, a document that is a list instead of a
mapping, leave that ends before it starts, a rotation whose `until` is not
after its `start`, a `time_zone` that is not an IANA zone name (with the
closest one: `Berlin` or `Europe/Berln` suggest `Europe/Berlin`), an
impossible holiday date, and a second Policy document.

## Why
Every other rule reads the typed model. A document that does not match its
schema is left out of it, so other rules cannot check it until it is fixed.

## Example
```yaml
apiVersion: steward/v1
kind: Pipeline
id: aggregate-profit
name: Aggregate profit
area: profit
audience: investor          # not one of investors, experiments, internal
owners: { primary: emily }  # missing `secondary`
```

## How to fix
Follow the help line: it names the allowed keys or values. Editors can check
files as you type with `# yaml-language-server: $schema=<path to schemas/pipeline.json>`.
Keys starting with `x-` are allowed on documents for your own annotations.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(
        ctx.workspace
            .problems
            .iter()
            .filter(|p| p.rule == LoadRule::Schema)
            .map(|p| p.diagnostic.clone()),
    );
    out.extend(ctx.schema.diagnostics.iter().cloned());
    out.extend(ctx.model.problems.iter().cloned());
}
