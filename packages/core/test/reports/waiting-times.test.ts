import { describeDb } from "@pathways/vitest-config";
import { on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { addDays } from "../../src/calendar.ts";
import { Forbidden } from "../../src/errors.ts";
import { refreshPersonRollups } from "../../src/reports/person-rollups.ts";
import { waitingTimesReport, waitingTimesReportFor } from "../../src/reports/waiting-times.ts";
import { exactly } from "./exact-figures.ts";

/** What each figure counts, exactly (disclosure control has its own tests). */
const exactWaitingTimesReport = exactly(waitingTimesReportFor);

const half = { from: "2025-01-01", to: "2025-06-30" } as const;

/** Episodes started in the first half of 2025 from referrals, with waits written out by hand. */
async function waits(world: ReportWorld) {
  const start = async (
    code: "opiate_treatment" | "alcohol_treatment" | "non_opiate_treatment",
    requestedAt: string,
    startedOn: string,
  ) => {
    const [personId] = await world.people(1);
    const referralId = await world.referral({
      personId: personId!,
      serviceId: world.service(code),
      requestedAt,
    });
    const substanceGroup =
      code === "opiate_treatment" ? "opiate" : code === "alcohol_treatment" ? "alcohol" : "non_opiate";
    await world.episodes([{ personId: personId!, substanceGroup, referralId, startedOn }]);
  };
  // Opiate: 0, 3, 10, 22, 30, 40 days. Median (10 + 22) / 2 = 16; three over 21 days.
  for (const days of [0, 3, 10, 22, 30, 40])
    await start("opiate_treatment", "2025-02-01", addDays("2025-02-01", days));
  // Alcohol: 1 (started on the period's first day), 2, 5, 7, 9, 14, 21, 25. Median (7 + 9) / 2 = 8.
  await start("alcohol_treatment", "2024-12-31", "2025-01-01");
  for (const days of [2, 5, 7, 9, 14, 25])
    await start("alcohol_treatment", "2025-03-01", addDays("2025-03-01", days));
  // Requested at 23:30 UTC on 30 March, which is 00:30 on 31 March in London: 21 days, not 22.
  await start("alcohol_treatment", "2025-03-30T23:30:00Z", "2025-04-21");
  // Non-opiate: one episode, started on the period's last day after 5 days.
  await start("non_opiate_treatment", "2025-06-25", "2025-06-30");
  // Outside: started the day before and the day after the period; and an episode with no referral.
  await start("opiate_treatment", "2024-12-28", "2024-12-31");
  await start("opiate_treatment", "2025-06-28", "2025-07-01");
  const [walkIn] = await world.people(1);
  await world.episodes([{ personId: walkIn!, substanceGroup: "opiate", startedOn: "2025-03-01" }]);
  return world;
}

describeDb("waiting times report", (use) => {
  // The report reads the person rollups as of the oldest queued change: fold the world in first.
  const data = once(async () => {
    const world = await waits(await reportWorld(use().db));
    await refreshPersonRollups(use().db);
    return world;
  });

  it("gives a provider the median wait and the share over 21 days for each of its services", async () => {
    const world = await data();
    const report = await waitingTimesReport({
      ctx: on(world.ctxOf("treatment_manager"), "2025-09-01"),
      input: half,
    });
    const service = (code: string, name: string) => ({
      id: world.service(code as "opiate_treatment"),
      code,
      name,
      providerName: world.actors.treatment_manager.organisationName,
    });
    expect(report.rows).toEqual([
      {
        service: service("alcohol_treatment", "Alcohol treatment"),
        started: 8,
        withinThreshold: 7,
        overThreshold: 1,
        overThresholdShare: 12.5,
        medianDays: 8,
      },
      {
        service: service("non_opiate_treatment", "Non-opiate treatment"),
        started: 1,
        withinThreshold: 1,
        overThreshold: 0,
        overThresholdShare: 0,
        medianDays: 5,
      },
      {
        service: service("opiate_treatment", "Opiate treatment"),
        started: 6,
        withinThreshold: 3,
        overThreshold: 3,
        overThresholdShare: 50,
        medianDays: 16,
      },
      // All 15 waits: 0 1 2 3 5 5 7 [9] 10 14 21 22 25 30 40.
      {
        service: null,
        started: 15,
        withinThreshold: 11,
        overThreshold: 4,
        overThresholdShare: 26.7,
        medianDays: 9,
      },
    ]);
  });

  it("filters by substance group", async () => {
    const world = await data();
    const report = await waitingTimesReport({
      ctx: on(world.ctxOf("treatment_manager"), "2025-09-01"),
      input: { ...half, substanceGroup: "opiate" },
    });
    expect(report.substanceGroup).toBe("opiate");
    expect(
      report.rows.map((row) => [row.service?.code ?? "all", row.started, row.overThreshold, row.medianDays]),
    ).toEqual([
      ["alcohol_treatment", 0, 0, null],
      ["non_opiate_treatment", 0, 0, null],
      ["opiate_treatment", 6, 3, 16],
      ["all", 6, 3, 16],
    ]);
  });

  it("gives a commissioner every provider's services", async () => {
    const world = await data();
    const report = await exactWaitingTimesReport({
      ctx: on(world.ctxOf("commissioner"), "2025-09-01"),
      input: half,
    });
    expect(report.rows.map((row) => row.service?.name ?? "All services")).toEqual([
      "Opiate treatment (other)",
      "Alcohol treatment",
      "Non-opiate treatment",
      "Opiate treatment",
      "All services",
    ]);
    expect(
      report.rows.map((row) => [
        row.started,
        row.withinThreshold,
        row.overThreshold,
        row.overThresholdShare,
        row.medianDays,
      ]),
    ).toEqual([
      // The other provider took no one: zeros are shown, with no share or median.
      [0, 0, 0, null, null],
      [8, 7, 1, 12.5, 8],
      [1, 1, 0, 0, 5],
      [6, 3, 3, 50, 16],
      [15, 11, 4, 26.7, 9],
    ]);
  });

  it("is for commissioners and treatment managers only", async () => {
    const world = await data();
    for (const role of ["outreach_worker", "admin"] as const) {
      await expect(waitingTimesReport({ ctx: world.ctxOf(role), input: half })).rejects.toBeInstanceOf(
        Forbidden,
      );
    }
  });
});
