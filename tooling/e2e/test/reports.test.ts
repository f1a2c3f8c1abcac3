import { readFileSync } from "node:fs";
import { apiClient } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import {
  funnelStageLabels,
  reportCsvFileName,
  reportTableCsv,
  reportTables,
  smallProtectedCounts,
} from "@pathways/validators";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  desktop,
  expectAccessible,
  newPage,
  noSideways,
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

describe("journey 3: a commissioner pulls the funnel report", () => {
  it("chooses a hotspot, sees small protected counts charted as ranges, and downloads a CSV named for the hotspot", async () => {
    // What the API answers for each hotspot over the demo year: the journey uses one with a small
    // figure, which disclosure control shows as 0 or 5 (docs/DISCLOSURE.md).
    const api = apiClient(app.url);
    await api.auth.signIn.mutate({ email: "commissioner@demo.pathways", password: demoPassword });
    const period = { from: "2025-11-01", to: "2026-10-31" };
    // Right after the demo loads, the background work is still adding up its changes ("figures as
    // of"): the API's figures are read once it has caught up, so the page, asked later, counts the same.
    await expect
      .poll(async () => (await api.reports.funnel.query(period)).figuresAsOf, {
        timeout: 300_000,
        interval: 2_000,
      })
      .toBeUndefined();
    let chosen: { name: string; report: Awaited<ReturnType<typeof api.reports.funnel.query>> } | undefined;
    for (const hotspot of await api.hotspots.list.query({ includeRetired: false })) {
      const report = await api.reports.funnel.query({ ...period, hotspotId: hotspot.id });
      if (report.stages.some((stage) => stage.count === 0 || stage.count === 5)) {
        chosen = { name: hotspot.name, report };
        break;
      }
    }
    expect(chosen, "a hotspot whose funnel has a small figure").toBeDefined();
    // No count from 1 to 4 is ever shown to a commissioner.
    expect(chosen!.report.stages.filter((stage) => stage.count >= 1 && stage.count <= 4)).toEqual([]);
    const [table] = reportTables("funnel", chosen!.report);

    const { page, context } = await newPage(app, desktop);
    await signIn(page, "commissioner");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await page.getByRole("heading", { name: "Outreach-to-recovery funnel", level: 3 }).waitFor();
    await page.getByLabel("From month").selectOption(period.from.slice(0, 7));
    await page.getByLabel("To month").selectOption(period.to.slice(0, 7));
    await page.getByLabel("Hotspot").selectOption({ label: chosen!.name });
    await page.getByRole("button", { name: "Run report" }).click();
    await page.waitForURL(/hotspot=/);
    const rows = page.locator(".report-table tbody tr");
    await expect.poll(() => rows.count()).toBe(table!.rows.length);
    // Each stage's figure on the page is the API's (protected) figure.
    for (const [index, stage] of chosen!.report.stages.entries()) {
      const row = rows.nth(index);
      await expect.poll(() => row.locator("th").innerText()).toBe(funnelStageLabels[stage.stage]);
      await expect
        .poll(async () => (await row.locator("td").first().innerText()).split("\n")[0])
        .toBe(String(stage.count));
    }
    await expect.poll(() => page.locator(".report-legend").innerText()).toContain("Figures are protected");
    // The chart draws each small count as its range (a hatched bar labelled 0–5 or 1–7), never as a
    // bar of 0 or an exact 5, with a key in words; screen readers read the same ranges in its summary.
    const ranges = chosen!.report.stages.flatMap((stage) => smallProtectedCounts[stage.count] ?? []);
    const chart = page.locator(".report-chart").first();
    await expect
      .poll(() => chart.locator("svg text").evaluateAll((texts) => texts.map((text) => text.textContent)))
      .toEqual(expect.arrayContaining(ranges));
    await expect.poll(() => chart.locator(".report-chart-key").innerText()).toContain("Hatched bars");
    await expect
      .poll(() => chart.locator("figcaption").innerText())
      .toContain(`${ranges[0]} (small, protected)`);
    await expectAccessible(page, "the funnel report");
    await screenshot(page, "reports-01-funnel");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV of Outreach-to-recovery funnel" }).click(),
    ]);
    // The file's name and its first rows name the period and the hotspot chosen.
    expect(download.suggestedFilename()).toBe(reportCsvFileName("funnel", table!, chosen!.report));
    const slug = chosen!.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    expect(download.suggestedFilename()).toBe(`funnel-${period.from}-to-${period.to}-${slug}.csv`);
    const file = await download.path();
    const text = readFileSync(file!, "utf8");
    expect(text).toBe(reportTableCsv(table!, chosen!.report));
    const csv = parse(text, { bom: true }) as string[][];
    expect(csv.slice(0, 2).map((row) => row[0])).toEqual([
      `Period: ${period.from} to ${period.to}`,
      `Hotspot: ${chosen!.name}`,
    ]);
    expect(csv[2]).toEqual(table!.columns.map((column) => column.label));
    expect(csv.slice(3, -1).map((row) => row[1])).toEqual(
      chosen!.report.stages.map((stage) => String(stage.count)),
    );
    // The file's last row says the figures are protected.
    expect(csv.at(-1)![0]).toMatch(/^Figures are protected/);
    const address = page.url();
    await context.close();

    // On a phone the same chart keeps its ranges and key, and nothing scrolls sideways.
    const small = await newPage(app, phone);
    await signIn(small.page, "commissioner");
    await small.page.goto(address);
    const phoneChart = small.page.locator(".report-chart").first();
    await expect
      .poll(() =>
        phoneChart.locator("svg text").evaluateAll((texts) => texts.map((text) => text.textContent)),
      )
      .toEqual(expect.arrayContaining(ranges));
    await phoneChart.locator(".report-chart-key").waitFor();
    await noSideways(small.page, "the funnel report for a hotspot on a phone");
    await expectAccessible(small.page, "the funnel report for a hotspot on a phone");
    await screenshot(small.page, "reports-02-funnel-small-counts-phone");
    await small.context.close();
  });
});
