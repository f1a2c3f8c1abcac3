import { and, contacts, desc, eq, gte, isNull, max, people } from "@pathways/db";
import { audit } from "./audit.ts";
import { now, type VerbArgs } from "./context.ts";
import { requireRole, verbRoles } from "./rights.ts";

/** How far back "met recently" reaches, and how many people a phone keeps at most. */
export const metRecentlyDays = 14;
export const metRecentlyLimit = 200;

/**
 * The people this outreach worker met in the last `metRecentlyDays` days, latest first, for the
 * phone to keep and search with no signal. Only what the person picker shows - attributor, alias,
 * postcode start, last seen - and nothing clinical or about safeguarding. Each person listed is
 * audited, as a search result is.
 */
export async function peopleMetRecently({ ctx }: VerbArgs<undefined>) {
  const actor = requireRole(ctx.actor, verbRoles.logOutreach);
  const since = new Date(now(ctx).getTime() - metRecentlyDays * 86_400_000);
  return ctx.db.transaction(async (tx) => {
    const lastContactAt = max(contacts.occurredAt);
    const rows = await tx
      .select({
        id: people.id,
        attributor: people.attributor,
        alias: people.alias,
        partialPostcode: people.partialPostcode,
        lastContactAt,
      })
      .from(contacts)
      .innerJoin(people, eq(people.id, contacts.personId))
      .where(
        and(
          eq(contacts.workerId, actor.userId),
          gte(contacts.occurredAt, since),
          isNull(people.mergedIntoId),
        ),
      )
      .groupBy(people.id, people.attributor, people.alias, people.partialPostcode)
      .orderBy(desc(lastContactAt))
      .limit(metRecentlyLimit);
    await audit(
      tx,
      ctx,
      rows.map((person) => ({ action: "list", entity: "person", entityId: person.id, personId: person.id })),
    );
    return rows.map((row) => ({
      ...row,
      lastContactAt: row.lastContactAt ? new Date(row.lastContactAt).toISOString() : null,
    }));
  });
}
