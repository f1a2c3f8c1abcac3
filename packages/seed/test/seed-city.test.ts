import { type Ctx, hotspotEvidence, runReport, type UserActor } from "@pathways/core";
import { eq, organisations, users } from "@pathways/db";
import { describeDb, testDisclosureSecret } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { demoCityTargets, demoYear } from "../src/city.ts";
import { seedDemo } from "../src/demo.ts";
import { demoIncidentPlaces } from "../src/incidents.ts";

const now = new Date("2026-11-23T12:00:00Z");

describeDb("the demo city", (use) => {
  it("shows the taskforce account's figures in its last twelve months, through the reports", async () => {
    const db = use().db;
    await seedDemo({ ctx: { db, actor: { kind: "system", name: "seed" }, now: () => now } });
    // The demo's own users, as they would sign in (no fold here: seedDemo leaves the rollups current).
    const demoUser = async (email: string): Promise<Ctx> => {
      const [row] = await db
        .select({
          userId: users.id,
          name: users.name,
          email: users.email,
          role: users.role,
          organisationId: organisations.id,
          organisationName: organisations.name,
          organisationKind: organisations.kind,
        })
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .where(eq(users.email, email));
      const actor: UserActor = { kind: "user", sessionId: null, ...row! };
      return { db, actor, now: () => now, disclosureSecret: testDisclosureSecret };
    };
    const officer = await demoUser("outreach@demo.pathways");
    const manager = await demoUser("treatment@demo.pathways");
    const commissioner = await demoUser("commissioner@demo.pathways");
    const year = demoYear("2026-11-23");
    expect(year).toMatchObject({ from: "2025-11-01", to: "2026-10-31" });
    const period = { from: year.from, to: year.to };

    // About 670 people in opiate treatment and 97 completed drug-free: 14.5% (DOMAIN.md's seed check).
    const outcomes = await runReport("outcomes", { ctx: manager, input: period });
    expect(outcomes.figuresAsOf).toBeUndefined();
    const opiate = outcomes.rows.find((row) => row.substanceGroup === "opiate")!;
    expect(opiate.inTreatment).toBeGreaterThanOrEqual(660);
    expect(opiate.inTreatment).toBeLessThanOrEqual(680);
    expect(opiate.successfulCompletions).toBeGreaterThanOrEqual(92);
    expect(opiate.successfulCompletions).toBeLessThanOrEqual(102);

    // Needles collected (the finds' counts, not how many finds): 4,793 against 4,100 the year before,
    // as the commissioner reads them (each count within the perturbation's 2 of the true one).
    const activity = await runReport("hotspots", { ctx: commissioner, input: period });
    const needles = activity.total.needlesFound;
    expect(Math.abs(Number(needles.current) - demoCityTargets.needlesCollected)).toBeLessThanOrEqual(2);
    expect(
      Math.abs(Number(needles.yearBefore) - demoCityTargets.needlesCollectedYearBefore),
    ).toBeLessThanOrEqual(2);
    expect(Math.abs(Number(needles.change) - 16.9)).toBeLessThanOrEqual(0.2);

    // Some 600 community reporters sent updates; patrols most weeks; 13 arrests in the first two months.
    const taskforce = await runReport("taskforce", { ctx: officer, input: period });
    expect(taskforce.needlesCollected).toBe(demoCityTargets.needlesCollected);
    expect(taskforce.reportersUpdated).toBeGreaterThanOrEqual(590);
    expect(taskforce.reportersUpdated).toBeLessThanOrEqual(610);
    const patrols = taskforce.patrols.reduce((sum, row) => sum + Number(row.patrols), 0);
    expect(patrols).toBeGreaterThan(150);
    expect(taskforce.patrols.every((row) => Number(row.patrols) > 0)).toBe(true);
    const firstMonths = await runReport("taskforce", { ctx: officer, input: year.firstTwoMonths });
    expect(firstMonths.arrests.reduce((sum, row) => sum + Number(row.arrests), 0)).toBe(
      demoCityTargets.arrestsInFirstTwoMonths,
    );
    expect(taskforce.cashPounds).toBeGreaterThanOrEqual(5000);
    expect(taskforce.weapons.find((row) => row.kind === "knife")!.found).toBeGreaterThanOrEqual(6);

    // Incidents: the three hotspots first, then one place that is not a hotspot yet, before the rest.
    const evidence = await hotspotEvidence({ ctx: officer, input: period });
    const byIncidents = evidence.areas
      .filter((area) => area.hotspotId !== null)
      .sort((a, b) => b.total.incidents - a.total.incidents);
    expect(
      byIncidents
        .slice(0, 3)
        .map((area) => area.name)
        .sort(),
    ).toEqual(["Grandpont", "Meadow Lane", "South Park"]);
    const [first, ...others] = evidence.concentrations;
    const station = demoIncidentPlaces.at(-1)!;
    expect(first!.nearestHotspot?.name).toBe("Gloucester Green");
    // Most of the station's incidents: a few fall in this month, after the period.
    expect(first!.incidents).toBeGreaterThanOrEqual(station.incidents * 0.8);
    expect(first!.incidents).toBeGreaterThan(byIncidents[3]!.total.incidents);
    for (const other of others) expect(other.incidents).toBeLessThan(first!.incidents);

    // Drug-related deaths in the city and the county that holds it, and people in treatment by where
    // their episodes say they live: Oxford's row has a rate, and most people have an area recorded.
    const rates = await runReport("rates", { ctx: commissioner, input: period });
    const oxford = rates.rows.find((row) => row.area.name === "Oxford")!;
    const oxfordshire = rates.rows.find((row) => row.area.name === "Oxfordshire")!;
    expect(Number(oxford.deaths)).toBeGreaterThan(0);
    expect(Number(oxfordshire.deaths)).toBeGreaterThan(Number(oxford.deaths));
    expect(oxford.population).toBeGreaterThan(150_000);
    expect(oxford.inTreatment.rate).toMatchObject({ rate: expect.any(Number) });
    expect(Number(oxford.inTreatment.count)).toBeGreaterThan(Number(rates.areaNotRecorded.inTreatment));
    expect(Number(oxfordshire.inTreatment.count)).toBeGreaterThan(Number(oxford.inTreatment.count));
  }, 300_000);
});
