//! The one editing layer: `steward suggest --write` and `steward check --fix`
//! both change files through it. An edit is a byte range of the file's text
//! and its replacement, found through the span tree and written in the
//! document's own style (quoting, flow or block, indentation, line endings);
//! every other byte stays. Callers parse the edited text again and compare it
//! with what they meant ([`verify_values`]) before anything is written, and
//! files are written atomically ([`write_atomically`], [`create_new`]).

use std::io::Write;
use std::path::{Component, Path, PathBuf};

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

/// One file of a set written together ([`write_files`]).
#[derive(Debug, Clone, Copy)]
pub struct FileWrite<'a> {
    /// The file as the caller found it (a link is followed).
    pub path: &'a Path,
    /// The file as messages name it.
    pub shown: &'a str,
    /// What the file held when it was read, without a byte-order mark (one
    /// is kept); `None`: the file is created, and must not exist.
    pub expected: Option<&'a str>,
    /// The new text.
    pub text: &'a str,
    /// The directory the file must really be inside, every symlink on the
    /// way followed (the workspace root); `None`: anywhere.
    pub root: Option<&'a Path>,
}

/// Why [`write_files`] stopped, and what it had written by then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    pub message: String,
    /// The indices of the files written before the error, in order: empty
    /// when nothing was written.
    pub written: Vec<usize>,
}

/// Writes `files` atomically and together: first every new text goes to a
/// temporary file in its file's directory (flushed, given the replaced
/// file's permissions, owner and group), and only when all are ready are
/// they renamed over their files (a new file is linked into place, never
/// over an existing one), so a failure before the first rename writes
/// nothing. Refused, with nothing written: a file whose real location lies
/// outside its `root`, a read-only file (no write permission for anyone,
/// even for root, as editors warn; or none for this user), a file that
/// changed since it was read, a file to create that exists (a dangling
/// symlink included). Missing directories of a new file are created, and
/// removed again when the writes fail.
pub fn write_files(files: &[FileWrite<'_>]) -> Result<(), WriteError> {
    let mut batch = Batch::default();
    for file in files {
        if let Err(message) = batch.stage(file) {
            batch.discard(0);
            return Err(WriteError {
                message,
                written: Vec::new(),
            });
        }
    }
    batch.commit(files)
}

/// Writes `text` to `path` atomically ([`write_files`]): a temporary file in
/// the same directory, flushed, given the original's permissions, owner and
/// group, renamed over it. `expected` is what the file held when it was read
/// (a byte-order mark before it is kept); a file changed since, or
/// read-only, is left alone.
pub fn write_atomically(path: &Path, expected: &str, text: &str) -> Result<(), String> {
    let shown = path.display().to_string();
    write_files(&[FileWrite {
        path,
        shown: &shown,
        expected: Some(expected),
        text,
        root: None,
    }])
    .map_err(|e| format!("{}; nothing was written", e.message))
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
    let (tmp, mut file) = temporary(&target).map_err(|e| {
        format!(
            "cannot write `{}`: cannot create a temporary file in its directory: {e}",
            path.display()
        )
    })?;
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
/// file ([`write_files`]): the text is written to a temporary file in the
/// same directory and linked into place, which fails if anything appeared
/// there meanwhile. Missing parent directories are created.
pub fn create_new(path: &Path, text: &str) -> Result<(), String> {
    let shown = path.display().to_string();
    write_files(&[FileWrite {
        path,
        shown: &shown,
        expected: None,
        text,
        root: None,
    }])
    .map_err(|e| format!("{}; nothing was written", e.message))
}

/// Symlinks followed before a path is called a loop (as Linux does).
const MAX_LINKS: usize = 40;

/// Where `path` really is: every symlink on the way followed as far as the
/// path exists, the components after the first missing one taken as they
/// are. A file created at `path` is created there, and a dangling symlink
/// leads to where its target would be.
pub fn real_location(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(real) => return Ok(real),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut resolved = PathBuf::new();
    // The components still to walk, the next one last.
    let mut pending: Vec<std::ffi::OsString> = Vec::new();
    queue(&absolute, &mut resolved, &mut pending);
    let mut links = 0;
    while let Some(part) = pending.pop() {
        if part == ".." {
            resolved.pop();
            continue;
        }
        let next = resolved.join(&part);
        match std::fs::symlink_metadata(&next) {
            Ok(meta) if meta.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(symlink_loop());
                }
                let target = std::fs::read_link(&next)?;
                queue(&target, &mut resolved, &mut pending);
            }
            Ok(_) => resolved = next,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => resolved = next,
            Err(e) => return Err(e),
        }
    }
    Ok(resolved)
}

