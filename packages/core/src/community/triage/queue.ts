import { and, asc, communityReports, count, desc, eq, hotspots, inArray, type SQL, sql } from "@pathways/db";
import {
  activeReportStatuses,
  type CommunityReportListInput,
  type CommunityReportStatusFilter,
  closedReportStatuses,
  type ReportStatus,
} from "@pathways/validators";
import { addDays, daysBetween, localDay, localDaySql } from "../../calendar.ts";
import { now, type VerbArgs } from "../../context.ts";
import { decodeCursor, encodeCursor } from "../../cursor.ts";
import { requireRoleOrSystem, verbRoles } from "../../rights.ts";

function statusesFor(filter: CommunityReportStatusFilter): readonly ReportStatus[] | null {
  if (filter === "all") return null;
  if (filter === "active") return activeReportStatuses;
  if (filter === "closed") return closedReportStatuses;
  return [filter];
}

/**
 * The triage queue, paginated by keyset. Open work is listed oldest first (the longest-waiting
 * report is the most urgent); closed reports newest first. Age is in calendar days, Europe/London.
 */
export async function listCommunityReports({ ctx, input }: VerbArgs<CommunityReportListInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.triage);
  const today = localDay(now(ctx));
  const localDate = localDaySql(sql`${communityReports.submittedAt}`);
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
    nextCursor: more && last ? encodeCursor(last.submittedAt, last.id) : null,
  };
}
