//! `steward schedule --format html`, through the real binary: the page parses
//! as HTML without a single parse error, escapes hostile names, marks the
//! findings of the check on their days, honours `--from/--to`, stays within
//! its limits, and is byte-for-byte the same on every run. The browser test
//! (`tests/browser/schedule_page.mjs`, run by `.ci/run`) checks what people see.

mod common;

use std::path::Path;

use html5ever::tree_builder::QuirksMode;
use scraper::{CaseSensitivity, ElementRef, Html, Selector};

/// `steward schedule PATH --today 2026-11-23 --format html ARGS…` from `cwd`.
fn page_in(cwd: &Path, path: &str, args: &[&str]) -> String {
    page_on(cwd, path, "2026-11-23", args)
}

/// `steward schedule PATH --today TODAY --format html ARGS…` from `cwd`.
fn page_on(cwd: &Path, path: &str, today: &str, args: &[&str]) -> String {
    let mut all = vec!["schedule", path, "--today", today, "--format", "html"];
    all.extend_from_slice(args);
    let output = common::steward(cwd, &all);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    common::stdout(&output)
}

fn page(path: &str, args: &[&str]) -> String {
    page_in(&common::repo(), path, args)
}

/// Parses the page as a browser would (html5ever) and fails on any parse error.
fn parse(text: &str) -> Html {
    let html = Html::parse_document(text);
    assert_eq!(
        html.errors,
        Vec::<std::borrow::Cow<'static, str>>::new(),
        "HTML parse errors"
    );
    assert_eq!(
        html.quirks_mode,
        QuirksMode::NoQuirks,
        "the page is in quirks mode"
    );
    html
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
    html.select(&selector).collect()
}

fn text(element: &ElementRef<'_>) -> String {
    element.text().collect()
}

/// Per person chip in a day cell: "primary:john" etc.
fn on_call(html: &Html, day: &str) -> Vec<String> {
    select(html, &format!("#{day} .who"))
        .iter()
        .map(|e| {
            let role = if e
                .value()
                .has_class("primary", CaseSensitivity::CaseSensitive)
            {
                "primary"
            } else {
                "secondary"
            };
            format!("{role}:{}", e.attr("data-person").unwrap_or("?"))
        })
        .collect()
}

#[test]
fn the_parser_reports_errors_this_test_relies_on() {
    // Without this, a parser that never reports anything would pass every page.
    let broken = Html::parse_document("<!DOCTYPE html><p><b>unclosed</p></td></i>");
    assert!(!broken.errors.is_empty());
    let quirky = Html::parse_document("<p>no doctype</p>");
    assert_ne!(quirky.quirks_mode, QuirksMode::NoQuirks);
}

#[test]
fn example_page_snapshot() {
    // Three months around Christmas: today, Thanksgiving, Christmas, New
    // Year, Emily's leave and the overrides that cover it.
    let out = page(
        "examples/acme",
        &["--from", "2026-11-01", "--to", "2027-01-31"],
    );
    parse(&out);
    insta::assert_snapshot!("example_page", out);
}

#[test]
fn example_pages_are_valid_html_and_deterministic() {
    for (path, args) in [
        ("examples/acme", &[][..]),
        ("examples/broken", &[][..]),
        (
            "examples/acme",
            &["--from", "2027-12-24", "--to", "2027-12-24"][..],
        ),
        ("examples/acme", &["--from", "2030-01-01"][..]),
    ] {
        let first = page(path, args);
        parse(&first);
        assert_eq!(first, page(path, args), "{path} {args:?}");
    }
}

