//! `steward lsp` end to end: the real binary over stdin/stdout, a scripted
//! client, a workspace in a temp dir. Every message the server sends is
//! consumed and checked; waits end when the expected message arrives or at a
//! deadline (no sleeps).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

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
    unavailable:
      - { from: 2026-06-29, to: 2026-07-03, reason: conference }
  - id: priya
    name: Priya Raman
    areas: [profit]
  - id: michael
    name: Michael Okafor
    areas: [profit]
    roles: [pipeline-owner]
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

/// Line 10: an emoji and a `ë` before the unknown `emilly`, a comment after.
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

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = Workspace { dir };
        ws.write("team.yaml", TEAM);
        ws.write("pipelines/profit.yaml", PIPELINE);
        ws.write("rotations/oncall.yaml", ROTATION);
        ws
    }

    /// Canonical: the server names files by their real path.
    fn root(&self) -> PathBuf {
        std::fs::canonicalize(self.dir.path()).expect("canonical temp dir")
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    fn uri(&self, relative: &str) -> String {
        format!("file://{}", self.path(relative).display())
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.dir.path().join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
}

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages read while waiting for another one, in arrival order.
    backlog: Vec<Value>,
    next_id: i64,
}

impl Client {
    /// Starts `steward lsp` and initializes it with `capabilities` and the
    /// workspace as the folder; returns the `initialize` result.
    fn start(ws: &Workspace, capabilities: Value) -> (Client, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_steward"))
            .args(["lsp", "--today", common::TODAY])
            .current_dir(ws.root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn steward lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            stdin: child.stdin.take(),
            child,
            messages,
            backlog: Vec::new(),
            next_id: 0,
        };
        let folder = json!([{ "uri": format!("file://{}", ws.root().display()), "name": "ws" }]);
        let result = client.request(
            "initialize",
            json!({ "processId": null, "capabilities": capabilities, "workspaceFolders": folder }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to server");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result (panics on an error response).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.take(&format!("the response to {method}"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        })
    }

    /// The first message (earlier ones in the backlog first) that `wanted`
    /// accepts; others wait in the backlog.
    fn take(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i);
        }
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.messages.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.backlog.push(message),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {DEADLINE:?}; got {:#?}", self.backlog)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server closed its output before {what}; got {:#?}",
                        self.backlog
                    )
                }
            }
        }
    }

    /// The next diagnostics published for a file.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.take(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Every message the server sent has been taken: a round trip makes
    /// sure nothing sent before it is still on the way.
    fn assert_all_consumed(&mut self) {
        self.request(
            "textDocument/hover",
            hover_params("file:///nowhere.yaml", 0, 0),
        );
        assert!(
            self.backlog.is_empty(),
            "unexpected messages: {:#?}",
            self.backlog
        );
    }

    fn open(&mut self, ws: &Workspace, relative: &str) {
        let text = std::fs::read_to_string(ws.path(relative)).expect("read");
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": ws.uri(relative), "languageId": "yaml", "version": 1, "text": text
            }}),
        );
    }

    /// `shutdown`, `exit`, and the exit code.
    fn shutdown(mut self) -> i32 {
        self.request("shutdown", Value::Null);
        self.assert_all_consumed_after_shutdown();
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn assert_all_consumed_after_shutdown(&mut self) {
        assert!(
            self.backlog.is_empty(),
            "unexpected messages: {:#?}",
            self.backlog
        );
    }

    fn wait(mut self) -> i32 {
        drop(self.stdin.take());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("steward lsp did not exit within {DEADLINE:?}");
            }
            // Polling the child is the only portable way to wait with a deadline.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `Content-Length` framed message, or `None` at the end of output.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn range(line: u32, start: u32, end_line: u32, end: u32) -> Value {
    json!({ "start": position(line, start), "end": position(end_line, end) })
}

