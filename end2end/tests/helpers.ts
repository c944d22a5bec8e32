import { expect, Page, APIRequestContext } from "@playwright/test";

/** The address the suite's server listens on (see playwright.config.ts). */
export const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
/** Server-function calls come "from a page of this site", as a browser's would. */
const ORIGIN = { origin: BASE };

/** The saved sign-in of a test user (made by auth.setup.ts). */
export function signedInAs(user: "e2e-admin" | "rep-a" | "rep-b" | "manager-n") {
  return { storageState: `.auth/${user}.json` };
}

/** Opens `path` and waits until the WASM app has hydrated the page. */
export async function openLive(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
}

/** How many leads the server has, read from the list page. */
export async function leadCount(request: APIRequestContext): Promise<number> {
  const res = await request.post("/api/leads/list", {
    form: { "page[with_counts]": "true", "page[limit]": "1" },
    headers: { accept: "application/json", ...ORIGIN },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()).counts.total;
}

/** Creates a lead through the server function, as an API client would. */
export async function createLead(
  request: APIRequestContext,
  fields: Record<string, string>,
): Promise<number> {
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) form[`form[${k}]`] = v;
  const res = await request.post("/api/leads/create", {
    form,
    headers: { accept: "application/json", ...ORIGIN },
  });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).id;
}

/** A name no other test run uses. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