#[test]
fn the_days_of_a_shift_show_its_people_and_the_holidays() {
    let html = parse(&page("examples/acme", &[]));
    for day in 21..=27 {
        assert_eq!(
            on_call(&html, &format!("r0-2026-12-{day}")),
            ["primary:john", "secondary:david"],
            "2026-12-{day}"
        );
    }
    let christmas = select(&html, "#r0-2026-12-25.holiday .holiday-name");
    assert_eq!(
        christmas.iter().map(text).collect::<Vec<_>>(),
        ["★ Christmas"]
    );
    let thanksgiving = select(&html, "#r0-2027-11-25.holiday .holiday-name");
    assert_eq!(
        thanksgiving.iter().map(text).collect::<Vec<_>>(),
        ["★ Thanksgiving"]
    );
    assert_eq!(
        select(&html, "td.holiday").len(),
        10,
        "5 holidays a year, 2 years"
    );
    assert_eq!(select(&html, "td.today").len(), 1);
    assert_eq!(
        select(&html, "#r0-2026-11-23.today[aria-current=date]").len(),
        1
    );
    // Emily is away for her whole leave, every day of it.
    let away: Vec<String> = select(&html, ".away[data-person=emily]")
        .iter()
        .filter_map(|e| e.parent().and_then(ElementRef::wrap))
        .filter_map(|td| td.attr("id").map(str::to_string))
        .collect();
    assert_eq!(away.len(), 14);
    assert_eq!(away.first().map(String::as_str), Some("r0-2026-12-21"));
    assert_eq!(away.last().map(String::as_str), Some("r0-2027-01-03"));
    // The override is marked and its reason is in the title.
    let david = select(&html, "#r0-2026-12-21 .who.secondary");
    assert_eq!(
        david.first().and_then(|e| e.attr("title")),
        Some("secondary: David Müller (david) — set by an override: Emily on winter vacation")
    );
    assert_eq!(
        david.first().map(text).as_deref(),
        Some("secondary: David*")
    );
    // 104 weeks from Monday 2026-01-05: every day from then to 2028-01-02.
    assert_eq!(select(&html, "td.day:not(.out)").len(), 104 * 7);
    assert_eq!(select(&html, "table.month").len(), 25);
}

#[test]
fn load_bars_use_the_table_numbers_over_the_whole_rotation() {
    // A window changes the calendar, never the load (as in the table).
    for args in [&[][..], &["--from", "2026-12-01", "--to", "2026-12-31"][..]] {
        let html = parse(&page("examples/acme", args));
        let rows: Vec<String> = select(&html, "table.load tbody tr")
            .iter()
            .map(|row| {
                let numbers: Vec<String> =
                    select_in(row, "td .n").iter().map(|n| text(n)).collect();
                format!(
                    "{} {}",
                    row.attr("data-person").unwrap_or("?"),
                    numbers.join(" / ")
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                "david 21 / 22 / 6 (2 primary, 4 secondary)",
                "emily 20 / 19 / 3 (2 primary, 1 secondary)",
                "john 21 / 21 / 3 (2 primary, 1 secondary)",
                "michael 21 / 21 / 4 (2 primary, 2 secondary)",
                "priya 21 / 21 / 4 (2 primary, 2 secondary)",
            ],
            "{args:?}"
        );
        let score: Vec<String> = select(&html, ".balance .score").iter().map(text).collect();
        assert_eq!(score, ["0.98"]);
    }
}

fn select_in<'a>(element: &ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
    element.select(&selector).collect()
}

#[test]
fn from_and_to_choose_the_days_shown() {
    let html = parse(&page(
        "examples/acme",
        &["--from", "2026-12-20", "--to", "2027-01-02"],
    ));
    let months: Vec<&str> = select(&html, "table.month")
        .iter()
        .filter_map(|t| t.attr("id"))
        .collect();
    assert_eq!(months, ["r0-2026-12", "r0-2027-01"]);
    let shown: Vec<&str> = select(&html, "td.day:not(.out)")
        .iter()
        .filter_map(|t| t.attr("id"))
        .collect();
    assert_eq!(shown.len(), 14);
    assert_eq!(shown.first(), Some(&"r0-2026-12-20"));
    assert_eq!(shown.last(), Some(&"r0-2027-01-02"));
    // Days outside the window keep their number and nothing else.
    assert_eq!(select(&html, "td.out .who").len(), 0);
    assert_eq!(
        select(&html, ".facts dd").last().map(text).as_deref(),
        Some("2026-12-20 – 2027-01-02")
    );
    // A window after the rotation's end shows no calendar and says why.
    let after = parse(&page("examples/acme", &["--from", "2030-01-01"]));
    assert_eq!(select(&after, "table.month").len(), 0);
    assert_eq!(
        select(&after, "p.empty")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["No shifts between --from and --to."]
    );
}

