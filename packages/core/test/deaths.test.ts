import { randomUUID } from "node:crypto";
import { and, auditEvents, drugRelatedDeaths, episodes, eq } from "@pathways/db";
import { hiddenFigure, RatesInput } from "@pathways/validators";
import { DeathInput } from "@pathways/validators/deaths";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import type { Ctx } from "../src/context.ts";
import {
  correctDeath,
  countLimits,
  createArea,
  crudeRate,
  europeanStandardPopulation2013,
  importDeathFile,
  listAreas,
  listDeaths,
  recordDeath,
  setPopulation,
  standardBandOf,
  standardBands,
  standardisedRate,
} from "../src/deaths/index.ts";
import { startEpisode } from "../src/episodes/index.ts";
import { NotYours } from "../src/errors.ts";
import { ImportRejected } from "../src/import/run.ts";
import { ratesReportFor } from "../src/reports/rates.ts";
import { runReport } from "../src/reports/registry.ts";
import { addPerson } from "./pathway-fixtures.ts";
import { exactly } from "./reports/exact-figures.ts";

/*
 * The reference figures are worked out here from the definitions, not with the library the code
 * uses: exact Poisson limits by bisection on the Poisson distribution summed term by term, and
 * Dobson's interval written out from Dobson et al. (1991) as the PHE/OHID "Technical guide:
 * confidence intervals" gives it.
 */

/** P(X <= k) for X ~ Poisson(mean), summed term by term. */
function poissonCdf(k: number, mean: number): number {
  let term = Math.exp(-mean);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= mean / i;
    sum += term;
  }
  return sum;
}

