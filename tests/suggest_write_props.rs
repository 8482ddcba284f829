//! Property test of `steward suggest --write`: it never loses or changes a
//! shift outside the planned window `[--from, --until)`, and never changes a
//! byte of the other documents in the file.
//!
//! Random rotations (generated or explicit form, shift lengths of days and
//! weeks, overrides with reasons, leave that forces changes, documents before
//! and after the rotation in its file) are planned over a random window,
//! written, loaded again and expanded; every shift outside the window must be
//! there with the same people, and the new shifts must tile the window.

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use steward::check::{self, CheckOptions};
use steward::load::LoadOptions;
use steward::plan::{self, writer};

const NAMES: [&str; 6] = ["ann", "bob", "cem", "dia", "eli", "fay"];

/// (start, primary, secondary) of one expanded shift.
type Row = (NaiveDate, String, Option<String>);

/// (shift index, primary, secondary, reason) of an override.
type OverrideCase = (usize, Option<usize>, Option<usize>, Option<&'static str>);

#[derive(Debug, Clone)]
struct Case {
    people: usize,
    /// Shift length in days (1, 3, 7 or 14).
    days: u64,
    shifts: usize,
    /// Generated form (`roster` + `until`), else explicit `shifts:`.
    generated: bool,
    /// The rotation is one flow mapping (`{apiVersion: …}`).
    flow: bool,
    /// Block mapping: `shifts` and `overrides` are one-line flow lists,
    /// each with a comment after it (about the list, not its items).
    flow_lists: bool,
    /// Every explicit shift (`x-id: sNN`) and override (`x-id: oNN`) has
    /// an `x-` entry of the user's.
    extensions: bool,
    /// Generated form: extra days on `until` past the last full shift (a
    /// partial last shift still starts before it).
    until_slack: u64,
    /// Explicit form: (primary, secondary) per shift.
    explicit: Vec<(usize, Option<usize>)>,
    /// Explicit form: the shifts listed last to first; flow form: the
    /// extension key first, so the schedule entries end the mapping.
    reversed: bool,
    overrides: Vec<OverrideCase>,
    /// Per person: leave as (first shift, shifts).
    leave: Vec<Option<(usize, usize)>>,
    /// First new shift: a shift index (`shifts`: the rotation's end).
    from: usize,
    /// `--until` in days after `--from`'s date.
    until_days: u64,
    /// A document before and after the rotation in its file.
    neighbours: bool,
    /// Line endings of the rotation document, and of the other documents.
    crlf: bool,
    neighbours_crlf: bool,
}

const REASONS: [&str; 4] = [
    "Emily on leave",
    "swap: see #123",
    "covering for a trip, back 2026-02-01",
    "  spaces  around  ",
];

fn case() -> impl Strategy<Value = Case> {
    (
        3usize..=6,
        prop_oneof![Just(1u64), Just(3), Just(7), Just(14)],
        1usize..=30,
        any::<bool>(),
        0u64..=6,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.25),
        prop::bool::weighted(0.25),
        any::<bool>(),
    )
        .prop_flat_map(
            |(
                people,
                days,
                shifts,
                generated,
                until_slack,
                neighbours,
                crlf,
                neighbours_crlf,
                flow,
                flow_lists,
                extensions,
            )| {
                let person = 0..people;
                (
                    Just((
                        people,
                        days,
                        shifts,
                        generated,
                        until_slack,
                        neighbours,
                        crlf,
                        neighbours_crlf,
                        flow,
                        flow_lists,
                        extensions,
                    )),
                    prop::collection::vec(
                        (person.clone(), prop::option::weighted(0.8, 0..people)),
                        shifts,
                    ),
                    prop::collection::vec(
                        (
                            0..shifts + 2,
                            prop::option::of(person.clone()),
                            prop::option::of(person.clone()),
                            prop::option::of(prop::sample::select(REASONS.to_vec())),
                        )
                            .prop_filter("an override names someone", |o| {
                                o.1.is_some() || o.2.is_some()
                            }),
                        0..4,
                    ),
                    prop::collection::vec(
                        prop::option::weighted(0.3, (0..shifts, 1usize..4)),
                        people,
                    ),
                    0..=shifts,
                    1u64..=(days * (shifts as u64 + 6)),
                )
            },
        )
        .prop_map(
            |(
                (
                    people,
                    days,
                    shifts,
                    generated,
                    until_slack,
                    neighbours,
                    crlf,
                    neighbours_crlf,
                    flow,
                    flow_lists,
                    extensions,
                ),
                explicit,
                overrides,
                leave,
                from,
                until_days,
            )| Case {
                people,
                days,
                shifts,
                generated,
                flow,
                flow_lists,
                extensions,
                until_slack: until_slack.min(days - 1),
                explicit: explicit
                    .into_iter()
                    .map(|(p, s)| (p, s.filter(|s| *s != p)))
                    .collect(),
                reversed: until_slack % 2 == 1,
                overrides,
                leave,
                from,
                until_days,
                neighbours,
                crlf,
                neighbours_crlf,
            },
        )
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).expect("date")
}

