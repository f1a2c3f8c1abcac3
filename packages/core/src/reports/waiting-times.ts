import { type Executor, sql } from "@pathways/db";
import {
  reportDefinitions,
  type ServiceCode,
  type WaitingTimesInput,
  type WaitingTimesReport,
  type WaitingTimesRow,
  waitingThresholdDays,
} from "@pathways/validators";
import { treatmentServiceCodes } from "@pathways/validators/codes";
import { localDaySql } from "../calendar.ts";
import type { VerbArgs } from "../context.ts";
import {
  day,
  type EpisodeQuery,
  episodeCellPeriod,
  episodeQuery,
  inRanges,
  periodMonths,
  type ReportScope,
  reportHeader,
  reportScope,
} from "./common.ts";
import type { Count } from "./disclosure.ts";
import { everywhere, freshness, personRollupsAnswer } from "./person-rollups.ts";
import { reportRows } from "./rollup-turns.ts";

export interface WaitRow {
  service_id: string | null;
  code: ServiceCode | null;
  service_name: string | null;
  provider_name: string | null;
  started: number;
  over: number;
  median: number | null;
}

/**
 * Waiting times (DOMAIN.md): for episodes started in the period from a referral, the days from the
 * referral's request to the episode's start, by the service referred to: the median (an even count
 * takes the mean of the two middle values) and the share waiting more than 21 days.
 */
export async function waitingTimesReport(args: VerbArgs<WaitingTimesInput>): Promise<WaitingTimesReport> {
  return waitingTimesReportFor(reportScope(args.ctx, reportDefinitions.waiting.readers, args.input), args);
}

/** The waiting times for a reader whose scope (and so disclosure control) the verb has worked out. */
export async function waitingTimesReportFor(
  scope: ReportScope,
  { ctx, input }: VerbArgs<WaitingTimesInput>,
): Promise<WaitingTimesReport> {
  const query = episodeQuery(scope, input);
  const rollups = await personRollupsAnswer(ctx.db, scope.today);
  const measured = rollups ? await waitsFromRollups(ctx.db, query) : await waitsFromRaw(ctx.db, query);
  // Services that took no one in the period still get a row: a zero is a result too.
  const offered = await reportRows<{
    service_id: string;
    code: ServiceCode;
    service_name: string;
    provider_name: string;
  }>(
    ctx.db,
    sql`
      select sv.id::text as service_id, sv.code::text as code, sv.name as service_name, o.name as provider_name
      from services sv join organisations o on o.id = sv.organisation_id
      where sv.active and sv.code::text in (${sql.join(
        treatmentServiceCodes.map((code) => sql`${code}`),
        sql`, `,
      )})
        ${query.providerId ? sql`and sv.organisation_id = ${query.providerId}::uuid` : sql``}
    `,
  );
  const services = new Map<string, WaitRow>();
  for (const row of offered) services.set(row.service_id, { ...row, started: 0, over: 0, median: null });
  for (const row of measured) if (row.service_id) services.set(row.service_id, row);
  const serviceRows = [...services.values()].sort(
    (a, b) =>
      (a.provider_name ?? "").localeCompare(b.provider_name ?? "") ||
      (a.service_name ?? "").localeCompare(b.service_name ?? ""),
  );
  const totalRow = measured.find((row) => row.service_id === null) ?? {
    service_id: null,
    code: null,
    service_name: null,
    provider_name: null,
    started: 0,
    over: 0,
    median: null,
  };

  const { disclosure } = scope;
  const period = await episodeCellPeriod(ctx, scope, input);
  // A cell is described by what it counts, the service (or all) and the period cut to the months
  // episodes are held for (docs/DISCLOSURE.md); the substance group filter narrows what is counted.
  const cellsOf = (row: WaitRow) => {
    const where = `${row.service_id ?? "all"}|${input.substanceGroup ?? "all"}|${period}`;
    const started = disclosure.count(row.started, `waits:started|${where}`);
    const over = disclosure.count(row.over, `waits:over|${where}`);
    const within = disclosure.count(row.started - row.over, `waits:within|${where}`);
    return { row, started, over, within };
  };
  const serviceCells = serviceRows.map(cellsOf);
  // One service is its own total; a second row would only repeat it.
  const withTotal = serviceCells.length !== 1;
  const totalCells = withTotal ? cellsOf(totalRow) : serviceCells[0]!;

  const toRow = (cells: { row: WaitRow; started: Count; over: Count; within: Count }): WaitingTimesRow => ({
    service: cells.row.service_id
      ? {
          id: cells.row.service_id,
          code: cells.row.code!,
          name: cells.row.service_name!,
          providerName: cells.row.provider_name!,
        }
      : null,
    started: disclosure.figure(cells.started),
    withinThreshold: disclosure.figure(cells.within),
    overThreshold: disclosure.figure(cells.over),
    overThresholdShare: disclosure.percent(cells.over, cells.started),
    medianDays: disclosure.statistic(cells.row.median, cells.started),
  });
  return {
    ...reportHeader(scope, input, null),
    ...freshness(rollups),
    rows: [...serviceCells.map(toRow), ...(withTotal ? [toRow(totalCells)] : [])],
  };
}

