import { type Executor, isTransaction, queryRows, sql } from "@pathways/db";
import type { ReferralStatus, SafeguardingConcern } from "@pathways/validators/codes";
import { yieldToEventLoop } from "../background.ts";
import { addDays } from "../calendar.ts";
import { vacuumAfter } from "./person-rollups.ts";
import { inRollupTurn, reportRows } from "./rollup-turns.ts";

/**
 * Day rollups (migration 0005): counts per London day, place and measure in `report_day_counts`, and
 * per month in `report_day_month_counts`, kept up to date from the changes that triggers queue in
 * `report_day_deltas`. The hotspot activity and safeguarding reports read them instead of the raw rows.
 */
export const dayRollupMeasure = {
  contacts: "contacts",
  communityReports: "community_reports",
  needlesFound: "needles_found",
  concern: (concern: SafeguardingConcern) => `concern:${concern}`,
  socialCareReferral: (status: ReferralStatus) => `social_care_referral:${status}`,
} as const;

/**
 * Queued changes folded per transaction. On PGlite a transaction holds the only connection, so each
 * step is kept to about 10 ms of CPU there (2,000 took 30-50 ms) and a contact being logged meanwhile
 * waits no longer than that.
 */
const foldBatch = 500;

/** Reports fold up to this many queued changes themselves (a few seconds of busy work); the rest is the refresher's. */
const reportFold = 2 * foldBatch;

/**
 * Folds the queued changes into the day and month counts, a batch per transaction, until the queue is
 * empty (or `limit` changes are folded, or `signal` aborts: checked between batches); returns how
 * many queued rows it folded. The background refresher calls it, and reports fold a short queue
 * themselves. Safe to run concurrently: refreshers take turns on an advisory lock, so a report that
 * waited for another refresher's batch reads it committed. Changes committed while it runs are
 * folded by the next refresh. The batch is taken by ctid, read once into an array, whatever the
 * table's statistics say.
 */
export async function refreshDayRollups(
  db: Executor,
  options: { signal?: AbortSignal; limit?: number; turnHeld?: boolean } = {},
): Promise<number> {
  const [queued] = await queryRows<{ any: boolean }>(
    db,
    sql`select exists (select 1 from report_day_deltas) as any`,
  );
  if (!queued?.any) return 0;
  let folded = 0;
  while (folded < (options.limit ?? Number.POSITIVE_INFINITY)) {
    await yieldToEventLoop();
    if (options.signal?.aborted) break;
    const taken = await inRollupTurn(
      db,
      () =>
        db.transaction(async (tx) => {
          await tx.execute(sql`select pg_advisory_xact_lock(hashtext('report_day_rollups'))`);
          // Adding is order-free, so whichever refresher folds a change, the counts end up the same.
          const [row] = await queryRows<{ taken: number }>(
            tx,
            sql`
          with taken as (
            delete from report_day_deltas
            where ctid = any (array(select ctid from report_day_deltas limit ${foldBatch}))
            returning measure, day, hotspot_id, n
          ),
          days as (
            insert into report_day_counts as c (measure, day, hotspot_id, n)
            select measure, day, hotspot_id, sum(n)::int from taken group by 1, 2, 3
            on conflict (measure, day, hotspot_id) do update set n = c.n + excluded.n
          ),
          months as (
            insert into report_day_month_counts as c (measure, month, hotspot_id, n)
            select measure, date_trunc('month', day::timestamp)::date, hotspot_id, sum(n)::int
            from taken group by 1, 2, 3
            on conflict (measure, month, hotspot_id) do update set n = c.n + excluded.n
          )
          select count(*)::int as taken from taken
        `,
          );
          return row?.taken ?? 0;
        }),
      { turnHeld: options.turnHeld },
    );
    folded += taken;
    if (taken < foldBatch) break;
  }
  // Folded rows are deleted: without this, PGlite (which has no autovacuum) would grow the queue's
  // table for ever and scan its dead rows on every refresh.
  if (folded > 0 && !isTransaction(db)) await db.execute(sql`vacuum (skip_locked) report_day_deltas`);
  if (folded >= vacuumAfter && !isTransaction(db)) await vacuumDayRollups(db);
  return folded;
}

/**
 * Vacuums and analyzes the day and month counts. Every fold updates their rows in place, and PGlite
 * has no autovacuum (nor has this machine kind's PostgreSQL): a busy day's folds leave a dead row per
 * update, which every report then reads past. Run after `vacuumAfter` queued changes were folded, in
 * one fold or in many short ones (the background refresher counts them). Outside a transaction only.
 */
export async function vacuumDayRollups(db: Executor) {
  // As for the person rollups: never the truncation step (its exclusive lock would hold up the fold),
  // and skip a table another vacuum holds rather than wait.
  await db.execute(
    sql`vacuum (analyze, truncate false, skip_locked) report_day_counts, report_day_month_counts`,
  );
}

/**
 * Folds a short queue for a report and says how fresh the day rollups are: when the oldest change
 * still queued was made (an ISO instant; the figures count everything before it), or null when they
 * count everything. A long queue (bulk change) is left to the background refresher.
 */
export async function dayRollupsAnswer(db: Executor): Promise<{ asOf: string | null }> {
  await refreshDayRollups(db, { limit: reportFold, turnHeld: true });
  const [row] = await reportRows<{ as_of: string | null }>(
    db,
    sql`select to_char(min(queued_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as as_of
      from report_day_deltas`,
  );
  return { asOf: row?.as_of ?? null };
}

