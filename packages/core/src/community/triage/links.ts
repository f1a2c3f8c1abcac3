import {
  and,
  asc,
  communityReportEvents,
  communityReports,
  contacts,
  eq,
  gte,
  hotspots,
  lte,
  needleFinds,
  sql,
} from "@pathways/db";
import type { CommunityReportId, CommunityReportLinkInput } from "@pathways/validators";
import { audit } from "../../audit.ts";
import { serviceTimeZone } from "../../calendar.ts";
import { now, type VerbArgs } from "../../context.ts";
import { ValidationError } from "../../errors.ts";
import { communityReportNotYours, visibleContacts } from "../../record-access.ts";
import { requireRoleOrSystem, verbRoles } from "../../rights.ts";

import { lockReport } from "./changes.ts";
import { contactSummaries } from "./detail.ts";

const dayAndTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: serviceTimeZone,
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
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.triage);
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
        .where(and(eq(contacts.id, input.contactId), visibleContacts(actor, "read")));
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
  requireRoleOrSystem(ctx.actor, verbRoles.triage);
  return ctx.db.transaction(async (tx) => {
    const [report] = await tx
      .select({ submittedAt: communityReports.submittedAt, hotspotId: communityReports.hotspotId })
      .from(communityReports)
      .where(eq(communityReports.id, input.id));
    if (!report) throw communityReportNotYours(input.id);
    const from = new Date(report.submittedAt.getTime() - 86_400_000);
    const to = new Date(report.submittedAt.getTime() + 14 * 86_400_000);
    const contactRows = await contactSummaries(tx)
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
