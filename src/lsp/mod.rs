//! `steward lsp`: a Language Server over stdio (SPEC §12). Findings are
//! pushed as diagnostics for every file of each workspace an open document
//! lies in, computed by the same load and check as `steward check`, with the
//! editor's unsaved buffers read instead of the files on disk, incrementally
//! (`engine.rs`: what an edit cannot change is kept). Hover, go to
//! definition, references and completion read the checked workspace's span
//! trees and values; code actions suppress a finding on its line.
//!
//! Synchronous (`lsp-server`, as rust-analyzer and ruff): one thread reads a
//! message, brings the analysis up to date, answers. See docs/design.md,
//! "Language server".

mod actions;
pub mod analysis;
mod complete;
pub mod engine;
mod hover;
mod locate;
mod server;
mod symbols;
mod uri;

use chrono::NaiveDate;
use lsp_server::Connection;

/// How `steward lsp` was started.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// "Today" for time-relative rules; `None`: the local date at each check.
    pub today: Option<NaiveDate>,
    /// Check each workspace from scratch at every change instead of
    /// incrementally (the engine's reference: benches/lsp.rs compares them).
    pub from_scratch: bool,
}

/// Serves the client on stdin/stdout until it exits. Returns the process
/// exit code: 0 after `shutdown` then `exit`, 1 when the client exits or
/// goes away without `shutdown` (as LSP asks).
pub fn run(options: Options) -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let code = serve(&connection, options);
    drop(connection);
    if let Err(e) = io_threads.join() {
        eprintln!("steward lsp: {e}");
    }
    code
}

/// Serves one client over any connection (`Connection::memory()` in tests).
pub fn serve(connection: &Connection, options: Options) -> u8 {
    server::serve(connection, options)
}
