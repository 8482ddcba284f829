use super::{no_check, Rule};

pub static RULE: Rule = Rule {
    id: "unused-ignore",
    summary: "A suppression comment suppresses nothing",
    explanation: r#"## What it checks
Every `# steward: ignore[rule-id]` comment suppresses at least one finding of
each rule it names. A comment that names an unknown rule, a rule that reports
nothing on that line, or a rule switched off by the policy is reported.

## Why
Suppressions outlive the problems they hid. A stale one hides the next real
finding on that line without anyone deciding it should.

## Example
```yaml
owners:
  primary: emily   # steward: ignore[distinct-owners] owners differ now
  secondary: john
```

## How to fix
Delete the comment, or remove the rule ids that no longer apply.
"#,
    options: None,
    // Findings come from the suppression stage, which runs after every rule.
    check: no_check,
};
