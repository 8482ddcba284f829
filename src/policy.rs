//! Policies: which rules run, at what severity, with which parameters, plus
//! user-written (custom) rules. The builtin `default` and `strict` policies are
//! the files in `policies/`, embedded in the binary.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::document::{DocId, Kind};
use crate::finding::{Diagnostic, Location, Severity};
use crate::load::yaml::{self, YamlLimits};
use crate::rules::{self, RULES};
use crate::schema::{self, CompiledSchema};
use crate::selector::{self, Condition};

pub const DEFAULT_POLICY: &str = include_str!("../policies/default.yaml");
pub const STRICT_POLICY: &str = include_str!("../policies/strict.yaml");

/// The document id the builtin policies are read with: no workspace
/// document has it.
const BUILTIN_DOC: DocId = usize::MAX;

/// A rule's setting: its severity (`None` = off) and parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSetting {
    pub severity: Option<Severity>,
    pub params: Map<String, Value>,
}

/// A user-written rule: a selector and a JSON Schema every selected document must satisfy.
pub struct CustomRule {
    pub id: String,
    /// `None`: `severity: off`, a known rule that does not run.
    pub severity: Option<Severity>,
    pub message: Option<String>,
    pub help: Option<String>,
    pub kind: Kind,
    /// `where` conditions, all of which a selected document meets.
    pub conditions: Vec<Condition>,
    pub assert: CompiledSchema,
}

impl std::fmt::Debug for CustomRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomRule")
            .field("id", &self.id)
            .field("severity", &self.severity)
            .field("kind", &self.kind)
            .finish()
    }
}

#[derive(Debug, Default)]
pub struct Policy {
    /// `default`, `strict`, or the id of the user's Policy document.
    pub name: String,
    pub rules: BTreeMap<String, RuleSetting>,
    pub custom: Vec<CustomRule>,
}

impl Policy {
    /// The setting of a builtin rule. Every builtin rule has one: the default
    /// policy lists them all (a test enforces it).
    pub fn setting(&self, id: &str) -> Option<&RuleSetting> {
        self.rules.get(id)
    }

    pub fn severity(&self, id: &str) -> Option<Severity> {
        if let Some(s) = self.rules.get(id) {
            return s.severity;
        }
        self.custom
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.severity)
    }

    pub fn is_known_rule(&self, id: &str) -> bool {
        self.rules.contains_key(id) || self.custom.iter().any(|c| c.id == id)
    }

    /// A builtin policy by name.
    pub fn builtin(name: &str) -> Result<Policy, String> {
        let text = match name {
            "default" => DEFAULT_POLICY,
            "strict" => STRICT_POLICY,
            other => return Err(format!("unknown builtin policy `{other}`")),
        };
        let parsed = yaml::parse(text, &YamlLimits::default());
        let value = parsed
            .documents
            .into_iter()
            .next()
            .map(|d| d.value)
            .ok_or_else(|| format!("builtin policy `{name}` is empty"))?;
        let mut diagnostics = Vec::new();
        let policy = from_value(BUILTIN_DOC, &value, &mut diagnostics)?;
        if let Some(d) = diagnostics.first() {
            return Err(format!("builtin policy `{name}`: {}", d.message));
        }
        Ok(policy)
    }
}

fn parse_severity(value: &Value) -> Option<Option<Severity>> {
    match value.as_str()? {
        "error" => Some(Some(Severity::Error)),
        "warning" => Some(Some(Severity::Warning)),
        "off" => Some(None),
        _ => None,
    }
}

