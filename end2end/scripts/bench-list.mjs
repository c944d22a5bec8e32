// Measures the live lead list in headless Chromium: the first load of the
// leads into the browser (transfer size, time until the list filters in the
// browser), then keystroke-to-paint for the text filter and click-to-paint
// for the status filter.
//
// Usage: SIGN_IN=user:password node scripts/bench-list.mjs BASE_URL [ROUNDS]
//
// Keystroke-to-paint: a key is pressed in the search box (a real key event
// through the DevTools protocol); the time runs from the keydown event to
// the first animation frame after the list's DOM changed (a
// MutationObserver on the table and the total). Status-click-to-paint: the
// same from the click on a "Leads per status" link. Each measurement is
// separate (the next waits for the page to be idle), so they do not queue.
import { chromium } from "playwright-core";

const [base, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 60);
if (!base || !process.env.SIGN_IN) {
  console.error("usage: SIGN_IN=user:password node scripts/bench-list.mjs BASE_URL [ROUNDS]");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();

const [user, ...password] = process.env.SIGN_IN.split(":");
await page.goto(base + "/sign-in");
await page.getByLabel("Username").fill(user);
await page.getByLabel("Password").fill(password.join(":"));
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByRole("button", { name: "Sign out" }).waitFor();

// ---- first load
let indexBytes = 0;
let indexEncoded = 0;
const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
const indexRequests = new Map();
cdp.on("Network.responseReceived", (e) => {
  if (new URL(e.response.url).pathname === "/leads/index") indexRequests.set(e.requestId, true);
});
cdp.on("Network.loadingFinished", (e) => {
  if (indexRequests.has(e.requestId)) indexEncoded += e.encodedDataLength;
});
cdp.on("Network.dataReceived", (e) => {
  if (indexRequests.has(e.requestId)) indexBytes += e.dataLength;
});

const started = Date.now();
await page.goto(base + "/leads?view=all", { waitUntil: "commit" });
await page.locator("body[data-hydrated]").waitFor({ state: "attached", timeout: 60000 });
const hydratedMs = Date.now() - started;
await page.waitForFunction(() => performance.getEntriesByName("leads-index-ready").length > 0, null, {
  timeout: 120000,
});
const readyMs = Date.now() - started;
const marks = await page.evaluate(() => {
  const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
  return { start: at("leads-index-start"), ready: at("leads-index-ready") };
});
const total = await page.getByTestId("list-total").textContent();

// ---- the measuring hook
await page.evaluate(() => {
  window.__paint = [];
  // Where the time of each measured action went (the app's performance
  // marks: list-go, list-filter-start/end, list-rows), from its start.
  window.__phases = [];
  const phases = (t0) => {
    const at = {};
    for (const m of performance.getEntriesByType("mark")) {
      if (m.startTime >= t0 && m.name.startsWith("list-") && !(m.name in at)) at[m.name] = m.startTime - t0;
      if (m.name.startsWith("list-") && m.name.endsWith("-end") && m.startTime >= t0) at[m.name] = m.startTime - t0;
    }
    performance.clearMarks();
    return at;
  };
  const watch = () => {
    const target = document.querySelector("table.grid")?.parentElement ?? document.body;
    const observer = new MutationObserver(() => {
      if (window.__t0 == null) return;
      const t0 = window.__t0;
      window.__t0 = null;
      requestAnimationFrame(() => {
        window.__paint.push(performance.now() - t0);
        window.__phases.push(phases(t0));
      });
    });
    observer.observe(document.querySelector("main") ?? document.body, {
      childList: true, subtree: true, characterData: true,
    });
    return target;
  };
  watch();
  const search = document.querySelector('input[type="search"]');
  search.addEventListener("keydown", () => { window.__t0 = performance.now(); }, { capture: true });
  document.addEventListener("click", (e) => {
    if (e.target.closest?.(".status-counts a")) window.__t0 = performance.now();
  }, { capture: true });
});

async function settle() {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 30))));
}

let unchanged = 0;
async function measured(action) {
  const before = await page.evaluate(() => window.__paint.length);
  await action();
  // A key that leaves the list as it was paints nothing: not counted.
  const painted = await page
    .waitForFunction((n) => window.__paint.length > n, before, { timeout: 2000 })
    .then(() => true, () => false);
  await page.evaluate(() => { window.__t0 = null; });
  await settle();
  if (!painted) unchanged += 1;
  return painted ? page.evaluate((n) => window.__paint[n] ?? null, before) : null;
}

// Text filter: type words that occur in generated leads, letter by letter,
// clearing between words (the clearing keystrokes are measured too).
const words = ["acme", "global", "smith", "tech", "ltd", "anna", "data", "north", "com", "55"];
const search = page.getByRole("searchbox", { name: "Search leads" });
await search.click();
const keyPhasesFrom = await page.evaluate(() => window.__phases.length);
const keyTimes = [];
outer: for (;;) {
  for (const word of words) {
    for (const ch of word) {
      const t = await measured(() => page.keyboard.press(ch === " " ? "Space" : ch));
      if (t != null) keyTimes.push(t);
      if (keyTimes.length >= rounds) break outer;
    }
    for (let i = 0; i < word.length; i++) {
      const t = await measured(() => page.keyboard.press("Backspace"));
      if (t != null) keyTimes.push(t);
      if (keyTimes.length >= rounds) break outer;
    }
  }
}
const keyPhasesTo = await page.evaluate(() => window.__phases.length);
await search.fill("");
await settle();

// Status filter: click the per-status links in turn (each click toggles).
const statusPhasesFrom = await page.evaluate(() => window.__phases.length);
const statusTimes = [];
const links = page.getByRole("list", { name: "Leads per status" }).getByRole("link");
for (let i = 0; statusTimes.length < rounds; i++) {
  const t = await measured(() => links.nth(i % 3).click());
  if (t != null) statusTimes.push(t);
}

// The median time from the action to each mark.
async function phaseSummary(from, to) {
  const all = await page.evaluate(([a, b]) => window.__phases.slice(a, b), [from, to]);
  const names = [...new Set(all.flatMap((p) => Object.keys(p)))].sort();
  const out = {};
  for (const n of names) {
    const xs = all.map((p) => p[n]).filter((x) => x != null).sort((a, b) => a - b);
    out[n] = { n: xs.length, medianMs: +xs[Math.floor(xs.length / 2)].toFixed(1) };
  }
  return out;
}

function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { n: s.length, median: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +s[s.length - 1].toFixed(1) };
}

const result = {
  list: total,
  firstLoad: {
    indexBytes,
    indexTransferBytes: indexEncoded,
    msUntilHydrated: hydratedMs,
    msUntilLiveFiltering: readyMs,
    indexFetchAndDecodeMs: marks.ready != null && marks.start != null ? +(marks.ready - marks.start).toFixed(0) : null,
  },
  keystrokeToPaintMs: summary(keyTimes),
  keystrokePhases: await phaseSummary(keyPhasesFrom, keyPhasesTo),
  statusClickToPaintMs: summary(statusTimes),
  statusClickPhases: await phaseSummary(statusPhasesFrom, undefined),
  actionsThatChangedNothing: unchanged,
};
console.log(JSON.stringify(result, null, 2));
await browser.close();
