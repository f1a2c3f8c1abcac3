import { apiClient } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import { hiddenFigure, reportTables, serviceToday } from "@pathways/validators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  desktop,
  expectAccessible,
  newPage,
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

describe("drug-related deaths and rates", { timeout: 240_000 }, () => {
  it("an admin records a death on the deaths page; a commissioner reads the city's and the county's rates", async () => {
    const lastYear = Number(serviceToday().slice(0, 4)) - 1;
    const admin = apiClient(app.url);
    await admin.auth.signIn.mutate({ email: demoEmail("admin"), password: demoPassword });
    const city = await admin.deaths.createArea.mutate({ name: "Oxford", kind: "city" });
    const county = await admin.deaths.createArea.mutate({ name: "Oxfordshire", kind: "county" });
    await admin.deaths.setPopulation.mutate({
      areaId: city.id,
      year: lastYear,
      population: 150_000,
      source: "ONS MYE",
    });
    await admin.deaths.setPopulation.mutate({
      areaId: county.id,
      year: lastYear,
      population: 690_000,
      source: "ONS MYE",
    });
    const death = (areaId: string, month: number) =>
      admin.deaths.record.mutate({
        diedOn: `${lastYear}-${String(month).padStart(2, "0")}-14`,
        areaId,
        substanceGroup: "opiate",
        knownToTreatment: month % 2 === 0,
        ageAtDeath: 30 + month,
      });
    for (let i = 0; i < 15; i++) await death(city.id, (i % 12) + 1);
    for (let i = 0; i < 2; i++) await death(county.id, i + 1);

    // The admin records one more city death through the page.
    const { page: adminPage, context: adminContext } = await newPage(app, desktop);
    await signIn(adminPage, "admin");
    await adminPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Deaths" }).click();
    const form = adminPage.getByRole("form", { name: "Record a death" });
    await form.getByLabel("Date of death").fill(`${lastYear}-12-01`);
    await form.getByLabel("Area").selectOption({ label: "Oxford" });
    await form.getByLabel("Substance group").selectOption({ label: "Opiate" });
    await form.getByLabel("Age at death").fill("47");
    await form.getByLabel("Known to treatment").check();
    await form.getByRole("button", { name: "Record death" }).click();
    await adminPage
      .getByRole("status")
      .filter({ hasText: `Recorded a death on ${lastYear}-12-01 in Oxford.` })
      .waitFor();
    const register = adminPage.getByRole("table", { name: "Recorded drug-related deaths" });
    await register
      .locator("tbody tr")
      .filter({ hasText: `${lastYear}-12-01` })
      .waitFor();
    expect(await register.locator("tbody tr").count()).toBe(18);
    await expectAccessible(adminPage, "deaths page");
    await adminContext.close();

    const { page, context } = await newPage(app, desktop);
    await signIn(page, "commissioner");
    // From another report's tab (the first, the funnel), as a commissioner would come to it.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await page.waitForURL(/\/reports\/funnel/);
    await page.getByRole("table").first().waitFor();
    await page
      .getByRole("navigation", { name: "Reports" })
      .getByRole("link", { name: "Death rates" })
      .click();
    await page.waitForURL(/\/reports\/rates/);
    await page.getByRole("button", { name: "Last calendar year" }).click();
    const table = page.getByRole("table", { name: /Drug-related deaths per 100,000 per year/ });
    await table.getByRole("rowheader", { name: "Oxford", exact: true }).waitFor();
    const cells = await table
      .locator("tbody tr")
      .evaluateAll((rows) =>
        rows.map((row) =>
          [...row.querySelectorAll("th, td")].map((cell) => (cell as HTMLElement).innerText.trim()),
        ),
      );
    // The page shows what the API's table holds for the commissioner (protected counts, rates from them).
    const commissioner = apiClient(app.url);
    await commissioner.auth.signIn.mutate({ email: demoEmail("commissioner"), password: demoPassword });
    const report = await commissioner.reports.rates.query({
      from: `${lastYear}-01-01`,
      to: `${lastYear}-12-31`,
    });
    const [api] = reportTables("rates", report);
    const oxford = api!.rows.find((row) => row[0] === "Oxford")!;
    const oxfordshire = api!.rows.find((row) => row[0] === "Oxfordshire")!;
    const cityDeaths = oxford[2] as number;
    expect(Math.abs(cityDeaths - 16)).toBeLessThanOrEqual(2);
    expect(oxford[4]).toBe(((cityDeaths / 150_000) * 100_000).toFixed(1));
    expect(oxfordshire[4]).toBe(hiddenFigure);
    const pageOxford = cells.find((row) => row[0] === "Oxford")!;
    expect(pageOxford.slice(2, 7)).toEqual([String(cityDeaths), "150,000", oxford[4], oxford[5], oxford[6]]);
    expect(cells.find((row) => row[0] === "Oxfordshire")![4]).toContain("*");
    await screenshot(page, "death-rates");
    await expectAccessible(page, "death rates report");
    await context.close();
  });
});
