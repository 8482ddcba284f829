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

/// The spans of a document's nodes, addressable by JSON pointer: a flat
/// pre-order array of 32-byte nodes (no allocation per node), small enough to
/// keep for every document of a large workspace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpanTree {
    nodes: Vec<FlatNode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FlatNode {
    start: u32,
    end: u32,
    /// The key holding this node when its parent is a mapping.
    key_start: u32,
    key_end: u32,
    /// Hash of the key text: mapping children are found by key without
    /// storing the key (a collision inside one mapping is the only risk).
    key_hash: u64,
    /// Nodes in this subtree, itself included: the next sibling is at `+ size`.
    size: u32,
    kind: NodeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    Leaf,
    Seq,
    Map,
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

/// A child of a collection: its key span (mappings) and its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    pub key_span: Option<Span>,
    pub span: Span,
}

/// FNV-1a: stable across runs and platforms.
fn key_hash(key: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl FlatNode {
    fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    fn key_span(&self) -> Option<Span> {
        (self.key_end > 0 || self.key_start > 0)
            .then(|| Span::new(self.key_start as usize, self.key_end as usize))
    }
}

impl SpanTree {
    /// The span of the whole document (empty for an empty tree).
    pub fn span(&self) -> Span {
        self.nodes.first().map(FlatNode::span).unwrap_or_default()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Indices of the children of node `index`.
    fn children_of(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self
            .nodes
            .get(index)
            .map_or(index, |n| index + n.size as usize);
        let mut next = index + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let current = next;
            next += self
                .nodes
                .get(current)
                .map_or(1, |n| n.size.max(1) as usize);
            Some(current)
        })
    }

    /// The index of the deepest node on the pointer's path, and whether the
    /// whole pointer resolved.
    fn locate(&self, pointer: &str) -> Option<(usize, bool)> {
        let mut index = 0;
        let mut node = self.nodes.first()?;
        if pointer.is_empty() {
            return Some((0, true));
        }
        for raw in pointer.strip_prefix('/').unwrap_or(pointer).split('/') {
            let token = unescape_pointer_token(raw);
            let next = match node.kind {
                NodeKind::Leaf => None,
                NodeKind::Seq => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| self.children_of(index).nth(i)),
                NodeKind::Map => {
                    let hash = key_hash(&token);
                    self.children_of(index)
                        .find(|c| self.nodes.get(*c).is_some_and(|n| n.key_hash == hash))
                }
            };
            match next.and_then(|i| Some((i, self.nodes.get(i)?))) {
                Some((i, child)) => {
                    index = i;
                    node = child;
                }
                None => return Some((index, false)),
            }
        }
        Some((index, true))
    }

    /// Resolves an RFC 6901 JSON pointer to the deepest node on its path.
    pub fn resolve(&self, pointer: &str) -> Resolved {
        match self.locate(pointer) {
            Some((index, exact)) => {
                let node = self.nodes.get(index);
                Resolved {
                    span: node.map(FlatNode::span).unwrap_or_default(),
                    key_span: node.and_then(FlatNode::key_span),
                    exact,
                }
            }
            None => Resolved {
                span: Span::default(),
                key_span: None,
                exact: pointer.is_empty(),
            },
        }
    }

    /// The children of the collection at `pointer`, in source order.
    pub fn children(&self, pointer: &str) -> Vec<Child> {
        match self.locate(pointer) {
            Some((index, true)) => self
                .children_of(index)
                .filter_map(|c| self.nodes.get(c))
                .map(|n| Child {
                    key_span: n.key_span(),
                    span: n.span(),
                })
                .collect(),
            _ => Vec::new(),
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
    pub spans: SpanTree,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Covers `#` through the end of the comment, excluding the line break.
    pub span: Span,
    /// Text after `#`.
    pub text: String,
    /// The 1-based line the comment is on.
    pub line: usize,
    /// Whether only whitespace precedes it on its line (a comment on a
    /// line of its own applies to the next line).
    pub alone: bool,
    /// Whether `text` is the source after `#` as is, so offsets into it are
    /// offsets into the file.
    pub verbatim: bool,
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

/// How a node relates to the collection it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Item,
    /// A mapping key: not a node of the span tree.
    Key,
    /// A mapping value under this key.
    Value {
        key_span: Span,
        key_hash: u64,
    },
    /// The value of a duplicate or complex key: parsed, then dropped.
    Discarded,
}

struct Frame {
    /// Index of this collection's node in the span tree.
    node: usize,
    flow: bool,
    anchor: usize,
    role: Role,
    /// End of the last child kept.
    last_end: Option<usize>,
    weight: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Value>),
    Map {
        map: Map<String, Value>,
        /// The key whose value comes next: `Some(None)` for a key whose value
        /// is dropped (duplicate or complex key).
        pending_key: Option<Option<(String, Span)>>,
    },
}

