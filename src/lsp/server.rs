//! The message loop: documents, workspaces, publishing, and the requests.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidChangeWorkspaceFolders, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Exit, Notification as _, PublishDiagnostics,
    ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, GotoDefinition, HoverRequest, References, RegisterCapability,
    Request as _, Shutdown,
};
use lsp_types::{
    ClientCapabilities, CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand,
    CodeActionParams, CodeActionProviderCapability, CodeActionResponse, CompletionItem,
    CompletionItemKind, CompletionOptions, CompletionParams, CompletionResponse,
    CompletionTextEdit, Diagnostic, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileChangeType, FileSystemWatcher, GlobPattern, GotoDefinitionParams, GotoDefinitionResponse,
    Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
    Location, MarkupContent, MarkupKind, MessageType, OneOf, PositionEncodingKind,
    PublishDiagnosticsParams, ReferenceParams, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri,
    WorkspaceEdit, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::finding;
use crate::load::root::{self, Marker, Root};
use crate::load::Overlay;
use crate::report::ResolvedFinding;
use crate::source::{Encoding, FileId, FileKind, SourceFile};

use super::analysis::{offset, range, Analysis};
use super::engine::Engine;
use super::locate::{self, Part};
use super::symbols::SymbolKind;
use super::{actions, complete, hover, uri, Options};

/// An open document: the editor's text, which replaces the file's.
struct Document {
    uri: Uri,
    version: i32,
    text: String,
}

/// One workspace (SPEC §7 root), checked incrementally, and the
/// diagnostics of its latest check.
struct RootState {
    engine: Engine,
    /// Whether its latest check succeeded.
    checked: bool,
    diagnostics: BTreeMap<PathBuf, Vec<Diagnostic>>,
}

/// A change on disk the client reported (or may have happened unsaid).
enum DiskEvent {
    /// The file's content changed.
    Changed(PathBuf),
    /// Files were created or deleted here.
    CreatedOrDeleted(PathBuf),
    /// A document was opened, saved or closed: what changed on disk
    /// unreported (a client without file watching) is noticed then.
    Revalidate,
}

struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    options: Options,
    /// By canonical path.
    documents: BTreeMap<PathBuf, Document>,
    /// Directories of every document opened: their roots are the
    /// workspaces checked (they stay after a close, so the rest of the
    /// workspace keeps its diagnostics).
    seen_dirs: BTreeSet<PathBuf>,
    /// The editor's workspace folders (canonical): where neither
    /// steward.yaml nor .git marks a root, the folder is the root, as the
    /// current directory is for `steward check`.
    folders: BTreeSet<PathBuf>,
    roots: BTreeMap<PathBuf, RootState>,
    /// Paths changed since the last check: their workspaces are checked again.
    changed: BTreeSet<PathBuf>,
    /// What changed on disk since the last check, for the engines.
    disk: Vec<DiskEvent>,
    /// Paths opened since the last publish: published even without findings.
    announce: BTreeSet<PathBuf>,
    /// What the client was last sent, per file.
    published: BTreeMap<PathBuf, Vec<Diagnostic>>,
    last_error: Option<String>,
    shutdown: bool,
}

pub fn serve(connection: &Connection, options: Options) -> u8 {
    let (id, params) = match connection.initialize_start() {
        Ok(start) => start,
        Err(e) => {
            eprintln!("steward lsp: {e}");
            return 1;
        }
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate(&params.capabilities);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "steward".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).unwrap_or_default();
    if let Err(e) = connection.initialize_finish(id, result) {
        eprintln!("steward lsp: {e}");
        return 1;
    }
    let mut server = Server {
        connection,
        encoding,
        options,
        documents: BTreeMap::new(),
        seen_dirs: BTreeSet::new(),
        folders: initial_folders(&params),
        roots: BTreeMap::new(),
        changed: BTreeSet::new(),
        disk: Vec::new(),
        announce: BTreeSet::new(),
        published: BTreeMap::new(),
        last_error: None,
        shutdown: false,
    };
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    if watch {
        server.register_watchers();
    }
    server.run()
}

