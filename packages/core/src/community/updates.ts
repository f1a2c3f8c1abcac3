import { outboxMessages, type Transaction } from "@pathways/db";
import {
  type CommunityReportCategory,
  type ReportStatus,
  reportCategoryLabels,
  reportStatusLabels,
} from "@pathways/validators";

/** What an update needs to know about its report; never who handled it. */
export interface ReportForUpdate {
  reference: string;
  category: CommunityReportCategory;
  place: string;
  contactEmail: string | null;
  contactPhone: string | null;
}

export interface ReportChange {
  eventId: string;
  /** The status before the change, or null for the submission itself. */
  from: ReportStatus | null;
  to: ReportStatus;
  publicNote: string | null;
}

/** Email is preferred: it is the channel that can carry the whole update. */
export function recipientOf(report: Pick<ReportForUpdate, "contactEmail" | "contactPhone">): string | null {
  return report.contactEmail ?? report.contactPhone ?? null;
}

/** Whether a change is news for the reporter: a new status, or anything said to them. */
export function isPublicChange(change: Pick<ReportChange, "from" | "to" | "publicNote">): boolean {
  return change.from !== change.to || change.publicNote !== null;
}

/** Plain text only: a reporter's mail client never renders anything staff typed as markup. */
export function composeUpdate(
  report: ReportForUpdate,
  change: ReportChange,
): { subject: string; body: string } {
  const what = `${reportCategoryLabels[report.category]} at ${report.place}`;
  const status = reportStatusLabels[change.to];
  const lines =
    change.from === null
      ? [
          `Thank you for your report ${report.reference} (${what}).`,
          "",
          "The taskforce reviews every report. We will send you an update here each time its status changes.",
        ]
      : change.from === change.to
        ? [`There is a new note on your report ${report.reference} (${what}).`]
        : [`Your report ${report.reference} (${what}) is now: ${status}.`];
  if (change.publicNote) lines.push("", change.publicNote);
  lines.push(
    "",
    "You can see every update with the private tracking link you were given when you reported.",
    "If someone is in immediate danger, call 999.",
  );
  const subject =
    change.from === null
      ? `We have received your report ${report.reference}`
      : `Update on your report ${report.reference}: ${status}`;
  return { subject, body: lines.join("\n") };
}

/**
 * Queues the update for the reporter in the transaction that made the change, so a change is never
 * committed without its message nor a message without its change. One message per event (a unique
 * index backs this), and none when the reporter left no contact or the change is staff-only.
 */
export async function queueReporterUpdate(
  tx: Transaction,
  report: ReportForUpdate,
  change: ReportChange,
  at: Date,
): Promise<boolean> {
  const recipient = recipientOf(report);
  if (!recipient || !isPublicChange(change)) return false;
  const { subject, body } = composeUpdate(report, change);
  await tx
    .insert(outboxMessages)
    .values({ reportEventId: change.eventId, recipient, subject, body, nextAttemptAt: at, createdAt: at });
  return true;
}
