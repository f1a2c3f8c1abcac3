import { queryRows, sql } from "@pathways/db";
import { describeDb } from "@pathways/vitest-config";
import fc from "fast-check";
import { expect, it } from "vitest";
import { addDays } from "../../src/calendar.ts";
import { refreshDayRollups, yearsOfMonths } from "../../src/reports/day-rollups.ts";
import { inRollupTurn, reportRows } from "../../src/reports/rollup-turns.ts";

it("cuts a run of months into calendar years, each month once and in order", () => {
  const day = fc.integer({ min: 0, max: 4000 }).map((n) => addDays("2014-01-01", n));
  fc.assert(
    fc.property(day, fc.integer({ min: 0, max: 100 }), (first, count) => {
      const months = [`${first.slice(0, 7)}-01`];
      while (months.length <= count) months.push(`${addDays(months.at(-1)!, 31).slice(0, 7)}-01`);
      const runs = yearsOfMonths(months[0]!, months.at(-1)!);
      expect(runs.flatMap((run) => months.filter((m) => m >= run.from && m <= run.to))).toEqual(months);
      for (const run of runs) expect(run.from.slice(0, 4)).toBe(run.to.slice(0, 4));
    }),
  );
});

describeDb("report turns", (use) => {
  it("keep a fold from landing between a report's statements on PGlite, and let it fold after", async () => {
    const { db, driver } = use();
    const counted = async () => {
      const [row] = await reportRows<{ n: number }>(
        db,
        sql`select coalesce(sum(n), 0)::int as n from report_day_counts where measure = 'contacts'`,
      );
      return row!.n;
    };
    await refreshDayRollups(db);
    const before = await counted();
    await db.execute(
      sql`insert into report_day_deltas (measure, day, hotspot_id, n) values ('contacts', '2025-01-01', null, 1)`,
    );
    let letReportEnd = () => {};
    const reportMayEnd = new Promise<void>((resolve) => {
      letReportEnd = resolve;
    });
    let firstRead = () => {};
    const firstHasBeenRead = new Promise<void>((resolve) => {
      firstRead = resolve;
    });
    let foldStarted = () => {};
    const foldHasStarted = new Promise<void>((resolve) => {
      foldStarted = resolve;
    });
    // A report reads, waits (as between its statements) while a fold from outside it starts, and reads
    // again. The fold starts only once the first read is done: on PostgreSQL nothing holds it back, so
    // started earlier it could land before that read.
    const report = inRollupTurn(db, async () => {
      const first = await counted();
      firstRead();
      await reportMayEnd;
      return [first, await counted()];
    });
    await firstHasBeenRead;
    const fold = (async () => {
      const folding = refreshDayRollups(db);
      foldStarted();
      return folding;
    })();
    await foldHasStarted;
    // Time for the fold to run, had it not to wait for the report's turn.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    letReportEnd();
    const [first, second] = await report;
    expect(await fold).toBe(1);
    expect(first).toBe(before);
    // PostgreSQL's statements are not held back (a read-committed report may see the fold).
    if (driver === "pglite") expect(second).toBe(before);
    expect(await counted()).toBe(before + 1);
    const [queued] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from report_day_deltas`,
    );
    expect(queued!.n).toBe(0);
  });
});
