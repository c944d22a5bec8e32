import { test, expect, Page } from "@playwright/test";
import { createLead, openLive, signedInAs, unique } from "./helpers";

/** Opens the list and waits until its leads are in the browser. */
async function openList(page: Page, path: string) {
  await openLive(page, path);
  await page.waitForFunction(() => performance.getEntriesByName("leads-index-ready").length > 0);
}

function total(page: Page) {
  return page.getByTestId("list-total");
}

function search(page: Page) {
  return page.getByRole("searchbox", { name: "Search leads" });
}

test("typing narrows the list at once; filters combine and survive a reload", async ({ page, request }) => {
  const p = unique("Filter");
  await createLead(request, { name: `${p} Alpha`, company_name: "Zeta Works" });
  await createLead(request, { name: `${p} Beta`, company_name: "Zeta Works", status: "canceled" });
  await createLead(request, { name: `${p} Gamma`, company_name: "Other Co" });

  await openList(page, "/leads?view=all");
  await search(page).pressSequentially(p);
  await expect(total(page)).toHaveText("3 leads match");
  await search(page).pressSequentially(" zeta");
  await expect(total(page)).toHaveText("2 leads match");
  await expect(page.getByRole("row").filter({ hasText: `${p} Gamma` })).toHaveCount(0);

  await page.getByRole("combobox", { name: "Status", exact: true }).selectOption({ label: "Disqualified" });
  await expect(total(page)).toHaveText("1 lead matches");
  await expect(page.getByRole("row").filter({ hasText: `${p} Beta` })).toBeVisible();
  await expect(page).toHaveURL(/status=canceled/);
  await expect(page).toHaveURL(/q=/);

  await page.reload();
  await expect(search(page)).toHaveValue(`${p} zeta`);
  await expect(page.getByRole("combobox", { name: "Status", exact: true })).toHaveValue("canceled");
  await expect(total(page)).toHaveText("1 lead matches");
  await expect(page.getByRole("row").filter({ hasText: `${p} Beta` })).toBeVisible();

  // A link with a filter value the list does not know still opens.
  await openList(page, `/leads?view=all&q=${encodeURIComponent(p)}&status=lost&sort=shoe`);
  await expect(page.getByRole("status").filter({ hasText: "not understood" })).toContainText("shoe");
  await expect(total(page)).toHaveText("3 leads match");
});

test("a saved view keeps its filters, reopens from its tab and can be the default", async ({ page, request }) => {
  const p = unique("Saved");
  await createLead(request, { name: `${p} one`, company_name: "Viewco" });
  await createLead(request, { name: `${p} two` });
  await openList(page, "/leads?view=all");
  await search(page).pressSequentially(`${p} viewco`);
  await expect(total(page)).toHaveText("1 lead matches");

  const viewName = `Viewco ${p.split(" ").pop()}`;
  await page.getByRole("button", { name: "Save view…" }).click();
  await page.getByLabel("View name").fill(viewName);
  await page.getByLabel("Open the list with this view").check();
  await page.getByRole("button", { name: "Save view", exact: true }).click();
  await expect(page).toHaveURL(/view=\d+/);
  const tab = page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: viewName });
  await expect(tab).toHaveAttribute("aria-current", "page");

  await openList(page, "/leads?view=all");
  await expect(total(page)).not.toHaveText("1 lead matches");
  await tab.click();
  await expect(total(page)).toHaveText("1 lead matches");
  await expect(search(page)).toHaveValue(`${p} viewco`);

  // The default view opens with the bare list.
  await openList(page, "/leads");
  await expect(tab).toHaveAttribute("aria-current", "page");
  await expect(total(page)).toHaveText("1 lead matches");

  // Clean up: back to Open leads by default for the other tests.
  await page.getByRole("button", { name: "Stop opening with this view" }).click();
  await expect(tab.locator(".default-mark")).toHaveCount(0);
  await tab.click();
  await page.getByRole("button", { name: "Delete this view" }).click();
  await expect(page).toHaveURL(/view=open/);
  await expect(tab).toHaveCount(0);
});

