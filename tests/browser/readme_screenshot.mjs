// Takes the README's screenshot of the bundled example's schedule page:
// node tests/browser/readme_screenshot.mjs [OUT.png]   (default docs/schedule-page.png)
// Then shrink it: pngquant --force --skip-if-larger --output OUT.png -- OUT.png
// Environment: STEWARD_BIN (default target/debug/steward), CHROMIUM (default /usr/bin/chromium).

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const steward = process.env.STEWARD_BIN || path.join(repo, "target", "debug", "steward");
const out = path.resolve(process.argv[2] || path.join(repo, "docs", "schedule-page.png"));
const dir = mkdtempSync(path.join(tmpdir(), "steward-page-"));
const page = path.join(dir, "schedule.html");
// Three months around Christmas: Thanksgiving, today, Emily's leave and the overrides covering it.
execFileSync(
  steward,
  ["schedule", "examples/acme", "--today", "2026-11-23", "--from", "2026-11-01", "--to", "2027-01-31", "--format", "html", "-o", page],
  { cwd: repo, stdio: "inherit" },
);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [...(process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : []), "--disable-gpu"],
});
try {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 1200, height: 1420 });
  await tab.goto(pathToFileURL(page).href, { waitUntil: "load" });
  await tab.screenshot({ path: out });
  console.log(out);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
