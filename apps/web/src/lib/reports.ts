import {
  FunnelInput,
  fieldErrors,
  HotspotActivityInput,
  OutcomesInput,
  type ReportKind,
  reportKinds,
  SafeguardingInput,
  type SubstanceGroup,
  substanceGroups,
  WaitingTimesInput,
} from "@pathways/validators";
import type { Role } from "@pathways/validators/codes";

/** The reports each role may run: commissioners all of them; treatment managers their provider's own. */
export const reportsFor: Record<Role, readonly ReportKind[]> = {
  commissioner: reportKinds,
  treatment_manager: ["outcomes", "waiting"],
  outreach_worker: [],
  admin: [],
};

export const reportTabLabels: Record<ReportKind, string> = {
  funnel: "Funnel",
  outcomes: "Outcomes",
  waiting: "Waiting times",
  hotspots: "Hotspot activity",
  safeguarding: "Safeguarding",
};

export const reportDescriptions: Record<ReportKind, string> = {
  funnel:
    "Of the people the taskforce met in the period, how many were referred (within 90 days of a contact), started treatment from that referral, completed successfully, and did not come back within 182 days.",
  outcomes:
    "People in treatment in the period, successful completions (opiate clients: not on substitution therapy at exit) as a share of them and of all discharges, and completions without re-presentation within 182 days.",
  waiting:
    "For episodes started in the period from a referral: days from the referral to the start of treatment, the median and the share waiting more than 21 days.",
  hotspots: "Contacts, community reports and needles found, per month, against the same days a year before.",
  safeguarding:
    "Safeguarding concerns raised on contacts, by type and month, and referrals to social care by their outcome so far.",
};

export interface ReportPeriod {
  from: string;
  to: string;
}

const londonDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

export function todayInLondon(now = new Date()): string {
  return londonDay.format(now);
}

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** Period presets a commissioner expects, each a whole period that has already ended. */
export function periodPresets(today: string): { key: string; label: string; period: ReportPeriod }[] {
  const [year, month] = today.split("-").map(Number) as [number, number];
  // The UK financial year runs from 1 April to 31 March.
  const financialEnd = month >= 4 ? year : year - 1;
  const lastMonthYear = month === 1 ? year - 1 : year;
  const lastMonth = month === 1 ? 12 : month - 1;
  const lastMonthEnd = lastDayOfMonth(lastMonthYear, lastMonth);
  const start = lastMonthYear * 12 + (lastMonth - 1) - 11;
  const twelveMonthsStart = `${Math.floor(start / 12)}-${String((start % 12) + 1).padStart(2, "0")}-01`;
  return [
    {
      key: "twelve-months",
      label: "Last 12 full months",
      period: { from: twelveMonthsStart, to: lastMonthEnd },
    },
    {
      key: "calendar",
      label: "Last calendar year",
      period: { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` },
    },
    {
      key: "financial",
      label: "Last financial year",
      period: { from: `${financialEnd - 1}-04-01`, to: `${financialEnd}-03-31` },
    },
  ];
}

/** The default period: the last full year, i.e. the 12 whole months before this one (the latest data). */
export function defaultPeriod(today: string): ReportPeriod {
  return periodPresets(today).find((preset) => preset.key === "twelve-months")!.period;
}

export interface ReportFilterValues extends ReportPeriod {
  hotspotId?: string;
  substanceGroup?: SubstanceGroup;
}

/** Filters from the address bar (so a report can be bookmarked and shared), with defaults. */
export function filtersFromSearch(search: URLSearchParams, today: string): ReportFilterValues {
  const period = defaultPeriod(today);
  const group = search.get("group");
  return {
    from: search.get("from") || period.from,
    to: search.get("to") || period.to,
    hotspotId: search.get("hotspot") || undefined,
    substanceGroup: (substanceGroups as readonly string[]).includes(group ?? "")
      ? (group as SubstanceGroup)
      : undefined,
  };
}

export function searchFromFilters(filters: ReportFilterValues): string {
  const search = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.hotspotId) search.set("hotspot", filters.hotspotId);
  if (filters.substanceGroup) search.set("group", filters.substanceGroup);
  return search.toString();
}

const schemaOf = {
  funnel: FunnelInput,
  outcomes: OutcomesInput,
  waiting: WaitingTimesInput,
  hotspots: HotspotActivityInput,
  safeguarding: SafeguardingInput,
} as const;

/** The report's input from the filters (only those it takes), or the per-field messages to show. */
export function reportInput(
  kind: ReportKind,
  filters: ReportFilterValues,
): { ok: true; input: Record<string, string> } | { ok: false; fields: Record<string, string[]> } {
  const candidate: Record<string, string> = { from: filters.from, to: filters.to };
  if (kind === "funnel" || kind === "hotspots" || kind === "safeguarding") {
    if (filters.hotspotId) candidate.hotspotId = filters.hotspotId;
  } else if (filters.substanceGroup) candidate.substanceGroup = filters.substanceGroup;
  const parsed = schemaOf[kind].safeParse(candidate);
  return parsed.success ? { ok: true, input: candidate } : { ok: false, fields: fieldErrors(parsed.error) };
}

const wholeNumber = new Intl.NumberFormat("en-GB");
const oneDecimal = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

/** A figure as the page shows it: thousands separated; `<5` and `*` as they are. */
export function formatFigure(value: string | number | null | undefined, kind: string): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "string") return value;
  return kind === "percent" || kind === "days" ? oneDecimal.format(value) : wholeNumber.format(value);
}

/** Starts a download of a CSV file made in the browser (no second request, so the same figures). */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