fn shift_start(c: &Case, i: usize) -> NaiveDate {
    start() + Days::new(c.days * i as u64)
}

fn length(days: u64) -> String {
    if days % 7 == 0 {
        format!("{}w", days / 7)
    } else {
        format!("{days}d")
    }
}

fn team_yaml(c: &Case) -> String {
    let mut out = String::from("apiVersion: steward/v1\nkind: Team\nid: team\nmembers:\n");
    for (q, name) in NAMES.iter().take(c.people).enumerate() {
        out.push_str(&format!("  - id: {name}\n"));
        if let Some(Some((first, n))) = c.leave.get(q) {
            let from = shift_start(c, *first);
            let to = shift_start(c, first + n) - Days::new(1);
            out.push_str(&format!(
                "    unavailable: [{{ from: {from}, to: {to} }}]\n"
            ));
        }
    }
    // Only the rules about the data are of interest here, not their tuning.
    out.push_str("---\napiVersion: steward/v1\nkind: Policy\nid: props\nrules:\n  schedule-horizon: off\n  roster-size: off\n");
    out
}

/// The rotation as one flow mapping: no room for comments.
fn flow_rotation_yaml(c: &Case) -> String {
    let mut fields = vec![
        "apiVersion: steward/v1".to_string(),
        "kind: Rotation".into(),
        "id: r".into(),
        "covers: []".into(),
        format!("shift_length: {}", length(c.days)),
        format!("start: {}", start()),
    ];
    let person = |key: &str, q: &Option<usize>| q.map(|q| format!("{key}: {}", NAMES[q]));
    if c.generated {
        let until = shift_start(c, c.shifts) + Days::new(c.until_slack);
        let roster: Vec<&str> = NAMES.iter().take(c.people).copied().collect();
        fields.push(format!("until: {until}"));
        fields.push(format!("roster: [{}]", roster.join(", ")));
    } else {
        let items: Vec<String> = c
            .explicit
            .iter()
            .enumerate()
            .map(|(i, (p, s))| {
                let mut f = vec![
                    format!("start: {}", shift_start(c, i)),
                    format!("primary: {}", NAMES[*p]),
                ];
                f.extend(person("secondary", s));
                f.extend(shift_extension(c, i));
                format!("{{{}}}", f.join(", "))
            })
            .collect();
        fields.push(format!("shifts: [{}]", items.join(", ")));
    }
    if !c.overrides.is_empty() {
        let items: Vec<String> = c
            .overrides
            .iter()
            .enumerate()
            .map(|(j, (i, p, s, reason))| {
                let mut f = vec![format!("start: {}", shift_start(c, *i))];
                f.extend(person("primary", p));
                f.extend(person("secondary", s));
                if let Some(r) = reason {
                    f.push(format!("reason: \"{r}\""));
                }
                f.extend(override_extension(c, j));
                format!("{{{}}}", f.join(", "))
            })
            .collect();
        fields.push(format!("overrides: [{}]", items.join(", ")));
    }
    // The schedule entries last in the mapping, or not.
    if c.reversed {
        fields.insert(0, "x-note: kept".into());
    } else {
        fields.push("x-note: kept".into());
    }
    format!("# The rotation under test.\n{{{}}}\n", fields.join(", "))
}

/// `start`, `primary`, `secondary` and the `x-` entry of explicit shift `i`.
fn shift_fields(c: &Case, i: usize, p: usize, s: Option<usize>) -> Vec<String> {
    let mut f = vec![
        format!("start: {}", shift_start(c, i)),
        format!("primary: {}", NAMES[p]),
    ];
    f.extend(s.map(|s| format!("secondary: {}", NAMES[s])));
    f.extend(shift_extension(c, i));
    f
}

fn shift_extension(c: &Case, i: usize) -> Option<String> {
    c.extensions.then(|| format!("x-id: s{i:02}"))
}

fn override_extension(c: &Case, j: usize) -> Option<String> {
    c.extensions.then(|| format!("x-id: o{j:02}"))
}

