//! The embedded JSON Schemas (draft 2020-12), compiled once, and the mapping of
//! each validation error to a diagnostic at the node it is about.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::did_you_mean::{did_you_mean, only_close};
use crate::finding::{Diagnostic, Location};
use crate::fix::{Change, Fix};
use crate::load::yaml::escape_pointer_token;
use crate::reference;
use crate::workspace::{DocId, Kind, Workspace};

/// The schema text of each kind, exactly as in `schemas/`.
pub fn schema_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Team => include_str!("../schemas/team.json"),
        Kind::Pipeline => include_str!("../schemas/pipeline.json"),
        Kind::Rotation => include_str!("../schemas/rotation.json"),
        Kind::Holidays => include_str!("../schemas/holidays.json"),
        Kind::Policy => include_str!("../schemas/policy.json"),
    }
}

pub struct CompiledSchema {
    pub raw: Value,
    pub validator: Validator,
}

pub struct Schemas {
    compiled: Vec<(Kind, CompiledSchema)>,
}

impl Schemas {
    pub fn get(&self, kind: Kind) -> Option<&CompiledSchema> {
        self.compiled
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| s)
    }
}

/// Compiles a schema with format checks on and no remote references.
/// `steward-local-start` is a shift's or override's `start`: an existing
/// date, or a local date-time (editors ignore the unknown format).
pub fn compile(raw: &Value) -> Result<Validator, String> {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_format(LOCAL_START, |text: &str| {
            crate::model::LocalStart::parse(text).is_some()
        })
        .build(raw)
        .map_err(|e| e.to_string())
}

const LOCAL_START: &str = "steward-local-start";

