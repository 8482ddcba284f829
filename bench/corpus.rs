//! The corpus generator shared by `bench/gen_corpus.rs` and the criterion
//! benches: a realistic, valid steward workspace of any size, deterministic
//! (the same arguments give the same bytes). See BENCHMARKS.md.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use steward::plan::rng::Rng;
use steward::schedule::holidays::{Calendar, HolidayDef, HolidayRule};

const FIRST: [&str; 24] = [
    "ada", "bo", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jo", "kofi", "lena",
    "mateo", "nia", "omar", "priya", "quinn", "rosa", "sam", "tariq", "uma", "vik", "wen", "yara",
];
const LAST: [&str; 16] = [
    "okafor", "smith", "chen", "muller", "garcia", "ito", "novak", "raman", "silva", "kowalski",
    "haddad", "berg", "nakamura", "osei", "larsen", "diaz",
];
const AREAS: [&str; 8] = [
    "profit",
    "growth",
    "engagement",
    "retention",
    "revenue",
    "marketing",
    "finance",
    "product",
];
const AUDIENCES: [&str; 3] = ["investors", "experiments", "internal"];

#[derive(Debug, Clone)]
pub struct Args {
    pub pipelines: usize,
    pub members: usize,
    pub rotations: usize,
    pub years: usize,
    pub seed: u64,
    pub defects: usize,
    pub out: PathBuf,
}

impl Default for Args {
    /// The 1k-pipeline corpus, written to `./corpus`.
    fn default() -> Args {
        Args {
            pipelines: 1000,
            members: 100,
            rotations: 10,
            years: 2,
            seed: 1,
            defects: 0,
            out: PathBuf::from("corpus"),
        }
    }
}

struct Member {
    id: String,
    name: String,
    areas: Vec<&'static str>,
    /// Inclusive leave ranges.
    leave: Vec<(NaiveDate, NaiveDate)>,
}

struct Pipeline {
    id: String,
    area: &'static str,
    audience: &'static str,
    primary: usize,
    secondary: usize,
    lead: usize,
}

/// A file being written, with its line count so planted defects know their line.
struct Out {
    text: String,
}

impl Out {
    fn new() -> Self {
        Out {
            text: String::new(),
        }
    }

    fn line(&self) -> usize {
        self.text.lines().count() + 1
    }
}

/// Findings planted on purpose: `file:line rule`.
#[derive(Default)]
struct Planted(BTreeSet<String>);

impl Planted {
    fn add(&mut self, file: &str, line: usize, rule: &str) {
        self.0.insert(format!("{file}:{line} {rule}"));
    }
}

/// Writes the corpus into `args.out` (replacing it).
pub fn generate(args: &Args) -> Result<(), String> {
    let mut rng = Rng::new(args.seed);
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("bad start date")?;
    let weeks = args.years * 52;
    let mut members = make_members(args, &mut rng);
    let rosters = make_rosters(args, &members);
    let pipelines = make_pipelines(args, &members, &mut rng);
    let company = company_calendar(company_day(rosters[0].len(), start, weeks));
    let rotations = make_rotations(&rosters, start, weeks, &company, &mut rng);
    place_leave(&mut members, &rotations, start, weeks, &mut rng);

    let _ = fs::remove_dir_all(&args.out);
    let mut planted = Planted::default();
    let mut defects_left = args.defects;
    write_teams(args, &members, &mut planted)?;
    write_pipelines(args, &members, &pipelines, &mut planted, &mut defects_left)?;
    write_rotations(args, &members, &rotations, &pipelines, &company)?;
    let mut list = planted.0.into_iter().collect::<Vec<_>>().join("\n");
    list.push('\n');
    write(&args.out.join("expected-findings.txt"), &list)?;
    Ok(())
}

fn make_members(args: &Args, rng: &mut Rng) -> Vec<Member> {
    (0..args.members)
        .map(|i| {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len()) % LAST.len()];
            let a = rng.below(AREAS.len());
            let b = (a + 1 + rng.below(AREAS.len() - 1)) % AREAS.len();
            let mut areas = vec![AREAS[a], AREAS[b]];
            areas.sort_unstable();
            Member {
                id: format!("{first}-{last}-{i}"),
                name: format!(
                    "{}{} {}{}",
                    &first[..1].to_uppercase(),
                    &first[1..],
                    &last[..1].to_uppercase(),
                    &last[1..]
                ),
                areas,
                leave: Vec::new(),
            }
        })
        .collect()
}

