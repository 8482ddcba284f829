//! Load per person: primary and secondary shifts, holidays on call, and a
//! balance score.

use std::collections::BTreeMap;
use std::ops::Range;

use super::RotationSchedule;

/// One person's load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonLoad {
    pub primary: u32,
    pub secondary: u32,
    /// Holiday dates falling in shifts where the person is primary.
    pub primary_holidays: u32,
    /// Holiday dates falling in shifts where the person is secondary.
    pub secondary_holidays: u32,
}

impl PersonLoad {
    fn add(&mut self, other: &PersonLoad) {
        // Saturating: counts summed over any number of rotations never panic.
        self.primary = self.primary.saturating_add(other.primary);
        self.secondary = self.secondary.saturating_add(other.secondary);
        self.primary_holidays = self.primary_holidays.saturating_add(other.primary_holidays);
        self.secondary_holidays = self
            .secondary_holidays
            .saturating_add(other.secondary_holidays);
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Load {
    /// Every roster member (even with no shift) and everyone else on call.
    pub people: BTreeMap<String, PersonLoad>,
    /// [`balance`] of the roster members' primary shift counts.
    pub balance: f64,
}

impl Load {
    /// The load of the shifts `range` of a rotation: the shifts with duty.
    pub fn of_shifts(rs: &RotationSchedule, range: Range<usize>) -> Load {
        let mut people: BTreeMap<String, PersonLoad> = rs
            .roster
            .iter()
            .map(|p| (p.clone(), PersonLoad::default()))
            .collect();
        for i in range {
            let Some(shift) = rs.shifts.get(i) else {
                break;
            };
            // Only shifts with duty are load (§14.19).
            if !shift.has_duty() {
                continue;
            }
            let holidays = u32::try_from(rs.holidays_in(i).len()).unwrap_or(u32::MAX);
            let p = people.entry(shift.primary.person.to_string()).or_default();
            p.primary = p.primary.saturating_add(1);
            p.primary_holidays = p.primary_holidays.saturating_add(holidays);
            if let Some(s) = &shift.secondary {
                let s = people.entry(s.person.to_string()).or_default();
                s.secondary = s.secondary.saturating_add(1);
                s.secondary_holidays = s.secondary_holidays.saturating_add(holidays);
            }
        }
        let balance = balance(
            rs.roster
                .iter()
                .map(|p| people.get(p).map_or(0, |l| l.primary)),
        );
        Load { people, balance }
    }

    /// Loads summed across rotations; the balance is over the union of rosters.
    pub fn total<'a>(parts: impl Iterator<Item = (&'a Load, &'a [String])>) -> Load {
        let mut people: BTreeMap<String, PersonLoad> = BTreeMap::new();
        let mut roster = std::collections::BTreeSet::new();
        for (load, members) in parts {
            for (person, l) in &load.people {
                people.entry(person.clone()).or_default().add(l);
            }
            roster.extend(members.iter().cloned());
        }
        let balance = balance(
            roster
                .iter()
                .map(|p| people.get(p).map_or(0, |l| l.primary)),
        );
        Load { people, balance }
    }
}

/// The mean, over every pair of people, of min/max of their counts (as
/// Grafana OnCall reports it): 1.0 when everyone has the same count, lower as
/// the load spreads out. Two people with no shifts count as balanced; fewer
/// than two people are balanced. O(n log n).
pub fn balance(counts: impl Iterator<Item = u32>) -> f64 {
    let mut counts: Vec<u32> = counts.collect();
    let n = counts.len();
    if n < 2 {
        return 1.0;
    }
    counts.sort_unstable();
    let mut sum = 0.0_f64;
    let mut prefix = 0.0_f64; // sum of the smaller counts so far
    for (j, &c) in counts.iter().enumerate() {
        if c == 0 {
            // Every earlier count is 0 too: each such pair is balanced.
            sum += j as f64;
        } else {
            sum += prefix / f64::from(c);
        }
        prefix += f64::from(c);
    }
    let pairs = (n * (n - 1) / 2) as f64;
    sum / pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(counts: &[u32]) -> f64 {
        let mut sum = 0.0;
        let mut pairs = 0;
        for i in 0..counts.len() {
            for j in i + 1..counts.len() {
                let (a, b) = (counts[i].min(counts[j]), counts[i].max(counts[j]));
                sum += if b == 0 {
                    1.0
                } else {
                    f64::from(a) / f64::from(b)
                };
                pairs += 1;
            }
        }
        if pairs == 0 {
            1.0
        } else {
            sum / f64::from(pairs)
        }
    }

    #[test]
    fn balance_matches_the_pairwise_definition() {
        for counts in [
            &[][..],
            &[3],
            &[2, 2, 2],
            &[1, 2],
            &[0, 0, 4],
            &[0, 0],
            &[10, 11, 11, 10, 11],
            &[5, 1, 0, 3, 3],
        ] {
            let got = balance(counts.iter().copied());
            assert!((got - naive(counts)).abs() < 1e-12, "{counts:?}: {got}");
        }
        assert_eq!(balance([4, 4].into_iter()), 1.0);
        assert_eq!(balance([1, 2].into_iter()), 0.5);
    }
}
