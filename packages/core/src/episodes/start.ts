import { and, episodes, eq, isNull, referralEvents, referrals, services } from "@pathways/db";
import { StartEpisodeInput } from "@pathways/validators";
import { actingUser, type OnBehalf, validated } from "../acting.ts";
import { audit } from "../audit.ts";
import { daysBetween, localDay } from "../calendar.ts";
import { now, type VerbArgs } from "../context.ts";
import { areaNamed } from "../deaths/register.ts";
import { Conflict, InvalidTransition, NotYours, ValidationError } from "../errors.ts";
import { personFor, refuseMerged } from "../person-access.ts";
import { isReferralProvider } from "../record-access.ts";
import { referralReference } from "../referral-reference.ts";
import { referralFor } from "../referrals/records.ts";
import { referralMoveRefusal } from "../referrals/status.ts";
import { verbRoles } from "../rights.ts";
import { followsSuccessfulDischarge } from "../rules/pathway-windows.ts";
import { requireKeyworker } from "../treatment-records.ts";

/**
 * Starts a treatment episode from an accepted referral (which moves to `treatment_started` in the same
 * transaction) or for a person who referred themselves. Waiting days run from the referral's request
 * to the start, in London calendar days.
 */
export async function startEpisode({ ctx, input }: VerbArgs<StartEpisodeInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
  const start = validated(StartEpisodeInput, input);
  return ctx.db.transaction(async (tx) => {
    const at = now(ctx);
    if (start.startedOn > localDay(at)) {
      throw ValidationError.field("startedOn", "start date cannot be in the future");
    }
    const referral = start.referralId
      ? await referralFor(tx, acting, start.referralId, { lock: true })
      : null;
    if (referral) {
      const reference = referralReference(referral.number);
      // Its referrer may see it too, but treatment starts only at the provider it is to.
      if (!isReferralProvider(acting, referral)) throw new NotYours("referral", referral.id);
      if (referral.status !== "accepted") {
        throw new InvalidTransition(
          referralMoveRefusal(reference, referral.status, "treatment_started") ??
            `Referral ${reference} must be \`accepted\` before treatment starts.`,
        );
      }
      const requestedOn = localDay(referral.requestedAt);
      if (start.startedOn < requestedOn) {
        throw ValidationError.field(
          "startedOn",
          `start date cannot be before referral ${reference} was requested (${requestedOn})`,
        );
      }
    }
    // A self-referral needs the person to be this provider's client already (an episode or a referral
    // here, or recorded by it): starting one must never be how someone else's client becomes theirs.
    const person = await personFor(tx, acting, referral?.personId ?? start.personId!);
    refuseMerged(person, "start the episode");

    const [open] = await tx
      .select({ startedOn: episodes.startedOn })
      .from(episodes)
      .where(
        and(
          eq(episodes.personId, person.id),
          eq(episodes.providerOrganisationId, acting.organisationId),
          isNull(episodes.dischargedOn),
        ),
      )
      .limit(1);
    if (open) {
      throw new Conflict(
        `${person.attributor} already has an open episode with ${acting.organisationName} (started ${open.startedOn}); discharge it before starting another.`,
      );
    }
    if (!referral) {
      // Starting "self-referred" past an accepted referral would leave its referrer waiting forever.
      const [accepted] = await tx
        .select({ number: referrals.number })
        .from(referrals)
        .innerJoin(services, eq(services.id, referrals.serviceId))
        .where(
          and(
            eq(referrals.personId, person.id),
            eq(services.organisationId, acting.organisationId),
            eq(referrals.status, "accepted"),
          ),
        )
        .limit(1);
      if (accepted) {
        throw ValidationError.field(
          "personId",
          `${person.attributor} has an accepted referral, ${referralReference(accepted.number)}; start the episode from it so the referrer sees treatment start.`,
        );
      }
    }
    const keyworker = start.keyworkerId ? await requireKeyworker(tx, acting, start.keyworkerId) : null;
    if (start.residenceAreaId) await areaNamed(tx, start.residenceAreaId, "residenceAreaId");

    const [episode] = await tx
      .insert(episodes)
      .values({
        personId: person.id,
        providerOrganisationId: acting.organisationId,
        keyworkerId: keyworker?.id ?? null,
        substanceGroup: start.substanceGroup,
        referralId: referral?.id ?? null,
        startedOn: start.startedOn,
        residenceAreaId: start.residenceAreaId ?? null,
        isRepresentation: await followsSuccessfulDischarge(tx, person.id, start.startedOn),
      })
      .returning({ id: episodes.id, isRepresentation: episodes.isRepresentation });
    await audit(tx, ctx, { action: "create", entity: "episode", entityId: episode!.id, personId: person.id });
    if (referral) {
      await tx
        .update(referrals)
        .set({ status: "treatment_started", failureReason: null, statusChangedAt: at })
        .where(eq(referrals.id, referral.id));
      await tx
        .insert(referralEvents)
        .values({ referralId: referral.id, status: "treatment_started", at, byUserId: acting.userId });
      await audit(tx, ctx, {
        action: "update",
        entity: "referral",
        entityId: referral.id,
        personId: person.id,
      });
    }
    return {
      id: episode!.id,
      personId: person.id,
      attributor: person.attributor,
      startedOn: start.startedOn,
      substanceGroup: start.substanceGroup,
      keyworker: keyworker ? { id: keyworker.id, name: keyworker.name } : null,
      isRepresentation: episode!.isRepresentation,
      referral: referral
        ? {
            id: referral.id,
            reference: referralReference(referral.number),
            status: "treatment_started" as const,
            waitingDays: daysBetween(localDay(referral.requestedAt), start.startedOn),
          }
        : null,
    };
  });
}
