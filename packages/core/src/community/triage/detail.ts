import {
  asc,
  communityReportEvents,
  communityReports,
  contacts,
  eq,
  hotspots,
  needleFinds,
  outboxMessages,
  sql,
  type Transaction,
  users,
} from "@pathways/db";
import { type CommunityReportId, type ReportStatus, reportStatusTransitions } from "@pathways/validators";
import { audit } from "../../audit.ts";
import type { VerbArgs } from "../../context.ts";
import { communityReportNotYours } from "../../record-access.ts";
import { requireRoleOrSystem, verbRoles } from "../../rights.ts";
import { isPublicChange } from "../updates.ts";

/** The full report for staff: contact details, every event with its author and internal note. */
export async function getCommunityReport({ ctx, input }: VerbArgs<CommunityReportId>) {
  requireRoleOrSystem(ctx.actor, verbRoles.triage);
  return ctx.db.transaction(async (tx) => {
    const report = await reportDetail(tx, input.id);
    await audit(tx, ctx, [
      { action: "read", entity: "community_report", entityId: report.id },
      ...(report.linkedContact?.personId
        ? [
            {
              action: "read" as const,
              entity: "contact",
              entityId: report.linkedContact.id,
              personId: report.linkedContact.personId,
            },
          ]
        : []),
    ]);
    return {
      ...report,
      linkedContact: report.linkedContact && {
        id: report.linkedContact.id,
        occurredAt: report.linkedContact.occurredAt,
        contactType: report.linkedContact.contactType,
        place: report.linkedContact.place,
        workerName: report.linkedContact.workerName,
      },
    };
  });
}

/** A contact as triage shows it beside a report: when, what kind, where, who met them. */
export function contactSummaries(tx: Transaction) {
  return tx
    .select({
      id: contacts.id,
      occurredAt: contacts.occurredAt,
      contactType: contacts.contactType,
      personId: contacts.personId,
      place: sql<string>`coalesce(${hotspots.name}, ${contacts.location})`,
      workerName: users.name,
    })
    .from(contacts)
    .leftJoin(hotspots, eq(hotspots.id, contacts.hotspotId))
    .leftJoin(users, eq(users.id, contacts.workerId));
}

async function reportDetail(tx: Transaction, id: string) {
  const [report] = await tx
    .select({
      id: communityReports.id,
      reference: communityReports.reference,
      category: communityReports.category,
      status: communityReports.status,
      hotspotId: communityReports.hotspotId,
      hotspotName: hotspots.name,
      location: communityReports.location,
      lat: communityReports.lat,
      lng: communityReports.lng,
      description: communityReports.description,
      contactEmail: communityReports.contactEmail,
      contactPhone: communityReports.contactPhone,
      submittedAt: communityReports.submittedAt,
      duplicateOfId: communityReports.duplicateOfId,
      linkedContactId: communityReports.linkedContactId,
      linkedNeedleFindId: communityReports.linkedNeedleFindId,
    })
    .from(communityReports)
    .leftJoin(hotspots, eq(hotspots.id, communityReports.hotspotId))
    .where(eq(communityReports.id, id));
  if (!report) throw communityReportNotYours(id);

  const events = await tx
    .select({
      id: communityReportEvents.id,
      at: communityReportEvents.at,
      status: communityReportEvents.status,
      publicNote: communityReportEvents.publicNote,
      internalNote: communityReportEvents.internalNote,
      byName: users.name,
      updateStatus: outboxMessages.status,
      updateMessageId: outboxMessages.id,
      updateAttempts: outboxMessages.attempts,
      updateSentAt: outboxMessages.sentAt,
      updateLastError: outboxMessages.lastError,
    })
    .from(communityReportEvents)
    .leftJoin(users, eq(users.id, communityReportEvents.byUserId))
    .leftJoin(outboxMessages, eq(outboxMessages.reportEventId, communityReportEvents.id))
    .where(eq(communityReportEvents.reportId, id))
    .orderBy(asc(communityReportEvents.at), asc(communityReportEvents.id));

  let previous: ReportStatus | null = null;
  const history = events.map((event) => {
    const seenByReporter = isPublicChange({ from: previous, to: event.status, publicNote: event.publicNote });
    previous = event.status;
    return {
      id: event.id,
      at: event.at,
      status: event.status,
      publicNote: event.publicNote,
      internalNote: event.internalNote,
      byName: event.byName,
      seenByReporter,
      update: event.updateMessageId
        ? {
            messageId: event.updateMessageId,
            status: event.updateStatus!,
            attempts: event.updateAttempts!,
            sentAt: event.updateSentAt,
            lastError: event.updateLastError,
          }
        : null,
    };
  });

  const [duplicateOf] = report.duplicateOfId
    ? await tx
        .select({ id: communityReports.id, reference: communityReports.reference })
        .from(communityReports)
        .where(eq(communityReports.id, report.duplicateOfId))
    : [];
  const duplicates = await tx
    .select({ id: communityReports.id, reference: communityReports.reference })
    .from(communityReports)
    .where(eq(communityReports.duplicateOfId, id))
    .orderBy(asc(communityReports.submittedAt));

  const [linkedContact] = report.linkedContactId
    ? await contactSummaries(tx).where(eq(contacts.id, report.linkedContactId))
    : [];
  const [linkedNeedleFind] = report.linkedNeedleFindId
    ? await tx
        .select({
          id: needleFinds.id,
          foundAt: needleFinds.foundAt,
          count: needleFinds.count,
          place: sql<string>`coalesce(${hotspots.name}, ${needleFinds.location})`,
        })
        .from(needleFinds)
        .leftJoin(hotspots, eq(hotspots.id, needleFinds.hotspotId))
        .where(eq(needleFinds.id, report.linkedNeedleFindId))
    : [];

  return {
    ...report,
    allowedStatuses: reportStatusTransitions[report.status],
    history,
    duplicateOf: duplicateOf ?? null,
    duplicates,
    linkedContact: linkedContact ?? null,
    linkedNeedleFind: linkedNeedleFind ?? null,
  };
}
