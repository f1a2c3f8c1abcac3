import { sql } from "@pathways/db";
import {
  type ActivityFigures,
  addYears,
  type HotspotActivityInput,
  type HotspotActivityReport,
  reportDefinitions,
} from "@pathways/validators";
import { localDaySql } from "../calendar.ts";
import type { Ctx, VerbArgs } from "../context.ts";
import { day, hotspotOf, monthsOf, onDays, type ReportScope, reportHeader, reportScope } from "./common.ts";
import { dayRollupCounts, dayRollupMeasure, dayRollupsAnswer } from "./day-rollups.ts";
import { type Count, monthProfile } from "./disclosure.ts";
import { freshness } from "./person-rollups.ts";
import { reportRows } from "./rollup-turns.ts";

const measures = ["contacts", "communityReports", "needlesFound"] as const;
type Measure = (typeof measures)[number];
const measureOf = new Map<string, Measure>(measures.map((measure) => [dayRollupMeasure[measure], measure]));

interface ActivityRow {
  measure: Measure;
  hotspot_id: string | null;
  hotspot_name: string | null;
  /** "current": in the period; "year_before": in the same days a year earlier. */
  window: "current" | "year_before";
  /** The month of the period the row belongs to (a year-before row is moved forward a year). */
  month: string;
  n: number;
}

/**
 * What the report is made of, before disclosure control: for each measure and window
 * (`${measure} ${window}`), the sum over the period (`... all`), per month (`... month YYYY-MM`) and
 * per place (`... place <hotspot id>`, `... place null` for records placed by free text); and the
 * hotspots with activity. Zero sums are left out.
 */
export interface ActivityCounts {
  sums: Record<string, number>;
  /** Per sum, its months (as labelled: a year-before month is moved forward a year) and their counts. */
  months: Record<string, Map<string, number>>;
  places: { id: string; name: string }[];
  /** Read from rollups with changes still queued: they count what was recorded before this instant. */
  figuresAsOf?: string;
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
  return hotspotActivityReportFor(
    reportScope(args.ctx, reportDefinitions.hotspots.readers, args.input),
    args,
  );
}

/** Hotspot activity for a reader whose scope (and so disclosure control) the verb has worked out. */
export async function hotspotActivityReportFor(
  scope: ReportScope,
  args: VerbArgs<HotspotActivityInput>,
): Promise<HotspotActivityReport> {
  return buildReport(scope, args, activityFromDayRollups);
}

/** The same report counted from the raw rows: the reference the day rollups are tested against. */
export async function hotspotActivityReportFromRawRows(
  args: VerbArgs<HotspotActivityInput>,
): Promise<HotspotActivityReport> {
  return buildReport(
    reportScope(args.ctx, reportDefinitions.hotspots.readers, args.input),
    args,
    activityFromRawRows,
  );
}

export const activityFromDayRollups: ActivitySource = async ({ ctx, input, today, hotspot }) => {
  const answer = await dayRollupsAnswer(ctx.db);
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
    byPlace: true,
  });
  const counts = new ActivityTally();
  for (const row of rows) {
    const measure = measureOf.get(row.measure)!;
    for (const part of ["all", `month ${row.month}`, `place ${row.hotspot_id}`]) {
      counts.add(measure, row.window, part, row.n, row);
    }
  }
  return { ...counts.result(), ...freshness(answer) };
};