/// The workspace folders the client opened with (`rootUri` for old clients).
#[allow(deprecated)]
fn initial_folders(params: &InitializeParams) -> BTreeSet<PathBuf> {
    let mut uris: Vec<&Uri> = params
        .workspace_folders
        .iter()
        .flatten()
        .map(|f| &f.uri)
        .collect();
    if uris.is_empty() {
        uris.extend(params.root_uri.as_ref());
    }
    uris.into_iter().filter_map(file_path).collect()
}

/// UTF-8 when the client offers it (no conversion of columns at all),
/// else UTF-16, which every client supports.
fn negotiate(capabilities: &ClientCapabilities) -> Encoding {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|list| list.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// Push diagnostics only: no `diagnosticProvider`, so a client never gets
/// each finding twice (pushed and pulled).
fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            // `[` and `,` start a rule id in `ignore[…]` or an item of a
            // flow list; a space starts a value after `key:`.
            trigger_characters: Some(vec!["[".into(), ",".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

type Failure = (ErrorCode, String);

impl Server<'_> {
    fn run(&mut self) -> u8 {
        loop {
            let Ok(message) = self.connection.receiver.recv() else {
                // The client went away without `exit`.
                return 1;
            };
            match message {
                Message::Request(request) => self.on_request(request),
                Message::Notification(n) if n.method == Exit::METHOD => {
                    return if self.shutdown { 0 } else { 1 };
                }
                Message::Notification(n) => {
                    if !self.shutdown {
                        self.on_notification(n);
                        self.check();
                    }
                }
                // The answer to `client/registerCapability`: nothing to do.
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        // A closed channel means the client is gone; `run` sees it next.
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params).into());
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shutdown {
            self.send(
                Response::new_err(
                    id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".to_string(),
                )
                .into(),
            );
            return;
        }
        if request.method == Shutdown::METHOD {
            self.shutdown = true;
            self.send(Response::new_ok(id, ()).into());
            return;
        }
        self.check();
        let answered = catch_unwind(AssertUnwindSafe(|| self.dispatch(&request)));
        let response = match answered {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("steward failed while answering `{}`", request.method),
            ),
        };
        self.send(response.into());
    }

    fn dispatch(&self, request: &Request) -> Result<serde_json::Value, Failure> {
        match request.method.as_str() {
            HoverRequest::METHOD => answer(request, |p| self.hover(p)),
            GotoDefinition::METHOD => answer(request, |p| self.definition(p)),
            References::METHOD => answer(request, |p| self.references(p)),
            Completion::METHOD => answer(request, |p| self.completion(p)),
            CodeActionRequest::METHOD => answer(request, |p| self.code_actions(p)),
            other => Err((
                ErrorCode::MethodNotFound,
                format!("steward does not handle `{other}`"),
            )),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Some(p) = params::<DidOpenTextDocumentParams>(&n) {
                    let doc = p.text_document;
                    if let Some(path) = file_path(&doc.uri) {
                        if let Some(dir) = path.parent() {
                            self.seen_dirs.insert(dir.to_path_buf());
                        }
                        self.changed.insert(path.clone());
                        self.announce.insert(path.clone());
                        self.disk.push(DiskEvent::Revalidate);
                        self.documents.insert(
                            path,
                            Document {
                                uri: doc.uri,
                                version: doc.version,
                                text: doc.text,
                            },
                        );
                    }
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Some(p) = params::<DidChangeTextDocumentParams>(&n) {
                    let Some(path) = file_path(&p.text_document.uri) else {
                        return;
                    };
                    let encoding = self.encoding;
                    if let Some(doc) = self.documents.get_mut(&path) {
                        for change in p.content_changes {
                            doc.text = match change.range {
                                Some(r) => {
                                    let file = buffer(&path, std::mem::take(&mut doc.text));
                                    let start = offset(&file, r.start, encoding);
                                    let end = offset(&file, r.end, encoding).max(start);
                                    let mut text = file.into_text();
                                    text.replace_range(start..end, &change.text);
                                    text
                                }
                                None => change.text,
                            };
                        }
                        doc.version = p.text_document.version;
                        self.changed.insert(path);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(p) = params::<DidCloseTextDocumentParams>(&n) {
                    if let Some(path) = file_path(&p.text_document.uri) {
                        // The file on disk counts again.
                        self.documents.remove(&path);
                        self.changed.insert(path);
                        self.disk.push(DiskEvent::Revalidate);
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Some(p) = params::<DidSaveTextDocumentParams>(&n) {
                    if let Some(path) = file_path(&p.text_document.uri) {
                        self.changed.insert(path);
                        self.disk.push(DiskEvent::Revalidate);
                    }
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Some(p) = params::<DidChangeWatchedFilesParams>(&n) {
                    for change in p.changes {
                        if let Some(path) = file_path(&change.uri) {
                            self.disk.push(match change.typ {
                                FileChangeType::CHANGED => DiskEvent::Changed(path.clone()),
                                _ => DiskEvent::CreatedOrDeleted(path.clone()),
                            });
                            self.changed.insert(path);
                        }
                    }
                }
            }
            DidChangeWorkspaceFolders::METHOD => {
                if let Some(p) = params::<DidChangeWorkspaceFoldersParams>(&n) {
                    for folder in p.event.removed.iter().filter_map(|f| file_path(&f.uri)) {
                        self.folders.remove(&folder);
                        self.changed.insert(folder);
                    }
                    for folder in p.event.added.iter().filter_map(|f| file_path(&f.uri)) {
                        self.folders.insert(folder.clone());
                        self.changed.insert(folder);
                    }
                }
            }
            // `$/cancelRequest`, `$/setTrace`, …: every request is answered
            // before the next message is read.
            _ => {}
        }
    }

    /// Asks a client that can to tell us about files changed outside it:
    /// steward.yaml, YAML the editor does not have open, runbooks.
    fn register_watchers(&self) {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(
                    "**/*.{yaml,yml,YAML,YML,md,markdown}".to_string(),
                ),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "steward-watched-files".to_string(),
            method: DidChangeWatchedFiles::METHOD.to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.send(
            Request::new(
                RequestId::from("steward-register-watchers".to_string()),
                RegisterCapability::METHOD.to_string(),
                RegistrationParams {
                    registrations: vec![registration],
                },
            )
            .into(),
        );
    }

    /// Checks again every workspace a changed path lies in, then publishes
    /// what changed.
    fn check(&mut self) {
        if self.changed.is_empty() && self.announce.is_empty() {
            return;
        }
        let mut current: BTreeMap<PathBuf, Root> = BTreeMap::new();
        for dir in &self.seen_dirs {
            let root = self.root_of(dir);
            current.entry(root.dir.clone()).or_insert(root);
        }
        // A workspace that is no longer one (its steward.yaml was removed):
        // its diagnostics go with it, unless the new workspace has them.
        self.roots
            .retain(|dir, state| current.get(dir).is_some_and(|r| r == state.engine.root()));
        // Every engine hears of the disk, checked now or later.
        let disk = std::mem::take(&mut self.disk);
        for state in self.roots.values_mut() {
            tell(&mut state.engine, &disk);
        }
        for (dir, root) in current {
            let state = match self.roots.entry(dir.clone()) {
                std::collections::btree_map::Entry::Occupied(e) => {
                    let state = e.into_mut();
                    if !self.changed.iter().any(|path| path.starts_with(&dir)) {
                        continue;
                    }
                    state
                }
                std::collections::btree_map::Entry::Vacant(e) => e.insert(RootState {
                    engine: match self.options.from_scratch {
                        true => Engine::from_scratch(root),
                        false => Engine::new(root),
                    },
                    checked: false,
                    diagnostics: BTreeMap::new(),
                }),
            };
            let overlay = overlay(&self.documents, &self.folders, &state.engine.root().clone());
            let today = self
                .options
                .today
                .unwrap_or_else(|| chrono::Local::now().date_naive());
            let engine = &mut state.engine;
            let result = catch_unwind(AssertUnwindSafe(|| {
                engine.update(&overlay, today).map(|_| ())
            }));
            let error = match result {
                Ok(Ok(())) => None,
                Ok(Err(message)) => Some(message),
                Err(_) => Some("steward failed while checking it".to_string()),
            };
            state.checked = error.is_none();
            state.diagnostics = match (&error, state.engine.analysis()) {
                (None, Some(analysis)) => {
                    let documents = &self.documents;
                    analysis.diagnostics(self.encoding, &|p| uri_of(documents, p))
                }
                _ => BTreeMap::new(),
            };
            match error {
                None => self.last_error = None,
                Some(error) => {
                    let message = format!(
                        "steward cannot check the workspace at `{}`: {error}",
                        dir.display()
                    );
                    // Once, not at every keystroke while it stays broken.
                    if self.last_error.as_ref() != Some(&message) {
                        let _ = self.connection.sender.send(
                            Notification::new(
                                ShowMessage::METHOD.to_string(),
                                ShowMessageParams {
                                    typ: MessageType::ERROR,
                                    message: message.clone(),
                                },
                            )
                            .into(),
                        );
                        self.last_error = Some(message);
                    }
                }
            }
        }
        self.changed.clear();
        self.publish();
    }

    /// The workspace root of a directory (SPEC §7), where the editor's
    /// innermost workspace folder holding it stands for the current
    /// directory.
    fn root_of(&self, dir: &Path) -> Root {
        root_in(&self.folders, dir)
    }

    /// Sends every file whose diagnostics differ from what the client has,
    /// an empty list where findings went away.
    fn publish(&mut self) {
        let mut desired: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        for state in self.roots.values() {
            for (path, list) in &state.diagnostics {
                desired.insert(path.clone(), list.clone());
            }
        }
        let paths: BTreeSet<&PathBuf> = desired
            .keys()
            .chain(self.published.keys())
            .chain(&self.announce)
            .collect();
        for path in paths {
            let new = desired.get(path);
            if new == self.published.get(path) && !self.announce.contains(path) {
                continue;
            }
            self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                uri: self.uri_of(path),
                diagnostics: new.cloned().unwrap_or_default(),
                version: self.documents.get(path).map(|d| d.version),
            });
        }
        self.announce.clear();
        self.published = desired;
    }

    /// The client's own URI for an open document, else the path's.
    fn uri_of(&self, path: &Path) -> Uri {
        uri_of(&self.documents, path)
    }

    /// The checked file a URI names, with its analysis.
    fn find(&self, uri: &Uri) -> Option<(&Analysis, FileId, &SourceFile)> {
        let path = file_path(uri)?;
        self.roots.values().find_map(|state| {
            let analysis = state.engine.analysis().filter(|_| state.checked)?;
            let id = analysis.file_id(&path)?;
            Some((analysis, id, analysis.file(id)?))
        })
    }

    fn location(&self, analysis: &Analysis, doc: usize, pointer: &str) -> Option<Location> {
        let workspace = &analysis.outcome.workspace;
        let (file, span) = workspace.span_of(&finding::Location::node(doc, pointer))?;
        let source = workspace.files.get(file)?;
        Some(Location {
            uri: self.uri_of(source.path()),
            range: range(source, span, self.encoding),
        })
    }

    fn hover(&self, p: HoverParams) -> Option<Hover> {
        let at = p.text_document_position_params;
        let (analysis, file, source) = self.find(&at.text_document.uri)?;
        let offset = offset(source, at.position, self.encoding);
        let (markdown, span) = hover::hover(analysis, file, offset)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(range(source, span, self.encoding)),
        })
    }

    fn definition(&self, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let at = p.text_document_position_params;
        let (analysis, file, source) = self.find(&at.text_document.uri)?;
        let offset = offset(source, at.position, self.encoding);
        let node = locate::node_at(&analysis.outcome.workspace, file, offset)?;
        if node.part != Part::Value {
            return None;
        }
        let symbol = &analysis.index().at(node.doc, &node.pointer)?.symbol;
        let definition = analysis.index().definition(symbol)?;
        let location = self.location(analysis, definition.doc, &definition.pointer)?;
        Some(GotoDefinitionResponse::Scalar(location))
    }

    fn references(&self, p: ReferenceParams) -> Option<Vec<Location>> {
        let at = p.text_document_position;
        let (analysis, file, source) = self.find(&at.text_document.uri)?;
        let offset = offset(source, at.position, self.encoding);
        let node = locate::node_at(&analysis.outcome.workspace, file, offset)?;
        if node.part != Part::Value {
            return None;
        }
        let symbol = &analysis.index().at(node.doc, &node.pointer)?.symbol;
        Some(
            analysis
                .index()
                .occurrences_of(symbol, p.context.include_declaration)
                .filter_map(|o| self.location(analysis, o.doc, &o.pointer))
                .collect(),
        )
    }

    fn completion(&self, p: CompletionParams) -> Option<CompletionResponse> {
        let at = p.text_document_position;
        let (analysis, file, source) = self.find(&at.text_document.uri)?;
        let offset = offset(source, at.position, self.encoding);
        let (items, replace) = complete::complete(analysis, file, offset)?;
        let replace = range(source, replace, self.encoding);
        let items = items
            .into_iter()
            .map(|item| CompletionItem {
                kind: Some(match item.kind {
                    complete::ItemKind::Rule => CompletionItemKind::KEYWORD,
                    complete::ItemKind::Symbol(SymbolKind::Member | SymbolKind::Team) => {
                        CompletionItemKind::REFERENCE
                    }
                    complete::ItemKind::Symbol(SymbolKind::Pipeline) => CompletionItemKind::MODULE,
                    complete::ItemKind::Symbol(SymbolKind::Rotation | SymbolKind::Calendar) => {
                        CompletionItemKind::EVENT
                    }
                }),
                detail: item.detail,
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: replace,
                    new_text: item.label.clone(),
                })),
                label: item.label,
                ..CompletionItem::default()
            })
            .collect();
        Some(CompletionResponse::Array(items))
    }

    // `WorkspaceEdit::changes` is lsp-types' map keyed by `Uri`, which
    // hashes its text; the cell inside is a parse cache.
    #[allow(clippy::mutable_key_type)]
    fn code_actions(&self, p: CodeActionParams) -> Option<CodeActionResponse> {
        let wanted = p.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
        });
        if !wanted {
            return Some(Vec::new());
        }
        let (analysis, file, source) = self.find(&p.text_document.uri)?;
        let start = offset(source, p.range.start, self.encoding);
        let end = offset(source, p.range.end, self.encoding);
        let uri_of = |path: &Path| self.uri_of(path);
        let in_file: Vec<(&ResolvedFinding, Diagnostic)> = analysis
            .findings()
            .filter(|f| f.file == file)
            .map(|f| (f, analysis.diagnostic(f, self.encoding, &uri_of)))
            .collect();
        // The findings the client asks about: those of its diagnostics, or,
        // when it names none of them, every one the range touches.
        let asked: Vec<&ResolvedFinding> = in_file
            .iter()
            .filter(|(_, ours)| {
                p.context
                    .diagnostics
                    .iter()
                    .any(|theirs| same_diagnostic(theirs, ours))
            })
            .map(|(f, _)| *f)
            .collect();
        let chosen: Vec<&ResolvedFinding> = if asked.is_empty() {
            in_file
                .iter()
                .map(|(f, _)| *f)
                .filter(|f| f.span.start <= end && f.span.end >= start)
                .collect()
        } else {
            asked
        };
        let mut out: Vec<CodeActionOrCommand> = Vec::new();
        for (action, findings) in actions::for_findings(analysis, &chosen) {
            let diagnostics = findings
                .iter()
                .filter_map(|f| {
                    in_file
                        .iter()
                        .find(|(g, _)| std::ptr::eq(*f, *g))
                        .map(|(_, d)| d.clone())
                })
                .collect();
            let edits = action
                .edits
                .iter()
                .map(|e| TextEdit {
                    range: range(source, e.span, self.encoding),
                    new_text: e.text.clone(),
                })
                .collect();
            let mut changes = std::collections::HashMap::new();
            changes.insert(p.text_document.uri.clone(), edits);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: action.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(diagnostics),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(action.preferred),
                ..CodeAction::default()
            }));
        }
        Some(out)
    }
}

