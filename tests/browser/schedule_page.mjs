// The schedule page in a real browser: `steward schedule --format html` of
// the bundled example, loaded from a file:// URL in headless Chromium (the
// system's, e.g. Debian's `chromium`) with the network blocked.
//
// Checks: no console errors or page errors, no request besides the page
// itself; the days of a known shift show its people, a holiday is marked,
// today is marked; the person filter hides everyone else (and the address
// remembers the choice); without JavaScript the page is complete and shows no
// filter; the print stylesheet hides the filter. Writes a screenshot. Then a
// rotation with a time zone, handoff time and coverage window: a weekend
// says "no duty" (on screen and in print), a handoff day shows both pairs
// with the handoff time, and the filter leaves only the chosen person's part.
//
// Usage (from anywhere): node tests/browser/schedule_page.mjs
// Environment: STEWARD_BIN (default target/debug/steward), CHROMIUM (default
// /usr/bin/chromium), OUT_DIR for the page and screenshot (default target/).

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const steward = process.env.STEWARD_BIN || path.join(repo, "target", "debug", "steward");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const outDir = process.env.OUT_DIR || path.join(repo, "target");
const pagePath = path.join(outDir, "schedule-page.html");
const screenshotPath = path.join(outDir, "schedule-page.png");

// The bundled example on a fixed day: Emily's winter vacation, Christmas and
// the override that makes David secondary of John's shift 2026-12-21 – 27.
mkdirSync(outDir, { recursive: true });
execFileSync(
  steward,
  ["schedule", "examples/acme", "--today", "2026-11-23", "--format", "html", "--output", pagePath],
  { cwd: repo, stdio: "inherit" },
);
const url = pathToFileURL(pagePath).href;

let failures = 0;
function check(condition, what, detail) {
  if (condition) {
    console.log(`ok - ${what}`);
  } else {
    failures += 1;
    console.log(`not ok - ${what}${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`);
  }
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: [
    // Containers run CI as root, where Chromium's sandbox cannot start.
    ...(process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : []),
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    // Nothing resolves: a request that slipped past interception fails too.
    "--host-resolver-rules=MAP * ~NOTFOUND",
  ],
});

/** Opens the page with the network blocked; returns the page and what it tried. */
async function open({ javaScript = true, at = url } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1600 });
  await page.setJavaScriptEnabled(javaScript);
  const seen = { errors: [], requests: [] };
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warn") {
      seen.errors.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => seen.errors.push(`page error: ${error.message}`));
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (request.url() === at && request.isNavigationRequest()) {
      request.continue();
    } else {
      seen.requests.push(request.url());
      request.abort("blockedbyclient");
    }
  });
  await page.goto(at, { waitUntil: "load" });
  return { page, seen };
}

/** Per day id: the visible people on call, as "role:person" in order. */
async function onCall(page, ids) {
  return page.evaluate((ids) => {
    const visible = (el) => el.offsetParent !== null;
    return ids.map((id) => {
      const cell = document.getElementById(id);
      if (!cell) return null;
      return [...cell.querySelectorAll(".who")]
        .filter(visible)
        .map((el) => `${el.classList.contains("primary") ? "primary" : "secondary"}:${el.dataset.person}:${el.textContent}`);
    });
  }, ids);
}

/**
 * A rotation handing over Mondays at 10:00 Los Angeles time, on duty
 * Mon–Fri 09:00–17:00 (tests/schedule_page.rs compares its cells with
 * `--format json` day by day; this checks what a browser shows of them).
 */
