import {
  and,
  asc,
  communityReportEvents,
  communityReports,
  contacts,
  count,
  desc,
  eq,
  gte,
  hotspots,
  inArray,
  isNull,
  lte,
  needleFinds,
  outboxMessages,
  type SQL,
  sql,
  type Transaction,
  users,
} from "@pathways/db";
import {
  activeReportStatuses,
  type CommunityReportAcknowledgeInput,
  type CommunityReportDuplicateInput,
  type CommunityReportId,
  type CommunityReportLinkInput,
  type CommunityReportListInput,
  type CommunityReportNoteInput,
  type CommunityReportRetryInput,
  type CommunityReportStatusChange,
  type CommunityReportStatusFilter,
  closedReportStatuses,
  type ReportStatus,
  reportStatusTransitions,
} from "@pathways/validators";
import { audit } from "../audit.ts";
import { addDays, daysBetween, localDay } from "../calendar.ts";
import { type Ctx, now, type VerbArgs } from "../context.ts";
import { Conflict, InvalidTransition, NotFound, ValidationError } from "../errors.ts";
import { requireRoleOrSystem } from "../rights.ts";
import { isPublicChange, queueReporterUpdate, type ReportForUpdate } from "./updates.ts";

/** Taskforce staff triage community reports (DOMAIN.md: outreach workers; admins oversee). */
export const triageRoles = ["outreach_worker", "admin"] as const;

const defaultAcknowledgement = "Thank you. The taskforce has seen your report and will look into it.";
const defaultDuplicateNote =
  "Someone else reported this too. The taskforce is dealing with it under that report. Thank you for telling us.";

const placeOf = (hotspotName: string | null, location: string | null) =>
  hotspotName ?? location ?? "a location you shared";

// ---------------------------------------------------------------------------------------------
// The queue

function statusesFor(filter: CommunityReportStatusFilter): readonly ReportStatus[] | null {
  if (filter === "all") return null;
  if (filter === "active") return activeReportStatuses;
  if (filter === "closed") return closedReportStatuses;
  return [filter];
}

