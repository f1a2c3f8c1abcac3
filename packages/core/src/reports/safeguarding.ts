import { queryRows, sql } from "@pathways/db";
import type { SafeguardingInput, SafeguardingReport } from "@pathways/validators";
import {
  type ReferralStatus,
  referralStatuses,
  type SafeguardingConcern,
  safeguardingConcerns,
} from "@pathways/validators/codes";
import type { Ctx, VerbArgs } from "../context.ts";
import { day, dayOf, hotspotOf, monthsOf, onDays, reportHeader, reportScope } from "./common.ts";
import { dayRollupCounts, dayRollupMeasure, refreshDayRollups } from "./day-rollups.ts";

/**
 * Safeguarding: concerns raised on contacts in the period (at the hotspot), by type and month -
 * anonymous contacts included, a contact with two concerns counting once for each - and referrals to
 * social care requested in the period, by their outcome so far (their current status). With a
 * hotspot filter, only referrals made from a contact at that hotspot.
 */
export async function safeguardingReport(args: VerbArgs<SafeguardingInput>): Promise<SafeguardingReport> {
  return buildReport(args, safeguardingFromDayRollups);
}

/** The same report counted from the raw rows: the reference the day rollups are tested against. */
export async function safeguardingReportFromRawRows(
  args: VerbArgs<SafeguardingInput>,
): Promise<SafeguardingReport> {
  return buildReport(args, safeguardingFromRawRows);
}

export const safeguardingFromDayRollups: SafeguardingRows = async ({ ctx, input, today, hotspot }) => {
  await refreshDayRollups(ctx.db);
  const measure = new Map<string, { concern: SafeguardingConcern } | { status: ReferralStatus }>([
    ...safeguardingConcerns.map((concern) => [dayRollupMeasure.concern(concern), { concern }] as const),
    ...referralStatuses.map((status) => [dayRollupMeasure.socialCareReferral(status), { status }] as const),
  ]);
  const rows = await dayRollupCounts(ctx.db, {
    windows: [{ window: "period", from: input.from, to: input.to < today ? input.to : today, shiftYears: 0 }],
    measures: [...measure.keys()],
    hotspotId: hotspot?.id ?? null,
    byPlace: false,
  });
  // One row per measure and month (places added up); referrals count over the whole period.
  const concernRows: ConcernRow[] = [];
  const byStatus = new Map<ReferralStatus, number>();
  for (const row of rows) {
    const counted = measure.get(row.measure)!;
    if ("concern" in counted) concernRows.push({ month: row.month!, concern: counted.concern, n: row.n });
    else byStatus.set(counted.status, (byStatus.get(counted.status) ?? 0) + row.n);
  }
  return { concernRows, referralRows: [...byStatus].map(([status, n]) => ({ status, n })) };
};

/** From the raw contacts and referrals (the report's first implementation). */
export const safeguardingFromRawRows: SafeguardingRows = async ({ ctx, input, today: runOn, hotspot }) => {
  const today = day(runOn);
  const contactDay = dayOf(sql`c.occurred_at`);
  const concernRows = await queryRows<ConcernRow>(
    ctx.db,
    sql`
        select to_char(${contactDay}, 'YYYY-MM') as month, raised.concern::text as concern, count(*)::int as n
        from contacts c
        cross join lateral unnest(c.safeguarding_concerns) as raised(concern)
        where ${onDays(sql`c.occurred_at`, input.from, input.to)}
          and ${contactDay} <= ${today}
          ${hotspot ? sql`and c.hotspot_id = ${hotspot.id}::uuid` : sql``}
        group by 1, 2
      `,
  );
  const requestedDay = dayOf(sql`r.requested_at`);
  const referralRows = await queryRows<ReferralRow>(
    ctx.db,
    sql`
        select r.status::text as status, count(*)::int as n
        from referrals r
        join services sv on sv.id = r.service_id
        ${hotspot ? sql`join contacts c on c.id = r.contact_id and c.hotspot_id = ${hotspot.id}::uuid` : sql``}
        where sv.code = 'safeguarding_social_care'
          and ${onDays(sql`r.requested_at`, input.from, input.to)}
          and ${requestedDay} <= ${today}
        group by 1
      `,
  );
  return { concernRows, referralRows };
};

export interface ConcernRow {
  month: string;
  concern: SafeguardingConcern;
  n: number;
}
export interface ReferralRow {
  status: ReferralStatus;
  n: number;
}

/** Where a report's counts come from: the day rollups, or the raw rows for reference. */
export type SafeguardingRows = (source: {
  ctx: Ctx;
  input: SafeguardingInput;
  today: string;
  hotspot: { id: string } | null;
}) => Promise<{ concernRows: ConcernRow[]; referralRows: ReferralRow[] }>;

async function buildReport(
  { ctx, input }: VerbArgs<SafeguardingInput>,
  safeguardingRows: SafeguardingRows,
): Promise<SafeguardingReport> {
  const scope = reportScope(ctx, ["commissioner"]);
  const hotspot = await hotspotOf(ctx, input.hotspotId);
  const { concernRows, referralRows } = await safeguardingRows({ ctx, input, today: scope.today, hotspot });

  const { disclosure } = scope;
  const months = monthsOf(input.from, input.to).map((m) => m.month);
  const countOf = (concern: SafeguardingConcern, month: string) =>
    concernRows.find((row) => row.concern === concern && row.month === month)?.n ?? 0;
  // Concern types down, months across, with totals on both margins; every margin is a sum rule.
  const grid = safeguardingConcerns.map((concern) => {
    const byMonth = months.map((month) => disclosure.count(countOf(concern, month)));
    const total = disclosure.count(byMonth.reduce((sum, cell) => sum + cell.value, 0));
    disclosure.sum(byMonth, total);
    return { concern, byMonth, total };
  });
  const monthTotals = months.map((_, index) => {
    const column = grid.map((row) => row.byMonth[index]!);
    const total = disclosure.count(column.reduce((sum, cell) => sum + cell.value, 0));
    disclosure.sum(column, total);
    return total;
  });
  const grandTotal = disclosure.count(monthTotals.reduce((sum, cell) => sum + cell.value, 0));
  disclosure.sum(monthTotals, grandTotal);
  disclosure.sum(
    grid.map((row) => row.total),
    grandTotal,
  );

  const referralCells = referralStatuses.map((status) => ({
    status,
    count: disclosure.count(referralRows.find((row) => row.status === status)?.n ?? 0),
  }));
  const referralTotal = disclosure.count(referralCells.reduce((sum, row) => sum + row.count.value, 0));
  disclosure.sum(
    referralCells.map((row) => row.count),
    referralTotal,
  );
  disclosure.apply();

  const figure = disclosure.figure.bind(disclosure);
  return {
    ...reportHeader(scope, input, hotspot),
    months,
    concerns: [
      ...grid.map((row) => ({
        concern: row.concern,
        byMonth: row.byMonth.map(figure),
        total: figure(row.total),
      })),
      { concern: null, byMonth: monthTotals.map(figure), total: figure(grandTotal) },
    ],
    socialCareReferrals: [
      ...referralCells.map((row) => ({ status: row.status, count: figure(row.count) })),
      { status: null, count: figure(referralTotal) },
    ],
  };
}
