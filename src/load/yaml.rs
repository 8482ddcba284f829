//! One pass over granit-parser events builds, per document, a `serde_json::Value`
//! and a span tree that maps every JSON pointer to the byte span of its YAML node.
//!
//! Scalars resolve by the YAML 1.2 core schema (`no` is a string, `0755` is
//! decimal, dates are strings). Duplicate keys, alias bombs and complex keys are
//! reported as located problems instead of being silently accepted.

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, ScanError, StructureStyle, Tag};
use serde_json::{Map, Number, Value};

use crate::source::Span;

/// Resource limits for one file.
#[derive(Debug, Clone, Copy)]
pub struct YamlLimits {
    /// Nodes that alias expansion may materialise per file, over all aliases.
    pub max_alias_nodes: usize,
    /// Deepest nesting of collections (block or flow).
    pub max_depth: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        YamlLimits {
            max_alias_nodes: 100_000,
            max_depth: 128,
        }
    }
}

/// The span of a YAML node and of its children, addressable by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanNode {
    pub span: Span,
    pub children: SpanChildren,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanChildren {
    Leaf,
    Seq(Vec<SpanNode>),
    /// Entries in source order: key text, key span, value node.
    Map(Vec<(String, Span, SpanNode)>),
}

/// Where a pointer lands in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    /// Span of the deepest node on the pointer's path.
    pub span: Span,
    /// Span of the key that holds that node, when its parent is a mapping.
    pub key_span: Option<Span>,
    /// Whether the whole pointer resolved (false: `span` is an ancestor's).
    pub exact: bool,
}

impl SpanNode {
    fn leaf(span: Span) -> Self {
        SpanNode {
            span,
            children: SpanChildren::Leaf,
        }
    }

    /// Resolves an RFC 6901 JSON pointer to the deepest node on its path.
    pub fn resolve(&self, pointer: &str) -> Resolved {
        let mut node = self;
        let mut key_span = None;
        if pointer.is_empty() {
            return Resolved {
                span: node.span,
                key_span,
                exact: true,
            };
        }
        for raw in pointer.strip_prefix('/').unwrap_or(pointer).split('/') {
            let token = unescape_pointer_token(raw);
            let next = match &node.children {
                SpanChildren::Leaf => None,
                SpanChildren::Seq(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|n| (n, None)),
                SpanChildren::Map(entries) => entries
                    .iter()
                    .find(|(k, _, _)| *k == token)
                    .map(|(_, ks, n)| (n, Some(*ks))),
            };
            match next {
                Some((child, ks)) => {
                    node = child;
                    key_span = ks;
                }
                None => {
                    return Resolved {
                        span: node.span,
                        key_span,
                        exact: false,
                    }
                }
            }
        }
        Resolved {
            span: node.span,
            key_span,
            exact: true,
        }
    }
}

pub fn unescape_pointer_token(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

pub fn escape_pointer_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

#[derive(Debug, Clone)]
pub struct YamlDocument {
    pub value: Value,
    pub spans: SpanNode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Covers `#` through the end of the comment, excluding the line break.
    pub span: Span,
    /// Text after `#`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The parser stopped here; later documents in the file are lost.
    Syntax,
    DuplicateKey {
        first: Span,
    },
    ComplexKey,
    AliasBudget,
    TooDeep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
    /// Index of the document the problem is in (documents that parsed before it).
    pub document: usize,
}

#[derive(Debug, Default)]
pub struct ParsedYaml {
    pub documents: Vec<YamlDocument>,
    pub comments: Vec<Comment>,
    pub problems: Vec<YamlProblem>,
}

struct Node {
    value: Value,
    spans: SpanNode,
    /// Nodes in this subtree, for the alias budget.
    weight: usize,
    /// The scalar text as written, for use as a mapping key.
    key_text: Option<String>,
}

enum Frame {
    Seq {
        start: usize,
        flow: bool,
        anchor: usize,
        items: Vec<Value>,
        spans: Vec<SpanNode>,
        weight: usize,
    },
    Map {
        start: usize,
        flow: bool,
        anchor: usize,
        map: Map<String, Value>,
        entries: Vec<(String, Span, SpanNode)>,
        pending_key: Option<Option<(String, Span)>>,
        weight: usize,
    },
}

struct Builder<'a> {
    limits: &'a YamlLimits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    alias_weight: usize,
    root: Option<Node>,
    out: ParsedYaml,
}

/// Parses every document of a YAML stream. Never panics; problems are returned
/// with byte spans.
pub fn parse(text: &str, limits: &YamlLimits) -> ParsedYaml {
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_weight: 0,
        root: None,
        out: ParsedYaml::default(),
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => {
                let span = byte_span(text, &span);
                if let Err(problem) = builder.event(event, span) {
                    builder.out.problems.push(problem);
                    break;
                }
            }
            Err(error) => {
                let problem = syntax_problem(text, &error, builder.out.documents.len());
                builder.out.problems.push(problem);
                break;
            }
        }
    }
    builder.out
}

