use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::workspace::LoadRule;

pub static RULE: Rule = Rule {
    id: "yaml-syntax",
    summary: "A file that mentions steward/v1 is not valid YAML",
    explanation: r#"## What it checks
Every YAML file that mentions `steward/v1` must parse. The finding points at
the parser's position. It also reports duplicate keys in a steward document
(YAML requires keys to be unique; most parsers silently keep the last one),
mapping keys that are lists or mappings, aliases that expand past the node
budget (an "alias bomb") and nesting deeper than 128 levels.

YAML files that do not mention `steward/v1` are skipped when they do not parse,
so templated YAML elsewhere in a repository is left alone.

## Why
A file that does not parse is not checked at all: every other rule is silent
about it, which looks exactly like a passing check.

## Example
```yaml
apiVersion: steward/v1
kind: Pipeline
id: aggregate-profit
owners: { primary: emily, secondary: john     # missing `}`
```

## How to fix
Fix the YAML at the reported position. For duplicate keys, keep one of them.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(
        ctx.workspace
            .problems
            .iter()
            .filter(|p| p.rule == LoadRule::YamlSyntax)
            .map(|p| p.diagnostic.clone()),
    );
}
