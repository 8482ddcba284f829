use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::runbook::RunbookProblem;

pub static RULE: Rule = Rule {
    id: "runbook-file",
    summary: "A runbook path does not exist, is not a file, or leaves the repository",
    explanation: r#"## What it checks
Every `runbook:` path, resolved relative to the YAML file that names it, is a
readable regular file inside the repository root (the nearest directory above
the checked path holding `.git`, else the checked path). An absolute path, a
path whose `..` climbs out of the root, or a symlink that resolves outside it
is reported and never opened.

## Why
A runbook link that leads nowhere is found out during an incident. A path
outside the repository is not reviewed with it, and steward runs on pull
requests from people who may not be trusted: it must not read files outside
the checkout.

## Example
```yaml
# pipelines/profit.yaml
runbook: runbooks/aggregate-profit.md      # resolves to pipelines/runbooks/…: missing
runbook: ../../../etc/passwd               # leaves the repository
```

## How to fix
Point at the Markdown file relative to the YAML file (`../runbooks/x.md` from
`pipelines/`), and keep runbooks inside the repository.
"#,
    options: None,
    check,
};

fn check(ctx: &Context<'_>, _: &Params<'_>, out: &mut Vec<Diagnostic>) {
    for (index, p) in ctx.model.pipelines.iter().enumerate() {
        let Some(path) = &p.item.runbook else {
            continue;
        };
        let at = Location::node(p.doc, "/runbook");
        let Some(Err(problem)) = ctx.runbooks.get(index) else {
            continue;
        };
        let problem = problem.clone();
        let id = &p.item.id;
        let d = match problem {
            RunbookProblem::Escapes { how } => Diagnostic::new(
                at,
                format!("runbook `{path}` of pipeline `{id}` leaves the repository: {how}"),
            )
            .label("outside the repository; not read")
            .help("keep runbooks inside the repository and give a path relative to this YAML file"),
            RunbookProblem::Missing { resolved } => Diagnostic::new(
                at,
                format!(
                    "runbook `{path}` of pipeline `{id}` does not exist (looked for `{resolved}`)"
                ),
            )
            .label("no such file")
            .help("runbook paths are relative to the YAML file that names them"),
            RunbookProblem::NotAFile { what } => {
                Diagnostic::new(at, format!("runbook `{path}` of pipeline `{id}` is {what}"))
                    .label("not a file")
                    .help("point at the runbook's Markdown file")
            }
            RunbookProblem::Unreadable { reason } => Diagnostic::new(
                at,
                format!("runbook `{path}` of pipeline `{id}` cannot be read: {reason}"),
            )
            .label("unreadable")
            .help("make the file readable"),
        };
        out.push(d);
    }
}
