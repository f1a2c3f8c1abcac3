import { eq, referralEvents, referrals } from "@pathways/db";
import { MoveReferralInput } from "@pathways/validators";
import { actingUser, type OnBehalf, validated } from "../acting.ts";
import { audit } from "../audit.ts";
import { now, type VerbArgs } from "../context.ts";
import { Forbidden, InvalidTransition, ValidationError } from "../errors.ts";
import { isReferralProvider } from "../record-access.ts";
import { referralReference } from "../referral-reference.ts";
import { verbRoles } from "../rights.ts";
import { referralFor, referralRows } from "./records.ts";
import { defaultFailureReason, isFailureStatus, referralMoveRefusal } from "./status.ts";
import { providerView, referrerView } from "./views.ts";

/**
 * Moves a referral along the DOMAIN.md status machine, recording who, when and why as a referral event.
 * The provider works it; the person who made it may only cancel it. `treatment_started` comes from
 * starting an episode, never from here.
 */
export async function moveReferral({ ctx, input }: VerbArgs<MoveReferralInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.refer, input.onBehalfOf);
  const move = validated(MoveReferralInput, input);
  return ctx.db.transaction(async (tx) => {
    const referral = await referralFor(tx, acting, move.referralId, { lock: true });
    const reference = referralReference(referral.number);
    const isProvider = isReferralProvider(acting, referral);
    if (!isProvider && move.to !== "cancelled") {
      throw new Forbidden(
        `Only ${referral.providerName} can move referral ${reference} to \`${move.to}\`; as its referrer you can cancel it.`,
      );
    }
    const refusal = referralMoveRefusal(reference, referral.status, move.to);
    if (refusal) throw new InvalidTransition(refusal);
    if (move.to === "treatment_started") {
      throw new InvalidTransition(
        `Referral ${reference} moves to \`treatment_started\` when an episode is started from it.`,
      );
    }
    const failureReason = isFailureStatus(move.to)
      ? (move.failureReason ?? defaultFailureReason[move.to])
      : null;
    if (move.failureReason && !isFailureStatus(move.to)) {
      throw ValidationError.field(
        "failureReason",
        "a failure reason is only recorded when a referral ends without treatment",
      );
    }
    const at = now(ctx);
    await tx
      .update(referrals)
      .set({ status: move.to, failureReason, statusChangedAt: at })
      .where(eq(referrals.id, referral.id));
    await tx.insert(referralEvents).values({
      referralId: referral.id,
      status: move.to,
      failureReason,
      note: move.note ?? null,
      at,
      byUserId: acting.userId,
    });
    await audit(tx, ctx, {
      action: "update",
      entity: "referral",
      entityId: referral.id,
      personId: referral.personId,
    });
    const [moved] = await referralRows(tx).where(eq(referrals.id, referral.id));
    return isProvider ? providerView(tx, ctx, moved!) : referrerView(tx, moved!);
  });
}
