import { readFileSync } from "node:fs";
import { apiClient } from "@pathways/bench";
import { demoPassword } from "@pathways/core";
import { funnelStageLabels, reportTableCsv, reportTables } from "@pathways/validators";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  desktop,
  expectAccessible,
  newPage,
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
  it("sees the figures with small counts as <5, and downloads the same figures as CSV", async () => {
    // What the API answers for each hotspot over the demo year: the journey uses one with a small cell.
    const api = apiClient(app.url);
    await api.auth.signIn.mutate({ email: "commissioner@demo.pathways", password: demoPassword });
    const period = { from: "2025-11-01", to: "2026-10-31" };
    let chosen: { name: string; report: Awaited<ReturnType<typeof api.reports.funnel.query>> } | undefined;
    for (const hotspot of await api.hotspots.list.query({ includeRetired: false })) {
      const report = await api.reports.funnel.query({ ...period, hotspotId: hotspot.id });
      if (report.stages.some((stage) => stage.count === "<5")) {
        chosen = { name: hotspot.name, report };
        break;
      }
    }
    expect(chosen, "a hotspot whose funnel has a suppressed cell").toBeDefined();
    const [table] = reportTables("funnel", chosen!.report);

    const { page, context } = await newPage(app, desktop);
    await signIn(page, "commissioner");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await page.getByRole("heading", { name: "Outreach-to-recovery funnel", level: 3 }).waitFor();
    await page.getByLabel("From").fill(period.from);
    await page.getByLabel("To (inclusive)").fill(period.to);
    await page.getByLabel("Hotspot").selectOption({ label: chosen!.name });
    await page.getByRole("button", { name: "Run report" }).click();
    await page.waitForURL(/hotspot=/);
    const rows = page.locator(".report-table tbody tr");
    await expect.poll(() => rows.count()).toBe(table!.rows.length);
    // Each stage's figure on the page is the API's figure, `<5` included (read out as "fewer than 5").
    for (const [index, stage] of chosen!.report.stages.entries()) {
      const row = rows.nth(index);
      await expect.poll(() => row.locator("th").innerText()).toBe(funnelStageLabels[stage.stage]);
      await expect
        .poll(async () => (await row.locator("td").first().innerText()).split("\n")[0])
        .toBe(String(stage.count));
    }
    await expect.poll(() => page.locator(".report-legend").innerText()).toContain("<5");
    await expectAccessible(page, "the funnel report");
    await screenshot(page, "reports-01-funnel");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV of Outreach-to-recovery funnel" }).click(),
    ]);
    const file = await download.path();
    const text = readFileSync(file!, "utf8");
    expect(text).toBe(reportTableCsv(table!));
    const csv = parse(text, { bom: true }) as string[][];
    expect(csv[0]).toEqual(table!.columns.map((column) => column.label));
    expect(csv.slice(1).map((row) => row[1])).toEqual(
      chosen!.report.stages.map((stage) => String(stage.count)),
    );
    expect(csv.flat()).toContain("<5");
    await context.close();
  });
});