/** The mean at which `tail(mean)` crosses 0.025, by bisection (tail is monotonic in the mean). */
function solve(tail: (mean: number) => number, increasing: boolean): number {
  let low = 0;
  let high = 1000;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (tail(mid) < 0.025 === increasing) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Garwood's exact 95% limits for an observed count: P(X >= O | L) = 0.025 and P(X <= O | U) = 0.025. */
function exactPoisson(observed: number) {
  return {
    lower: observed === 0 ? 0 : solve((mean) => 1 - poissonCdf(observed - 1, mean), true),
    upper: solve((mean) => poissonCdf(observed, mean), false),
  };
}

const round1 = (value: number) => Math.round(value * 10) / 10;

describe("rates per 100,000 and their 95% confidence intervals", () => {
  it("gives exact Poisson limits below 100 deaths, matching the published table for 25 (16.18 to 36.90)", () => {
    for (const observed of [1, 5, 10, 25, 60, 99]) {
      const expected = exactPoisson(observed);
      const limits = countLimits(observed);
      expect(limits.lower).toBeCloseTo(expected.lower, 6);
      expect(limits.upper).toBeCloseTo(expected.upper, 6);
    }
    // Exact 95% limits for 25 events as tabulated (e.g. the PHE/OHID technical guide's Poisson table).
    expect(countLimits(25).lower).toBeCloseTo(16.18, 2);
    expect(countLimits(25).upper).toBeCloseTo(36.9, 2);
    expect(countLimits(0)).toEqual({ lower: 0, upper: expect.closeTo(3.689, 3) });
  });

  it("gives Oxford's 25 drug-related deaths over 2015-17 as 5.8 per 100,000 (ONS), 3.8 to 8.6", () => {
    // ONS, Deaths related to drug poisoning by local authority, England and Wales, 2015-17 registrations:
    // Oxford 25 deaths, 5.8 per 100,000. Three mid-year populations adding up to 431,100 person-years
    // give that rate crude; its exact limits are 25's limits on the same person-years.
    const personYears = 143_700 * 3;
    const rate = crudeRate(25, personYears);
    const expected = exactPoisson(25);
    expect(round1(rate.rate)).toBe(5.8);
    expect(rate.lower).toBeCloseTo((expected.lower / personYears) * 100_000, 6);
    expect(rate.upper).toBeCloseTo((expected.upper / personYears) * 100_000, 6);
    expect([round1(rate.lower), round1(rate.upper)]).toEqual([3.8, 8.6]);
  });

  it("uses the normal approximation from 100 deaths: the rate plus or minus 1.96 times rate / sqrt(deaths)", () => {
    const rate = crudeRate(150, 2_000_000);
    const half = (1.959964 * 7.5) / Math.sqrt(150);
    expect(rate.rate).toBeCloseTo(7.5, 9);
    expect(rate.lower).toBeCloseTo(7.5 - half, 4);
    expect(rate.upper).toBeCloseTo(7.5 + half, 4);
  });

  it("standardises to the 2013 European Standard Population with Dobson's interval", () => {
    expect(Object.values(europeanStandardPopulation2013).reduce((a, b) => a + b, 0)).toBe(100_000);
    const bands = standardBands.map((band, index) => ({
      band,
      deaths: index >= 3 && index <= 12 ? (index % 4) + 1 : 0,
      personYears: 20_000 + index * 1_000,
    }));
    const weight = (band: keyof typeof europeanStandardPopulation2013) =>
      europeanStandardPopulation2013[band] / 100_000;
    const dsr = bands.reduce((sum, b) => sum + (weight(b.band) * b.deaths) / b.personYears, 0);
    const variance = bands.reduce((sum, b) => sum + (weight(b.band) ** 2 * b.deaths) / b.personYears ** 2, 0);
    const observed = bands.reduce((sum, b) => sum + b.deaths, 0);
    const { lower, upper } = exactPoisson(observed);
    const result = standardisedRate(bands);
    expect(result.rate).toBeCloseTo(dsr * 100_000, 9);
    expect(result.lower).toBeCloseTo(
      (dsr + Math.sqrt(variance / observed) * (lower - observed)) * 100_000,
      6,
    );
    expect(result.upper).toBeCloseTo(
      (dsr + Math.sqrt(variance / observed) * (upper - observed)) * 100_000,
      6,
    );
    // One band alone is the crude rate with its exact limits.
    const alone = standardisedRate([{ band: "30-34", deaths: 25, personYears: 431_100 }]);
    const crude = crudeRate(25, 431_100);
    expect(alone.rate).toBeCloseTo(crude.rate, 9);
    expect(alone.lower).toBeCloseTo(crude.lower, 9);
    expect(alone.upper).toBeCloseTo(crude.upper, 9);
  });
});

describeDb("the register of drug-related deaths", (use) => {
  async function setUp() {
    const world = await makeWorld(use().db);
    const admin = world.ctxOf("admin") as Ctx;
    const city = await createArea({ ctx: admin, input: { name: `Oxford ${world.tag}`, kind: "city" } });
    return { world, admin, city };
  }

  it("records a death linked only to a person the recorder may see, and corrects it with the old value kept", async () => {
    const { world, city } = await setUp();
    const manager = world.ctxOf("treatment_manager") as Ctx;
    const client = await addPerson(use().db, { clientOf: world.actors.treatment_manager.organisationId });
    const stranger = await addPerson(use().db);
    const input = (personId: string) =>
      DeathInput.parse({
        diedOn: "2025-06-01",
        areaId: city.id,
        substanceGroup: "opiate",
        knownToTreatment: true,
        ageAtDeath: 41,
        personId,
      });
    await expect(recordDeath({ ctx: manager, input: input(stranger.id) })).rejects.toBeInstanceOf(NotYours);
    const death = await recordDeath({ ctx: manager, input: input(client.id) });
    expect(death).toMatchObject({ personId: client.id, areaName: city.name, ageAtDeath: 41 });
    await expect(
      recordDeath({ ctx: world.ctxOf("commissioner") as Ctx, input: input(client.id) }),
    ).rejects.toThrow("Only treatment managers or admins may do this.");

    const corrected = await correctDeath({
      ctx: manager,
      input: {
        deathId: death.id,
        changes: { diedOn: "2025-05-31", ageAtDeath: 40 },
        reason: "Coroner's date",
      },
    });
    expect(corrected).toMatchObject({ diedOn: "2025-05-31", ageAtDeath: 40 });
    const [listed] = (await listDeaths({ ctx: manager, input: { areaId: city.id, limit: 10 } })).filter(
      (d) => d.id === death.id,
    );
    expect(listed!.corrections).toEqual([
      expect.objectContaining({
        field: "diedOn",
        oldValue: "2025-06-01",
        newValue: "2025-05-31",
        reason: "Coroner's date",
      }),
      expect.objectContaining({ field: "ageAtDeath", oldValue: "41", newValue: "40" }),
    ]);
    const events = await use()
      .db.select({ action: auditEvents.action, personId: auditEvents.personId })
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, "drug_related_death"), eq(auditEvents.entityId, death.id)));
    expect(events.map((e) => e.action).sort()).toEqual(["correct", "create"]);
    expect(events.every((e) => e.personId === client.id)).toBe(true);
    // Another provider's manager cannot relink it to someone they do not see.
    await expect(
      correctDeath({
        ctx: manager,
        input: { deathId: death.id, changes: { personId: stranger.id }, reason: "x" },
      }),
    ).rejects.toBeInstanceOf(NotYours);
  });

  it("closes the person's open episode as incomplete_client_died on the day of death, never before it started", async () => {
    const { world, city } = await setUp();
    const manager = world.ctxOf("treatment_manager") as Ctx;
    const provider = world.actors.treatment_manager.organisationId;
    const client = await addPerson(use().db, { clientOf: provider });
    const [episode] = await use()
      .db.insert(episodes)
      .values({
        personId: client.id,
        providerOrganisationId: provider,
        substanceGroup: "opiate",
        startedOn: "2025-02-01",
      })
      .returning();
    const death = (diedOn: string) =>
      DeathInput.parse({
        diedOn,
        areaId: city.id,
        substanceGroup: "opiate",
        knownToTreatment: true,
        personId: client.id,
      });
    await expect(recordDeath({ ctx: manager, input: death("2025-01-20") })).rejects.toMatchObject({
      fields: { diedOn: [expect.stringContaining("2025-02-01")] },
    });
    await recordDeath({ ctx: manager, input: death("2025-07-09") });
    const [closed] = await use().db.select().from(episodes).where(eq(episodes.id, episode!.id));
    expect([closed!.dischargedOn, closed!.dischargeReason]).toEqual(["2025-07-09", "incomplete_client_died"]);
  });

  it("linking a person by a correction closes their open episode on the day of death, and lists who", async () => {
    const { world, city } = await setUp();
    const manager = world.ctxOf("treatment_manager") as Ctx;
    const provider = world.actors.treatment_manager.organisationId;
    const client = await addPerson(use().db, { clientOf: provider });
    const [episode] = await use()
      .db.insert(episodes)
      .values({
        personId: client.id,
        providerOrganisationId: provider,
        substanceGroup: "alcohol",
        startedOn: "2025-01-10",
      })
      .returning();
    const death = await recordDeath({
      ctx: manager,
      input: DeathInput.parse({
        diedOn: "2025-08-02",
        areaId: city.id,
        substanceGroup: "alcohol",
        knownToTreatment: true,
      }),
    });
    await correctDeath({
      ctx: manager,
      input: { deathId: death.id, changes: { personId: client.id }, reason: "Identified by the coroner" },
    });
    const [closed] = await use().db.select().from(episodes).where(eq(episodes.id, episode!.id));
    expect([closed!.dischargedOn, closed!.dischargeReason]).toEqual(["2025-08-02", "incomplete_client_died"]);
    const [listed] = (await listDeaths({ ctx: manager, input: { limit: 50 } })).filter(
      (d) => d.id === death.id,
    );
    expect(listed).toMatchObject({ personId: client.id, personAttributor: client.attributor });
    expect(listed!.corrections).toEqual([
      expect.objectContaining({ field: "personId", oldValue: null, newValue: client.id }),
    ]);
  });

  it("imports populations and deaths all or nothing, naming each bad line and column", async () => {
    const { world, admin } = await setUp();
    const county = `Oxfordshire ${world.tag}`;
    const record = (line: number, values: Record<string, string>) => ({ line, values });
    const populations = {
      header: ["area", "area_kind", "within", "year", "population", "source"],
      records: [
        record(2, {
          area: county,
          area_kind: "county",
          year: "2016",
          population: "680000",
          source: "ONS MYE",
        }),
        record(3, { area: county, area_kind: "county", year: "20x6", population: "0", source: "ONS MYE" }),
        // A new area within one made on an earlier line; one within an area nobody has made.
        record(4, {
          area: `Oxford ${county}`,
          area_kind: "city",
          within: county,
          year: "2016",
          population: "150000",
          source: "ONS MYE",
        }),
        record(5, {
          area: `Ward ${county}`,
          area_kind: "ward",
          within: "Nowhere",
          year: "2016",
          population: "9000",
          source: "ONS MYE",
        }),
      ],
    };
    const refused = await importDeathFile({
      ctx: admin,
      input: { file: "populations", content: populations },
    }).catch((error) => error);
    expect(refused).toBeInstanceOf(ImportRejected);
    expect((refused as ImportRejected).problems).toEqual([
      { file: "populations.csv", line: 3, column: "year", message: "year must be a number" },
      { file: "populations.csv", line: 3, column: "population", message: "population must be at least 1" },
      {
        file: "populations.csv",
        line: 5,
        column: "within",
        message: "no area called Nowhere: give it on an earlier line or make it first",
      },
    ]);
    populations.records = populations.records.filter((r) => r.line === 2 || r.line === 4);
    expect(
      await importDeathFile({ ctx: admin, input: { file: "populations", content: populations } }),
    ).toEqual({
      written: 2,
    });
    const made = await listAreas({ ctx: admin, input: undefined });
    const countyArea = made.find((area) => area.name === county)!;
    expect(made.find((area) => area.name === `Oxford ${county}`)).toMatchObject({
      kind: "city",
      withinAreaId: countyArea.id,
    });

    const deaths = (reference: string, diedOn: string) => ({
      header: ["reference", "died_on", "area", "substance_group", "known_to_treatment", "age_at_death"],
      records: [
        record(2, {
          reference,
          died_on: diedOn,
          area: county,
          substance_group: "opiate",
          known_to_treatment: "yes",
          age_at_death: "38",
        }),
      ],
    });
    const ref = `C-${randomUUID()}`;
    const bad = await importDeathFile({
      ctx: admin,
      input: { file: "drug_related_deaths", content: deaths(ref, "2016-02-30") },
    }).catch((error) => error);
    expect((bad as ImportRejected).problems.map((p) => [p.line, p.column])).toEqual([[2, "died_on"]]);
    expect(
      await importDeathFile({
        ctx: admin,
        input: { file: "drug_related_deaths", content: deaths(ref, "2016-02-03") },
      }),
    ).toEqual({
      written: 1,
    });
    const again = await importDeathFile({
      ctx: admin,
      input: { file: "drug_related_deaths", content: deaths(ref, "2016-02-03") },
    }).catch((error) => error);
    expect((again as ImportRejected).problems).toEqual([
      {
        file: "drug_related_deaths.csv",
        line: 2,
        column: "reference",
        message: `${ref} was imported before; a death is imported once`,
      },
    ]);
    const stored = await use()
      .db.select()
      .from(drugRelatedDeaths)
      .where(eq(drugRelatedDeaths.sourceReference, ref));
    expect(stored).toHaveLength(1);
  });

  it("gives the commissioner protected deaths and rates from them, city against county, none under 10", async () => {
    const { world, admin, city } = await setUp();
    const county = await createArea({ ctx: admin, input: { name: `County ${world.tag}`, kind: "county" } });
    for (const year of [2015, 2016, 2017]) {
      await setPopulation({
        ctx: admin,
        input: { areaId: city.id, year, ageBand: "all", population: 143_700, source: "test" },
      });
      await setPopulation({
        ctx: admin,
        input: { areaId: county.id, year, ageBand: "all", population: 680_000, source: "test" },
      });
    }
    const record = (areaId: string, diedOn: string) =>
      recordDeath({
        ctx: admin,
        input: DeathInput.parse({
          diedOn,
          areaId,
          substanceGroup: "opiate",
          knownToTreatment: false,
          ageAtDeath: 35,
        }),
      });
    for (let i = 0; i < 25; i++) await record(city.id, `${2015 + (i % 3)}-0${(i % 9) + 1}-15`);
    for (let i = 0; i < 3; i++) await record(county.id, `2016-0${i + 1}-10`);

    const commissioner = world.ctxOf("commissioner") as Ctx;
    const input = RatesInput.parse({ from: "2015-01-01", to: "2017-12-31" });
    const report = await runReport("rates", { ctx: commissioner, input });
    expect(report.disclosureControl).toBe(true);
    const cityRow = report.rows.find((row) => row.area.id === city.id)!;
    const countyRow = report.rows.find((row) => row.area.id === county.id)!;
    // The count shown is perturbed by at most 2, and the rate is the shown count's, not the true one's.
    expect(Math.abs((cityRow.deaths as number) - 25)).toBeLessThanOrEqual(2);
    expect(cityRow.personYears).toBe(431_100);
    const expected = crudeRate(cityRow.deaths as number, 431_100);
    expect(cityRow.crude).toEqual({
      rate: round1(expected.rate),
      lower: round1(expected.lower),
      upper: round1(expected.upper),
    });
    expect(cityRow.lowReliability).toBe(false);
    // Three deaths show as 0 or 5: no rate on fewer than 10.
    expect([0, 5]).toContain(countyRow.deaths);
    expect(countyRow.crude).toBe(hiddenFigure);
    expect(cityRow.standardised).toBeNull();
    expect(cityRow.missing).toBe("age-standardised: no populations by age band");

    await expect(runReport("rates", { ctx: world.ctxOf("treatment_manager") as Ctx, input })).rejects.toThrow(
      "Only commissioners may do this.",
    );
  });

  it("age-standardises when every band has its populations, from the same counts the table shows", async () => {
    const { world, admin, city } = await setUp();
    const bandPopulation = (index: number) => 8_000 + index * 500;
    for (const year of [2023, 2024]) {
      for (const [index, ageBand] of standardBands.entries()) {
        await setPopulation({
          ctx: admin,
          input: { areaId: city.id, year, ageBand, population: bandPopulation(index), source: "test" },
        });
      }
      await setPopulation({
        ctx: admin,
        input: { areaId: city.id, year, ageBand: "all", population: 200_000, source: "test" },
      });
    }
    const ages = [22, 27, 29, 33, 35, 36, 38, 41, 44, 44, 47, 52, 58, 63];
    for (const [i, age] of ages.entries()) {
      await recordDeath({
        ctx: admin,
        input: DeathInput.parse({
          diedOn: `${2023 + (i % 2)}-0${(i % 9) + 1}-03`,
          areaId: city.id,
          substanceGroup: "opiate",
          knownToTreatment: false,
          ageAtDeath: age,
        }),
      });
    }
    const commissioner = world.ctxOf("commissioner") as Ctx;
    const input = RatesInput.parse({ from: "2023-01-01", to: "2024-12-31" });
    // The true counts (disclosure control off), so the expected rate can be worked out from the ages here.
    const row = (await exactly(ratesReportFor)({ ctx: commissioner, input })).rows.find(
      (r) => r.area.id === city.id,
    )!;
    const expected = standardisedRate(
      standardBands.map((band, index) => ({
        band,
        deaths: ages.filter((age) => standardBandOf(age) === band).length,
        personYears: 2 * bandPopulation(index),
      })),
    );
    expect(row.deaths).toBe(14);
    expect(row.standardised).toEqual({
      rate: round1(expected.rate),
      lower: round1(expected.lower),
      upper: round1(expected.upper),
    });
    expect(row.crude).toEqual({
      rate: 3.5,
      lower: round1((exactPoisson(14).lower / 400_000) * 100_000),
      upper: round1((exactPoisson(14).upper / 400_000) * 100_000),
    });
    expect(row.lowReliability).toBe(true);
    expect(row.missing).toBeNull();
  });
  it("counts people in treatment and completions by the area their episodes record, the county holding the city", async () => {
    const { world, admin } = await setUp();
    const county = await createArea({ ctx: admin, input: { name: `Shire ${world.tag}`, kind: "county" } });
    const city = await createArea({
      ctx: admin,
      input: { name: `Town ${world.tag}`, kind: "city", withinAreaId: county.id },
    });
    const ward = await createArea({
      ctx: admin,
      input: { name: `Ward ${world.tag}`, kind: "ward", withinAreaId: city.id },
    });
    for (const [area, population] of [
      [county, 600_000],
      [city, 150_000],
      [ward, 20_000],
    ] as const) {
      await setPopulation({
        ctx: admin,
        input: { areaId: area.id, year: 2021, ageBand: "all", population, source: "test" },
      });
    }
    const provider = world.actors.treatment_manager.organisationId;
    const episode = async (
      residenceAreaId: string | null,
      startedOn: string,
      ending: {
        on: string;
        reason: "completed_drug_free" | "incomplete_dropped_out";
        ostAtExit?: boolean;
      } | null = null,
      personId?: string,
    ) => {
      const person = personId ?? (await addPerson(use().db, { clientOf: provider })).id;
      await use()
        .db.insert(episodes)
        .values({
          personId: person,
          providerOrganisationId: provider,
          substanceGroup: "opiate",
          startedOn,
          residenceAreaId,
          dischargedOn: ending?.on ?? null,
          dischargeReason: ending?.reason ?? null,
          ostAtExit: ending ? (ending.ostAtExit ?? false) : null,
        });
      return person;
    };
    // The city itself: 24 people in treatment in 2021; 12 completed drug-free in it, one more left
    // still on opioid substitution (not a success) and one dropped out.
    for (let i = 0; i < 24; i++) {
      const ending =
        i < 12
          ? { on: "2021-09-30", reason: "completed_drug_free" as const }
          : i === 12
            ? { on: "2021-10-15", reason: "completed_drug_free" as const, ostAtExit: true }
            : i === 13
              ? { on: "2021-03-01", reason: "incomplete_dropped_out" as const }
              : null;
      await episode(city.id, i % 2 === 0 ? "2020-06-01" : "2021-02-01", ending);
    }
    // Three in the ward (within the city), six in the rest of the county (two completed).
    for (let i = 0; i < 3; i++) await episode(ward.id, "2021-04-01");
    for (let i = 0; i < 6; i++) {
      await episode(
        county.id,
        "2021-01-10",
        i < 2 ? { on: "2021-11-30", reason: "completed_drug_free" } : null,
      );
    }
    // Two with no area recorded; one more recorded in the city on a second episode counts there only.
    await episode(null, "2021-05-01");
    await episode(null, "2020-01-01", { on: "2021-01-01", reason: "incomplete_dropped_out" });
    const twice = await episode(null, "2021-01-05", { on: "2021-02-01", reason: "incomplete_dropped_out" });
    await episode(city.id, "2021-03-01", null, twice);
    // Outside the period: discharged the day before it began, started the day after it ended.
    await episode(city.id, "2020-01-01", { on: "2020-12-31", reason: "completed_drug_free" });
    await episode(city.id, "2022-01-01");
    // Deaths: the county's include the city's and the ward's.
    for (let i = 0; i < 10; i++) {
      await recordDeath({
        ctx: admin,
        input: DeathInput.parse({
          diedOn: `2021-0${(i % 9) + 1}-12`,
          areaId: i < 8 ? city.id : ward.id,
          substanceGroup: "opiate",
          knownToTreatment: false,
        }),
      });
    }
    await recordDeath({
      ctx: admin,
      input: DeathInput.parse({
        diedOn: "2021-06-12",
        areaId: county.id,
        substanceGroup: "opiate",
        knownToTreatment: false,
      }),
    });

    const commissioner = world.ctxOf("commissioner") as Ctx;
    const input = RatesInput.parse({ from: "2021-01-01", to: "2021-12-31" });
    const report = await exactly(ratesReportFor)({ ctx: commissioner, input });
    const row = (id: string) => report.rows.find((r) => r.area.id === id)!;
    const rate = (count: number, per: number) => ({
      rate: round1((count / per) * 100_000),
      lower: round1((exactPoisson(count).lower / per) * 100_000),
      upper: round1((exactPoisson(count).upper / per) * 100_000),
    });
    expect(row(city.id)).toMatchObject({
      deaths: 10,
      population: 150_000,
      inTreatment: { count: 28, rate: rate(28, 150_000), lowReliability: false },
      completions: { count: 12, rate: rate(12, 150_000), lowReliability: true },
    });
    expect(row(city.id).inTreatment.rate).toEqual({ rate: 18.7, lower: 12.4, upper: 27 });
    expect(row(county.id)).toMatchObject({
      deaths: 11,
      population: 600_000,
      inTreatment: { count: 34, rate: rate(34, 600_000) },
      completions: { count: 14, rate: rate(14, 600_000) },
    });
    expect(row(ward.id)).toMatchObject({
      deaths: 2,
      inTreatment: { count: 3, rate: hiddenFigure },
      completions: { count: 0, rate: hiddenFigure },
    });
    expect(report.areaNotRecorded).toEqual({ inTreatment: 2, completions: 0 });

    // For the commissioner every count is protected, the rates from the protected counts.
    const shown = await runReport("rates", { ctx: commissioner, input });
    const cityShown = shown.rows.find((r) => r.area.id === city.id)!;
    expect(Math.abs(cityShown.inTreatment.count - 28)).toBeLessThanOrEqual(2);
    const { rate: cityRate } = rate(cityShown.inTreatment.count, 150_000);
    expect((cityShown.inTreatment.rate as { rate: number }).rate).toBe(cityRate);
    expect([0, 5]).toContain(shown.rows.find((r) => r.area.id === ward.id)!.inTreatment.count);
    expect([0, 5]).toContain(shown.areaNotRecorded.inTreatment);
  });

  it("records where a person in treatment lives only from the configured areas", async () => {
    const { world, city } = await setUp();
    const manager = world.ctxOf("treatment_manager") as Ctx;
    const client = await addPerson(use().db, { clientOf: world.actors.treatment_manager.organisationId });
    const start = (residenceAreaId: string) =>
      startEpisode({
        ctx: manager,
        input: { personId: client.id, substanceGroup: "opiate", startedOn: "2025-03-01", residenceAreaId },
      });
    await expect(start(randomUUID())).rejects.toMatchObject({
      fields: { residenceAreaId: [expect.stringContaining("no such area")] },
    });
    const started = await start(city.id);
    const [stored] = await use().db.select().from(episodes).where(eq(episodes.id, started.id));
    expect(stored!.residenceAreaId).toBe(city.id);
  });
});
