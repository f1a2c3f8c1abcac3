import { queryRows, sql } from "@pathways/db";
import {
  type ActivityFigures,
  addYears,
  type HotspotActivityInput,
  type HotspotActivityReport,
} from "@pathways/validators";
import type { Ctx, VerbArgs } from "../context.ts";
import { day, dayOf, hotspotOf, monthsOf, onDays, reportHeader, reportScope } from "./common.ts";
import { dayRollupCounts, dayRollupMeasure, refreshDayRollups } from "./day-rollups.ts";
import type { Count, DisclosureControl } from "./disclosure.ts";

const measures = ["contacts", "communityReports", "needlesFound"] as const;
type Measure = (typeof measures)[number];
const measureOf = new Map<string, Measure>(measures.map((measure) => [dayRollupMeasure[measure], measure]));

export interface ActivityRow {
  measure: Measure;
  hotspot_id: string | null;
  hotspot_name: string | null;
  /** "current": in the period; "year_before": in the same days a year earlier. */
  window: "current" | "year_before";
  /** The month of the period the row belongs to (a year-before row is moved forward a year). */
  month: string;
  n: number;
}

interface FigureCells {
  current: Count;
  yearBefore: Count;
}
type ActivityCells = Record<Measure, FigureCells>;

/**
 * Hotspot activity (DOMAIN.md): contacts, community reports and needles found, per month of the
 * period, each against the same days a year earlier (the council's 4,100 needles in 2016 and 4,793
 * in 2017 is +16.9%). Without a hotspot filter, also per hotspot, with "other locations" for
 * records placed by free text, so the hotspots add up to the total.
 */
export async function hotspotActivityReport(
  args: VerbArgs<HotspotActivityInput>,
): Promise<HotspotActivityReport> {
  return buildReport(args, activityFromDayRollups);
}

/** The same report counted from the raw rows: the reference the day rollups are tested against. */
export async function hotspotActivityReportFromRawRows(
  args: VerbArgs<HotspotActivityInput>,
): Promise<HotspotActivityReport> {
  return buildReport(args, activityFromRawRows);
}

export const activityFromDayRollups: ActivityRows = async ({ ctx, input, today, hotspot }) => {
  await refreshDayRollups(ctx.db);
  // Nothing after the day the report is run counts, in either window.
  const upTo = (last: string) => (last < today ? last : today);
  const rows = await dayRollupCounts(ctx.db, {
    windows: [
      { window: "current" as const, from: input.from, to: upTo(input.to), shiftYears: 0 },
      {
        window: "year_before" as const,
        from: addYears(input.from, -1),
        to: upTo(addYears(input.to, -1)),
        shiftYears: 1,
      },
    ],
    measures: measures.map((measure) => dayRollupMeasure[measure]),
    hotspotId: hotspot?.id ?? null,
  });
  return rows.map((row) => ({ ...row, measure: measureOf.get(row.measure)! }));
};

/** From the raw contacts, community reports and needle finds (the report's first implementation). */
export const activityFromRawRows: ActivityRows = async ({ ctx, input, today, hotspot }) => {
  const yearBeforeFrom = addYears(input.from, -1);
  const windowFrom = day(yearBeforeFrom);
  const windowTo = day(addYears(input.to, -1));
  return queryRows<ActivityRow>(
    ctx.db,
    sql`
      with activity as (
        select 'contacts' as measure, c.hotspot_id, ${dayOf(sql`c.occurred_at`)} as day, 1 as n
        from contacts c
        where ${onDays(sql`c.occurred_at`, yearBeforeFrom, input.to)}
        union all
        select 'communityReports', cr.hotspot_id, ${dayOf(sql`cr.submitted_at`)}, 1
        from community_reports cr
        where ${onDays(sql`cr.submitted_at`, yearBeforeFrom, input.to)}
        union all
        select 'needlesFound', nf.hotspot_id, ${dayOf(sql`nf.found_at`)}, nf.count
        from needle_finds nf
        where ${onDays(sql`nf.found_at`, yearBeforeFrom, input.to)}
      ),
      windows as (
        select 'current' as window, ${day(input.from)} as first_day, ${day(input.to)} as last_day, 0 as shift
        union all
        select 'year_before', ${windowFrom}, ${windowTo}, 1
      )
      select a.measure, a.hotspot_id::text as hotspot_id, h.name as hotspot_name, w.window,
        to_char(a.day + make_interval(years => w.shift), 'YYYY-MM') as month,
        sum(a.n)::int as n
      from activity a
      join windows w on a.day between w.first_day and w.last_day
      left join hotspots h on h.id = a.hotspot_id
      where a.day <= ${day(today)}
        ${hotspot ? sql`and a.hotspot_id = ${hotspot.id}::uuid` : sql``}
      group by a.measure, a.hotspot_id, h.name, w.window, month
    `,
  );
};

