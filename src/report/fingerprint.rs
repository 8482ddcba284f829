//! The identity of a finding across runs and revisions: rule, file (relative
//! to the repository), document kind and id, JSON pointer and message —
//! never a line or column, so a finding keeps its identity when lines above
//! it move. `--only-new`, baselines and SARIF `partialFingerprints` all use
//! this one hash, so a pull request's check, a baseline file and code
//! scanning agree on what is the same finding.
//!
//! Two findings can share a fingerprint (the same message twice at a
//! file-level position); every consumer therefore counts occurrences
//! ([`Counts`]) instead of treating fingerprints as a set.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A 64-bit FNV-1a hash, shown as 16 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fingerprint(pub u64);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Fingerprint {
    /// Parses the 16 hex digits [`Display`](fmt::Display) writes.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        if text.len() != 16 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(text, 16).ok().map(Fingerprint)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Fingerprint::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a fingerprint (16 hexadecimal digits)"
            ))
        })
    }
}

/// The document a finding lies in: its kind and id, when it has them.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentKey<'a> {
    pub kind: Option<&'a str>,
    pub id: Option<&'a str>,
}

/// What identifies a finding.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    pub rule: &'a str,
    /// Relative to the repository root (the root when outside git).
    pub repo_path: &'a str,
    pub document: DocumentKey<'a>,
    /// `""` for findings at a position in a file rather than a node.
    pub pointer: &'a str,
    pub message: &'a str,
}

/// The fingerprint of a finding. Fixed forever: baselines and code-scanning
/// alerts are tracked by it.
pub fn of(key: &Key<'_>) -> Fingerprint {
    // A missing kind or id is hashed apart from an empty one.
    let kind = key.document.kind.map_or("\u{1}", |k| k);
    let id = key.document.id.map_or("\u{1}", |i| i);
    Fingerprint(fnv1a(&[
        key.rule,
        key.repo_path,
        kind,
        id,
        key.pointer,
        key.message,
    ]))
}

/// FNV-1a, 64 bits, each part followed by a 0 byte: stable across platforms
/// and Rust versions, unlike `std::hash::Hash`.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A multiset of fingerprints: how many findings share each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(BTreeMap<Fingerprint, usize>);

impl Counts {
    pub fn new() -> Counts {
        Counts::default()
    }

    pub fn add(&mut self, print: Fingerprint, n: usize) {
        if n > 0 {
            *self.0.entry(print).or_default() += n;
        }
    }

    /// Takes one occurrence of `print`: `true` when there was one to take.
    pub fn take(&mut self, print: Fingerprint) -> bool {
        match self.0.get_mut(&print) {
            Some(n) if *n > 0 => {
                *n -= 1;
                if *n == 0 {
                    self.0.remove(&print);
                }
                true
            }
            _ => false,
        }
    }

    pub fn get(&self, print: Fingerprint) -> usize {
        self.0.get(&print).copied().unwrap_or(0)
    }

    /// Occurrences left, over every fingerprint.
    pub fn total(&self) -> usize {
        self.0.values().sum()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Fingerprint, usize)> + '_ {
        self.0.iter().map(|(p, n)| (*p, *n))
    }
}

impl FromIterator<Fingerprint> for Counts {
    fn from_iter<I: IntoIterator<Item = Fingerprint>>(iter: I) -> Self {
        let mut counts = Counts::new();
        for print in iter {
            counts.add(print, 1);
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(pointer: &'a str, message: &'a str) -> Key<'a> {
        Key {
            rule: "distinct-owners",
            repo_path: "pipelines/profit.yaml",
            document: DocumentKey {
                kind: Some("Pipeline"),
                id: Some("profit"),
            },
            pointer,
            message,
        }
    }

    #[test]
    fn the_hash_is_fixed() {
        // Never change these values: baselines and alerts are tracked by them
        // (the last one computed independently, in Python).
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(format!("{:016x}", fnv1a(&["schema"])), "05277d15f9a23a42");
        assert_eq!(
            of(&key("/owners/secondary", "m")).to_string(),
            "02e66257780ffc8c"
        );
    }

    #[test]
    fn every_part_counts_and_parts_do_not_run_together() {
        let base = of(&key("/a", "m"));
        assert_ne!(base, of(&key("/b", "m")));
        assert_ne!(base, of(&key("/a", "n")));
        let mut other = key("/a", "m");
        other.document.id = Some("growth");
        assert_ne!(base, of(&other));
        other.document = DocumentKey::default();
        assert_ne!(base, of(&other));
        let mut empty = key("/a", "m");
        empty.document.id = Some("");
        assert_ne!(of(&other), of(&empty), "no id is not an empty id");
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn fingerprints_print_and_parse_as_hex() {
        let print = Fingerprint(0x00ab_cdef_0123_4567);
        assert_eq!(print.to_string(), "00abcdef01234567");
        assert_eq!(Fingerprint::parse("00abcdef01234567"), Some(print));
        assert_eq!(Fingerprint::parse("abc"), None);
        assert_eq!(Fingerprint::parse("+0abcdef01234567"), None);
    }

    #[test]
    fn counts_take_one_occurrence_at_a_time() {
        let a = Fingerprint(1);
        let mut counts: Counts = [a, a, Fingerprint(2)].into_iter().collect();
        assert_eq!(counts.get(a), 2);
        assert!(counts.take(a));
        assert!(counts.take(a));
        assert!(!counts.take(a));
        assert_eq!(counts.total(), 1);
    }
}