fn rotation_yaml(c: &Case) -> String {
    if c.flow {
        return flow_rotation_yaml(c);
    }
    let mut out = format!(
        "# The rotation under test.\napiVersion: steward/v1\nkind: Rotation\nid: r\ncovers: []\nshift_length: {}   # as agreed\nstart: {}\n",
        length(c.days),
        start()
    );
    if c.generated {
        let until = shift_start(c, c.shifts) + Days::new(c.until_slack);
        let roster: Vec<&str> = NAMES.iter().take(c.people).copied().collect();
        out.push_str(&format!(
            "until: {until}   # exclusive\nroster: [{}]\n",
            roster.join(", ")
        ));
    } else if c.flow_lists {
        let items: Vec<String> = c
            .explicit
            .iter()
            .enumerate()
            .map(|(i, (p, s))| format!("{{{}}}", shift_fields(c, i, *p, *s).join(", ")))
            .collect();
        out.push_str(&format!("shifts: [{}]  # {LIST_NOTE}\n", items.join(", ")));
    } else {
        out.push_str("shifts:\n");
        let mut order: Vec<(usize, &(usize, Option<usize>))> =
            c.explicit.iter().enumerate().collect();
        if c.reversed {
            order.reverse();
        }
        for (i, (p, s)) in order {
            out.push_str(&format!(
                "  - {{ {} }}\n",
                shift_fields(c, i, *p, *s).join(", ")
            ));
        }
    }
    if !c.overrides.is_empty() {
        out.push_str(if c.flow_lists {
            "overrides: ["
        } else {
            "overrides:\n"
        });
        for (n, (i, p, s, reason)) in c.overrides.iter().enumerate() {
            let mut fields = vec![format!("start: {}", shift_start(c, *i))];
            if let Some(p) = p {
                fields.push(format!("primary: {}", NAMES[*p]));
            }
            if let Some(s) = s {
                fields.push(format!("secondary: {}", NAMES[*s]));
            }
            if let Some(r) = reason {
                fields.push(format!("reason: \"{r}\""));
            }
            fields.extend(override_extension(c, n));
            if !c.flow_lists {
                out.push_str(&format!("  - {{ {} }}\n", fields.join(", ")));
            } else if n + 1 < c.overrides.len() {
                out.push_str(&format!("{{ {} }}, ", fields.join(", ")));
            } else {
                out.push_str(&format!(
                    "{{ {} }}]  # {OVERRIDES_NOTE}\n",
                    fields.join(", ")
                ));
            }
        }
    }
    out.push_str("x-note: kept   # extension keys stay\n");
    out
}

/// The comments after one-line flow `shifts` and `overrides` lists.
const LIST_NOTE: &str = "reviewed by ops";
const OVERRIDES_NOTE: &str = "swaps agreed";

const BEFORE: &str =
    "# Holidays first.\napiVersion: steward/v1\nkind: Holidays\nid: company\nholidays: [{ name: Day, date: 03-01 }]\n";
const AFTER: &str = "# Another rotation after.\n{apiVersion: steward/v1, kind: Rotation, id: other, covers: [], shift_length: 1w, start: 2026-01-05, until: 2026-02-02, roster: [zed, yan]}\n";

/// The rotation document between the other two documents (if
/// `neighbours`), each with its own line endings.
fn file_text(c: &Case) -> String {
    let crlf = |text: &str, yes: bool| {
        if yes {
            text.replace('\n', "\r\n")
        } else {
            text.to_string()
        }
    };
    let rotation = crlf(&rotation_yaml(c), c.crlf);
    if c.neighbours {
        format!("{}{rotation}{}", head(c), tail(c))
    } else {
        rotation
    }
}

