use super::{Context, Params, Rule};
use crate::finding::Diagnostic;
use crate::workspace::LoadRule;

pub static RULE: Rule = Rule {
    id: "io-error",
    summary: "A file could not be read as text",
    explanation: r#"## What it checks
Every YAML file under the checked paths can be read: it is not unreadable
(permissions, a broken symlink, a directory the walk cannot enter), not larger
than the size limit (`--max-file-size`, 16 MiB by default) and, when it
mentions `steward/`, it is UTF-8 text (or UTF-16 with a byte-order mark).

## Why
A file steward cannot read is a file it cannot check. Reporting it keeps a
broken checkout or a binary file with a `.yaml` name from passing silently.

## Example
`chmod 000 teams/data-eng.yaml` makes `steward check` report
`cannot read `teams/data-eng.yaml`: permission denied`.

## How to fix
Make the file readable, split oversized files, or save the file as UTF-8.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(
        ctx.workspace
            .problems
            .iter()
            .filter(|p| p.rule == LoadRule::IoError)
            .map(|p| p.diagnostic.clone()),
    );
}