fn byte_span(text: &str, span: &granit_parser::Span) -> Span {
    let start = marker_offset(text, &span.start);
    let end = marker_offset(text, &span.end).max(start);
    Span::new(start, end)
}

fn marker_offset(text: &str, marker: &granit_parser::Marker) -> usize {
    match marker.byte_offset() {
        Some(b) => b.min(text.len()),
        // Parsing from a &str always yields byte offsets; keep a correct fallback.
        None => text
            .char_indices()
            .nth(marker.index())
            .map_or(text.len(), |(b, _)| b),
    }
}

fn syntax_problem(text: &str, error: &ScanError, document: usize) -> YamlProblem {
    let at = marker_offset(text, error.marker());
    let mut message = error.info();
    if message.is_empty() {
        message = "invalid YAML".to_string();
    }
    let kind = if message.contains("recursion limit") || message.contains("nesting") {
        ProblemKind::TooDeep
    } else {
        ProblemKind::Syntax
    };
    YamlProblem {
        kind,
        span: Span::new(at, next_char_end(text, at)),
        message,
        document,
    }
}

fn next_char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + c.len_utf8())
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlProblem> {
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                self.anchors.clear();
                self.stack.clear();
                self.root = None;
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    self.out.documents.push(YamlDocument {
                        value: root.value,
                        spans: root.spans,
                    });
                }
            }
            Event::Comment(text, _) => self.out.comments.push(Comment {
                span,
                text: text.into_owned(),
            }),
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(&text, style, tag.as_deref());
                let node = Node {
                    value,
                    spans: SpanNode::leaf(span),
                    weight: 1,
                    key_text: Some(text.into_owned()),
                };
                self.push(node, anchor)?;
            }
            Event::SequenceStart(style, anchor, _) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Seq {
                    start: span.start,
                    flow: style == StructureStyle::Flow,
                    anchor,
                    items: Vec::new(),
                    spans: Vec::new(),
                    weight: 1,
                });
            }
            Event::MappingStart(style, anchor, _) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Map {
                    start: span.start,
                    flow: style == StructureStyle::Flow,
                    anchor,
                    map: Map::new(),
                    entries: Vec::new(),
                    pending_key: None,
                    weight: 1,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = finish(frame, span);
                self.push(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some((value, weight)) = self.anchors.get(&id).cloned() else {
                    return Ok(());
                };
                self.alias_weight = self.alias_weight.saturating_add(weight);
                if self.alias_weight > self.limits.max_alias_nodes {
                    return Err(YamlProblem {
                        kind: ProblemKind::AliasBudget,
                        span,
                        message: format!(
                            "aliases expand to more than {} nodes (an alias bomb?); parsing stopped",
                            self.limits.max_alias_nodes
                        ),
                        document: self.out.documents.len(),
                    });
                }
                // Pointers below an alias resolve to the alias token: that is the
                // node the user wrote at this place.
                let key_text = value.as_str().map(str::to_string);
                let node = Node {
                    value,
                    spans: SpanNode::leaf(span),
                    weight,
                    key_text,
                };
                self.push(node, 0)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn check_depth(&self, span: Span) -> Result<(), YamlProblem> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlProblem {
                kind: ProblemKind::TooDeep,
                span,
                message: format!(
                    "collections nest deeper than {} levels; parsing stopped",
                    self.limits.max_depth
                ),
                document: self.out.documents.len(),
            });
        }
        Ok(())
    }

    fn push(&mut self, node: Node, anchor: usize) -> Result<(), YamlProblem> {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.value.clone(), node.weight));
        }
        let document = self.out.documents.len();
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq {
                items,
                spans,
                weight,
                ..
            }) => {
                items.push(node.value);
                spans.push(node.spans);
                *weight = weight.saturating_add(node.weight);
            }
            Some(Frame::Map {
                map,
                entries,
                pending_key,
                weight,
                ..
            }) => match pending_key.take() {
                None => {
                    *pending_key = Some(match node.key_text {
                        Some(text) if node.spans.children == SpanChildren::Leaf => {
                            Some((text, node.spans.span))
                        }
                        _ => {
                            self.out.problems.push(YamlProblem {
                                kind: ProblemKind::ComplexKey,
                                span: node.spans.span,
                                message:
                                    "a mapping key must be a plain value, not a list or mapping"
                                        .to_string(),
                                document,
                            });
                            None
                        }
                    });
                }
                Some(None) => {}
                Some(Some((key, key_span))) => {
                    *weight = weight.saturating_add(node.weight);
                    if let Some((_, first, _)) = entries.iter().find(|(k, _, _)| *k == key) {
                        self.out.problems.push(YamlProblem {
                            kind: ProblemKind::DuplicateKey { first: *first },
                            span: key_span,
                            message: format!("duplicate key `{key}` in this mapping"),
                            document,
                        });
                    } else {
                        map.insert(key.clone(), node.value);
                        entries.push((key, key_span, node.spans));
                    }
                }
            },
        }
        Ok(())
    }
}

