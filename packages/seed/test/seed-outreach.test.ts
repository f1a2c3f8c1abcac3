import { createHotspot } from "@pathways/core";
import {
  contacts,
  count,
  countDistinct,
  eq,
  isNotNull,
  isNull,
  needleFinds,
  people,
  personMerges,
  safeguardingFlags,
  sql,
} from "@pathways/db";

import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { seedDemoOutreach } from "../src/outreach.ts";
import type { DemoWorld } from "../src/world.ts";

const oxford = [
  "South Park",
  "Grandpont",
  "Meadow Lane",
  "Gloucester Green",
  "Bonn Square",
  "Cowley Road",
  "Florence Park",
  "Blackbird Leys",
];

describeDb("outreach demo seed", (use) => {
  it("fills a year of outreach at the Oxford hotspots: repeat contacts, anonymous ones, flags, a merge, needle finds", async () => {
    const db = use().db;
    const { actors, systemCtx, ctxOf } = await makeWorld(db);
    const hotspotIds: Record<string, string> = {};
    for (const [i, name] of oxford.entries()) {
      hotspotIds[name] = (
        await createHotspot({ ctx: ctxOf("admin"), input: { name, lat: 51.75 + i / 100, lng: -1.25 } })
      ).id;
    }
    const today = new Date("2026-06-15T12:00:00Z");
    const world: DemoWorld = {
      ctx: { ...systemCtx, now: () => today },
      organisationIds: { taskforce: actors.outreach_worker.organisationId },
      userIds: { outreach_worker: actors.outreach_worker.userId },
      hotspotIds,
      serviceIds: {},
      keyworkerIds: [],
      today,
    };
    await db.transaction((tx) => seedDemoOutreach({ ...world, ctx: { ...world.ctx, db: tx } }));

    const [totals] = await db
      .select({
        contacts: count(),
        named: countDistinct(contacts.personId),
        hotspots: countDistinct(contacts.hotspotId),
        months: sql<number>`count(distinct date_trunc('month', ${contacts.occurredAt}))::int`,
      })
      .from(contacts);
    expect(totals!.contacts).toBeGreaterThan(400);
    expect(totals!.named).toBeGreaterThan(30);
    expect(totals!.hotspots).toBe(8);
    expect(totals!.months).toBeGreaterThanOrEqual(12);
    const [anonymous] = await db.select({ n: count() }).from(contacts).where(isNull(contacts.personId));
    expect(anonymous!.n).toBeGreaterThan(100);
    const [latest] = await db.select({ at: sql<string>`max(${contacts.occurredAt})::text` }).from(contacts);
    expect(new Date(latest!.at).getTime()).toBeLessThan(today.getTime());

    const [open] = await db
      .select({ n: count() })
      .from(safeguardingFlags)
      .where(isNull(safeguardingFlags.resolvedAt));
    const [resolved] = await db
      .select({ n: count() })
      .from(safeguardingFlags)
      .where(isNotNull(safeguardingFlags.resolvedAt));
    expect(open!.n).toBeGreaterThan(0);
    expect(resolved!.n).toBeGreaterThan(0);
    const merges = await db.select().from(personMerges);
    expect(merges).toHaveLength(1);
    const [merged] = await db.select().from(people).where(eq(people.id, merges[0]!.mergedId));
    expect(merged!.attributor).toBe("JS-1988-03-14-U");
    const [finds] = await db
      .select({ n: count(), needles: sql<number>`sum(${needleFinds.count})::int` })
      .from(needleFinds);
    expect(finds!.n).toBeGreaterThan(100);
    expect(finds!.needles).toBeGreaterThan(400);
  }, 120_000);
});
