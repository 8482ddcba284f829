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
    let mut all = vec![
        "schedule",
        path,
        "--today",
        "2026-11-23",
        "--format",
        "html",
    ];
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
