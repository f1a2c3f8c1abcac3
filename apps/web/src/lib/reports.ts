import {
  fieldErrors,
  type ReportKind,
  reportDefinitions,
  reportFilters,
  type SubstanceGroup,
  substanceGroups,
} from "@pathways/validators";
import { defaultPeriod, type ReportPeriod } from "./month-range.ts";

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

/** The report's input from the filters (only those it takes), or the per-field messages to show. */
export function reportInput(
  kind: ReportKind,
  filters: ReportFilterValues,
): { ok: true; input: Record<string, string> } | { ok: false; fields: Record<string, string[]> } {
  const candidate: Record<string, string> = { from: filters.from, to: filters.to };
  for (const filter of reportFilters(kind)) {
    const value = filters[filter];
    if (value) candidate[filter] = value;
  }
  const parsed = reportDefinitions[kind].input.safeParse(candidate);
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