#[test]
fn findings_are_listed_and_marked_on_their_days() {
    let html = parse(&page("examples/broken", &[]));
    let rotations: Vec<String> = select(&html, "section.rotation h2")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        rotations,
        ["experiments-oncall", "investor-oncall", "All rotations"]
    );
    // Each rotation lists the findings located in its file, as `steward check` does.
    let listed = |rotation: &str| -> Vec<String> {
        select(&html, &format!("#{rotation} li.finding code"))
            .iter()
            .map(text)
            .collect()
    };
    assert_eq!(
        listed("r0"),
        [
            "balanced-load",
            "distinct-on-call",
            "schedule-horizon",
            "coverage-gap"
        ]
    );
    assert_eq!(
        listed("r1"),
        [
            "roster-size",
            "double-booked",
            "double-booked",
            "holiday-coverage",
            "unavailable-on-call",
            "balanced-load",
            "holiday-fairness",
            "schedule-horizon",
            "back-to-back",
            "coverage-gap"
        ]
    );
    // The days a finding is about carry a marker linking to it.
    let marked = |rule: &str| -> Vec<String> {
        let Some(item) = select(&html, "li.finding")
            .into_iter()
            .find(|li| select_in(li, "code").first().map(text).as_deref() == Some(rule))
        else {
            panic!("no {rule} finding");
        };
        let anchor = item.attr("id").unwrap_or("?").to_string();
        select(&html, &format!("td a.flag[href='#{anchor}']"))
            .iter()
            .filter_map(|a| a.parent().and_then(ElementRef::wrap))
            .filter_map(|td| td.attr("id").map(str::to_string))
            .collect()
    };
    // Emily's shift during her leave, not the rest of her leave.
    assert_eq!(
        marked("unavailable-on-call"),
        (21..=27)
            .map(|d| format!("r1-2026-12-{d}"))
            .collect::<Vec<_>>()
    );
    // The gap, not the shifts either side of it.
    assert_eq!(
        marked("coverage-gap"),
        (14..=20)
            .map(|d| format!("r0-2026-12-{d}"))
            .collect::<Vec<_>>()
    );
    // The holidays named, only those.
    assert_eq!(
        marked("holiday-fairness"),
        ["r1-2026-11-26", "r1-2027-01-01"]
    );
    // The last day scheduled, not "today".
    assert_eq!(marked("schedule-horizon"), ["r0-2027-01-03"]);
    // A finding that names no day is listed only.
    assert_eq!(marked("balanced-load"), Vec::<String>::new());
    // The severity is written, not only coloured.
    let first = select(&html, "#r1-f5");
    assert_eq!(
        first.first().map(|e| select_in(e, ".severity")
            .iter()
            .map(text)
            .collect::<String>()),
        Some("error".to_string())
    );
}

#[test]
fn hostile_names_are_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hostile = r#"<script>alert("x")</script>&amp;"#;
    std::fs::write(
        dir.path().join("team.yaml"),
        format!(
            "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - {{ id: mallory, name: '{hostile}' }}\n  - {{ id: bob, name: 'Bob \"><img src=x onerror=alert(1)>' }}\n"
        ),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("rotation.yaml"),
        "apiVersion: steward/v1\nkind: Rotation\nid: r\nname: '</title><script>alert(2)</script>'\nshift_length: 1w\nstart: 2026-11-23\nuntil: 2026-12-07\nroster: [mallory, bob]\noverrides:\n  - { start: 2026-11-30, primary: mallory, reason: '</span><script>alert(3)</script>' }\n",
    )
    .expect("write");
    let out = page_in(dir.path(), ".", &[]);
    let html = parse(&out);
    // The page's own script, and no other element from the input.
    assert_eq!(select(&html, "script").len(), 1);
    assert!(select(&html, "script")
        .first()
        .map(text)
        .is_some_and(|s| s.contains("The person filter")));
    assert_eq!(select(&html, "img").len(), 0);
    assert_eq!(
        select(&html, "title").iter().map(text).collect::<Vec<_>>(),
        ["On-call schedule"]
    );
    // Shown as written, in text and in attributes.
    let mallory = select(&html, "#r0-2026-11-23 .who.primary");
    assert_eq!(
        mallory.first().map(text),
        Some(format!("primary: {hostile}"))
    );
    assert_eq!(
        mallory.first().and_then(|e| e.attr("title")),
        Some(format!("primary: {hostile} (mallory)").as_str())
    );
    let options: Vec<String> = select(&html, "#person option").iter().map(text).collect();
    assert_eq!(
        options,
        [
            "everyone".to_string(),
            format!("{hostile} (mallory)"),
            "Bob \"><img src=x onerror=alert(1)> (bob)".to_string()
        ]
    );
    let heading: Vec<String> = select(&html, "#r0 h2").iter().map(text).collect();
    assert_eq!(heading, ["</title><script>alert(2)</script> r"]);
    let overridden = select(&html, "#r0-2026-11-30 .who.primary");
    assert_eq!(
        overridden.first().and_then(|e| e.attr("title")),
        Some(
            format!("primary: {hostile} (mallory) — set by an override: </span><script>alert(3)</script>")
                .as_str()
        )
    );
    // Escaped once: the input's own `&amp;` is shown, not decoded.
    assert!(out.contains("&amp;amp;"));
}