fn head(c: &Case) -> String {
    let text = format!("{BEFORE}---\n");
    if c.neighbours_crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

fn tail(c: &Case) -> String {
    let text = format!("---\n{AFTER}");
    if c.neighbours_crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

fn options(dir: &Path) -> CheckOptions {
    CheckOptions {
        paths: vec![dir.to_path_buf()],
        policy: None,
        today: start() - Days::new(1),
        load: LoadOptions::default(),
    }
}

/// The expanded shifts of rotation `r`, as loaded from `dir`.
fn expand(dir: &Path) -> Vec<Row> {
    let loaded = match check::load(&options(dir)) {
        Ok(l) => l,
        Err(e) => panic!("load: {e:?}"),
    };
    let rs = loaded
        .schedule
        .rotations
        .iter()
        .find(|r| r.id == "r")
        .expect("rotation r loads");
    rs.shifts
        .iter()
        .map(|s| {
            (
                s.start,
                s.primary.person.to_string(),
                s.secondary.as_ref().map(|a| a.person.to_string()),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("SUGGEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn write_never_loses_a_shift_outside_the_window(c in case()) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("team.yaml"), team_yaml(&c)).expect("team");
        let path: PathBuf = dir.path().join("rot.yaml");
        let text = file_text(&c);
        std::fs::write(&path, &text).expect("rotation");
        let before = expand(dir.path());
        let end = start() + Days::new(c.days * before.len() as u64);
        let from = before.get(c.from).map_or(end, |r| r.0);
        let until = from + Days::new(c.until_days);

        let suggestion = plan::suggest(&plan::Options {
            rotation: "r".into(),
            check: options(dir.path()),
            from: Some(from),
            until: Some(until),
            seed: 0,
            steps: Some(3_000),
        });
        let suggestion = match suggestion {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("refused: {e}\n{text}"))),
        };
        writer::write_atomically(&suggestion.path, &suggestion.original, &suggestion.edited.text)
            .map_err(TestCaseError::fail)?;
        let written = std::fs::read_to_string(&path).expect("read back");
        let after = expand(dir.path());

        // Every shift outside [from, until) is there, with the same people.
        let outside = |rows: &[Row]| -> Vec<Row> {
            rows.iter().filter(|r| r.0 < from || r.0 >= until).cloned().collect()
        };
        prop_assert_eq!(outside(&before), outside(&after), "\n{}\n---\n{}", text, written);
        // The new shifts tile the window, one every shift length.
        let inside: Vec<NaiveDate> =
            after.iter().map(|r| r.0).filter(|d| *d >= from && *d < until).collect();
        let expected: Vec<NaiveDate> = (0..)
            .map(|k| from + Days::new(c.days * k))
            .take_while(|d| *d < until)
            .collect();
        prop_assert_eq!(inside, expected);
        // An override's reason stays, as a comment, on a shift outside the
        // window whose people it names.
        for (i, p, s, reason) in c.overrides.iter().filter(|_| !c.flow) {
            let (Some(reason), Some(row)) = (reason, before.get(*i)) else { continue };
            if row.0 >= from && row.0 < until {
                continue;
            }
            let names = |q: &Option<usize>| q.map(|q| NAMES[q].to_string());
            let holds = names(p).is_none_or(|p| p == row.1)
                && names(s).is_none_or(|s| Some(s) == row.2);
            let line = written
                .lines()
                .find(|l| l.contains(&format!("{{ start: {},", row.0)))
                .unwrap_or_default();
            prop_assert!(
                !holds || line.contains(reason.trim()),
                "reason `{}` is not on `{}`:\n{}",
                reason,
                line,
                written
            );
        }
        // The comment after a one-line flow list is about the list: it stays
        // on `shifts:` (once), or goes with `overrides`, and is said to.
        if c.flow_lists && !c.flow {
            let on_key_line = written
                .lines()
                .filter(|l| l.starts_with("shifts:") && l.ends_with(&format!("  # {LIST_NOTE}")))
                .count();
            let expected = usize::from(!c.generated);
            prop_assert_eq!(written.matches(LIST_NOTE).count(), expected, "{}", written);
            prop_assert_eq!(on_key_line, expected, "{}", written);
            prop_assert!(!written.contains(OVERRIDES_NOTE), "{}", written);
            prop_assert_eq!(
                suggestion.explanation.contains(&format!("  - `overrides`: {OVERRIDES_NOTE}\n")),
                !c.overrides.is_empty(),
                "{}",
                suggestion.explanation
            );
        }
        // Every `x-` entry of a shift or an override is written once, on
        // the shift it was about, or listed as dropped: never lost.
        if c.extensions {
            let shifts = if c.generated { 0 } else { c.explicit.len() };
            let ids = (0..shifts)
                .map(|i| format!("x-id: s{i:02}"))
                .chain((0..c.overrides.len()).map(|j| format!("x-id: o{j:02}")));
            for id in ids {
                let found = written.matches(&id).count()
                    + suggestion.explanation.matches(&id).count();
                prop_assert_eq!(found, 1, "`{}`:\n{}\n---\n{}\n---\n{}", id, text, written, suggestion.explanation);
            }
        }
        // The other documents keep every byte; the rotation keeps its line
        // endings, whatever the other documents use.
        let mut rotation = written.as_str();
        if c.neighbours {
            let (head, tail) = (head(&c), tail(&c));
            prop_assert!(written.starts_with(&head), "{}", written);
            prop_assert!(written.ends_with(&tail), "{}", written);
            rotation = &written[head.len()..written.len() - tail.len()];
        }
        if c.crlf {
            prop_assert!(!rotation.replace("\r\n", "").contains('\n'), "{:?}", rotation);
        } else {
            prop_assert!(!rotation.contains('\r'), "{:?}", rotation);
        }
        // Inside the rotation, only the schedule entries change.
        let original = rotation_yaml(&c);
        let newline = if c.crlf { "\r\n" } else { "\n" };
        let keep_head = &original[..original.find(if c.generated { "until:" } else { "shifts:" }).unwrap_or(0)];
        let keep_tail = match (c.flow, c.reversed) {
            (true, true) => "]}\n",
            (true, false) => ", x-note: kept}\n",
            (false, _) => "x-note: kept   # extension keys stay\n",
        };
        prop_assert!(rotation.starts_with(&keep_head.replace('\n', newline)), "{:?}", rotation);
        prop_assert!(rotation.ends_with(&keep_tail.replace('\n', newline)), "{:?}", rotation);
    }
}