/** Where a report's rows come from: the day rollups, or the raw rows for reference. */
export type ActivityRows = (source: {
  ctx: Ctx;
  input: HotspotActivityInput;
  today: string;
  hotspot: { id: string } | null;
}) => Promise<ActivityRow[]>;

async function buildReport(
  { ctx, input }: VerbArgs<HotspotActivityInput>,
  activityRows: ActivityRows,
): Promise<HotspotActivityReport> {
  const scope = reportScope(ctx, ["commissioner"]);
  const hotspot = await hotspotOf(ctx, input.hotspotId);
  const rows = await activityRows({ ctx, input, today: scope.today, hotspot });

  const { disclosure } = scope;
  const total = (filter: (row: ActivityRow) => boolean, measure: Measure, window: ActivityRow["window"]) =>
    rows
      .filter((row) => row.measure === measure && row.window === window && filter(row))
      .reduce((s, r) => s + r.n, 0);
  const cellsFor = (filter: (row: ActivityRow) => boolean): ActivityCells =>
    Object.fromEntries(
      measures.map((measure) => [
        measure,
        {
          current: disclosure.count(total(filter, measure, "current")),
          yearBefore: disclosure.count(total(filter, measure, "year_before")),
        },
      ]),
    ) as ActivityCells;

  const totalCells = cellsFor(() => true);
  const months = monthsOf(input.from, input.to).map((month) => ({
    ...month,
    cells: cellsFor((row) => row.month === month.month),
  }));
  sumUp(
    disclosure,
    months.map((m) => m.cells),
    totalCells,
  );

  // Hotspots with activity in either window, then records placed by free text only.
  const places = hotspot
    ? []
    : [
        ...new Map(
          rows
            .filter((row) => row.hotspot_id)
            .map((row) => [row.hotspot_id!, { id: row.hotspot_id!, name: row.hotspot_name! }]),
        ).values(),
      ].sort((a, b) => a.name.localeCompare(b.name));
  const byHotspot = hotspot
    ? []
    : [
        ...places.map((place) => ({ hotspot: place, cells: cellsFor((row) => row.hotspot_id === place.id) })),
        ...(rows.some((row) => !row.hotspot_id)
          ? [{ hotspot: null, cells: cellsFor((row) => row.hotspot_id === null) }]
          : []),
      ];
  if (byHotspot.length > 0) {
    sumUp(
      disclosure,
      byHotspot.map((h) => h.cells),
      totalCells,
    );
  }
  disclosure.apply();

  const figures = (cells: ActivityCells): ActivityFigures =>
    Object.fromEntries(
      measures.map((measure) => {
        const { current, yearBefore } = cells[measure];
        return [
          measure,
          {
            current: disclosure.figure(current),
            yearBefore: disclosure.figure(yearBefore),
            change: disclosure.change(current, yearBefore),
          },
        ];
      }),
    ) as unknown as ActivityFigures;

  return {
    ...reportHeader(scope, input, hotspot),
    months: months.map(({ cells, ...month }) => ({ ...month, ...figures(cells) })),
    total: figures(totalCells),
    byHotspot: byHotspot.map(({ hotspot: place, cells }) => ({ hotspot: place, ...figures(cells) })),
  };
}

/** Each measure of `parts` adds up to that measure of `total`, in the period and the year before. */
function sumUp(disclosure: DisclosureControl, parts: ActivityCells[], total: ActivityCells) {
  for (const measure of measures) {
    for (const window of ["current", "yearBefore"] as const) {
      disclosure.sum(
        parts.map((cells) => cells[measure][window]),
        total[measure][window],
      );
    }
  }
}
