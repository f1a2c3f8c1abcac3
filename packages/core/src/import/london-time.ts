import { serviceTimeZone } from "../calendar.ts";

const wallClock = new Intl.DateTimeFormat("en-GB", {
  timeZone: serviceTimeZone,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** How far London's wall clock is ahead of UTC at an instant, in milliseconds (0 or 1 hour). */
function londonOffset(at: number): number {
  const parts = Object.fromEntries(wallClock.formatToParts(at).map((part) => [part.type, part.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

const withOffset = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const localTime = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A moment from a spreadsheet cell: ISO 8601 with an offset ("2025-03-14T21:30:00Z"), or a London
 * wall-clock time without one ("2025-03-14 21:30"), or a date alone (midday London time, so the day
 * is right whatever the season). Null when the text is none of these or not a real moment.
 */
export function parseMoment(text: string): Date | null {
  const value = text.trim();
  if (withOffset.test(value)) {
    const date = new Date(value.replace(" ", "T"));
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const match = localTime.exec(value);
  if (!match) return null;
  const [, year, month, day, hour = "12", minute = "00", second = "00"] = match;
  const wall = Date.UTC(+year!, +month! - 1, +day!, +hour, +minute, +second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== +month! - 1 || check.getUTCDate() !== +day! || +hour > 23 || +minute > 59) {
    return null;
  }
  // The offset at the guessed instant, corrected once for guesses that straddle a clock change.
  let instant = wall - londonOffset(wall);
  instant = wall - londonOffset(instant);
  return new Date(instant);
}
