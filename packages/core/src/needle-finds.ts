import { and, desc, type Executor, eq, hotspots, needleFinds, type SQL, sql } from "@pathways/db";
import type { NeedleFindInput, PageInput } from "@pathways/validators";
import { requireHotspot, storeOnce } from "./client-key.ts";
import { type LoggedBy, workerOf } from "./contacts.ts";
import type { VerbArgs } from "./context.ts";
import { parseTimeCursor, timeCursor } from "./person-access.ts";
import { requireRole, requireRoleOrSystem, verbRoles } from "./rights.ts";

type NeedleFindRow = typeof needleFinds.$inferSelect;

/** Needle finds are about places, not people, so they carry no audit events. */
async function needleFindViews(tx: Executor, rows: NeedleFindRow[]) {
  const names = new Map(
    (await tx.select({ id: hotspots.id, name: hotspots.name }).from(hotspots)).map((row) => [
      row.id,
      row.name,
    ]),
  );
  return rows.map((row) => ({
    id: row.id,
    clientKey: row.clientKey,
    foundAt: row.foundAt,
    hotspotId: row.hotspotId,
    hotspotName: row.hotspotId ? (names.get(row.hotspotId) ?? null) : null,
    location: row.location,
    lat: row.lat,
    lng: row.lng,
    count: row.count,
  }));
}

/** Logs discarded needles found and collected. Idempotent on `clientKey`, like a contact. */
export async function logNeedleFind({
  ctx,
  input,
  loggedBy,
}: VerbArgs<NeedleFindInput> & { loggedBy?: LoggedBy }) {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.logOutreach);
  const worker = workerOf(actor, loggedBy);
  return ctx.db.transaction(async (tx) =>
    storeOnce({
      stored: async () =>
        (await tx.select().from(needleFinds).where(eq(needleFinds.clientKey, input.clientKey)))[0],
      sentByCaller: (row) => row.collectedByUserId === worker.userId,
      usedByAnother:
        "This needle find's client key was already used by another worker; the device must make a new one.",
      check: () => requireHotspot(tx, input.hotspotId),
      insert: async () =>
        (
          await tx
            .insert(needleFinds)
            .values({
              clientKey: input.clientKey,
              foundAt: input.foundAt,
              hotspotId: input.hotspotId ?? null,
              location: input.location ?? null,
              lat: input.lat ?? null,
              lng: input.lng ?? null,
              count: input.count,
              collectedByUserId: worker.userId,
              organisationId: worker.organisationId,
            })
            .onConflictDoNothing({ target: needleFinds.clientKey })
            .returning()
        )[0],
      view: async (row) => (await needleFindViews(tx, [row]))[0]!,
    }),
  );
}

/** The signed-in worker's own needle finds, newest first. */
export async function listMyNeedleFinds({ ctx, input }: VerbArgs<PageInput>) {
  const actor = requireRole(ctx.actor, verbRoles.logOutreach);
  const conditions: SQL[] = [eq(needleFinds.collectedByUserId, actor.userId)];
  if (input.cursor) {
    const { at, id } = parseTimeCursor(input.cursor);
    conditions.push(sql`(${needleFinds.foundAt}, ${needleFinds.id}) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await ctx.db
    .select()
    .from(needleFinds)
    .where(and(...conditions))
    .orderBy(desc(needleFinds.foundAt), desc(needleFinds.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: await needleFindViews(ctx.db, page),
    nextCursor: rows.length > input.limit && last ? timeCursor(last.foundAt, last.id) : null,
  };
}
