//! `--format junit`: JUnit XML for CI systems that render test reports
//! (GitLab, Jenkins, Azure Pipelines, CircleCI, test-reporter actions).
//!
//! Layout:
//! - `<testsuites name="steward">` with the totals;
//! - one `<testsuite>` per file steward read, named by its path, in path order;
//! - in it, one `<testcase name=RULE classname=FILE file=FILE>` per rule with
//!   findings in that file, holding exactly one `<failure>`: several failures
//!   in one testcase are dropped or mangled by common readers, so the
//!   `message` attribute names the first finding (`file:line:col: message`,
//!   plus how many more) and the element's text lists every one with its
//!   location and help. `type` is `error`, or `warning` when all of them are
//!   warnings (JUnit has no warning state: warnings are failures too, as in
//!   ESLint's JUnit output);
//! - a rule whose findings in a file are all suppressed is a `<skipped>`
//!   testcase with the justification;
//! - a file without findings holds one passing testcase, `all rules`, so the
//!   report shows clean files as passed.

use std::collections::BTreeMap;
use std::io::{self, Write};

use std::borrow::Cow;

use quick_xml::escape::partial_escape;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;

use super::{Report, ResolvedFinding};
use crate::finding::Severity;

/// The testcase of a file without findings.
pub const CLEAN_TESTCASE: &str = "all rules";

/// Replaces characters XML 1.0 cannot hold, even escaped, by U+FFFD.
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            _ => c,
        })
        .collect()
}

/// An attribute value on one line: XML parsers turn raw line breaks and tabs
/// into spaces anyway.
fn one_line(text: &str) -> String {
    xml_safe(&text.replace("\r\n", " ").replace(['\n', '\r', '\t'], " "))
}

/// An attribute with only `<`, `>`, `&` and `"` escaped (quick-xml's default
/// also escapes `'`, which is valid but harder to read).
fn attr<'a>(key: &'a str, value: &str) -> Attribute<'a> {
    let escaped = partial_escape(one_line(value)).replace('"', "&quot;");
    Attribute {
        key: QName(key.as_bytes()),
        value: Cow::Owned(escaped.into_bytes()),
    }
}

/// Text content with only `<`, `>` and `&` escaped.
fn text(content: &str) -> BytesText<'static> {
    BytesText::from_escaped(partial_escape(xml_safe(content)).into_owned())
}

fn location(f: &ResolvedFinding) -> String {
    format!("{}:{}:{}", f.path, f.start.line, f.start.column)
}

/// One rule's findings in one file.
struct Case<'a> {
    rule: &'a str,
    visible: Vec<&'a ResolvedFinding>,
    suppressed: Vec<&'a ResolvedFinding>,
}

struct Suite<'a> {
    path: &'a str,
    cases: Vec<Case<'a>>,
}

impl Suite<'_> {
    fn tests(&self) -> usize {
        self.cases.len().max(1)
    }

    fn failures(&self) -> usize {
        self.cases.iter().filter(|c| !c.visible.is_empty()).count()
    }

    fn skipped(&self) -> usize {
        self.cases.iter().filter(|c| c.visible.is_empty()).count()
    }
}

fn suites<'a>(report: &'a Report<'_>) -> Vec<Suite<'a>> {
    // Path -> rule -> findings; BTreeMaps keep the order deterministic.
    let mut by_file: BTreeMap<&str, BTreeMap<&str, Case<'a>>> = BTreeMap::new();
    // The files the summary counts: a file that only mentions `steward/v1`
    // in a comment is not a passed test suite.
    for (file, checked) in report.files.iter().zip(&report.checked) {
        if *checked {
            by_file.entry(file.display()).or_default();
        }
    }
    for f in &report.findings {
        let case = by_file
            .entry(f.path.as_str())
            .or_default()
            .entry(f.rule.as_str())
            .or_insert_with(|| Case {
                rule: &f.rule,
                visible: Vec::new(),
                suppressed: Vec::new(),
            });
        if f.suppressed.is_some() {
            case.suppressed.push(f);
        } else {
            case.visible.push(f);
        }
    }
    by_file
        .into_iter()
        .map(|(path, cases)| Suite {
            path,
            cases: cases.into_values().collect(),
        })
        .collect()
}

