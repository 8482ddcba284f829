//! The one editing layer: `steward suggest --write` and `steward check --fix`
//! both change files through it. An edit is a byte range of the file's text
//! and its replacement, found through the span tree and written in the
//! document's own style (quoting, flow or block, indentation, line endings);
//! every other byte stays. Callers parse the edited text again and compare it
//! with what they meant ([`verify_values`]) before anything is written, and
//! files are written atomically ([`write_atomically`], [`create_new`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use granit_parser::ScalarStyle;
use serde_json::Value;

use crate::load::yaml::{self, ParsedYaml, YamlLimits};
use crate::source::Span;

/// Replace the bytes of `span` with `replacement` (an insertion when the span
/// is empty, a deletion when the replacement is).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextEdit {
    pub span: Span,
    pub replacement: String,
}

impl TextEdit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Self {
        TextEdit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        TextEdit::replace(Span::empty(at), text)
    }

    pub fn delete(span: Span) -> Self {
        TextEdit::replace(span, String::new())
    }

    /// Whether the two edits claim the same bytes, or insert at the same
    /// place (which text comes first would be a guess). An insertion at
    /// either end of a replaced range does not conflict with it.
    pub fn conflicts(&self, other: &TextEdit) -> bool {
        let (a, b) = (self.span, other.span);
        match (a.is_empty(), b.is_empty()) {
            (true, true) => a.start == b.start,
            (true, false) => b.start < a.start && a.start < b.end,
            (false, true) => a.start < b.start && b.start < a.end,
            (false, false) => a.start < b.end && b.start < a.end,
        }
    }
}

/// Applies `edits` (in any order) to `text`. Two conflicting edits, an edit
/// past the end or one that splits a character are refused.
pub fn apply(text: &str, edits: &[TextEdit]) -> Result<String, String> {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    for (i, a) in sorted.iter().enumerate() {
        if sorted.iter().skip(i + 1).any(|b| a.conflicts(b)) {
            return Err("two edits overlap; cannot edit them in place".into());
        }
    }
    let mut out = String::with_capacity(
        text.len() + sorted.iter().map(|e| e.replacement.len()).sum::<usize>(),
    );
    let mut at = 0;
    for e in sorted {
        let Span { start, end } = e.span;
        if end > text.len() || start < at {
            return Err("an edit lies outside the text".into());
        }
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err("an edit would split a character".into());
        }
        out.push_str(&text[at..start]);
        out.push_str(&e.replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Parses the edited text and checks it holds exactly `expected`, one value
/// per document; the parse is returned for further checks (comments).
pub fn verify_values(after: &str, expected: &[Value]) -> Result<ParsedYaml, String> {
    let parsed = yaml::parse(after, &YamlLimits::default());
    if let Some(problem) = parsed.problems.first() {
        return Err(format!(
            "the edited file would not parse ({}); nothing was changed",
            problem.message
        ));
    }
    if parsed.documents.len() != expected.len() {
        return Err("the edit would change the number of documents; nothing was changed".into());
    }
    for (i, (doc, want)) in parsed.documents.iter().zip(expected).enumerate() {
        if doc.value != *want {
            return Err(format!(
                "the edit would change document {} unexpectedly; nothing was changed",
                i + 1
            ));
        }
    }
    Ok(parsed)
}

/// A string as a YAML scalar: plain when YAML reads it back as the same
/// string, else double-quoted.
pub fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.contains([':', '#', ',', '[', ']', '{', '}', '"', '\'', '\n', '\r'])
        && !text.starts_with(['-', '?', '!', '&', '*', '|', '>', '%', '@', '`'])
        && text.trim() == text
        && yaml::resolve_scalar(text, ScalarStyle::Plain, None) == Value::String(text.to_string());
    if plain {
        text.to_string()
    } else {
        double_quoted(text)
    }
}

fn double_quoted(text: &str) -> String {
    // JSON string syntax is valid YAML double-quoted syntax.
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

/// `text` written like the scalar `written` (its source, quotes included):
/// double-quoted stays double-quoted, single-quoted stays single-quoted,
/// plain stays plain when it can. `None` for a scalar whose style an edit
/// cannot keep (block scalars, plain scalars over several lines).
pub fn scalar_like(written: &str, text: &str) -> Option<String> {
    match written.as_bytes().first() {
        Some(b'"') => Some(double_quoted(text)),
        Some(b'\'') if !text.contains(['\n', '\r']) => {
            Some(format!("'{}'", text.replace('\'', "''")))
        }
        Some(b'\'') => Some(double_quoted(text)),
        _ if written.contains(['\n', '\r']) => None,
        _ => Some(scalar(text)),
    }
}

/// The line ending of the document starting at `start`: that of its first
/// line (a file may mix documents with different line endings); the file's
/// first one for a document on a single unterminated line.
pub fn document_newline(text: &str, start: usize) -> &'static str {
    let first_break = |t: &str| {
        t.find('\n')
            .map(|i| i > 0 && t.as_bytes().get(i - 1) == Some(&b'\r'))
    };
    let crlf = text
        .get(start..)
        .and_then(first_break)
        .or_else(|| first_break(text))
        .unwrap_or(false);
    if crlf {
        "\r\n"
    } else {
        "\n"
    }
}

/// The offset where the line holding `at` starts.
pub fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind(['\n', '\r']))
        .map_or(0, |i| i + 1)
}