fn finish(frame: Frame, end_span: Span) -> (Node, usize) {
    match frame {
        Frame::Seq {
            start,
            flow,
            anchor,
            items,
            spans,
            weight,
        } => {
            let end = collection_end(flow, end_span, spans.last().map(|s| s.span.end), start);
            let node = Node {
                value: Value::Array(items),
                spans: SpanNode {
                    span: Span::new(start, end),
                    children: SpanChildren::Seq(spans),
                },
                weight,
                key_text: None,
            };
            (node, anchor)
        }
        Frame::Map {
            start,
            flow,
            anchor,
            map,
            entries,
            weight,
            ..
        } => {
            let end = collection_end(
                flow,
                end_span,
                entries.last().map(|(_, _, n)| n.span.end),
                start,
            );
            let node = Node {
                value: Value::Object(map),
                spans: SpanNode {
                    span: Span::new(start, end),
                    children: SpanChildren::Map(entries),
                },
                weight,
                key_text: None,
            };
            (node, anchor)
        }
    }
}

/// Flow collections end at their closing bracket; block collections end at their
/// last child (the parser's end event sits on the next token, often lines later).
fn collection_end(
    flow: bool,
    end_span: Span,
    last_child_end: Option<usize>,
    start: usize,
) -> usize {
    if flow {
        end_span.end.max(start)
    } else {
        last_child_end.unwrap_or(start).max(start)
    }
}

/// Resolves a scalar by the YAML 1.2 core schema.
pub fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() {
            match tag.suffix() {
                "str" => return Value::String(text.to_string()),
                "null" => return Value::Null,
                "bool" => {
                    if let Some(b) = parse_bool(text) {
                        return Value::Bool(b);
                    }
                }
                "int" => {
                    if let Some(n) = parse_int(text) {
                        return n;
                    }
                }
                "float" => {
                    if let Some(n) = parse_int(text).or_else(|| parse_float(text)) {
                        return n;
                    }
                }
                _ => {}
            }
        }
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = parse_bool(text) {
        return Value::Bool(b);
    }
    if let Some(n) = parse_int(text) {
        return n;
    }
    if let Some(n) = parse_float(text) {
        return n;
    }
    Value::String(text.to_string())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn parse_int(text: &str) -> Option<Value> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(rest) = digits.strip_prefix("0o") {
        if negative || text.starts_with('+') {
            return None;
        }
        (8, rest)
    } else if let Some(rest) = digits.strip_prefix("0x") {
        if negative || text.starts_with('+') {
            return None;
        }
        (16, rest)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    match u64::from_str_radix(digits, radix) {
        Ok(magnitude) if !negative => Some(Value::Number(Number::from(magnitude))),
        Ok(magnitude) => match i64::try_from(magnitude) {
            Ok(m) => Some(Value::Number(Number::from(-m))),
            Err(_) if magnitude == 1 << 63 => Some(Value::Number(Number::from(i64::MIN))),
            Err(_) => big_number(text),
        },
        // Too large for 64 bits: still a number, just not an exact one.
        Err(_) => big_number(text),
    }
}

fn big_number(text: &str) -> Option<Value> {
    let f: f64 = text.parse().ok()?;
    Number::from_f64(f).map(Value::Number)
}

fn parse_float(text: &str) -> Option<Value> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        // JSON has no infinities or NaN: keep the text so schemas report a type error.
        return Some(Value::String(text.to_string()));
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let bytes = body.as_bytes();
    let mut i = 0;
    let int_digits = count_digits(&bytes[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(&bytes[i..]);
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_digits = count_digits(&bytes[i..]);
        if exp_digits == 0 {
            return None;
        }
        i += exp_digits;
    }
    if i != bytes.len() {
        return None;
    }
    let f: f64 = text.parse().ok()?;
    Some(match Number::from_f64(f) {
        Some(n) => Value::Number(n),
        None => Value::String(text.to_string()),
    })
}

