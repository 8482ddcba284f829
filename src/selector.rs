//! Custom rule selectors: the `where` conditions of `select`, checked against
//! the selected kind's JSON Schema when the policy loads (a misspelt field or
//! an impossible value would silently select nothing) and matched against
//! documents when the rule runs.

use serde_json::Value;

use crate::did_you_mean::did_you_mean;
use crate::document::{DocId, Kind};
use crate::finding::{Diagnostic, Location};
use crate::load::yaml::escape_pointer_token;
use crate::schema;

/// One `where` entry: a dotted field path and the value it must have.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// `owners.primary` -> `["owners", "primary"]`.
    pub path: Vec<String>,
    /// A list means any of its values; `null` also matches an absent field.
    pub expected: Value,
}

impl Condition {
    /// Whether `document` has the value at the path. Lists met on the way or
    /// at the end are looked through: `covers: [a, b]` has `covers: a`, and
    /// `members.id: john` is true of a team with a member `john`.
    pub fn matches(&self, document: &Value) -> bool {
        let mut found = Vec::new();
        collect(document, &self.path, &mut found);
        let options = match &self.expected {
            Value::Array(options) => options.as_slice(),
            one => std::slice::from_ref(one),
        };
        if found.is_empty() {
            return options.iter().any(Value::is_null);
        }
        found.iter().any(|value| options.contains(value))
    }
}

fn collect<'a>(value: &'a Value, path: &[String], out: &mut Vec<&'a Value>) {
    match (value, path) {
        (Value::Array(items), _) => {
            for item in items {
                collect(item, path, out);
            }
        }
        (_, []) => out.push(value),
        (Value::Object(map), [first, rest @ ..]) => {
            if let Some(child) = map.get(first) {
                collect(child, rest, out);
            }
        }
        _ => {}
    }
}

/// Parses and checks the `where` mapping of custom rule `rule` (the `index`-th
/// in `custom:` of Policy document `doc`) against `kind`'s schema. Problems are
/// appended to `diagnostics`; `None` when a path names no field of the kind,
/// since such a rule would select the wrong documents.
pub fn conditions(
    doc: DocId,
    index: usize,
    rule: &str,
    kind: Kind,
    where_: &serde_json::Map<String, Value>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<Condition>> {
    let schema = schema::schemas()
        .ok()
        .and_then(|s| s.get(kind))
        .map(|s| &s.raw);
    let mut entries = Vec::with_capacity(where_.len());
    flatten(
        where_,
        &format!("/custom/{index}/select/where"),
        (&[], &[]),
        &mut entries,
    );
    let mut conditions = Vec::with_capacity(entries.len());
    let mut usable = true;
    for Entry { path, keys, value } in entries {
        let key = path.join(".");
        let pointer = keys.last().cloned().unwrap_or_default();
        if let Some(root) = schema {
            match walk(root, &path) {
                Walk::Open => {}
                Walk::Leaves(leaves) => {
                    check_values(doc, &pointer, rule, kind, &key, value, &leaves, diagnostics)
                }
                Walk::NoField {
                    depth,
                    keys: fields,
                    suggestion,
                } => {
                    let at = keys.get(depth).cloned().unwrap_or(pointer);
                    diagnostics.push(no_field(
                        Location::key(doc, at),
                        rule,
                        kind,
                        &path,
                        depth,
                        &fields,
                        suggestion,
                    ));
                    usable = false;
                    continue;
                }
            }
        }
        conditions.push(Condition {
            path,
            expected: value.clone(),
        });
    }
    usable.then_some(conditions)
}

/// One `where` entry, with a non-empty mapping value standing for its dotted
/// paths: `owners: { primary: john }` is `owners.primary: john` (not "owners
/// is exactly this mapping", which would rarely select anything).
struct Entry<'a> {
    path: Vec<String>,
    /// Per path segment, the pointer of the key that spells it.
    keys: Vec<String>,
    value: &'a Value,
}

fn flatten<'a>(
    map: &'a serde_json::Map<String, Value>,
    pointer: &str,
    outer: (&[String], &[String]),
    out: &mut Vec<Entry<'a>>,
) {
    for (key, value) in map {
        let at = format!("{pointer}/{}", escape_pointer_token(key));
        let mut path = outer.0.to_vec();
        let mut keys = outer.1.to_vec();
        for segment in key.split('.') {
            path.push(segment.to_string());
            keys.push(at.clone());
        }
        match value {
            Value::Object(inner) if !inner.is_empty() => flatten(inner, &at, (&path, &keys), out),
            _ => out.push(Entry { path, keys, value }),
        }
    }
}