/// Puts the components of `path` before those `pending` holds; an absolute
/// `path` starts again from its root.
fn queue(path: &Path, resolved: &mut PathBuf, pending: &mut Vec<std::ffi::OsString>) {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            // Only ever first: an absolute path.
            Component::Prefix(prefix) => *resolved = PathBuf::from(prefix.as_os_str()),
            Component::RootDir => resolved.push(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => parts.push(std::ffi::OsString::from("..")),
            Component::Normal(name) => parts.push(name.to_os_string()),
        }
    }
    pending.extend(parts.into_iter().rev());
}

#[cfg(unix)]
fn symlink_loop() -> std::io::Error {
    std::io::Error::from_raw_os_error(libc::ELOOP)
}

#[cfg(not(unix))]
fn symlink_loop() -> std::io::Error {
    std::io::Error::other("too many levels of symbolic links")
}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Files ready to be put in place.
#[derive(Default)]
struct Batch {
    /// One per file staged, in the order of the files.
    staged: Vec<Staged>,
    /// Directories created for new files, outermost first.
    dirs: Vec<PathBuf>,
}

struct Staged {
    /// The file's real path.
    target: PathBuf,
    /// The temporary file holding its new text.
    tmp: PathBuf,
    /// The file read began with a byte-order mark.
    bom: bool,
}

impl Batch {
    /// Checks that `file` may be written and writes its temporary file.
    fn stage(&mut self, file: &FileWrite<'_>) -> Result<(), String> {
        let shown = file.shown;
        let (target, bom, original) = match file.expected {
            Some(expected) => {
                let target = std::fs::canonicalize(file.path)
                    .map_err(|e| format!("cannot resolve `{shown}`: {e}"))?;
                inside(file.root, &target, shown)?;
                let meta = std::fs::metadata(&target)
                    .map_err(|e| format!("cannot read `{shown}`: {e}"))?;
                if !meta.is_file() {
                    return Err(format!("`{shown}` is not a regular file"));
                }
                writable(&target, &meta, shown)?;
                let bom = holds(&target, expected, shown)?;
                (target, bom, Some(meta))
            }
            None => {
                let target = new_location(file.path, shown, file.root)?;
                if let Some(dir) = target.parent() {
                    self.make_dirs(dir, shown)?;
                }
                (target, false, None)
            }
        };
        let (tmp, handle) = temporary(&target).map_err(|e| {
            format!("cannot write `{shown}`: cannot create a temporary file in its directory: {e}")
        })?;
        self.staged.push(Staged { target, tmp, bom });
        fill(handle, bom, file.text, original.as_ref())
            .map_err(|e| format!("cannot write `{shown}`: {e}"))
    }

    /// Creates the missing directories above a new file (its real
    /// location: no symlink is on the way).
    fn make_dirs(&mut self, dir: &Path, shown: &str) -> Result<(), String> {
        let mut missing = Vec::new();
        let mut at = dir;
        loop {
            match std::fs::symlink_metadata(at) {
                Ok(meta) if meta.is_dir() => break,
                Ok(_) => {
                    return Err(format!(
                        "cannot create `{shown}`: `{}` is not a directory",
                        at.display()
                    ))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    missing.push(at.to_path_buf());
                    match at.parent() {
                        Some(parent) => at = parent,
                        None => break,
                    }
                }
                Err(e) => return Err(format!("cannot create `{shown}`: {e}")),
            }
        }
        for dir in missing.into_iter().rev() {
            std::fs::create_dir(&dir).map_err(|e| {
                format!(
                    "cannot create `{shown}`: cannot create `{}`: {e}",
                    dir.display()
                )
            })?;
            self.dirs.push(dir);
        }
        Ok(())
    }

    /// Puts every staged file in place, in order.
    fn commit(self, files: &[FileWrite<'_>]) -> Result<(), WriteError> {
        let mut written = Vec::new();
        for (i, (staged, file)) in self.staged.iter().zip(files).enumerate() {
            if let Err(message) = place(staged, file) {
                self.discard(i);
                return Err(WriteError { message, written });
            }
            written.push(i);
        }
        // The renames themselves made durable (best effort).
        let mut dirs: Vec<&Path> = self
            .staged
            .iter()
            .filter_map(|s| s.target.parent())
            .collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            if let Ok(handle) = std::fs::File::open(dir) {
                let _ = handle.sync_all();
            }
        }
        Ok(())
    }

