//! Structure-aware: random teams, leave, holiday calendars and rotations
//! (generated and explicit, with overrides) rendered as YAML and checked. The
//! schedule engine and the rotation rules must never panic or run unbounded.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{Duration, NaiveDate};
use libfuzzer_sys::fuzz_target;
use steward::check::{check_workspace, CheckOptions};
use steward::load::{load_sources, LoadOptions};

#[derive(Arbitrary, Debug)]
struct Plan {
    people: u8,
    leave: Vec<(u8, u16, u8)>,
    calendar: u8,
    holidays: Vec<(u8, u8, i8, bool)>,
    rotations: Vec<Rot>,
}

#[derive(Arbitrary, Debug)]
struct Rot {
    explicit: bool,
    shift_days: u8,
    start: u16,
    shifts: u16,
    roster: Vec<u8>,
    listed: Vec<(u16, u8, Option<u8>)>,
    overrides: Vec<(u16, Option<u8>, Option<u8>)>,
    min_engineers: Option<u8>,
    /// Time of day (§9): zone, handoff minute, meeting minutes, length unit,
    /// and date-time starts.
    zone: u8,
    handoff: Option<u16>,
    meeting: Option<u16>,
    unit: u8,
    timed_starts: bool,
}

/// Zones with daylight saving, 30- and 45-minute offsets, a midnight
/// transition, a skipped day, and a name that is no zone.
const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Santiago",
    "Pacific/Apia",
    "UTC",
    "Mars/Olympus",
];

fn date(offset: u16) -> NaiveDate {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    base + Duration::days(i64::from(offset))
}

fn render(plan: &Plan) -> String {
    let people = (plan.people % 13).max(1);
    let person = |i: u8| format!("p{}", i % people);
    let mut y = String::from("apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n");
    for i in 0..people {
        y.push_str(&format!("  - id: p{i}\n    name: P{i}\n"));
        let leave: Vec<_> = plan
            .leave
            .iter()
            .filter(|l| l.0 % people == i)
            .take(4)
            .collect();
        if !leave.is_empty() {
            y.push_str("    unavailable:\n");
            for (_, from, len) in leave {
                y.push_str(&format!(
                    "      - {{ from: {}, to: {} }}\n",
                    date(*from),
                    date(from.saturating_add(u16::from(*len)))
                ));
            }
        }
    }
    y.push_str("---\napiVersion: steward/v1\nkind: Holidays\nid: custom\nholidays:\n");
    for (month, day, nth, yearly) in plan.holidays.iter().take(8) {
        if *yearly {
            y.push_str(&format!(
                "  - {{ name: H{month}{day}, date: {:02}-{:02} }}\n",
                month % 13,
                day % 32
            ));
        } else {
            let weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][usize::from(*day % 7)];
            y.push_str(&format!(
                "  - {{ name: N{month}{day}, month: {}, weekday: {weekday}, nth: {} }}\n",
                month % 13,
                nth % 6
            ));
        }
    }
    let calendar = ["us-federal", "us-major", "custom"][usize::from(plan.calendar % 3)];
    for (r, rot) in plan.rotations.iter().take(3).enumerate() {
        let days = u16::from(rot.shift_days % 30);
        let unit = ["d", "d", "h", "mo", "w", "m"][usize::from(rot.unit % 6)];
        y.push_str(&format!(
            "---\napiVersion: steward/v1\nkind: Rotation\nid: r{r}\ncovers: []\nshift_length: {days}{unit}\nstart: {}\n",
            date(rot.start)
        ));
        if let Some(zone) = ZONES.get(usize::from(rot.zone)) {
            y.push_str(&format!("time_zone: {zone}\n"));
        }
        let handoff = rot.handoff.map(|m| (m % 1440) / 60 * 100 + m % 60);
        if let Some(hhmm) = handoff {
            y.push_str(&format!(
                "handoff_time: \"{:02}:{:02}\"\n",
                hhmm / 100,
                hhmm % 100
            ));
        }
        if let Some(m) = rot.meeting {
            y.push_str(&format!("handoff_meeting: {}m\n", m % 3000));
        }
        // A start at 02:30, near or inside daylight-saving changes.
        let at = if rot.timed_starts { "T02:30" } else { "" };
        y.push_str(&format!("holidays: {{ calendar: {calendar}"));
        if let Some(m) = rot.min_engineers {
            y.push_str(&format!(", min_engineers: {}", m % 4));
        }
        y.push_str(" }\n");
        if rot.explicit {
            y.push_str("shifts:\n");
            for (offset, p, s) in rot.listed.iter().take(200) {
                y.push_str(&format!(
                    "  - {{ start: {}{at}, primary: {}",
                    date(rot.start.saturating_add(*offset)),
                    person(*p)
                ));
                if let Some(s) = s {
                    y.push_str(&format!(", secondary: {}", person(*s)));
                }
                y.push_str(" }\n");
            }
        } else {
            let roster: Vec<String> = rot.roster.iter().take(20).map(|p| person(*p)).collect();
            let until = rot
                .start
                .saturating_add(rot.shifts.saturating_mul(days.max(1)));
            y.push_str(&format!(
                "until: {}\nroster: [{}]\n",
                date(until),
                roster.join(", ")
            ));
        }
        if !rot.overrides.is_empty() {
            y.push_str("overrides:\n");
            for (offset, p, s) in rot.overrides.iter().take(50) {
                y.push_str(&format!(
                    "  - {{ start: {}{at}",
                    date(rot.start.saturating_add(*offset))
                ));
                if let Some(p) = p {
                    y.push_str(&format!(", primary: {}", person(*p)));
                }
                if let Some(s) = s {
                    y.push_str(&format!(", secondary: {}", person(*s)));
                }
                y.push_str(" }\n");
            }
        }
    }
    y
}

fuzz_target!(|plan: Plan| {
    let root = std::env::temp_dir().join("steward-fuzz-root");
    let _ = std::fs::create_dir_all(&root);
    let options = CheckOptions {
        paths: Vec::new(),
        policy: None,
        today: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
        load: LoadOptions::default(),
    };
    let files = vec![(root.join("plan.yaml"), render(&plan).into_bytes())];
    let workspace = load_sources(files, root, &options.load);
    let _ = check_workspace(workspace, &options);
});