interface Cursor {
  at: string;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`, "utf8").toString("base64url");
}

function decodeCursor(value: string): Cursor {
  const [at, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  // Checked strictly: the values go into SQL casts, and a bad cast must be a 400, never a 500.
  if (
    !at ||
    !id ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at) ||
    Number.isNaN(Date.parse(at)) ||
    new Date(at).toISOString() !== at ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
  ) {
    throw ValidationError.field(
      "cursor",
      "page: that page link is not valid; start again from the first page",
    );
  }
  return { at, id };
}

/**
 * The triage queue, paginated by keyset. Open work is listed oldest first (the longest-waiting
 * report is the most urgent); closed reports newest first. Age is in calendar days, Europe/London.
 */
export async function listCommunityReports({ ctx, input }: VerbArgs<CommunityReportListInput>) {
  requireRoleOrSystem(ctx.actor, triageRoles);
  const today = localDay(now(ctx));
  const localDate = sql`(${communityReports.submittedAt} at time zone 'Europe/London')::date`;
  const statuses = statusesFor(input.status);
  const filters: SQL[] = [];
  if (statuses) filters.push(inArray(communityReports.status, [...statuses]));
  if (input.category) filters.push(eq(communityReports.category, input.category));
  if (input.hotspotId) filters.push(eq(communityReports.hotspotId, input.hotspotId));
  if (input.minAgeDays !== undefined) {
    filters.push(sql`${localDate} <= ${addDays(today, -input.minAgeDays)}::date`);
  }
  if (input.maxAgeDays !== undefined) {
    filters.push(sql`${localDate} >= ${addDays(today, -input.maxAgeDays)}::date`);
  }
  const oldestFirst = input.status === "active" || activeReportStatuses.some((s) => s === input.status);
  const page = [...filters];
  if (input.cursor) {
    const cursor = decodeCursor(input.cursor);
    page.push(
      oldestFirst
        ? sql`(${communityReports.submittedAt}, ${communityReports.id}) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
        : sql`(${communityReports.submittedAt}, ${communityReports.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  const order = oldestFirst
    ? [asc(communityReports.submittedAt), asc(communityReports.id)]
    : [desc(communityReports.submittedAt), desc(communityReports.id)];
  const rows = await ctx.db
    .select({
      id: communityReports.id,
      reference: communityReports.reference,
      category: communityReports.category,
      status: communityReports.status,
      hotspotId: communityReports.hotspotId,
      hotspotName: hotspots.name,
      location: communityReports.location,
      lat: communityReports.lat,
      descriptionPreview: sql<string>`left(${communityReports.description}, 200)`,
      descriptionLength: sql<number>`length(${communityReports.description})::int`,
      submittedAt: communityReports.submittedAt,
      contactEmail: communityReports.contactEmail,
      contactPhone: communityReports.contactPhone,
      linkedContactId: communityReports.linkedContactId,
      linkedNeedleFindId: communityReports.linkedNeedleFindId,
    })
    .from(communityReports)
    .leftJoin(hotspots, eq(hotspots.id, communityReports.hotspotId))
    .where(and(...page))
    .orderBy(...order)
    .limit(input.limit + 1);
  const [total] = await ctx.db
    .select({ n: count() })
    .from(communityReports)
    .where(and(...filters));
  const more = rows.length > input.limit;
  const shown = rows.slice(0, input.limit);
  const last = shown.at(-1);
  return {
    // The queue never carries contact details: only whether the reporter asked for updates.
    reports: shown.map(
      ({ contactEmail, contactPhone, lat, descriptionLength, descriptionPreview, ...row }) => ({
        ...row,
        description: descriptionLength > 200 ? `${descriptionPreview}…` : descriptionPreview,
        sharedLocation: lat !== null,
        updatesBy: contactEmail ? ("email" as const) : contactPhone ? ("phone" as const) : null,
        ageDays: daysBetween(localDay(row.submittedAt), today),
      }),
    ),
    total: total?.n ?? 0,
    nextCursor: more && last ? encodeCursor({ at: last.submittedAt.toISOString(), id: last.id }) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// One report, for staff

/** The full report for staff: contact details, every event with its author and internal note. */
export async function getCommunityReport({ ctx, input }: VerbArgs<CommunityReportId>) {
  requireRoleOrSystem(ctx.actor, triageRoles);
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
  if (!report) throw new NotFound("community report", id);

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
    ? await tx
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
        .leftJoin(users, eq(users.id, contacts.workerId))
        .where(eq(contacts.id, report.linkedContactId))
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

// ---------------------------------------------------------------------------------------------
// Changes

interface LockedReport extends ReportForUpdate {
  id: string;
  status: ReportStatus;
}

/** The report, locked until the transaction ends, so two people triaging it cannot both move it. */
async function lockReport(tx: Transaction, id: string): Promise<LockedReport> {
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
  if (!report) throw new NotFound("community report", id);
  const { hotspotName, location, ...rest } = report;
  return { ...rest, place: placeOf(hotspotName, location) };
}

function assertTransition(report: LockedReport, to: ReportStatus): void {
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
async function recordChange(tx: Transaction, ctx: Ctx, report: LockedReport, change: Change) {
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
  requireRoleOrSystem(ctx.actor, triageRoles);
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
  requireRoleOrSystem(ctx.actor, triageRoles);
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
  requireRoleOrSystem(ctx.actor, triageRoles);
  return ctx.db.transaction(async (tx) => {
    const report = await lockReport(tx, input.id);
    return recordChange(tx, ctx, report, {
      to: report.status,
      publicNote: input.publicNote,
      internalNote: input.internalNote,
    });
  });
}

/** Closes a report as a repeat of an earlier one, which carries on; duplicates never chain. */
export async function markCommunityReportDuplicate({ ctx, input }: VerbArgs<CommunityReportDuplicateInput>) {
  requireRoleOrSystem(ctx.actor, triageRoles);
  return ctx.db.transaction(async (tx) => {
    const report = await lockReport(tx, input.id);
    const [original] = await tx
      .select({
        id: communityReports.id,
        reference: communityReports.reference,
        duplicateOfId: communityReports.duplicateOfId,
      })
      .from(communityReports)
      .where(eq(communityReports.reference, input.duplicateOfReference));
    if (!original) {
      throw ValidationError.field(
        "duplicateOfReference",
        `duplicate of: no community report ${input.duplicateOfReference} was found`,
      );
    }
    if (original.id === report.id) {
      throw ValidationError.field("duplicateOfReference", "duplicate of: a report cannot repeat itself");
    }
    if (original.duplicateOfId) {
      const [root] = await tx
        .select({ reference: communityReports.reference })
        .from(communityReports)
        .where(eq(communityReports.id, original.duplicateOfId));
      throw ValidationError.field(
        "duplicateOfReference",
        `duplicate of: ${original.reference} is itself a duplicate of ${root?.reference ?? "another report"}; use that reference instead`,
      );
    }
    assertTransition(report, "duplicate");
    return recordChange(tx, ctx, report, {
      to: "duplicate",
      duplicateOfId: original.id,
      publicNote: input.publicNote ?? defaultDuplicateNote,
      internalNote: input.internalNote ?? `Duplicate of ${original.reference}.`,
    });
  });
}

const dayAndTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/**
 * Links a report to the contact or needle find that followed it up (null removes the link). The link
 * goes on the staff history as an internal note; the reporter is not told about it.
 */
export async function linkCommunityReport({ ctx, input }: VerbArgs<CommunityReportLinkInput>) {
  requireRoleOrSystem(ctx.actor, triageRoles);
  return ctx.db.transaction(async (tx) => {
    const report = await lockReport(tx, input.id);
    const notes: string[] = [];
    let personId: string | null = null;
    if (input.contactId) {
      const [contact] = await tx
        .select({
          occurredAt: contacts.occurredAt,
          personId: contacts.personId,
          place: sql<string>`coalesce(${hotspots.name}, ${contacts.location})`,
        })
        .from(contacts)
        .leftJoin(hotspots, eq(hotspots.id, contacts.hotspotId))
        .where(eq(contacts.id, input.contactId));
      if (!contact) throw ValidationError.field("contactId", "contact: that contact was not found");
      personId = contact.personId;
      notes.push(`Linked to the contact at ${contact.place} on ${dayAndTime.format(contact.occurredAt)}.`);
    } else if (input.contactId === null) {
      notes.push("Link to a contact removed.");
    }
    if (input.needleFindId) {
      const [find] = await tx
        .select({
          foundAt: needleFinds.foundAt,
          count: needleFinds.count,
          place: sql<string>`coalesce(${hotspots.name}, ${needleFinds.location})`,
        })
        .from(needleFinds)
        .leftJoin(hotspots, eq(hotspots.id, needleFinds.hotspotId))
        .where(eq(needleFinds.id, input.needleFindId));
      if (!find) throw ValidationError.field("needleFindId", "needle find: that needle find was not found");
      notes.push(
        `Linked to the needle find at ${find.place} on ${dayAndTime.format(find.foundAt)} (${find.count} ${find.count === 1 ? "needle" : "needles"}).`,
      );
    } else if (input.needleFindId === null) {
      notes.push("Link to a needle find removed.");
    }
    await tx
      .update(communityReports)
      .set({
        ...(input.contactId !== undefined ? { linkedContactId: input.contactId } : {}),
        ...(input.needleFindId !== undefined ? { linkedNeedleFindId: input.needleFindId } : {}),
      })
      .where(eq(communityReports.id, report.id));
    await tx.insert(communityReportEvents).values({
      reportId: report.id,
      status: report.status,
      internalNote: notes.join(" "),
      at: now(ctx),
      byUserId: ctx.actor.kind === "user" ? ctx.actor.userId : null,
    });
    await audit(tx, ctx, { action: "update", entity: "community_report", entityId: report.id, personId });
    return { id: report.id, reference: report.reference, status: report.status, updateQueued: false };
  });
}

/**
 * Contacts and needle finds that may have followed a report up: at the same hotspot (any place when
 * the report named none), from the day before it to 14 days after. No person details are returned.
 */
export async function listCommunityReportLinkCandidates({ ctx, input }: VerbArgs<CommunityReportId>) {
  requireRoleOrSystem(ctx.actor, triageRoles);
  return ctx.db.transaction(async (tx) => {
    const [report] = await tx
      .select({ submittedAt: communityReports.submittedAt, hotspotId: communityReports.hotspotId })
      .from(communityReports)
      .where(eq(communityReports.id, input.id));
    if (!report) throw new NotFound("community report", input.id);
    const from = new Date(report.submittedAt.getTime() - 86_400_000);
    const to = new Date(report.submittedAt.getTime() + 14 * 86_400_000);
    const contactRows = await tx
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
      .leftJoin(users, eq(users.id, contacts.workerId))
      .where(
        and(
          gte(contacts.occurredAt, from),
          lte(contacts.occurredAt, to),
          report.hotspotId ? eq(contacts.hotspotId, report.hotspotId) : undefined,
        ),
      )
      .orderBy(asc(contacts.occurredAt))
      .limit(20);
    const needleRows = await tx
      .select({
        id: needleFinds.id,
        foundAt: needleFinds.foundAt,
        count: needleFinds.count,
        place: sql<string>`coalesce(${hotspots.name}, ${needleFinds.location})`,
      })
      .from(needleFinds)
      .leftJoin(hotspots, eq(hotspots.id, needleFinds.hotspotId))
      .where(
        and(
          gte(needleFinds.foundAt, from),
          lte(needleFinds.foundAt, to),
          report.hotspotId ? eq(needleFinds.hotspotId, report.hotspotId) : undefined,
        ),
      )
      .orderBy(asc(needleFinds.foundAt))
      .limit(20);
    // A contact with a person is a person-level record: one list event per such contact shown.
    await audit(
      tx,
      ctx,
      contactRows
        .filter((contact) => contact.personId)
        .map((contact) => ({
          action: "list" as const,
          entity: "contact",
          entityId: contact.id,
          personId: contact.personId,
        })),
    );
    return {
      contacts: contactRows.map(({ personId: _personId, ...contact }) => contact),
      needleFinds: needleRows,
    };
  });
}

/**
 * Sends a failed update again: back to pending with a fresh set of attempts. A sent update is never
 * sent again, and a pending one is already on its way.
 */
export async function retryCommunityReportUpdate({ ctx, input }: VerbArgs<CommunityReportRetryInput>) {
  requireRoleOrSystem(ctx.actor, triageRoles);
  return ctx.db.transaction(async (tx) => {
    const [message] = await tx
      .select({
        id: outboxMessages.id,
        status: outboxMessages.status,
        reportId: communityReportEvents.reportId,
      })
      .from(outboxMessages)
      .innerJoin(communityReportEvents, eq(communityReportEvents.id, outboxMessages.reportEventId))
      .where(eq(outboxMessages.id, input.messageId))
      .for("update", { of: outboxMessages });
    if (!message) throw new NotFound("update", input.messageId);
    if (message.status === "sent")
      throw new Conflict("That update was already sent; it is never sent twice.");
    if (message.status === "pending") {
      throw new Conflict("That update is still being delivered; the worker keeps trying it.");
    }
    await tx
      .update(outboxMessages)
      .set({ status: "pending", attempts: 0, nextAttemptAt: now(ctx) })
      .where(and(eq(outboxMessages.id, message.id), isNull(outboxMessages.sentAt)));
    await audit(tx, ctx, { action: "update", entity: "community_report", entityId: message.reportId });
    return { messageId: message.id, status: "pending" as const };
  });
}