/// Whether a diagnostic the client holds is one the server published: the
/// same rule, range and message (clients may drop or add other fields, and
/// diagnostics of other servers have other codes or messages).
fn same_diagnostic(theirs: &Diagnostic, ours: &Diagnostic) -> bool {
    theirs.range == ours.range
        && theirs.code == ours.code
        && theirs.message == ours.message
        && theirs
            .source
            .as_ref()
            .is_none_or(|s| Some(s) == ours.source.as_ref())
}

/// The workspace root of a directory (SPEC §7), where the innermost of
/// `folders` holding it stands for the current directory.
fn root_in(folders: &BTreeSet<PathBuf>, dir: &Path) -> Root {
    let found = root::discover(dir);
    if found.marker != Marker::Path {
        return found;
    }
    match folders
        .iter()
        .filter(|f| dir.starts_with(f))
        .max_by_key(|f| f.components().count())
    {
        Some(folder) => Root {
            dir: folder.clone(),
            marker: Marker::Path,
            repository: None,
        },
        None => found,
    }
}

/// Tells an engine what changed on disk under its root.
fn tell(engine: &mut Engine, events: &[DiskEvent]) {
    for event in events {
        match event {
            DiskEvent::Changed(path) if path.starts_with(&engine.root().dir) => {
                engine.changed_on_disk(path)
            }
            DiskEvent::CreatedOrDeleted(path) if path.starts_with(&engine.root().dir) => {
                engine.changed_on_disk(path);
                engine.created_or_deleted();
            }
            DiskEvent::Revalidate => engine.revalidate(),
            _ => {}
        }
    }
}

