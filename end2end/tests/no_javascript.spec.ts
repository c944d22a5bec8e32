import { test, expect } from "@playwright/test";
import { createLead, unique } from "./helpers";

// Before the WASM arrives (or with JavaScript off) the pages are plain
// server-rendered HTML, and the forms still work.
test.use({ javaScriptEnabled: false });

test("without JavaScript a lead can be listed, created, viewed and edited", async ({ page, request }) => {
  const name = unique("No script");
  await page.goto("/leads/new");
  await page.getByLabel("Lead name").fill(name);
  await page.getByLabel("Company").fill("Plain HTML Ltd");
  await page.getByLabel("Source").selectOption({ label: "Partner" });
  await page.getByLabel("Email 1", { exact: true }).fill("plain@html.example");
  await page.getByRole("button", { name: "Save and Close" }).click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await expect(page.getByRole("listitem").filter({ hasText: "plain@html.example" })).toContainText("Primary");
  await expect(page.getByText("Partner", { exact: true })).toBeVisible();

  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByLabel("Company")).toHaveValue("Plain HTML Ltd");
  await expect(page.getByLabel("Source")).toHaveValue(/\d+/);
  await expect(page.getByRole("radio", { name: "Primary email 1" })).toBeChecked();
  await page.getByLabel("Company").fill("Still Plain Ltd");
  await page.getByRole("button", { name: "Save and Close" }).click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await expect(page.getByText("Still Plain Ltd", { exact: true })).toBeVisible();
  await expect(page.getByText("Partner", { exact: true })).toBeVisible();

  await page.goto("/leads");
  await expect(page.getByRole("link", { name })).toBeVisible();

  // Delete, with the confirmation rendered by the server.
  await page.getByRole("link", { name }).click();
  const id = page.url().split("/").pop();
  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this lead?" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete lead" }).click();
  await expect(page).toHaveURL(/\/leads$/);
  await expect(page.getByRole("link", { name })).toHaveCount(0);
  expect((await request.get(`/leads/${id}`)).status()).toBe(404);
});

test("without JavaScript a rejected save explains what is wrong", async ({ page }) => {
  await page.goto("/leads/new");
  await page.getByLabel("Lead name").fill(" ");
  await page.getByLabel("Website").fill("not a url");
  await page.getByRole("button", { name: "Save and Close" }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Lead name: Lead name is required");
  await expect(alert).toContainText("Website: Must be a web address");
});