fn count_digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> YamlDocument {
        let parsed = parse(text, &YamlLimits::default());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        parsed.documents.into_iter().next().expect("one document")
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn yaml_1_2_core_schema() {
        let doc = one(
            "a: no\nb: yes\nc: on\nd: 0755\ne: 0o17\nf: 0x1F\ng: 1.5\nh: ~\ni: true\nj: 2026-01-05\nk: '12'\nl: 1e3\nm: .5\n",
        );
        assert_eq!(
            doc.value,
            json!({"a": "no", "b": "yes", "c": "on", "d": 755, "e": 15, "f": 31, "g": 1.5,
                   "h": null, "i": true, "j": "2026-01-05", "k": "12", "l": 1000.0, "m": 0.5})
        );
    }

    #[test]
    fn huge_integers_and_infinities_do_not_panic() {
        let doc = one("a: 99999999999999999999999\nb: -9223372036854775808\nc: .inf\nd: -.INF\n");
        assert_eq!(doc.value["b"], json!(i64::MIN));
        assert!(doc.value["a"].is_f64());
        assert_eq!(doc.value["c"], json!(".inf"));
    }

    #[test]
    fn spans_of_nested_nodes_and_keys() {
        let text =
            "kind: Team\nmembers:\n  - id: jöhn\n    name: \"J\"\n  - {id: x, tags: [a, b]}\n";
        let doc = one(text);
        let r = doc.spans.resolve("/members/0/id");
        assert!(r.exact);
        assert_eq!(slice(text, r.span), "jöhn");
        assert_eq!(slice(text, r.key_span.unwrap()), "id");
        assert_eq!(
            slice(text, doc.spans.resolve("/members/0/name").span),
            "\"J\""
        );
        assert_eq!(
            slice(text, doc.spans.resolve("/members/1").span),
            "{id: x, tags: [a, b]}"
        );
        assert_eq!(
            slice(text, doc.spans.resolve("/members/1/tags").span),
            "[a, b]"
        );
        // A block mapping ends at its last child, not at the next token.
        assert_eq!(
            slice(text, doc.spans.resolve("/members/0").span),
            "id: jöhn\n    name: \"J\""
        );
        let missing = doc.spans.resolve("/members/0/email");
        assert!(!missing.exact);
        assert_eq!(slice(text, missing.span), "id: jöhn\n    name: \"J\"");
    }

    #[test]
    fn pointer_tokens_are_unescaped() {
        let text = "\"a/b\": 1\n\"c~d\": 2\n";
        let doc = one(text);
        assert_eq!(slice(text, doc.spans.resolve("/a~1b").span), "1");
        assert_eq!(slice(text, doc.spans.resolve("/c~0d").span), "2");
    }

    #[test]
    fn duplicate_keys_are_located_and_first_wins() {
        let text = "id: a\nname: x\nid: b\n";
        let parsed = parse(text, &YamlLimits::default());
        assert_eq!(parsed.documents[0].value, json!({"id": "a", "name": "x"}));
        let problem = &parsed.problems[0];
        assert_eq!(slice(text, problem.span), "id");
        assert_eq!(problem.span.start, 14);
        assert!(matches!(problem.kind, ProblemKind::DuplicateKey { first } if first.start == 0));
    }

    #[test]
    fn multi_document_and_comments() {
        let text = "# head\na: 1 # steward: ignore[x]\n---\nb: 2\n---\n- c\n";
        let parsed = parse(text, &YamlLimits::default());
        assert_eq!(parsed.documents.len(), 3);
        assert_eq!(parsed.documents[2].value, json!(["c"]));
        assert_eq!(parsed.comments.len(), 2);
        assert_eq!(parsed.comments[1].text, " steward: ignore[x]");
        assert_eq!(slice(text, parsed.comments[1].span), "# steward: ignore[x]");
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let parsed = parse(&text, &YamlLimits::default());
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].kind, ProblemKind::AliasBudget);
        assert!(parsed.documents.is_empty());
    }

    #[test]
    fn aliases_resolve_to_the_alias_span() {
        let text = "base: &b {x: 1}\ncopy: *b\n";
        let doc = one(text);
        assert_eq!(doc.value["copy"], json!({"x": 1}));
        assert_eq!(slice(text, doc.spans.resolve("/copy/x").span), "*b");
    }

    #[test]
    fn deep_nesting_is_a_problem_not_a_crash() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let parsed = parse(&text, &YamlLimits::default());
        assert!(parsed.documents.is_empty());
        assert_eq!(parsed.problems.len(), 1);
    }

    #[test]
    fn syntax_error_points_at_parser_position() {
        let text = "a: 1\nb: [1, 2\nc: 3\n";
        let parsed = parse(text, &YamlLimits::default());
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].kind, ProblemKind::Syntax);
    }

    #[test]
    fn complex_keys_are_reported() {
        let text = "? [a, b]\n: 1\nc: 2\n";
        let parsed = parse(text, &YamlLimits::default());
        assert_eq!(parsed.problems[0].kind, ProblemKind::ComplexKey);
        assert_eq!(parsed.documents[0].value, json!({"c": 2}));
    }
}