/// Where a dotted path leads in a schema.
enum Walk<'a> {
    /// Somewhere any content is allowed (`x-` keys): nothing more to check.
    Open,
    /// The schema nodes of the field's value.
    Leaves(Vec<&'a Value>),
    /// Segment `depth` names no field; `keys` are the fields there.
    NoField {
        depth: usize,
        keys: Vec<String>,
        suggestion: Option<String>,
    },
}

fn walk<'a>(root: &'a Value, path: &[String]) -> Walk<'a> {
    let mut nodes = expand(root, root);
    for (depth, segment) in path.iter().enumerate() {
        let mut children = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for node in &nodes {
            if admits_anything(node) {
                return Walk::Open;
            }
            let properties = node.get("properties").and_then(Value::as_object);
            if let Some(properties) = properties {
                keys.extend(properties.keys().cloned());
            }
            if let Some(child) = properties.and_then(|p| p.get(segment)) {
                children.push(child);
                continue;
            }
            let by_pattern = node
                .get("patternProperties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .find(|(pattern, _)| pattern_matches(pattern, segment))
                .map(|(_, child)| child);
            if let Some(child) = by_pattern {
                children.push(child);
                continue;
            }
            match node.get("additionalProperties") {
                Some(Value::Bool(false)) => {}
                Some(child @ Value::Object(_)) => children.push(child),
                // Unlisted keys are allowed on an object schema.
                _ if admits_objects(node) => return Walk::Open,
                _ => {}
            }
        }
        if children.is_empty() {
            keys.sort_unstable();
            keys.dedup();
            let suggestion = did_you_mean(segment, keys.iter().map(String::as_str))
                .map(|best| dotted(&path[..depth], best));
            return Walk::NoField {
                depth,
                keys,
                suggestion,
            };
        }
        nodes = children
            .into_iter()
            .flat_map(|child| expand(root, child))
            .collect();
    }
    Walk::Leaves(nodes)
}

/// `node` with `$ref`s, combinators and array `items` looked through: the
/// schemas a value there may have to match (arrays are looked through like
/// `Condition::matches` looks through lists).
fn expand<'a>(root: &'a Value, node: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    expand_into(root, node, &mut out, 0);
    out
}

fn expand_into<'a>(root: &'a Value, node: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    // The embedded schemas are shallow; the bound only guards a `$ref` cycle.
    if depth > 16 {
        return;
    }
    if let Some(target) = node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| root.pointer(pointer))
    {
        expand_into(root, target, out, depth + 1);
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        for branch in node
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            expand_into(root, branch, out, depth + 1);
        }
    }
    for keyword in ["then", "else", "items"] {
        if let Some(branch) = node.get(keyword) {
            expand_into(root, branch, out, depth + 1);
        }
    }
    out.push(node);
}

/// Keywords that constrain a value; a schema with none of them accepts anything.
const CONSTRAINTS: &[&str] = &[
    "type",
    "properties",
    "patternProperties",
    "additionalProperties",
    "$ref",
    "allOf",
    "anyOf",
    "oneOf",
    "enum",
    "const",
    "items",
    "not",
    "if",
    "required",
];

/// Keywords that only send to other schemas (looked through by `expand`).
const WRAPPERS: &[&str] = &["$ref", "allOf", "anyOf", "oneOf", "items", "then", "else"];

fn admits_anything(node: &Value) -> bool {
    match node {
        Value::Bool(b) => *b,
        Value::Object(map) => !CONSTRAINTS.iter().any(|k| map.contains_key(*k)),
        _ => false,
    }
}

fn admits_objects(node: &Value) -> bool {
    match node.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        None => node.get("properties").is_some(),
        _ => false,
    }
}

/// The embedded schemas' patterns are plain regular expressions; they are
/// evaluated by the schema engine rather than a second regex dependency.
fn pattern_matches(pattern: &str, key: &str) -> bool {
    schema::compile(&serde_json::json!({ "pattern": pattern }))
        .is_ok_and(|v| v.is_valid(&Value::String(key.to_string())))
}

fn dotted(prefix: &[String], last: &str) -> String {
    prefix
        .iter()
        .map(String::as_str)
        .chain([last])
        .collect::<Vec<_>>()
        .join(".")
}

fn no_field(
    at: Location,
    rule: &str,
    kind: Kind,
    path: &[String],
    depth: usize,
    keys: &[String],
    suggestion: Option<String>,
) -> Diagnostic {
    let field = path.join(".");
    let visible: Vec<String> = keys
        .iter()
        .filter(|k| depth > 0 || (*k != "apiVersion" && *k != "kind"))
        .map(|k| format!("`{k}`"))
        .collect();
    let parent = dotted(
        &path[..depth.saturating_sub(1)],
        &path[depth.saturating_sub(1)],
    );
    let listing = match (depth, visible.is_empty()) {
        (0, _) => format!(
            "{kind} fields: {} (dotted paths reach inside fields)",
            visible.join(", ")
        ),
        (_, true) => {
            format!(
                "`{parent}` is a single value with nothing inside it: select on `{parent}` itself"
            )
        }
        (_, false) => format!("`{parent}` has {}", visible.join(", ")),
    };
    let help = match suggestion {
        Some(best) => format!("did you mean `{best}`? {listing}"),
        None => listing,
    };
    Diagnostic::new(
        at,
        format!("custom rule `{rule}` selects on `{field}`, which no {kind} has"),
    )
    .label(format!("no such {kind} field"))
    .help(help)
}

