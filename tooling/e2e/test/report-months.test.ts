import { readFileSync } from "node:fs";
import { apiClient } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import {
  type HotspotActivityReport,
  lastDayOfMonth,
  reportCsvFileName,
  reportTableCsv,
  reportTables,
  serviceToday,
} from "@pathways/validators";
import { parse } from "csv-parse/sync";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  desktop,
  expectAccessible,
  newPage,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

/** The month `by` months from this one (YYYY-MM), worked out here rather than by the web's helper. */
function month(by: number): string {
  const [year, number] = serviceToday().split("-").map(Number) as [number, number];
  const date = new Date(Date.UTC(year, number - 1 + by, 1));
  return date.toISOString().slice(0, 7);
}
function whole(first: string, last: string) {
  return { from: `${first}-01`, to: lastDayOfMonth(`${last}-01`) };
}
/** Every month from `first` to `last` (YYYY-MM), as the by-month table lists them. */
function monthsFrom(first: string, last: string): string[] {
  const months: string[] = [];
  for (let at = first; at <= last; at = nextMonth(at)) months.push(at);
  return months;
}
function nextMonth(at: string): string {
  const [year, number] = at.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, number, 1)).toISOString().slice(0, 7);
}

/** The figures of the by-month table on the page, as the API's table holds them (months and contacts). */
async function pageMonthsAndContacts(page: Page): Promise<string[][]> {
  const rows = page.locator(".report-table").first().locator("tbody tr");
  return rows.evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = [...tr.querySelectorAll("th, td")].map((cell) => (cell as HTMLElement).innerText);
      return [cells[0]!, cells[3]!.replace(/,/g, "")];
    }),
  );
}
function apiMonthsAndContacts(report: HotspotActivityReport): string[][] {
  const [table] = reportTables("hotspots", report);
  return table!.rows.map((row) => [String(row[0]), String(row[3])]);
}

