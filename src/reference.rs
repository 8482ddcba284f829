//! References to people, as a pipeline writes them (§8): a member id
//! (`emily`), a whole team (`team:finance`) or a team's role
//! (`team:finance/profit-analyst`). This is the syntax only; what a reference
//! resolves to is `resolve`'s job.

use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;
use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// What the JSON Schemas accept as a reference; `schema.rs` recognises it to
/// explain a malformed one.
pub const PATTERN: &str =
    "^(team:[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?|[a-z0-9]+(-[a-z0-9]+)*)$";

/// The help line for a malformed reference.
pub const FORMS: &str = "a reference is a member id (`emily`), a team (`team:finance`) or the \
     members of a team with a role (`team:finance/profit-analyst`), all lower-kebab-case";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reference {
    /// `emily`: shared with every other reference to the same id (a large
    /// workspace names each member from many pipelines).
    Member(Name),
    /// `team:finance`; team names are shared like member ids.
    Team(Name),
    /// `team:finance/profit-analyst`: boxed, as few references name a
    /// role and two names inline would make every reference (two in each
    /// pipeline) 40 bytes instead of 16.
    Role(Box<TeamRole>),
}

/// A name a reference holds: one shared string per text, behind one word
/// (an `Arc<str>` is two), so a reference is 16 bytes and a pipeline's
/// owners 64. Compares, orders and hashes as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<String>);

impl Name {
    /// The shared name for `text` (see [`interned`]).
    pub fn interned(text: &str) -> Name {
        intern(&NAMES, text, |text| Name(Arc::new(text.to_string())))
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::interned(text)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.0, f)
    }
}

/// A shared value whose sharing can be counted (for the sweep).
trait Shared {
    fn holders(&self) -> usize;
}

impl Shared for Arc<str> {
    fn holders(&self) -> usize {
        Arc::strong_count(self)
    }
}

impl Shared for Name {
    fn holders(&self) -> usize {
        Arc::strong_count(&self.0)
    }
}

/// The team and role of a `team:finance/profit-analyst` reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamRole {
    pub team: Arc<str>,
    pub role: Arc<str>,
}

impl Reference {
    /// `team:TEAM/ROLE`.
    pub fn role_of(team: &str, role: &str) -> Reference {
        Reference::Role(Box::new(TeamRole {
            team: interned(team),
            role: interned(role),
        }))
    }

    /// Reads a reference. Anything not starting with `team:` is a member id,
    /// as in 0.1 (a badly spelt one is the schema's and `unknown-reference`'s
    /// to report); a `team:` reference without a team, with an empty role or
    /// with a second `/` is no reference at all.
    pub fn parse(text: &str) -> Option<Reference> {
        let Some(rest) = text.strip_prefix("team:") else {
            return Some(Reference::Member(Name::interned(text)));
        };
        let (team, role) = match rest.split_once('/') {
            Some((team, role)) => (team, Some(role)),
            None => (rest, None),
        };
        if team.is_empty() {
            return None;
        }
        match role {
            None => Some(Reference::Team(Name::interned(team))),
            Some(role) if !role.is_empty() && !role.contains('/') => {
                Some(Reference::role_of(team, role))
            }
            Some(_) => None,
        }
    }

    /// The team a `team:` reference names.
    pub fn team(&self) -> Option<&str> {
        match self {
            Reference::Member(_) => None,
            Reference::Team(team) => Some(team),
            Reference::Role(named) => Some(&named.team),
        }
    }

    /// The role a `team:TEAM/ROLE` reference names.
    pub fn role(&self) -> Option<&str> {
        match self {
            Reference::Role(named) => Some(&named.role),
            _ => None,
        }
    }

    pub fn member(&self) -> Option<&str> {
        match self {
            Reference::Member(id) => Some(id),
            _ => None,
        }
    }
}

/// Pipelines' areas and the team and role names of role references, one
/// string per text (100,000 pipelines name a few dozen areas).
static TEXTS: LazyLock<Mutex<Interned<Arc<str>>>> = LazyLock::new(Mutex::default);

/// The names references, written shifts and expanded shifts hold: 200,000
/// owner references of a 100k-pipeline workspace name 10,000 people.
static NAMES: LazyLock<Mutex<Interned<Name>>> = LazyLock::new(Mutex::default);

struct Interned<T> {
    ids: foldhash::HashSet<T>,
    /// Size after the last sweep: the next comes when it has doubled.
    swept: usize,
}

impl<T> Default for Interned<T> {
    fn default() -> Self {
        Interned {
            ids: foldhash::HashSet::default(),
            swept: 0,
        }
    }
}

/// The shared string for `text`. Texts nothing else holds any more are
/// dropped now and then, so a long-running language server does not keep
/// every id ever typed.
pub fn interned(text: &str) -> Arc<str> {
    intern(&TEXTS, text, |text| Arc::from(text))
}

