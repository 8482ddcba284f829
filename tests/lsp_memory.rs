//! The language server in process: `steward::lsp::serve` on a thread over
//! `lsp_server::Connection::memory()`, driven by a scripted client. The same
//! server as `steward lsp` (tests/lsp.rs drives the binary over pipes), but
//! every message is seen as a value and the server's exit code is its
//! thread's result. Waits end when the expected message arrives or at a
//! deadline (no sleeps).

mod common;

use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// How long any one expected message may take on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(60);

const TEAM: &str = "\
apiVersion: steward/v1
kind: Team
id: data-eng
members:
  - { id: john, name: John Smith, areas: [profit] }
  - { id: emily, name: Emily Chen, areas: [profit] }
  - { id: priya, name: Priya Raman, areas: [profit] }
  - { id: michael, name: Michael Okafor, areas: [profit] }
";

const PIPELINE: &str = "\
apiVersion: steward/v1
kind: Pipeline
id: profit
name: Profit
area: profit
audience: internal
owners: { primary: john, secondary: zoe }
";

/// Line 10: an emoji (two UTF-16 units) before the unknown `emilly`.
const ROTATION: &str = "\
apiVersion: steward/v1
kind: Rotation
id: oncall
covers: [profit]
shift_length: 1w
start: 2026-06-01
until: 2027-01-04
roster: [john, emily, priya, michael]
overrides:
  - { reason: \"🎂 party\", start: 2026-06-08, primary: emilly }
";

struct Client {
    connection: Connection,
    server: Option<JoinHandle<u8>>,
    backlog: Vec<Message>,
    next_id: i32,
    root: PathBuf,
}

impl Client {
    /// The server on a thread, initialized with the workspace as its folder.
    fn start(root: PathBuf) -> Client {
        let (server_side, client_side) = Connection::memory();
        let options = steward::lsp::Options {
            today: common::TODAY.parse().ok(),
            ..steward::lsp::Options::default()
        };
        let server = std::thread::spawn(move || steward::lsp::serve(&server_side, options));
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            backlog: Vec::new(),
            next_id: 0,
            root,
        };
        let folder = json!([{ "uri": client.uri(""), "name": "ws" }]);
        let init = client.request(
            "initialize",
            json!({ "processId": null, "capabilities": {}, "workspaceFolders": folder }),
        );
        assert_eq!(
            init["capabilities"]["positionEncoding"], "utf-16",
            "UTF-16 unless the client asks otherwise"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, relative: &str) -> String {
        format!("file://{}", self.root.join(relative).display())
            .trim_end_matches('/')
            .to_string()
    }

    fn send(&self, message: Message) {
        self.connection
            .sender
            .send(message)
            .expect("the server is listening");
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    /// A request's result (panics on an error response).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.to_string(),
            params,
        )));
        let response = self.take(
            &format!("the response to {method}"),
            |m| matches!(m, Message::Response(r) if r.id == id),
        );
        match response {
            Message::Response(r) => match r.response_result {
                Ok(result) => result,
                Err(e) => panic!("{method} failed: {e:?}"),
            },
            other => panic!("not a response: {other:?}"),
        }
    }

    /// The first message `wanted` accepts (earlier ones wait in the backlog).
    fn take(&mut self, what: &str, wanted: impl Fn(&Message) -> bool) -> Message {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i);
        }
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.connection.receiver.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.backlog.push(message),
                Err(e) => panic!(
                    "no {what} within {DEADLINE:?} ({e}); got {:#?}",
                    self.backlog
                ),
            }
        }
    }

    /// The next diagnostics published for `relative`: (rule, range) each.
    fn diagnostics(&mut self, relative: &str) -> Vec<(String, Value)> {
        let uri = self.uri(relative);
        let message = self.take(&format!("diagnostics for {uri}"), |m| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        });
        let Message::Notification(n) = message else {
            unreachable!("taken as a notification")
        };
        n.params["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["range"].clone(),
                )
            })
            .collect()
    }

    fn open(&self, relative: &str) {
        let text = std::fs::read_to_string(self.root.join(relative)).expect("read");
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": self.uri(relative), "languageId": "yaml", "version": 1, "text": text
            }}),
        );
    }

    fn change(&self, relative: &str, version: i32, range: Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": self.uri(relative), "version": version },
                "contentChanges": [{ "range": range, "text": text }]
            }),
        );
    }

    /// Nothing the server sent is left unread: a round trip after which the
    /// backlog must be empty.
    fn assert_all_consumed(&mut self) {
        self.request("textDocument/hover", at("file:///nowhere.yaml", 0, 0));
        assert!(
            self.backlog.is_empty(),
            "unexpected messages: {:#?}",
            self.backlog
        );
    }

    /// `shutdown`, `exit`: the server thread's exit code.
    fn shutdown(mut self) -> u8 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        assert!(self.backlog.is_empty(), "{:#?}", self.backlog);
        self.notify("exit", Value::Null);
        let server = self.server.take().expect("running");
        let code = server
            .join()
            .expect("the server thread ends without panicking");
        // After `exit` the server sends nothing more.
        assert!(self.connection.receiver.try_recv().is_err());
        code
    }
}

fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn range(line: u32, start: u32, end_line: u32, end: u32) -> Value {
    json!({ "start": position(line, start), "end": position(end_line, end) })
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position(line, character) })
}

