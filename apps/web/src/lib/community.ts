import type { RouterOutputs } from "@pathways/api";
import { reportStatusLabels } from "@pathways/validators";
import { serviceTimeZone } from "@pathways/validators/calendar";
import type { ReportStatus } from "@pathways/validators/codes";

/** Pages anyone may open without signing in: the report form and a report's tracking page. */
export function isPublicPath(path: string): boolean {
  return path === "/report" || /^\/track\/[^/]+\/?$/.test(path);
}

export function trackingUrl(origin: string, token: string): string {
  return `${origin}/track/${encodeURIComponent(token)}`;
}

const whenFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: serviceTimeZone,
});

/** A moment as people in the city read it: "12 Jun 2026, 14:03" (London time). */
export function formatWhen(at: Date): string {
  return whenFormat.format(at);
}

export function ageLabel(days: number): string {
  if (days <= 0) return "today";
  return days === 1 ? "1 day old" : `${days} days old`;
}

export function placeLabel(report: {
  hotspotName: string | null;
  location: string | null;
  sharedLocation: boolean;
}): string {
  if (report.hotspotName && report.location) return `${report.hotspotName}: ${report.location}`;
  return report.hotspotName ?? report.location ?? (report.sharedLocation ? "A shared location" : "Not given");
}

export function statusLabel(status: ReportStatus): string {
  return reportStatusLabels[status];
}

/** Closed statuses get a quieter badge than work still to do. */
export function statusTone(status: ReportStatus): "new" | "working" | "closed" {
  if (status === "open") return "new";
  if (status === "acknowledged" || status === "in_progress") return "working";
  return "closed";
}

export type TriageReport = RouterOutputs["community"]["get"];
export type TriageUpdate = NonNullable<TriageReport["history"][number]["update"]>;

/** What staff see about an update to the reporter, in a sentence. */
export function updateLabel(update: TriageUpdate, by: "email" | "phone"): string {
  if (update.status === "sent") {
    return `Update sent by ${by}${update.sentAt ? ` on ${formatWhen(update.sentAt)}` : ""}.`;
  }
  if (update.status === "failed") {
    return `Update could not be sent after ${update.attempts} attempt${update.attempts === 1 ? "" : "s"}.`;
  }
  return update.attempts === 0
    ? `Update to the reporter waiting to be sent by ${by}.`
    : `Update not sent yet: attempt ${update.attempts} failed; it will be tried again.`;
}
