import { type SQL, type SQLWrapper, sql } from "@pathways/db";
import { serviceTimeZone } from "@pathways/validators/calendar";

/*
 * The calendar rules (DOMAIN.md) live in @pathways/validators/calendar, shared with the web app and
 * the schemas; core re-exports them and adds their SQL forms here.
 */
export {
  addDays,
  daysBetween,
  isWithinDaysAfter,
  localDay,
  serviceTimeZone,
  serviceToday,
} from "@pathways/validators/calendar";

/** The local calendar day of a timestamp expression, as SQL: the same day `localDay` gives. */
export function localDaySql(at: SQLWrapper): SQL {
  return sql`(${at} at time zone ${sql.raw(`'${serviceTimeZone}'`)})::date`;
}

/**
 * "Within N days after D" as SQL, for dates: D < day <= D + N, as isWithinDaysAfter. `days` is a
 * constant of the rules (never user input), written into the statement.
 */
export function withinDaysAfterSql(day: SQLWrapper, start: SQLWrapper, days: number): SQL {
  const n = sql.raw(String(Math.trunc(days)));
  return sql`(${day} > ${start} and ${day} <= ${start} + ${n})`;
}
