//! Source files and the one place that turns byte offsets into line/column
//! (for reports) and into editor positions (for the language server).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::load::yaml::SpanTree;

/// A half-open byte range `[start, end)` in a source file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }

    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Index of the file inside a workspace.
pub type FileId = usize;

/// What kind of file: YAML definitions or a Markdown runbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Yaml,
    Markdown,
}

/// A loaded file. The text of a file read from disk is not kept once it
/// is parsed (for a large workspace that would be most of the memory): it
/// is read again on first use, when a finding needs a snippet or a
/// position, and must then be the bytes that were checked (`Stamp`). Texts
/// that exist only in memory (an editor's buffers, files of a git revision,
/// files given to `load_sources`) are kept.
#[derive(Debug)]
pub struct SourceFile {
    /// Path on disk, as opened.
    path: Box<Path>,
    /// Where the path shown in reports (relative to the current directory,
    /// `/`-separated) starts in `path`; `OWN`: it is not a tail of it.
    display_at: u32,
    /// The same for the path relative to the repository root (SARIF).
    repo_relative_at: u32,
    /// The names that are not tails of `path`: rare, so boxed.
    own: Option<Box<OwnNames>>,
    pub kind: FileKind,
    /// The bytes of a file read from disk when it was checked.
    stamp: Stamp,
    /// Set when the file is built (in-memory texts) or on first use.
    content: OnceLock<Box<Content>>,
}

/// A name held in `SourceFile::own`, not as a tail of the path. Names are
/// tails of the path when they can be (one allocation per file instead of
/// three, and two offsets instead of two strings).
const OWN: u32 = u32::MAX;

#[derive(Debug, Default)]
struct OwnNames {
    display: Box<str>,
    repo_relative: Box<str>,
}

/// A path string of a file, as given to [`SourceFile`]: a tail of its path
/// from a byte offset, or a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathName {
    Tail(usize),
    Text(String),
}

impl From<String> for PathName {
    fn from(text: String) -> Self {
        PathName::Text(text)
    }
}

impl From<&str> for PathName {
    fn from(text: &str) -> Self {
        PathName::Text(text.to_string())
    }
}

/// The size and a hash of the bytes of a file as it was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    pub len: u64,
    pub hash: u64,
}

impl Stamp {
    pub fn of(bytes: &[u8]) -> Stamp {
        Stamp {
            len: bytes.len() as u64,
            hash: content_hash(bytes),
        }
    }
}

/// A fast 64-bit hash of file contents, to notice a file that changed
/// between its check and its report (not against adversaries: the size is
/// compared too). Each step is a bijection of the state for a given word,
/// so two inputs of the same length that differ in one place always hash
/// differently.
fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let step = |h: u64, word: u64| (h.rotate_left(23) ^ word).wrapping_mul(K);
    let mut h = (bytes.len() as u64) ^ 0x5851_F42D_4C95_7F2D;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = step(h, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = step(h, u64::from_le_bytes(word));
    }
    h ^= h >> 32;
    h = h.wrapping_mul(K);
    h ^ (h >> 29)
}

/// Why the text of a file read from disk cannot be had again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lost {
    /// Its size or contents are no longer those that were checked.
    Changed,
    /// It can no longer be read; the reason.
    Unreadable(String),
}

/// What first use of a file computes: its text, line index and span trees.
#[derive(Debug)]
struct Content {
    text: Result<String, Lost>,
    line_starts: OnceLock<Vec<usize>>,
    /// The span trees of its documents, by index in the file (YAML only).
    span_trees: OnceLock<Vec<SpanTree>>,
}

