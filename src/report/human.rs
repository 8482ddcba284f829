//! `--format human`: miette diagnostics with the source snippet, the node
//! underlined and labelled, a help line, and a summary line.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{RenderOptions, Report, ResolvedFinding};
use crate::finding::Severity;
use crate::fix::{Fix, Safety};
use crate::source::floor_char_boundary;

/// A borrowed, named source for miette.
struct Named<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // miette counts the column (of the `[file:line:column]` header) in
        // bytes; every other format counts characters.
        let column = char_column(self.text, inner.span().offset(), inner.column());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// The 0-based character column of `offset`, `byte_column` bytes after its
/// line's start.
fn char_column(text: &str, offset: usize, byte_column: usize) -> usize {
    let end = floor_char_boundary(text, offset.min(text.len()));
    let start = floor_char_boundary(text, end.saturating_sub(byte_column));
    text[start..end].chars().count()
}

struct Rendered<'a> {
    finding: &'a ResolvedFinding,
    source: Option<Named<'a>>,
    /// Labels in other files, shown as related notes with their own snippet.
    related: Vec<Note<'a>>,
}

struct Note<'a> {
    message: &'a str,
    source: Named<'a>,
    span: SourceSpan,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl fmt::Debug for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl fmt::Display for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for Note<'_> {}

impl Diagnostic for Note<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.message.to_string()), self.span),
        )))
    }
}

fn source_span(span: crate::source::Span) -> SourceSpan {
    SourceSpan::new(span.start.into(), span.len())
}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}[{}]",
            self.finding.severity, self.finding.rule
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let fix = self.finding.fix.as_deref().map(fix_line);
        match (&self.finding.help, fix) {
            (Some(help), Some(fix)) => Some(Box::new(format!("{help}\n{fix}"))),
            (Some(help), None) => Some(Box::new(help)),
            (None, Some(fix)) => Some(Box::new(fix)),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let f = self.finding;
        let primary = LabeledSpan::new_primary_with_span(f.label.clone(), source_span(f.span));
        let secondary = f
            .labels
            .iter()
            .filter(|l| l.file == f.file)
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), source_span(l.span)));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|n| n as &dyn Diagnostic)))
    }
}

pub fn render(report: &Report<'_>, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_context_lines(1)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::Custom(words_keeping_code_spans));
    for finding in report.visible() {
        let file = report.files.get(finding.file);
        // Files without text (unreadable, too large) render without a snippet.
        let source = file.and_then(|f| {
            Some(Named {
                name: f.display(),
                text: f.text().filter(|t| !t.is_empty())?,
            })
        });
        let related = finding
            .labels
            .iter()
            .filter(|l| l.file != finding.file)
            .filter_map(|l| {
                let f = report.files.get(l.file)?;
                Some(Note {
                    message: &l.message,
                    source: Named {
                        name: f.display(),
                        text: f.text()?,
                    },
                    span: source_span(l.span),
                })
            })
            .collect();
        let rendered = Rendered {
            finding,
            source,
            related,
        };
        let mut text = String::new();
        if handler.render_report(&mut text, &rendered).is_err() {
            text = format!(
                "{}[{}]: {}\n",
                finding.severity, finding.rule, finding.message
            );
        }
        if rendered.source.is_none() {
            // Without a snippet miette cannot show where: say it.
            text = text.replacen(
                &finding.message,
                &format!("{}: {}", finding.path, finding.message),
                1,
            );
        }
        // miette heads a related snippet with "Advice: " and nothing after it.
        let text = text.replace("\nAdvice: \n", "\nnote: see also\n");
        out.write_all(text.as_bytes())?;
        writeln!(out)?;
    }
    // What fixes would do comes just before the summary, so the summary
    // keeps its place (scripts read it).
    if let Some(line) = fixable_line(report) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", report.summary_line())?;
    if let Some(note) = report.summary.stale_note() {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// Under a finding's help: what would fix it, and with which flag.
fn fix_line(fix: &Fix) -> String {
    match fix.safety {
        Safety::Safe => format!("fix available: --fix ({})", fix.title),
        Safety::Unsafe => format!("unsafe fix available: --unsafe-fixes ({})", fix.title),
    }
}

/// `3 fixable with --fix (2 more with --unsafe-fixes)`, when any is.
fn fixable_line(report: &Report<'_>) -> Option<String> {
    let count = |safety| {
        report
            .visible()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.safety == safety))
            .count()
    };
    match (count(Safety::Safe), count(Safety::Unsafe)) {
        (0, 0) => None,
        (0, unsafe_) => Some(format!("{unsafe_} fixable with --unsafe-fixes")),
        (safe, 0) => Some(format!("{safe} fixable with --fix")),
        (safe, unsafe_) => Some(format!(
            "{safe} fixable with --fix ({unsafe_} more with --unsafe-fixes)"
        )),
    }
}

/// Splits a line into words at spaces outside `code spans`, so wrapping never
/// breaks an id or a YAML snippet in a help line across two lines.
fn words_keeping_code_spans(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            in_code = !in_code;
        } else if c == ' ' && !in_code {
            let mut end = i + 1;
            while let Some((j, ' ')) = chars.peek().copied() {
                end = j + 1;
                chars.next();
            }
            words.push(textwrap::core::Word::from(&line[start..end]));
            start = end;
        }
    }
    if start < line.len() {
        words.push(textwrap::core::Word::from(&line[start..]));
    }
    Box::new(words.into_iter())
}