fn hover_params(uri: &str, line: u32, character: u32) -> Value {
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

fn no_capabilities() -> Value {
    json!({})
}

#[test]
fn findings_are_pushed_for_the_workspace_with_utf16_columns_and_follow_edits_across_files() {
    let ws = Workspace::new();
    let (mut client, init) = Client::start(&ws, no_capabilities());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "steward");
    assert!(
        init["capabilities"].get("diagnosticProvider").is_none(),
        "push only: no pull diagnostics"
    );

    client.open(&ws, "rotations/oncall.yaml");
    let rotation = client.diagnostics(&ws.uri("rotations/oncall.yaml"));
    // `  - { reason: "🎂 Zoë's party", …, primary: emilly }`: 59 characters
    // before `emilly`, the emoji two UTF-16 units: column 60.
    assert_eq!(
        brief(&rotation),
        [
            ("unavailable-on-call".to_string(), range(8, 15, 8, 20)),
            ("unknown-reference".to_string(), range(10, 60, 10, 66)),
        ]
    );
    let unknown = &rotation[1];
    assert_eq!(unknown["severity"], 1);
    assert_eq!(unknown["source"], "steward");
    assert_eq!(
        unknown["message"],
        "override primary of rotation `oncall` is `emilly`, but no member `emilly` is defined\nhelp: did you mean `emily`?"
    );
    assert!(unknown.get("codeDescription").is_none());
    // A label in another file is related information there.
    assert_eq!(
        rotation[0]["relatedInformation"],
        json!([{
            "location": { "uri": ws.uri("team.yaml"), "range": range(13, 8, 13, 64) },
            "message": "emily's leave"
        }])
    );
    // The rest of the workspace is judged and published too.
    let pipeline = client.diagnostics(&ws.uri("pipelines/profit.yaml"));
    assert_eq!(
        brief(&pipeline),
        [("unknown-reference".to_string(), range(8, 13, 8, 16))]
    );

    // Opening the team: its (empty) list; nothing else changed, nothing else is sent.
    client.open(&ws, "team.yaml");
    assert_eq!(
        client.diagnostics(&ws.uri("team.yaml")),
        Vec::<Value>::new()
    );
    client.assert_all_consumed();

    // Adding `zoe` to the team, unsaved, clears the pipeline's finding.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": ws.uri("team.yaml"), "version": 2 },
            "contentChanges": [{
                "range": range(21, 0, 21, 0),
                "text": "  - id: zoe\n    name: Zoë Wang\n    areas: [profit]\n"
            }]
        }),
    );
    assert_eq!(
        client.diagnostics(&ws.uri("pipelines/profit.yaml")),
        Vec::<Value>::new()
    );
    client.assert_all_consumed();

    // Fixing the override in the buffer clears its finding; the other stays.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": ws.uri("rotations/oncall.yaml"), "version": 2 },
            "contentChanges": [{ "range": range(10, 60, 10, 66), "text": "emily" }]
        }),
    );
    let rotation = client.diagnostics(&ws.uri("rotations/oncall.yaml"));
    assert_eq!(
        brief(&rotation),
        [("unavailable-on-call".to_string(), range(8, 15, 8, 20))]
    );

    // Closing the team without saving: the file on disk counts again.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": ws.uri("team.yaml") } }),
    );
    let pipeline = client.diagnostics(&ws.uri("pipelines/profit.yaml"));
    assert_eq!(
        brief(&pipeline),
        [("unknown-reference".to_string(), range(8, 13, 8, 16))]
    );
    client.assert_all_consumed();
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn utf8_positions_when_the_client_negotiates_them() {
    let ws = Workspace::new();
    let capabilities = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let (mut client, init) = Client::start(&ws, capabilities);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    client.open(&ws, "rotations/oncall.yaml");
    let rotation = client.diagnostics(&ws.uri("rotations/oncall.yaml"));
    // 63 bytes before `emilly`: the emoji is 4, `ë` 2.
    assert_eq!(rotation[1]["range"], range(10, 63, 10, 69));
    // A position sent back is read in bytes too: the hover on `emily` of
    // the roster, and the edit of `emilly`.
    let hover = client.request(
        "textDocument/hover",
        hover_params(&ws.uri("rotations/oncall.yaml"), 8, 17),
    );
    assert_eq!(hover["range"], range(8, 15, 8, 20));
    client.diagnostics(&ws.uri("pipelines/profit.yaml"));
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": ws.uri("rotations/oncall.yaml"), "version": 2 },
            "contentChanges": [{ "range": range(10, 63, 10, 69), "text": "emily" }]
        }),
    );
    assert_eq!(
        brief(&client.diagnostics(&ws.uri("rotations/oncall.yaml"))),
        [("unavailable-on-call".to_string(), range(8, 15, 8, 20))]
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn files_changed_outside_the_editor_are_checked_again() {
    let ws = Workspace::new();
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut client, _) = Client::start(&ws, capabilities);
    let registration = client.take("the watcher registration", |m| {
        m["method"] == "client/registerCapability"
    });
    assert_eq!(
        registration["params"]["registrations"][0]["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.{yaml,yml,YAML,YML,md,markdown}"
    );
    client.send(json!({ "jsonrpc": "2.0", "id": registration["id"], "result": null }));

    client.open(&ws, "pipelines/profit.yaml");
    assert_eq!(
        client.diagnostics(&ws.uri("pipelines/profit.yaml")).len(),
        1
    );
    assert_eq!(
        client.diagnostics(&ws.uri("rotations/oncall.yaml")).len(),
        2
    );

    // The team gains `zoe` on disk (a `git pull`): the pipeline is clean.
    ws.write(
        "team.yaml",
        &format!("{TEAM}  - id: zoe\n    name: Zoë Wang\n    areas: [profit]\n"),
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": ws.uri("team.yaml"), "type": 2 }] }),
    );
    assert_eq!(
        client.diagnostics(&ws.uri("pipelines/profit.yaml")),
        Vec::<Value>::new()
    );
    client.assert_all_consumed();

    // A steward.yaml appears: it makes the root and its policy applies.
    ws.write(
        "steward.yaml",
        "apiVersion: steward/v1\nkind: Policy\nid: quiet\nrules:\n  unknown-reference: off\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": ws.uri("steward.yaml"), "type": 1 }] }),
    );
    assert_eq!(
        brief(&client.diagnostics(&ws.uri("rotations/oncall.yaml"))),
        [("unavailable-on-call".to_string(), range(8, 15, 8, 20))]
    );
    client.assert_all_consumed();
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn hover_definition_references_and_completion() {
    let ws = Workspace::new();
    ws.write(
        "pipelines/profit.yaml",
        &PIPELINE.replace(
            "  secondary: zoe\n",
            "  secondary: emily  # steward: ignore[owner-load]\n",
        ),
    );
    let (mut client, _) = Client::start(&ws, no_capabilities());
    let pipeline = ws.uri("pipelines/profit.yaml");
    let rotation = ws.uri("rotations/oncall.yaml");
    client.open(&ws, "pipelines/profit.yaml");
    // The unused suppression is a finding of its own.
    assert_eq!(
        brief(&client.diagnostics(&pipeline)),
        [("unused-ignore".to_string(), range(8, 20, 8, 49))]
    );
    client.diagnostics(&rotation);

    // Hover on a roster entry: the member, from the team file.
    let hover = client.request("textDocument/hover", hover_params(&rotation, 8, 17));
    assert_eq!(hover["contents"]["kind"], "markdown");
    insta::assert_snapshot!(
        "hover_member",
        hover["contents"]["value"].as_str().unwrap_or("")
    );
    let hover = client.request("textDocument/hover", hover_params(&rotation, 8, 30));
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.contains("\n- roles: `pipeline-owner`\n"),
        "a member's roles: {text}"
    );
    // Hover on a covered pipeline: its owners and the rotations covering it.
    let hover = client.request("textDocument/hover", hover_params(&rotation, 4, 10));
    insta::assert_snapshot!(
        "hover_pipeline",
        hover["contents"]["value"].as_str().unwrap_or("")
    );
    // Hover on a rule id in a suppression: the rule's documentation.
    let hover = client.request("textDocument/hover", hover_params(&pipeline, 8, 40));
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.starts_with("**owner-load** (warning): "),
        "hover on a rule id: {text}"
    );
    assert!(
        text.contains("## How to fix"),
        "the rule's explanation: {text}"
    );
    assert_eq!(hover["range"], range(8, 38, 8, 48));
    // Nothing to say about a plain value.
    assert_eq!(
        client.request("textDocument/hover", hover_params(&pipeline, 4, 8)),
        Value::Null
    );

    // Go to definition: from the pipeline's owner to the team's member entry.
    let definition = client.request("textDocument/definition", hover_params(&pipeline, 7, 12));
    assert_eq!(
        definition,
        json!({ "uri": ws.uri("team.yaml"), "range": range(6, 8, 6, 12) })
    );
    // From a covered pipeline to the pipeline's id.
    let definition = client.request("textDocument/definition", hover_params(&rotation, 4, 10));
    assert_eq!(
        definition,
        json!({ "uri": pipeline, "range": range(2, 4, 2, 10) })
    );

    // References to emily, from her definition: pipeline owner, roster, and
    // (with the declaration) the team entry.
    let team = ws.uri("team.yaml");
    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": team }, "position": position(9, 10),
                "context": { "includeDeclaration": true } }),
    );
    assert_eq!(
        references,
        json!([
            { "uri": pipeline, "range": range(8, 13, 8, 18) },
            { "uri": rotation, "range": range(8, 15, 8, 20) },
            { "uri": team, "range": range(9, 8, 9, 13) },
        ])
    );

    // Completion of a member where the override names one (replacing `emilly`).
    let completion = client.request("textDocument/completion", hover_params(&rotation, 10, 62));
    let labels: Vec<&str> = completion
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["john", "emily", "priya", "michael"]);
    assert_eq!(completion[1]["detail"], "Emily Chen (data-eng)");
    assert_eq!(
        completion[1]["textEdit"],
        json!({ "range": range(10, 60, 10, 66), "newText": "emily" })
    );

    // Completion after `primary: ` while it is being typed (a null value).
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": pipeline, "version": 2 },
            "contentChanges": [{ "range": range(7, 11, 7, 15), "text": "" }]
        }),
    );
    client.diagnostics(&pipeline);
    let completion = client.request("textDocument/completion", hover_params(&pipeline, 7, 11));
    let labels: Vec<&str> = completion
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    // An owner may be a team or a team's role too (SPEC §8).
    assert_eq!(
        labels,
        [
            "john",
            "emily",
            "priya",
            "michael",
            "team:data-eng",
            "team:data-eng/pipeline-owner"
        ]
    );
    assert_eq!(
        completion[5]["detail"],
        "team `data-eng`/`pipeline-owner` (michael)"
    );
    assert_eq!(
        completion[0]["textEdit"],
        json!({ "range": range(7, 11, 7, 11), "newText": "john" })
    );

    // Completion of rule ids inside `ignore[…]`, the ones listed left out.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": pipeline, "version": 3 },
            "contentChanges": [{ "range": range(8, 48, 8, 48), "text": ", unk" }]
        }),
    );
    client.diagnostics(&pipeline);
    let completion = client.request("textDocument/completion", hover_params(&pipeline, 8, 53));
    let items = completion.as_array().cloned().unwrap_or_default();
    let unknown = items
        .iter()
        .find(|i| i["label"] == "unknown-reference")
        .expect("unknown-reference offered");
    assert_eq!(
        unknown["textEdit"],
        json!({ "range": range(8, 50, 8, 53), "newText": "unknown-reference" })
    );
    assert!(items.iter().all(|i| i["label"] != "owner-load"));
    assert_eq!(items.len(), steward::rules::RULES.len() - 1);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn team_and_role_references() {
    let ws = Workspace::new();
    ws.write(
        "pipelines/profit.yaml",
        &PIPELINE.replace(
            "  primary: john\n  secondary: zoe\n",
            "  primary: team:data-eng/pipeline-owner\n  secondary: emily\n",
        ),
    );
    let (mut client, _) = Client::start(&ws, no_capabilities());
    let pipeline = ws.uri("pipelines/profit.yaml");
    client.open(&ws, "pipelines/profit.yaml");
    assert_eq!(client.diagnostics(&pipeline), Vec::<Value>::new());
    client.diagnostics(&ws.uri("rotations/oncall.yaml"));

    let hover = client.request("textDocument/hover", hover_params(&pipeline, 7, 20));
    insta::assert_snapshot!(
        "hover_role",
        hover["contents"]["value"].as_str().unwrap_or("")
    );
    let definition = client.request("textDocument/definition", hover_params(&pipeline, 7, 20));
    assert_eq!(
        definition,
        json!({ "uri": ws.uri("team.yaml"), "range": range(2, 4, 2, 12) })
    );
    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": pipeline }, "position": position(7, 20),
                "context": { "includeDeclaration": false } }),
    );
    assert_eq!(
        references,
        json!([{ "uri": pipeline, "range": range(7, 11, 7, 39) }])
    );
    client.assert_all_consumed();
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn code_actions_suppress_a_finding_on_its_line() {
    let ws = Workspace::new();
    ws.write(
        "pipelines/profit.yaml",
        &PIPELINE.replace(
            "  secondary: zoe\n",
            "  secondary: zoe  # steward: ignore[owner-load]\n",
        ),
    );
    let (mut client, _) = Client::start(&ws, no_capabilities());
    let rotation = ws.uri("rotations/oncall.yaml");
    let pipeline = ws.uri("pipelines/profit.yaml");
    client.open(&ws, "rotations/oncall.yaml");
    let diagnostics = client.diagnostics(&rotation);
    client.diagnostics(&pipeline);

    // A finding about a person: the suppression is scoped to them, and
    // appended to its line.
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": rotation }, "range": range(8, 16, 8, 16),
                "context": { "diagnostics": [diagnostics[0]] } }),
    );
    assert_eq!(
        actions,
        json!([{
            "title": "Suppress `unavailable-on-call` for `emily` on this line",
            "kind": "quickfix",
            "diagnostics": [diagnostics[0]],
            "edit": { "changes": { rotation.clone(): [{
                "range": range(8, 37, 8, 37),
                "newText": "  # steward: ignore[unavailable-on-call(emily)]"
            }]}},
            "isPreferred": false
        }])
    );
    apply(&mut client, &rotation, 2, &actions[0]);
    assert_eq!(
        brief(&client.diagnostics(&rotation)),
        [("unknown-reference".to_string(), range(10, 60, 10, 66))]
    );

    // A line with another comment: the suppression goes on the line above.
    // The finding's own fix comes first: the only member one letter off.
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": rotation }, "range": range(8, 0, 10, 70),
                "context": { "diagnostics": [] } }),
    );
    assert_eq!(actions.as_array().map(Vec::len), Some(2));
    assert_eq!(
        actions[0]["title"],
        "Replace `emilly` with `emily` (unsafe)"
    );
    assert_eq!(actions[0]["isPreferred"], false);
    assert_eq!(
        actions[0]["edit"]["changes"][&rotation],
        json!([{ "range": range(10, 60, 10, 66), "newText": "emily" }])
    );
    assert_eq!(
        actions[1]["title"],
        "Suppress `unknown-reference` on this line"
    );
    assert_eq!(
        actions[1]["edit"]["changes"][&rotation],
        json!([{ "range": range(10, 0, 10, 0), "newText": "  # steward: ignore[unknown-reference]\n" }])
    );
    apply(&mut client, &rotation, 3, &actions[1]);
    assert_eq!(client.diagnostics(&rotation), Vec::<Value>::new());

    // A line with a suppression comment: the rule joins its list. The
    // unused suppression's own fix removes it (preferred: a safe fix).
    client.open(&ws, "pipelines/profit.yaml");
    assert_eq!(
        brief(&client.diagnostics(&pipeline)),
        [
            ("unknown-reference".to_string(), range(8, 13, 8, 16)),
            ("unused-ignore".to_string(), range(8, 18, 8, 47)),
        ]
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": pipeline }, "range": range(8, 0, 8, 47),
                "context": { "diagnostics": [] } }),
    );
    assert_eq!(actions.as_array().map(Vec::len), Some(2));
    assert_eq!(
        actions[0]["edit"]["changes"][&pipeline],
        json!([{ "range": range(8, 46, 8, 46), "newText": ", unknown-reference" }])
    );
    assert_eq!(actions[1]["title"], "Remove the suppression comment");
    assert_eq!(actions[1]["isPreferred"], true);
    assert_eq!(
        actions[1]["edit"]["changes"][&pipeline],
        json!([{ "range": range(8, 16, 8, 47), "newText": "" }])
    );
    apply(&mut client, &pipeline, 2, &actions[0]);
    assert_eq!(
        brief(&client.diagnostics(&pipeline)),
        [("unused-ignore".to_string(), range(8, 18, 8, 66))]
    );
    // Now one of its two rules is used: the fix removes the other.
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": pipeline }, "range": range(8, 18, 8, 18),
                "context": { "diagnostics": [] } }),
    );
    assert_eq!(
        actions[0]["title"],
        "Remove `owner-load` from the suppression"
    );
    assert_eq!(
        actions[0]["edit"]["changes"][&pipeline],
        json!([{ "range": range(8, 36, 8, 48), "newText": "" }])
    );
    apply(&mut client, &pipeline, 3, &actions[0]);
    assert_eq!(client.diagnostics(&pipeline), Vec::<Value>::new());

    // Only quick fixes are offered.
    let only_refactors = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": pipeline }, "range": range(8, 13, 8, 13),
                "context": { "diagnostics": [], "only": ["refactor"] } }),
    );
    assert_eq!(only_refactors, json!([]));
    assert_eq!(client.shutdown(), 0);
}