#[test]
fn a_long_rotation_is_cut_to_whole_months_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("team.yaml"),
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers: [{ id: a, name: A }, { id: b, name: B }]\n",
    )
    .expect("write");
    // 10,000 daily shifts from 2026-01-15: 27 years.
    std::fs::write(
        dir.path().join("rotation.yaml"),
        "apiVersion: steward/v1\nkind: Rotation\nid: daily\nshift_length: 1d\nstart: 2026-01-15\nuntil: 2053-06-02\nroster: [a, b]\n",
    )
    .expect("write");
    let out = page_in(dir.path(), ".", &[]);
    let html = parse(&out);
    let months: Vec<&str> = select(&html, "table.month")
        .iter()
        .filter_map(|t| t.attr("id"))
        .collect();
    assert_eq!(months.len(), 60);
    assert_eq!(months.first(), Some(&"r0-2026-01"));
    assert_eq!(months.last(), Some(&"r0-2030-12"));
    let showing = select(&html, ".facts dd")
        .last()
        .map(text)
        .unwrap_or_default();
    assert!(
        showing
            == "2026-01-15 – 2030-12-31 (cut short: a page shows at most 60 months per rotation \
                and 18300 days in all; --from and --to show the rest, through 2053-06-01)",
        "{showing}"
    );
    assert!(out.len() < 2_000_000, "{} bytes", out.len());

    // Many rotations share the page's days: later ones are left out, and say so.
    for i in 0..12 {
        std::fs::write(
            dir.path().join(format!("r{i}.yaml")),
            format!("apiVersion: steward/v1\nkind: Rotation\nid: r{i}\nshift_length: 1w\nstart: 2026-01-05\nuntil: 2031-01-06\nroster: [a, b]\n"),
        )
        .expect("write");
    }
    let out = page_in(dir.path(), ".", &[]);
    let html = parse(&out);
    let days = select(&html, "td.day:not(.out)").len();
    assert!(days <= 18_300, "{days} days");
    assert!(
        select(&html, "p.empty")
            .iter()
            .map(text)
            .any(|t| t.starts_with("The calendar is left out: the page shows at most 18300 days")),
        "no rotation was left out"
    );
    assert!(out.len() < 12_000_000, "{} bytes", out.len());
}

#[test]
fn no_rotations_is_a_page_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("team.yaml"),
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers: [{ id: a, name: A }]\n",
    )
    .expect("write");
    let html = parse(&page_in(dir.path(), ".", &[]));
    assert_eq!(
        select(&html, "main p").iter().map(text).collect::<Vec<_>>(),
        ["No rotations in the checked files."]
    );
}

/// A workspace of three rotations with times of day or coverage windows:
/// `office` (Los Angeles, weekly, handing over Mondays at 10:00, on duty
/// Mon–Fri 09:00–17:00, as QA's repro), `nights` (Berlin, 12-hour shifts
/// from 08:00, on duty weeknights 22:00–06:00) and `weekdays` (whole days,
/// Mon–Fri, no time of day).
fn windowed_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("write");
    };
    write(
        "team.yaml",
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - { id: emily, name: Emily }\n  - { id: john, name: John }\n  - { id: priya, name: Priya }\n  - { id: david, name: David }\n",
    );
    write(
        "office.yaml",
        "apiVersion: steward/v1\nkind: Rotation\nid: office\nshift_length: 1w\nstart: 2026-11-30\nuntil: 2027-01-04\ntime_zone: America/Los_Angeles\nhandoff_time: \"10:00\"\ncoverage: { weekdays: [mon, tue, wed, thu, fri], hours: \"09:00-17:00\" }\nroster: [emily, john, priya, david]\n",
    );
    write(
        "nights.yaml",
        "apiVersion: steward/v1\nkind: Rotation\nid: nights\nshift_length: 12h\nstart: 2026-12-01\nuntil: 2026-12-15\ntime_zone: Europe/Berlin\nhandoff_time: \"08:00\"\ncoverage: { weekdays: [mon, tue, wed, thu, fri], hours: \"22:00-06:00\" }\nroster: [priya, david, emily]\n",
    );
    write(
        "weekdays.yaml",
        "apiVersion: steward/v1\nkind: Rotation\nid: weekdays\nshift_length: 1w\nstart: 2026-11-30\nuntil: 2027-01-04\ncoverage: { weekdays: [mon, tue, wed, thu, fri] }\nroster: [john, david]\n",
    );
    dir
}

/// The anchor (`r0`…) of the page's section of rotation `id`.
fn section_of(html: &Html, id: &str) -> String {
    select(html, "section.rotation")
        .into_iter()
        .find(|s| select_in(s, "h2 code").first().map(text).as_deref() == Some(id))
        .and_then(|s| s.attr("id").map(str::to_string))
        .unwrap_or_else(|| panic!("no section for rotation {id}"))
}

