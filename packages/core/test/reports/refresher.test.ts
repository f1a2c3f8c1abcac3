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
      await expect.poll(() => queued(db), { timeout: 60_000, interval: 50 }).toEqual({ days: 0, people: 0 });
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

  it("vacuums the person and day rollups after many short folds, as nothing else does on PGlite", async () => {
    const { db } = use();
    const world = await reportWorld(db);
    const people = await world.people(3);
    // One table of each family the refresher vacuums: a fold rewrites rows in each.
    const tables = ["report_person_funnel_days", "report_day_counts", "report_day_month_counts"];
    const vacuums = async () => {
      const rows = await queryRows<{ relname: string; n: number }>(
        db,
        sql`select relname, coalesce(vacuum_count, 0)::int as n from pg_stat_user_tables
          where relname in (${sql.join(
            tables.map((table) => sql`${table}`),
            sql`, `,
          )})`,
      );
      return Object.fromEntries(
        tables.map((table) => [table, rows.find((r) => r.relname === table)?.n ?? 0]),
      );
    };
    const before = await vacuums();
    const refresher = startRollupRefresher({ db, intervalMs: 20, vacuumAfter: 3 });
    try {
      // One person at a time: each fold is short, and only their sum reaches the threshold.
      for (const person of people) {
        await world.contact({ at: "2026-03-02", personId: person });
        await expect
          .poll(() => queued(db), { timeout: 60_000, interval: 50 })
          .toEqual({ days: 0, people: 0 });
      }
      const vacuumed = async () => {
        const now = await vacuums();
        return tables.filter((table) => now[table]! > before[table]!);
      };
      await expect.poll(vacuumed, { timeout: 60_000, interval: 50 }).toEqual(tables);
    } finally {
      await refresher.stop();
    }
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
      await expect.poll(() => lines.length, { timeout: 30_000 }).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lines).toEqual(["error: report rollups could not be folded; will keep trying"]);
      await db.execute(sql`alter table report_day_deltas_away rename to report_day_deltas`);
      await expect
        .poll(() => lines.at(-1), { timeout: 30_000 })
        .toBe("info: report rollups: the database is reachable again");
    } finally {
      await refresher.stop();
    }
  });
});
