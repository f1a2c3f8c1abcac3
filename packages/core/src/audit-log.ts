import { and, auditEvents, desc, eq, gte, lt, type SQL, sql } from "@pathways/db";
import type { AuditSearchInput } from "@pathways/validators";
import { serviceTimeZone } from "./calendar.ts";
import type { VerbArgs } from "./context.ts";
import { requireRole } from "./rights.ts";

/**
 * Admins search the audit trail by person, user and local date range, newest first, a page at a time.
 * There is no verb that edits or deletes it, and the database refuses both.
 */
export async function searchAuditLog({ ctx, input }: VerbArgs<AuditSearchInput>) {
  requireRole(ctx.actor, ["admin"]);
  const conditions: SQL[] = [];
  if (input.personId) conditions.push(eq(auditEvents.personId, input.personId));
  if (input.userId) conditions.push(eq(auditEvents.actorUserId, input.userId));
  if (input.from) conditions.push(gte(auditEvents.at, localMidnight(input.from)));
  if (input.to) conditions.push(lt(auditEvents.at, localMidnight(input.to, 1)));
  if (input.cursor) conditions.push(lt(auditEvents.id, input.cursor));
  const rows = await ctx.db
    .select()
    .from(auditEvents)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return { events: page, nextCursor: rows.length > input.limit ? page.at(-1)!.id : null };
}

/** The instant a local calendar day starts, so "from 1 June" means midnight in London, not UTC. */
function localMidnight(day: string, plusDays = 0): SQL {
  return sql`((${day}::date + ${plusDays}::int)::timestamp at time zone ${serviceTimeZone})`;
}
