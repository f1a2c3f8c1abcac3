import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  desktop,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

/**
 * Issue 18, problem 12: the audit log could only be searched by raw ids and showed columns of ids.
 * Now it is searched by who, what and when, reads in names, pages, sorts, and is cards on a phone.
 */
let app: App;
// Starting the server and seeding the demo city can outlast the 2-minute hook limit on a shared, busy machine.
beforeAll(async () => {
  app = await startApp();
}, 600_000);
afterAll(() => app?.stop());

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const auditTable = (page: Page) => page.getByRole("table", { name: /^Audit events/ });

async function search(page: Page, answers: { who?: string; what?: string; order?: string }) {
  const form = page.getByRole("form", { name: "Search the audit log" });
  if (answers.who !== undefined) await form.getByLabel("Who (part of a name or email)").fill(answers.who);
  if (answers.what) await form.getByLabel("What").selectOption({ label: answers.what });
  if (answers.order) await form.getByLabel("Order").selectOption({ label: answers.order });
  await form.getByRole("button", { name: "Search" }).click();
}

describe("journey: an admin reads the audit log", () => {
  it("on a phone: finds who signed in by name, reads names not ids, pages and sorts", async () => {
    // The outreach worker signs in, which the trail records.
    const worker = await newPage(app, phone);
    await signIn(worker.page, "outreach_worker");
    await worker.context.close();

    const { page, context } = await newPage(app, phone);
    await signIn(page, "admin");
    await page.goto("/admin/audit");
    await auditTable(page).waitFor();
    expect(await auditTable(page).innerText()).not.toMatch(uuid);
    await expectAccessible(page, "the audit log on a phone");
    await noSideways(page, "the audit log");
    await screenshot(page, "field-60-audit-log-phone");

    await search(page, { who: "okafor", what: "Sign in" });
    await expect
      .poll(async () => (await auditTable(page).locator("tbody tr").allInnerTexts()).join("\n"))
      .toContain("Sam Okafor");
    const rows = await auditTable(page).locator("tbody tr").allInnerTexts();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toContain(demoEmail("outreach_worker"));
      expect(row).toContain("Sign in");
      expect(row).not.toMatch(uuid);
    }
    await expectAccessible(page, "the audit log searched by who and what");
    await noSideways(page, "the audit log searched by who and what");
    await screenshot(page, "field-61-audit-log-who-what-phone");

    // The whole trail, a page at a time.
    await search(page, { who: "", what: "Any kind of event", order: "Oldest first" });
    await page.getByRole("button", { name: "Next page" }).click();
    await page.getByText("Page 2").waitFor();
    await expectAccessible(page, "the audit log, second page");
    await context.close();
  });

  it("on a desktop: a date range the wrong way round is named in the error summary", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "admin");
    await page.goto("/admin/audit");
    await auditTable(page).waitFor();
    const form = page.getByRole("form", { name: "Search the audit log" });
    await form.getByLabel("From").fill("2026-03-10");
    await form.getByLabel("To").fill("2026-03-01");
    await form.getByRole("button", { name: "Search" }).click();
    const summary = page.locator(".error-summary:focus");
    await summary.waitFor();
    await summary.getByRole("link", { name: "To must be on or after from" }).waitFor();
    await expectAccessible(page, "the audit log with a wrong date range");
    await screenshot(page, "field-62-audit-log-dates-desktop");
    await context.close();
  });
});