async function windowedPage() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "steward-windowed-"));
  try {
    writeFileSync(
      path.join(dir, "team.yaml"),
      "apiVersion: steward/v1\nkind: Team\nid: t\nmembers:\n  - { id: emily, name: Emily }\n  - { id: john, name: John }\n  - { id: priya, name: Priya }\n  - { id: david, name: David }\n",
    );
    writeFileSync(
      path.join(dir, "office.yaml"),
      'apiVersion: steward/v1\nkind: Rotation\nid: office\nshift_length: 1w\nstart: 2026-11-30\nuntil: 2027-01-04\ntime_zone: America/Los_Angeles\nhandoff_time: "10:00"\ncoverage: { weekdays: [mon, tue, wed, thu, fri], hours: "09:00-17:00" }\nroster: [emily, john, priya, david]\n',
    );
    const windowed = path.join(outDir, "schedule-page-windowed.html");
    execFileSync(steward, ["schedule", ".", "--today", "2026-12-07", "--format", "html", "--output", windowed], {
      cwd: dir,
      stdio: "inherit",
    });
    const at = pathToFileURL(windowed).href;
    const { page, seen } = await open({ at });
    const cells = () =>
      page.evaluate(() => {
        const visible = (el) => el.offsetParent !== null;
        const cell = (id) => {
          const td = document.getElementById(id);
          return {
            off: td.classList.contains("off"),
            text: [...td.querySelectorAll(".off-duty")].filter(visible).map((e) => e.textContent),
            parts: [...td.querySelectorAll(".part")].filter(visible).map((p) => ({
              when: p.querySelector(".when")?.textContent,
              who: [...p.querySelectorAll(".who")].filter(visible).map((w) => w.dataset.person),
            })),
          };
        };
        return { saturday: cell("r0-2026-12-05"), handoff: cell("r0-2026-12-07") };
      });
    const shown = await cells();
    check(
      shown.saturday.off && JSON.stringify(shown.saturday.text) === '["no duty"]' && shown.saturday.parts.length === 0,
      "a Saturday outside the coverage window says no duty and shows nobody on call",
      shown.saturday,
    );
    check(
      JSON.stringify(shown.handoff.parts) ===
        JSON.stringify([
          { when: "until 10:00 · duty 09:00–10:00", who: ["emily", "john"] },
          { when: "from 10:00 · duty 10:00–17:00", who: ["john", "priya"] },
        ]),
      "the handoff day shows the outgoing pair until 10:00 and the incoming pair from 10:00",
      shown.handoff,
    );
    await page.select("#person", "emily");
    const emily = await cells();
    check(
      JSON.stringify(emily.handoff.parts) === JSON.stringify([{ when: "until 10:00 · duty 09:00–10:00", who: ["emily"] }]),
      "choosing Emily leaves only her part of the handoff day",
      emily.handoff,
    );
    await page.select("#person", "");
    await page.emulateMediaType("print");
    const printed = await cells();
    check(
      JSON.stringify(printed.saturday.text) === '["no duty"]' && printed.handoff.parts.length === 2,
      "printed, the weekend still says no duty and the handoff day shows both pairs",
      printed,
    );
    check(seen.errors.length === 0 && seen.requests.length === 0, "the windowed page has no errors or requests", seen);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const shiftDays = ["21", "22", "23", "24", "25", "26", "27"].map((d) => `r0-2026-12-${d}`);
const expectedShift = ["primary:john:primary: John", "secondary:david:secondary: David*"];

try {
  // With JavaScript, as people open it.
  const { page, seen } = await open();
  const days = await onCall(page, shiftDays);
  check(
    days.every((d) => JSON.stringify(d) === JSON.stringify(expectedShift)),
    "every day of the shift 2026-12-21 – 2026-12-27 shows John (primary) and David (secondary, by override)",
    days,
  );
  const christmas = await page.$eval("#r0-2026-12-25", (td) => ({
    holiday: td.classList.contains("holiday"),
    text: td.querySelector(".holiday-name")?.textContent,
  }));
  check(christmas.holiday && christmas.text === "★ Christmas", "Christmas 2026-12-25 is marked as a holiday", christmas);
  const away = await page.$$eval("#r0-2026-12-24 .away", (els) => els.map((e) => e.textContent));
  check(JSON.stringify(away) === JSON.stringify(["Emily away"]), "Emily's leave shows on 2026-12-24", away);
  const today = await page.$eval("#r0-2026-11-23", (td) => ({
    today: td.classList.contains("today"),
    current: td.getAttribute("aria-current"),
  }));
  check(today.today && today.current === "date", "today (2026-11-23) is marked", today);
  const load = await page.$$eval("table.load tbody tr", (rows) =>
    rows.map((r) => `${r.dataset.person}:${r.querySelector("td .n").textContent}`),
  );
  check(
    JSON.stringify(load) === JSON.stringify(["david:21", "emily:20", "john:21", "michael:21", "priya:21"]),
    "the load table counts the whole rotation's primary shifts",
    load,
  );
  check(await page.$eval("#filter", (f) => !f.hidden), "the person filter is shown when JavaScript runs");

  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`screenshot: ${path.relative(process.cwd(), screenshotPath) || screenshotPath}`);

  // The filter: John only.
  await page.select("#person", "john");
  const filtered = await page.evaluate(() => {
    const visible = (el) => el.offsetParent !== null;
    const tagged = [...document.querySelectorAll("main [data-person]")];
    return {
      shownPeople: [...new Set(tagged.filter(visible).map((el) => el.dataset.person))],
      hiddenOthers: tagged.filter((el) => el.dataset.person !== "john").every((el) => !visible(el)),
      johnChips: document.querySelectorAll("td.day .who[data-person='john']").length,
      loadRows: [...document.querySelectorAll("table.load tbody tr")].filter(visible).map((r) => r.dataset.person),
      hash: location.hash,
      todayDim: document.getElementById("r0-2026-11-23").classList.contains("dim"),
    };
  });
  check(
    JSON.stringify(filtered.shownPeople) === JSON.stringify(["john"]) && filtered.hiddenOthers && filtered.johnChips > 0,
    "choosing John hides everyone else's shifts, leave and load",
    filtered,
  );
  check(JSON.stringify(filtered.loadRows) === JSON.stringify(["john"]), "only John's load row is left", filtered.loadRows);
  check(filtered.todayDim, "a day John is not on call is dimmed", filtered);
  check(filtered.hash === "#person=john", "the address remembers the choice", filtered.hash);
  const johnsShift = await onCall(page, ["r0-2026-12-21", "r0-2026-11-23"]);
  check(
    JSON.stringify(johnsShift) === JSON.stringify([["primary:john:primary: John"], []]),
    "John's shift still shows him; Emily's day shows nobody",
    johnsShift,
  );

  // The print stylesheet.
  await page.select("#person", "");
  await page.emulateMediaType("print");
  const printed = await page.evaluate(() => ({
    filter: getComputedStyle(document.getElementById("filter")).display,
    months: getComputedStyle(document.querySelector("nav.months")).display,
  }));
  check(printed.filter === "none" && printed.months === "none", "printing leaves out the filter and the month links", printed);
  await page.emulateMediaType("screen");
  const everyone = await onCall(page, ["r0-2026-11-23"]);
  check(
    JSON.stringify(everyone) === JSON.stringify([["primary:emily:primary: Emily", "secondary:michael:secondary: Michael"]]),
    "choosing everyone shows everyone again",
    everyone,
  );
  check(seen.errors.length === 0, "no console errors or page errors", seen.errors);
  check(seen.requests.length === 0, "no network requests besides the page", seen.requests);
  await page.close();

  // Without JavaScript: complete, and no filter that would do nothing.
  const plain = await open({ javaScript: false });
  const plainDays = await onCall(plain.page, shiftDays);
  check(
    plainDays.every((d) => JSON.stringify(d) === JSON.stringify(expectedShift)),
    "without JavaScript the shift shows the same people",
    plainDays,
  );
  check(await plain.page.$eval("#filter", (f) => f.hidden), "without JavaScript there is no filter");
  check(plain.seen.requests.length === 0, "without JavaScript no network requests either", plain.seen.requests);
  await plain.page.close();

  await windowedPage();
} catch (error) {
  failures += 1;
  console.log(`not ok - the browser test could not finish: ${error.stack || error}`);
} finally {
  await browser.close();
}

console.log(failures === 0 ? "schedule page: all browser checks passed" : `schedule page: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