/// Applies a code action's edit to an open document, as an editor does.
fn apply(client: &mut Client, uri: &str, version: i32, action: &Value) {
    let edits = action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "range": e["range"], "text": e["newText"] }))
        .collect();
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
    );
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let ws = Workspace::new();
    let (mut client, _) = Client::start(&ws, no_capabilities());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 1);
}

#[test]
fn requests_after_shutdown_are_refused() {
    let ws = Workspace::new();
    let (mut client, _) = Client::start(&ws, no_capabilities());
    client.request("shutdown", Value::Null);
    let refused = client.request_raw(
        "textDocument/hover",
        hover_params(&ws.uri("team.yaml"), 0, 0),
    );
    assert_eq!(refused["error"]["code"], -32600);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 0);
}

/// The server's load: unsaved texts replace their files, and a buffer not on
/// disk is a file of its own; the findings are those of the same texts saved.
#[test]
fn an_overlay_is_judged_as_if_it_were_saved() {
    use steward::check::{self, CheckOptions};
    use steward::load::{self, root, LoadOptions, Overlay};

    let findings = |outcome: &check::Outcome, root: &std::path::Path| -> Vec<String> {
        let files = &outcome.workspace.files;
        outcome
            .findings
            .iter()
            .map(|f| {
                let path = files[f.file]
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(files[f.file].path());
                format!(
                    "{}:{}:{} {} {}",
                    path.display(),
                    f.start.line,
                    f.start.column,
                    f.rule,
                    f.message
                )
            })
            .collect()
    };
    let options = CheckOptions {
        paths: Vec::new(),
        policy: None,
        today: common::today(),
        load: LoadOptions::default(),
    };
    let team = format!("{TEAM}  - id: zoe\n    name: Zoë Wang\n    areas: [profit]\n");
    let extra = PIPELINE
        .replace("id: profit", "id: loss")
        .replace("zoe", "zoë");

    let edited = Workspace::new();
    let mut overlay = Overlay::new();
    overlay.insert(edited.path("team.yaml"), team.clone());
    overlay.insert(edited.path("pipelines/loss.yaml"), extra.clone());
    let found = root::discover(&edited.root());
    let loaded = load::load_workspace_overlaid(&found, &[edited.root()], &options.load, &overlay);
    let outcome = check::check_workspace_in(loaded.workspace, &options, &found).expect("check");

    let saved = Workspace::new();
    saved.write("team.yaml", &team);
    saved.write("pipelines/loss.yaml", &extra);
    let on_disk = check::check(&CheckOptions {
        paths: vec![saved.root()],
        ..options.clone()
    })
    .expect("check");

    let got = findings(&outcome, &edited.root());
    assert_eq!(got, findings(&on_disk, &saved.root()));
    // `zoe` is known now; the new file's `zoë` is not, and no file was written.
    assert!(got.iter().all(|f| !f.contains("`zoe`")), "{got:#?}");
    assert!(
        got.iter()
            .any(|f| f.starts_with("pipelines/loss.yaml:9:14 ")),
        "{got:#?}"
    );
    assert!(!edited.path("pipelines/loss.yaml").exists());
}

