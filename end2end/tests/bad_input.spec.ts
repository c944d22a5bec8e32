import { test, expect } from "@playwright/test";
import { BASE, createLead, leadCount, openLive, unique } from "./helpers";

test("invalid input shows the error next to its field and saves nothing", async ({ page, request }) => {
  const before = await leadCount(request);
  await openLive(page, "/leads/new");

  // Live validation, as the user types (this needs the WASM app).
  const name = page.getByLabel("Lead name");
  await name.fill("x".repeat(256));
  await expect(page.locator("#f-name-error")).toHaveText("Must be at most 255 characters (this is 256)");
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await name.fill("   ");
  await expect(page.locator("#f-name-error")).toHaveText("Lead name is required");

  await page.getByLabel("Email 1", { exact: true }).fill("not-an-email");
  await expect(page.locator("#f-emails-0-email-error")).toContainText("is not a valid email address");

  await page.getByLabel("Website").fill("ftp://files.example");
  await expect(page.locator("#f-website-error")).toContainText("http:// or https://");
  await page.getByLabel("Number of employees").fill("-5");
  await expect(page.locator("#f-number_of_employees-error")).toContainText("digits only");

  await page.getByRole("button", { name: "+ Add address" }).click();
  await page.getByRole("group", { name: "Address 1" }).getByLabel("City").fill("Paris");
  await expect(page.locator("#f-addresses-0-country-error")).toHaveText("Country is required for an address");

  await page.getByRole("button", { name: "Save and Close" }).click();
  await expect(page).toHaveURL(/\/leads\/new$/);
  await expect(page.locator("#f-name-error")).toBeVisible();
  expect(await leadCount(request)).toBe(before);

  // Fixing every field lets the save through.
  await name.fill(unique("Fixed"));
  await page.getByLabel("Email 1", { exact: true }).fill("fixed@example.com");
  await page.getByLabel("Website").fill("https://fixed.example");
  await page.getByLabel("Number of employees").fill("5");
  await page.getByRole("group", { name: "Address 1" }).getByLabel("Country").selectOption("FR");
  await expect(page.locator(".field-error")).toHaveCount(0);
  await page.getByRole("button", { name: "Save and Close" }).click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  expect(await leadCount(request)).toBe(before + 1);
});

test("the server re-checks every rule and names the fields it rejects", async ({ request }) => {
  const before = await leadCount(request);
  const res = await request.post("/api/leads/create", {
    headers: { accept: "application/json", origin: BASE },
    form: {
      "form[name]": "",
      "form[status]": "won",
      "form[website]": "javascript:alert(1)",
      "form[job_title]": "j".repeat(10_000),
      "form[emails][0][email]": "a@example.com",
      "form[emails][0][primary]": "true",
      "form[emails][1][email]": "b@example.com",
      "form[emails][1][primary]": "true",
      "form[addresses][0][city]": "Rome",
    },
  });
  expect(res.status()).toBe(422);
  const body = await res.json();
  const fields = body.Validation.fields.map((f: { field: string }) => f.field).sort();
  expect(fields).toEqual(["addresses.0.country", "emails", "job_title", "name", "status", "website"].sort());
  expect(await leadCount(request)).toBe(before);
});

test("a lead name with HTML and script is shown as text and never run", async ({ page, request }) => {
  const name = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> ${unique("xss")}`;
  const id = await createLead(request, { name });
  await openLive(page, `/leads/${id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  await page.goto("/leads");
  await expect(page.getByRole("link", { name })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
});

test("a lead that does not exist answers 404, on the page and the API", async ({ page, request }) => {
  const res = await page.goto("/leads/987654321");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  expect((await page.goto("/leads/not-a-number"))?.status()).toBe(404);
  expect((await page.goto("/leads/987654321/edit"))?.status()).toBe(404);
  const api = await request.post("/api/leads/get", { form: { id: "987654321" }, headers: { accept: "application/json", origin: BASE } });
  expect(api.status()).toBe(404);
  const del = await request.post("/api/leads/delete", { form: { id: "987654321" }, headers: { accept: "application/json", origin: BASE } });
  expect(del.status()).toBe(404);
});

test("a stale edit is refused and the other user's change is kept", async ({ browser, request }) => {
  const name = unique("Contested");
  const id = await createLead(request, { name });
  const alice = await browser.newPage();
  const bob = await browser.newPage();
  await openLive(alice, `/leads/${id}/edit`);
  await openLive(bob, `/leads/${id}/edit`);

  await alice.getByLabel("Industry").fill("Alice's industry");
  await alice.getByRole("button", { name: "Save and Close" }).click();
  await expect(alice).toHaveURL(new RegExp(`/leads/${id}$`));

  await bob.getByLabel("Industry").fill("Bob's industry");
  await bob.getByRole("button", { name: "Save and Close" }).click();
  await expect(bob.getByRole("alert")).toContainText("changed by someone else");
  await expect(bob).toHaveURL(new RegExp(`/leads/${id}/edit$`));

  await alice.reload();
  await expect(alice.getByText("Alice's industry", { exact: true })).toBeVisible();
  await expect(alice.getByText("Bob's industry")).toHaveCount(0);
});

test("a possible duplicate (same email or phone) is shown before saving", async ({ page, request }) => {
  const existing = unique("Original");
  const email = `${Date.now()}@dup.example`;
  await createLead(request, {
    name: existing,
    "emails][0][email": email,
    "phones][0][phone": "+1 555 010 9999",
  });
  await openLive(page, "/leads/new");
  await page.getByLabel("Lead name").fill(unique("Maybe a duplicate"));
  await page.getByLabel("Email 1", { exact: true }).fill(email.toUpperCase());
  const warning = page.getByRole("complementary", { name: "Possible duplicates" });
  await expect(warning).toContainText(existing);
  await expect(warning.getByRole("link", { name: existing })).toBeVisible();

  await page.getByLabel("Email 1", { exact: true }).fill("someone-else@example.com");
  await expect(warning).toHaveCount(0);
  await page.getByLabel("Phone 1", { exact: true }).fill("+15550109999");
  await expect(page.getByRole("complementary", { name: "Possible duplicates" })).toContainText(existing);
});