/// Mappings up to this many keys are searched for a duplicate key directly.
const SHORT_MAPPING: usize = 16;

struct Builder<'a> {
    limits: &'a YamlLimits,
    /// Whether span trees are built (see [`parse_values`]).
    with_spans: bool,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    alias_weight: usize,
    nodes: Vec<FlatNode>,
    root: Option<Value>,
    out: ParsedYaml,
}

/// Parses every document of a YAML stream. Never panics; problems are returned
/// with byte spans.
pub fn parse(text: &str, limits: &YamlLimits) -> ParsedYaml {
    parse_with(text, limits, true)
}

/// [`parse`] without span trees (every document's tree is empty), for a
/// load that drops them: a fifth of the loader's own work. Problems are the
/// same, except that a duplicate key's first occurrence is not located
/// (`DuplicateKey::first` is the duplicate itself): parse again with
/// [`parse`] to report one.
pub fn parse_values(text: &str, limits: &YamlLimits) -> ParsedYaml {
    parse_with(text, limits, false)
}

fn parse_with(text: &str, limits: &YamlLimits, with_spans: bool) -> ParsedYaml {
    let mut builder = Builder {
        limits,
        with_spans,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_weight: 0,
        nodes: Vec::new(),
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
    place_comments(text, &mut builder.out.comments);
    builder.out
}

/// Sets each comment's line and whether it stands alone, while the text is
/// in hand (suppressions need them; the text may not be kept).
fn place_comments(text: &str, comments: &mut [Comment]) {
    if comments.is_empty() {
        return;
    }
    let starts = crate::source::line_starts(text);
    for comment in comments {
        // Lines starting at or before the comment: its 1-based line.
        let line = starts.partition_point(|&s| s <= comment.span.start).max(1);
        let line_start = starts.get(line - 1).copied().unwrap_or(0);
        comment.line = line;
        comment.alone = text
            .get(line_start..comment.span.start)
            .is_some_and(|before| before.trim().is_empty());
        comment.verbatim =
            text.get(comment.span.start + 1..comment.span.end) == Some(comment.text.as_str());
    }
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
                self.nodes.clear();
                self.root = None;
            }
            Event::DocumentEnd => {
                if let Some(value) = self.root.take() {
                    let mut nodes = std::mem::take(&mut self.nodes);
                    // Kept for the whole run: no growth slack.
                    nodes.shrink_to_fit();
                    self.out.documents.push(YamlDocument {
                        value,
                        spans: SpanTree { nodes },
                    });
                }
            }
            Event::Comment(text, _) => self.out.comments.push(Comment {
                span,
                text: text.into_owned(),
                line: 0,
                alone: false,
                verbatim: false,
            }),
            Event::Scalar(text, style, anchor, tag) => {
                let role = self.role();
                if role == Role::Key {
                    // A key's value is only needed when an alias may use it.
                    if anchor != 0 {
                        let value = resolve_scalar(&text, style, tag.as_deref());
                        self.anchors.insert(anchor, (value, 1));
                    }
                    self.set_key(text.into_owned(), span);
                } else {
                    let value = match text {
                        // An owned text (escapes, folded lines) moves into its value.
                        Cow::Owned(text) if style != ScalarStyle::Plain && tag.is_none() => {
                            Value::String(text)
                        }
                        text => resolve_scalar(&text, style, tag.as_deref()),
                    };
                    self.leaf(role, span);
                    self.complete(value, 1, anchor, span.end);
                }
            }
            Event::SequenceStart(style, anchor, _) => {
                self.check_depth(span)?;
                let role = self.role();
                let node = self.open(role, span);
                self.stack.push(Frame {
                    node,
                    flow: style == StructureStyle::Flow,
                    anchor,
                    role,
                    last_end: None,
                    weight: 1,
                    body: Body::Seq(Vec::new()),
                });
            }
            Event::MappingStart(style, anchor, _) => {
                self.check_depth(span)?;
                let role = self.role();
                let node = self.open(role, span);
                self.stack.push(Frame {
                    node,
                    flow: style == StructureStyle::Flow,
                    anchor,
                    role,
                    last_end: None,
                    weight: 1,
                    body: Body::Map {
                        map: Map::new(),
                        pending_key: None,
                    },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                self.close(frame, span);
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
                let role = self.role();
                if role == Role::Key {
                    match value.as_str() {
                        Some(text) => self.set_key(text.to_string(), span),
                        None => self.complex_key(span),
                    }
                } else {
                    // Pointers below an alias resolve to the alias token: that
                    // is the node the user wrote at this place.
                    self.leaf(role, span);
                    self.complete(value, weight, 0, span.end);
                }
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

    /// The role of the node that starts now, from the collection it is in.
    fn role(&self) -> Role {
        let Some(parent) = self.stack.last() else {
            return Role::Root;
        };
        if matches!(parent.role, Role::Discarded | Role::Key) {
            return Role::Discarded;
        }
        match &parent.body {
            Body::Seq(_) => Role::Item,
            Body::Map { pending_key, .. } => match pending_key {
                None => Role::Key,
                Some(None) => Role::Discarded,
                Some(Some((key, key_span))) => Role::Value {
                    key_span: *key_span,
                    key_hash: if self.with_spans { key_hash(key) } else { 0 },
                },
            },
        }
    }

    fn flat(role: Role, span: Span, kind: NodeKind) -> FlatNode {
        let (key_start, key_end, key_hash) = match role {
            Role::Value { key_span, key_hash } => {
                (to_u32(key_span.start), to_u32(key_span.end), key_hash)
            }
            _ => (0, 0, 0),
        };
        FlatNode {
            start: to_u32(span.start),
            end: to_u32(span.end),
            key_start,
            key_end,
            key_hash,
            size: 1,
            kind,
        }
    }

    /// Adds a leaf node (nothing for dropped values).
    fn leaf(&mut self, role: Role, span: Span) {
        if self.with_spans && !matches!(role, Role::Discarded | Role::Key) {
            self.nodes.push(Self::flat(role, span, NodeKind::Leaf));
        }
    }

    /// Starts a collection node; its end and size are set when it closes.
    /// A collection in key position is a complex key: reported, then dropped.
    fn open(&mut self, role: Role, span: Span) -> usize {
        if role == Role::Key {
            self.report_complex_key(span);
        }
        if !self.with_spans {
            return 0;
        }
        let kind = NodeKind::Leaf;
        self.nodes.push(Self::flat(role, span, kind));
        self.nodes.len() - 1
    }

    fn report_complex_key(&mut self, span: Span) {
        let document = self.out.documents.len();
        self.out.problems.push(YamlProblem {
            kind: ProblemKind::ComplexKey,
            span,
            message: "a mapping key must be a plain value, not a list or mapping".to_string(),
            document,
        });
    }

    /// A list or mapping used as a key: reported, and its value dropped.
    fn complex_key(&mut self, span: Span) {
        self.report_complex_key(span);
        self.drop_next_value();
    }

    fn drop_next_value(&mut self) {
        if let Some(Frame {
            body: Body::Map { pending_key, .. },
            ..
        }) = self.stack.last_mut()
        {
            *pending_key = Some(None);
        }
    }

    /// Records a scalar key, or marks a duplicate's value to be dropped.
    fn set_key(&mut self, key: String, key_span: Span) {
        let document = self.out.documents.len();
        let nodes = &self.nodes;
        let Some(Frame {
            node,
            body: Body::Map { map, pending_key },
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        // Most mappings have a few keys: comparing them costs less than
        // hashing the key with SipHash for the lookup.
        let seen = if map.len() <= SHORT_MAPPING {
            map.keys().any(|known| *known == key)
        } else {
            map.contains_key(&key)
        };
        if seen {
            let hash = key_hash(&key);
            // The first occurrence's key span, for the secondary label.
            let first_span = children_spans(nodes, *node)
                .find(|n| n.key_hash == hash)
                .and_then(|n| n.key_span())
                .unwrap_or(key_span);
            self.out.problems.push(YamlProblem {
                kind: ProblemKind::DuplicateKey { first: first_span },
                span: key_span,
                message: format!("duplicate key `{key}` in this mapping"),
                document,
            });
            *pending_key = Some(None);
        } else {
            *pending_key = Some(Some((key, key_span)));
        }
    }

    fn close(&mut self, frame: Frame, end_span: Span) {
        let Frame {
            node,
            flow,
            anchor,
            role,
            last_end,
            weight,
            body,
        } = frame;
        let value = match body {
            Body::Seq(items) => Value::Array(items),
            Body::Map { map, .. } => Value::Object(map),
        };
        // Without span trees there are no nodes: nothing below applies.
        if matches!(role, Role::Discarded | Role::Key) {
            self.nodes.truncate(node);
        } else if let Some(flat) = self.nodes.get_mut(node) {
            let start = flat.start as usize;
            // Flow collections end at their closing bracket; block collections
            // at their last child (the end event sits on the next token).
            let end = if flow {
                end_span.end.max(start)
            } else {
                last_end.unwrap_or(start).max(start)
            };
            flat.end = to_u32(end);
            flat.kind = if value.is_array() {
                NodeKind::Seq
            } else {
                NodeKind::Map
            };
        }
        if role == Role::Key {
            if anchor != 0 {
                self.anchors.insert(anchor, (value, weight));
            }
            self.drop_next_value();
            return;
        }
        let size = self.nodes.len().saturating_sub(node);
        if let Some(flat) = self.nodes.get_mut(node) {
            flat.size = to_u32(size);
        }
        let end = self
            .nodes
            .get(node)
            .map_or(end_span.end, |n| n.end as usize);
        self.complete(value, weight, anchor, end);
    }

    /// Hands a finished value to its parent (or makes it the document root).
    fn complete(&mut self, value: Value, weight: usize, anchor: usize, end: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), weight));
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(parent) => {
                parent.weight = parent.weight.saturating_add(weight);
                match &mut parent.body {
                    Body::Seq(items) => {
                        items.push(value);
                        parent.last_end = Some(end);
                    }
                    // A dropped value (or, after a complex key, its key) has no slot.
                    Body::Map { map, pending_key } => {
                        if let Some(Some((key, _))) = pending_key.take() {
                            map.insert(key, value);
                            parent.last_end = Some(end);
                        }
                    }
                }
            }
        }
    }
}

/// The children of the node at `index` in a node array under construction.
fn children_spans(nodes: &[FlatNode], index: usize) -> impl Iterator<Item = &FlatNode> {
    let end = nodes.len();
    let mut next = index + 1;
    std::iter::from_fn(move || {
        let node = nodes.get(next).filter(|_| next < end)?;
        next += node.size.max(1) as usize;
        Some(node)
    })
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
    fn duplicate_keys_are_found_in_short_and_long_mappings() {
        // Short mappings are searched directly, long ones by hash: a
        // duplicate is found either way, at every size around the switch.
        for size in [1, SHORT_MAPPING - 1, SHORT_MAPPING, SHORT_MAPPING + 1, 40] {
            for repeated in [0, size / 2, size - 1] {
                let mut text: String = (0..size).map(|i| format!("k{i}: {i}\n")).collect();
                text.push_str(&format!("k{repeated}: again\nlast: 1\n"));
                let parsed = parse(&text, &YamlLimits::default());
                assert_eq!(parsed.problems.len(), 1, "size {size}, repeated {repeated}");
                let problem = &parsed.problems[0];
                assert_eq!(slice(&text, problem.span), format!("k{repeated}"));
                let object = parsed.documents[0].value.as_object().map(|map| map.len());
                assert_eq!(
                    object,
                    Some(size + 1),
                    "the duplicate is dropped, `last` kept"
                );
                assert_eq!(
                    parsed.documents[0].value[format!("k{repeated}")],
                    json!(repeated)
                );
            }
        }
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
