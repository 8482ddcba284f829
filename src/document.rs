//! Documents and their ids: the bottom layer that `finding`, `model` and
//! `workspace` all build on (nothing here imports them).

use std::fmt;

use serde_json::Value;

use crate::source::FileId;

pub type DocId = usize;

/// The document kinds steward understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Team,
    Pipeline,
    Rotation,
    Holidays,
    Policy,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Team,
        Kind::Pipeline,
        Kind::Rotation,
        Kind::Holidays,
        Kind::Policy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Team => "Team",
            Kind::Pipeline => "Pipeline",
            Kind::Rotation => "Rotation",
            Kind::Holidays => "Holidays",
            Kind::Policy => "Policy",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Case-insensitive lookup, for the `steward schema KIND` command.
    pub fn parse_loose(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A steward document (`apiVersion: steward/v1`). Its value is validated and
/// deserialised while its file loads, then dropped: only ids and references
/// stay (Policy documents keep their value). Its span tree is rebuilt from the
/// file's text when a finding needs a position (`Workspace::spans`).
#[derive(Debug)]
pub struct Document {
    pub file: FileId,
    /// 0-based position of the document in its file (`u32`: a file holds
    /// far fewer, and a large workspace has a hundred thousand documents).
    pub index_in_file: u32,
    /// `None` when `kind` is missing or unknown (reported by the schema rule).
    pub kind: Option<Kind>,
    /// The `id`, when it is a string; shared with the model's index of
    /// known ids.
    pub id: Option<std::sync::Arc<str>>,
    /// Whether it is valid against its kind's schema.
    pub valid: bool,
    /// Member ids and covered pipelines; only Teams and Rotations have any.
    pub refs: Option<Box<Refs>>,
    /// The parsed value, kept only for Policy documents (and for every
    /// document when custom rules need them; see `check`).
    pub value: Option<Box<Value>>,
}

impl Document {
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub fn refs(&self) -> &Refs {
        static NONE: Refs = Refs {
            members: Vec::new(),
            covers: Vec::new(),
        };
        self.refs.as_deref().unwrap_or(&NONE)
    }
}

/// Ids a document defines or refers to, read from its raw value so that
/// documents that did not deserialise still count (no cascade of
/// `unknown-reference` findings from one broken document).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refs {
    /// A Team's member ids, by index (`None`: not a string); the strings
    /// references to them share.
    pub members: Vec<Option<std::sync::Arc<str>>>,
    /// A Rotation's `covers` (its typed rotation shares these strings).
    pub covers: Vec<std::sync::Arc<str>>,
}

impl Refs {
    pub fn of(kind: Option<Kind>, value: &Value) -> Refs {
        let strings = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        };
        match kind {
            Some(Kind::Team) => Refs {
                members: strings("members")
                    .map(|m| {
                        m.get("id")
                            .and_then(Value::as_str)
                            .map(crate::reference::interned)
                    })
                    .collect(),
                covers: Vec::new(),
            },
            Some(Kind::Rotation) => Refs {
                members: Vec::new(),
                covers: strings("covers")
                    .filter_map(Value::as_str)
                    .map(Into::into)
                    .collect(),
            },
            _ => Refs::default(),
        }
    }
}
