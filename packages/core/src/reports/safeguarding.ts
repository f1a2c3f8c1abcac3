import { sql } from "@pathways/db";
import { reportDefinitions, type SafeguardingInput, type SafeguardingReport } from "@pathways/validators";
import {
  type ReferralStatus,
  referralStatuses,
  type SafeguardingConcern,
  safeguardingConcerns,
} from "@pathways/validators/codes";
import { localDaySql } from "../calendar.ts";
import type { Ctx, VerbArgs } from "../context.ts";
import { day, hotspotOf, monthsOf, onDays, type ReportScope, reportHeader, reportScope } from "./common.ts";
import { dayRollupCounts, dayRollupMeasure, dayRollupsAnswer } from "./day-rollups.ts";
import { monthProfile } from "./disclosure.ts";
import { freshness } from "./person-rollups.ts";
import { reportRows } from "./rollup-turns.ts";

/**
 * Safeguarding: concerns raised on contacts in the period (at the hotspot), by type and month -
 * anonymous contacts included, a contact with two concerns counting once for each - and referrals to
 * social care requested in the period, by their outcome so far (their current status). With a
 * hotspot filter, only referrals made from a contact at that hotspot.
 */
export async function safeguardingReport(args: VerbArgs<SafeguardingInput>): Promise<SafeguardingReport> {
  return safeguardingReportFor(
    reportScope(args.ctx, reportDefinitions.safeguarding.readers, args.input),
    args,
  );
}

/** Safeguarding for a reader whose scope (and so disclosure control) the verb has worked out. */
export async function safeguardingReportFor(
  scope: ReportScope,
  args: VerbArgs<SafeguardingInput>,
): Promise<SafeguardingReport> {
  return buildReport(scope, args, safeguardingFromDayRollups);
}

/** The same report counted from the raw rows: the reference the day rollups are tested against. */
export async function safeguardingReportFromRawRows(
  args: VerbArgs<SafeguardingInput>,
): Promise<SafeguardingReport> {
  return buildReport(
    reportScope(args.ctx, reportDefinitions.safeguarding.readers, args.input),
    args,
    safeguardingFromRawRows,
  );
}

export const safeguardingFromDayRollups: SafeguardingRows = async ({ ctx, input, today, hotspot }) => {
  const answer = await dayRollupsAnswer(ctx.db);
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
  // One row per measure and month (places added up).
  const concernRows: ConcernRow[] = [];
  const referralRows: ReferralRow[] = [];
  for (const row of rows) {
    const counted = measure.get(row.measure)!;
    if ("concern" in counted) concernRows.push({ month: row.month, concern: counted.concern, n: row.n });
    else referralRows.push({ month: row.month, status: counted.status, n: row.n });
  }
  return { concernRows, referralRows, ...freshness(answer) };
};

/** From the raw contacts and referrals (the report's first implementation). */
export const safeguardingFromRawRows: SafeguardingRows = async ({ ctx, input, today: runOn, hotspot }) => {
  const today = day(runOn);
  const contactDay = localDaySql(sql`c.occurred_at`);
  const concernRows = await reportRows<ConcernRow>(
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
  const requestedDay = localDaySql(sql`r.requested_at`);
  const referralRows = await reportRows<ReferralRow>(
    ctx.db,
    sql`
        select to_char(${requestedDay}, 'YYYY-MM') as month, r.status::text as status, count(*)::int as n
        from referrals r
        join services sv on sv.id = r.service_id
        ${hotspot ? sql`join contacts c on c.id = r.contact_id and c.hotspot_id = ${hotspot.id}::uuid` : sql``}
        where sv.code = 'safeguarding_social_care'
          and ${onDays(sql`r.requested_at`, input.from, input.to)}
          and ${requestedDay} <= ${today}
        group by 1, 2
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
  month: string;
  status: ReferralStatus;
  n: number;
}

/** Where a report's counts come from: the day rollups, or the raw rows for reference. */
export type SafeguardingRows = (source: {
  ctx: Ctx;
  input: SafeguardingInput;
  today: string;
  hotspot: { id: string } | null;
}) => Promise<{ concernRows: ConcernRow[]; referralRows: ReferralRow[]; figuresAsOf?: string }>;

async function buildReport(
  scope: ReportScope,
  { ctx, input }: VerbArgs<SafeguardingInput>,
  safeguardingRows: SafeguardingRows,
): Promise<SafeguardingReport> {
  const hotspot = await hotspotOf(ctx, input.hotspotId);
  const { concernRows, referralRows, figuresAsOf } = await safeguardingRows({
    ctx,
    input,
    today: scope.today,
    hotspot,
  });

  const { disclosure } = scope;
  const place = hotspot?.id ?? "everywhere";
  const months = monthsOf(input.from, input.to).map((m) => m.month);
  // Each cell is described by what it counts, where, and its months with their counts, so the same
  // concerns give the same figure in a month's column and in a one-month report.
  const cell = (what: string, rows: { month: string; n: number }[]) =>
    disclosure.count(
      rows.reduce((sum, row) => sum + row.n, 0),
      `${what}|${place}|${monthProfile(rows.map((row) => [row.month, row.n] as const))}`,
    );
  const grid = safeguardingConcerns.map((concern) => {
    const rows = concernRows.filter((row) => row.concern === concern);
    const what = dayRollupMeasure.concern(concern);
    return {
      concern,
      byMonth: months.map((month) =>
        cell(
          what,
          rows.filter((row) => row.month === month),
        ),
      ),
      total: cell(what, rows),
    };
  });
  const monthTotals = months.map((month) =>
    cell(
      "concern:all",
      concernRows.filter((row) => row.month === month),
    ),
  );
  const grandTotal = cell("concern:all", concernRows);
  const referralCells = referralStatuses.map((status) => ({
    status,
    count: cell(
      dayRollupMeasure.socialCareReferral(status),
      referralRows.filter((row) => row.status === status),
    ),
  }));
  const referralTotal = cell("social_care_referral:all", referralRows);

  const figure = disclosure.figure.bind(disclosure);
  return {
    ...reportHeader(scope, input, hotspot),
    ...freshness({ asOf: figuresAsOf ?? null }),
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
