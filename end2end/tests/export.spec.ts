import { test, expect } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { createLead, openLive, unique } from "./helpers";

/** A small RFC 4180 reader: enough for the export's quoted cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\r") continue;
    else if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
    else cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

test("export of a filtered view holds exactly its rows, in the order shown", async ({ page, request }) => {
  const prefix = unique("Export");
  await createLead(request, { name: `${prefix} alpha`, company_name: "=HYPERLINK(\"x\")", "phones][0][phone": "+1 555 0100" });
  await createLead(request, { name: `${prefix} beta`, status: "canceled" });
  await createLead(request, { name: `${prefix} gamma` });
  await createLead(request, { name: `${prefix} delta` });

  await openLive(page, "/leads?view=all");
  await page.getByRole("searchbox", { name: "Search leads" }).fill(prefix);
  await expect(page).toHaveURL(/q=Export/);
  const rows = page.getByRole("row");
  await expect(rows).toHaveCount(5); // header + 4
  await page.getByRole("combobox", { name: "Status", exact: true }).selectOption({ label: "New" });
  await expect(page).toHaveURL(/status=new/);
  await expect(rows).toHaveCount(4);
  await expect(page.getByText("3 leads match")).toBeVisible();
  const shown = await page.locator("tbody tr td.col-name a").allTextContents();
  expect(shown).toHaveLength(3);

  await page.getByRole("button", { name: "Export ▾" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "This view (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^leads-view-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await readFile(await download.path(), "utf8");
  const [header, ...data] = parseCsv(text);
  expect(header.slice(0, 3)).toEqual(["Id", "Lead name", "Status Id"]);
  expect(data.map((r) => r[1])).toEqual(shown);
  expect(data.every((r) => r[2] === "new")).toBeTruthy();
  // Formula-looking cells are neutralised; the phone stays readable.
  const alpha = data.find((r) => r[1].endsWith("alpha"))!;
  expect(alpha[header.indexOf("Company name")]).toBe("'=HYPERLINK(\"x\")");
  expect(alpha[header.indexOf("Phones 1 Phone")]).toBe("'+1 555 0100");
});

test("a bad filter in the address is explained and left out; the list still opens", async ({ page }) => {
  await page.goto("/leads?view=all&status=won&created_from=soon");
  const notice = page.getByRole("status").filter({ hasText: "not understood" });
  await expect(notice).toContainText("Unknown status \"won\"");
  await expect(notice).toContainText("is not a date");
  await expect(page.getByTestId("list-total")).toContainText("in all");
});
