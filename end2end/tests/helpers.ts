import { expect, Page, APIRequestContext } from "@playwright/test";

/** Opens `path` and waits until the WASM app has hydrated the page. */
export async function openLive(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
}

/** How many leads the server has, read from the list page. */
export async function leadCount(request: APIRequestContext): Promise<number> {
  const res = await request.post("/api/leads/list", {
    form: {},
    headers: { accept: "application/json" },
  });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).total;
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
    headers: { accept: "application/json" },
  });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).id;
}

/** A name no other test run uses. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
