/**
 * The service's calendar (DOMAIN.md): day counts are calendar days in the service's local time zone,
 * and "within N days after D" means D < day <= D + N. The web app, the schemas and core all read
 * their days from here; core/src/calendar.ts adds the same rules as SQL.
 */

/**
 * The service's time zone: Europe/London by default (DOMAIN.md). This is the one setting to change
 * for a service elsewhere; the report rollup triggers (migrations 0004 and 0005) were written with
 * it, and a test in core checks every migration names this zone.
 */
export const serviceTimeZone = "Europe/London";

const dayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: serviceTimeZone,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/**
 * The local calendar day of an instant, as YYYY-MM-DD. A contact at 00:30 BST on 1 July happened on
 * 1 July, although it is 30 June in UTC.
 */
export function localDay(at: Date): string {
  return dayFormat.format(at);
}

/** Today in the service's time zone, as YYYY-MM-DD. */
export function serviceToday(now: Date = new Date()): string {
  return localDay(now);
}

function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export function addDays(day: string, days: number): string {
  return new Date((dayNumber(day) + days) * 86_400_000).toISOString().slice(0, 10);
}

/** "Within N days after D": D < day <= D + N. */
export function isWithinDaysAfter(day: string, start: string, days: number): boolean {
  const gap = daysBetween(start, day);
  return gap > 0 && gap <= days;
}