/// The client's own URI for an open document, else the path's.
fn uri_of(documents: &BTreeMap<PathBuf, Document>, path: &Path) -> Uri {
    match documents.get(path) {
        Some(doc) => doc.uri.clone(),
        None => uri::from_path(path),
    }
}

/// The open YAML documents of the workspace at `root` (not of one nested in
/// it), where the editor's folders stand for the current directory.
fn overlay(
    documents: &BTreeMap<PathBuf, Document>,
    folders: &BTreeSet<PathBuf>,
    root: &Root,
) -> Overlay {
    documents
        .iter()
        .filter(|(path, _)| path.starts_with(&root.dir) && is_yaml(path))
        .filter(|(path, _)| {
            path.parent()
                .is_some_and(|d| root_in(folders, d).dir == root.dir)
        })
        .map(|(path, doc)| (path.clone(), doc.text.clone()))
        .collect()
}

/// Parses a request's params and runs its handler.
fn answer<P: DeserializeOwned, R: Serialize>(
    request: &Request,
    handler: impl FnOnce(P) -> R,
) -> Result<serde_json::Value, Failure> {
    let p: P = serde_json::from_value(request.params.clone()).map_err(|e| {
        (
            ErrorCode::InvalidParams,
            format!("invalid `{}` params: {e}", request.method),
        )
    })?;
    serde_json::to_value(handler(p)).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn params<P: DeserializeOwned>(n: &Notification) -> Option<P> {
    serde_json::from_value(n.params.clone()).ok()
}

/// The canonical path of a `file://` URI.
fn file_path(u: &Uri) -> Option<PathBuf> {
    Some(uri::canonical(&uri::to_path(u)?))
}

/// A buffer's text with a line index, for converting editor positions.
fn buffer(path: &Path, text: String) -> SourceFile {
    SourceFile::new(
        path.to_path_buf(),
        String::new(),
        String::new(),
        FileKind::Yaml,
        text,
    )
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}