/**
 * Waits by service, and over every service (service_id null), from the raw rows: the reference the
 * rollups are tested against.
 */
export async function waitsFromRaw(db: Executor, query: EpisodeQuery): Promise<WaitRow[]> {
  const threshold = sql.raw(String(waitingThresholdDays));
  return reportRows<WaitRow>(
    db,
    sql`
      with waits as (
        select sv.id as service_id, sv.code::text as code, sv.name as service_name, o.name as provider_name,
          (e.started_on - ${localDaySql(sql`r.requested_at`)}) as days
        from episodes e
        join referrals r on r.id = e.referral_id
        join services sv on sv.id = r.service_id
        join organisations o on o.id = sv.organisation_id
        where e.started_on between ${day(query.from)} and ${day(query.to)}
          and e.started_on <= ${day(query.today)}
          ${query.providerId ? sql`and e.provider_organisation_id = ${query.providerId}::uuid` : sql``}
          ${query.substanceGroup ? sql`and e.substance_group::text = ${query.substanceGroup}` : sql``}
      )
      select w.service_id::text as service_id, w.code, w.service_name, w.provider_name,
        count(*)::int as started,
        (count(*) filter (where w.days > ${threshold}))::int as over,
        (percentile_cont(0.5) within group (order by w.days))::float8 as median
      from waits w
      group by rollup ((w.service_id, w.code, w.service_name, w.provider_name))
    `,
  );
}

/**
 * Waits from the episode rollups (valid when personRollupsAnswer says so): how many episodes waited
 * how many days, per service, from which the counts and the medians follow; whole months from the
 * month sums, the part-months at the ends of the period from the episodes.
 */
export async function waitsFromRollups(db: Executor, query: EpisodeQuery): Promise<WaitRow[]> {
  const scope = sql`${query.providerId ?? everywhere}::uuid`;
  const ofGroup = query.substanceGroup ? sql`and x.substance_group::text = ${query.substanceGroup}` : sql``;
  const { whole, parts } = periodMonths(query.from, query.to);
  const counts = await reportRows<{ service_id: string; days: number; n: number }>(
    db,
    sql`select x.service_id::text as service_id, x.waiting_days as days, sum(x.n)::int as n
      from report_person_wait_months x
      where x.provider_scope = ${scope} ${ofGroup}
        and ${whole ? sql`x.month between ${day(whole.firstMonth)} and ${day(whole.lastMonth)}` : sql`false`}
      group by x.service_id, x.waiting_days
      having sum(x.n) <> 0
      union all
      select x.service_id::text, x.waiting_days, count(*)::int
      from report_person_episodes x
      where x.provider_scope = ${scope} ${ofGroup} and x.service_id is not null
        and ${inRanges(sql`x.started_on`, parts)}
      group by x.service_id, x.waiting_days`,
  );
  const waited = new Map<string, Map<number, number>>();
  for (const { service_id, days, n } of counts) {
    const byDays = waited.get(service_id) ?? new Map<number, number>();
    byDays.set(days, (byDays.get(days) ?? 0) + n);
    waited.set(service_id, byDays);
  }
  if (waited.size === 0) return [];
  const services = await reportRows<Omit<WaitRow, "started" | "over" | "median"> & { service_id: string }>(
    db,
    sql`select sv.id::text as service_id, sv.code::text as code, sv.name as service_name, o.name as provider_name
      from services sv join organisations o on o.id = sv.organisation_id
      where sv.id = any(${`{${[...waited.keys()].join(",")}}`}::uuid[])`,
  );
  const all = new Map<number, number>();
  for (const byDays of waited.values())
    for (const [days, n] of byDays) all.set(days, (all.get(days) ?? 0) + n);
  return [
    ...services.map((service) => ({ ...service, ...waitFigures(waited.get(service.service_id)!) })),
    { service_id: null, code: null, service_name: null, provider_name: null, ...waitFigures(all) },
  ];
}

/** How many started, how many waited over the threshold, and the median wait, from waits by length. */
function waitFigures(byDays: Map<number, number>) {
  const counts = [...byDays].map(([days, n]) => ({ days, n })).sort((a, b) => a.days - b.days);
  return {
    started: counts.reduce((total, c) => total + c.n, 0),
    over: counts.reduce((total, c) => total + (c.days > waitingThresholdDays ? c.n : 0), 0),
    median: medianOf(counts),
  };
}

/** percentile_cont(0.5) of values given as (value, how many) in ascending order of value. */
function medianOf(counts: { days: number; n: number }[]): number {
  const total = counts.reduce((sum, c) => sum + c.n, 0);
  const position = 0.5 * (total - 1);
  const valueAt = (index: number) => {
    let seen = 0;
    for (const c of counts) {
      seen += c.n;
      if (index < seen) return c.days;
    }
    throw new Error("A median position past the values");
  };
  const lower = valueAt(Math.floor(position));
  const upper = valueAt(Math.ceil(position));
  return lower + (upper - lower) * (position - Math.floor(position));
}