    /// Removes the temporary files from the `from`th on, and the directories
    /// created that stay empty.
    fn discard(&self, from: usize) {
        for staged in self.staged.iter().skip(from) {
            let _ = std::fs::remove_file(&staged.tmp);
        }
        for dir in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// A file's real location must be inside `root`.
fn inside(root: Option<&Path>, target: &Path, shown: &str) -> Result<(), String> {
    match root {
        Some(root) if !target.starts_with(root) => Err(format!(
            "`{shown}` is outside the workspace root (a symlink leads to `{}`); steward writes nothing outside it",
            target.display()
        )),
        _ => Ok(()),
    }
}

/// Where a file to create at `path` would really be: nothing, not even a
/// dangling link, may be there, and the place must be inside `root` (a
/// symlinked directory may lead out of it). `--fix` asks before it offers
/// to create a file, and the writer again before it writes.
pub fn new_location(path: &Path, shown: &str, root: Option<&Path>) -> Result<PathBuf, String> {
    let target = match path.symlink_metadata() {
        Ok(meta) if meta.file_type().is_symlink() && std::fs::metadata(path).is_err() => {
            let to = std::fs::read_link(path)
                .map(|t| format!(" (`{}`)", t.display()))
                .unwrap_or_default();
            Err(format!(
                "`{shown}` is a symlink to a missing file{to}; create that file or remove the link"
            ))
        }
        Ok(_) => Err(format!("`{shown}` already exists")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            real_location(path).map_err(|e| format!("cannot create `{shown}`: {e}"))
        }
        Err(e) => Err(format!("cannot create `{shown}`: {e}")),
    }?;
    inside(root, &target, shown)?;
    Ok(target)
}

/// A file is replaced only when it may be written: not when it has no write
/// permission for anyone (root may write it, but read-only is what is
/// meant: editors warn about it), nor when this user may not write it.
fn writable(target: &Path, meta: &std::fs::Metadata, shown: &str) -> Result<(), String> {
    if meta.permissions().readonly() {
        return Err(format!(
            "`{shown}` is read-only{}; make it writable to fix it",
            mode(meta)
        ));
    }
    // Opened for writing, not truncated: the system's own permission check.
    match std::fs::OpenOptions::new().write(true).open(target) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(format!("`{shown}` is not writable{}: {e}", mode(meta)))
        }
        Err(e) => Err(format!("cannot write `{shown}`: {e}")),
    }
}

#[cfg(unix)]
fn mode(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::PermissionsExt;
    format!(" (mode {:04o})", meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode(_: &std::fs::Metadata) -> String {
    String::new()
}

/// Whether the file still holds `expected` (after a byte-order mark, which
/// the result says).
fn holds(target: &Path, expected: &str, shown: &str) -> Result<bool, String> {
    let current = std::fs::read(target).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    let (bom, body) = match current.strip_prefix(&BOM) {
        Some(rest) => (true, rest),
        None => (false, current.as_slice()),
    };
    if body != expected.as_bytes() {
        return Err(format!(
            "`{shown}` changed since it was read, or is not UTF-8"
        ));
    }
    Ok(bom)
}

/// Writes a temporary file: the text, and a replaced file's owner, group
/// and permissions.
fn fill(
    mut file: std::fs::File,
    bom: bool,
    text: &str,
    original: Option<&std::fs::Metadata>,
) -> std::io::Result<()> {
    if bom {
        file.write_all(&BOM)?;
    }
    file.write_all(text.as_bytes())?;
    if let Some(meta) = original {
        keep_owner(&file, meta);
        // After the owner: changing it clears set-id bits.
        file.set_permissions(meta.permissions())?;
    }
    file.sync_all()
}

/// Gives the file the owner and group of `meta` where the system allows:
/// only root may give a file away, an owner may pass it to a group they are
/// in; otherwise it stays the writer's, as with any editor.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::{fchown, MetadataExt};
    if fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
        let _ = fchown(file, None, Some(meta.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) {}

/// Puts one staged file in place.
fn place(staged: &Staged, file: &FileWrite<'_>) -> Result<(), String> {
    let shown = file.shown;
    match file.expected {
        Some(expected) => {
            // Still what was read, just before it is replaced.
            if holds(&staged.target, expected, shown)? != staged.bom {
                return Err(format!("`{shown}` changed since it was read"));
            }
            std::fs::rename(&staged.tmp, &staged.target)
                .map_err(|e| format!("cannot write `{shown}`: {e}"))
        }
        None => {
            let linked = link_new(&staged.tmp, &staged.target, file.text);
            let _ = std::fs::remove_file(&staged.tmp);
            linked.map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => format!("`{shown}` already exists"),
                _ => format!("cannot write `{shown}`: {e}"),
            })
        }
    }
}

/// Links the temporary file `tmp` in as `target`, which must not exist.
fn link_new(tmp: &Path, target: &Path, text: &str) -> std::io::Result<()> {
    match std::fs::hard_link(tmp, target) {
        Ok(()) => Ok(()),
        // Filesystems without hard links: create the file exclusively.
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            let mut direct = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(target)?;
            direct.write_all(text.as_bytes())?;
            direct.sync_all()
        }
        Err(e) => Err(e),
    }
}