/// `text` with the edits a code action makes to `uri` applied.
fn applied(text: &str, action: &Value, uri: &str) -> String {
    let edits = action["edit"]["changes"][uri].as_array().expect("edits");
    edited(text, edits)
}

/// `text` with LSP text edits applied (UTF-16 positions; a line ends at
/// `\n`, `\r\n` or a lone `\r`), as an editor applies a `WorkspaceEdit`.
fn edited(text: &str, edits: &[Value]) -> String {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().expect("line") as usize;
        let character = p["character"].as_u64().expect("character") as usize;
        let start = starts[line];
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character || c == '\n' || c == '\r' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().expect("newText"),
            )
        })
        .collect();
    spans.sort_by_key(|(start, end, _)| std::cmp::Reverse((*start, *end)));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// The messages of `steward check`'s findings in one file, written with
/// `text` (the rest of the workspace as it is on disk).
fn checked_messages(ws: &Workspace, relative: &str, text: &str) -> Vec<String> {
    ws.write(relative, text);
    let out = common::steward_today(&ws.root(), &["check", "--format", "json"]);
    common::json(&out)["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|f| f["file"] == relative)
        .map(|f| f["message"].as_str().unwrap_or("").to_string())
        .collect()
}

fn first_line(diagnostic: &Value) -> String {
    let message = diagnostic["message"].as_str().unwrap_or("");
    message.lines().next().unwrap_or("").to_string()
}

/// Two `schema` findings: one about the member's mapping (lines 17 to 20,
/// 0-based), one about the key `nme` on line 18. Each suppression is
/// offered for the finding the client asks about, and lands where a
/// suppression covers that finding.
#[test]
fn suppress_actions_are_for_the_findings_asked_about_each_on_its_own_line() {
    let ws = Workspace::new();
    let team = TEAM.replace("    name: Michael Okafor\n", "    nme: Michael Okafor\n");
    ws.write("team.yaml", &team);
    let (mut client, _) = Client::start(&ws, no_capabilities());
    let uri = ws.uri("team.yaml");
    client.open(&ws, "team.yaml");
    let diagnostics = client.diagnostics(&uri);
    client.diagnostics(&ws.uri("pipelines/profit.yaml"));
    client.diagnostics(&ws.uri("rotations/oncall.yaml"));
    let find = |start: &str| -> Value {
        diagnostics
            .iter()
            .find(|d| first_line(d).starts_with(start))
            .cloned()
            .unwrap_or_else(|| panic!("no `{start}` diagnostic in {diagnostics:#?}"))
    };
    let unknown = find("unknown key `nme`");
    let missing = find("`members[3]` is missing required key `name`");
    assert_eq!(unknown["range"], range(18, 4, 18, 7));
    assert_eq!(missing["range"]["start"], position(17, 4));
    assert_eq!(missing["range"]["end"]["line"], 20);

    // The client asks about `nme` (its range overlaps the other finding's).
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": unknown["range"],
                "context": { "diagnostics": [unknown] } }),
    );
    assert_eq!(
        actions,
        json!([
            {
                "title": "Rename `nme` to `name` (unsafe)",
                "kind": "quickfix",
                "diagnostics": [unknown],
                "edit": { "changes": { uri.clone(): [{
                    "range": range(18, 4, 18, 7), "newText": "name"
                }]}},
                "isPreferred": false
            },
            {
                "title": "Suppress `schema` on this line",
                "kind": "quickfix",
                "diagnostics": [unknown],
                "edit": { "changes": { uri.clone(): [{
                    "range": range(18, 23, 18, 23), "newText": "  # steward: ignore[schema]"
                }]}},
                "isPreferred": false
            }
        ])
    );
    let suppressed = applied(&team, &actions[1], &uri);
    assert_eq!(
        suppressed,
        team.replace(
            "    nme: Michael Okafor\n",
            "    nme: Michael Okafor  # steward: ignore[schema]\n"
        )
    );
    assert_eq!(
        checked_messages(&ws, "team.yaml", &suppressed),
        ["`members[3]` is missing required key `name`"]
    );

    // Both (what an editor sends for the cursor on `nme`): one suppression
    // each, titled by its finding, each for its own finding alone. The
    // mapping's finding spans four lines: it is suppressed on its first.
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range(18, 5, 18, 5),
                "context": { "diagnostics": [missing, unknown] } }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["title"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        titles,
        [
            "Suppress `schema` on this line: `members[3]` is missing required key `name`",
            "Rename `nme` to `name` (unsafe)",
            "Suppress `schema` on this line: unknown key `nme` in `members[3]`",
        ]
    );
    assert_eq!(actions[0]["diagnostics"], json!([missing]));
    assert_eq!(actions[1]["diagnostics"], json!([unknown]));
    assert_eq!(actions[2]["diagnostics"], json!([unknown]));
    assert_eq!(
        actions[0]["edit"]["changes"][&uri],
        json!([{ "range": range(17, 15, 17, 15), "newText": "  # steward: ignore[schema]" }])
    );
    let suppressed = applied(&team, &actions[0], &uri);
    assert_eq!(
        suppressed,
        team.replace(
            "  - id: michael\n",
            "  - id: michael  # steward: ignore[schema]\n"
        )
    );
    assert_eq!(
        checked_messages(&ws, "team.yaml", &suppressed),
        ["unknown key `nme` in `members[3]`"]
    );
    let suppressed = applied(&team, &actions[2], &uri);
    assert_eq!(
        checked_messages(&ws, "team.yaml", &suppressed),
        ["`members[3]` is missing required key `name`"]
    );
    assert_eq!(client.shutdown(), 0);
}

