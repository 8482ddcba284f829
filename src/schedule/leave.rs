//! Declared leave (`unavailable`, inclusive dates), indexed by person.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::document::DocId;
use crate::finding::Location;
use crate::model::Model;

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

    /// Leave of `person` overlapping the duty of `shift` (§10): leave
    /// outside duty keeps nobody from being on call.
    pub fn during_duty<'a>(
        &'a self,
        person: &str,
        shift: &'a super::Shift,
    ) -> impl Iterator<Item = &'a LeavePeriod> + 'a {
        self.during_duty_of(person, &shift.clock, shift.start, shift.end, &shift.duty)
    }

    /// [`LeaveIndex::during_duty`] for a shift overlapping the local days
    /// `[start, end)` with `duty`: a shift the planner proposes.
    pub fn during_duty_of<'a>(
        &'a self,
        person: &str,
        clock: &'a super::time::Clock,
        start: NaiveDate,
        end: NaiveDate,
        duty: &'a [super::window::Interval],
    ) -> impl Iterator<Item = &'a LeavePeriod> + 'a {
        self.during(person, start, end).filter(move |p| {
            super::duty_meets_days(clock, duty, p.from, p.to.succ_opt().unwrap_or(p.to))
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, Leave, Member, MemberRef, Team};

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn leave(from: &str, to: &str) -> Leave {
        Leave {
            from: d(from),
            to: d(to),
            reason: None,
        }
    }

    #[test]
    fn leave_overlaps_inclusive_days() {
        let mut model = Model::default();
        model.teams.push(Entry {
            doc: 7,
            item: Team {
                id: "t".into(),
                name: None,
                lead: None,
                areas: None,
                also: Vec::new(),
                members: vec![Member {
                    id: "emily".into(),
                    name: "Emily".into(),
                    email: None,
                    areas: None,
                    roles: Vec::new(),
                    unavailable: vec![
                        leave("2026-12-24", "2027-01-03"),
                        leave("2026-12-21", "2026-12-21"),
                        // Ends before it starts: a `schema` finding, ignored here.
                        leave("2026-12-10", "2026-12-01"),
                    ],
                }],
            },
        });
        model
            .members
            .insert("emily".into(), MemberRef { team: 0, member: 0 });
        let index = LeaveIndex::build(&model);
        let during = |from: &str, to: &str| -> Vec<usize> {
            index
                .during("emily", d(from), d(to))
                .map(|p| p.entry)
                .collect()
        };
        // [from, to) shift days against inclusive leave days.
        assert_eq!(during("2026-12-14", "2026-12-21"), Vec::<usize>::new());
        assert_eq!(during("2026-12-14", "2026-12-22"), [1]);
        assert_eq!(during("2026-12-21", "2026-12-28"), [1, 0]);
        assert_eq!(during("2027-01-03", "2027-01-10"), [0]);
        assert_eq!(during("2027-01-04", "2027-01-11"), Vec::<usize>::new());
        assert_eq!(index.on("emily", d("2026-12-21")).map(|p| p.entry), Some(1));
        assert_eq!(index.on("emily", d("2026-12-22")), None);
        assert_eq!(index.on("john", d("2026-12-22")), None);
        let p = index.on("emily", d("2027-01-01")).unwrap();
        assert_eq!(p.describe(), "2026-12-24 – 2027-01-03");
        assert_eq!(p.location(), Location::node(7, "/members/0/unavailable/0"));
    }
}