/// A new temporary file next to `target`, named after it (shortened: the
/// name must fit where the file's own does).
fn temporary(target: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let mut cut = name.len().min(64);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let short = &name[..cut];
    let mut attempt = 0u32;
    loop {
        let tmp = dir.join(format!(
            ".{short}.steward-{}-{attempt}.tmp",
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
            Err(e) => return Err(e),
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

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn replacing<'a>(path: &'a Path, expected: &'a str, text: &'a str) -> FileWrite<'a> {
        FileWrite {
            path,
            shown: "old.yaml",
            expected: Some(expected),
            text,
            root: None,
        }
    }

    fn creating<'a>(path: &'a Path, text: &'a str, root: Option<&'a Path>) -> FileWrite<'a> {
        FileWrite {
            path,
            shown: "new.md",
            expected: None,
            text,
            root,
        }
    }

    #[test]
    fn a_failure_before_the_first_rename_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let old = root.join("old.yaml");
        std::fs::write(&old, "a: 1\n").unwrap();
        std::fs::write(root.join("file"), "").unwrap();
        // The second new file's directory is a file: nothing is written, the
        // directories made for the first new file are gone again, and no
        // temporary file is left.
        let first = root.join("d1/d2/first.md");
        let second = root.join("file/second.md");
        let err = write_files(&[
            replacing(&old, "a: 1\n", "a: 2\n"),
            creating(&first, "one\n", Some(&root)),
            creating(&second, "two\n", Some(&root)),
        ])
        .unwrap_err();
        assert!(err.written.is_empty(), "{err:?}");
        assert!(err.message.contains("new.md"), "{}", err.message);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "a: 1\n");
        assert_eq!(names(&root), ["file", "old.yaml"]);
    }

    #[test]
    fn a_failure_after_a_rename_says_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let (a, b) = (root.join("a.md"), root.join("b.md"));
        let files = [creating(&a, "a\n", None), creating(&b, "b\n", None)];
        let mut batch = Batch::default();
        for file in &files {
            batch.stage(file).unwrap();
        }
        // Something appears where the second file goes meanwhile.
        std::fs::write(&b, "theirs\n").unwrap();
        let err = batch.commit(&files).unwrap_err();
        assert_eq!(err.written, [0]);
        assert_eq!(err.message, "`new.md` already exists");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "theirs\n");
        assert_eq!(names(&root), ["a.md", "b.md"]);
    }

    #[test]
    fn nothing_is_written_outside_the_root_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let (root, out) = (base.join("root"), base.join("out"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink("../out", root.join("runbooks")).unwrap();
        std::os::unix::fs::symlink("../out/gone.md", root.join("gone.md")).unwrap();
        // A new file in a symlinked directory that leads out.
        let through_dir = root.join("runbooks/new.md");
        let err = write_files(&[creating(&through_dir, "x\n", Some(&root))]).unwrap_err();
        assert!(
            err.message.contains("outside the workspace root"),
            "{}",
            err.message
        );
        // An existing file there is not replaced either.
        std::fs::write(out.join("old.md"), "old\n").unwrap();
        let old = root.join("runbooks/old.md");
        let mut write = replacing(&old, "old\n", "new\n");
        write.root = Some(&root);
        let err = write_files(&[write]).unwrap_err();
        assert!(err.message.contains("outside"), "{}", err.message);
        // A dangling link is never written through.
        let err = create_new(&root.join("gone.md"), "x\n").unwrap_err();
        assert!(
            err.contains("is a symlink to a missing file (`../out/gone.md`)"),
            "{err}"
        );
        assert_eq!(names(&out), ["old.md"]);
        assert_eq!(
            std::fs::read_to_string(out.join("old.md")).unwrap(),
            "old\n"
        );
        // Where they would land.
        assert_eq!(real_location(&through_dir).unwrap(), out.join("new.md"));
        assert_eq!(
            real_location(&root.join("gone.md")).unwrap(),
            base.join("out/gone.md")
        );
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        assert!(real_location(&root.join("loop/x.md")).is_err());
    }

    #[test]
    fn read_only_files_are_left_alone_even_for_root() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_atomically(&path, "a: 1\n", "a: 2\n").unwrap_err();
        assert_eq!(
            err,
            format!(
                "`{}` is read-only (mode 0444); make it writable to fix it; nothing was written",
                path.display()
            )
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a: 1\n");
        assert_eq!(names(dir.path()), ["old.yaml"]);
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_owner_and_group() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.yaml");
        std::fs::write(&path, "\u{feff}a: 1\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        // Only root can give a file away: elsewhere the owner is the writer.
        let root = std::fs::metadata(&path).unwrap().uid() == 0;
        if root {
            std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
        }
        write_atomically(&path, "a: 1\n", "a: 2\n").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), "\u{feff}a: 2\n".as_bytes());
        assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
        if root {
            assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
        }
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
