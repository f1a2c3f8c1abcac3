import { safeguardingReport } from "@pathways/core";
import { describeDb } from "@pathways/vitest-config";
import { on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { callerAs } from "./helpers.ts";

const quarter = { from: "2025-01-01", to: "2025-03-31" };

/** Three providers' worth of small numbers: the kind of data disclosure control exists for. */
async function smallCity(world: ReportWorld) {
  // Waiting times at the treatment manager's provider: 4, 9 and 30 days (median 9; one over 21).
  for (const days of ["2025-02-05", "2025-02-10", "2025-03-03"]) {
    const [personId] = await world.people(1);
    const referralId = await world.referral({
      personId: personId!,
      serviceId: world.service("opiate_treatment"),
      requestedAt: "2025-02-01",
    });
    await world.episodes([{ personId: personId!, substanceGroup: "opiate", referralId, startedOn: days }]);
  }
  // Concerns: cuckooing 6 in January and 2 in February.
  for (let i = 0; i < 6; i++) await world.contact({ at: "2025-01-10", concerns: ["cuckooing"] });
  for (let i = 0; i < 2; i++) await world.contact({ at: "2025-02-10", concerns: ["cuckooing"] });
  return world;
}

describeDb("reports API", (use) => {
  const data = once(async () => smallCity(await reportWorld(use().db)));
  const caller = (world: ReportWorld, role: "commissioner" | "treatment_manager", today = "2025-06-01") => {
    const ctx = on(world.ctxOf(role), today);
    return callerAs(use().db, ctx.actor as Parameters<typeof callerAs>[1]);
  };

  it("gives a commissioner suppressed figures, the same as the verb gives", async () => {
    const world = await data();
    const fromApi = await caller(world, "commissioner").reports.safeguarding(quarter);
    const cuckooing = fromApi.concerns.find((row) => row.concern === "cuckooing");
    // 2 is <5; the total of 8 would give it away, so January's 6 is hidden too.
    expect(cuckooing).toEqual({ concern: "cuckooing", byMonth: ["*", "<5", 0], total: 8 });
    expect(fromApi.disclosureControl).toBe(true);
    const fromVerb = await safeguardingReport({
      ctx: { db: use().db, actor: world.actors.commissioner },
      input: quarter,
    });
    expect({ ...fromApi, runOn: null }).toEqual({ ...fromVerb, runOn: null });
  });

  it("gives a treatment manager their own provider's figures unsuppressed", async () => {
    const world = await data();
    const report = await caller(world, "treatment_manager").reports.waitingTimes(quarter);
    expect(report.disclosureControl).toBe(false);
    expect(report.rows.find((row) => row.service?.code === "opiate_treatment")).toMatchObject({
      started: 3,
      withinThreshold: 2,
      overThreshold: 1,
      overThresholdShare: 33.3,
      medianDays: 9,
    });
    const commissioner = await caller(world, "commissioner").reports.waitingTimes(quarter);
    expect(
      commissioner.rows.find((row) => row.service?.id === world.service("opiate_treatment")),
    ).toMatchObject({
      started: "<5",
      withinThreshold: "<5",
      overThreshold: "<5",
      overThresholdShare: "*",
      medianDays: "*",
    });
  });

  it("refuses a bad period with a message naming the field", async () => {
    const world = await data();
    const refusal = await caller(world, "commissioner")
      .reports.funnel({ from: "2025-03-01", to: "2025-02-01" })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TRPCError);
    expect((refusal as TRPCError).code).toBe("BAD_REQUEST");
    expect((refusal as TRPCError).message).toContain("to must be on or after from");
  });

  it("refuses a filter a report does not take", async () => {
    const world = await data();
    const refusal = await caller(world, "commissioner")
      // @ts-expect-error the outcomes report has no hotspot filter
      .reports.outcomes({ ...quarter, hotspotId: world.hotspots.southPark.id })
      .catch((error: unknown) => error);
    expect((refusal as TRPCError).code).toBe("BAD_REQUEST");
    expect((refusal as TRPCError).message).toContain("the outcomes report has no filter named hotspotId");
  });
});