/// Disjoint rosters: nobody is on two rotations, so nobody is double-booked.
fn make_rosters(args: &Args, members: &[Member]) -> Vec<Vec<usize>> {
    let per = members.len() / args.rotations;
    (0..args.rotations)
        .map(|r| (r * per..(r + 1) * per).collect())
        .collect()
}

fn make_pipelines(args: &Args, members: &[Member], rng: &mut Rng) -> Vec<Pipeline> {
    let team_size = 10;
    (0..args.pipelines)
        .map(|k| {
            // Primaries round-robin: owner-load stays within its limit.
            let primary = k % members.len();
            let area = members[primary].areas[rng.below(2)];
            // The next member sharing the area is the secondary.
            let secondary = (1..members.len())
                .map(|d| (primary + d) % members.len())
                .find(|m| members[*m].areas.contains(&area))
                .unwrap_or((primary + 1) % members.len());
            let secondary = if secondary == primary {
                (primary + 1) % members.len()
            } else {
                secondary
            };
            let audience = AUDIENCES[rng.below(AUDIENCES.len())];
            Pipeline {
                id: format!(
                    "{area}-{}-{k}",
                    ["daily", "weekly", "aggregate", "unit"][k % 4]
                ),
                area,
                audience,
                primary,
                secondary,
                lead: (primary / team_size) * team_size,
            }
        })
        .collect()
}

struct RotationPlan {
    id: String,
    generated: bool,
    roster: Vec<usize>,
    start: NaiveDate,
    /// Primary and secondary per week (after overrides for generated ones).
    shifts: Vec<(usize, usize)>,
    overrides: Vec<(usize, usize)>,
    calendar: &'static str,
}

fn make_rotations(
    rosters: &[Vec<usize>],
    start: NaiveDate,
    weeks: usize,
    company: &Calendar,
    rng: &mut Rng,
) -> Vec<RotationPlan> {
    let end = start + Duration::weeks(weeks as i64);
    let holiday_weeks: BTreeSet<usize> = company
        .dates(start, end)
        .iter()
        .map(|h| ((h.date - start).num_days() / 7) as usize)
        .collect();
    rosters
        .iter()
        .enumerate()
        .map(|(r, roster)| {
            // Generated round-robins use the two-day company calendar, on which a
            // round-robin is always fair; explicit rotations are planned fairly
            // over the five us-major holidays.
            let generated = r % 2 == 0;
            let calendar = if generated { "company" } else { "us-major" };
            let n = roster.len();
            let mut shifts: Vec<(usize, usize)> = (0..weeks)
                .map(|i| (roster[i % n], roster[(i + 1) % n]))
                .collect();
            let mut overrides = Vec::new();
            if generated && n >= 4 {
                // A few primary swaps between shifts two apart, in separate
                // half-years: balanced, never back to back.
                for half in 0..weeks / 26 {
                    let i = half * 26 + rng.below(20);
                    // Holiday weeks keep their round-robin primary: it is fair.
                    if (i..=i + 2).any(|w| holiday_weeks.contains(&w)) {
                        continue;
                    }
                    let (a, c) = (shifts[i].0, shifts[i + 2].0);
                    shifts[i].0 = c;
                    shifts[i + 2].0 = a;
                    overrides.push((i, c));
                    overrides.push((i + 2, a));
                }
                overrides.sort_unstable();
                overrides.dedup_by_key(|o| o.0);
            }
            let mut plan = RotationPlan {
                id: format!("oncall-{r}"),
                generated,
                roster: roster.clone(),
                start,
                shifts,
                overrides,
                calendar,
            };
            if !generated {
                make_fair(&mut plan, start, company);
            }
            plan
        })
        .collect()
}

