import {
  and,
  desc,
  type Executor,
  eq,
  hotspots,
  inArray,
  type SQL,
  sql,
  taskforceActivity,
  users,
} from "@pathways/db";
import type { ActivityListInput, TaskforceActivityInput } from "@pathways/validators";
import { audit } from "../audit.ts";
import { localDaySql } from "../calendar.ts";
import { requireHotspot, storeOnce } from "../client-key.ts";
import type { VerbArgs } from "../context.ts";
import { ValidationError } from "../errors.ts";
import { parseTimeCursor, timeCursor } from "../person-access.ts";
import { requireTaskforceWorker, taskforceReader } from "./access.ts";
import { ownDayOfAction, ownOperation } from "./operations.ts";

type ActivityRow = typeof taskforceActivity.$inferSelect;
type ActivityColumns = Omit<typeof taskforceActivity.$inferInsert, "id" | "createdAt">;

/** Activity as readers see it: the row with its hotspot's and logger's names filled in. */
async function activityViews(tx: Executor, rows: ActivityRow[]) {
  if (rows.length === 0) return [];
  const hotspotIds = [...new Set(rows.flatMap((row) => (row.hotspotId ? [row.hotspotId] : [])))];
  const userIds = [...new Set(rows.map((row) => row.loggedByUserId))];
  const hotspotName = new Map(
    (hotspotIds.length
      ? await tx
          .select({ id: hotspots.id, name: hotspots.name })
          .from(hotspots)
          .where(inArray(hotspots.id, hotspotIds))
      : []
    ).map((row) => [row.id, row.name]),
  );
  const userName = new Map(
    (await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds))).map(
      (row) => [row.id, row.name],
    ),
  );
  return rows.map(({ createdAt: _createdAt, ...row }) => ({
    ...row,
    hotspotName: row.hotspotId ? (hotspotName.get(row.hotspotId) ?? null) : null,
    loggedByName: userName.get(row.loggedByUserId) ?? null,
  }));
}
export type ActivityView = Awaited<ReturnType<typeof activityViews>>[number];

/** The kind's own columns from its parsed input; every other kind's column stays null. */
function kindColumns(input: TaskforceActivityInput): Partial<ActivityColumns> {
  switch (input.kind) {
    case "patrol":
      return { patrolStyle: input.patrolStyle, endedAt: input.endedAt, officers: input.officers };
    case "arrest":
      return { offence: input.offence, arrestCount: input.arrestCount };
    case "search":
    case "warrant":
      return { area: input.area, found: input.found ?? null };
    case "seizure":
      return {
        drugSubstance: input.drugSubstance ?? null,
        drugClass: input.drugClass ?? null,
        drugQuantity: input.drugQuantity ?? null,
        drugUnit: input.drugUnit ?? null,
        cashPounds: input.cashPounds ?? null,
        knives: input.weapons?.knife ?? null,
        firearms: input.weapons?.firearm ?? null,
        otherWeapons: input.weapons?.other ?? null,
      };
    case "environmental_action":
      return { action: input.action, note: input.note ?? null };
    case "needle_sweep":
      return {};
  }
}

/**
 * Logs one thing the taskforce did at a place. Idempotent on `clientKey` like a contact: a device
 * resending after a lost answer gets the stored row back (`replayed`) and nothing new is made.
 */
export async function logActivity({ ctx, input }: VerbArgs<TaskforceActivityInput>) {
  const actor = requireTaskforceWorker(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    let operationId = input.operationId ?? null;
    return storeOnce({
      stored: async () =>
        (
          await tx.select().from(taskforceActivity).where(eq(taskforceActivity.clientKey, input.clientKey))
        )[0],
      sentByCaller: (row) => row.loggedByUserId === actor.userId,
      usedByAnother:
        "This activity's client key was already used by another officer; the device must make a new one.",
      check: async () => {
        await requireHotspot(tx, input.hotspotId);
        if (operationId) await ownOperation(tx, actor.organisationId, operationId);
        if (input.dayOfActionId) {
          const day = await ownDayOfAction(tx, actor.organisationId, input.dayOfActionId);
          if (day.operationId && operationId && day.operationId !== operationId) {
            throw ValidationError.field("dayOfActionId", "dayOfActionId belongs to another operation");
          }
          operationId ??= day.operationId;
        }
      },
      insert: async () =>
        (
          await tx
            .insert(taskforceActivity)
            .values({
              clientKey: input.clientKey,
              kind: input.kind,
              occurredAt: input.occurredAt,
              hotspotId: input.hotspotId ?? null,
              location: input.location ?? null,
              lat: input.lat ?? null,
              lng: input.lng ?? null,
              loggedByUserId: actor.userId,
              organisationId: actor.organisationId,
              operationId,
              dayOfActionId: input.dayOfActionId ?? null,
              ...kindColumns(input),
            })
            .onConflictDoNothing({ target: taskforceActivity.clientKey })
            .returning()
        )[0],
      created: (row) => audit(tx, ctx, { action: "create", entity: "taskforce_activity", entityId: row.id }),
      view: async (row) => (await activityViews(tx, [row]))[0]!,
    });
  });
}

/**
 * Activity, newest first, a page at a time: a taskforce's own (admins: everyone's), within a period
 * of local days and for a hotspot, kind or operation when asked.
 */
export async function listActivity({ ctx, input }: VerbArgs<ActivityListInput>) {
  const { organisationId } = taskforceReader(ctx.actor);
  const t = taskforceActivity;
  const conditions: SQL[] = [];
  if (organisationId) conditions.push(eq(t.organisationId, organisationId));
  if (input.from) conditions.push(sql`${localDaySql(t.occurredAt)} >= ${input.from}::date`);
  if (input.to) conditions.push(sql`${localDaySql(t.occurredAt)} <= ${input.to}::date`);
  if (input.hotspotId) conditions.push(eq(t.hotspotId, input.hotspotId));
  if (input.kind) conditions.push(eq(t.kind, input.kind));
  if (input.operationId) conditions.push(eq(t.operationId, input.operationId));
  if (input.cursor) {
    const { at, id } = parseTimeCursor(input.cursor);
    conditions.push(sql`(${t.occurredAt}, ${t.id}) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await ctx.db
    .select()
    .from(t)
    .where(and(...conditions))
    .orderBy(desc(t.occurredAt), desc(t.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: await activityViews(ctx.db, page),
    nextCursor: rows.length > input.limit && last ? timeCursor(last.occurredAt, last.id) : null,
  };
}
