import { and, asc, daysOfAction, desc, type Executor, eq, taskforceOperations } from "@pathways/db";
import type { DayOfActionInput, OperationInput } from "@pathways/validators";
import { audit } from "../audit.ts";
import type { VerbArgs } from "../context.ts";
import { Conflict, NotYours } from "../errors.ts";
import { isUniqueViolation } from "../sql-errors.ts";
import { requireTaskforceWorker, taskforceReader } from "./access.ts";

/** The organisation's own operation, or refused as one that does not exist. */
export async function ownOperation(tx: Executor, organisationId: string, id: string) {
  const [operation] = await tx
    .select()
    .from(taskforceOperations)
    .where(and(eq(taskforceOperations.id, id), eq(taskforceOperations.organisationId, organisationId)));
  if (!operation) throw new NotYours("operation", id);
  return operation;
}

/** The organisation's own day of action, or refused as one that does not exist. */
export async function ownDayOfAction(tx: Executor, organisationId: string, id: string) {
  const [day] = await tx
    .select()
    .from(daysOfAction)
    .where(and(eq(daysOfAction.id, id), eq(daysOfAction.organisationId, organisationId)));
  if (!day) throw new NotYours("day of action", id);
  return day;
}

/** A named operation of the worker's taskforce; names are unique within it. */
export async function createOperation({ ctx, input }: VerbArgs<OperationInput>) {
  const actor = requireTaskforceWorker(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: taskforceOperations.id })
      .from(taskforceOperations)
      .where(
        and(
          eq(taskforceOperations.organisationId, actor.organisationId),
          eq(taskforceOperations.name, input.name),
        ),
      );
    if (existing) throw new Conflict(`Your taskforce already has an operation called “${input.name}”.`);
    const operation = await tx
      .insert(taskforceOperations)
      .values({
        name: input.name,
        organisationId: actor.organisationId,
        startedOn: input.startedOn,
        endedOn: input.endedOn ?? null,
      })
      .returning()
      .then(([row]) => row!)
      .catch((error: unknown) => {
        if (isUniqueViolation(error))
          throw new Conflict(`Your taskforce already has an operation called “${input.name}”.`);
        throw error;
      });
    await audit(tx, ctx, { action: "create", entity: "operation", entityId: operation.id });
    return operation;
  });
}

/** A day of action of the worker's taskforce, within one of its operations or on its own. */
export async function createDayOfAction({ ctx, input }: VerbArgs<DayOfActionInput>) {
  const actor = requireTaskforceWorker(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    if (input.operationId) await ownOperation(tx, actor.organisationId, input.operationId);
    const [day] = await tx
      .insert(daysOfAction)
      .values({
        name: input.name,
        date: input.date,
        organisationId: actor.organisationId,
        operationId: input.operationId ?? null,
      })
      .returning();
    await audit(tx, ctx, { action: "create", entity: "day_of_action", entityId: day!.id });
    return day!;
  });
}

/** Operations, newest first, each with its days of action; a taskforce's own, or all for admins. */
export async function listOperations({ ctx }: VerbArgs<undefined>) {
  const { organisationId } = taskforceReader(ctx.actor);
  const operations = await ctx.db
    .select()
    .from(taskforceOperations)
    .where(organisationId ? eq(taskforceOperations.organisationId, organisationId) : undefined)
    .orderBy(desc(taskforceOperations.startedOn), asc(taskforceOperations.name));
  const days = await ctx.db
    .select()
    .from(daysOfAction)
    .where(organisationId ? eq(daysOfAction.organisationId, organisationId) : undefined)
    .orderBy(desc(daysOfAction.date));
  const ids = new Set(operations.map((operation) => operation.id));
  return {
    operations: operations.map((operation) => ({
      ...operation,
      daysOfAction: days.filter((day) => day.operationId === operation.id),
    })),
    /** Days of action outside any operation. */
    daysOfAction: days.filter((day) => !day.operationId || !ids.has(day.operationId)),
  };
}