fn failure_text(findings: &[&ResolvedFinding]) -> String {
    let mut text = String::new();
    for f in findings {
        text.push_str(&format!(
            "{}: {}[{}] {}\n",
            location(f),
            f.severity,
            f.rule,
            f.message
        ));
        if let Some(help) = &f.help {
            text.push_str(&format!("  help: {help}\n"));
        }
    }
    text
}

fn write_case<W: Write>(writer: &mut Writer<W>, path: &str, case: &Case<'_>) -> io::Result<()> {
    let element = writer
        .create_element("testcase")
        .with_attribute(attr("name", case.rule))
        .with_attribute(attr("classname", path))
        .with_attribute(attr("file", path));
    if let Some(first) = case.visible.first() {
        let mut message = format!("{}: {}", location(first), first.message);
        if case.visible.len() > 1 {
            message.push_str(&format!(" (and {} more)", case.visible.len() - 1));
        }
        let kind = if case.visible.iter().any(|f| f.severity == Severity::Error) {
            "error"
        } else {
            "warning"
        };
        let body = failure_text(&case.visible);
        element.write_inner_content(|w| {
            w.create_element("failure")
                .with_attribute(attr("message", &message))
                .with_attribute(attr("type", kind))
                .write_text_content(text(&body))?;
            Ok(())
        })?;
    } else {
        let reasons: Vec<String> = case
            .suppressed
            .iter()
            .map(
                |f| match f.suppressed.as_ref().and_then(|s| s.justification.as_ref()) {
                    Some(why) => format!("{}: {why}", location(f)),
                    None => location(f),
                },
            )
            .collect();
        let message = format!("suppressed in source: {}", reasons.join("; "));
        element.write_inner_content(|w| {
            w.create_element("skipped")
                .with_attribute(attr("message", &message))
                .write_empty()?;
            Ok(())
        })?;
    }
    Ok(())
}

fn write_suite<W: Write>(writer: &mut Writer<W>, suite: &Suite<'_>) -> io::Result<()> {
    let path = suite.path;
    let element = writer
        .create_element("testsuite")
        .with_attribute(attr("name", path))
        .with_attribute(attr("tests", &suite.tests().to_string()))
        .with_attribute(attr("failures", &suite.failures().to_string()))
        .with_attribute(attr("errors", "0"))
        .with_attribute(attr("skipped", &suite.skipped().to_string()));
    element.write_inner_content(|w| {
        if suite.cases.is_empty() {
            w.create_element("testcase")
                .with_attribute(attr("name", CLEAN_TESTCASE))
                .with_attribute(attr("classname", path))
                .with_attribute(attr("file", path))
                .write_empty()?;
        }
        for case in &suite.cases {
            write_case(w, path, case)?;
        }
        Ok(())
    })?;
    Ok(())
}

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(report);
    let tests: usize = suites.iter().map(Suite::tests).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let skipped: usize = suites.iter().map(Suite::skipped).sum();
    let mut writer = Writer::new_with_indent(&mut *out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(attr("name", "steward"))
        .with_attribute(attr("tests", &tests.to_string()))
        .with_attribute(attr("failures", &failures.to_string()))
        .with_attribute(attr("errors", "0"))
        .with_attribute(attr("skipped", &skipped.to_string()))
        .write_inner_content(|w| {
            for suite in &suites {
                write_suite(w, suite)?;
            }
            Ok(())
        })?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(xml_safe("a\u{1}b\tc\n"), "a\u{fffd}b\tc\n");
        assert_eq!(one_line("a\r\nb\nc"), "a b c");
    }

    #[test]
    fn attributes_escape_markup_and_double_quotes_only() {
        let a = attr("m", "a<b & \"c\" 'd'\n");
        assert_eq!(&*a.value, b"a&lt;b &amp; &quot;c&quot; 'd' ".as_slice());
    }
}
