import { test, expect, Browser, APIRequestContext } from "@playwright/test";
import { E2E_PASSWORD } from "../playwright.config";
import { BASE, createLead, openLive, signedInAs, unique } from "./helpers";

/** The id of the user shown as `name`, from the admin's assignee list. */
async function userId(request: APIRequestContext, name: string): Promise<string> {
  const res = await request.post("/api/leads/assignees", {
    headers: { accept: "application/json", origin: BASE },
  });
  expect(res.ok()).toBeTruthy();
  const people: { id: number; display_name: string }[] = await res.json();
  const person = people.find((p) => p.display_name === name);
  expect(person, `${name} among ${JSON.stringify(people)}`).toBeTruthy();
  return String(person!.id);
}

/** A fresh browser with nobody signed in, signed in through the form as `user`. */
async function signIn(browser: Browser, user: string, password = E2E_PASSWORD) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  return { context, page };
}

test("a rep signs in, sees only their own and unassigned leads, and signs out", async ({ browser, request }) => {
  // The admin (this test's default user) sets the scene.
  const mine = unique("Rita's lead");
  const theirs = unique("Bob's lead");
  const open = unique("Nobody's lead");
  await createLead(request, { name: mine, owner_id: await userId(request, "Rita Rep") });
  const hidden = await createLead(request, { name: theirs, owner_id: await userId(request, "Bob Rep") });
  await createLead(request, { name: open, owner_id: "none" });

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  // Signed out, the app sends you to sign in, then back where you were going.
  await page.goto("/leads");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fleads$/);
  await page.getByLabel("Username").fill("rep-a");
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password");

  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/leads$/);
  await expect(page.getByRole("banner")).toContainText("Rita Rep");
  await expect(page.getByRole("banner")).toContainText("Sales rep · North");
  await expect(page.getByRole("link", { name: mine })).toBeVisible();
  await expect(page.getByRole("link", { name: open })).toBeVisible();
  await expect(page.getByRole("link", { name: theirs })).toHaveCount(0);
  // Guessing another rep's lead by id finds nothing.
  const response = await page.goto(`/leads/${hidden}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  // No admin area for a rep.
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);

  await openLive(page, "/leads");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/leads");
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await context.close();
});

test("a rep creates leads for themselves only; a manager assigns within the team", async ({ browser }) => {
  const rep = await browser.newContext(signedInAs("rep-a"));
  const page = await rep.newPage();
  await openLive(page, "/leads/new");
  const owner = page.getByLabel("Owner");
  await expect(owner).toHaveValue(/\d+/);
  await expect(owner.locator("option")).toHaveText(["Unassigned", "Rita Rep · North"]);
  const name = unique("Rep's own");
  await page.getByLabel("Lead name").fill(name);
  await page.getByRole("button", { name: "Save and Close" }).click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await expect(page.getByRole("region", { name: "General" })).toContainText("Rita Rep");
  await rep.close();

  const manager = await browser.newContext(signedInAs("manager-n"));
  const mpage = await manager.newPage();
  await openLive(mpage, "/leads/new");
  await expect(mpage.getByLabel("Owner").locator("option")).toHaveText([
    "Unassigned",
    "Mona Manager · North",
    "Rita Rep · North",
  ]);
  const forRita = unique("For Rita");
  await mpage.getByLabel("Lead name").fill(forRita);
  await mpage.getByLabel("Owner").selectOption({ label: "Rita Rep · North" });
  await mpage.getByRole("button", { name: "Save and Close" }).click();
  await expect(mpage).toHaveURL(/\/leads\/\d+$/);
  await expect(mpage.getByRole("region", { name: "General" })).toContainText("Rita Rep");
  await manager.close();
});

test("an admin adds a user who signs in, then deactivates them and they are signed out at once", async ({ page, browser }) => {
  const username = `temp${Date.now().toString(36)}`;
  await openLive(page, "/admin/users");
  const form = page.getByRole("region", { name: "Add a user" });
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Display name").fill("Tess Temp");
  await form.getByLabel("Role").selectOption("rep");
  await form.getByLabel("Team").selectOption({ label: "South" });
  await form.getByLabel("Password").fill("short");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("alert")).toContainText("Password: A password needs at least 10 characters");
  await form.getByLabel("Password").fill("a-good-long-password");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(page).toHaveURL(/\/admin\/users\/\d+$/);
  await expect(page.getByRole("heading", { name: "Tess Temp" })).toBeVisible();

  const tess = await signIn(browser, username, "a-good-long-password");
  await expect(tess.page).toHaveURL(/\/leads$/);
  await expect(tess.page.getByRole("banner")).toContainText("Tess Temp");

  await page.getByRole("button", { name: "Deactivate user" }).click();
  await expect(page.getByRole("heading", { name: "Tess Temp" })).toContainText("Deactivated");
  await expect(page.getByRole("button", { name: "Reactivate user" })).toBeVisible();

  // Her open session ended: the next page she opens is the sign-in page.
  await tess.page.goto("/leads");
  await expect(tess.page).toHaveURL(/\/sign-in\?next=/);
  await tess.page.getByLabel("Username").fill(username);
  await tess.page.getByLabel("Password").fill("a-good-long-password");
  await tess.page.getByRole("button", { name: "Sign in" }).click();
  await expect(tess.page.getByRole("alert")).toHaveText("Wrong username or password");
  await tess.context.close();
});

test("the Enable leads switch hides the Leads area for everyone", async ({ page, browser }) => {
  const rep = await browser.newContext(signedInAs("rep-b"));
  const repPage = await rep.newPage();
  try {
    await openLive(page, "/admin/settings");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Leads" })).toBeVisible();
    await page.getByRole("button", { name: "Switch leads off" }).click();
    await expect(page.getByRole("button", { name: "Switch leads on" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Leads" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Create lead" })).toHaveCount(0);

    const response = await repPage.goto("/leads");
    expect(response?.status()).toBe(404);
    await repPage.goto("/");
    await expect(repPage.getByRole("heading", { name: "Leads are switched off" })).toBeVisible();
    await expect(repPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Leads" })).toHaveCount(0);
  } finally {
    await openLive(page, "/admin/settings");
    const on = page.getByRole("button", { name: "Switch leads on" });
    if (await on.isVisible()) {
      await on.click();
      await expect(page.getByRole("button", { name: "Switch leads off" })).toBeVisible();
    }
    await rep.close();
  }
  await openLive(page, "/leads");
  await expect(page.getByRole("heading", { name: "Leads", level: 1 })).toBeVisible();
});

test("a retired source is not offered for new leads but stays on old ones", async ({ page, request }) => {
  const source = unique("Trade fair");
  await openLive(page, "/admin/sources");
  await page.getByLabel("Source name", { exact: true }).last().fill(source);
  await page.getByRole("button", { name: "Add source" }).click();
  const row = page.getByRole("listitem").filter({ has: page.locator(`input[value="${source}"]`) });
  await expect(row).toBeVisible();

  await openLive(page, "/leads/new");
  const name = unique("Fair contact");
  await page.getByLabel("Lead name").fill(name);
  await page.getByLabel("Source").selectOption({ label: source });
  await page.getByRole("button", { name: "Save and Close" }).click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  const leadUrl = page.url();

  await openLive(page, "/admin/sources");
  await page.getByRole("button", { name: `Retire ${source}` }).click();
  await expect(page.getByRole("button", { name: `Restore ${source}` })).toBeVisible();

  await openLive(page, "/leads/new");
  await expect(page.getByLabel("Source").locator("option", { hasText: source })).toHaveCount(0);
  await page.goto(leadUrl);
  await expect(page.getByRole("region", { name: "General" })).toContainText(source);
  await openLive(page, `${leadUrl}/edit`);
  await expect(page.getByLabel("Source").locator("option:checked")).toHaveText(`${source} (retired)`);
});

test("a user changes their own password on the account page", async ({ browser }) => {
  const { context, page } = await signIn(browser, "rep-b");
  await expect(page).toHaveURL(/\/leads$/);
  await page.getByRole("link", { name: /Bob Rep/ }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Bob Rep" })).toBeVisible();
  await page.getByLabel("Current password").fill("not it");
  await page.getByLabel("New password").fill("bobs-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toContainText("Current password: This is not your current password");
  await page.getByLabel("Current password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toContainText("Password changed");
  // And back, so other tests can sign in as Bob.
  await page.getByLabel("Current password").fill("bobs-new-password");
  await page.getByLabel("New password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page.getByRole("status")).toContainText("Password changed");
  await context.close();
});