impl Content {
    fn new(text: Result<String, Lost>) -> Box<Content> {
        Box::new(Content {
            text,
            line_starts: OnceLock::new(),
            span_trees: OnceLock::new(),
        })
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// What an editor counts a column in (LSP `positionEncoding`): UTF-16 code
/// units unless the client negotiates UTF-8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

/// An editor position: a 0-based line and a 0-based column in `Encoding`
/// code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl SourceFile {
    /// A file whose text is kept in memory.
    pub fn new(
        path: PathBuf,
        display: impl Into<PathName>,
        repo_relative: impl Into<PathName>,
        kind: FileKind,
        text: String,
    ) -> Self {
        let file = SourceFile::on_disk(path, display, repo_relative, kind, Stamp::default());
        // A fresh lock: setting it cannot fail.
        let _ = file.content.set(Content::new(Ok(text)));
        file
    }

    /// A file read from disk whose text is read again on first use, and
    /// must then still be `stamp`.
    pub fn on_disk(
        path: PathBuf,
        display: impl Into<PathName>,
        repo_relative: impl Into<PathName>,
        kind: FileKind,
        stamp: Stamp,
    ) -> Self {
        let path = path.into_boxed_path();
        let whole = path.to_str().unwrap_or("");
        // Where the name starts in the path, or the name itself.
        let name = |name: PathName| -> Result<u32, Box<str>> {
            let text = match name {
                PathName::Tail(at) => match (whole.get(at..), u32::try_from(at)) {
                    (Some(_), Ok(at)) if at != OWN => return Ok(at),
                    (tail, _) => tail.unwrap_or("").to_string(),
                },
                PathName::Text(text) => text,
            };
            match whole.strip_suffix(text.as_str()) {
                Some(head) if !text.is_empty() && (head.is_empty() || head.ends_with('/')) => {
                    u32::try_from(head.len())
                        .ok()
                        .filter(|&at| at != OWN)
                        .ok_or_else(|| text.into_boxed_str())
                }
                _ => Err(text.into_boxed_str()),
            }
        };
        let display = name(display.into());
        let repo_relative = name(repo_relative.into());
        let own = (display.is_err() || repo_relative.is_err()).then(|| {
            Box::new(OwnNames {
                display: display.clone().err().unwrap_or_default(),
                repo_relative: repo_relative.clone().err().unwrap_or_default(),
            })
        });
        SourceFile {
            path,
            display_at: display.unwrap_or(OWN),
            repo_relative_at: repo_relative.unwrap_or(OWN),
            own,
            kind,
            stamp,
            content: OnceLock::new(),
        }
    }

    /// Path on disk, as opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Path shown in reports: relative to the current directory, `/`-separated.
    pub fn display(&self) -> &str {
        match self.display_at {
            OWN => self.own.as_ref().map_or("", |own| &own.display),
            at => self.tail(at),
        }
    }

    /// Path relative to the repository root, `/`-separated.
    pub fn repo_relative(&self) -> &str {
        match self.repo_relative_at {
            OWN => self.own.as_ref().map_or("", |own| &own.repo_relative),
            at => self.tail(at),
        }
    }

    fn tail(&self, at: u32) -> &str {
        self.path
            .to_str()
            .and_then(|p| p.get(at as usize..))
            .unwrap_or("")
    }

    fn content(&self) -> &Content {
        self.content
            .get_or_init(|| Content::new(crate::load::read_again(&self.path, self.stamp)))
    }

    /// The text that was checked: kept, or read again on first use; `None`
    /// when the file changed since or can no longer be read.
    pub fn text(&self) -> Option<&str> {
        self.content().text.as_deref().ok()
    }

    /// Why the text was not available, once something asked for it.
    pub fn lost(&self) -> Option<&Lost> {
        self.content.get()?.text.as_ref().err()
    }

    /// The text of an in-memory file, or what `text` gives.
    pub fn into_text(self) -> String {
        match self.content.into_inner() {
            Some(content) => content.text.unwrap_or_default(),
            None => String::new(),
        }
    }

    /// The span trees of the file's documents, parsed by `parse` from its
    /// text on first use; `None` when the text is not available.
    pub fn span_trees(&self, parse: impl FnOnce(&str) -> Vec<SpanTree>) -> Option<&[SpanTree]> {
        let content = self.content();
        let text = content.text.as_deref().ok()?;
        Some(content.span_trees.get_or_init(|| parse(text)))
    }

    /// The text, or "" when it is not available (positions then clamp to
    /// the start of the file).
    fn text_or_empty(&self) -> &str {
        self.text().unwrap_or("")
    }

    fn starts(&self) -> &[usize] {
        let content = self.content();
        content
            .line_starts
            .get_or_init(|| line_starts(content.text.as_deref().unwrap_or("")))
    }

    /// The offset clamped to a character boundary, its 0-based line and
    /// the line's start.
    fn locate(&self, offset: usize) -> (usize, usize, usize) {
        let text = self.text_or_empty();
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let starts = self.starts();
        let line_index = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = starts.get(line_index).copied().unwrap_or(0);
        (offset, line_index, line_start)
    }

    /// Converts a byte offset to a 1-based line and character column.
    /// Offsets past the end or inside a UTF-8 sequence are clamped, never panic.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let (offset, line_index, line_start) = self.locate(offset);
        let column = self.text_or_empty()[line_start..offset].chars().count() + 1;
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// Converts a byte offset to an editor position, clamped like `line_col`.
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let (offset, line_index, line_start) = self.locate(offset);
        let before = &self.text_or_empty()[line_start..offset];
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position {
            line: u32::try_from(line_index).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// Converts an editor position back to a byte offset. As LSP asks, a
    /// column past the line's end means its end and a line past the last
    /// means the end of the text; a column inside a character (half of a
    /// UTF-16 surrogate pair) means that character's start.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let text = self.text_or_empty();
        let Some(line) = usize::try_from(position.line)
            .ok()
            .and_then(|l| self.line_span(l.checked_add(1)?))
        else {
            return text.len();
        };
        let wanted = usize::try_from(position.character).unwrap_or(usize::MAX);
        let mut units = 0;
        for (i, c) in text[line.start..line.end].char_indices() {
            let width = match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + width > wanted {
                return line.start + i;
            }
            units += width;
        }
        line.end
    }

    /// Byte range of the 1-based line `line`, without its line terminator.
    pub fn line_span(&self, line: usize) -> Option<Span> {
        let text = self.text_or_empty();
        let starts = self.starts();
        let start = *starts.get(line.checked_sub(1)?)?;
        let mut end = starts.get(line).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Some(Span::new(start, end))
    }

    pub fn line_count(&self) -> usize {
        self.starts().len()
    }
}

pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    starts.push(0);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' => starts.push(i + 1),
            // A lone CR (old Mac line ending) also ends a line, as YAML says.
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
    }
    starts
}

pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            "f".into(),
            "f".to_string(),
            "f".to_string(),
            FileKind::Yaml,
            text.into(),
        )
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = file("a: b\nnäme: jöhn\n");
        let offset = f.text().unwrap().find("jöhn").unwrap();
        assert_eq!(f.line_col(offset), LineCol { line: 2, column: 7 });
        let after = offset + "jöhn".len();
        assert_eq!(
            f.line_col(after),
            LineCol {
                line: 2,
                column: 11
            }
        );
    }

    #[test]
    fn crlf_and_out_of_range_offsets() {
        let f = file("a: 1\r\nb: 2\r\n");
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_span(2), Some(Span::new(6, 10)));
        assert_eq!(f.line_col(10_000).line, 3);
    }

    /// Every character boundary of a line with one-, two-, three- and
    /// four-byte characters (`ü`, CJK, an emoji: a UTF-16 surrogate pair)
    /// round-trips in both encodings, with the columns counted by hand.
    #[test]
    fn editor_positions_count_utf16_units_or_utf8_bytes() {
        let f = file("id: x\nname: \"ü李😀\" # ok\r\nlast");
        let line = f.text().unwrap().find("name").unwrap();
        let quote = f.text().unwrap().find("\"ü").unwrap() + 1;
        // (byte offset, UTF-16 column, UTF-8 column) on line 1.
        let expected = [
            (quote, 7, 7),
            (quote + 2, 8, 9),    // after ü: 1 unit, 2 bytes
            (quote + 5, 9, 12),   // after 李: 1 unit, 3 bytes
            (quote + 9, 11, 16),  // after 😀: 2 units, 4 bytes
            (quote + 10, 12, 17), // after the closing quote
        ];
        for (offset, utf16, utf8) in expected {
            for (encoding, character) in [(Encoding::Utf16, utf16), (Encoding::Utf8, utf8)] {
                let position = Position { line: 1, character };
                assert_eq!(
                    f.position(offset, encoding),
                    position,
                    "{encoding:?} at {offset}"
                );
                assert_eq!(
                    f.offset(position, encoding),
                    offset,
                    "{encoding:?} {position:?}"
                );
            }
        }
        assert_eq!(
            f.position(line, Encoding::Utf16),
            Position {
                line: 1,
                character: 0
            }
        );
        // Half of the emoji's surrogate pair, or a byte inside it: its start.
        let emoji = quote + 5;
        let half = Position {
            line: 1,
            character: 10,
        };
        assert_eq!(f.offset(half, Encoding::Utf16), emoji);
        let inside = Position {
            line: 1,
            character: 14,
        };
        assert_eq!(f.offset(inside, Encoding::Utf8), emoji);
        assert_eq!(
            f.position(emoji + 1, Encoding::Utf16),
            f.position(emoji, Encoding::Utf16)
        );
        // Past the end of a CRLF line: before the CR; past the last line: the end.
        let crlf_end = f.text().unwrap().find('\r').unwrap();
        assert_eq!(
            f.offset(
                Position {
                    line: 1,
                    character: 99
                },
                Encoding::Utf16
            ),
            crlf_end
        );
        assert_eq!(
            f.position(crlf_end + 2, Encoding::Utf8),
            Position {
                line: 2,
                character: 0
            }
        );
        assert_eq!(
            f.offset(
                Position {
                    line: 9,
                    character: 0
                },
                Encoding::Utf8
            ),
            f.text().unwrap().len()
        );
        assert_eq!(
            f.position(10_000, Encoding::Utf16),
            Position {
                line: 2,
                character: 4
            }
        );
    }

    /// Report paths that are tails of the file's path are stored as such,
    /// and read back the same either way.
    #[test]
    fn names_are_tails_of_the_path_or_their_own() {
        let path = PathBuf::from("/repo/teams/a.yaml");
        let f = SourceFile::on_disk(
            path.clone(),
            PathName::Tail(6),
            "teams/a.yaml".to_string(),
            FileKind::Yaml,
            Stamp::default(),
        );
        assert_eq!(
            (f.display(), f.repo_relative()),
            ("teams/a.yaml", "teams/a.yaml")
        );
        assert_eq!((f.display_at, f.repo_relative_at), (6, 6));
        assert!(f.own.is_none());
        let f = SourceFile::new(path, "../a.yaml", "s/a.yaml", FileKind::Yaml, String::new());
        assert_eq!((f.display(), f.repo_relative()), ("../a.yaml", "s/a.yaml"));
        assert_eq!((f.display_at, f.repo_relative_at), (OWN, OWN));
        // One name a tail, the other not.
        let f = SourceFile::new(
            PathBuf::from("/repo/teams/a.yaml"),
            "teams/a.yaml",
            "x/a.yaml",
            FileKind::Yaml,
            String::new(),
        );
        assert_eq!(
            (f.display(), f.repo_relative()),
            ("teams/a.yaml", "x/a.yaml")
        );
        assert_eq!((f.display_at, f.repo_relative_at), (6, OWN));
        assert_eq!(f.path(), Path::new("/repo/teams/a.yaml"));
    }

    #[test]
    fn offset_inside_a_character_is_clamped() {
        let f = file("ö");
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 1 });
    }
}
