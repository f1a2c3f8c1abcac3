import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { apiClient } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import {
  lastDayOfMonth,
  reportCsvFileName,
  reportTableCsv,
  reportTables,
  serviceToday,
} from "@pathways/validators";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

let app: App;
// Seeding the demo city takes minutes on a busy machine.
beforeAll(async () => {
  app = await startApp();
}, 400_000);
afterAll(() => app?.stop());

/** The month `by` months from this one (YYYY-MM). */
function month(by: number): string {
  const [year, number] = serviceToday().split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, number - 1 + by, 1)).toISOString().slice(0, 7);
}

describe("the taskforce period report", { timeout: 540_000 }, () => {
  it("a taskforce officer opens a hotspot's period report on a phone, reads the figures and downloads the CSV", async () => {
    const officer = apiClient(app.url);
    await officer.auth.signIn.mutate({ email: demoEmail("outreach_worker"), password: demoPassword });
    const southPark = (await officer.hotspots.list.query({})).find(
      (hotspot) => hotspot.name === "South Park",
    )!;
    const occurredAt = new Date(`${month(-1)}-15T12:00:00Z`);
    const place = { occurredAt, hotspotId: southPark.id };
    await officer.taskforce.log.mutate({
      ...place,
      clientKey: randomUUID(),
      kind: "arrest",
      offence: "possession_with_intent_to_supply",
      arrestCount: 2,
    });
    await officer.taskforce.log.mutate({
      ...place,
      clientKey: randomUUID(),
      kind: "seizure",
      drugSubstance: "cannabis",
      drugClass: "B",
      drugQuantity: 250,
      drugUnit: "grams",
      cashPounds: 5000,
      weapons: { knife: 6 },
    });
    const period = { from: `${month(-12)}-01`, to: lastDayOfMonth(`${month(-1)}-01`) };
    const input = { ...period, hotspotId: southPark.id };
    // Right after the demo loads, the background work is still adding up the people it met; the page
    // and the API are compared once it has caught up, so both count the same records.
    await expect
      .poll(async () => (await officer.reports.taskforce.query(input)).figuresAsOf, {
        timeout: 300_000,
        interval: 2_000,
      })
      .toBeUndefined();
    const report = await officer.reports.taskforce.query(input);
    expect(report.cashPounds).toBeGreaterThanOrEqual(5000);
    expect(report.weapons.find((row) => row.kind === "knife")!.found).toBeGreaterThanOrEqual(6);

    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.goto("/reports");
    await page.waitForURL(/\/reports\/taskforce/);
    await page.getByLabel("Hotspot").selectOption({ label: "South Park" });
    await page.getByRole("button", { name: "Run report" }).click();
    await page.waitForURL((url) => url.search.includes(`hotspot=${southPark.id}`));
    const [glance, arrests] = reportTables("taskforce", report);
    const table = page.getByRole("table", { name: glance!.title });
    await table.getByRole("rowheader", { name: "Cash seized (£)" }).waitFor();
    const cells = await table
      .locator("tbody tr")
      .evaluateAll((rows) =>
        rows.map((row) =>
          [...row.querySelectorAll("th, td")].map((cell) => (cell as HTMLElement).innerText.trim()),
        ),
      );
    // The page shows what the API's table holds, figure for figure.
    expect(cells).toEqual(
      glance!.rows.map(([label, count]) => [label, Number(count).toLocaleString("en-GB")]),
    );
    await page
      .getByRole("table", { name: arrests!.title })
      .getByRole("rowheader", { name: "Possession with intent to supply" })
      .waitFor();
    await expect.poll(() => page.locator(".report-legend").innerText()).toContain("South Park");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: `Download CSV of ${glance!.title}` }).click(),
    ]);
    // The file's name and its first rows say which hotspot and period it counts.
    expect(download.suggestedFilename()).toBe(reportCsvFileName("taskforce", glance!, report));
    expect(download.suggestedFilename()).toBe(`taskforce-${period.from}-to-${period.to}-south-park.csv`);
    const text = readFileSync((await download.path())!, "utf8");
    expect(text).toBe(reportTableCsv(glance!, report));
    const csv = parse(text, { bom: true }) as string[][];
    expect(csv.slice(0, 3)).toEqual([
      [`Period: ${period.from} to ${period.to}`, ""],
      ["Hotspot: South Park", ""],
      ["Measure", "Count"],
    ]);
    expect(csv.find((row) => row[0] === "Cash seized (£)")![1]).toBe(String(report.cashPounds));

    await noSideways(page, "the taskforce period report");
    await expectAccessible(page, "the taskforce period report");
    await screenshot(page, "taskforce-report-01-south-park-phone");

    // Printed: the page alone, no navigation, filters or buttons, and within an A4 page's printable
    // width (210 mm less two 15 mm margins: 180 mm, 680 CSS pixels).
    await page.setViewportSize({ width: 680, height: 962 });
    await page.emulateMedia({ media: "print" });
    for (const hidden of [".nav", ".topbar", ".report-filters", ".view-tabs", ".report-print"]) {
      expect(await page.locator(hidden).first().isVisible(), `${hidden} when printed`).toBe(false);
    }
    expect(await table.isVisible()).toBe(true);
    await noSideways(page, "the printed taskforce report");
    await screenshot(page, "taskforce-report-02-print");
    await context.close();
  });

  it("a taskforce officer adds an operation and a day of action on a phone and logs a sweep under them", async () => {
    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("link", { name: "Taskforce log" }).click();
    await page.getByRole("heading", { name: "Taskforce log" }).waitFor();
    const today = serviceToday();
    const operationName = `Operation Nightjar ${randomUUID().slice(0, 6)}`;
    const dayName = `South Park day of action ${randomUUID().slice(0, 6)}`;

    const operationForm = page.getByRole("form", { name: "Add an operation" });
    await operationForm.getByLabel("Name").fill(operationName);
    await operationForm.getByLabel("Started on").fill(today);
    await operationForm.getByRole("button", { name: "Add operation" }).click();
    await page.getByText(`Added the operation ${operationName}.`).waitFor();
    const dayForm = page.getByRole("form", { name: "Add a day of action" });
    await dayForm.getByLabel("Name").fill(dayName);
    await dayForm.getByLabel("Date").fill(today);
    await dayForm.getByLabel("Operation (optional)").selectOption({ label: operationName });
    await dayForm.getByRole("button", { name: "Add day of action" }).click();
    await page.getByText(`Added the day of action ${dayName} on ${today}.`).waitFor();
    await page
      .getByRole("list", { name: `Days of action of ${operationName}` })
      .getByText(dayName)
      .waitFor();

    const log = page.getByRole("form", { name: "Log taskforce activity" });
    await page.getByText("Needle sweep", { exact: true }).click();
    await page.getByLabel("Where", { exact: true }).selectOption({ label: "South Park" });
    // The day of action brings its operation with it.
    await log.getByLabel("Day of action (optional)").selectOption({ label: `${dayName}, ${today}` });
    expect(await log.getByLabel("Operation (optional)").locator("option:checked").innerText()).toBe(
      operationName,
    );
    await noSideways(page, "the taskforce log with operations");
    await expectAccessible(page, "the taskforce log with operations");
    await page.getByRole("button", { name: "Save needle sweep" }).click();
    await page.getByText("Saved: Needle sweep at South Park.").waitFor();

    const officer = apiClient(app.url);
    await officer.auth.signIn.mutate({ email: demoEmail("outreach_worker"), password: demoPassword });
    const { operations } = await officer.taskforce.operations.query();
    const operation = operations.find((row) => row.name === operationName)!;
    expect(operation.daysOfAction.map((day) => day.name)).toEqual([dayName]);
    const { items } = await officer.taskforce.list.query({ limit: 5, operationId: operation.id });
    expect(items.map((item) => [item.kind, item.dayOfActionId])).toEqual([
      ["needle_sweep", operation.daysOfAction[0]!.id],
    ]);
    await context.close();
  });
});
