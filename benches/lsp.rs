//! Keystroke latency of `steward lsp` on a generated workspace (BENCHMARKS.md,
//! "Editor: keystroke latency"):
//!
//! ```sh
//! cargo bench --bench lsp                      # 10,000 pipelines, 40 edits of each kind
//! cargo bench --bench lsp -- --pipelines 1000 --edits 20
//! ```
//!
//! The server runs in this process, on a thread, over an in-memory
//! connection (`lsp_server::Connection::memory()`), checking each change
//! incrementally and, for comparison, from scratch (0.2's behaviour). A client
//! opens a pipeline file and sends keystroke-sized `didChange` edits:
//!
//! - a letter added to the primary owner's id (a new `unknown-reference`)
//!   and taken away again (the finding goes): timed from sending the change
//!   to receiving the file's `publishDiagnostics`;
//! - a letter added to and taken from the pipeline's `name` (no finding
//!   changes, so nothing is published): timed from sending the change to the
//!   answer to a `hover` sent right after it (the server answers in order,
//!   after checking the change);
//! - the same in a team file (every rule runs again).
//!
//! `Engine::update` alone, without the protocol, is timed too. It prints
//! medians and 90th percentiles; it asserts nothing about time.

#[path = "../bench/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};
use steward::load::root;
use steward::load::Overlay;
use steward::lsp::engine::Engine;

struct Args {
    pipelines: usize,
    edits: usize,
    /// Time `Engine::update` only (for profiling).
    engine_only: bool,
}

fn args() -> Args {
    let mut args = Args {
        pipelines: 10_000,
        edits: 40,
        engine_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut number = |default: usize| it.next().and_then(|v| v.parse().ok()).unwrap_or(default);
        match flag.as_str() {
            "--pipelines" => args.pipelines = number(args.pipelines),
            "--edits" => args.edits = number(args.edits),
            "--engine-only" => args.engine_only = true,
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    args
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default()
}

/// The corpus, generated once per size (it is deterministic).
fn corpus(pipelines: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("steward-bench-lsp-{pipelines}"));
    let done = dir.join(".complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let args = corpus::Args {
            pipelines,
            members: (pipelines / 10).max(4),
            rotations: (pipelines / 100).max(1),
            years: 2,
            out: dir.clone(),
            ..corpus::Args::default()
        };
        if let Err(e) = corpus::generate(&args) {
            panic!("corpus: {e}");
        }
        std::fs::write(&done, "").expect("marker");
    }
    std::fs::canonicalize(&dir).expect("corpus dir")
}

/// The first file of a directory, in name order.
fn first_file(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files.into_iter().next().expect("a file")
}

/// A keystroke: `text` inserted at (line, character), or the character
/// there deleted.
#[derive(Clone, Copy)]
struct Keystroke {
    line: u32,
    character: u32,
    insert: bool,
}

/// Where a letter goes at the end of the value of the first `key:` line.
fn end_of_value(text: &str, key: &str) -> (u32, u32) {
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with(key) {
            let end = line.split('#').next().unwrap_or(line).trim_end();
            return (i as u32, end.encode_utf16().count() as u32);
        }
    }
    panic!("no `{key}` line");
}

fn apply(text: &mut String, k: Keystroke) {
    let start: usize = text
        .split_inclusive('\n')
        .take(k.line as usize)
        .map(str::len)
        .sum();
    let at = start + k.character as usize;
    if k.insert {
        text.insert(at, 'x');
    } else {
        text.remove(at - 1);
    }
}

fn change(uri: &str, version: i32, k: Keystroke) -> Message {
    let range = if k.insert {
        json!({ "start": { "line": k.line, "character": k.character },
                "end": { "line": k.line, "character": k.character } })
    } else {
        json!({ "start": { "line": k.line, "character": k.character - 1 },
                "end": { "line": k.line, "character": k.character } })
    };
    let text = if k.insert { "x" } else { "" };
    Notification::new(
        "textDocument/didChange".to_string(),
        json!({ "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": range, "text": text }] }),
    )
    .into()
}

struct Client {
    connection: Connection,
    next_id: i32,
    version: i32,
}

impl Client {
    fn send(&self, message: Message) {
        self.connection.sender.send(message).expect("server gone");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.to_string(), params).into());
        loop {
            match self.connection.receiver.recv().expect("server gone") {
                Message::Response(Response {
                    id: got,
                    response_result,
                }) if got == id => return response_result.unwrap_or(Value::Null),
                _ => {}
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    /// Waits for the next diagnostics of `uri`.
    fn diagnostics(&self, uri: &str) -> usize {
        loop {
            if let Message::Notification(n) = self.connection.receiver.recv().expect("server gone")
            {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                    return n.params["diagnostics"].as_array().map_or(0, Vec::len);
                }
            }
        }
    }

    fn open(&self, path: &Path) -> (String, String) {
        let uri = format!("file://{}", path.display());
        let text = std::fs::read_to_string(path).expect("read");
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
        (uri, text)
    }

    /// Sends a change and waits for the file's diagnostics.
    fn published(&mut self, uri: &str, k: Keystroke) -> Duration {
        self.version += 1;
        let start = Instant::now();
        self.send(change(uri, self.version, k));
        self.diagnostics(uri);
        start.elapsed()
    }

    /// Sends a change and a hover, and waits for the hover's answer.
    fn idle(&mut self, uri: &str, k: Keystroke) -> Duration {
        self.version += 1;
        let start = Instant::now();
        self.send(change(uri, self.version, k));
        self.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } }),
        );
        start.elapsed()
    }
}