/// Builds a policy from a schema-valid Policy document value: its base
/// (`extends`) overlaid with its `rules`, plus its custom rules. Problems the
/// schema cannot see (an invalid custom schema) are appended to `diagnostics`.
pub fn from_value(
    doc: DocId,
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Policy, String> {
    let name = value
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("policy")
        .to_string();
    let mut policy = match value.get("extends").and_then(Value::as_str) {
        Some(base) => Policy::builtin(base)?,
        // Only the builtin default policy starts from nothing: a user's
        // Policy that happens to be called `default` extends it like any other.
        None if doc == BUILTIN_DOC && name == "default" => Policy::default(),
        None => Policy::builtin("default")?,
    };
    policy.name = name;
    if let Some(rules) = value.get("rules").and_then(Value::as_object) {
        for (id, setting) in rules {
            let entry = policy
                .rules
                .entry(id.clone())
                .or_insert_with(|| RuleSetting {
                    severity: Some(Severity::Error),
                    params: Map::new(),
                });
            match setting {
                Value::Object(map) => {
                    for (key, v) in map {
                        if key == "severity" {
                            if let Some(s) = parse_severity(v) {
                                entry.severity = s;
                            }
                        } else {
                            entry.params.insert(key.clone(), v.clone());
                        }
                    }
                }
                other => {
                    if let Some(s) = parse_severity(other) {
                        entry.severity = s;
                    }
                }
            }
        }
    }
    if doc != BUILTIN_DOC {
        drop_wordless_sections(doc, value, &mut policy, diagnostics);
    }
    if let Some(custom) = value.get("custom").and_then(Value::as_array) {
        for (i, spec) in custom.iter().enumerate() {
            if let Some(rule) = custom_rule(doc, i, spec, &policy, diagnostics) {
                policy.custom.push(rule);
            }
        }
    }
    Ok(policy)
}

/// A `runbook-sections.required` name without a letter or digit (`---`)
/// is one no heading can hold (headings are matched by their words): it is
/// reported where the Policy writes it and not required, rather than making
/// every runbook lack it.
fn drop_wordless_sections(
    doc: DocId,
    value: &Value,
    policy: &mut Policy,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let id = "runbook-sections";
    let Some(written) = value
        .pointer(&format!("/rules/{id}/required"))
        .and_then(Value::as_array)
    else {
        return;
    };
    let wordless = |v: &Value| {
        v.as_str()
            .is_some_and(|s| !s.is_empty() && !crate::runbook::has_words(s))
    };
    for (i, v) in written.iter().enumerate().filter(|(_, v)| wordless(v)) {
        let name = v.as_str().unwrap_or_default();
        diagnostics.push(
            Diagnostic::new(
                Location::node(doc, format!("/rules/{id}/required/{i}")),
                format!("required runbook section `{name}` has no words: no heading can hold it"),
            )
            .label("no letter or digit")
            .help("a section is found by the words of its name in a heading: name it in words, like `common issues`"),
        );
    }
    if let Some(Value::Array(required)) = policy
        .rules
        .get_mut(id)
        .and_then(|s| s.params.get_mut("required"))
    {
        required.retain(|v| !wordless(v));
    }
}

fn custom_rule(
    doc: DocId,
    index: usize,
    spec: &Value,
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CustomRule> {
    let id = spec.get("id")?.as_str()?.to_string();
    let at = |field: &str| Location::node(doc, format!("/custom/{index}{field}"));
    if rules::find(&id).is_some() {
        diagnostics.push(
            Diagnostic::new(
                at("/id"),
                format!("custom rule id `{id}` is a builtin rule"),
            )
            .label("taken by a builtin rule")
            .help("give the custom rule its own id; configure builtin rules under `rules:`"),
        );
        return None;
    }
    if policy.custom.iter().any(|c| c.id == id) {
        diagnostics.push(
            Diagnostic::new(at("/id"), format!("custom rule id `{id}` is used twice"))
                .label("duplicate custom rule"),
        );
        return None;
    }
    let severity = match spec.get("severity").and_then(Value::as_str) {
        Some("warning") => Some(Severity::Warning),
        Some("off") => None,
        _ => Some(Severity::Error),
    };
    let select = spec.get("select")?;
    let kind = Kind::parse(select.get("kind")?.as_str()?)?;
    let conditions = match select.get("where").and_then(Value::as_object) {
        Some(where_) => selector::conditions(doc, index, &id, kind, where_, diagnostics)?,
        None => Vec::new(),
    };
    let raw = spec.get("assert")?.clone();
    let validator = match schema::compile(&raw) {
        Ok(v) => v,
        Err(e) => {
            diagnostics.push(
                Diagnostic::new(at("/assert"), format!("custom rule `{id}` has an invalid JSON Schema: {e}"))
                    .label("not a valid JSON Schema (draft 2020-12)")
                    .help("`assert` is a JSON Schema applied to each selected document, e.g. `{ required: [sla] }`"),
            );
            return None;
        }
    };
    Some(CustomRule {
        id,
        severity,
        message: spec
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_string),
        help: spec.get("help").and_then(Value::as_str).map(str::to_string),
        kind,
        conditions,
        assert: CompiledSchema { raw, validator },
    })
}

impl CustomRule {
    /// Whether a document's value satisfies every `where` condition.
    pub fn selects(&self, value: &Value) -> bool {
        self.conditions.iter().all(|c| c.matches(value))
    }
}

/// The Policy JSON Schema, generated from the rule registry: each rule id is a
/// property whose value is a severity or a mapping of severity and the rule's
/// parameters. `schemas/policy.json` is this, checked by a test.
pub fn generate_schema() -> Value {
    let mut properties = Map::new();
    for rule in RULES {
        let mut params = Map::new();
        params.insert("severity".into(), json!({ "$ref": "#/$defs/severity" }));
        if let Some(options) = rule.options {
            if let Ok(Value::Object(extra)) = serde_json::from_str::<Value>(options) {
                params.extend(extra);
            }
        }
        properties.insert(
            rule.id.to_string(),
            json!({
                "description": rule.summary,
                "type": ["string", "object"],
                "if": { "type": "string" },
                "then": { "$ref": "#/$defs/severity" },
                "else": {
                    "type": "object",
                    "properties": params,
                    "additionalProperties": false
                }
            }),
        );
    }
    let kinds: Vec<&str> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Policy)
        .map(|k| k.as_str())
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://steward.dev/schemas/v1/policy.json",
        "title": "steward Policy",
        "description": "Configures steward's rules: severities, parameters and user-written rules.",
        "type": "object",
        "required": ["apiVersion", "kind", "id"],
        "properties": {
            "apiVersion": { "const": "steward/v1" },
            "kind": { "const": "Policy" },
            "id": { "$ref": "#/$defs/id" },
            "extends": { "enum": ["default", "strict"], "description": "The builtin policy to start from (default: default)." },
            "rules": {
                "type": "object",
                "properties": properties,
                "additionalProperties": false,
                "x-steward-key": "rule"
            },
            "custom": {
                "type": "array",
                "items": { "$ref": "#/$defs/custom" }
            }
        },
        "patternProperties": { "^x-": true },
        "additionalProperties": false,
        "$defs": {
            "id": {
                "type": "string",
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                "maxLength": 128
            },
            "severity": { "enum": ["error", "warning", "off"] },
            "custom": {
                "type": "object",
                "required": ["id", "select", "assert"],
                "properties": {
                    "id": { "$ref": "#/$defs/id" },
                    "severity": { "$ref": "#/$defs/severity" },
                    "message": { "type": "string", "minLength": 1 },
                    "help": { "type": "string", "minLength": 1 },
                    "select": {
                        "type": "object",
                        "required": ["kind"],
                        "properties": {
                            "kind": { "enum": kinds },
                            "where": {
                                "type": "object",
                                "description": "Field (dotted path) -> value the document must have. A mapping value stands for its dotted paths; a list value means any of its values; a field that is a list matches when any of its elements does; null matches an absent field."
                            }
                        },
                        "additionalProperties": false
                    },
                    "assert": {
                        "type": ["object", "boolean"],
                        "description": "A JSON Schema (draft 2020-12) every selected document must satisfy."
                    }
                },
                "additionalProperties": false
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_policies_cover_every_rule() {
        for name in ["default", "strict"] {
            let policy = Policy::builtin(name).expect("builtin policy loads");
            for rule in RULES {
                assert!(
                    policy.setting(rule.id).is_some(),
                    "{name} policy has no setting for `{}`",
                    rule.id
                );
            }
            assert_eq!(
                policy.rules.len(),
                RULES.len(),
                "{name} lists unknown rules"
            );
        }
    }

    #[test]
    fn load_problems_carry_listed_rule_ids() {
        use crate::workspace::LoadRule;
        for load_rule in [LoadRule::YamlSyntax, LoadRule::Schema, LoadRule::IoError] {
            assert!(rules::find(load_rule.rule_id()).is_some(), "{load_rule:?}");
        }
    }

    #[test]
    fn strict_has_no_warnings() {
        let policy = Policy::builtin("strict").expect("strict loads");
        for (id, setting) in &policy.rules {
            assert_ne!(setting.severity, Some(Severity::Warning), "{id}");
        }
    }

    #[test]
    fn policy_schema_file_is_generated_from_the_registry() {
        let generated =
            serde_json::to_string_pretty(&generate_schema()).expect("serialises") + "\n";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/policy.json");
        if std::env::var_os("STEWARD_UPDATE_SCHEMAS").is_some() {
            std::fs::write(path, &generated).expect("write schemas/policy.json");
        }
        assert_eq!(
            schema::schema_text(Kind::Policy),
            generated,
            "schemas/policy.json is stale: run `STEWARD_UPDATE_SCHEMAS=1 cargo test policy_schema`"
        );
    }
}
