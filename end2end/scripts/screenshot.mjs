// Takes full-page screenshots of Leadline pages in headless Chromium.
// Usage: [SIGN_IN=user:password] node scripts/screenshot.mjs BASE_URL OUT_DIR path[=name] ...
// With SIGN_IN, the browser signs in through the form first (the sign-in
// page itself, if listed, is shot before that).
import { chromium } from "playwright-core";
import * as fs from "node:fs";
import * as path from "node:path";

const [base, outDir, ...pages] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const signInFirst = pages.filter((spec) => spec.startsWith("/sign-in"));
const rest = pages.filter((spec) => !spec.startsWith("/sign-in"));
async function signIn() {
  if (!process.env.SIGN_IN) return;
  const [user, ...password] = process.env.SIGN_IN.split(":");
  await page.goto(base + "/sign-in");
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password.join(":"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}
for (const [i, spec] of [...signInFirst, ...rest].entries()) {
  if (i === signInFirst.length) await signIn();
  // `path=name`: the name follows the last "=" (paths may have queries).
  const cut = spec.lastIndexOf("=");
  const [p, name] = cut > 0 && !spec.slice(cut).includes("/") ? [spec.slice(0, cut), spec.slice(cut + 1)] : [spec, undefined];
  await page.goto(base + p);
  await page.locator("body[data-hydrated]").waitFor({ state: "attached", timeout: 15000 });
  const file = path.join(outDir, `${name ?? p.replace(/\W+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage: process.env.FULL === "1" });
  console.log(file);
}
await browser.close();