/// The facts above a rotation's calendar, as (label, value).
fn facts_of(html: &Html, section: &str) -> Vec<(String, String)> {
    let dts = select(html, &format!("#{section} .facts dt"));
    let dds = select(html, &format!("#{section} .facts dd"));
    dts.iter().map(text).zip(dds.iter().map(text)).collect()
}

/// What a day cell shows on call: per part (one shift's share of the day),
/// its line ("until 10:00 · duty 09:00–10:00", empty for the whole day) and
/// its people as "primary:john".
fn parts_of(html: &Html, cell: &str) -> Vec<(String, Vec<String>)> {
    let Some(td) = select(html, &format!("#{cell}")).into_iter().next() else {
        panic!("no cell {cell}");
    };
    let people = |e: &ElementRef<'_>| -> Vec<String> {
        select_in(e, ".who")
            .iter()
            .map(|w| {
                let role = if w
                    .value()
                    .has_class("primary", CaseSensitivity::CaseSensitive)
                {
                    "primary"
                } else {
                    "secondary"
                };
                format!("{role}:{}", w.attr("data-person").unwrap_or("?"))
            })
            .collect()
    };
    let parts = select_in(&td, ".part");
    if parts.is_empty() {
        let whole = people(&td);
        return if whole.is_empty() {
            Vec::new()
        } else {
            vec![(String::new(), whole)]
        };
    }
    // Every person shown is in a part when there are parts.
    assert_eq!(
        parts.iter().map(|p| people(p).len()).sum::<usize>(),
        people(&td).len(),
        "{cell}"
    );
    parts
        .iter()
        .map(|p| {
            let when = select_in(p, ".when").first().map(text).unwrap_or_default();
            (when, people(p))
        })
        .collect()
}

#[test]
fn a_rotation_shows_its_zone_handoff_time_and_coverage_window() {
    let dir = windowed_workspace();
    let html = parse(&page_in(dir.path(), ".", &[]));
    let office = section_of(&html, "office");
    let facts = facts_of(&html, &office);
    let fact = |label: &str| -> Option<String> {
        facts
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        fact("Zone").as_deref(),
        Some("America/Los_Angeles, handoff at 10:00"),
        "{facts:?}"
    );
    assert_eq!(
        fact("Coverage").as_deref(),
        Some("Mon–Fri, 09:00–17:00: duty in 5 of 5 shifts; outside it nobody is needed (marked no duty)"),
        "{facts:?}"
    );
    // The load counts the shifts with duty, and says so (as the table does).
    assert!(
        select(&html, &format!("#{office} .balance"))
            .first()
            .map(text)
            .is_some_and(|t| t.contains("the whole rotation: 5 shifts with duty")),
        "load scope"
    );
    let nights = section_of(&html, "nights");
    let facts = facts_of(&html, &nights);
    assert!(facts.contains(&(
        "Zone".to_string(),
        "Europe/Berlin, handoff at 08:00".to_string()
    )));
    assert!(facts
        .iter()
        .any(|(l, v)| l == "Coverage" && v.starts_with("Mon–Fri, 22:00–06:00: duty in ")));
    // Whole days without a time zone: no zone line, but the window.
    let weekdays = section_of(&html, "weekdays");
    let facts = facts_of(&html, &weekdays);
    assert!(!facts.iter().any(|(l, _)| l == "Zone"), "{facts:?}");
    assert!(facts.contains(&(
        "Coverage".to_string(),
        "Mon–Fri: duty in 5 of 5 shifts; outside it nobody is needed (marked no duty)".to_string()
    )));
    // The legend explains the new marks.
    let key = select(&html, ".legend .key")
        .first()
        .map(text)
        .unwrap_or_default();
    assert!(key.contains("no duty outside the coverage window"), "{key}");
    assert!(
        key.contains("until / from HH:MM a handoff that day"),
        "{key}"
    );
}

