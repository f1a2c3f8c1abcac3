import { queryRows, sql } from "@pathways/db";
import { describeDb } from "@pathways/vitest-config";
import { reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { funnelFromRaw, funnelFromRollups } from "../../src/reports/funnel.ts";
import { personRollupsAnswer, refreshPersonRollups } from "../../src/reports/person-rollups.ts";
import { loadTown, town } from "./bulk-town.ts";

async function queue(db: Parameters<typeof queryRows>[0]) {
  const [row] = await queryRows<{ rows: number; people: number }>(
    db,
    sql`select count(*)::int as rows, count(distinct person_id)::int as people from report_person_queue`,
  );
  return row!;
}

describeDb("person rollups after a bulk load", (use) => {
  it("drain a town's queue, left with the statistics the load left, recomputing each person once", async () => {
    const { db } = use();
    const world = await reportWorld(db);
    await refreshPersonRollups(db);
    await loadTown(db, world);
    const loaded = await queue(db);
    // Every batch queued its people again: many more queue rows than people.
    expect(loaded.rows).toBeGreaterThan(town.people * 3);
    // Bulk change: reports count the raw rows until the rollups are rebuilt.
    expect(await personRollupsAnswer(db, "2026-06-01")).toBeNull();

    const drained = await refreshPersonRollups(db);
    expect(drained.rebuilt).toBe(true);
    expect(drained.queued).toBe(loaded.rows);
    expect(await queue(db)).toEqual({ rows: 0, people: 0 });
    expect(await personRollupsAnswer(db, "2026-06-01")).toEqual({ asOf: null });
    for (const period of [
      { from: "2021-01-01", to: "2025-12-31" },
      { from: "2023-04-01", to: "2023-06-30" },
    ]) {
      const query = { ...period, hotspotId: null, today: "2026-06-01" };
      expect(await funnelFromRollups(db, query)).toEqual(await funnelFromRaw(db, query));
    }

    // Another batch naming a few hundred people, still without statistics: folded person by person,
    // each person once however many times the batch queued them.
    await db.execute(sql`
      insert into contacts (client_key, occurred_at, hotspot_id, worker_id, organisation_id, person_id, contact_type)
      select 'again-' || g, timestamptz '2026-05-01 10:00:00+00' + g * interval '1 minute',
        ${world.hotspots.southPark.id}::uuid, ${world.actors.outreach_worker.userId}::uuid,
        ${world.actors.outreach_worker.organisationId}::uuid, p.id, 'street_outreach'
      from generate_series(1, 3000) g
      join lateral (select id from people where attributor like ${`TOWN-${world.tag}-%`}
        order by id offset (g % 300) limit 1) p on true`);
    for (let i = 0; i < 3; i++) {
      await db.execute(sql`insert into report_person_queue (person_id)
        select distinct person_id from contacts where client_key like 'again-%'`);
    }
    const again = await queue(db);
    expect(again.people).toBe(300);
    const refolded = await refreshPersonRollups(db);
    expect(refolded.rebuilt).toBe(false);
    expect(refolded.people).toBe(again.people);
    expect(await queue(db)).toEqual({ rows: 0, people: 0 });
    const query = { from: "2026-05-01", to: "2026-05-31", hotspotId: null, today: "2026-06-01" };
    const figures = await funnelFromRollups(db, query);
    expect(figures).toEqual(await funnelFromRaw(db, query));
    expect(figures.people_contacted).toBe(300);
  }, 600_000);
});
