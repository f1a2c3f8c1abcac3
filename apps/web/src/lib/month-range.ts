import { earliestEventDay, lastDayOfMonth } from "@pathways/validators";

/**
 * Report periods chosen as whole calendar months (docs/decisions/0002-month-period-grid.md). A month
 * is YYYY-MM; the period it stands for is always checked by the validators' own period rules
 * (`reportInput`), so this file only turns months into days and never decides what is allowed.
 */

export interface ReportPeriod {
  from: string;
  to: string;
}

/** The month (YYYY-MM) a day (YYYY-MM-DD) falls in. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The month `by` months after `month` (before it when negative). */
export function addMonths(month: string, by: number): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (number - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The period from the first day of `first` to the last day of `last` (both YYYY-MM). */
export function periodOfMonths(first: string, last: string): ReportPeriod {
  return { from: `${first}-01`, to: lastDayOfMonth(`${last}-01`) };
}

const monthName = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

/** "April 2025". */
export function monthLabel(month: string): string {
  return monthName.format(new Date(`${month}-01T00:00:00Z`));
}

/**
 * The months a picker offers, newest first: from this month back to the first month a report may
 * start in (the validators' earliest event day). Later months are allowed by the rules but hold no
 * figures yet. Months in `keep` (say, from an old shared link) are offered too, so the picker shows
 * what the address asks for and the validators can say what is wrong with it.
 */
export function monthChoices(today: string, keep: string[] = []): { value: string; label: string }[] {
  const months = new Set<string>(keep);
  const first = monthOf(earliestEventDay);
  for (let month = monthOf(today); month >= first; month = addMonths(month, -1)) months.add(month);
  return [...months]
    .sort()
    .reverse()
    .map((value) => ({ value, label: monthLabel(value) }));
}

/** Period presets a commissioner expects, each made of whole months that have already ended. */
export function periodPresets(today: string): { key: string; label: string; period: ReportPeriod }[] {
  const lastMonth = addMonths(monthOf(today), -1);
  const [year, month] = monthOf(today).split("-").map(Number) as [number, number];
  // Calendar quarters start in January, April, July and October.
  const quarterStart = `${year}-${String(month - ((month - 1) % 3)).padStart(2, "0")}`;
  // The UK financial year runs from 1 April to 31 March.
  const financialEnd = month >= 4 ? year : year - 1;
  return [
    { key: "last-month", label: "Last full month", period: periodOfMonths(lastMonth, lastMonth) },
    {
      key: "last-quarter",
      label: "Last quarter",
      period: periodOfMonths(addMonths(quarterStart, -3), addMonths(quarterStart, -1)),
    },
    {
      key: "twelve-months",
      label: "Last 12 months",
      period: periodOfMonths(addMonths(lastMonth, -11), lastMonth),
    },
    {
      key: "calendar",
      label: "Last calendar year",
      period: periodOfMonths(`${year - 1}-01`, `${year - 1}-12`),
    },
    {
      key: "financial",
      label: "Last financial year (April–March)",
      period: periodOfMonths(`${financialEnd - 1}-04`, `${financialEnd}-03`),
    },
  ];
}

/** The default period: the 12 whole months before this one (the latest full year of data). */
export function defaultPeriod(today: string): ReportPeriod {
  return periodPresets(today).find((preset) => preset.key === "twelve-months")!.period;
}
