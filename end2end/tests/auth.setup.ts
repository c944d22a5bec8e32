import { test as setup, expect } from "@playwright/test";
import { E2E_PASSWORD } from "../playwright.config";

// Signs each test user in through the sign-in page once and keeps their
// cookies, so other tests start signed in as whoever they need.
for (const user of ["e2e-admin", "rep-a", "rep-b", "manager-n"]) {
  setup(`sign in as ${user}`, async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Username").fill(user);
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await page.context().storageState({ path: `.auth/${user}.json` });
  });
}