/// The offset after the line break ending the line that holds `at`.
pub fn line_end(text: &str, at: usize) -> usize {
    let Some(rest) = text.get(at..) else {
        return text.len();
    };
    match rest.find(['\n', '\r']) {
        Some(i) => {
            let end = at + i;
            if text.get(end..end + 2) == Some("\r\n") {
                end + 2
            } else {
                end + 1
            }
        }
        None => text.len(),
    }
}

/// The indentation before a key, when only spaces precede it on its line.
pub fn block_indent(text: &str, key: usize) -> Option<String> {
    let start = line_start(text, key);
    let before = text.get(start..key)?;
    before.chars().all(|c| c == ' ').then(|| before.to_string())
}

/// Whole lines from the key's line to the end of the value's last line,
/// when nothing but a comment follows the value there.
pub fn block_entry_range(text: &str, key: usize, value_end: usize) -> Option<(usize, usize)> {
    block_indent(text, key)?;
    let end = line_end(text, value_end);
    let tail = text.get(value_end..end)?.trim();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some((line_start(text, key), end))
}

/// Whether only whitespace and one comma separate `from` and `to`.
pub fn only_a_comma_between(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|between| between.trim_matches(|c: char| c.is_ascii_whitespace()) == ",")
}

/// An entry of a flow collection with the comma that separates it from the
/// next entry, or from the previous one when it is the last.
pub fn flow_entry_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut after = end;
    while bytes.get(after).is_some_and(|b| b.is_ascii_whitespace()) {
        after += 1;
    }
    if bytes.get(after) == Some(&b',') {
        after += 1;
        while bytes.get(after).is_some_and(|b| *b == b' ' || *b == b'\t') {
            after += 1;
        }
        return (start, after);
    }
    let mut before = start;
    while before > 0
        && bytes
            .get(before - 1)
            .is_some_and(|b| b.is_ascii_whitespace())
    {
        before -= 1;
    }
    if before > 0 && bytes.get(before - 1) == Some(&b',') {
        return (before - 1, end);
    }
    (start, end)
}

/// Writes `text` to `path` atomically: a temporary file in the same
/// directory, flushed, given the original's permissions, renamed over it.
/// `expected` is what the file held when it was read (a byte-order mark
/// before it is kept); a file changed since is left alone.
pub fn write_atomically(path: &Path, expected: &str, text: &str) -> Result<(), String> {
    let target = std::fs::canonicalize(path)
        .map_err(|e| format!("cannot resolve `{}`: {e}", path.display()))?;
    let current =
        std::fs::read(&target).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let (bom, body) = match current.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, current.as_slice()),
    };
    if body != expected.as_bytes() {
        return Err(format!(
            "`{}` changed since it was read, or is not UTF-8; nothing was written",
            path.display()
        ));
    }
    let permissions = std::fs::metadata(&target).map(|m| m.permissions()).ok();
    let (tmp, mut file) = temporary(&target)?;
    let written = (|| -> std::io::Result<()> {
        if bom {
            file.write_all(&[0xEF, 0xBB, 0xBF])?;
        }
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Some(p) = permissions {
            std::fs::set_permissions(&tmp, p)?;
        }
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write `{}`: {e}", path.display()));
    }
    Ok(())
}

/// Writes `bytes` to `path`, created or replaced, atomically: a temporary
/// file in the same directory, flushed, given the old file's permissions and
/// renamed over it, so a reader never sees half a file and a failure leaves
/// the old one as it was. For the outputs a user names (`--output`,
/// `--also-write`, `--write-baseline`); a link is followed, and what is not a
/// regular file (`/dev/stdout`, a pipe) is written to directly.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot write `{}`: {e}", path.display());
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let existing = std::fs::metadata(&target).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        return std::fs::write(&target, bytes).map_err(cannot);
    }
    let (tmp, mut file) =
        temporary(&target).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    let written = (|| -> std::io::Result<()> {
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Some(m) = &existing {
            std::fs::set_permissions(&tmp, m.permissions())?;
        }
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot(e));
    }
    Ok(())
}