/// Assigns explicit shifts greedily so holiday duty is fair: fewest holiday
/// shifts first, never the same holiday two years running, never back to back.
fn make_fair(plan: &mut RotationPlan, start: NaiveDate, company: &Calendar) {
    let calendar = Calendar::builtin(plan.calendar).unwrap_or_else(|| company.clone());
    let n = plan.roster.len();
    let mut primaries = vec![0usize; n];
    let mut holidays = vec![0usize; n];
    let mut last_holiday: BTreeMap<String, usize> = BTreeMap::new();
    let mut previous = usize::MAX;
    for week in 0..plan.shifts.len() {
        let from = start + Duration::weeks(week as i64);
        let names: Vec<String> = calendar
            .dates(from, from + Duration::days(7))
            .into_iter()
            .map(|h| h.name)
            .collect();
        let pick = (0..n)
            .filter(|p| *p != previous)
            .filter(|p| names.iter().all(|h| last_holiday.get(h) != Some(p)))
            .min_by_key(|p| {
                let holiday_load = if names.is_empty() { 0 } else { holidays[*p] };
                (holiday_load, primaries[*p], (p + n - week % n) % n)
            })
            .unwrap_or((week + 1) % n);
        primaries[pick] += 1;
        if !names.is_empty() {
            holidays[pick] += 1;
            for h in names {
                last_holiday.insert(h, pick);
            }
        }
        let secondary = (pick + 1) % n;
        plan.shifts[week] = (plan.roster[pick], plan.roster[secondary]);
        previous = pick;
    }
}

fn company_calendar(june_day: u32) -> Calendar {
    let day = |name: &str, month, day| HolidayDef {
        name: name.to_string(),
        rule: HolidayRule::Yearly { month, day },
        source: None,
    };
    Calendar {
        id: "company".to_string(),
        holidays: vec![day("Company day", 6, june_day), day("Christmas", 12, 25)],
    }
}

/// A June date for the company day on which a plain round-robin of `n`
/// people is fair: holiday counts within one, never the same holiday twice in
/// a row for one person.
fn company_day(n: usize, start: NaiveDate, weeks: usize) -> u32 {
    let end = start + Duration::weeks(weeks as i64);
    let fair = |day: u32| {
        let dates = company_calendar(day).dates(start, end);
        let mut counts = vec![0usize; n];
        let mut last: BTreeMap<String, usize> = BTreeMap::new();
        for h in dates {
            let person = ((h.date - start).num_days() / 7) as usize % n;
            if last.insert(h.name.clone(), person) == Some(person) {
                return false;
            }
            counts[person] += 1;
        }
        counts.iter().max().unwrap_or(&0) - counts.iter().min().unwrap_or(&0) <= 1
    };
    (1..=28).find(|d| fair(*d)).unwrap_or(12)
}

