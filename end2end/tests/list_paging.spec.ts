import { test, expect } from "@playwright/test";
import { createLead, leadCount, unique } from "./helpers";

// With JavaScript the list scrolls through every lead; without it, the
// server's pages are a link away.
test.use({ javaScriptEnabled: false });

test("the list pages through leads newest first, and back", async ({ page, request }) => {
  // Make sure there is more than one page (50 rows each).
  const prefix = unique("Paging");
  const missing = Math.max(0, 55 - (await leadCount(request)));
  for (let i = 0; i < missing; i++) await createLead(request, { name: `${prefix} ${i}` });
  const total = await leadCount(request);

  await page.goto("/leads?view=all");
  await expect(page.getByText(`${total} leads in all`)).toBeVisible();
  const rows = page.getByRole("row");
  await expect(rows).toHaveCount(51); // header + 50
  const firstOnPageOne = await rows.nth(1).getByRole("link").textContent();
  await expect(page.getByRole("link", { name: "← Newer" })).toHaveCount(0);

  await page.getByRole("link", { name: "Older →" }).click();
  await expect(page).toHaveURL(/\?view=all&before=v\d+_\d+$/);
  await expect(rows.nth(1)).not.toContainText(firstOnPageOne!);

  await page.getByRole("link", { name: "← Newer" }).click();
  await expect(page).toHaveURL(/\?view=all&after=v\d+_\d+$/);
  await expect(rows).toHaveCount(51);
  await expect(rows.nth(1).getByRole("link")).toHaveText(firstOnPageOne!);
  await expect(page.getByRole("link", { name: "← Newer" })).toHaveCount(0);
});

test("a column heading sorts the list without JavaScript, and again the other way", async ({ page, request }) => {
  const prefix = unique("Sorting");
  for (const n of ["Bravo", "Alpha", "Charlie"]) await createLead(request, { name: `${prefix} ${n}` });

  await page.goto(`/leads?view=all&q=${encodeURIComponent(prefix)}`);
  const names = page.locator("tbody tr td.col-name a");
  await expect(names).toHaveText([`${prefix} Charlie`, `${prefix} Alpha`, `${prefix} Bravo`]);

  await page.getByRole("columnheader", { name: "Lead name" }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=name/);
  await expect(page.getByRole("columnheader", { name: "Lead name" })).toHaveAttribute("aria-sort", "ascending");
  await expect(names).toHaveText([`${prefix} Alpha`, `${prefix} Bravo`, `${prefix} Charlie`]);

  await page.getByRole("columnheader", { name: "Lead name" }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=-name/);
  await expect(names).toHaveText([`${prefix} Charlie`, `${prefix} Bravo`, `${prefix} Alpha`]);
});