/// Creates `path` holding `text`, atomically and never over an existing
/// file: the text is written to a temporary file in the same directory and
/// linked into place, which fails if anything appeared there meanwhile.
/// Missing parent directories are created.
pub fn create_new(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    }
    if path.symlink_metadata().is_ok() {
        return Err(format!(
            "`{}` already exists; nothing was written",
            path.display()
        ));
    }
    let (tmp, mut file) = temporary(path)?;
    let written = (|| -> std::io::Result<()> {
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            // Filesystems without hard links: create the file exclusively.
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                let mut direct = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)?;
                direct.write_all(text.as_bytes())?;
                direct.sync_all()
            }
            Err(e) => Err(e),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    written.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            format!("`{}` already exists; nothing was written", path.display())
        }
        _ => format!("cannot write `{}`: {e}", path.display()),
    })
}

/// A new temporary file next to `target`.
fn temporary(target: &Path) -> Result<(PathBuf, std::fs::File), String> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let mut attempt = 0u32;
    loop {
        let tmp = dir.join(format!(
            ".{name}.steward-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => {
                return Err(format!(
                    "cannot create a temporary file in `{}`: {e}",
                    dir.display()
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_writes_whole_files_keeps_permissions_and_leaves_no_temporary() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        replace(&path, b"one").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        // A link is followed: the file it names is replaced, the link stays.
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        replace(&link, b"three").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["link.json", "report.json"]);
        // A missing directory is an error naming the file.
        let err = replace(&dir.path().join("missing/report.json"), b"x").unwrap_err();
        assert!(err.contains("missing"), "{err}");
    }

    #[test]
    fn edits_apply_in_place_and_conflicts_are_refused() {
        let text = "abcdef";
        let edits = [
            TextEdit::replace(Span::new(4, 6), "XY"),
            TextEdit::insert(0, ">"),
            TextEdit::delete(Span::new(1, 2)),
            // An insertion at the end of a replaced range does not conflict.
            TextEdit::insert(6, "!"),
        ];
        assert_eq!(apply(text, &edits).unwrap(), ">acdXY!");
        let overlapping = [
            TextEdit::replace(Span::new(1, 3), "x"),
            TextEdit::replace(Span::new(2, 4), "y"),
        ];
        assert!(apply(text, &overlapping).is_err());
        let same_place = [TextEdit::insert(2, "x"), TextEdit::insert(2, "y")];
        assert!(apply(text, &same_place).is_err());
        let inside = [
            TextEdit::replace(Span::new(1, 4), "x"),
            TextEdit::insert(2, "y"),
        ];
        assert!(apply(text, &inside).is_err());
        assert!(apply("ö", &[TextEdit::insert(1, "x")]).is_err());
        assert!(apply("a", &[TextEdit::insert(2, "x")]).is_err());
    }

    #[test]
    fn scalars_keep_their_quoting() {
        assert_eq!(scalar("john"), "john");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("-x"), "\"-x\"");
        assert_eq!(
            scalar_like("\"emilly\"", "emily").as_deref(),
            Some("\"emily\"")
        );
        assert_eq!(scalar_like("'emilly'", "it's").as_deref(), Some("'it''s'"));
        assert_eq!(scalar_like("emilly", "emily").as_deref(), Some("emily"));
        assert_eq!(
            scalar_like("2026-01-05", "2026-04-06").as_deref(),
            Some("2026-04-06")
        );
        assert_eq!(scalar_like("a\n  b", "c"), None);
    }

    #[test]
    fn verification_names_what_changed() {
        let expected = [serde_json::json!({"a": 1}), serde_json::json!({"b": 2})];
        assert!(verify_values("a: 1\n---\nb: 2\n", &expected).is_ok());
        assert_eq!(
            verify_values("a: 1\n---\nb: 3\n", &expected)
                .err()
                .as_deref(),
            Some("the edit would change document 2 unexpectedly; nothing was changed")
        );
        assert!(verify_values("a: 1\n", &expected).is_err());
        assert!(verify_values("a: [1\n", &expected).is_err());
    }

    #[test]
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/new.md");
        create_new(&path, "one\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\n");
        assert!(create_new(&path, "two\n").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\n");
        let left: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
    }
}
