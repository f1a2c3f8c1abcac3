import { areaPopulations, areas, drugRelatedDeaths } from "@pathways/db";
import {
  type ReportKind,
  reportDefinitions,
  reportKinds,
  reportsFor,
  reportTables,
} from "@pathways/validators";
import { describeDb } from "@pathways/vitest-config";
import { on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import * as core from "../../src/index.ts";
import { reportScope } from "../../src/reports/common.ts";
import { DisclosureControl, smallestShown } from "../../src/reports/disclosure.ts";
import * as funnel from "../../src/reports/funnel.ts";
import * as hotspotActivity from "../../src/reports/hotspot-activity.ts";
import * as outcomes from "../../src/reports/outcomes.ts";
import { reportComputations, runReport } from "../../src/reports/registry.ts";
import * as safeguarding from "../../src/reports/safeguarding.ts";
import * as taskforce from "../../src/reports/taskforce.ts";
import * as waitingTimes from "../../src/reports/waiting-times.ts";

const year = { from: "2025-01-01", to: "2025-12-31" } as const;
const runOn = "2026-09-01";

/**
 * A little of everything every report counts, in ones and twos: a person contacted at South Park with
 * a safeguarding concern, referred, treated, discharged successfully; another waiting over 21 days;
 * a needle find, a community report, a referral to social care.
 */
async function smallWorld(world: ReportWorld) {
  const [first, second] = await world.people(2);
  const contactId = await world.contact({ at: "2025-02-03", personId: first, concerns: ["cuckooing"] });
  await world.contact({ at: "2025-02-10", personId: second, concerns: ["county_lines"] });
  const opiate = world.service("opiate_treatment");
  const referralId = await world.referral({ personId: first!, serviceId: opiate, requestedAt: "2025-02-04" });
  const secondReferral = await world.referral({
    personId: second!,
    serviceId: opiate,
    requestedAt: "2025-02-11",
  });
  await world.episodes([
    {
      personId: first!,
      substanceGroup: "opiate",
      referralId,
      startedOn: "2025-02-10",
      dischargedOn: "2025-06-30",
      dischargeReason: "completed_drug_free",
      ostAtExit: false,
    },
    { personId: second!, substanceGroup: "opiate", referralId: secondReferral, startedOn: "2025-04-01" },
  ]);
  await world.referral({
    personId: first!,
    serviceId: world.socialCareService,
    requestedAt: "2025-02-03",
    status: "accepted",
    contactId,
  });
  await world.needleFind({ at: "2025-03-01", count: 2 });
  await world.communityReport({ at: "2025-03-02" });
  const [area] = await world.db
    .insert(areas)
    .values({ name: `City ${world.tag}`, kind: "city" })
    .returning();
  await world.db
    .insert(areaPopulations)
    .values({ areaId: area!.id, year: 2025, ageBand: "all", population: 150_000, source: "test" });
  await world.db
    .insert(drugRelatedDeaths)
    .values({ areaId: area!.id, diedOn: "2025-05-06", substanceGroup: "opiate", knownToTreatment: true });
  return world;
}

/** Every count a report's tables show (the figures a reader and the CSV file see). */
function shownCounts(kind: ReportKind, report: Parameters<typeof reportTables>[1]): number[] {
  return reportTables(kind, report).flatMap((table) =>
    table.rows.flatMap((row) =>
      row.filter((value, index) => table.columns[index]!.kind === "count" && typeof value === "number"),
    ),
  ) as number[];
}

describeDb("the report registry", (use) => {
  const data = once(async () => smallWorld(await reportWorld(use().db)));

  it("shows a commissioner no count from 1 to 4 in any report it holds", { timeout: 120_000 }, async () => {
    const world = await data();
    const ctx = on(world.ctxOf("commissioner"), runOn);
    for (const kind of reportsFor("commissioner")) {
      const exact = await reportComputations[kind](
        {
          ...reportScope(ctx, reportDefinitions[kind].readers, year),
          disclosure: new DisclosureControl(false),
        },
        { ctx, input: year as never },
      );
      // The world has small true counts for every report, so an unprotected report would fail below.
      expect(
        shownCounts(kind, exact).some((n) => n > 0 && n < smallestShown),
        `${kind} has a small true count`,
      ).toBe(true);

      const report = await runReport(kind, { ctx, input: year });
      expect(report.disclosureControl, kind).toBe(true);
      const small = shownCounts(kind, report).filter((n) => n > 0 && n < smallestShown);
      expect(small, `${kind} shows no count from 1 to 4`).toEqual([]);
    }
  });

  it("gives a treatment manager their own provider's figures as they are, and only their reports", async () => {
    const world = await data();
    const ctx = on(world.ctxOf("treatment_manager"), runOn);
    for (const kind of reportKinds) {
      if (reportDefinitions[kind].readers.includes("treatment_manager" as never)) {
        const report = await runReport(kind, { ctx, input: year });
        expect(report.disclosureControl, kind).toBe(false);
        expect(report.provider?.id, kind).toBe(world.provider);
      } else {
        // The taskforce's report is its staff's (docs/decisions/0084-taskforce-report.md).
        await expect(runReport(kind, { ctx, input: year }), kind).rejects.toThrow(
          kind === "taskforce"
            ? "Only outreach workers or admins may do this."
            : "Only commissioners may do this.",
        );
      }
    }
    await expect(runReport("outcomes", { ctx: world.ctxOf("outreach_worker"), input: year })).rejects.toThrow(
      "Only commissioners or treatment managers may do this.",
    );
  });

  it("checks a report's input by its own schema, naming the field", async () => {
    const world = await data();
    await expect(
      runReport("outcomes", {
        ctx: world.ctxOf("commissioner"),
        input: { ...year, hotspotId: world.provider },
      }),
    ).rejects.toThrow("the outcomes report has no filter named hotspotId");
  });

  it("is the only way out of core for a report: no report module's function is exported on its own", () => {
    const exported = new Set<unknown>(Object.values(core));
    const modules = { funnel, hotspotActivity, outcomes, safeguarding, taskforce, waitingTimes };
    const reachable = Object.entries(modules).flatMap(([module, functions]) =>
      Object.entries(functions)
        .filter(([, value]) => typeof value === "function" && exported.has(value))
        .map(([name]) => `${module}.${name}`),
    );
    expect(reachable).toEqual([]);
    expect(Object.values(reportComputations).filter((compute) => exported.has(compute))).toEqual([]);
  });
});
