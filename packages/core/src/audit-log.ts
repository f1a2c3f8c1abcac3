import {
  and,
  asc,
  auditEvents,
  desc,
  eq,
  gte,
  hotspots,
  lt,
  or,
  organisations,
  people,
  type SQL,
  sql,
  users,
} from "@pathways/db";
import type { AuditSearchInput } from "@pathways/validators";
import { audit } from "./audit.ts";
import { serviceTimeZone } from "./calendar.ts";
import type { VerbArgs } from "./context.ts";
import { likePattern } from "./people.ts";
import { requireRole, verbRoles } from "./rights.ts";

/** The actor's email: users appear twice (actor and record), and a subquery needs no table alias. */
const actorEmail = sql<
  string | null
>`(select a.email from ${users} a where a.id = ${auditEvents.actorUserId})`;

/** Each order ends on the event id, so a page boundary never splits or repeats an event. */
const orders = {
  newest: [desc(auditEvents.at), desc(auditEvents.id)],
  oldest: [asc(auditEvents.at), asc(auditEvents.id)],
  who: [asc(auditEvents.actorName), desc(auditEvents.at), desc(auditEvents.id)],
  what: [asc(auditEvents.action), asc(auditEvents.entity), desc(auditEvents.at), desc(auditEvents.id)],
} satisfies Record<AuditSearchInput["sort"], SQL[]>;

/**
 * Admins search the audit trail by who (part of a name or email), what (the kind of event), a local
 * date range, person or user, a page at a time in the order they choose. Each event comes with the
 * names an admin reads (actor's email, the person's attributor, the user, organisation or hotspot
 * the record is), not only ids. There is no verb that edits or deletes it, and the database refuses both.
 */
export async function searchAuditLog({ ctx, input }: VerbArgs<AuditSearchInput>) {
  requireRole(ctx.actor, verbRoles.administer);
  const conditions: SQL[] = [];
  if (input.personId) conditions.push(eq(auditEvents.personId, input.personId));
  if (input.userId) conditions.push(eq(auditEvents.actorUserId, input.userId));
  if (input.who) {
    const part = `%${likePattern(input.who.toLowerCase())}%`;
    conditions.push(
      or(
        sql`lower(${auditEvents.actorName}) like ${part}`,
        sql`${auditEvents.actorUserId} in (select a.id from ${users} a where a.email like ${part})`,
      )!,
    );
  }
  if (input.action) conditions.push(eq(auditEvents.action, input.action));
  if (input.from) conditions.push(gte(auditEvents.at, localMidnight(input.from)));
  if (input.to) conditions.push(lt(auditEvents.at, localMidnight(input.to, 1)));
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: auditEvents.id,
        at: auditEvents.at,
        actorKind: auditEvents.actorKind,
        actorName: auditEvents.actorName,
        actorEmail,
        action: auditEvents.action,
        entity: auditEvents.entity,
        entityId: auditEvents.entityId,
        recordName: sql<string | null>`coalesce(${users.name}, ${organisations.name}, ${hotspots.name})`,
        personId: auditEvents.personId,
        personAttributor: people.attributor,
        requestId: auditEvents.requestId,
      })
      .from(auditEvents)
      .leftJoin(people, eq(people.id, auditEvents.personId))
      .leftJoin(users, and(eq(auditEvents.entity, "user"), eq(sql`${users.id}::text`, auditEvents.entityId)))
      .leftJoin(
        organisations,
        and(eq(auditEvents.entity, "organisation"), eq(sql`${organisations.id}::text`, auditEvents.entityId)),
      )
      .leftJoin(
        hotspots,
        and(eq(auditEvents.entity, "hotspot"), eq(sql`${hotspots.id}::text`, auditEvents.entityId)),
      )
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(...orders[input.sort])
      .limit(input.limit + 1)
      .offset((input.page - 1) * input.limit);
    // Reading the trail is itself audited (after the read, so a page never shows its own event).
    await audit(tx, ctx, { action: "read", entity: "audit_log", entityId: searchSummary(input) });
    return { events: rows.slice(0, input.limit), page: input.page, hasNextPage: rows.length > input.limit };
  });
}

/** What was searched for, e.g. `who=okafor;from=2026-07-01;page=2`, or `all` for the whole trail. */
function searchSummary(input: AuditSearchInput): string {
  const filters = (["personId", "userId", "who", "action", "from", "to"] as const)
    .filter((key) => input[key] !== undefined)
    .map((key) => `${key}=${input[key]}`);
  if (input.page > 1) filters.push(`page=${input.page}`);
  return filters.length ? filters.join(";") : "all";
}

/** The instant a local calendar day starts, so "from 1 June" means midnight in London, not UTC. */
function localMidnight(day: string, plusDays = 0): SQL {
  return sql`((${day}::date + ${plusDays}::int)::timestamp at time zone ${serviceTimeZone})`;
}
