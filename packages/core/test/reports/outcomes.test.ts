import { describeDb } from "@pathways/vitest-config";
import { on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { Forbidden } from "../../src/errors.ts";
import { outcomesReport, outcomesReportFor } from "../../src/reports/outcomes.ts";
import { refreshPersonRollups } from "../../src/reports/person-rollups.ts";
import { exactly } from "./exact-figures.ts";

/** What each figure counts, exactly (disclosure control has its own tests). */
const exactOutcomesReport = exactly(outcomesReportFor);

const year2025 = { from: "2025-01-01", to: "2025-12-31" } as const;

/**
 * The DOMAIN.md seed check, built by hand: the treatment manager's provider has 670 opiate clients in
 * treatment in 2025, 97 of whom completed drug-free (14.5%). Around them: exits of every kind, the
 * period's edges, re-presentations on either side of day 182, a small alcohol group and a second
 * provider.
 */
async function seedCheck(world: ReportWorld) {
  const completers = await world.people(97);
  const onOst = await world.people(3);
  const droppedOut = await world.people(60);
  const transferred = await world.people(10);
  const stillOpen = await world.people(500);
  const [dischargedBefore, startedAfter] = await world.people(2);
  const alcohol = await world.people(3);
  const otherProviders = await world.people(5);

  const completion = (personId: string, dischargedOn: string) => ({
    personId,
    substanceGroup: "opiate" as const,
    startedOn: "2024-06-01",
    dischargedOn,
    dischargeReason: "completed_drug_free" as const,
    ostAtExit: false,
  });
  const newEpisode = (personId: string, startedOn: string, providerId?: string) => ({
    personId,
    substanceGroup: "opiate" as const,
    startedOn,
    providerId,
  });
  await world.episodes([
    // Ten re-present 30 days after completing (one of them at the other provider).
    ...completers
      .slice(0, 10)
      .flatMap((id, i) => [
        completion(id, "2025-03-01"),
        newEpisode(id, "2025-03-31", i === 0 ? world.otherProvider : undefined),
      ]),
    // Day 181 after 1 June is 29 November: a re-presentation.
    completion(completers[10]!, "2025-06-01"),
    newEpisode(completers[10]!, "2025-11-29"),
    // Day 183 after 1 March is 31 August: too late to be a re-presentation.
    completion(completers[11]!, "2025-03-01"),
    newEpisode(completers[11]!, "2025-08-31"),
    // Two re-refer themselves around midnight of day 182 after 1 April (see the referrals below).
    completion(completers[12]!, "2025-04-01"),
    completion(completers[13]!, "2025-04-01"),
    // The last day of the period is in it.
    completion(completers[14]!, "2025-12-31"),
    ...completers.slice(15).map((id) => completion(id, "2025-07-15")),
    // Drug-free but still on opioid substitution: a discharge, not a successful completion.
    ...onOst.map((id) => ({ ...completion(id, "2025-05-01"), ostAtExit: true })),
    ...droppedOut.map((id, i) => ({
      personId: id,
      substanceGroup: "opiate" as const,
      startedOn: "2024-09-01",
      // The first day of the period is in it.
      dischargedOn: i === 0 ? "2025-01-01" : "2025-06-15",
      dischargeReason: "incomplete_dropped_out" as const,
      ostAtExit: true,
    })),
    ...transferred.map((id) => ({
      personId: id,
      substanceGroup: "opiate" as const,
      startedOn: "2025-02-01",
      dischargedOn: "2025-09-01",
      dischargeReason: "transferred_not_in_custody" as const,
      ostAtExit: true,
    })),
    ...stillOpen.map((id, i) => newEpisode(id, i === 0 ? "2025-12-31" : "2024-03-01")),
    // Outside the period on either side.
    { ...completion(dischargedBefore!, "2024-12-31"), startedOn: "2024-01-01" },
    newEpisode(startedAfter!, "2026-01-01"),
    {
      personId: alcohol[0]!,
      substanceGroup: "alcohol",
      startedOn: "2025-01-10",
      dischargedOn: "2025-05-01",
      dischargeReason: "completed_alcohol_free",
    },
    ...alcohol
      .slice(1)
      .map((id) => ({ personId: id, substanceGroup: "alcohol" as const, startedOn: "2025-02-01" })),
    ...otherProviders.map((id) => newEpisode(id, "2025-02-01", world.otherProvider)),
  ]);
  // 30 September is day 182 after 1 April. 22:30 UTC is 23:30 in London (BST): day 182, a
  // re-presentation. 23:30 UTC is already 1 October in London: day 183, not one.
  const opiateService = world.service("opiate_treatment");
  await world.referral({
    personId: completers[12]!,
    serviceId: opiateService,
    requestedAt: "2025-09-30T23:30:00Z",
    status: "requested",
  });
  await world.referral({
    personId: completers[13]!,
    serviceId: opiateService,
    requestedAt: "2025-09-30T22:30:00Z",
    status: "requested",
  });
  return world;
}

describeDb("outcomes report", (use) => {
  // The report reads the person rollups as of the oldest queued change: fold the world in first.
  const data = once(async () => {
    const world = await seedCheck(await reportWorld(use().db));
    await refreshPersonRollups(use().db);
    return world;
  });

  it("gives the DOMAIN.md seed check: 670 opiate clients in treatment, 97 drug-free completions, 14.5%", {
    timeout: 120_000,
  }, async () => {
    const world = await data();
    const report = await outcomesReport({
      ctx: on(world.ctxOf("treatment_manager"), "2026-07-02"),
      input: { ...year2025, substanceGroup: "opiate" },
    });
    expect(report.disclosureControl).toBe(false);
    expect(report.provider).toEqual({
      id: world.provider,
      name: world.actors.treatment_manager.organisationName,
    });
    expect(report.rows).toEqual([
      {
        substanceGroup: "opiate",
        inTreatment: 670,
        successfulCompletions: 97,
        successfulCompletionShare: 14.5,
        // 97 less the 12 who re-presented within 182 days (10 at day 30, one at day 181, one at day 182).
        completionsWithoutRepresentation: 85,
        withoutRepresentationShare: 12.7,
        // 97 + 3 on OST + 60 dropped out + 10 transferred.
        discharges: 170,
        successfulDischarges: 97,
        successfulShareOfExits: 57.1,
      },
    ]);
    expect(report.exitsByReason.filter((row) => row.total !== 0)).toEqual([
      { dischargeReason: "completed_drug_free", bySubstanceGroup: [100], total: 100 },
      { dischargeReason: "transferred_not_in_custody", bySubstanceGroup: [10], total: 10 },
      { dischargeReason: "incomplete_dropped_out", bySubstanceGroup: [60], total: 60 },
      { dischargeReason: null, bySubstanceGroup: [170], total: 170 },
    ]);
    expect(report.withoutRepresentationProvisional).toBe(false);
    expect(report.withoutRepresentationFinalOn).toBe("2026-07-02");
  });

  it("shows a provider every substance group and the total, unsuppressed", async () => {
    const world = await data();
    const report = await outcomesReport({
      ctx: on(world.ctxOf("treatment_manager"), "2026-07-02"),
      input: year2025,
    });
    const none = {
      inTreatment: 0,
      successfulCompletions: 0,
      successfulCompletionShare: null,
      completionsWithoutRepresentation: 0,
      withoutRepresentationShare: null,
      discharges: 0,
      successfulDischarges: 0,
      successfulShareOfExits: null,
    };
    expect(report.rows).toEqual([
      expect.objectContaining({ substanceGroup: "opiate", inTreatment: 670, successfulCompletions: 97 }),
      { substanceGroup: "non_opiate", ...none },
      { substanceGroup: "non_opiate_and_alcohol", ...none },
      {
        substanceGroup: "alcohol",
        inTreatment: 3,
        successfulCompletions: 1,
        successfulCompletionShare: 33.3,
        completionsWithoutRepresentation: 1,
        withoutRepresentationShare: 33.3,
        discharges: 1,
        successfulDischarges: 1,
        successfulShareOfExits: 100,
      },
      {
        substanceGroup: null,
        inTreatment: 673,
        successfulCompletions: 98,
        successfulCompletionShare: 14.6,
        completionsWithoutRepresentation: 86,
        withoutRepresentationShare: 12.8,
        discharges: 171,
        successfulDischarges: 98,
        successfulShareOfExits: 57.3,
      },
    ]);
  });

  it("gives a commissioner every provider, and marks re-presentation provisional until day 183 after the period", async () => {
    const world = await data();
    const before = await exactOutcomesReport({
      ctx: on(world.ctxOf("commissioner"), "2026-07-01"),
      input: { ...year2025, substanceGroup: "opiate" },
    });
    expect(before.provider).toBeNull();
    expect(before.rows).toEqual([
      {
        substanceGroup: "opiate",
        // 670 + the other provider's 5 (its re-presenter is one of the 670).
        inTreatment: 675,
        successfulCompletions: 97,
        successfulCompletionShare: 14.4,
        completionsWithoutRepresentation: 85,
        withoutRepresentationShare: 12.6,
        discharges: 170,
        successfulDischarges: 97,
        successfulShareOfExits: 57.1,
      },
    ]);
    expect(before.withoutRepresentationProvisional).toBe(true);
    expect(before.withoutRepresentationFinalOn).toBe("2026-07-02");
    const after = await exactOutcomesReport({
      ctx: on(world.ctxOf("commissioner"), "2026-07-02"),
      input: { ...year2025, substanceGroup: "opiate" },
    });
    expect(after.withoutRepresentationProvisional).toBe(false);
  });

  it("counts every provider's episodes for a commissioner, by group and across groups", async () => {
    const world = await data();
    const report = await exactOutcomesReport({
      ctx: on(world.ctxOf("commissioner"), "2026-07-02"),
      input: year2025,
    });
    const zeros = {
      inTreatment: 0,
      successfulCompletions: 0,
      successfulCompletionShare: null,
      completionsWithoutRepresentation: 0,
      withoutRepresentationShare: null,
      discharges: 0,
      successfulDischarges: 0,
      successfulShareOfExits: null,
    };
    expect(report.rows).toEqual([
      // The second provider's 5 opiate clients join the seed check's 670.
      {
        substanceGroup: "opiate",
        inTreatment: 675,
        successfulCompletions: 97,
        successfulCompletionShare: 14.4,
        completionsWithoutRepresentation: 85,
        withoutRepresentationShare: 12.6,
        discharges: 170,
        successfulDischarges: 97,
        successfulShareOfExits: 57.1,
      },
      { substanceGroup: "non_opiate", ...zeros },
      { substanceGroup: "non_opiate_and_alcohol", ...zeros },
      {
        substanceGroup: "alcohol",
        inTreatment: 3,
        successfulCompletions: 1,
        successfulCompletionShare: 33.3,
        completionsWithoutRepresentation: 1,
        withoutRepresentationShare: 33.3,
        discharges: 1,
        successfulDischarges: 1,
        successfulShareOfExits: 100,
      },
      {
        substanceGroup: null,
        inTreatment: 678,
        successfulCompletions: 98,
        successfulCompletionShare: 14.5,
        completionsWithoutRepresentation: 86,
        withoutRepresentationShare: 12.7,
        discharges: 171,
        successfulDischarges: 98,
        successfulShareOfExits: 57.3,
      },
    ]);
    // Reasons down, groups across (opiate, non-opiate, non-opiate and alcohol, alcohol), total.
    expect(report.substanceGroups).toEqual(["opiate", "non_opiate", "non_opiate_and_alcohol", "alcohol"]);
    expect(report.exitsByReason.filter((row) => row.total !== 0)).toEqual([
      { dischargeReason: "completed_drug_free", bySubstanceGroup: [100, 0, 0, 0], total: 100 },
      { dischargeReason: "completed_alcohol_free", bySubstanceGroup: [0, 0, 0, 1], total: 1 },
      { dischargeReason: "transferred_not_in_custody", bySubstanceGroup: [10, 0, 0, 0], total: 10 },
      { dischargeReason: "incomplete_dropped_out", bySubstanceGroup: [60, 0, 0, 0], total: 60 },
      { dischargeReason: null, bySubstanceGroup: [170, 0, 0, 1], total: 171 },
    ]);
  });

  it("is for commissioners and treatment managers only", async () => {
    const world = await data();
    for (const role of ["outreach_worker", "admin"] as const) {
      await expect(outcomesReport({ ctx: world.ctxOf(role), input: year2025 })).rejects.toBeInstanceOf(
        Forbidden,
      );
    }
  });
});