/// A value over two lines: a comment at the end of its first line would
/// end it, so the suppression goes alone on the line above.
#[test]
fn a_finding_over_several_lines_is_suppressed_on_the_line_above() {
    let ws = Workspace::new();
    let pipeline = PIPELINE.replace("  secondary: zoe\n", "  secondary: zoe\n    smith\n");
    ws.write("pipelines/profit.yaml", &pipeline);
    let (mut client, _) = Client::start(&ws, no_capabilities());
    let uri = ws.uri("pipelines/profit.yaml");
    client.open(&ws, "pipelines/profit.yaml");
    let diagnostics = client.diagnostics(&uri);
    client.diagnostics(&ws.uri("rotations/oncall.yaml"));
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .cloned()
        .expect("an unknown-reference diagnostic");
    assert_eq!(unknown["range"], range(8, 13, 9, 9));
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": unknown["range"],
                "context": { "diagnostics": [unknown] } }),
    );
    assert_eq!(
        actions,
        json!([{
            "title": "Suppress `unknown-reference` on this line",
            "kind": "quickfix",
            "diagnostics": [unknown],
            "edit": { "changes": { uri.clone(): [{
                "range": range(8, 0, 8, 0),
                "newText": "  # steward: ignore[unknown-reference]\n"
            }]}},
            "isPreferred": false
        }])
    );
    let suppressed = applied(&pipeline, &actions[0], &uri);
    assert_eq!(
        suppressed,
        pipeline.replace(
            "  secondary: zoe\n",
            "  # steward: ignore[unknown-reference]\n  secondary: zoe\n"
        )
    );
    let left = checked_messages(&ws, "pipelines/profit.yaml", &suppressed);
    assert!(
        left.iter().all(|m| !m.contains("no member `zoe smith`")),
        "{left:#?}"
    );
    assert_eq!(client.shutdown(), 0);
}