/// Every embedded schema, compiled on first use.
pub fn schemas() -> Result<&'static Schemas, String> {
    static SCHEMAS: OnceLock<Result<Schemas, String>> = OnceLock::new();
    SCHEMAS
        .get_or_init(|| {
            let mut compiled = Vec::new();
            for kind in Kind::ALL {
                let raw: Value = serde_json::from_str(schema_text(kind))
                    .map_err(|e| format!("embedded {kind} schema is not JSON: {e}"))?;
                let validator =
                    compile(&raw).map_err(|e| format!("embedded {kind} schema: {e}"))?;
                compiled.push((kind, CompiledSchema { raw, validator }));
            }
            Ok(Schemas { compiled })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The outcome of schema validation for a workspace.
#[derive(Debug, Default)]
pub struct SchemaReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Per document: whether it is valid against its kind's schema.
    pub valid: Vec<bool>,
}

/// Validates one steward document (its `kind`, then its kind's schema);
/// returns whether it is valid. Runs per document while files load.
pub fn check_document(
    id: DocId,
    kind: Option<Kind>,
    value: &Value,
    out: &mut Vec<Diagnostic>,
) -> Result<bool, String> {
    let schemas = schemas()?;
    let before = out.len();
    match kind.and_then(|k| Some((k, schemas.get(k)?))) {
        Some((kind, schema)) => validate_value(id, value, "", kind.as_str(), schema, out),
        None => out.push(kind_problem(id, value)),
    }
    Ok(kind.is_some() && out.len() == before)
}

/// Collects the per-document results into the workspace's schema report.
pub fn report(workspace: &Workspace) -> SchemaReport {
    SchemaReport {
        diagnostics: workspace.schema_diagnostics.clone(),
        valid: workspace.documents.iter().map(|d| d.valid).collect(),
    }
}

fn kind_problem(id: DocId, value: &Value) -> Diagnostic {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    let list = kinds.join(", ");
    match value.get("kind") {
        None => Diagnostic::new(Location::node(id, ""), "missing required key `kind`")
            .label("this document has no `kind`")
            .help(format!("add `kind:` with one of {list}")),
        Some(Value::String(name)) => {
            let mut help = format!("steward understands {list}");
            if let Some(best) = did_you_mean(name, kinds.iter().copied()) {
                help = format!("did you mean `{best}`? {help}");
            }
            Diagnostic::new(
                Location::node(id, "/kind"),
                format!("unknown kind `{name}`"),
            )
            .label("not a steward kind")
            .help(help)
        }
        Some(other) => Diagnostic::new(
            Location::node(id, "/kind"),
            format!("`kind` must be a string, found {}", describe_value(other)),
        )
        .help(format!("use one of {list}")),
    }
}

/// Validates `value` (found at `base` in document `id`) and appends diagnostics.
pub fn validate_value(
    id: DocId,
    value: &Value,
    base: &str,
    what: &str,
    schema: &CompiledSchema,
    out: &mut Vec<Diagnostic>,
) {
    // Most documents are valid; `is_valid` skips building error iterators.
    if schema.validator.is_valid(value) {
        return;
    }
    let errors: Vec<_> = schema.validator.iter_errors(value).collect();
    for error in &errors {
        // A value with the wrong shape (pattern) is not also reported as an
        // impossible date (format).
        let is_format = matches!(error.kind(), ValidationErrorKind::Format { .. });
        let has_pattern_error = || {
            errors.iter().any(|other| {
                matches!(other.kind(), ValidationErrorKind::Pattern { .. })
                    && other.instance_path() == error.instance_path()
            })
        };
        if is_format && has_pattern_error() {
            continue;
        }
        // A value of none of a field's types is one violation: `on_call:
        // null` breaks both `string or mapping` and, in the branch for
        // mappings, `mapping`. Only the widest expectation is reported.
        let narrower_type = || {
            let Some(mine) = types_allowed(error) else {
                return false;
            };
            errors.iter().any(|other| {
                other.instance_path() == error.instance_path()
                    && types_allowed(other).is_some_and(|theirs| theirs > mine)
            })
        };
        if narrower_type() {
            continue;
        }
        describe_error(id, base, what, error, &schema.raw, out);
    }
}

/// How many types a type error allows, for a type error.
fn types_allowed(error: &ValidationError<'_>) -> Option<usize> {
    match error.kind() {
        ValidationErrorKind::Type { kind } => Some(match kind {
            TypeKind::Single(_) => 1,
            TypeKind::Multiple(set) => set.iter().count(),
        }),
        _ => None,
    }
}

fn describe_error(
    id: DocId,
    base: &str,
    what: &str,
    error: &ValidationError<'_>,
    raw_schema: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = format!("{base}{}", error.instance_path().as_str());
    let instance = error.instance();
    let field = field_name(&pointer, what);
    let at = || Location::node(id, pointer.clone());
    let schema_node = schema_parent(raw_schema, error.schema_path().as_str());
    let custom_message = schema_node
        .and_then(|s| s.get("x-steward-message"))
        .and_then(Value::as_str);
    let diagnostic = match error.kind() {
        ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or("?");
            Diagnostic::new(at(), format!("{field} is missing required key `{key}`"))
                .label(format!("no `{key}` here"))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed: Vec<String> = schema_node
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            // The schema may name what its keys are ("rule" for a policy's `rules`).
            let noun = schema_node
                .and_then(|s| s.get("x-steward-key"))
                .and_then(Value::as_str);
            // Where `x-` keys are the user's, a mapping says so; the others
            // (a window, a policy's rule settings) take none.
            let takes_extensions = schema_node
                .and_then(|s| s.get("patternProperties"))
                .and_then(Value::as_object)
                .is_some_and(|p| p.contains_key(EXTENSION_PATTERN));
            for key in unexpected {
                let key_pointer = format!("{pointer}/{}", escape_pointer_token(key));
                let extension = key.starts_with("x-");
                // Unsafe: the only close allowed key is likely what was meant;
                // an `x-` key is the user's own, not a typo of one.
                let rename = only_close(key, allowed.iter().map(String::as_str))
                    .filter(|_| !extension)
                    .filter(|best| instance.get(*best).is_none())
                    .map(|best| {
                        Fix::unsafe_(
                            format!("rename `{key}` to `{best}`"),
                            Change::RenameKey {
                                doc: id,
                                pointer: key_pointer.clone(),
                                to: best.to_string(),
                            },
                        )
                    });
                let d = match noun {
                    Some(noun) => {
                        let mut help = format!("run `steward {noun}s` for the list");
                        if let Some(best) = did_you_mean(key, allowed.iter().map(String::as_str)) {
                            help = format!("did you mean `{best}`? {help}");
                        }
                        Diagnostic::new(
                            Location::key(id, key_pointer),
                            format!("unknown {noun} `{key}` in {field}"),
                        )
                        .label(format!("no such {noun}"))
                        .help(help)
                    }
                    None => Diagnostic::new(
                        Location::key(id, key_pointer),
                        format!("unknown key `{key}` in {field}"),
                    )
                    .label("not allowed here")
                    .help(unknown_key_help(key, &allowed, takes_extensions)),
                };
                out.push(match rename {
                    Some(fix) => d.fix(fix),
                    None => d,
                });
            }
            return;
        }
        ValidationErrorKind::Enum { options } => {
            let choices: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(scalar_text).collect())
                .unwrap_or_default();
            let found = scalar_text(instance);
            let mut help = format!("use one of: {}", choices.join(", "));
            if let Some(best) = did_you_mean(&found, choices.iter().map(String::as_str)) {
                help = format!("did you mean `{best}`? {help}");
            }
            Diagnostic::new(at(), format!("{field}: `{found}` is not an allowed value"))
                .label("not an allowed value")
                .help(help)
        }
        ValidationErrorKind::Constant { expected_value } => Diagnostic::new(
            at(),
            format!(
                "{field} must be `{}`, found `{}`",
                scalar_text(expected_value),
                scalar_text(instance)
            ),
        ),
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => type_phrase(t.as_str()).to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| type_phrase(t.as_str()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            Diagnostic::new(
                at(),
                format!(
                    "{field} must be {expected}, found {}",
                    describe_value(instance)
                ),
            )
            .label(format!("expected {expected}"))
        }
        ValidationErrorKind::Pattern { pattern } => {
            let found = scalar_text(instance);
            let (mut message, mut help) = pattern_explanation(pattern, &field, &found);
            // A team reference where only people go (rosters, shifts, `also`).
            let people_only = schema_node
                .and_then(|s| s.get("x-steward-team-reference"))
                .and_then(Value::as_str);
            if let (Some(people), true) = (people_only, found.starts_with("team:")) {
                message =
                    format!("{field}: `{found}` is a team reference, but a member id is expected");
                help = people.to_string();
            }
            Diagnostic::new(at(), message)
                .label("wrong format")
                .help(help)
        }
        ValidationErrorKind::Format { format } if format == "date" || format == LOCAL_START => {
            Diagnostic::new(
                at(),
                format!(
                    "{field}: `{}` is not a calendar date",
                    scalar_text(instance)
                ),
            )
            .label("no such day")
            .help(if scalar_text(instance).contains('T') {
                "use an existing date in the form YYYY-MM-DDTHH:MM"
            } else {
                "use an existing date in the form YYYY-MM-DD"
            })
        }
        ValidationErrorKind::Format { format } if format == "email" => Diagnostic::new(
            at(),
            format!(
                "{field}: `{}` is not an email address",
                scalar_text(instance)
            ),
        ),
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. }
        | ValidationErrorKind::AnyOf { .. } => {
            let message = custom_message
                .map(str::to_string)
                .unwrap_or_else(|| error.to_string());
            Diagnostic::new(at(), format!("{field}: {message}"))
        }
        ValidationErrorKind::MinItems { limit } if *limit == 1 => {
            Diagnostic::new(at(), format!("{field} must not be empty"))
        }
        ValidationErrorKind::MaxItems { limit } => Diagnostic::new(
            at(),
            format!(
                "{field} lists {} items, more than the maximum of {limit}",
                instance.as_array().map_or(0, Vec::len)
            ),
        )
        .label(format!("at most {limit}")),
        ValidationErrorKind::MinLength { .. } if instance.as_str() == Some("") => {
            Diagnostic::new(at(), format!("{field} must not be empty"))
        }
        ValidationErrorKind::Maximum { limit } => Diagnostic::new(
            at(),
            format!(
                "{field}: {} is more than the maximum of {limit}",
                scalar_text(instance)
            ),
        )
        .label(format!("at most {limit}")),
        ValidationErrorKind::Minimum { limit } => Diagnostic::new(
            at(),
            format!(
                "{field}: {} is less than the minimum of {limit}",
                scalar_text(instance)
            ),
        )
        .label(format!("at least {limit}")),
        ValidationErrorKind::UniqueItems => {
            Diagnostic::new(at(), format!("{field} lists the same item twice"))
        }
        _ => Diagnostic::new(at(), format!("{field}: {error}")),
    };
    // What to write, when the schema says and the message above did not.
    let help = schema_node
        .and_then(|s| s.get("x-steward-help"))
        .and_then(Value::as_str);
    let diagnostic = match help {
        Some(help) if diagnostic.help.is_none() => diagnostic.help(help),
        _ => diagnostic,
    };
    out.push(diagnostic);
}

