import { apiClient } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import { reportTables, serviceToday } from "@pathways/validators";
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
  it("an admin records, links and corrects a death on the deaths page; a commissioner reads deaths, people in treatment and completions for the city and the county", async () => {
    const lastYear = Number(serviceToday().slice(0, 4)) - 1;
    const admin = apiClient(app.url);
    await admin.auth.signIn.mutate({ email: demoEmail("admin"), password: demoPassword });
    const county = await admin.deaths.createArea.mutate({ name: "Oxfordshire", kind: "county" });
    const city = await admin.deaths.createArea.mutate({
      name: "Oxford",
      kind: "city",
      withinAreaId: county.id,
    });
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

    // A provider starts treatment for 14 people living in the city last year, 12 of them completing
    // drug-free; the demo's own episodes record no area of residence.
    const manager = apiClient(app.url);
    await manager.auth.signIn.mutate({ email: demoEmail("treatment_manager"), password: demoPassword });
    const tag = String(Date.now()).slice(-6);
    const episodeIds: string[] = [];
    for (let i = 0; i < 14; i++) {
      const person = await manager.people.create.mutate({
        firstInitial: "R",
        surnameInitial: "T",
        dateOfBirth: `1980-01-${String(i + 1).padStart(2, "0")}`,
        sex: "female",
        alias: `Rates${tag}x${i}`,
      });
      const episode = await manager.episodes.start.mutate({
        personId: person.id,
        substanceGroup: "alcohol",
        startedOn: `${lastYear}-02-01`,
        residenceAreaId: city.id,
      });
      episodeIds.push(episode.id);
      if (i < 12) {
        await manager.episodes.discharge.mutate({
          episodeId: episode.id,
          reason: "completed_alcohol_free",
          dischargedOn: `${lastYear}-10-01`,
        });
      }
    }

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

    // The coroner names who it was: the admin corrects the death, linking the person, and is asked first.
    await register
      .locator("tbody tr")
      .filter({ hasText: `${lastYear}-12-01` })
      .getByRole("button", { name: /Correct/ })
      .click();
    const dialog = adminPage.getByRole("dialog", { name: `Correct the death on ${lastYear}-12-01` });
    await dialog.getByLabel("Person, if known").fill(`Rates${tag}x13`);
    await dialog.getByRole("list", { name: "People found" }).getByRole("button").first().click();
    await dialog.getByLabel("Reason for the correction").fill("Identified by the coroner");
    await dialog.getByRole("button", { name: "Save correction" }).click();
    await dialog.getByRole("group", { name: /Their open treatment episodes end as "client died"/ }).waitFor();
    await expectAccessible(adminPage, "deaths page, correcting a death");
    await dialog.getByRole("button", { name: "Yes, correct and link" }).click();
    await dialog.waitFor({ state: "hidden" });
    const linked = register.locator("tbody tr").filter({ hasText: "Identified by the coroner" });
    await linked.filter({ hasText: "RT-1980-01-14-F" }).waitFor();
    await expectAccessible(adminPage, "deaths page");
    await adminContext.close();
    // The linked person's open episode ended on the day of death.
    const ended = await manager.episodes.get.query({ episodeId: episodeIds[13]! });
    expect([ended.dischargedOn, ended.dischargeReason]).toEqual([
      `${lastYear}-12-01`,
      "incomplete_client_died",
    ]);

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
    const table = page.getByRole("table", {
      name: /Drug-related deaths, people in treatment and successful completions per 100,000/,
    });
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
    const per100k = (count: unknown, population: number) =>
      (((count as number) / population) * 100_000).toFixed(1);
    const cityDeaths = oxford[2] as number;
    expect(Math.abs(cityDeaths - 16)).toBeLessThanOrEqual(2);
    expect(oxford[4]).toBe(per100k(cityDeaths, 150_000));
    // The county holds the city: its 2 deaths and the city's 16.
    expect(Math.abs((oxfordshire[2] as number) - 18)).toBeLessThanOrEqual(2);
    expect(oxfordshire[4]).toBe(per100k(oxfordshire[2], 690_000));
    // People in treatment (per 100,000 residents) and completions (per 100,000 per year), by where
    // their episodes say they live: 14 and 12 in the city, the same in the county that holds it.
    const [cityInTreatment, cityCompletions] = [oxford[10] as number, oxford[15] as number];
    expect(Math.abs(cityInTreatment - 14)).toBeLessThanOrEqual(2);
    expect(Math.abs(cityCompletions - 12)).toBeLessThanOrEqual(2);
    expect([oxford[11], oxford[12], oxford[16]]).toEqual([
      150_000,
      per100k(cityInTreatment, 150_000),
      per100k(cityCompletions, 150_000),
    ]);
    expect(Math.abs((oxfordshire[10] as number) - 14)).toBeLessThanOrEqual(2);
    expect(oxfordshire[12]).toBe(per100k(oxfordshire[10], 690_000));
    const pageOxford = cells.find((row) => row[0] === "Oxford")!;
    expect(pageOxford.slice(2, 7)).toEqual([String(cityDeaths), "150,000", oxford[4], oxford[5], oxford[6]]);
    expect(pageOxford.slice(10, 19)).toEqual([
      String(cityInTreatment),
      "150,000",
      oxford[12],
      oxford[13],
      oxford[14],
      String(cityCompletions),
      oxford[16],
      oxford[17],
      oxford[18],
    ]);
    // The demo's people in treatment record no area: counted apart, with no rate.
    const notRecorded = api!.rows.find((row) => row[0] === "Area not recorded")!;
    expect(notRecorded[10] as number).toBeGreaterThan(100);
    const pageNotRecorded = cells.find((row) => row[0] === "Area not recorded")!;
    expect(pageNotRecorded[10]).toBe((notRecorded[10] as number).toLocaleString("en-GB"));
    await screenshot(page, "death-rates");
    await expectAccessible(page, "death rates report");
    await context.close();
  });
});
