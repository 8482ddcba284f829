use super::{no_check, Rule};

pub static RULE: Rule = Rule {
    id: "broad-ignore",
    summary: "A suppression comment without a subject hides findings about more than one person",
    explanation: r#"## What it checks
Findings about one person (someone on call while on leave, primary twice in
a row or in two rotations at once, primary and secondary of one shift, the
most-loaded member of an uneven rotation, a holiday without cover) carry
that person as their subject. A suppression can be scoped to subjects:
`# steward: ignore[unavailable-on-call(b)]` hides only the findings about
`b`; `ignore[unavailable-on-call(b, c)]` those about `b` and `c`.

A suppression without a subject that hides findings of one rule about more
than one person is reported at the comment, naming everyone it hides. A
scoped suppression that matches nothing is `unused-ignore`.

## Why
A roster written on one line (`roster: [a, b, c, d]`) puts every member's
findings on that line. A comment written for one person's trip then also
hides everyone else's leave conflicts, on every date, now and later: the
suppression decides far more than its author meant to.

## Example
```yaml
roster: [a, b, c, d]  # steward: ignore[unavailable-on-call] b's trip
# hides the leave conflicts of b, c and d
```

## How to fix
Scope the suppression to the person it is about:
`# steward: ignore[unavailable-on-call(b)] b's trip`. When it really is
meant for several people, name each of them: `ignore[unavailable-on-call(b, c)]`.
"#,
    options: None,
    // Findings come from the suppression stage, which runs after every rule.
    check: no_check,
};