/** Days from `from` to `to` (inclusive), the rollup counts of which are summed per month. */
export interface RollupWindow<W extends string> {
  window: W;
  from: string;
  to: string;
  /** 1 for a year-before window: its months are labelled with the month a year later. */
  shiftYears: 0 | 1;
}

/**
 * A sum over every place in one month (`hotspot_id` null), or with `byPlace` over one place in one
 * month (`hotspot_id` null for records placed by free text).
 */
export interface RollupRow<W extends string> {
  window: W;
  measure: string;
  /** YYYY-MM, after the window's shift. */
  month: string;
  hotspot_id: string | null;
  hotspot_name: string | null;
  n: number;
}

/**
 * Sums of `measures` per window, measure and month, and with `byPlace` per place too (disclosure
 * control describes each place's cells by their months), from the day rollups: whole calendar months
 * inside a window come from the month counts, the days at its edges from the day counts. A statement
 * per year of months or span of days (every row it returns is a month of its own, so the rows are
 * the same as from one statement): on PGlite the five-year hotspot activity report's one statement
 * held the database for 110-125 ms, and a contact being logged waited for all of it. Grouping is on
 * dates, uuids and byte-ordered text. Call refreshDayRollups first, in the report's turn.
 */
export async function dayRollupCounts<W extends string>(
  db: Executor,
  input: { windows: RollupWindow<W>[]; measures: string[]; hotspotId: string | null; byPlace: boolean },
): Promise<RollupRow<W>[]> {
  const measures = sql`${`{${input.measures.join(",")}}`}::text[]`;
  const place = input.hotspotId ? sql`and hotspot_id = ${input.hotspotId}::uuid` : sql``;
  const parts = input.windows.flatMap(({ window, from, to, shiftYears }) => {
    if (from > to) return [];
    // The month a count is reported in, as the first instant of that month (after the window's shift).
    const shifted = (column: string) => `(${column} + make_interval(years => ${shiftYears}))`;
    const { months, days } = monthsAndDays(from, to);
    return [
      ...(months ? yearsOfMonths(months.from, months.to) : []).map(
        (run) =>
          sql`select ${window}::text as "window", measure, hotspot_id, ${sql.raw(shifted("month"))} as month, n
            from report_day_month_counts
            where measure = any (${measures}) and month between ${run.from}::date and ${run.to}::date ${place}`,
      ),
      ...days.map(
        (span) =>
          sql`select ${window}::text as "window", measure, hotspot_id,
              date_trunc('month', ${sql.raw(shifted("day"))}) as month, n
            from report_day_counts
            where measure = any (${measures}) and day between ${span.from}::date and ${span.to}::date ${place}`,
      ),
    ];
  });
  const groups = sql.raw(input.byPlace ? "1, 2, 3, 4" : "1, 2, 4");
  const rows: RollupRow<W>[] = [];
  for (const part of parts) {
    const partRows = await reportRows<RollupRow<W>>(
      db,
      sql`
      select g."window", g.measure, to_char(g.month, 'YYYY-MM') as month, g.hotspot_id::text as hotspot_id,
        h.name as hotspot_name, g.n
      from (
        select r."window" collate "C" as "window", r.measure collate "C" as measure,
          ${sql.raw(input.byPlace ? "r.hotspot_id" : "null::uuid as hotspot_id")}, r.month, sum(r.n)::int as n
        from (${part}) r
        group by ${groups}
        having sum(r.n) <> 0
      ) g
      left join hotspots h on h.id = g.hotspot_id
    `,
    );
    rows.push(...partRows);
  }
  return rows;
}

/** The first days of the months from `from` to `to` (first days), as runs of at most a calendar year. */
export function yearsOfMonths(from: string, to: string): { from: string; to: string }[] {
  const runs: { from: string; to: string }[] = [];
  for (let first = from; first <= to; ) {
    const yearEnd = `${first.slice(0, 4)}-12-01`;
    const last = yearEnd < to ? yearEnd : to;
    runs.push({ from: first, to: last });
    first = `${Number(first.slice(0, 4)) + 1}-01-01`;
  }
  return runs;
}

/**
 * Splits the days from `from` to `to` into the whole calendar months among them (by their first
 * days, `from` to `to`) and the spans of days before and after those months.
 */
export function monthsAndDays(
  from: string,
  to: string,
): { months: { from: string; to: string } | null; days: { from: string; to: string }[] } {
  const firstWhole = from.endsWith("-01") ? from : nextMonth(from);
  const afterLastWhole = addDays(to, 1).endsWith("-01") ? addDays(to, 1) : `${to.slice(0, 7)}-01`;
  if (firstWhole >= afterLastWhole) return { months: null, days: [{ from, to }] };
  const days = [
    ...(from < firstWhole ? [{ from, to: addDays(firstWhole, -1) }] : []),
    ...(afterLastWhole <= to ? [{ from: afterLastWhole, to }] : []),
  ];
  return { months: { from: firstWhole, to: previousMonth(afterLastWhole) }, days };
}

/** The first day of the month after the one `day` is in. */
function nextMonth(day: string): string {
  const [year, month] = day.split("-").map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, "0")}-01`;
}

/** The first day of the month before the one `day` is in. */
function previousMonth(day: string): string {
  const [year, month] = day.split("-").map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, "0")}-01`;
}
