import { test, expect, Page } from "@playwright/test";
import { createLead, openLive, unique } from "./helpers";

function column(page: Page, label: string) {
  return page.getByRole("region", { name: label, exact: true });
}

test("dragging a card changes the lead's status by the buttons' rules", async ({ page, request }) => {
  const name = unique("Board lead");
  const id = await createLead(request, { name, company_name: "Board Co" });
  await openLive(page, `/leads/board?q=${encodeURIComponent(name)}`);
  const card = page.locator("li.card").filter({ hasText: name });
  await expect(column(page, "New").locator("li.card")).toHaveCount(1);
  await expect(card).toContainText("Board Co");
  await expect(card).toContainText("today");

  // New → Disqualified by dragging.
  await card.dragTo(column(page, "Disqualified"));
  await expect(column(page, "Disqualified").locator("li.card").filter({ hasText: name })).toBeVisible();
  await expect(column(page, "New").locator("li.card")).toHaveCount(0);

  // Disqualified → Qualified is refused, and says why.
  await column(page, "Disqualified").locator("li.card").filter({ hasText: name }).dragTo(column(page, "Qualified"));
  await expect(page.getByRole("alert")).toContainText("reactivated before it can be qualified");

  // The keyboard alternative: the card's own button.
  const disqualified = column(page, "Disqualified").locator("li.card").filter({ hasText: name });
  await disqualified.getByRole("button", { name: "Reactivate" }).focus();
  await page.keyboard.press("Enter");
  await expect(column(page, "New").locator("li.card").filter({ hasText: name })).toBeVisible();

  // New → Qualified opens the wizard.
  await column(page, "New").locator("li.card").filter({ hasText: name }).dragTo(column(page, "Qualified"));
  await expect(page).toHaveURL(new RegExp(`/leads/${id}/qualify$`));

  // The lead's history holds both changes.
  await openLive(page, `/leads/${id}`);
  await expect(page.getByRole("region", { name: "Activity" })).toContainText("Status: New → Disqualified");
  await expect(page.getByRole("region", { name: "Activity" })).toContainText("Status: Disqualified → New");
});

test("the list's views and per-status counts narrow the list", async ({ page, request }) => {
  const prefix = unique("Views");
  await createLead(request, { name: `${prefix} one` });
  await createLead(request, { name: `${prefix} two`, status: "canceled" });
  await openLive(page, `/leads?view=all&q=${encodeURIComponent(prefix)}`);
  const counts = page.getByRole("list", { name: "Leads per status" });
  await expect(counts).toContainText("New 1");
  await expect(counts).toContainText("Disqualified 1");
  await expect(page.getByText("2 leads match")).toBeVisible();
  await counts.getByRole("link", { name: /Disqualified/ }).click();
  await expect(page).toHaveURL(/status=canceled/);
  await expect(page.getByText("1 lead matches")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: `${prefix} two` })).toBeVisible();
  await page.getByRole("link", { name: "My leads" }).click();
  await expect(page).toHaveURL(/view=mine/);
  await expect(page.getByRole("link", { name: "My leads" })).toHaveAttribute("aria-current", "page");
});
