//! Property tests of the schedule engine: expansion tiles the window, a plain
//! round-robin is balanced, overrides never add or drop shifts, and no input
//! makes the engine or a rotation rule panic.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use steward::model::{
    Duration, Entry, Leave, Member, Model, Override, Pipeline, Rotation, RotationHolidays,
    ShiftLength, ShiftSpec, Team,
};
use steward::rules::{self, Context, Params};
use steward::schedule::{self, Schedule, MAX_SHIFTS};
use steward::schema::SchemaReport;
use steward::workspace::Workspace;

const PEOPLE: [&str; 8] = [
    "john", "emily", "michael", "david", "priya", "sam", "alex", "kim",
];

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date")
}

fn day(offset: u64) -> NaiveDate {
    base() + Days::new(offset)
}

fn generated(n: usize, days: u64, start: u64, span: u64) -> Rotation {
    Rotation {
        id: "r".into(),
        name: None,
        covers: Vec::new(),
        shift_length: ShiftLength::Duration(
            Duration::from_minutes(days * 24 * 60).expect("minutes"),
        ),
        start: day(start),
        until: Some(day(start + span)),
        roster: Some(PEOPLE[..n].iter().map(|s| s.to_string()).collect()),
        shifts: None,
        holidays: None,
        overrides: Vec::new(),
        time_zone: None,
        handoff_time: None,
        handoff_meeting: None,
        coverage: None,
    }
}

/// A coverage window as YAML would hold it: any weekdays, month days from
/// either end, hours that wrap or end at 24:00 (equal ones included: a
/// `schema` finding, not a panic), and sometimes a time zone.
fn window() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(proptest::sample::subsequence(
            vec!["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            0..=7,
        )),
        proptest::option::of(proptest::collection::vec(-33i32..33, 0..10)),
        proptest::option::of((0u32..24, 0u32..=24)),
        proptest::option::of(prop_oneof![
            Just("Europe/Berlin"),
            Just("Pacific/Apia"),
            Just("Nowhere")
        ]),
    )
        .prop_map(|(weekdays, month_days, hours, zone)| {
            let mut w = Map::new();
            if let Some(days) = weekdays {
                w.insert("weekdays".into(), json!(days));
            }
            if let Some(days) = month_days {
                w.insert("month_days".into(), json!(days));
            }
            if let Some((s, e)) = hours {
                w.insert("hours".into(), json!(format!("{s:02}:00-{e:02}:00")));
            }
            if let Some(zone) = zone {
                w.insert("time_zone".into(), json!(zone));
            }
            Value::Object(w)
        })
}

fn model_of(rotations: Vec<Rotation>, teams: Vec<Team>) -> Model {
    let mut model = Model::default();
    for (doc, item) in rotations.into_iter().enumerate() {
        model.rotations.push(Entry { doc, item });
    }
    for (t, team) in teams.into_iter().enumerate() {
        for (m, member) in team.members.iter().enumerate() {
            model
                .members
                .entry(member.id.clone())
                .or_insert(steward::model::MemberRef { team: t, member: m });
        }
        model.teams.push(Entry {
            doc: 100 + t,
            item: team,
        });
    }
    model
}

/// Everyone in [`PEOPLE`] in one team, with `leave` as (person, first day
/// offset, length in days).
fn team_with_leave(leave: &[(usize, u64, u64)]) -> Team {
    let members = PEOPLE
        .iter()
        .map(|id| Member {
            id: id.to_string(),
            name: id.to_string(),
            email: None,
            areas: None,
            roles: Vec::new(),
            unavailable: leave
                .iter()
                .filter(|(p, ..)| PEOPLE[*p] == *id)
                .map(|(_, from, len)| Leave {
                    from: day(*from),
                    to: day(from + len),
                    reason: None,
                })
                .collect(),
        })
        .collect();
    Team {
        id: "t".into(),
        name: None,
        lead: None,
        areas: None,
        also: Vec::new(),
        members,
    }
}

