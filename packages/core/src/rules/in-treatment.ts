import { type SQL, sql } from "@pathways/db";

/**
 * In treatment (DOMAIN.md, Measures): an episode open on any day of the period - started by its
 * last day and not discharged before its first - counting only what had happened by the day the
 * report is run. The same SQL form for every report that counts people in treatment, for a row of
 * `episodes` under the alias `e`.
 */
export function openInPeriodSql(e: string, period: { from: string; to: string; today: string }): SQL {
  const column = (name: string) => sql.raw(`${e}.${name}`);
  return sql`(${column("started_on")} <= ${period.to}::date
    and ${column("started_on")} <= ${period.today}::date
    and (${column("discharged_on")} is null or ${column("discharged_on")} >= ${period.from}::date))`;
}

/**
 * A successful completion in the period: discharged successfully (rules/discharge.ts) on a day of the
 * period, by the day the report is run. With `openInPeriodSql`, the outcomes report's completions.
 */
export function dischargedInPeriodSql(e: string, period: { from: string; to: string; today: string }): SQL {
  const discharged = sql.raw(`${e}.discharged_on`);
  return sql`(${discharged} between ${period.from}::date and ${period.to}::date
    and ${discharged} <= ${period.today}::date)`;
}