#[test]
fn a_day_without_duty_is_marked_off_duty() {
    let dir = windowed_workspace();
    let html = parse(&page_in(dir.path(), ".", &[]));
    for id in ["office", "weekdays"] {
        let r = section_of(&html, id);
        // Saturday and Sunday of Emily's (or John's) first week: nobody needed.
        for day in ["2026-12-05", "2026-12-06"] {
            let cell = format!("{r}-{day}");
            assert_eq!(parts_of(&html, &cell), Vec::new(), "{cell}");
            assert_eq!(select(&html, &format!("#{cell}.off")).len(), 1, "{cell}");
            assert_eq!(
                select(&html, &format!("#{cell} .off-duty"))
                    .iter()
                    .map(text)
                    .collect::<Vec<_>>(),
                ["no duty"],
                "{cell}: said in words, not only by colour"
            );
            // Not a gap: someone holds the shift, nobody is needed.
            assert_eq!(
                select(&html, &format!("#{cell}.gap, #{cell} .nobody")).len(),
                0
            );
        }
    }
    // A weekday of the office rotation: its duty hours.
    let office = section_of(&html, "office");
    assert_eq!(
        parts_of(&html, &format!("{office}-2026-12-04")),
        [(
            "duty 09:00–17:00".to_string(),
            vec!["primary:emily".to_string(), "secondary:john".to_string()]
        )]
    );
    // A weekday of the whole-day rotation: all day, so no hours.
    let weekdays = section_of(&html, "weekdays");
    assert_eq!(
        parts_of(&html, &format!("{weekdays}-2026-12-04")),
        [(
            String::new(),
            vec!["primary:john".to_string(), "secondary:david".to_string()]
        )]
    );
    // Today, off duty: said so above the calendar.
    let html = parse(&page_on(dir.path(), ".", "2026-12-05", &[]));
    let now = select(&html, &format!("#{office} .now")).first().map(text);
    assert_eq!(
        now.as_deref(),
        Some(
            "No duty today (outside the coverage window); the shift of Emily (primary) and \
             John (secondary) runs until 2026-12-07 10:00. Next, from 2026-12-07 10:00: \
             John (primary) and Priya (secondary)."
        )
    );
}

#[test]
fn a_handoff_day_shows_the_outgoing_and_the_incoming_pair() {
    let dir = windowed_workspace();
    let html = parse(&page_on(dir.path(), ".", "2026-12-07", &[]));
    let office = section_of(&html, "office");
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        parts_of(&html, &format!("{office}-2026-12-07")),
        [
            (
                "until 10:00 · duty 09:00–10:00".to_string(),
                s(&["primary:emily", "secondary:john"])
            ),
            (
                "from 10:00 · duty 10:00–17:00".to_string(),
                s(&["primary:john", "secondary:priya"])
            ),
        ]
    );
    // The rotation's first and last days: only the shift that holds them.
    assert_eq!(
        parts_of(&html, &format!("{office}-2026-11-30")),
        [(
            "from 10:00 · duty 10:00–17:00".to_string(),
            s(&["primary:emily", "secondary:john"])
        )]
    );
    assert_eq!(
        parts_of(&html, &format!("{office}-2027-01-04")),
        [(
            "until 10:00 · duty 09:00–10:00".to_string(),
            s(&["primary:emily", "secondary:john"])
        )]
    );
    let now = select(&html, &format!("#{office} .now")).first().map(text);
    assert_eq!(
        now.as_deref(),
        Some(
            "On call today: until 10:00 Emily (primary) and John (secondary), duty 09:00–10:00; \
             then from 10:00 John (primary) and Priya (secondary), duty 10:00–17:00, until \
             2026-12-14 10:00. Next, from 2026-12-14 10:00: Priya (primary) and David (secondary)."
        )
    );
    // Twelve-hour shifts: three on a day, the middle one off duty.
    let nights = section_of(&html, "nights");
    assert_eq!(
        parts_of(&html, &format!("{nights}-2026-12-02")),
        [
            (
                "until 08:00 · duty 00:00–06:00".to_string(),
                s(&["primary:david", "secondary:emily"])
            ),
            (
                "from 20:00 · duty 22:00–24:00".to_string(),
                s(&["primary:priya", "secondary:david"])
            ),
        ]
    );
}

/// `(primary, secondary, [(from, to)])` per shift with duty on a day, in
/// shift order; times are local `HH:MM`, `24:00` the end of the day.
type DayDuty = Vec<(String, String, Vec<(String, String)>)>;

