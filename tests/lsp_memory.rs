//! `steward lsp` in process: the real server (`steward::lsp::serve`) on a
//! thread, over `lsp_server::Connection::memory()`, and a scripted client.
//! Every message the server sends is consumed and checked, none is left
//! over, and the server thread ends with its exit code. (tests/lsp.rs runs
//! the binary over pipes.)

mod common;

use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

/// How long any one expected message may take (a debug build on a loaded
/// machine checks a small workspace in milliseconds).
const DEADLINE: Duration = Duration::from_secs(60);

const TEAM: &str = "\
apiVersion: steward/v1
kind: Team
id: data-eng
name: Data Engineering
lead: priya
members:
  - id: john
    name: John Smith
    areas: [profit]
  - id: emily
    name: Emily Chen
    areas: [profit]
  - id: priya
    name: Priya Raman
    areas: [profit]
  - id: michael
    name: Michael Okafor
    areas: [profit]
";

const PIPELINE: &str = "\
apiVersion: steward/v1
kind: Pipeline
id: profit
name: Profit
area: profit
audience: internal
owners:
  primary: john
  secondary: zoe
";

/// Line 10: an emoji (two UTF-16 units) and a `ë` before the unknown
/// `emilly`, a comment after.
const ROTATION: &str = "\
apiVersion: steward/v1
kind: Rotation
id: oncall
name: Data on-call
covers: [profit]
shift_length: 1w
start: 2026-06-01
until: 2027-01-04
roster: [john, emily, priya, michael]
overrides:
  - { reason: \"🎂 Zoë's party\", start: 2026-06-08, primary: emilly }  # a trade
";

struct Client {
    connection: Connection,
    server: Option<JoinHandle<u8>>,
    /// Messages read while waiting for another one, in arrival order.
    backlog: Vec<Message>,
    next_id: i32,
    dir: tempfile::TempDir,
}

impl Client {
    /// The server on a thread, initialized with default capabilities (UTF-16)
    /// and the workspace as its folder.
    fn start() -> (Client, Value) {
        Client::start_with(&[
            ("team.yaml", TEAM),
            ("pipelines/profit.yaml", PIPELINE),
            ("rotations/oncall.yaml", ROTATION),
        ])
    }

    fn start_with(files: &[(&str, &str)]) -> (Client, Value) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            write(dir.path(), name, text);
        }
        let (server, connection) = Connection::memory();
        let options = steward::lsp::Options {
            today: Some(common::today()),
            from_scratch: false,
        };
        let thread = std::thread::spawn(move || steward::lsp::serve(&server, options));
        let mut client = Client {
            connection,
            server: Some(thread),
            backlog: Vec::new(),
            next_id: 0,
            dir,
        };
        let folder = json!([{ "uri": client.uri(""), "name": "ws" }]);
        let init = client.request(
            "initialize",
            json!({ "processId": null, "capabilities": {}, "workspaceFolders": folder }),
        );
        client.notify("initialized", json!({}));
        (client, init)
    }

    fn path(&self, relative: &str) -> PathBuf {
        std::fs::canonicalize(self.dir.path())
            .expect("canonical temp dir")
            .join(relative)
    }

    fn uri(&self, relative: &str) -> String {
        let path = self.path(relative);
        format!(
            "file://{}",
            path.display().to_string().trim_end_matches('/')
        )
    }

    fn send(&self, message: Message) {
        self.connection
            .sender
            .send(message)
            .expect("the server is listening");
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    /// Sends a request and returns its result (panics on an error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.to_string(), params).into());
        let message = self.take(
            &format!("the response to {method}"),
            |m| matches!(m, Message::Response(r) if r.id == id),
        );
        match message {
            Message::Response(Response {
                response_result: Ok(result),
                ..
            }) => result,
            other => panic!("{method} failed: {other:?}"),
        }
    }

    /// The first message (the backlog's first) that `wanted` accepts; the
    /// others wait in the backlog.
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
                Err(e) if e.is_timeout() => {
                    panic!("no {what} within {DEADLINE:?}; got {:#?}", self.backlog)
                }
                Err(_) => panic!("the server hung up before {what}; got {:#?}", self.backlog),
            }
        }
    }

    /// The next diagnostics published for a file.
    fn diagnostics(&mut self, relative: &str) -> Vec<Value> {
        let uri = self.uri(relative);
        let message = self.take(&format!("diagnostics for {relative}"), |m| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        });
        let Message::Notification(n) = message else {
            unreachable!("taken as a notification")
        };
        n.params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&self, relative: &str) {
        let text = std::fs::read_to_string(self.path(relative)).expect("read");
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": self.uri(relative), "languageId": "yaml", "version": 1, "text": text
            }}),
        );
    }

    fn change(&self, relative: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": self.uri(relative), "version": version },
                    "contentChanges": changes }),
        );
    }

    /// `shutdown` and `exit`; the server thread's exit code, once every
    /// message it sent has been taken.
    fn shutdown(mut self) -> u8 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let code = self
            .server
            .take()
            .expect("the server thread")
            .join()
            .expect("the server thread did not panic");
        // The thread is gone: whatever it sent is in the channel now.
        let left: Vec<Message> = self.connection.receiver.try_iter().collect();
        assert!(
            self.backlog.is_empty() && left.is_empty(),
            "unconsumed messages: {:#?} {left:#?}",
            self.backlog
        );
        code
    }
}

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
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

