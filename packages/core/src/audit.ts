import { auditEvents, type Executor } from "@pathways/db";
import type { AuditAction } from "@pathways/validators";
import { actorName, type Ctx } from "./context.ts";

export interface AuditRecord {
  action: AuditAction;
  entity: string;
  entityId: string;
  personId?: string | null;
}

/** The audit_events rows for records done by the context's actor. */
export function auditEventRows(ctx: Ctx, records: AuditRecord[]): (typeof auditEvents.$inferInsert)[] {
  const { actor } = ctx;
  return records.map((record) => ({
    actorKind: actor.kind,
    actorUserId: actor.kind === "user" ? actor.userId : null,
    actorName: actorName(actor),
    organisationId: actor.kind === "user" ? actor.organisationId : null,
    action: record.action,
    entity: record.entity,
    entityId: record.entityId,
    personId: record.personId ?? null,
    requestId: ctx.requestId ?? null,
  }));
}

/**
 * Writes audit events on the executor the verb is using, so they commit or roll back with the change
 * and a failed audit write fails the verb.
 */
export async function audit(tx: Executor, ctx: Ctx, records: AuditRecord | AuditRecord[]): Promise<void> {
  const list = Array.isArray(records) ? records : [records];
  if (list.length === 0) return;
  await tx.insert(auditEvents).values(auditEventRows(ctx, list));
}