/// A CRLF document: every edit the server offers ends its lines with CRLF,
/// a fix's exactly as `steward check --unsafe-fixes` writes it, and a
/// suppression on a line of its own too (here above the last line, which
/// has no line break of its own).
#[test]
fn code_actions_keep_a_crlf_documents_line_endings() {
    let ws = Workspace::new();
    std::fs::remove_file(ws.path("rotations/oncall.yaml")).expect("remove the rotation");
    // The last line has no line break.
    let pipeline = concat!(
        "apiVersion: steward/v1\r\n",
        "kind: Pipeline\r\n",
        "id: profit\r\n",
        "name: Profit\r\n",
        "area: profit\r\n",
        "audience: investors\r\n",
        "owners:\r\n",
        "  primary: john\r\n",
        "  secondary: zoe  # a note",
    );
    ws.write("pipelines/profit.yaml", pipeline);
    let (mut client, _) = Client::start(&ws, no_capabilities());
    let uri = ws.uri("pipelines/profit.yaml");
    client.open(&ws, "pipelines/profit.yaml");
    let diagnostics = client.diagnostics(&uri);
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        codes,
        [
            "escalation-required",
            "on-call-coverage",
            "runbook-required",
            "unknown-reference"
        ]
    );
    let mut actions = Vec::new();
    for diagnostic in &diagnostics {
        let offered = client.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": diagnostic["range"],
                    "context": { "diagnostics": [diagnostic] } }),
        );
        actions.extend(offered.as_array().cloned().unwrap_or_default());
    }
    for action in &actions {
        for edit in action["edit"]["changes"][&uri].as_array().expect("edits") {
            let text = edit["newText"].as_str().unwrap_or("");
            assert!(
                !text.replace("\r\n", "").contains('\n'),
                "a bare LF in {action:#}"
            );
        }
    }
    let action = |title: &str| -> Value {
        actions
            .iter()
            .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(title)))
            .cloned()
            .unwrap_or_else(|| panic!("no `{title}` action in {actions:#?}"))
    };

    let suppress = action("Suppress `unknown-reference`");
    assert_eq!(
        suppress["edit"]["changes"][&uri],
        json!([{ "range": range(8, 0, 8, 0),
                 "newText": "  # steward: ignore[unknown-reference]\r\n" }])
    );
    let suppressed = edited(
        pipeline,
        suppress["edit"]["changes"][&uri].as_array().expect("edits"),
    );
    let left = checked_messages(&ws, "pipelines/profit.yaml", &suppressed);
    assert_eq!(left.len(), 3, "{left:#?}");
    assert!(left.iter().all(|m| !m.contains("`zoe`")), "{left:#?}");

    let fix = action("Add `escalation");
    let fixed = edited(
        pipeline,
        fix["edit"]["changes"][&uri].as_array().expect("edits"),
    );
    ws.write("pipelines/profit.yaml", pipeline);
    let out = common::steward_today(&ws.root(), &["check", "--unsafe-fixes"]);
    let written = std::fs::read_to_string(ws.path("pipelines/profit.yaml")).expect("read");
    assert_ne!(written, pipeline, "{}", common::stderr(&out));
    assert_eq!(fixed, written);
    assert_eq!(client.shutdown(), 0);
}
