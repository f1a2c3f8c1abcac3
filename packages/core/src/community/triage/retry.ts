import { and, communityReportEvents, eq, isNull, outboxMessages } from "@pathways/db";
import type { CommunityReportRetryInput } from "@pathways/validators";
import { audit } from "../../audit.ts";
import { now, type VerbArgs } from "../../context.ts";
import { Conflict, NotYours } from "../../errors.ts";
import { requireRoleOrSystem, verbRoles } from "../../rights.ts";

/**
 * Sends a failed update again: back to pending with a fresh set of attempts. A sent update is never
 * sent again, and a pending one is already on its way.
 */
export async function retryCommunityReportUpdate({ ctx, input }: VerbArgs<CommunityReportRetryInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.triage);
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
    if (!message) throw new NotYours("update", input.messageId);
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
