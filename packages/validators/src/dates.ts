import { z } from "zod";
import { serviceToday } from "./calendar.ts";

/**
 * The one home of the date bounds every schema uses. A date outside them is a typing slip or a
 * hostile client, refused as a 400 naming the field before it can reach PostgreSQL (which refuses
 * year 0, and would otherwise store year 9999).
 */

/** Nobody in the service was born before this day. */
export const earliestBirthDay = "1900-01-01";
/** Contacts, referrals, treatment and reports start in this century. */
export const earliestEventDay = "2000-01-01";
/** How far ahead an event may be dated: appointments are booked ahead, nothing by more than a year. */
const yearsAhead = 1;
/** Devices' clocks drift: a time up to this far ahead of the server's is still "not in the future". */
const clockSkewMs = 5 * 60_000;

/** The same day `years` later (29 February becomes 28 February), as YYYY-MM-DD. */
export function addYears(day: string, years: number): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year + years, month - 1, date));
  // 29 February in a year without one rolls into March: step back to the 28th.
  if (target.getUTCMonth() !== month - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** The last day an event may be dated: a year after today in the service's time zone. */
export function latestEventDay(): string {
  return addYears(serviceToday(), yearsAhead);
}

/** A `YYYY-MM-DD` string that is a real calendar day. */
export function isRealDay(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** A calendar date field, any real day; every message names the field. */
export function day(label: string) {
  return z
    .string({ error: `${label} must be a date` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label} must be a date as YYYY-MM-DD`, abort: true })
    .refine(isRealDay, { error: `${label} must be a real calendar date`, abort: true });
}

/** A date of birth: 1900-01-01 or later, and not after today. */
export function birthDay(label: string) {
  return day(label)
    .refine((value) => value >= earliestBirthDay, {
      error: `${label} must be ${earliestBirthDay} or later`,
      abort: true,
    })
    .refine((value) => value <= serviceToday(), { error: `${label} cannot be in the future` });
}

/**
 * The day of an event: 2000-01-01 or later, and at most a year after today; with `past`, not after
 * today (a consent recorded, a report period).
 */
export function eventDay(label: string, { past = false } = {}) {
  return day(label)
    .refine((value) => value >= earliestEventDay, {
      error: `${label} must be ${earliestEventDay} or later`,
      abort: true,
    })
    .refine((value) => value <= (past ? serviceToday() : latestEventDay()), {
      error: () =>
        past ? `${label} cannot be in the future` : `${label} must be on or before ${latestEventDay()}`,
    });
}

/** Where a moment falls against the event bounds, or null when it is within them. */
export function eventMomentProblem(value: Date, label: string, { past = false } = {}): string | null {
  if (Number.isNaN(value.getTime())) return `${label} must be a date and time`;
  if (value < new Date(`${earliestEventDay}T00:00:00Z`))
    return `${label} must be ${earliestEventDay} or later`;
  if (past && value.getTime() > Date.now() + clockSkewMs) return `${label} cannot be in the future`;
  if (!past && value > new Date(`${latestEventDay()}T23:59:59Z`)) {
    return `${label} must be on or before ${latestEventDay()}`;
  }
  return null;
}

/**
 * The moment of an event, as a date and time: from 2000 on, and at most a year ahead; with `past`,
 * not after now (a contact, a needle find).
 */
export function eventMoment(label: string, { past = false } = {}) {
  return z.date({ error: `${label} must be a date and time` }).superRefine((value, ctx) => {
    const problem = eventMomentProblem(value, label, { past });
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
