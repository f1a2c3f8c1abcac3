import { runReport } from "@pathways/core";
import { reportDefinitions, reportKinds } from "@pathways/validators";
import { describeDb, testDisclosureSecret } from "@pathways/vitest-config";
import { on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { appRouter } from "../src/root.ts";
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

  it("gives a commissioner protected figures, the same as the verb gives with the same secret", async () => {
    const world = await data();
    const fromApi = await caller(world, "commissioner").reports.safeguarding(quarter);
    const cuckooing = fromApi.concerns.find((row) => row.concern === "cuckooing")!;
    // 6, 2 and 0 in truth: the 2 shows as 0 or 5, never as itself; zeros stay zeros.
    expect([0, 5]).toContain(cuckooing.byMonth[1]);
    expect(cuckooing.byMonth[2]).toBe(0);
    expect(Math.abs(cuckooing.byMonth[0]! - 6)).toBeLessThanOrEqual(5);
    expect(fromApi.disclosureControl).toBe(true);
    const fromVerb = await runReport("safeguarding", {
      ctx: { db: use().db, actor: world.actors.commissioner, disclosureSecret: testDisclosureSecret },
      input: quarter,
    });
    expect({ ...fromApi, runOn: null }).toEqual({ ...fromVerb, runOn: null });
  });

  it("gives a treatment manager their own provider's figures unsuppressed", async () => {
    const world = await data();
    const report = await caller(world, "treatment_manager").reports.waiting(quarter);
    expect(report.disclosureControl).toBe(false);
    expect(report.rows.find((row) => row.service?.code === "opiate_treatment")).toMatchObject({
      started: 3,
      withinThreshold: 2,
      overThreshold: 1,
      overThresholdShare: 33.3,
      medianDays: 9,
    });
    const commissioner = await caller(world, "commissioner").reports.waiting(quarter);
    expect(
      commissioner.rows.find((row) => row.service?.id === world.service("opiate_treatment")),
    ).toMatchObject({
      started: expect.toSatisfy((shown: number) => shown === 0 || shown === 5),
      withinThreshold: expect.toSatisfy((shown: number) => shown === 0 || shown === 5),
      overThreshold: expect.toSatisfy((shown: number) => shown === 0 || shown === 5),
      // A median over fewer than 10 (as shown) is never given to a commissioner.
      medianDays: expect.toSatisfy((median: unknown) => median === "*" || median === null),
    });
  });

  it("refuses a period that is not whole months, naming the field", async () => {
    const world = await data();
    const offGrid = await caller(world, "commissioner")
      .reports.safeguarding({ from: "2025-01-02", to: "2025-01-31" })
      .catch((error: unknown) => error);
    expect((offGrid as TRPCError).code).toBe("BAD_REQUEST");
    expect((offGrid as TRPCError).message).toContain("from must be the first day of a month");
  });

  it("refuses a bad period with a message naming the field", async () => {
    const world = await data();
    const refusal = await caller(world, "commissioner")
      .reports.funnel({ from: "2025-03-01", to: "2025-02-28" })
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

  it("has one procedure per report of the registry, under its name, for its readers", () => {
    const procedures = Object.entries(appRouter._def.procedures)
      .filter(([path]) => path.startsWith("reports."))
      .map(([path, procedure]) => [path, (procedure as { meta?: { access: unknown } }).meta?.access]);
    expect(procedures).toEqual(
      reportKinds.map((kind) => [`reports.${kind}`, reportDefinitions[kind].readers]),
    );
  });
});
