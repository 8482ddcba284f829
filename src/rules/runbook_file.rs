use super::{Context, Params, Rule};
use crate::finding::{Diagnostic, Location};
use crate::fix::{Change, Fix};
use crate::runbook::{Escape, RunbookProblem};

pub static RULE: Rule = Rule {
    id: "runbook-file",
    summary: "A runbook path does not exist, is not a file, or leaves the repository",
    explanation: r#"## What it checks
Every `runbook:` path, resolved relative to the YAML file that names it, is a
readable regular file inside the repository root (the nearest directory above
the checked path holding `.git`, else the checked path). An absolute path, a
path whose `..` climbs out of the root, or a symlink that resolves outside it
is reported and never opened. A URL (`https://wiki/…`) is reported as one:
runbooks are files reviewed with the YAML, not web pages.

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
runbook: https://wiki.example.com/profit   # a URL, not a file
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
        // An empty path is the schema's finding (`runbook` must not be
        // empty), not a directory named by it.
        if path.is_empty() {
            continue;
        }
        let at = Location::node(p.doc, "/runbook");
        let Some(Err(problem)) = ctx.runbooks.get(index) else {
            continue;
        };
        let id = &p.item.id;
        let d = match problem {
            RunbookProblem::Url { inside } => Diagnostic::new(
                at,
                format!(
                    "runbook `{path}` of pipeline `{id}` is a URL: a runbook is a Markdown file inside {}",
                    inside.noun()
                ),
            )
            .label("a URL, not a file")
            .help(format!(
                "commit the runbook as Markdown (`runbooks/{id}.md`, relative to this YAML file) and link the page from it"
            )),
            RunbookProblem::Absolute { inside, root } => Diagnostic::new(
                at,
                format!("runbook `{path}` of pipeline `{id}` is an absolute path"),
            )
            .label("absolute path; not read")
            .help(format!(
                "give the path relative to this YAML file, inside `{root}` ({})",
                inside.root_description()
            )),
            RunbookProblem::Escapes { how, inside, root } => {
                let how = match how {
                    Escape::DotDot => "`..` climbs out of it",
                    Escape::Symlink => "a symlink leads out of it",
                };
                Diagnostic::new(
                    at,
                    format!(
                        "runbook `{path}` of pipeline `{id}` is outside {}: {how}",
                        inside.noun()
                    ),
                )
                .label(format!("outside {}; not read", inside.short()))
                .help(format!(
                    "keep the runbook inside `{root}` ({}) and give its path relative to this YAML file",
                    inside.root_description()
                ))
            }
            RunbookProblem::Missing {
                path: missing,
                resolved,
                from_yaml_file,
            } => {
                let mut help = "runbook paths are relative to the YAML file that names them".to_string();
                if let Some(better) = from_yaml_file {
                    help.push_str(&format!(": did you mean `{better}`?"));
                }
                let d = Diagnostic::new(
                    at,
                    format!(
                        "runbook `{path}` of pipeline `{id}` does not exist (looked for `{resolved}`)"
                    ),
                )
                .label("no such file")
                .help(help);
                // A runbook elsewhere that the path probably means is not
                // replaced by a new, empty one.
                if from_yaml_file.is_some() {
                    d
                } else {
                    let sections = ctx.runbooks.required_sections();
                    d.fix(Fix::safe(
                        format!(
                            "create `{resolved}` with the required sections ({})",
                            sections.join(", ")
                        ),
                        Change::CreateRunbook {
                            path: missing.clone(),
                            doc: p.doc,
                            sections,
                        },
                    ))
                }
            }
            RunbookProblem::NotAFile { what } => {
                Diagnostic::new(at, format!("runbook `{path}` of pipeline `{id}` is {what}"))
                    .label("not a file")
                    .help("point at the runbook's Markdown file")
            }
            RunbookProblem::SymlinkLoop => Diagnostic::new(
                at,
                format!("runbook `{path}` of pipeline `{id}` cannot be read: a symlink loop"),
            )
            .label("symlink loop")
            .help("point the symlink at the runbook's Markdown file"),
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
