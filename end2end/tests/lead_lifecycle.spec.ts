import { test, expect } from "@playwright/test";
import { openLive, unique } from "./helpers";

test("a rep creates a lead with two emails and an address, sees it, edits it and deletes it", async ({ page, request }) => {
  const name = unique("Acme renewal");
  await openLive(page, "/leads/new");

  await page.getByLabel("Lead name").fill(name);
  await page.getByLabel("Company").fill("Acme GmbH");
  await page.getByLabel("Source").selectOption({ label: "Website" });
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Last name").fill("Lovelace");

  await page.getByLabel("Email 1", { exact: true }).fill("ada@acme.example");
  await page.getByRole("button", { name: "+ Add email" }).click();
  await page.getByLabel("Email 2", { exact: true }).fill("ada.lovelace@mail.example");
  await page.getByRole("radio", { name: "Primary email 2" }).check();
  await expect(page.getByRole("radio", { name: "Primary email 1" })).not.toBeChecked();

  await page.getByRole("button", { name: "+ Add address" }).click();
  const address = page.getByRole("group", { name: "Address 1" });
  await address.getByLabel("Street", { exact: true }).fill("1 Hauptstraße");
  await address.getByLabel("City").fill("Berlin");
  await address.getByLabel("Postal code").fill("10115");
  await address.getByLabel("Country").selectOption("DE");

  await page.getByLabel("Number of employees").fill("250");
  await page.getByLabel("Tags").fill("vip, trade show");
  await page.getByRole("button", { name: "Save and Close" }).click();

  // The lead page shows everything that was entered.
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  const id = page.url().split("/").pop();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("New");
  const contact = page.getByRole("region", { name: "Contact information" });
  await expect(contact.getByText("ada@acme.example")).toBeVisible();
  const primary = contact.getByRole("listitem").filter({ hasText: "ada.lovelace@mail.example" });
  await expect(primary).toContainText("Primary");
  await expect(page.getByText("1 Hauptstraße, 10115 Berlin, Germany")).toBeVisible();
  await expect(page.getByRole("region", { name: "General" }).getByText("Website", { exact: true })).toBeVisible();
  await expect(page.getByText("vip", { exact: true })).toBeVisible();

  // Edit: rename and qualify.
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page).toHaveURL(new RegExp(`/leads/${id}/edit$`));
  await expect(page.getByLabel("Lead name")).toHaveValue(name);
  // Stored emails come back primary first.
  await expect(page.getByLabel("Email 1", { exact: true })).toHaveValue("ada.lovelace@mail.example");
  await expect(page.getByRole("radio", { name: "Primary email 1" })).toBeChecked();
  await expect(page.getByLabel("Email 2", { exact: true })).toHaveValue("ada@acme.example");
  await page.getByLabel("Lead name").fill(`${name} (edited)`);
  await page.getByLabel("Status").selectOption({ label: "Qualified" });
  await page.getByRole("button", { name: "Remove email 2" }).click();
  await page.getByRole("button", { name: "Save and Close" }).click();

  await expect(page).toHaveURL(new RegExp(`/leads/${id}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${name} (edited)`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Qualified");
  await expect(page.getByRole("region", { name: "Contact information" }).getByText("ada@acme.example")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Contact information" }).getByRole("listitem").filter({ hasText: "ada.lovelace@mail.example" })).toContainText("Primary");

  // The edit survives a full reload (it is stored, not just shown).
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${name} (edited)`);

  // Delete, with confirmation.
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this lead?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await page.getByRole("button", { name: "Delete" }).click();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete lead" }).click();
  await expect(page).toHaveURL(/\/leads$/);
  await expect(page.getByRole("link", { name: `${name} (edited)` })).toHaveCount(0);

  const gone = await request.get(`/leads/${id}`);
  expect(gone.status()).toBe(404);
});

test("the new lead appears at the top of the list, and its row links to it", async ({ page }) => {
  const name = unique("List check");
  await openLive(page, "/leads/new");
  await page.getByLabel("Lead name").fill(name);
  await page.getByRole("button", { name: "Save and Close" }).click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await page.goto("/leads");
  const firstRow = page.getByRole("row").nth(1);
  await expect(firstRow).toContainText(name);
  await firstRow.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
});

test("Save and New keeps the user on an empty form; Save stays on the lead's form", async ({ page }) => {
  const first = unique("First of two");
  await openLive(page, "/leads/new");
  await page.getByLabel("Lead name").fill(first);
  await page.getByRole("button", { name: "Save and New" }).click();
  await expect(page.getByRole("status")).toContainText(`Lead “${first}” was saved`);
  await expect(page.getByLabel("Lead name")).toHaveValue("");
  await expect(page).toHaveURL(/\/leads\/new$/);

  const second = unique("Second of two");
  await page.getByLabel("Lead name").fill(second);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/leads\/\d+\/edit$/);
  await expect(page.getByLabel("Lead name")).toHaveValue(second);

  // Saving twice from the same form works: the form keeps the new version.
  await page.getByLabel("Industry").fill("Energy");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("was saved");
  await page.getByLabel("Industry").fill("Retail");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("was saved");
  await expect(page.getByRole("alert")).toHaveCount(0);
});
