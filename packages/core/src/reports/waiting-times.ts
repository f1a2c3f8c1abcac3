import { queryRows, sql } from "@pathways/db";
import {
  type ServiceCode,
  type WaitingTimesInput,
  type WaitingTimesReport,
  type WaitingTimesRow,
  waitingThresholdDays,
} from "@pathways/validators";
import { treatmentServiceCodes } from "@pathways/validators/codes";
import type { VerbArgs } from "../context.ts";
import { day, dayOf, reportHeader, reportScope } from "./common.ts";
import type { Count } from "./disclosure.ts";

interface WaitRow {
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
export async function waitingTimesReport({
  ctx,
  input,
}: VerbArgs<WaitingTimesInput>): Promise<WaitingTimesReport> {
  const scope = reportScope(ctx, ["commissioner", "treatment_manager"]);
  const threshold = sql.raw(String(waitingThresholdDays));
  const measured = await queryRows<WaitRow>(
    ctx.db,
    sql`
      with waits as (
        select sv.id as service_id, sv.code::text as code, sv.name as service_name, o.name as provider_name,
          (e.started_on - ${dayOf(sql`r.requested_at`)}) as days
        from episodes e
        join referrals r on r.id = e.referral_id
        join services sv on sv.id = r.service_id
        join organisations o on o.id = sv.organisation_id
        where e.started_on between ${day(input.from)} and ${day(input.to)}
          and e.started_on <= ${day(scope.today)}
          ${scope.providerId ? sql`and e.provider_organisation_id = ${scope.providerId}::uuid` : sql``}
          ${input.substanceGroup ? sql`and e.substance_group::text = ${input.substanceGroup}` : sql``}
      )
      select w.service_id::text as service_id, w.code, w.service_name, w.provider_name,
        count(*)::int as started,
        (count(*) filter (where w.days > ${threshold}))::int as over,
        (percentile_cont(0.5) within group (order by w.days))::float8 as median
      from waits w
      group by rollup ((w.service_id, w.code, w.service_name, w.provider_name))
    `,
  );
  // Services that took no one in the period still get a row: a zero is a result too.
  const offered = await queryRows<{
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
        ${scope.providerId ? sql`and sv.organisation_id = ${scope.providerId}::uuid` : sql``}
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
  const cellsOf = (row: WaitRow) => {
    const started = disclosure.count(row.started);
    const over = disclosure.count(row.over);
    const within = disclosure.count(row.started - row.over);
    disclosure.sum([within, over], started);
    return { row, started, over, within };
  };
  const serviceCells = serviceRows.map(cellsOf);
  // One service is its own total; a second row would only repeat it.
  const withTotal = serviceCells.length !== 1;
  const totalCells = withTotal ? cellsOf(totalRow) : serviceCells[0]!;
  if (withTotal) {
    for (const measure of ["started", "over", "within"] as const) {
      disclosure.sum(
        serviceCells.map((cells) => cells[measure]),
        totalCells[measure],
      );
    }
  }
  disclosure.apply();

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
    rows: [...serviceCells.map(toRow), ...(withTotal ? [toRow(totalCells)] : [])],
  };
}
