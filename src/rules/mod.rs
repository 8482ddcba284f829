//! The rule registry. One rule, one file: each file defines a `RULE` with its
//! id, summary, documentation (`steward explain`), parameter schema and check.
//! Default severities and parameters live in `policies/default.yaml`.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::finding::Diagnostic;
use crate::model::Model;
use crate::schedule::Schedule;
use crate::schema::SchemaReport;
use crate::workspace::Workspace;

mod back_to_back;
mod balanced_load;
pub(crate) mod broad_ignore;
mod coverage_gap;
mod coverage_window;
mod deadline_coverage;
mod distinct_on_call;
mod distinct_owners;
mod double_booked;
mod duplicate_id;
mod escalation_required;
mod handoff_meeting;
mod holiday_coverage;
mod holiday_fairness;
mod io_error;
pub(crate) mod on_call;
mod on_call_coverage;
mod owner_expertise;
mod owner_load;
mod raci_accountable;
mod raci_overlap;
mod raci_required;
mod roster_size;
mod runbook_file;
mod runbook_required;
mod runbook_sections;
mod schedule_change;
mod schedule_horizon;
mod schema;
mod sla_order;
mod unavailable_on_call;
mod unknown_reference;
pub(crate) mod unused_ignore;
mod yaml_syntax;

/// Everything a rule may read. Rules never read files other than through this.
pub struct Context<'a> {
    pub workspace: &'a Workspace,
    pub schema: &'a SchemaReport,
    pub model: &'a Model,
    pub schedule: &'a Schedule,
    /// Every pipeline's runbook, read once.
    pub runbooks: &'a crate::runbook::RunbookIndex,
    /// "Today", for time-relative rules (`--today`).
    pub today: NaiveDate,
    /// The workspace as it is at the `--base` revision, when comparing
    /// (`schedule-change`); `None` otherwise.
    pub base: Option<&'a crate::check::Loaded>,
}

/// A rule's parameters from the active policy (defaults merged in).
#[derive(Debug, Clone, Default)]
pub struct Params<'a> {
    map: Option<&'a Map<String, Value>>,
}

impl<'a> Params<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Params { map: Some(map) }
    }

    /// The parameter `name`, if set and of the right type (the policy schema
    /// has already checked types).
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let value = self.map?.get(name)?;
        T::deserialize(value).ok()
    }
}

pub type CheckFn = fn(&Context<'_>, &Params<'_>, &mut Vec<Diagnostic>);

pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// One line for `steward rules` and SARIF `shortDescription`.
    pub summary: &'static str,
    /// What it checks, why, an example and how to fix it (`steward explain`).
    pub explanation: &'static str,
    /// JSON Schema `properties` of the rule's parameters in a Policy, if any.
    pub options: Option<&'static str>,
    pub check: CheckFn,
}

/// Every builtin rule, in the order `steward rules` lists them.
pub static RULES: &[&Rule] = &[
    &yaml_syntax::RULE,
    &schema::RULE,
    &io_error::RULE,
    &duplicate_id::RULE,
    &unknown_reference::RULE,
    &distinct_owners::RULE,
    &owner_expertise::RULE,
    &owner_load::RULE,
    &runbook_required::RULE,
    &runbook_file::RULE,
    &runbook_sections::RULE,
    &sla_order::RULE,
    &escalation_required::RULE,
    &on_call_coverage::RULE,
    &coverage_gap::RULE,
    &distinct_on_call::RULE,
    &back_to_back::RULE,
    &double_booked::RULE,
    &unavailable_on_call::RULE,
    &balanced_load::RULE,
    &holiday_coverage::RULE,
    &holiday_fairness::RULE,
    &schedule_horizon::RULE,
    &roster_size::RULE,
    &schedule_change::RULE,
    &unused_ignore::RULE,
    &broad_ignore::RULE,
    // 0.2: owners that are teams and roles; RACI (§8).
    &raci_accountable::RULE,
    &raci_overlap::RULE,
    &raci_required::RULE,
    // 0.2: time zones and handoffs (§9).
    &handoff_meeting::RULE,
    // 0.2: coverage windows (§10).
    &coverage_window::RULE,
    &deadline_coverage::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

pub fn ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

/// A check for rules whose findings are produced by an earlier stage.
pub(crate) fn no_check(_: &Context<'_>, _: &Params<'_>, _: &mut Vec<Diagnostic>) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_find_cover_the_registry() {
        let listed: Vec<&str> = ids().collect();
        assert_eq!(listed.len(), RULES.len());
        assert_eq!(listed.first(), Some(&"yaml-syntax"));
        for id in listed {
            assert_eq!(find(id).map(|r| r.id), Some(id));
        }
        assert!(find("no-such-rule").is_none());
        let mut unique: Vec<&str> = ids().collect();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), RULES.len(), "rule ids are unique");
    }
}
