//! Declared leave (`unavailable`, inclusive dates), indexed by person.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::finding::Location;
use crate::model::Model;
use crate::workspace::DocId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeavePeriod {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub reason: Option<String>,
    /// The Team document and the indices of the member and leave entry.
    pub doc: DocId,
    pub member: usize,
    pub entry: usize,
}

impl LeavePeriod {
    /// `/members/m/unavailable/l` in the Team document.
    pub fn location(&self) -> Location {
        Location::node(
            self.doc,
            format!("/members/{}/unavailable/{}", self.member, self.entry),
        )
    }

    /// "2026-12-21 – 2027-01-03, winter vacation".
    pub fn describe(&self) -> String {
        let dates = super::date_range(self.from, self.to);
        match &self.reason {
            Some(reason) => format!("{dates}, {reason}"),
            None => dates,
        }
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// Leave per member id, sorted by start. A member defined twice (a
/// `duplicate-id` finding) keeps the leave of the definition the model uses.
#[derive(Debug, Default)]
pub struct LeaveIndex {
    pub by_person: BTreeMap<String, Vec<LeavePeriod>>,
}

impl LeaveIndex {
    pub fn build(model: &Model) -> LeaveIndex {
        let mut by_person: BTreeMap<String, Vec<LeavePeriod>> = BTreeMap::new();
        for (id, r) in &model.members {
            let Some(team) = model.teams.get(r.team) else {
                continue;
            };
            let Some(member) = team.item.members.get(r.member) else {
                continue;
            };
            let mut periods: Vec<LeavePeriod> = member
                .unavailable
                .iter()
                .enumerate()
                // Leave that ends before it starts is a `schema` finding.
                .filter(|(_, l)| l.from <= l.to)
                .map(|(l, leave)| LeavePeriod {
                    from: leave.from,
                    to: leave.to,
                    reason: leave.reason.clone(),
                    doc: team.doc,
                    member: r.member,
                    entry: l,
                })
                .collect();
            if periods.is_empty() {
                continue;
            }
            periods.sort_by_key(|p| (p.from, p.to, p.entry));
            by_person.insert(id.clone(), periods);
        }
        LeaveIndex { by_person }
    }

    /// Leave of `person` overlapping the days `[from, to)`.
    pub fn during<'a>(
        &'a self,
        person: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = &'a LeavePeriod> + 'a {
        self.by_person
            .get(person)
            .into_iter()
            .flatten()
            .take_while(move |p| p.from < to)
            .filter(move |p| p.to >= from)
    }

    /// The first leave of `person` covering `date`.
    pub fn on(&self, person: &str, date: NaiveDate) -> Option<&LeavePeriod> {
        self.by_person
            .get(person)?
            .iter()
            .take_while(|p| p.from <= date)
            .find(|p| p.covers(date))
    }
}
