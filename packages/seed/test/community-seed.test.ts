import { randomUUID } from "node:crypto";
import { type Ctx, createHotspot, listCommunityReports, logContact, logNeedleFind } from "@pathways/core";
import { communityReports, count, eq, outboxMessages } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { seedDemoCommunity } from "../src/community.ts";

describeDb("community reports demo seed", (use) => {
  // A year of outreach logged through the verbs, then the seed: a minute or more on a busy machine.
  it("spreads a year of triaged reports over the hotspots, with recent updates left for the worker", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const today = new Date("2026-06-15T12:00:00Z");
    const ctx: Ctx = { db, actor: { kind: "system", name: "demo-seed" }, now: () => today };
    const hotspotIds: Record<string, string> = {};
    for (const name of ["South Park", "Cowley Road", "Gloucester Green", "Bonn Square", "Grandpont"]) {
      hotspotIds[name] = (await createHotspot({ ctx, input: { name, lat: 51.75, lng: -1.25 } })).id;
    }
    // Weekly outreach at South Park over the year, as the outreach seed records it.
    const worker: Ctx = { db, actor: actors.outreach_worker, now: () => today };
    const hotspotId = hotspotIds["South Park"]!;
    for (let week = 0; week < 52; week += 1) {
      const at = new Date(today.getTime() - week * 7 * 86_400_000 - 3_600_000);
      await logContact({
        ctx: worker,
        input: {
          clientKey: randomUUID(),
          occurredAt: at,
          hotspotId,
          contactType: "report_follow_up",
          substances: [],
          interventions: [],
          safeguardingConcerns: [],
          notes: "Spoke to two men by the bins; both moved on.",
        },
      });
      await logNeedleFind({
        ctx: worker,
        input: { clientKey: randomUUID(), foundAt: at, hotspotId, count: 7 },
      });
    }
    await db.transaction(async (tx) => {
      await seedDemoCommunity({
        ctx: { ...ctx, db: tx },
        organisationIds: {},
        userIds: {},
        hotspotIds,
        serviceIds: {},
        keyworkerIds: [],
        today,
      });
    });

    const [reports] = await db.select({ n: count() }).from(communityReports);
    expect(reports!.n).toBe(130);
    const months = await db.selectDistinct({ month: communityReports.submittedAt }).from(communityReports);
    expect(new Set(months.map((m) => m.month.toISOString().slice(0, 7))).size).toBeGreaterThanOrEqual(10);
    const statuses = await db.selectDistinct({ status: communityReports.status }).from(communityReports);
    expect(statuses.map((s) => s.status).sort()).toEqual(
      ["acknowledged", "closed_actioned", "closed_no_action", "duplicate", "in_progress", "open"].sort(),
    );
    const byStatus = async (status: "pending" | "sent" | "failed") =>
      (await db.select({ n: count() }).from(outboxMessages).where(eq(outboxMessages.status, status)))[0]!.n;
    expect(await byStatus("sent")).toBeGreaterThan(100);
    expect(await byStatus("failed")).toBe(1);
    expect(await byStatus("pending")).toBeGreaterThan(0);

    const [linked] = await db
      .select({
        contacts: count(communityReports.linkedContactId),
        finds: count(communityReports.linkedNeedleFindId),
      })
      .from(communityReports);
    expect(linked!.contacts).toBeGreaterThan(0);
    expect(linked!.finds).toBeGreaterThan(0);

    const queue = await listCommunityReports({
      ctx: { db, actor: actors.outreach_worker, now: () => today },
      input: { limit: 100, status: "active" },
    });
    expect(queue.total).toBeGreaterThan(5);
  }, 180_000);
});