/// `(rule, range)` of each diagnostic.
fn brief(diagnostics: &[Value]) -> Vec<(String, Value)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["range"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_scripted_session_in_process() {
    let (mut client, init) = Client::start();
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    let rotation = client.uri("rotations/oncall.yaml");
    let pipeline = client.uri("pipelines/profit.yaml");
    let team = client.uri("team.yaml");

    // The finding after the emoji: 59 characters before `emilly`, the emoji
    // two UTF-16 units, so character 60 (63 in bytes).
    client.open("rotations/oncall.yaml");
    let diagnostics = client.diagnostics("rotations/oncall.yaml");
    assert_eq!(
        brief(&diagnostics),
        [("unknown-reference".to_string(), range(10, 60, 10, 66))]
    );
    // The rest of the workspace is published too: the pipeline's owner.
    assert_eq!(
        brief(&client.diagnostics("pipelines/profit.yaml")),
        [("unknown-reference".to_string(), range(8, 13, 8, 16))]
    );

    // Code actions on it: its fix first, then the suppression.
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": rotation }, "range": range(10, 62, 10, 62),
                "context": { "diagnostics": [diagnostics[0]] } }),
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
    let fix = &actions[0]["edit"]["changes"][&rotation];
    assert_eq!(
        fix,
        &json!([{ "range": range(10, 60, 10, 66), "newText": "emily" }])
    );

    // Applying the fix clears the finding: an empty list is published.
    client.change(
        "rotations/oncall.yaml",
        2,
        json!([{ "range": fix[0]["range"], "text": "emily" }]),
    );
    assert_eq!(
        client.diagnostics("rotations/oncall.yaml"),
        Vec::<Value>::new()
    );

    // Across files: `zoe` joins the team in its unsaved buffer, and the
    // pipeline's finding goes.
    client.open("team.yaml");
    assert_eq!(client.diagnostics("team.yaml"), Vec::<Value>::new());
    client.change(
        "team.yaml",
        2,
        json!([{ "range": range(18, 0, 18, 0),
                 "text": "  - id: zoe\n    name: Zoë Wang\n    areas: [profit]\n" }]),
    );
    assert_eq!(
        client.diagnostics("pipelines/profit.yaml"),
        Vec::<Value>::new()
    );

    // Go to definition: from the pipeline's owner to her entry in the
    // unsaved team.
    let definition = client.request("textDocument/definition", at(&pipeline, 8, 14));
    assert_eq!(
        definition,
        json!({ "uri": team, "range": range(18, 8, 18, 11) })
    );

    // Hover on the roster's `emily`: the member.
    let hover = client.request("textDocument/hover", at(&rotation, 8, 17));
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("Emily Chen"), "{text}");
    assert_eq!(hover["range"], range(8, 15, 8, 20));

    // Completion of the override's member (after the emoji), `zoe` included.
    let completion = client.request("textDocument/completion", at(&rotation, 10, 62));
    let labels: Vec<&str> = completion
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["john", "emily", "priya", "michael", "zoe"]);
    assert_eq!(
        completion[0]["textEdit"]["range"],
        range(10, 60, 10, 65),
        "the member's UTF-16 range"
    );

    assert_eq!(client.shutdown(), 0);
}

/// A file changed on disk that the client does not report (it does not
/// watch files): the server notices at the next save, open or close.
#[test]
fn an_unreported_change_on_disk_counts_at_the_next_save() {
    let (mut client, _) =
        Client::start_with(&[("team.yaml", TEAM), ("pipelines/profit.yaml", PIPELINE)]);
    client.open("pipelines/profit.yaml");
    assert_eq!(
        brief(&client.diagnostics("pipelines/profit.yaml")),
        [("unknown-reference".to_string(), range(8, 13, 8, 16))]
    );
    // `git pull` brings `zoe`; nothing tells the server.
    let team = format!("{TEAM}  - id: zoe\n    name: Zoë Wang\n    areas: [profit]\n");
    write(&client.path(""), "team.yaml", &team);
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": client.uri("pipelines/profit.yaml") } }),
    );
    assert_eq!(
        client.diagnostics("pipelines/profit.yaml"),
        Vec::<Value>::new()
    );
    assert_eq!(client.shutdown(), 0);
}

/// A workspace nested in the folder (its own steward.yaml) hears of the
/// disk too when something else is checked: an unreported change there,
/// noticed at a save in the outer workspace, counts at its next check.
#[test]
fn a_nested_workspace_hears_of_the_disk_when_another_is_checked() {
    let policy = "apiVersion: steward/v1\nkind: Policy\nid: other\n";
    let (mut client, _) = Client::start_with(&[
        ("team.yaml", TEAM),
        ("pipelines/profit.yaml", PIPELINE),
        ("other/steward.yaml", policy),
        ("other/team.yaml", TEAM),
        ("other/pipelines/profit.yaml", PIPELINE),
    ]);
    client.open("pipelines/profit.yaml");
    assert_eq!(client.diagnostics("pipelines/profit.yaml").len(), 1);
    client.open("other/pipelines/profit.yaml");
    assert_eq!(client.diagnostics("other/pipelines/profit.yaml").len(), 1);
    // The nested team gains `zoe` on disk, unreported; a save in the outer
    // workspace checks that one (nothing changes there).
    let team = format!("{TEAM}  - id: zoe\n    name: Zoë Wang\n    areas: [profit]\n");
    write(&client.path(""), "other/team.yaml", &team);
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": client.uri("pipelines/profit.yaml") } }),
    );
    // An edit in the nested workspace (a comment at the end) checks it.
    client.change(
        "other/pipelines/profit.yaml",
        2,
        json!([{ "range": range(9, 0, 9, 0), "text": "# owners agreed\n" }]),
    );
    assert_eq!(
        client.diagnostics("other/pipelines/profit.yaml"),
        Vec::<Value>::new()
    );
    assert_eq!(client.shutdown(), 0);
}
