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
    // The demo's own areas (Oxford within Oxfordshire), with their populations and deaths already.
    const areas = await admin.deaths.areas.query();
    const city = areas.find((area) => area.name === "Oxford")!;
    const county = areas.find((area) => area.name === "Oxfordshire")!;
    expect([city.withinAreaId, city.years]).toEqual([county.id, expect.arrayContaining([lastYear])]);
    // The commissioner's table from the API, as it stands before this journey adds to it.
    const commissioner = apiClient(app.url);
    await commissioner.auth.signIn.mutate({ email: demoEmail("commissioner"), password: demoPassword });
    const ratesTable = async () => {
      const report = await commissioner.reports.rates.query({
        from: `${lastYear}-01-01`,
        to: `${lastYear}-12-31`,
      });
      const [table] = reportTables("rates", report);
      const row = (name: string) => table!.rows.find((cells) => cells[0] === name)!;
      return {
        oxford: row("Oxford"),
        oxfordshire: row("Oxfordshire"),
        notRecorded: row("Area not recorded"),
      };
    };
    const before = await ratesTable();
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

    // A provider starts treatment for 14 more people living in the city last year, 12 of them
    // completing alcohol-free.
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
    // The register, newest death first, holds the demo's deaths too: count those on the day first.
    const register = adminPage.getByRole("table", { name: "Recorded drug-related deaths" });
    await register.locator("tbody tr").first().waitFor();
    const onTheDay = register.locator("tbody tr").filter({ hasText: `${lastYear}-12-01` });
    const onTheDayBefore = await onTheDay.count();
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
    await onTheDay.nth(onTheDayBefore).waitFor();
    expect(await onTheDay.count()).toBe(onTheDayBefore + 1);

    // The coroner names who it was: the admin corrects the death, linking the person, and is asked first.
    // The newest recorded of the day's deaths comes first: the one just recorded.
    await onTheDay
      .first()
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
    // The page shows what the API's table holds for the commissioner (protected counts, rates from
    // them); the journey's own additions show against what the demo held before it (each count within
    // the perturbation's 2, so a difference within 4).
    const { oxford, oxfordshire, notRecorded } = await ratesTable();
    const added = (after: unknown, before: unknown) => (after as number) - (before as number);
    const per100k = (count: unknown, population: unknown) =>
      (((count as number) / (population as number)) * 100_000).toFixed(1);
    const counted = (count: unknown) => (count as number).toLocaleString("en-GB");
    expect(Math.abs(added(oxford[2], before.oxford[2]) - 16)).toBeLessThanOrEqual(4);
    expect(oxford[4]).toBe(per100k(oxford[2], oxford[3]));
    // The county holds the city: its 2 deaths and the city's 16.
    expect(Math.abs(added(oxfordshire[2], before.oxfordshire[2]) - 18)).toBeLessThanOrEqual(4);
    expect(oxfordshire[4]).toBe(per100k(oxfordshire[2], oxfordshire[3]));
    // People in treatment (per 100,000 residents) and completions (per 100,000 per year), by where
    // their episodes say they live: 14 and 12 more in the city, and in the county that holds it.
    expect(Math.abs(added(oxford[10], before.oxford[10]) - 14)).toBeLessThanOrEqual(4);
    expect(Math.abs(added(oxford[15], before.oxford[15]) - 12)).toBeLessThanOrEqual(4);
    expect(Math.abs(added(oxfordshire[10], before.oxfordshire[10]) - 14)).toBeLessThanOrEqual(4);
    expect([oxford[12], oxford[16], oxfordshire[12]]).toEqual([
      per100k(oxford[10], oxford[11]),
      per100k(oxford[15], oxford[11]),
      per100k(oxfordshire[10], oxfordshire[11]),
    ]);
    const pageOxford = cells.find((row) => row[0] === "Oxford")!;
    expect(pageOxford.slice(2, 7)).toEqual([
      counted(oxford[2]),
      counted(oxford[3]),
      oxford[4],
      oxford[5],
      oxford[6],
    ]);
    expect(pageOxford.slice(10, 19)).toEqual([
      counted(oxford[10]),
      counted(oxford[11]),
      oxford[12],
      oxford[13],
      oxford[14],
      counted(oxford[15]),
      oxford[16],
      oxford[17],
      oxford[18],
    ]);
    // Some of the demo's people in treatment record no area: counted apart, with no rate.
    expect(notRecorded[10] as number).toBeGreaterThan(0);
    expect(notRecorded[10] as number).toBeLessThan(oxford[10] as number);
    const pageNotRecorded = cells.find((row) => row[0] === "Area not recorded")!;
    expect(pageNotRecorded[10]).toBe(counted(notRecorded[10]));
    await screenshot(page, "death-rates");
    await expectAccessible(page, "death rates report");
    await context.close();
  });
});