/// Leave in weeks when the person is neither primary nor secondary.
fn place_leave(
    members: &mut [Member],
    rotations: &[RotationPlan],
    start: NaiveDate,
    weeks: usize,
    rng: &mut Rng,
) {
    let mut busy: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for plan in rotations {
        for (week, (p, s)) in plan.shifts.iter().enumerate() {
            busy.entry(*p).or_default().insert(week);
            busy.entry(*s).or_default().insert(week);
        }
    }
    for (i, member) in members.iter_mut().enumerate() {
        let taken = busy.get(&i);
        for _ in 0..rng.below(3) {
            let week = rng.below(weeks);
            if taken.is_some_and(|t| t.contains(&week)) {
                continue;
            }
            let from = start + Duration::weeks(week as i64);
            let to = from + Duration::days(1 + rng.below(5) as i64);
            member.leave.push((from, to));
        }
        member.leave.sort_unstable();
        member.leave.dedup_by_key(|l| l.0);
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_teams(args: &Args, members: &[Member], _planted: &mut Planted) -> Result<(), String> {
    for (t, team) in members.chunks(10).enumerate() {
        let mut out = Out::new();
        let _ = writeln!(
            out.text,
            "apiVersion: steward/v1\nkind: Team\nid: team-{t}\nname: Team {t}\nlead: {}\nmembers:",
            team[0].id
        );
        for m in team {
            let _ = writeln!(
                out.text,
                "  - id: {}\n    name: {}\n    email: {}@corp.example\n    areas: [{}]",
                m.id,
                m.name,
                m.id,
                m.areas.join(", ")
            );
            if !m.leave.is_empty() {
                let _ = writeln!(out.text, "    unavailable:");
                for (from, to) in &m.leave {
                    let _ = writeln!(
                        out.text,
                        "      - {{ from: {from}, to: {to}, reason: vacation }}"
                    );
                }
            }
        }
        write(&args.out.join(format!("teams/team-{t:03}.yaml")), &out.text)?;
    }
    Ok(())
}

const RUNBOOK: &str = "# Runbook\n\n## Pipeline Overview\n\nPurpose, stakeholders, technologies.\n\n## Metrics Monitored\n\n- freshness\n\n## Common Issues and Potential Failures\n\n- late upstream data\n\n## SLAs\n\nWarn after 24h, alarm after 48h, resolved within a week.\n\n## Escalation\n\nPrimary, then secondary after 30 minutes, then the team lead.\n";

fn write_pipelines(
    args: &Args,
    members: &[Member],
    pipelines: &[Pipeline],
    planted: &mut Planted,
    defects_left: &mut usize,
) -> Result<(), String> {
    // 10% of the pipelines go into four large multi-document files.
    let bundled = pipelines.len() / 10;
    let mut bundles: Vec<Out> = (0..4).map(|_| Out::new()).collect();
    for (k, p) in pipelines.iter().enumerate() {
        let (name, out) = if k < bundled {
            let b = k % 4;
            (format!("pipelines/bundle-{b}.yaml"), &mut bundles[b])
        } else {
            let mut single = Out::new();
            write_pipeline(
                args,
                members,
                p,
                k,
                &format!("pipelines/{}/{}.yaml", p.area, p.id),
                &mut single,
                planted,
                defects_left,
            )?;
            write(
                &args.out.join(format!("pipelines/{}/{}.yaml", p.area, p.id)),
                &single.text,
            )?;
            continue;
        };
        if !out.text.is_empty() {
            out.text.push_str("---\n");
        }
        write_pipeline(args, members, p, k, &name, out, planted, defects_left)?;
    }
    for (b, out) in bundles.iter().enumerate() {
        if !out.text.is_empty() {
            write(
                &args.out.join(format!("pipelines/bundle-{b}.yaml")),
                &out.text,
            )?;
        }
    }
    Ok(())
}

/// Writes one pipeline document; may plant one defect in it.
#[allow(clippy::too_many_arguments)]
fn write_pipeline(
    args: &Args,
    members: &[Member],
    p: &Pipeline,
    k: usize,
    file: &str,
    out: &mut Out,
    planted: &mut Planted,
    defects_left: &mut usize,
) -> Result<(), String> {
    // Spread the defects over the corpus: every 7th pipeline until none are left.
    let defect = if *defects_left > 0 && k % 7 == 3 {
        *defects_left -= 1;
        // Runbook defects need a runbook: only investor pipelines have one.
        match k / 7 % 5 {
            4 if p.audience != "investors" => Some(3),
            kind => Some(kind),
        }
    } else {
        None
    };
    let primary = &members[p.primary].id;
    let mut secondary = members[p.secondary].id.clone();
    let _ = writeln!(out.text, "apiVersion: steward/v1\nkind: Pipeline\nid: {}\nname: {} {}\narea: {}\naudience: {}\nowners:\n  primary: {primary}", p.id, p.area, k, p.area, p.audience);
    match defect {
        Some(0) => {
            planted.add(file, out.line(), "distinct-owners");
            secondary = primary.clone();
        }
        Some(1) => {
            planted.add(file, out.line(), "unknown-reference");
            secondary = format!("nobody-{k}");
        }
        _ => {}
    }
    let _ = writeln!(out.text, "  secondary: {secondary}");
    if defect == Some(2) {
        planted.add(file, out.line(), "schema");
        let _ = writeln!(out.text, "tier: gold");
    }
    if defect == Some(3) {
        let _ = writeln!(out.text, "sla:");
        planted.add(file, out.line(), "sla-order");
        let _ = writeln!(
            out.text,
            "  warn_after: 48h\n  alarm_after: 24h\n  resolve_within: 1w"
        );
    } else {
        let _ = writeln!(
            out.text,
            "sla: {{ warn_after: 24h, alarm_after: 48h, resolve_within: 1w }}"
        );
    }
    if p.audience == "investors" {
        let depth = file.matches('/').count();
        let runbook = format!("{}runbooks/{}.md", "../".repeat(depth), p.id);
        if defect == Some(4) {
            planted.add(file, out.line(), "runbook-sections");
            write(
                &args.out.join(format!("runbooks/{}.md", p.id)),
                &RUNBOOK.replace("## Metrics Monitored", "## Dashboards"),
            )?;
        } else {
            write(&args.out.join(format!("runbooks/{}.md", p.id)), RUNBOOK)?;
        }
        let _ = writeln!(out.text, "runbook: {runbook}");
        let _ = writeln!(
            out.text,
            "escalation: {{ after: 30m, major_incident: {} }}",
            members[p.lead].id
        );
    }
    Ok(())
}

fn write_rotations(
    args: &Args,
    members: &[Member],
    rotations: &[RotationPlan],
    pipelines: &[Pipeline],
    company: &Calendar,
) -> Result<(), String> {
    let june_day = match company.holidays.first().map(|h| h.rule) {
        Some(HolidayRule::Yearly { day, .. }) => day,
        _ => 12,
    };
    let text = format!("apiVersion: steward/v1\nkind: Holidays\nid: company\nholidays:\n  - {{ name: Company day, date: 06-{june_day:02} }}\n  - {{ name: Christmas, date: 12-25 }}\n");
    write(&args.out.join("holidays.yaml"), &text)?;
    // Investor pipelines are spread over the rotations: each is covered once.
    let mut covers: Vec<Vec<&str>> = vec![Vec::new(); rotations.len()];
    for (k, p) in pipelines.iter().enumerate() {
        if p.audience == "investors" || k % 5 == 0 {
            covers[k % rotations.len()].push(&p.id);
        }
    }
    let mut big = Out::new();
    for (r, plan) in rotations.iter().enumerate() {
        let mut out = Out::new();
        let id = |i: usize| members[i].id.as_str();
        let _ = writeln!(out.text, "apiVersion: steward/v1\nkind: Rotation\nid: {}\nname: On-call {r}\ncovers: [{}]\nshift_length: 1w\nstart: {}", plan.id, covers[r].join(", "), plan.start);
        let _ = writeln!(
            out.text,
            "holidays: {{ calendar: {}, min_engineers: 2 }}",
            plan.calendar
        );
        if plan.generated {
            let until = plan.start + Duration::weeks(plan.shifts.len() as i64);
            let roster: Vec<&str> = plan.roster.iter().map(|i| id(*i)).collect();
            let _ = writeln!(out.text, "until: {until}\nroster: [{}]", roster.join(", "));
            if !plan.overrides.is_empty() {
                let _ = writeln!(out.text, "overrides:");
                for (week, person) in &plan.overrides {
                    let date = plan.start + Duration::weeks(*week as i64);
                    let _ = writeln!(
                        out.text,
                        "  - {{ start: {date}, primary: {}, reason: swap }}",
                        id(*person)
                    );
                }
            }
        } else {
            let _ = writeln!(out.text, "shifts:");
            for (week, (p, s)) in plan.shifts.iter().enumerate() {
                let date = plan.start + Duration::weeks(week as i64);
                let _ = writeln!(
                    out.text,
                    "  - {{ start: {date}, primary: {}, secondary: {} }}",
                    id(*p),
                    id(*s)
                );
            }
        }
        // Every tenth rotation goes into one large multi-document file.
        if r % 10 == 9 {
            if !big.text.is_empty() {
                big.text.push_str("---\n");
            }
            big.text.push_str(&out.text);
        } else {
            write(
                &args.out.join(format!("rotations/{}.yaml", plan.id)),
                &out.text,
            )?;
        }
    }
    if !big.text.is_empty() {
        write(&args.out.join("rotations/more.yaml"), &big.text)?;
    }
    Ok(())
}