/// "`owners.primary`" for a pointer, or "Pipeline" for the document root.
fn field_name(pointer: &str, what: &str) -> String {
    if pointer.is_empty() {
        return what.to_string();
    }
    let mut out = String::new();
    for token in pointer.trim_start_matches('/').split('/') {
        let token = crate::load::yaml::unescape_pointer_token(token);
        if token.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    format!("`{out}`")
}

/// The schema object that holds the failing keyword, following local `$ref`s.
fn schema_parent<'a>(root: &'a Value, schema_path: &str) -> Option<&'a Value> {
    let mut tokens: Vec<&str> = schema_path.trim_start_matches('/').split('/').collect();
    tokens.pop();
    let mut node = root;
    for token in tokens {
        if token == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            node = root.pointer(target)?;
            continue;
        }
        let token = crate::load::yaml::unescape_pointer_token(token);
        node = match node {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    // The keyword's own object may itself be a `$ref` wrapper.
    Some(node)
}

/// The `patternProperties` key of a mapping that takes the user's `x-` keys.
const EXTENSION_PATTERN: &str = "^x-";

/// What to do about an unknown key: the close allowed key, else the list;
/// `x-` keys are offered only where the mapping takes them.
fn unknown_key_help(key: &str, allowed: &[String], takes_extensions: bool) -> String {
    let mut visible: Vec<&str> = allowed
        .iter()
        .map(String::as_str)
        .filter(|k| *k != "apiVersion" && *k != "kind")
        .collect();
    visible.sort_unstable();
    let list = visible
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if key.starts_with("x-") && !takes_extensions {
        let mut help =
            "this mapping takes no `x-` keys: keep your own data at the document's top level"
                .to_string();
        if !list.is_empty() {
            help.push_str(&format!("; allowed keys here: {list}"));
        }
        return help;
    }
    match did_you_mean(key, allowed.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `{best}`? Allowed keys: {list}"),
        None if list.is_empty() => "remove this key".to_string(),
        None if !takes_extensions => format!("allowed keys: {list}"),
        None => format!("allowed keys: {list} (prefix a key with `x-` to keep your own data)"),
    }
}