/// A builtin rule's diagnostics on a model (no workspace: rules only read
/// the model and the schedule, and point at documents by id).
fn diagnostics(rule: &str, model: &Model, params: Value) -> Vec<steward::finding::Diagnostic> {
    let rule = rules::find(rule).expect("registered rule");
    let schedule = schedule::build(model);
    let workspace = Workspace::default();
    let schema = SchemaReport::default();
    let runbooks = steward::runbook::RunbookIndex::default();
    let ctx = Context {
        workspace: &workspace,
        schema: &schema,
        model,
        schedule: &schedule,
        runbooks: &runbooks,
        today: base(),
        base: None,
    };
    let map: Map<String, Value> = params.as_object().cloned().unwrap_or_default();
    let mut out = Vec::new();
    (rule.check)(&ctx, &Params::new(&map), &mut out);
    out
}

/// A builtin rule's messages on a model.
fn run(rule: &str, model: &Model, params: Value) -> Vec<String> {
    diagnostics(rule, model, params)
        .into_iter()
        .map(|d| d.message)
        .collect()
}

/// A builtin rule's findings as (rule, location, subject): what a verdict
/// is, whatever the wording.
fn verdict(rule: &str, model: &Model, params: Value) -> Vec<String> {
    let mut verdict: Vec<String> = diagnostics(rule, model, params)
        .into_iter()
        .map(|d| format!("{rule} {:?} {:?}", d.location, d.subject))
        .collect();
    verdict.sort();
    verdict
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A window that holds every instant but is not `always` (every month
    /// day written out) sends every rule down its duty path: the verdicts
    /// must be those without a window (§10: no window, no change).
    #[test]
    fn a_window_holding_everything_changes_no_verdict(
        explicit in any::<bool>(),
        n in 1usize..=6,
        days in 1u64..=14,
        span in 1u64..400,
        shifts in proptest::collection::vec((0u64..400, 0usize..8, proptest::option::of(0usize..8)), 1..20),
        overrides in proptest::collection::vec((0u64..420, 0usize..8, proptest::option::of(0usize..8)), 0..6),
        leave in proptest::collection::vec((0usize..8, 0u64..420, 0u64..30), 0..8),
        calendar in proptest::option::of(prop_oneof![Just("us-federal"), Just("us-major")]),
    ) {
        let mut rotation = generated(n, days, 0, span);
        if explicit {
            rotation.until = None;
            rotation.roster = None;
            let mut list: Vec<ShiftSpec> = shifts
                .iter()
                .map(|(o, p, s)| ShiftSpec {
                    start: day(*o).into(),
                    primary: PEOPLE[*p].into(),
                    secondary: s.map(|s| PEOPLE[s].into()),
                })
                .collect();
            list.sort_by_key(|s| s.start.date);
            list.dedup_by_key(|s| s.start.date);
            rotation.shifts = Some(list);
        }
        rotation.overrides = overrides
            .iter()
            .map(|(o, p, s)| Override {
                start: day(*o).into(),
                primary: Some(PEOPLE[*p].to_string()),
                secondary: s.map(|s| PEOPLE[s].to_string()),
                reason: None,
            })
            .collect();
        rotation.holidays = calendar.map(|c| RotationHolidays {
            calendar: c.to_string(),
            min_engineers: Some(2),
        });
        let team = team_with_leave(&leave);
        let mut other = generated(4, 7, 0, 400);
        other.id = "other".into();
        let mut windowed = rotation.clone();
        windowed.coverage = Some(
            serde_json::from_value(json!({ "month_days": (1..=31).collect::<Vec<i32>>() }))
                .expect("a window"),
        );
        prop_assert!(windowed.has_window());
        let plain = model_of(vec![rotation, other.clone()], vec![team.clone()]);
        let with = model_of(vec![windowed, other], vec![team]);
        let params = json!({ "max_spread": 1, "min_engineers": 2, "min_weeks": 13, "min_members": 4 });
        for rule in [
            "on-call-coverage", "coverage-gap", "distinct-on-call", "back-to-back",
            "double-booked", "unavailable-on-call", "balanced-load", "holiday-coverage",
            "holiday-fairness", "roster-size", "schedule-horizon",
        ] {
            prop_assert_eq!(
                verdict(rule, &plain, params.clone()),
                verdict(rule, &with, params.clone()),
                "{}", rule
            );
        }
    }

    #[test]
    fn generated_expansion_tiles_the_window(
        n in 1usize..=8,
        days in 1u64..=28,
        start in 0u64..400,
        span in 1u64..1500,
    ) {
        let model = model_of(vec![generated(n, days, start, span)], Vec::new());
        let schedule = schedule::build(&model);
        let rs = &schedule.rotations[0];
        let until = day(start + span);
        prop_assert_eq!(rs.shifts.len() as u64, span.div_ceil(days));
        prop_assert_eq!(rs.shifts[0].start, day(start));
        for pair in rs.shifts.windows(2) {
            prop_assert_eq!(pair[0].end, pair[1].start, "no gap, no overlap");
        }
        for (i, shift) in rs.shifts.iter().enumerate() {
            prop_assert_eq!((shift.end - shift.start).num_days() as u64, days);
            prop_assert!(shift.start < until, "every shift starts before `until`");
            prop_assert_eq!(&shift.primary.person, PEOPLE[i % n]);
            match &shift.secondary {
                Some(s) => prop_assert_eq!(&s.person, PEOPLE[(i + 1) % n]),
                None => prop_assert_eq!(n, 1),
            }
        }
        prop_assert!(rs.shifts.last().map(|s| s.end >= until).unwrap_or(false));
        let gaps = run("coverage-gap", &model, Value::Null);
        prop_assert!(gaps.is_empty(), "{:?}", gaps);
    }

    #[test]
    fn a_round_robin_is_balanced(
        n in 1usize..=8,
        days in 1u64..=14,
        start in 0u64..400,
        span in 1u64..1500,
    ) {
        let model = model_of(vec![generated(n, days, start, span)], Vec::new());
        let found = run("balanced-load", &model, json!({ "max_spread": 1 }));
        prop_assert!(found.is_empty(), "{:?}", found);
        let schedule = schedule::build(&model);
        let rs = &schedule.rotations[0];
        // Zero only while someone has had no shift yet (fewer shifts than people).
        prop_assert!((0.0..=1.0).contains(&rs.load.balance));
        if rs.shifts.len() >= n {
            prop_assert!(rs.load.balance > 0.0, "{}", rs.load.balance);
        }
    }

    #[test]
    fn overrides_never_change_the_shift_count(
        n in 1usize..=8,
        days in 1u64..=14,
        span in 1u64..400,
        overrides in proptest::collection::vec((0u64..420, 0usize..8, proptest::option::of(0usize..8)), 0..20),
    ) {
        let plain = generated(n, days, 0, span);
        let mut with = plain.clone();
        with.overrides = overrides
            .iter()
            .map(|(offset, p, s)| Override {
                start: day(*offset).into(),
                primary: Some(PEOPLE[*p].to_string()),
                secondary: s.map(|s| PEOPLE[s].to_string()),
                reason: None,
            })
            .collect();
        let before = schedule::build(&model_of(vec![plain], Vec::new()));
        let after = schedule::build(&model_of(vec![with.clone()], Vec::new()));
        let (a, b) = (&before.rotations[0], &after.rotations[0]);
        prop_assert_eq!(a.shifts.len(), b.shifts.len());
        for (x, y) in a.shifts.iter().zip(&b.shifts) {
            prop_assert_eq!((x.start, x.end), (y.start, y.end));
        }
        // An override matches exactly when it starts on a shift's first day.
        for (j, o) in with.overrides.iter().enumerate() {
            let starts_a_shift = a.shifts.iter().any(|s| s.start == o.start.date);
            prop_assert_eq!(!starts_a_shift, b.unmatched_overrides.contains(&j));
        }
    }

    /// Arbitrary rotations, explicit or generated, with leave and holidays:
    /// the engine and every rule finish without panicking.
    #[test]
    fn no_rotation_makes_a_rule_panic(
        explicit in any::<bool>(),
        minutes in prop_oneof![
            8 => (1u64..=30).prop_map(|d| d * 24 * 60),
            1 => (1u64..=9999 * 7).prop_map(|d| d * 24 * 60),
            1 => 1u64..100_000,
        ],
        start in 0u64..3000,
        span in 0u64..5000,
        shifts in proptest::collection::vec((0u64..3000, 0usize..8, proptest::option::of(0usize..8)), 1..30),
        overrides in proptest::collection::vec((0u64..3000, proptest::option::of(0usize..8), proptest::option::of(0usize..8)), 0..6),
        leave in proptest::collection::vec((0usize..8, 0u64..3000, 0u64..60), 0..8),
        calendar in proptest::option::of(prop_oneof![Just("us-federal"), Just("us-major"), Just("nope")]),
        min in proptest::option::of(1u32..4),
        months in proptest::option::of(1u64..=24),
        zone in proptest::option::of(prop_oneof![
            Just("Europe/Berlin"), Just("America/New_York"), Just("Australia/Lord_Howe"),
            Just("Asia/Kathmandu"), Just("Pacific/Apia"), Just("Nowhere/Atlantis"),
        ]),
        handoff in proptest::option::of(0u32..1440),
        meeting in proptest::option::of(1u64..3000),
        timed_starts in any::<bool>(),
        coverage in proptest::option::of(window()),
        on_call in proptest::option::of(prop_oneof![
            Just(json!("none")),
            Just(json!("always")),
            window().prop_map(|w| json!(w)),
        ]),
        report_due in proptest::option::of(prop_oneof![Just("end-of-week"), Just("end-of-month"), Just("end-of-quarter")]),
    ) {
        let n = 1 + shifts.len() % 8;
        let mut rotation = generated(n, 1, start, span);
        rotation.shift_length = match months {
            Some(m) => ShiftLength::Months(m),
            None => ShiftLength::Duration(Duration::from_minutes(minutes).expect("minutes")),
        };
        rotation.time_zone = zone.map(str::to_string);
        rotation.handoff_time = handoff.and_then(|m| chrono::NaiveTime::from_hms_opt(m / 60, m % 60, 0));
        rotation.handoff_meeting = meeting.and_then(Duration::from_minutes);
        rotation.coverage = coverage.and_then(|mut w| {
            if let Some(map) = w.as_object_mut() {
                map.remove("time_zone");
            }
            serde_json::from_value(w).ok()
        });
        rotation.covers = vec!["p".into()];
        // A date-time start at 02:30, inside or near daylight-saving changes.
        let local = |date: NaiveDate| steward::model::LocalStart {
            date,
            time: timed_starts.then(|| chrono::NaiveTime::from_hms_opt(2, 30, 0)).flatten(),
        };
        if explicit {
            rotation.until = None;
            rotation.roster = None;
            rotation.shifts = Some(
                shifts
                    .iter()
                    .map(|(o, p, s)| ShiftSpec {
                        start: local(day(*o)),
                        primary: PEOPLE[*p].into(),
                        secondary: s.map(|s| PEOPLE[s].into()),
                    })
                    .collect(),
            );
        }
        rotation.overrides = overrides
            .iter()
            .map(|(o, p, s)| Override {
                start: local(day(*o)),
                primary: p.map(|p| PEOPLE[p].to_string()),
                secondary: s.map(|s| PEOPLE[s].to_string()),
                reason: None,
            })
            .collect();
        rotation.holidays = calendar.map(|c| RotationHolidays {
            calendar: c.to_string(),
            min_engineers: min,
        });
        let team = team_with_leave(&leave);
        let mut other = generated(4, 7, 0, 800);
        other.id = "other".into();
        let mut model = model_of(vec![rotation, other], vec![team]);
        // A pipeline the rotation covers, needing on-call by a window and
        // due at a deadline: the window rules run too.
        let mut pipeline = json!({
            "id": "p", "name": "P", "area": "a", "audience": "investors",
            "owners": { "primary": "john", "secondary": "emily" },
            "sla": { "report_due": report_due },
        });
        if let Some(on_call) = on_call {
            pipeline["on_call"] = on_call;
        }
        let pipeline: Pipeline = serde_json::from_value(pipeline).expect("a pipeline");
        model.pipelines.push(Entry { doc: 50, item: Box::new(pipeline) });
        let schedule: Schedule = schedule::build(&model);
        prop_assert!(schedule.rotations.iter().all(|r| r.shifts.len() <= MAX_SHIFTS));
        let defaults = json!({ "max_spread": 1, "min_engineers": 2, "min_weeks": 13, "min_members": 4 });
        for rule in rules::RULES {
            let _ = run(rule.id, &model, defaults.clone());
        }
    }
}