#[test]
fn an_editing_session_in_process() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    for (name, text) in [
        ("team.yaml", TEAM),
        ("pipelines/profit.yaml", PIPELINE),
        ("rotations/oncall.yaml", ROTATION),
    ] {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let mut client = Client::start(root);
    let rotation = client.uri("rotations/oncall.yaml");
    let pipeline = client.uri("pipelines/profit.yaml");

    // A finding after an emoji: `  - { reason: "🎂 party", start: 2026-06-08,
    // primary: ` is 53 characters, 54 UTF-16 units.
    client.open("rotations/oncall.yaml");
    assert_eq!(
        client.diagnostics("rotations/oncall.yaml"),
        [("unknown-reference".to_string(), range(9, 54, 9, 60))]
    );
    // Cross-file: the pipeline names `zoe`, whom no team defines.
    assert_eq!(
        client.diagnostics("pipelines/profit.yaml"),
        [("unknown-reference".to_string(), range(6, 36, 6, 39))]
    );
    client.assert_all_consumed();

    // Fixing the override in the buffer clears its finding.
    client.change("rotations/oncall.yaml", 2, range(9, 54, 9, 60), "emily");
    assert_eq!(client.diagnostics("rotations/oncall.yaml"), []);
    client.assert_all_consumed();

    // Adding `zoe` to the team, unsaved, clears the pipeline's finding.
    client.open("team.yaml");
    assert_eq!(client.diagnostics("team.yaml"), []);
    client.change(
        "team.yaml",
        2,
        range(8, 0, 8, 0),
        "  - { id: zoe, name: Zoë Wang, areas: [profit] }\n",
    );
    assert_eq!(client.diagnostics("pipelines/profit.yaml"), []);
    client.assert_all_consumed();

    // Definition: from the pipeline's owner `zoe` to her new entry.
    let definition = client.request("textDocument/definition", at(&pipeline, 6, 37));
    assert_eq!(
        definition,
        json!({ "uri": client.uri("team.yaml"), "range": range(8, 10, 8, 13) })
    );
    // Hover on a roster entry: the member.
    let hover = client.request("textDocument/hover", at(&rotation, 7, 17));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("Emily Chen"), "{text}");
    // Completion where a member is expected offers the members.
    let completion = client.request("textDocument/completion", at(&rotation, 7, 9));
    let items = completion
        .get("items")
        .unwrap_or(&completion)
        .as_array()
        .cloned()
        .unwrap_or_default();
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    for member in ["john", "emily", "priya", "michael", "zoe"] {
        assert!(labels.contains(&member), "{member} in {labels:?}");
    }

    // Code actions on a finding: its fix first, then the suppression.
    client.change("rotations/oncall.yaml", 3, range(9, 54, 9, 59), "emilly");
    assert_eq!(
        client.diagnostics("rotations/oncall.yaml"),
        [("unknown-reference".to_string(), range(9, 54, 9, 60))]
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": rotation }, "range": range(9, 54, 9, 54),
                "context": { "diagnostics": [] } }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Replace `emilly` with `emily` (unsafe)",
            "Suppress `unknown-reference` on this line"
        ]
    );
    client.assert_all_consumed();
    assert_eq!(client.shutdown(), 0);
}

/// A workspace in a temp dir holding `files`, and its canonical root.
fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    for (name, text) in files {
        write(&root, name, text);
    }
    (dir, root)
}

fn write(root: &std::path::Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A file changed on disk that the client does not report (it does not
/// watch files): the server notices at the next save, open or close.
#[test]
fn an_unreported_change_on_disk_counts_at_the_next_save() {
    let (_dir, root) = workspace(&[("team.yaml", TEAM), ("pipelines/profit.yaml", PIPELINE)]);
    let mut client = Client::start(root.clone());
    client.open("pipelines/profit.yaml");
    assert_eq!(
        client.diagnostics("pipelines/profit.yaml"),
        [("unknown-reference".to_string(), range(6, 36, 6, 39))]
    );
    // `git pull` brings `zoe`; nothing tells the server.
    let team = format!("{TEAM}  - {{ id: zoe, name: Zoë Wang, areas: [profit] }}\n");
    write(&root, "team.yaml", &team);
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": client.uri("pipelines/profit.yaml") } }),
    );
    assert_eq!(client.diagnostics("pipelines/profit.yaml"), []);
    client.assert_all_consumed();
    assert_eq!(client.shutdown(), 0);
}

/// A workspace nested in the folder (its own steward.yaml) hears of the
/// disk too when another one is checked: an unreported change there,
/// noticed at a save in the outer workspace, counts at its next check.
#[test]
fn a_nested_workspace_hears_of_the_disk_when_another_is_checked() {
    let policy = "apiVersion: steward/v1\nkind: Policy\nid: other\n";
    let (_dir, root) = workspace(&[
        ("team.yaml", TEAM),
        ("pipelines/profit.yaml", PIPELINE),
        ("other/steward.yaml", policy),
        ("other/team.yaml", TEAM),
        ("other/pipelines/profit.yaml", PIPELINE),
    ]);
    let mut client = Client::start(root.clone());
    client.open("pipelines/profit.yaml");
    assert_eq!(client.diagnostics("pipelines/profit.yaml").len(), 1);
    client.open("other/pipelines/profit.yaml");
    assert_eq!(client.diagnostics("other/pipelines/profit.yaml").len(), 1);
    // The nested team gains `zoe` on disk, unreported; a save in the outer
    // workspace checks that one (nothing changes there).
    let team = format!("{TEAM}  - {{ id: zoe, name: Zoë Wang, areas: [profit] }}\n");
    write(&root, "other/team.yaml", &team);
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": client.uri("pipelines/profit.yaml") } }),
    );
    // An edit in the nested workspace (a comment at the end) checks it.
    client.change(
        "other/pipelines/profit.yaml",
        2,
        range(7, 0, 7, 0),
        "# owners agreed\n",
    );
    assert_eq!(client.diagnostics("other/pipelines/profit.yaml"), []);
    client.assert_all_consumed();
    assert_eq!(client.shutdown(), 0);
}
