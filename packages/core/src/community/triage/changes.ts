import { communityReportEvents, communityReports, eq, hotspots, type Transaction } from "@pathways/db";
import {
  type CommunityReportAcknowledgeInput,
  type CommunityReportNoteInput,
  type CommunityReportStatusChange,
  defaultAcknowledgement,
  type ReportStatus,
  reportStatusTransitions,
} from "@pathways/validators";
import { audit } from "../../audit.ts";
import { type Ctx, now, type VerbArgs } from "../../context.ts";
import { InvalidTransition } from "../../errors.ts";
import { communityReportNotYours } from "../../record-access.ts";
import { requireRoleOrSystem, verbRoles } from "../../rights.ts";
import { queueReporterUpdate, type ReportForUpdate } from "../updates.ts";

const placeOf = (hotspotName: string | null, location: string | null) =>
  hotspotName ?? location ?? "a location you shared";

interface LockedReport extends ReportForUpdate {
  id: string;
  status: ReportStatus;
}

/** The report, locked until the transaction ends, so two people triaging it cannot both move it. */
export async function lockReport(tx: Transaction, id: string): Promise<LockedReport> {
  const [report] = await tx
    .select({
      id: communityReports.id,
      reference: communityReports.reference,
      status: communityReports.status,
      category: communityReports.category,
      hotspotName: hotspots.name,
      location: communityReports.location,
      contactEmail: communityReports.contactEmail,
      contactPhone: communityReports.contactPhone,
    })
    .from(communityReports)
    .leftJoin(hotspots, eq(hotspots.id, communityReports.hotspotId))
    .where(eq(communityReports.id, id))
    .for("update", { of: communityReports });
  if (!report) throw communityReportNotYours(id);
  const { hotspotName, location, ...rest } = report;
  return { ...rest, place: placeOf(hotspotName, location) };
}

export function assertTransition(report: LockedReport, to: ReportStatus): void {
  if (report.status === to) {
    throw new InvalidTransition(`Community report ${report.reference} is already \`${to}\`.`);
  }
  if (!reportStatusTransitions[report.status].includes(to)) {
    const allowed = reportStatusTransitions[report.status];
    throw new InvalidTransition(
      `Community report ${report.reference} is already \`${report.status}\`; it cannot move to \`${to}\`.` +
        (allowed.length ? ` It can move to ${allowed.map((s) => `\`${s}\``).join(", ")}.` : " It is closed."),
    );
  }
}

interface Change {
  to: ReportStatus;
  publicNote?: string | null;
  internalNote?: string | null;
  duplicateOfId?: string;
}

/**
 * Records one event and, in the same transaction, the report's new status, the reporter's update
 * (when they left a contact and the change is public) and the audit event.
 */
export async function recordChange(tx: Transaction, ctx: Ctx, report: LockedReport, change: Change) {
  const at = now(ctx);
  const publicNote = change.publicNote ?? null;
  const [event] = await tx
    .insert(communityReportEvents)
    .values({
      reportId: report.id,
      status: change.to,
      publicNote,
      internalNote: change.internalNote ?? null,
      at,
      byUserId: ctx.actor.kind === "user" ? ctx.actor.userId : null,
    })
    .returning({ id: communityReportEvents.id });
  if (change.to !== report.status || change.duplicateOfId) {
    await tx
      .update(communityReports)
      .set({ status: change.to, ...(change.duplicateOfId ? { duplicateOfId: change.duplicateOfId } : {}) })
      .where(eq(communityReports.id, report.id));
  }
  const updateQueued = await queueReporterUpdate(
    tx,
    report,
    { eventId: event!.id, from: report.status, to: change.to, publicNote },
    at,
  );
  await audit(tx, ctx, { action: "update", entity: "community_report", entityId: report.id });
  return { id: report.id, reference: report.reference, status: change.to, updateQueued };
}

/** Tells the reporter someone has seen their report; a default note is used when none is given. */
export async function acknowledgeCommunityReport({ ctx, input }: VerbArgs<CommunityReportAcknowledgeInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.triage);
  return ctx.db.transaction(async (tx) => {
    const report = await lockReport(tx, input.id);
    assertTransition(report, "acknowledged");
    return recordChange(tx, ctx, report, {
      to: "acknowledged",
      publicNote: input.publicNote ?? defaultAcknowledgement,
      internalNote: input.internalNote,
    });
  });
}

export async function changeCommunityReportStatus({ ctx, input }: VerbArgs<CommunityReportStatusChange>) {
  requireRoleOrSystem(ctx.actor, verbRoles.triage);
  return ctx.db.transaction(async (tx) => {
    const report = await lockReport(tx, input.id);
    assertTransition(report, input.status);
    return recordChange(tx, ctx, report, {
      to: input.status,
      publicNote: input.publicNote,
      internalNote: input.internalNote,
    });
  });
}

/** A note without a status change: a public one reaches the reporter, an internal one never does. */
export async function addCommunityReportNote({ ctx, input }: VerbArgs<CommunityReportNoteInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.triage);
  return ctx.db.transaction(async (tx) => {
    const report = await lockReport(tx, input.id);
    return recordChange(tx, ctx, report, {
      to: report.status,
      publicNote: input.publicNote,
      internalNote: input.internalNote,
    });
  });
}
