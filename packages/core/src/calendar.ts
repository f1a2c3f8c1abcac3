/**
 * Calendar days in the service's local time zone (DOMAIN.md: Europe/London by default). A contact at
 * 00:30 BST on 1 July happened on 1 July, although it is 30 June in UTC.
 */
export const serviceTimeZone = "Europe/London";

const dayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: serviceTimeZone,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The local calendar day of an instant, as YYYY-MM-DD. */
export function localDay(at: Date): string {
  return dayFormat.format(at);
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

/** "Within N days after D" (DOMAIN.md): D < day <= D + N. */
export function isWithinDaysAfter(day: string, start: string, days: number): boolean {
  const gap = daysBetween(start, day);
  return gap > 0 && gap <= days;
}