/// Median and 90th percentile, in milliseconds.
fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    format!(
        "median {:>7.1} ms   p90 {:>7.1} ms   ({} edits)",
        at(0.5),
        at(0.9),
        samples.len()
    )
}

fn server(corpus: &Path, args: &Args, from_scratch: bool) {
    let (server, connection) = Connection::memory();
    let options = steward::lsp::Options {
        today: Some(today()),
        from_scratch,
    };
    let thread = std::thread::spawn(move || steward::lsp::serve(&server, options));
    let mut client = Client {
        connection,
        next_id: 0,
        version: 1,
    };
    let folder = format!("file://{}", corpus.display());
    client.request(
        "initialize",
        json!({ "processId": null, "capabilities": {}, "workspaceFolders": [{ "uri": folder, "name": "corpus" }] }),
    );
    client.notify("initialized", json!({}));

    let pipeline = first_file(&corpus.join("pipelines/profit"));
    let team = first_file(&corpus.join("teams"));
    let start = Instant::now();
    let (uri, text) = client.open(&pipeline);
    client.diagnostics(&uri);
    let opened = start.elapsed();
    let (team_uri, team_text) = client.open(&team);
    client.diagnostics(&team_uri);

    let (line, character) = end_of_value(&text, "primary:");
    let owner = |insert: bool| Keystroke {
        line,
        character: character + u32::from(!insert),
        insert,
    };
    let (line, character) = end_of_value(&text, "name:");
    let name = |insert: bool| Keystroke {
        line,
        character: character + u32::from(!insert),
        insert,
    };
    let (line, character) = end_of_value(&team_text, "name:");
    let team_name = |insert: bool| Keystroke {
        line,
        character: character + u32::from(!insert),
        insert,
    };
    // Warm up.
    for _ in 0..2 {
        client.published(&uri, owner(true));
        client.published(&uri, owner(false));
    }
    let (mut findings, mut neutral, mut teams) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.edits / 2 {
        findings.push(client.published(&uri, owner(true)));
        findings.push(client.published(&uri, owner(false)));
        neutral.push(client.idle(&uri, name(true)));
        neutral.push(client.idle(&uri, name(false)));
    }
    for _ in 0..(args.edits / 4).max(1) {
        teams.push(client.idle(&team_uri, team_name(true)));
        teams.push(client.idle(&team_uri, team_name(false)));
    }
    let mode = if from_scratch {
        "from scratch"
    } else {
        "incremental "
    };
    println!(
        "{mode}  open a pipeline file (first check)    {:>7.1} ms",
        opened.as_secs_f64() * 1000.0
    );
    println!(
        "{mode}  pipeline: finding added/cleared   {}",
        summary(findings)
    );
    println!(
        "{mode}  pipeline: nothing changes         {}",
        summary(neutral)
    );
    println!(
        "{mode}  team: nothing changes             {}",
        summary(teams)
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let code = thread.join().expect("server thread");
    assert_eq!(code, 0, "the server's exit code");
}

/// `Engine::update` alone, on the same keystrokes in the pipeline file.
fn engine(corpus: &Path, args: &Args) {
    let root = root::discover(corpus);
    let mut engine = Engine::new(root);
    let pipeline = first_file(&corpus.join("pipelines/profit"));
    let mut text = std::fs::read_to_string(&pipeline).expect("read");
    let mut overlay = Overlay::new();
    overlay.insert(pipeline.clone(), text.clone());
    engine.update(&overlay, today()).expect("first check");
    let (line, character) = end_of_value(&text, "primary:");
    let mut samples = Vec::new();
    for i in 0..args.edits + 4 {
        let insert = i % 2 == 0;
        let k = Keystroke {
            line,
            character: character + u32::from(!insert),
            insert,
        };
        apply(&mut text, k);
        overlay.insert(pipeline.clone(), text.clone());
        let start = Instant::now();
        engine.update(&overlay, today()).expect("check");
        if i >= 4 {
            samples.push(start.elapsed());
        }
    }
    println!(
        "engine        Engine::update, owner edits       {}",
        summary(samples)
    );
}

fn main() {
    let args = args();
    let corpus = corpus(args.pipelines);
    println!(
        "steward lsp keystroke latency, {} pipelines ({})",
        args.pipelines,
        corpus.display()
    );
    engine(&corpus, &args);
    if args.engine_only {
        return;
    }
    server(&corpus, &args, false);
    server(&corpus, &args, true);
}