/// Reports each expected value the field's schema rules out (an `enum` or
/// `const` the value is not in): such a condition never selects anything.
#[allow(clippy::too_many_arguments)]
fn check_values(
    doc: DocId,
    pointer: &str,
    rule: &str,
    kind: Kind,
    field: &str,
    expected: &Value,
    leaves: &[&Value],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut allowed: Vec<&Value> = Vec::new();
    for leaf in leaves
        .iter()
        .filter(|l| !WRAPPERS.iter().any(|k| l.get(*k).is_some()))
    {
        match (
            leaf.get("enum").and_then(Value::as_array),
            leaf.get("const"),
        ) {
            (Some(options), _) => allowed.extend(options),
            (None, Some(one)) => allowed.push(one),
            // Some schema of the field takes other values: nothing to check.
            (None, None) => return,
        }
    }
    if allowed.is_empty() {
        return;
    }
    let (values, pointers): (Vec<&Value>, Vec<String>) = match expected {
        Value::Array(options) => options
            .iter()
            .enumerate()
            .map(|(i, v)| (v, format!("{pointer}/{i}")))
            .unzip(),
        one => (vec![one], vec![pointer.to_string()]),
    };
    let choices: Vec<String> = allowed.iter().map(|v| text(v)).collect();
    for (value, at) in values.into_iter().zip(pointers) {
        if value.is_null() || value.is_array() || value.is_object() || allowed.contains(&value) {
            continue;
        }
        let found = text(value);
        let listing = format!("`{field}` is one of: {}", choices.join(", "));
        let help = match did_you_mean(&found, choices.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`? {listing}"),
            None => listing,
        };
        diagnostics.push(
            Diagnostic::new(
                Location::node(doc, at),
                format!("custom rule `{rule}` selects `{field}: {found}`, which no {kind} has"),
            )
            .label(format!("not a possible `{field}`"))
            .help(help),
        );
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn condition(path: &str, expected: Value) -> Condition {
        Condition {
            path: path.split('.').map(str::to_string).collect(),
            expected,
        }
    }

    #[test]
    fn lists_are_looked_through_on_both_sides() {
        let rotation = json!({ "covers": ["a", "b"], "holidays": { "calendar": "us" } });
        assert!(condition("covers", json!("b")).matches(&rotation));
        assert!(condition("covers", json!(["c", "a"])).matches(&rotation));
        assert!(!condition("covers", json!(["c"])).matches(&rotation));
        assert!(condition("holidays.calendar", json!("us")).matches(&rotation));
        assert!(!condition("holidays.calendar.x", json!("us")).matches(&rotation));
        assert!(condition("runbook", Value::Null).matches(&rotation));
        assert!(condition("runbook", json!(["x", null])).matches(&rotation));
        assert!(!condition("covers", Value::Null).matches(&rotation));
        let team = json!({ "members": [{ "id": "a" }, { "id": "b", "areas": ["p"] }] });
        assert!(condition("members.id", json!("b")).matches(&team));
        assert!(condition("members.areas", json!("p")).matches(&team));
        assert!(!condition("members.areas", json!("q")).matches(&team));
    }

    #[test]
    fn paths_are_walked_through_refs_lists_and_x_keys() {
        let schema = &schema::schemas()
            .expect("schemas")
            .get(Kind::Team)
            .expect("team")
            .raw;
        let path = |p: &str| p.split('.').map(str::to_string).collect::<Vec<_>>();
        assert!(matches!(
            walk(schema, &path("members.unavailable.from")),
            Walk::Leaves(_)
        ));
        assert!(matches!(
            walk(schema, &path("x-anything.below")),
            Walk::Open
        ));
        assert!(matches!(
            walk(schema, &path("members.x-slack")),
            Walk::Leaves(_)
        ));
        assert!(matches!(
            walk(schema, &path("members.x-slack.handle")),
            Walk::Open
        ));
        match walk(schema, &path("members.unavailable.form")) {
            Walk::NoField {
                depth, suggestion, ..
            } => {
                assert_eq!(depth, 2);
                assert_eq!(suggestion.as_deref(), Some("members.unavailable.from"));
            }
            _ => panic!("`form` is no field"),
        }
    }
}
