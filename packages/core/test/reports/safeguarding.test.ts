import { describeDb } from "@pathways/vitest-config";
import { on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { Forbidden } from "../../src/errors.ts";
import { safeguardingReport, safeguardingReportFor } from "../../src/reports/safeguarding.ts";
import { exactly } from "./exact-figures.ts";

/** What each figure counts, exactly (disclosure control has its own tests). */
const exactSafeguardingReport = exactly(safeguardingReportFor);

const quarter = { from: "2025-01-01", to: "2025-03-31" } as const;

async function concerns(world: ReportWorld) {
  const grandpont = world.hotspots.grandpont.id;
  // January: cuckooing 6, county lines 2 (one contact raised both).
  for (let i = 0; i < 5; i++) await world.contact({ at: "2025-01-12", concerns: ["cuckooing"] });
  await world.contact({ at: "2025-01-13", concerns: ["cuckooing", "county_lines"] });
  await world.contact({ at: "2025-01-14", concerns: ["county_lines"] });
  // February: cuckooing 5; child exploitation 1.
  for (let i = 0; i < 5; i++) await world.contact({ at: "2025-02-03", concerns: ["cuckooing"] });
  await world.contact({ at: "2025-02-04", concerns: ["child_exploitation"] });
  // March, at Grandpont: county lines 7, the last at 23:30 on 31 March in London.
  for (let i = 0; i < 6; i++)
    await world.contact({ at: "2025-03-10", hotspotId: grandpont, concerns: ["county_lines"] });
  const lastInMarch = await world.contact({
    at: "2025-03-31T22:30:00Z",
    hotspotId: grandpont,
    concerns: ["county_lines"],
  });
  // Outside: 1 April in London, and December; and a contact with no concern.
  await world.contact({ at: "2025-03-31T23:30:00Z", hotspotId: grandpont, concerns: ["county_lines"] });
  await world.contact({ at: "2024-12-20", concerns: ["cuckooing"] });
  await world.contact({ at: "2025-02-10" });

  // Referrals to social care: received 1, accepted 6 (two from the Grandpont contact), started 5.
  const [personId] = await world.people(1);
  const refer = (
    status: "received" | "accepted" | "treatment_started",
    contactId?: string,
    requestedAt = "2025-02-01",
  ) =>
    world.referral({
      personId: personId!,
      serviceId: world.socialCareService,
      requestedAt,
      status,
      contactId,
    });
  await refer("received");
  for (let i = 0; i < 4; i++) await refer("accepted");
  for (let i = 0; i < 2; i++) await refer("accepted", lastInMarch, "2025-03-31T22:45:00Z");
  for (let i = 0; i < 5; i++) await refer("treatment_started");
  // Outside: April, and a referral to treatment rather than social care.
  await refer("accepted", undefined, "2025-04-01");
  await world.referral({
    personId: personId!,
    serviceId: world.service("opiate_treatment"),
    requestedAt: "2025-02-01",
  });
  return world;
}

describeDb("safeguarding report", (use) => {
  const data = once(async () => concerns(await reportWorld(use().db)));

  it("counts concerns by type and month, with totals on both margins", async () => {
    const world = await data();
    const report = await exactSafeguardingReport({
      ctx: on(world.ctxOf("commissioner"), "2025-06-01"),
      input: quarter,
    });
    expect(report.months).toEqual(["2025-01", "2025-02", "2025-03"]);
    expect(report.concerns).toEqual([
      { concern: "child_exploitation", byMonth: [0, 1, 0], total: 1 },
      { concern: "adult_exploitation", byMonth: [0, 0, 0], total: 0 },
      { concern: "cuckooing", byMonth: [6, 5, 0], total: 11 },
      { concern: "county_lines", byMonth: [2, 0, 7], total: 9 },
      { concern: "child_at_risk", byMonth: [0, 0, 0], total: 0 },
      { concern: "domestic_abuse", byMonth: [0, 0, 0], total: 0 },
      { concern: "self_neglect", byMonth: [0, 0, 0], total: 0 },
      { concern: null, byMonth: [8, 6, 7], total: 21 },
    ]);
  });

  it("counts referrals to social care by outcome", async () => {
    const world = await data();
    const report = await exactSafeguardingReport({
      ctx: on(world.ctxOf("commissioner"), "2025-06-01"),
      input: quarter,
    });
    expect(report.socialCareReferrals).toEqual([
      { status: "requested", count: 0 },
      { status: "received", count: 1 },
      { status: "accepted", count: 6 },
      { status: "treatment_started", count: 5 },
      { status: "rejected", count: 0 },
      { status: "unable_to_contact", count: 0 },
      { status: "declined_by_client", count: 0 },
      { status: "cancelled", count: 0 },
      { status: null, count: 12 },
    ]);
  });

  it("filters to the contacts, and the referrals made from contacts, at one hotspot", async () => {
    const world = await data();
    const report = await exactSafeguardingReport({
      ctx: on(world.ctxOf("commissioner"), "2025-06-01"),
      input: { ...quarter, hotspotId: world.hotspots.grandpont.id },
    });
    expect(report.concerns.find((row) => row.concern === "county_lines")).toEqual({
      concern: "county_lines",
      byMonth: [0, 0, 7],
      total: 7,
    });
    expect(report.concerns.at(-1)).toEqual({ concern: null, byMonth: [0, 0, 7], total: 7 });
    expect(report.socialCareReferrals.filter((row) => row.count !== 0)).toEqual([
      { status: "accepted", count: 2 },
      { status: null, count: 2 },
    ]);
  });

  it("is for commissioners only", async () => {
    const world = await data();
    for (const role of ["outreach_worker", "treatment_manager", "admin"] as const) {
      await expect(safeguardingReport({ ctx: world.ctxOf(role), input: quarter })).rejects.toBeInstanceOf(
        Forbidden,
      );
    }
  });
});
