import { test, expect, Page } from "@playwright/test";
import { createLead, openLive, signedInAs, unique } from "./helpers";

async function leadFor(request: any, company: string): Promise<number> {
  return createLead(request, {
    name: `${company} deal`,
    company_name: company,
    first_name: "Charles",
    last_name: "Babbage",
    notes: "Wants the difference engine",
    "emails][0][email": `charles.${Date.now()}@babbage.example`,
    "emails][0][primary": "true",
  });
}

async function next(page: Page, heading: string) {
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { name: heading, level: 2 })).toBeVisible();
}

test("a rep walks the qualify wizard, goes back without losing input, and lands on the opportunity", async ({ page, request }) => {
  const company = unique("Babbage Engines");
  const id = await leadFor(request, company);
  await openLive(page, `/leads/${id}`);
  await page.getByRole("link", { name: "Qualify" }).click();
  await expect(page).toHaveURL(new RegExp(`/leads/${id}/qualify$`));
  await expect(page.getByRole("heading", { name: "Review", level: 2 })).toBeVisible();

  await next(page, "Account");
  await expect(page.getByLabel("New account name")).toHaveValue(company);
  await next(page, "Contact");
  await expect(page.getByLabel("First name")).toHaveValue("Charles");
  await page.getByLabel("Job title").fill("Inventor");
  await next(page, "Opportunity");
  await expect(page.getByLabel("Opportunity name")).toHaveValue(`${company} deal`);
  await expect(page.getByLabel("Notes")).toHaveValue("Wants the difference engine");
  await page.getByLabel("Probability (%)").fill("150");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("alert")).toContainText("A probability is a whole number from 0 to 100");
  await page.getByLabel("Probability (%)").fill("60");
  await page.getByLabel("Budget").fill("25,000");

  // Back to the contact and forward again: nothing typed is lost.
  await page.getByRole("button", { name: "Back" }).click();
  await expect(page.getByLabel("Job title")).toHaveValue("Inventor");
  await next(page, "Opportunity");
  await expect(page.getByLabel("Probability (%)")).toHaveValue("60");
  await next(page, "Confirm");
  const summary = page.locator("dl.summary");
  await expect(summary).toContainText(`${company} (new account)`);
  await expect(summary).toContainText("Charles Babbage (new contact)");
  await expect(summary).toContainText("25,000.00");

  await page.getByRole("button", { name: "Qualify lead" }).click();
  await expect(page).toHaveURL(/\/opportunities\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${company} deal`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Open");
  await expect(page.getByRole("link", { name: company, exact: true })).toBeVisible();

  await openLive(page, `/leads/${id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Qualified");
  await expect(page.getByRole("link", { name: "Qualify", exact: true })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Qualified into" })).toContainText(company);
  await expect(page.getByRole("region", { name: "Activity" })).toContainText("Status: New → Qualified");

  // Gone from Open leads (the default view), still in All leads.
  await openLive(page, "/leads");
  await expect(page.getByRole("link", { name: "Open leads" })).toHaveAttribute("aria-current", "page");
  await page.getByRole("searchbox", { name: "Search leads" }).fill(company);
  await expect(page).toHaveURL(/status=new/);
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByText("No leads match these filters")).toBeVisible();
  await page.getByRole("combobox", { name: "Status", exact: true }).selectOption({ label: "Any status" });
  await expect(page.getByRole("row").filter({ hasText: `${company} deal` })).toContainText("Qualified");

  // The same company in another case: the account is linked, not duplicated.
  const again = await leadFor(request, `  ${company.toUpperCase()} `);
  await openLive(page, `/leads/${again}/qualify`);
  await next(page, "Account");
  await expect(page.getByText("Selected:")).toContainText(company);
});

test("two people qualifying the same lead: the second is told where the opportunity is", async ({ page, request, browser }) => {
  const id = await leadFor(request, unique("Contested"));
  const other = await browser.newContext(signedInAs("e2e-admin"));
  const second = await other.newPage();
  for (const p of [page, second]) {
    await openLive(p, `/leads/${id}/qualify`);
    for (const heading of ["Account", "Contact", "Opportunity", "Confirm"]) await next(p, heading);
  }
  await page.getByRole("button", { name: "Qualify lead" }).click();
  await expect(page).toHaveURL(/\/opportunities\/\d+$/);
  const opportunity = page.url();

  await second.getByRole("button", { name: "Qualify lead" }).click();
  await expect(second.getByRole("alert")).toContainText("already been qualified");
  await second.getByRole("link", { name: "Open the opportunity" }).click();
  await expect(second).toHaveURL(opportunity);
  await other.close();
});

test("a lead is disqualified with a reason and reactivated", async ({ page, request }) => {
  const id = await createLead(request, { name: unique("Cold lead") });
  await openLive(page, `/leads/${id}`);
  await page.getByText("Disqualify", { exact: true }).click();
  await page.getByLabel("Reason (optional)").fill("No budget this year");
  await page.getByRole("button", { name: "Disqualify lead" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Disqualified");
  await expect(page.getByRole("link", { name: "Qualify", exact: true })).toHaveCount(0);
  const activity = page.getByRole("region", { name: "Activity" });
  await expect(activity).toContainText("Reason: No budget this year");
  await expect(activity).toContainText("Status: New → Disqualified");

  await page.getByRole("button", { name: "Reactivate" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("New");
  await expect(page.getByRole("link", { name: "Qualify", exact: true })).toBeVisible();
  await expect(activity).toContainText("Status: Disqualified → New");
});

test("accounts, contacts and opportunities are listed and filtered", async ({ page, request }) => {
  const company = unique("Filterable Works");
  const id = await leadFor(request, company);
  await openLive(page, `/leads/${id}/qualify`);
  for (const heading of ["Account", "Contact", "Opportunity", "Confirm"]) await next(page, heading);
  await page.getByRole("button", { name: "Qualify lead" }).click();
  await expect(page).toHaveURL(/\/opportunities\/\d+$/);

  await openLive(page, "/accounts");
  await page.getByRole("searchbox", { name: "Filter by name" }).fill(company.slice(-8));
  await expect(page).toHaveURL(/\?q=/);
  await expect(page.getByRole("link", { name: company, exact: true })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByRole("link", { name: company, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(company);
  await page.getByRole("link", { name: "Charles Babbage" }).click();
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Job title").fill("Mathematician");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(page.getByText("Mathematician")).toBeVisible();

  await openLive(page, `/opportunities?q=${encodeURIComponent(company)}`);
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByRole("link", { name: `${company} deal` }).click();
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Status").selectOption({ label: "Negotiation" });
  await page.getByLabel("Probability (%)").fill("80");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/opportunities\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Negotiation");
  await expect(page.getByText("80%")).toBeVisible();
});

test("the list's row menu disqualifies, reactivates and opens the wizard", async ({ page, request }) => {
  const name = unique("Row menu lead");
  await createLead(request, { name });
  await openLive(page, "/leads?view=all");
  const row = page.getByRole("row").filter({ hasText: name });
  await row.getByRole("button", { name: `Actions for ${name}` }).click();
  await row.getByRole("button", { name: "Disqualify" }).click();
  await expect(row).toContainText("Disqualified");
  await row.getByRole("button", { name: `Actions for ${name}` }).click();
  await row.getByRole("button", { name: "Reactivate" }).click();
  await expect(row).toContainText("New");
  await row.getByRole("button", { name: `Actions for ${name}` }).click();
  await row.getByRole("link", { name: "Qualify" }).click();
  await expect(page.getByRole("heading", { name: "Qualify lead" })).toBeVisible();
});