/// Each local day's duty per `--format json`: its `duty` intervals (local
/// RFC 3339 date-times, or whole dates for rotations without times of day)
/// cut at local midnight. Read from the JSON's own local times: no zone
/// arithmetic here.
fn json_duty_by_day(rotation: &serde_json::Value) -> std::collections::BTreeMap<String, DayDuty> {
    use chrono::NaiveDate;
    let mut days: std::collections::BTreeMap<String, DayDuty> = Default::default();
    let str_of = |v: &serde_json::Value| v.as_str().unwrap_or_else(|| panic!("{v}")).to_string();
    let date = |s: &str| NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").expect("date");
    for shift in rotation["shifts"].as_array().expect("shifts") {
        let primary = str_of(&shift["primary"]["person"]);
        let secondary = shift["secondary"]["person"]
            .as_str()
            .unwrap_or("-")
            .to_string();
        let mut pieces: Vec<(NaiveDate, String, String)> = Vec::new();
        for interval in shift["duty"]
            .as_array()
            .expect("a window gives every shift a duty")
        {
            let (start, end) = (str_of(&interval["start"]), str_of(&interval["end"]));
            let (mut day, last) = (date(&start), date(&end));
            let (from, to) = if start.len() == 10 {
                // Whole days, `end` exclusive.
                ("00:00".to_string(), "00:00".to_string())
            } else {
                (start[11..16].to_string(), end[11..16].to_string())
            };
            let mut at = from;
            while day < last {
                pieces.push((day, at, "24:00".to_string()));
                at = "00:00".to_string();
                day = day.succ_opt().expect("day");
            }
            if at != to {
                pieces.push((day, at, to));
            }
        }
        for (day, from, to) in pieces {
            let list = days.entry(day.to_string()).or_default();
            let same_shift = list
                .last()
                .is_some_and(|(p, s, _)| *p == primary && *s == secondary);
            match list.last_mut() {
                Some(last) if same_shift => last.2.push((from, to)),
                _ => list.push((primary.clone(), secondary.clone(), vec![(from, to)])),
            }
        }
    }
    days
}

/// The same from a day cell: each part's people and duty hours, read from
/// its line: "duty A–B, C–D", else all of the part ("until 10:00" is
/// 00:00–10:00, "from 20:00" 20:00–24:00, no line the whole day).
fn page_duty(html: &Html, cell: &str) -> DayDuty {
    parts_of(html, cell)
        .into_iter()
        .map(|(when, people)| {
            let role = |r: &str| {
                people
                    .iter()
                    .find_map(|p| p.strip_prefix(&format!("{r}:")).map(str::to_string))
                    .unwrap_or_else(|| "-".to_string())
            };
            let span = |t: &str| -> (String, String) {
                let (a, b) = t.split_once('–').unwrap_or_else(|| panic!("{cell}: {t}"));
                (a.to_string(), b.to_string())
            };
            let mut share = ("00:00".to_string(), "24:00".to_string());
            let mut hours = None;
            for token in when.split(" · ").filter(|t| !t.is_empty()) {
                if let Some(list) = token.strip_prefix("duty ") {
                    hours = Some(list.split(", ").map(span).collect::<Vec<_>>());
                } else if let Some(t) = token.strip_prefix("until ") {
                    share.1 = t.to_string();
                } else if let Some(t) = token.strip_prefix("from ") {
                    share.0 = t.to_string();
                } else {
                    share = span(token);
                }
            }
            (
                role("primary"),
                role("secondary"),
                hours.unwrap_or_else(|| vec![share]),
            )
        })
        .collect()
}

#[test]
fn day_cells_hold_the_json_duty_day_by_day() {
    let dir = windowed_workspace();
    let out = page_in(dir.path(), ".", &[]);
    assert_eq!(out, page_in(dir.path(), ".", &[]), "deterministic");
    let html = parse(&out);
    let output = common::steward(
        dir.path(),
        &["schedule", ".", "--today", "2026-11-23", "--format", "json"],
    );
    let json = common::json(&output);
    for rotation in json["rotations"].as_array().expect("rotations") {
        let id = rotation["id"].as_str().expect("id");
        let r = section_of(&html, id);
        let expected = json_duty_by_day(rotation);
        let (mut compared, mut off, mut handoffs) = (0, 0, 0);
        for td in select(&html, &format!("#{r} td.day:not(.out)")) {
            let cell = td.attr("id").expect("a day's id");
            let day = cell.strip_prefix(&format!("{r}-")).expect("anchor");
            let want = expected.get(day).cloned().unwrap_or_default();
            assert_eq!(page_duty(&html, cell), want, "{id} {day}");
            let is_off = td.value().has_class("off", CaseSensitivity::CaseSensitive);
            assert_eq!(is_off, want.is_empty(), "{id} {day}: marked off duty");
            if is_off {
                assert_eq!(
                    select_in(&td, ".off-duty")
                        .iter()
                        .map(text)
                        .collect::<Vec<_>>(),
                    ["no duty"]
                );
                off += 1;
            }
            handoffs += usize::from(want.len() > 1);
            compared += 1;
        }
        // Every day of the rotation was shown and compared, including days
        // off duty; days with two pairs in the timed ones.
        assert!(
            compared >= 14 && off >= 2,
            "{id}: {compared} days, {off} off"
        );
        if id != "weekdays" {
            assert!(handoffs >= 2, "{id}: {handoffs} handoff days");
        }
        // And no day has duty the page does not show.
        let shown: std::collections::BTreeSet<String> =
            select(&html, &format!("#{r} td.day:not(.out)"))
                .iter()
                .filter_map(|td| {
                    td.attr("id")
                        .and_then(|a| a.strip_prefix(&format!("{r}-")))
                        .map(str::to_string)
                })
                .collect();
        for day in expected.keys() {
            assert!(
                shown.contains(day),
                "{id}: duty on {day} is not on the page"
            );
        }
    }
}