fn pattern_explanation(pattern: &str, field: &str, found: &str) -> (String, String) {
    if pattern == reference::PATTERN {
        (
            format!("{field}: `{found}` is not a reference"),
            reference::FORMS.to_string(),
        )
    } else if pattern.ends_with("[mhdw]$") {
        (
            format!("{field}: `{found}` is not a duration"),
            "write a positive whole number and a unit: `30m`, `24h`, `7d`, `2w` (at most 4 digits)"
                .to_string(),
        )
    } else if pattern.ends_with("(mo|[mhdw])$") {
        (
            format!("{field}: `{found}` is not a shift length"),
            "write a positive whole number and a unit: `12h`, `1d`, `1w`, `2w` or `1mo` (at most 4 digits)"
                .to_string(),
        )
    } else if pattern.ends_with(":[0-5][0-9])?$") {
        (
            format!("{field}: `{found}` is not a date or a local date-time"),
            "write a date like `2026-01-05` (the rotation's handoff time that day) or a local date-time like `2026-01-05T09:00`"
                .to_string(),
        )
    } else if pattern.ends_with("|24:00)$") {
        (
            format!("{field}: `{found}` is not a range of hours"),
            "write local times as \"HH:MM-HH:MM\" in quotes, like `\"09:00-17:00\"`; `\"22:00-06:00\"` runs past midnight, `\"17:00-24:00\"` ends at midnight".to_string(),
        )
    } else if pattern.ends_with("):[0-5][0-9]$") {
        (
            format!("{field}: `{found}` is not a time of day"),
            "write a local time as HH:MM in quotes, like `\"09:00\"`".to_string(),
        )
    } else if pattern.contains("(-[a-z0-9]+)*") {
        (
            format!("{field}: `{found}` is not a valid id"),
            "ids are lower-kebab-case: lowercase letters, digits and single dashes, like `aggregate-profit`"
                .to_string(),
        )
    } else if pattern.starts_with("^([0-9]{4}-)?") {
        (
            format!("{field}: `{found}` is not a holiday date"),
            "write `MM-DD` for every year or `YYYY-MM-DD` for one date".to_string(),
        )
    } else if pattern.contains("[0-9]{4}-[0-9]{2}-[0-9]{2}") {
        (
            format!("{field}: `{found}` is not a date"),
            "write dates as YYYY-MM-DD, like `2026-01-05`".to_string(),
        )
    } else {
        (
            format!("{field}: `{found}` does not match the pattern `{pattern}`"),
            "change the value to match the pattern".to_string(),
        )
    }
}