/** From the raw contacts, community reports and needle finds (the report's first implementation). */
export const activityFromRawRows: ActivitySource = async ({ ctx, input, today, hotspot }) => {
  const yearBeforeFrom = addYears(input.from, -1);
  const windowFrom = day(yearBeforeFrom);
  const windowTo = day(addYears(input.to, -1));
  const rows = await reportRows<ActivityRow>(
    ctx.db,
    sql`
      with activity as (
        select 'contacts' as measure, c.hotspot_id, ${localDaySql(sql`c.occurred_at`)} as day, 1 as n
        from contacts c
        where ${onDays(sql`c.occurred_at`, yearBeforeFrom, input.to)}
        union all
        select 'communityReports', cr.hotspot_id, ${localDaySql(sql`cr.submitted_at`)}, 1
        from community_reports cr
        where ${onDays(sql`cr.submitted_at`, yearBeforeFrom, input.to)}
        union all
        select 'needlesFound', nf.hotspot_id, ${localDaySql(sql`nf.found_at`)}, nf.count
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
  const counts = new ActivityTally();
  for (const row of rows) {
    for (const part of ["all", `month ${row.month}`, `place ${row.hotspot_id}`]) {
      counts.add(row.measure, row.window, part, row.n, row);
    }
  }
  return counts.result();
};

/** Where a report's counts come from: the day rollups, or the raw rows for reference. */
export type ActivitySource = (source: {
  ctx: Ctx;
  input: HotspotActivityInput;
  today: string;
  hotspot: { id: string } | null;
}) => Promise<ActivityCounts>;

class ActivityTally {
  private readonly sums: Record<string, number> = {};
  private readonly months: Record<string, Map<string, number>> = {};
  private readonly places = new Map<string, { id: string; name: string }>();

  /** Adds `n` of `row`'s month to a sum; the row names the hotspot the count was made at, if any. */
  add(
    measure: Measure,
    window: ActivityRow["window"],
    part: string,
    n: number,
    row: { month: string; hotspot_id: string | null; hotspot_name: string | null },
  ) {
    const key = `${measure} ${window} ${part}`;
    this.sums[key] = (this.sums[key] ?? 0) + n;
    const months = this.months[key] ?? new Map<string, number>();
    months.set(row.month, (months.get(row.month) ?? 0) + n);
    this.months[key] = months;
    if (row.hotspot_id) this.places.set(row.hotspot_id, { id: row.hotspot_id, name: row.hotspot_name! });
  }

  result(): ActivityCounts {
    return {
      sums: this.sums,
      months: this.months,
      places: [...this.places.values()].sort((a, b) => a.name.localeCompare(b.name)),
    };
  }
}

async function buildReport(
  scope: ReportScope,
  { ctx, input }: VerbArgs<HotspotActivityInput>,
  activitySource: ActivitySource,
): Promise<HotspotActivityReport> {
  const hotspot = await hotspotOf(ctx, input.hotspotId);
  const {
    sums,
    months: monthsOfSum,
    places,
    figuresAsOf,
  } = await activitySource({
    ctx,
    input,
    today: scope.today,
    hotspot,
  });

  const { disclosure } = scope;
  // A cell is described by what it counts, where, and its records' months (a year-before month as it
  // was), so the same records give the same figure in any period, row or report.
  const placeOf = (part: string) =>
    part.startsWith("place ")
      ? part === "place null"
        ? "elsewhere"
        : part.slice(6)
      : (hotspot?.id ?? "everywhere");
  const cell = (measure: Measure, window: ActivityRow["window"], part: string) => {
    const key = `${measure} ${window} ${part}`;
    const months = [...(monthsOfSum[key] ?? [])].map(
      ([month, n]) =>
        [window === "year_before" ? addYears(`${month}-01`, -1).slice(0, 7) : month, n] as const,
    );
    return disclosure.count(
      sums[key] ?? 0,
      `${dayRollupMeasure[measure]}|${placeOf(part)}|${monthProfile(months)}`,
    );
  };
  const cellsFor = (part: string): ActivityCells =>
    Object.fromEntries(
      measures.map((measure) => [
        measure,
        { current: cell(measure, "current", part), yearBefore: cell(measure, "year_before", part) },
      ]),
    ) as ActivityCells;

  const totalCells = cellsFor("all");
  const months = monthsOf(input.from, input.to).map((month) => ({
    ...month,
    cells: cellsFor(`month ${month.month}`),
  }));

  // Hotspots with activity in either window, then records placed by free text only.
  const freeText = measures.some((measure) =>
    ["current", "year_before"].some((window) => sums[`${measure} ${window} place null`]),
  );
  const byHotspot = hotspot
    ? []
    : [
        ...places.map((place) => ({ hotspot: place, cells: cellsFor(`place ${place.id}`) })),
        ...(freeText ? [{ hotspot: null, cells: cellsFor(`place ${null}`) }] : []),
      ];

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
    ...freshness({ asOf: figuresAsOf ?? null }),
    months: months.map(({ cells, ...month }) => ({ ...month, ...figures(cells) })),
    total: figures(totalCells),
    byHotspot: byHotspot.map(({ hotspot: place, cells }) => ({ hotspot: place, ...figures(cells) })),
  };
}
