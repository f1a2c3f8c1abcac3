import { queryRows, sql } from "@pathways/db";
import { describeDb } from "@pathways/vitest-config";
import { reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { startRollupRefresher } from "../../src/reports/refresher.ts";

async function queued(db: Parameters<typeof queryRows>[0]) {
  const [row] = await queryRows<{ days: number; people: number }>(
    db,
    sql`select (select count(*)::int from report_day_deltas) as days,
      (select count(*)::int from report_person_queue) as people`,
  );
  return row!;
}

describeDb("report rollup refresher", (use) => {
  it("folds what writers queue without being asked, and stops when told", async () => {
    const { db } = use();
    const world = await reportWorld(db);
    const [person] = await world.people(1);
    await world.contact({ at: "2026-03-02", personId: person });
    await world.contact({ at: "2026-03-02" });
    await world.contact({ at: "2026-03-05", hotspotId: null, concerns: ["cuckooing"] });
    expect(await queued(db)).not.toEqual({ days: 0, people: 0 });

    const refresher = startRollupRefresher({ db, intervalMs: 20 });
    try {
      await expect.poll(() => queued(db), { timeout: 10_000, interval: 50 }).toEqual({ days: 0, people: 0 });
    } finally {
      await refresher.stop();
    }
    const [counts] = await queryRows<{ rolled_up: number; raw: number }>(
      db,
      sql`select
        (select coalesce(sum(n), 0)::int from report_day_counts where measure = 'contacts') as rolled_up,
        (select count(*)::int from contacts) as raw`,
    );
    expect(counts!.rolled_up).toBe(counts!.raw);

    // Stopped: a change queued now stays queued.
    await world.contact({ at: "2026-03-06" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await queued(db)).days).toBeGreaterThan(0);
  });

  it("logs a failure once and keeps trying", async () => {
    const { db } = use();
    const lines: string[] = [];
    await db.execute(sql`alter table report_day_deltas rename to report_day_deltas_away`);
    const refresher = startRollupRefresher({
      db,
      intervalMs: 10,
      log: (level, message) => lines.push(`${level}: ${message}`),
    });
    try {
      await expect.poll(() => lines.length, { timeout: 5_000 }).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lines).toEqual(["error: report rollups could not be folded; will keep trying"]);
      await db.execute(sql`alter table report_day_deltas_away rename to report_day_deltas`);
      await expect
        .poll(() => lines.at(-1), { timeout: 5_000 })
        .toBe("info: report rollups: the database is reachable again");
    } finally {
      await refresher.stop();
    }
  });
});
