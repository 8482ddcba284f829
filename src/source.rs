//! Source files and the one place that turns byte offsets into line/column.

use std::path::PathBuf;

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

/// A loaded text file with a precomputed line index.
#[derive(Debug)]
pub struct SourceFile {
    /// Path on disk, as opened.
    pub path: PathBuf,
    /// Path shown in reports: relative to the current directory, `/`-separated.
    pub display: String,
    /// Path relative to the repository root, `/`-separated (SARIF uses this).
    pub repo_relative: String,
    pub kind: FileKind,
    pub text: String,
    /// Computed on first use: most files never need a line number.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(
        path: PathBuf,
        display: String,
        repo_relative: String,
        kind: FileKind,
        text: String,
    ) -> Self {
        SourceFile {
            path,
            display,
            repo_relative,
            kind,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// Converts a byte offset to a 1-based line and character column.
    /// Offsets past the end or inside a UTF-8 sequence are clamped, never panic.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.starts();
        let line_index = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = starts.get(line_index).copied().unwrap_or(0);
        let column = self.text[line_start..offset].chars().count() + 1;
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// Byte range of the 1-based line `line`, without its line terminator.
    pub fn line_span(&self, line: usize) -> Option<Span> {
        let starts = self.starts();
        let start = *starts.get(line.checked_sub(1)?)?;
        let mut end = starts.get(line).copied().unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Some(Span::new(start, end))
    }

    pub fn line_count(&self) -> usize {
        self.starts().len()
    }
}

fn line_starts(text: &str) -> Vec<usize> {
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
            "f".into(),
            "f".into(),
            FileKind::Yaml,
            text.into(),
        )
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = file("a: b\nnäme: jöhn\n");
        let offset = f.text.find("jöhn").unwrap();
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

    #[test]
    fn offset_inside_a_character_is_clamped() {
        let f = file("ö");
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 1 });
    }
}