fn intern<T: Shared + Clone + Eq + Hash + Borrow<str>>(
    table: &Mutex<Interned<T>>,
    text: &str,
    make: impl FnOnce(&str) -> T,
) -> T {
    let mut interned = table.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(id) = interned.ids.get(text) {
        return id.clone();
    }
    if interned.ids.len() >= 2 * interned.swept + 1024 {
        interned.ids.retain(|id| id.holders() > 1);
        interned.swept = interned.ids.len();
    }
    let id = make(text);
    interned.ids.insert(id.clone());
    id
}

/// Exactly as written: `emily`, `team:finance`, `team:finance/profit-analyst`.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Member(id) => f.write_str(id),
            Reference::Team(team) => write!(f, "team:{team}"),
            Reference::Role(named) => write!(f, "team:{}/{}", named.team, named.role),
        }
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Reference::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a reference")))
    }
}

/// One reference of a field, with its place in the list when the field is one.
/// The pointer of the entry at `index` of `field` ([`RefEntry::pointer`]),
/// for callers that keep the index rather than the entry.
pub fn entry_pointer(field: &str, index: Option<u32>) -> String {
    match index {
        Some(i) => format!("{field}/{i}"),
        None => field.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefEntry {
    /// `None` when the field is a single string.
    pub index: Option<u32>,
    pub reference: Reference,
}

impl RefEntry {
    /// The JSON pointer of this reference, given the field's pointer.
    pub fn pointer(&self, field: &str) -> String {
        entry_pointer(field, self.index)
    }
}

/// A field that takes a reference or a list of references.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefField {
    /// The first reference, inline: most fields hold exactly one, and a
    /// pipeline's owners are most of a large model's allocations otherwise.
    first: Option<RefEntry>,
    /// The references after the first, in order; `None` when there are
    /// none (never an empty list, so equal fields compare equal). Behind one
    /// thin pointer: lists are rare, and each of a pipeline's fields is 8
    /// bytes smaller than with the slice inline.
    rest: Option<Box<Box<[RefEntry]>>>,
}

impl RefField {
    pub fn iter(&self) -> impl Iterator<Item = &RefEntry> {
        self.first
            .iter()
            .chain(self.rest.iter().flat_map(|rest| rest.iter()))
    }

    pub fn first(&self) -> Option<&Reference> {
        self.first.as_ref().map(|e| &e.reference)
    }
}

/// A string or a list of strings, each a reference; anything else fails, so
/// the document is handled like any other of the wrong shape.
impl<'de> Deserialize<'de> for RefField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bad = |text: &str| serde::de::Error::custom(format!("`{text}` is not a reference"));
        match Value::deserialize(deserializer)? {
            Value::String(text) => {
                let reference = Reference::parse(&text).ok_or_else(|| bad(&text))?;
                Ok(RefField {
                    first: Some(RefEntry {
                        index: None,
                        reference,
                    }),
                    rest: None,
                })
            }
            Value::Array(items) => {
                let mut entries = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let text = item
                        .as_str()
                        .ok_or_else(|| serde::de::Error::custom("a reference is a string"))?;
                    let reference = Reference::parse(text).ok_or_else(|| bad(text))?;
                    entries.push(RefEntry {
                        index: Some(u32::try_from(i).map_err(serde::de::Error::custom)?),
                        reference,
                    });
                }
                let mut entries = entries.into_iter();
                Ok(RefField {
                    first: entries.next(),
                    rest: Some(entries.collect::<Box<[RefEntry]>>())
                        .filter(|rest| !rest.is_empty())
                        .map(Box::new),
                })
            }
            _ => Err(serde::de::Error::custom(
                "expected a reference or a list of references",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms_and_prints_them_back() {
        for text in ["emily", "team:finance", "team:finance/profit-analyst"] {
            let parsed = Reference::parse(text).expect("a reference");
            assert_eq!(parsed.to_string(), text);
        }
        assert_eq!(
            Reference::parse("team:finance/profit-analyst"),
            Some(Reference::Role(Box::new(TeamRole {
                team: "finance".into(),
                role: "profit-analyst".into()
            })))
        );
        // Member ids keep 0.1's meaning, even misspelt ones.
        assert_eq!(
            Reference::parse("Emily"),
            Some(Reference::Member("Emily".into()))
        );
        for malformed in ["team:", "team:/x", "team:a/", "team:a/b/c"] {
            assert_eq!(Reference::parse(malformed), None, "{malformed}");
        }
    }

    #[test]
    fn a_field_remembers_whether_it_was_a_list() {
        let one: RefField = serde_json::from_value(serde_json::json!("team:a")).expect("one");
        let first = one.iter().next().expect("one entry");
        assert_eq!(first.pointer("/owners/primary"), "/owners/primary");
        let list: RefField =
            serde_json::from_value(serde_json::json!(["a", "team:b/c"])).expect("list");
        let pointers: Vec<String> = list.iter().map(|e| e.pointer("/owners/primary")).collect();
        assert_eq!(pointers, ["/owners/primary/0", "/owners/primary/1"]);
        assert!(serde_json::from_value::<RefField>(serde_json::json!(["a", 3])).is_err());
        assert!(serde_json::from_value::<RefField>(serde_json::json!({"a": 1})).is_err());
        assert!(serde_json::from_value::<RefField>(serde_json::json!("team:")).is_err());
    }
}
