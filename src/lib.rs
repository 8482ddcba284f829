//! steward: a policy-as-code linter for data teams' pipelines, owners, on-call
//! rotations, holiday calendars and runbooks.
//!
//! Data flows one way: `load` (files -> documents + span trees) -> `schema` ->
//! `model` (typed) -> `schedule` (expanded rotations) -> `rules` -> `Finding`s
//! -> `report` (one renderer per output format).

pub mod baseline;
pub mod check;
pub mod cli;
pub mod did_you_mean;
pub mod document;
pub mod edit;
pub mod finding;
pub mod fix;
pub mod git;
pub mod init;
pub mod load;
pub mod lsp;
pub mod model;
pub mod plan;
pub mod policy;
pub mod reference;
pub mod report;
pub mod resolve;
pub mod review;
pub mod rules;
pub mod runbook;
pub mod schedule;
pub mod schema;
pub mod selector;
pub mod source;
pub mod suppress;
pub mod workspace;