fn type_phrase(t: &str) -> &'static str {
    match t {
        "object" => "a mapping",
        "array" => "a list",
        "string" => "a string",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "null" => "empty",
        _ => "a value",
    }
}

/// "a list", "the number `3`", "an empty value".
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "an empty value".to_string(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the string `{s}`"),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a mapping".to_string(),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles() {
        let schemas = schemas().expect("schemas compile");
        for kind in Kind::ALL {
            assert!(schemas.get(kind).is_some(), "{kind}");
        }
    }

    #[test]
    fn the_pipeline_schema_writes_references_as_the_code_reads_them() {
        let raw: Value = serde_json::from_str(schema_text(Kind::Pipeline)).expect("JSON");
        for at in [
            "/$defs/reference",
            "/$defs/references",
            "/properties/raci/properties/accountable",
        ] {
            let pattern = raw
                .pointer(&format!("{at}/pattern"))
                .and_then(Value::as_str);
            assert_eq!(pattern, Some(reference::PATTERN), "{at}");
        }
    }

    /// A value of none of a field's types is one finding, with every type
    /// the field takes; a value of a right type breaking the branch for it
    /// is still reported.
    #[test]
    fn a_value_of_no_allowed_type_is_one_finding() {
        let schema = schemas()
            .expect("schemas compile")
            .get(Kind::Pipeline)
            .expect("pipeline schema");
        let messages = |on_call: Value| {
            let mut value: Value = serde_json::json!({
                "apiVersion": "steward/v1", "kind": "Pipeline", "id": "p", "name": "P",
                "area": "a", "audience": "internal",
                "owners": { "primary": "a", "secondary": "b" },
            });
            value["on_call"] = on_call;
            let mut out = Vec::new();
            validate_value(0, &value, "", "Pipeline", schema, &mut out);
            out.into_iter().map(|d| d.message).collect::<Vec<_>>()
        };
        for wrong in [Value::Null, serde_json::json!(5), serde_json::json!([])] {
            let found = messages(wrong.clone());
            assert_eq!(found.len(), 1, "{wrong}: {found:?}");
            assert!(
                found[0].contains("must be a string or a mapping"),
                "{found:?}"
            );
        }
        let found = messages(serde_json::json!("sometimes"));
        assert_eq!(found.len(), 1, "{found:?}");
        let found = messages(serde_json::json!({ "weekdays": 5 }));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("weekdays"), "{found:?}");
    }

    /// QA D3: `x-` keys are the user's in the nested mappings that say so
    /// (`patternProperties`); where a mapping takes none (a policy's rule
    /// settings) the help does not offer them and an `x-` key
    /// is not renamed to the allowed key it resembles.
    #[test]
    fn extension_keys_are_offered_only_where_they_are_taken() {
        let all = schemas().expect("schemas compile");
        let findings = |kind: Kind, extra: Value| {
            let mut value: Value = match kind {
                Kind::Pipeline => serde_json::json!({
                    "apiVersion": "steward/v1", "kind": "Pipeline", "id": "p", "name": "P",
                    "area": "a", "audience": "internal",
                    "owners": { "primary": "a", "secondary": "b" },
                }),
                _ => serde_json::json!({ "apiVersion": "steward/v1", "kind": "Policy", "id": "p" }),
            };
            if let (Some(map), Value::Object(extra)) = (value.as_object_mut(), extra) {
                map.extend(extra);
            }
            let mut out = Vec::new();
            let schema = all.get(kind).expect("schema");
            validate_value(0, &value, "", kind.as_str(), schema, &mut out);
            out
        };
        let taken = serde_json::json!({
            "owners": { "primary": "a", "secondary": "b", "x-since": 2025 },
            "sla": { "warn_after": "1h", "x-source": { "doc": "contract" } },
            "escalation": { "after": "1h", "x-pager": "p" },
            "raci": { "responsible": "a", "accountable": "a", "x-ok": true },
            "on_call": { "weekdays": ["mon"], "x-hours": "9-5" },
        });
        let found = findings(Kind::Pipeline, taken);
        assert!(
            found.is_empty(),
            "{:?}",
            found.iter().map(|d| &d.message).collect::<Vec<_>>()
        );

        let typo = findings(
            Kind::Pipeline,
            serde_json::json!({
                "owners": { "primary": "a", "secondary": "b", "since": 2025 },
            }),
        );
        let [typo] = typo.as_slice() else {
            panic!("{typo:?}")
        };
        assert!(
            typo.help
                .as_deref()
                .is_some_and(|h| h.contains("prefix a key with `x-`")),
            "{typo:?}"
        );

        let found = findings(
            Kind::Policy,
            serde_json::json!({ "rules": { "back-to-back": { "severity": "off", "x-severity": "error" } } }),
        );
        let [one] = found.as_slice() else {
            panic!("{found:?}")
        };
        let help = one.help.as_deref().unwrap_or_default();
        assert!(
            help.starts_with("this mapping takes no `x-` keys"),
            "{help}"
        );
        assert!(!help.contains("prefix a key"), "{help}");
        assert!(one.fix.is_none(), "an `x-` key is no typo: {:?}", one.fix);
    }

    /// Every closed mapping of the document schemas takes `x-` keys (the
    /// windows too: the typed window leaves them out before it reads its
    /// own keys).
    #[test]
    fn every_closed_mapping_of_a_document_takes_extension_keys() {
        fn closed(node: &Value, at: String, out: &mut Vec<(String, bool)>) {
            match node {
                Value::Object(map) => {
                    if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                        let takes = node
                            .pointer("/patternProperties/^x-")
                            .is_some_and(|v| *v == Value::Bool(true));
                        out.push((at.clone(), takes));
                    }
                    for (k, v) in map {
                        closed(v, format!("{at}/{k}"), out);
                    }
                }
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        closed(v, format!("{at}/{i}"), out);
                    }
                }
                _ => {}
            }
        }
        let mut seen = 0;
        for kind in [Kind::Team, Kind::Pipeline, Kind::Rotation, Kind::Holidays] {
            let raw: Value = serde_json::from_str(schema_text(kind)).expect("JSON");
            let mut found = Vec::new();
            closed(&raw, kind.as_str().to_lowercase(), &mut found);
            for (at, takes) in found {
                seen += 1;
                assert!(takes, "{at}");
            }
        }
        assert!(seen >= 14, "{seen} closed mappings");
    }

    #[test]
    fn field_names_read_like_yaml_paths() {
        assert_eq!(
            field_name("/members/0/unavailable/1/from", "Team"),
            "`members[0].unavailable[1].from`"
        );
        assert_eq!(field_name("", "Team"), "Team");
    }
}