#[test]
fn windowed_page_snapshot() {
    // Two weeks of the office rotation around a handoff: duty hours, days
    // off duty, both pairs on the handoff day.
    let dir = windowed_workspace();
    std::fs::remove_file(dir.path().join("nights.yaml")).expect("remove");
    std::fs::remove_file(dir.path().join("weekdays.yaml")).expect("remove");
    let out = page_on(
        dir.path(),
        ".",
        "2026-12-07",
        &["--from", "2026-11-30", "--to", "2026-12-13"],
    );
    parse(&out);
    insta::assert_snapshot!("windowed_page", out);
}

/// The page's days are each rotation's own: `--time-zone` does not move
/// them, and steward says so instead of ignoring the flag silently.
#[test]
fn the_page_says_it_keeps_each_rotations_own_zone() {
    let dir = windowed_workspace();
    let run = |extra: &[&str]| {
        let mut args = vec!["schedule", ".", "--today", "2026-11-23", "--format", "html"];
        args.extend_from_slice(extra);
        let output = common::steward(dir.path(), &args);
        assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
        (common::stdout(&output), common::stderr(&output))
    };
    let (own, quiet) = run(&[]);
    assert_eq!(quiet, "");
    let (viewed, note) = run(&["--time-zone", "Asia/Tokyo"]);
    assert_eq!(viewed, own);
    assert_eq!(
        note,
        "steward: note: the schedule page shows each rotation in its own time zone, named on the page; --time-zone applies to table, markdown and json\n"
    );
    let html = parse(&viewed);
    let office = section_of(&html, "office");
    let facts = facts_of(&html, &office);
    assert!(
        facts
            .iter()
            .any(|(label, value)| label == "Zone" && value.starts_with("America/Los_Angeles")),
        "{facts:?}"
    );
}

/// A gap inside a day (an explicit 12-hour rotation missing one shift) is
/// marked on that day, in time order with the shifts around it; the hours
/// before the first shift and after the last are no gap.
#[test]
fn a_gap_inside_a_day_is_marked_at_its_hours() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("write");
    };
    write(
        "team.yaml",
        "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - { id: emily, name: Emily }\n  - { id: john, name: John }\n",
    );
    write(
        "halves.yaml",
        "apiVersion: steward/v1\nkind: Rotation\nid: halves\nshift_length: 12h\nstart: 2026-12-01\nhandoff_time: \"08:00\"\nshifts:\n  - { start: 2026-12-01, primary: emily, secondary: john }\n  - { start: \"2026-12-01T20:00\", primary: john, secondary: emily }\n  - { start: \"2026-12-02T20:00\", primary: emily, secondary: john }\n",
    );
    let html = parse(&page_in(dir.path(), ".", &[]));
    let halves = section_of(&html, "halves");
    let pair = |p: &str, s: &str| vec![format!("primary:{p}"), format!("secondary:{s}")];
    // The first day starts at the first shift: no gap before 08:00.
    assert_eq!(
        parts_of(&html, &format!("{halves}-2026-12-01")),
        [
            ("08:00–20:00".to_string(), pair("emily", "john")),
            ("from 20:00".to_string(), pair("john", "emily")),
        ]
    );
    assert!(select(&html, &format!("#{halves}-2026-12-01.gap")).is_empty());
    // 2026-12-02 08:00–20:00 has no shift.
    assert_eq!(
        parts_of(&html, &format!("{halves}-2026-12-02")),
        [
            ("until 08:00".to_string(), pair("john", "emily")),
            ("08:00–20:00".to_string(), Vec::new()),
            ("from 20:00".to_string(), pair("emily", "john")),
        ]
    );
    let gap = select(&html, &format!("#{halves}-2026-12-02.gap .nobody-part"));
    assert_eq!(
        gap.iter().map(text).collect::<Vec<_>>(),
        ["08:00–20:00nobody on call"]
    );
    // The last day ends with the last shift: no gap after 08:00.
    assert_eq!(
        parts_of(&html, &format!("{halves}-2026-12-03")),
        [("until 08:00".to_string(), pair("emily", "john"))]
    );
    assert!(select(&html, &format!("#{halves}-2026-12-03.gap")).is_empty());
}