test("mass actions set the status of the selected leads and say what they did", async ({ page, request }) => {
  const p = unique("Mass");
  for (const n of ["one", "two", "three"]) await createLead(request, { name: `${p} ${n}` });
  await openList(page, `/leads?view=all&q=${encodeURIComponent(p)}`);
  await expect(total(page)).toHaveText("3 leads match");

  await page.getByRole("checkbox", { name: `Select ${p} one` }).check();
  await page.getByRole("checkbox", { name: `Select ${p} two` }).check();
  const bar = page.getByRole("region", { name: "Mass actions" });
  await expect(bar).toContainText("2 leads selected");
  await bar.getByLabel("New status").selectOption({ label: "Disqualified" });
  await bar.getByRole("button", { name: "Set status" }).click();
  await expect(page.getByRole("status", { name: "Mass action result" })).toContainText(
    "Changed the status of 2 leads.",
  );
  const counts = page.getByRole("list", { name: "Leads per status" });
  await expect(counts).toContainText("Disqualified 2");
  await expect(counts).toContainText("New 1");

  // All matching: the two already disqualified stay as they are.
  await page.getByRole("checkbox", { name: /^Select all 3 leads/ }).check();
  await expect(bar).toContainText("All 3 matching leads selected");
  await bar.getByLabel("New status").selectOption({ label: "Disqualified" });
  await bar.getByRole("button", { name: "Set status" }).click();
  await expect(page.getByRole("status", { name: "Mass action result" })).toContainText(
    "Changed the status of 1 lead. 2 leads already as asked.",
  );
  await expect(counts).toContainText("Disqualified 3");

  // The history of each lead records the change.
  await page.getByRole("link", { name: `${p} one` }).click();
  await expect(page.getByRole("region", { name: "Activity" })).toContainText("Status: New → Disqualified");
});

test("a lead created in another browser appears in an open list within a second", async ({ page, browser }) => {
  const p = unique("Live");
  await openList(page, `/leads?view=all&q=${encodeURIComponent(p)}`);
  await expect(page.getByText("No leads match these filters")).toBeVisible();

  const other = await browser.newContext({ ...signedInAs("rep-a"), baseURL: page.url().replace(/\/leads.*$/, "") });
  const rep = await other.newPage();
  await openLive(rep, "/leads/new");
  await rep.getByLabel("Lead name").fill(`${p} from Rita`);
  await rep.getByRole("button", { name: "Save and Close" }).click();
  await expect(rep).toHaveURL(/\/leads\/\d+$/);

  await expect(page.getByRole("row").filter({ hasText: `${p} from Rita` })).toBeVisible({ timeout: 3000 });
  await expect(total(page)).toHaveText("1 lead matches");

  // An edit there shows here too, without a reload.
  await rep.getByRole("link", { name: "Edit" }).click();
  await rep.getByLabel("Company").fill("Streamed Ltd");
  await rep.getByRole("button", { name: "Save and Close" }).click();
  await expect(rep).toHaveURL(/\/leads\/\d+$/);
  await expect(page.getByRole("row").filter({ hasText: "Streamed Ltd" })).toBeVisible({ timeout: 3000 });
  await other.close();
});

test("notes and the change history appear on the lead page", async ({ page, request }) => {
  const name = unique("Notes");
  const id = await createLead(request, { name });
  await openLive(page, `/leads/${id}`);
  const activity = page.getByRole("region", { name: "Activity" });
  await activity.getByLabel("Note", { exact: true }).fill("Called, left a message");
  await activity.getByRole("button", { name: "Add note" }).click();
  await expect(activity.getByRole("listitem").filter({ hasText: "Called, left a message" })).toBeVisible();
  await expect(activity.getByLabel("Note", { exact: true })).toHaveValue("");

  const note = activity.getByRole("listitem").filter({ hasText: "Called, left a message" });
  await note.getByRole("button", { name: "Edit" }).click();
  // While edited, the text is in the box (no longer the item's text).
  const editing = activity.getByRole("listitem").filter({ has: page.getByRole("button", { name: "Save note" }) });
  await expect(editing.getByRole("textbox")).toHaveValue("Called, left a message");
  await editing.getByRole("textbox").fill("Called twice, meeting on Monday");
  await editing.getByRole("button", { name: "Save note" }).click();
  const edited = activity.getByRole("listitem").filter({ hasText: "meeting on Monday" });
  await expect(edited).toContainText("(edited)");

  // An edit of the lead is recorded field by field.
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Company").fill("Historic Ltd");
  await page.getByRole("button", { name: "Save and Close" }).click();
  await expect(page).toHaveURL(new RegExp(`/leads/${id}$`));
  await expect(activity).toContainText("Company: — → Historic Ltd");
  await expect(activity).toContainText("meeting on Monday");

  // The note can be deleted by its author.
  await activity
    .getByRole("listitem")
    .filter({ hasText: "meeting on Monday" })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(activity.getByText("meeting on Monday")).toHaveCount(0);
});