describe("a commissioner chooses report periods as whole months", () => {
  it("picks months by keyboard and by preset, sees those months' figures, downloads them, and cannot ask for part of a month", async () => {
    const api = apiClient(app.url);
    await api.auth.signIn.mutate({ email: "commissioner@demo.pathways", password: demoPassword });
    // Right after the demo loads, the background work is still adding up its changes ("figures as
    // of"); the page and the API are compared once it has caught up, so both count the same records.
    await expect
      .poll(async () => (await api.reports.hotspots.query(whole(month(-12), month(-1)))).figuresAsOf, {
        timeout: 300_000,
        interval: 2_000,
      })
      .toBeUndefined();
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "commissioner");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await page
      .getByRole("navigation", { name: "Reports" })
      .getByRole("link", { name: "Hotspot activity" })
      .click();
    await page.waitForURL(/\/reports\/hotspots/);

    // The default: the last 12 full months.
    const from = page.getByLabel("From month");
    const to = page.getByLabel("To month");
    await expect.poll(() => from.inputValue()).toBe(month(-12));
    expect(await to.inputValue()).toBe(month(-1));
    // Only whole months can be chosen: every option of both fields is a month, none a day.
    for (const field of [from, to]) {
      const values = await field
        .locator("option")
        .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
      expect(values.length).toBeGreaterThan(12);
      expect(values.filter((value) => !/^\d{4}-\d{2}$/.test(value))).toEqual([]);
    }

    // By keyboard: two months earlier to one month earlier, then Run report.
    await from.focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("report-to");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Run report");
    await page.keyboard.press("Enter");
    const picked = whole(month(-14), month(-2));
    await page.waitForURL((url) => url.search.includes(`from=${picked.from}&to=${picked.to}`));
    const report = await api.reports.hotspots.query(picked);
    expect(report.months.map((m) => m.month)).toEqual(monthsFrom(month(-14), month(-2)));
    await expect.poll(() => pageMonthsAndContacts(page)).toEqual(apiMonthsAndContacts(report));
    await expect
      .poll(() => page.locator(".report-legend").innerText())
      .toContain(`${picked.from} to ${picked.to}`);

    // The CSV holds the same months and figures, and its name says which.
    const [table] = reportTables("hotspots", report);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: `Download CSV of ${table!.title}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(reportCsvFileName("hotspots", table!, picked));
    const text = readFileSync((await download.path())!, "utf8");
    expect(text).toBe(reportTableCsv(table!, report));
    const csv = parse(text, { bom: true }) as string[][];
    // The file starts by naming its period; the column headings follow.
    expect(csv[0]![0]).toBe(`Period: ${picked.from} to ${picked.to}`);
    expect(csv.slice(2, -2).map((row) => row[0])).toEqual(monthsFrom(month(-14), month(-2)));
    expect(csv.at(-2)!.slice(0, 3)).toEqual(["Total", picked.from, picked.to]);
    expect(csv.at(-1)![0]).toMatch(/^Figures are protected/);

    // The legend explains every figure a protected report can show.
    const legend = await page.locator(".report-legend dt").allInnerTexts();
    expect(legend).toEqual(["0", "5", "6", "7 or more", "*", "–"]);
    await expectAccessible(page, "the hotspot activity report over chosen months");
    await screenshot(page, "report-months-01-keyboard");

    // By preset: the last full month, run at once.
    await page.getByRole("button", { name: "Last full month" }).click();
    const lastMonth = whole(month(-1), month(-1));
    await page.waitForURL((url) => url.search.includes(`from=${lastMonth.from}&to=${lastMonth.to}`));
    await expect
      .poll(() => page.getByRole("button", { name: "Last full month" }).getAttribute("aria-pressed"))
      .toBe("true");
    expect(await from.inputValue()).toBe(month(-1));
    const oneMonth = await api.reports.hotspots.query(lastMonth);
    await expect.poll(() => pageMonthsAndContacts(page)).toEqual(apiMonthsAndContacts(oneMonth));

    // A reversed range is stopped before it is asked, with the validators' message under To month.
    await from.selectOption(month(-2));
    await to.selectOption(month(-4));
    await page.getByRole("button", { name: "Run report" }).click();
    await expect.poll(() => to.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#report-to-error").innerText()).toBe("To must be on or after from");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("report-to");
    expect(page.url()).toContain(`from=${lastMonth.from}&to=${lastMonth.to}`);

    // An old link with part of a month shows the months it falls in and the validators' message;
    // Run report then asks for the whole months, which the server answers.
    await page.goto(`/reports/hotspots?from=${month(-3)}-15&to=${month(-2)}-10`);
    await expect
      .poll(() => page.locator("#report-from-error").innerText())
      .toBe(`From must be the first day of a month (reports cover whole months), e.g. ${month(-3)}-01`);
    expect(await from.inputValue()).toBe(month(-3));
    expect(await to.inputValue()).toBe(month(-2));
    await page.getByRole("button", { name: "Run report" }).click();
    const fixed = whole(month(-3), month(-2));
    await page.waitForURL((url) => url.search.includes(`from=${fixed.from}&to=${fixed.to}`));
    const twoMonths = await api.reports.hotspots.query(fixed);
    await expect.poll(() => pageMonthsAndContacts(page)).toEqual(apiMonthsAndContacts(twoMonths));
    expect(await page.locator(".status-notice-error").count()).toBe(0);
    await context.close();
  });

  it("on a phone, the financial year preset gives April to March and its figures", async () => {
    const api = apiClient(app.url);
    await api.auth.signIn.mutate({ email: "commissioner@demo.pathways", password: demoPassword });
    const { page, context } = await newPage(app, phone);
    await signIn(page, "commissioner");
    await page.goto("/reports/hotspots");
    await page.getByRole("button", { name: "Last financial year (April–March)" }).click();
    // The financial year that ended last: April to March.
    const [year, number] = serviceToday().split("-").map(Number) as [number, number];
    const end = number >= 4 ? year : year - 1;
    const financial = whole(`${end - 1}-04`, `${end}-03`);
    await page.waitForURL((url) => url.search.includes(`from=${financial.from}&to=${financial.to}`));
    const report = await api.reports.hotspots.query(financial);
    await expect.poll(() => pageMonthsAndContacts(page)).toEqual(apiMonthsAndContacts(report));
    expect(await page.getByLabel("From month").inputValue()).toBe(`${end - 1}-04`);
    expect(await page.getByLabel("To month").inputValue()).toBe(`${end}-03`);
    await expectAccessible(page, "the month picker on a phone");
    await screenshot(page, "report-months-02-phone");
    await context.close();
  });
});
