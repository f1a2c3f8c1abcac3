import {
  and,
  type Executor,
  eq,
  inArray,
  organisations,
  referralEvents,
  referrals,
  services,
} from "@pathways/db";
import { openReferralStatuses, ReferralInput, treatmentServiceCodes } from "@pathways/validators";
import { type ActingUser, actingUser, type OnBehalf, validated } from "../acting.ts";
import { audit } from "../audit.ts";
import { localDay } from "../calendar.ts";
import { type Ctx, now, type VerbArgs } from "../context.ts";
import { Conflict, NotFound, ValidationError } from "../errors.ts";
import { referralReference } from "../referral-reference.ts";
import { verbRoles } from "../rights.ts";
import { followsSuccessfulDischarge } from "../rules/pathway-windows.ts";
import { isSafeguardingReferral, lawfulBasisColumns, shareGround } from "../safeguarding-shares.ts";
import { isUniqueViolation, sqlConstraint } from "../sql-errors.ts";

import { currentShareConsent, referralRows, referredPerson } from "./records.ts";
import { referrerView } from "./views.ts";

/**
 * Refers a person to a service, from a contact or directly. Crossing organisations needs the person's
 * current `share` consent. A resend with the same client key returns the first referral unchanged.
 */
export async function createReferral({ ctx, input }: VerbArgs<ReferralInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.refer, input.onBehalfOf);
  const referral = validated(ReferralInput, input);
  const replay = async () => {
    if (!referral.clientKey) return null;
    return ctx.db.transaction(async (tx) => {
      const [existing] = await referralRows(tx).where(eq(referrals.clientKey, referral.clientKey!));
      if (!existing) return null;
      if (existing.referringUserId !== acting.userId) {
        throw new Conflict(
          "This client key was already used for another referral; the form makes a new one.",
        );
      }
      await audit(tx, ctx, {
        action: "read",
        entity: "referral",
        entityId: existing.id,
        personId: existing.personId,
      });
      return referrerView(tx, existing);
    });
  };
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await ctx.db.transaction(async (tx) => insertReferral(tx, { ...ctx, db: tx }, acting, referral));
  } catch (error) {
    // Two sends of one form raced: the loser answers with the winner's referral.
    if (isUniqueViolation(error) && sqlConstraint(error) === "referrals_client_key_key") {
      const winner = await replay();
      if (winner) return winner;
    }
    throw error;
  }
}

async function insertReferral(tx: Executor, ctx: Ctx, acting: ActingUser, input: ReferralInput) {
  const [service] = await tx
    .select({
      id: services.id,
      name: services.name,
      code: services.code,
      active: services.active,
      organisationId: services.organisationId,
      organisationKind: organisations.kind,
      providerName: organisations.name,
    })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(eq(services.id, input.serviceId));
  if (!service) throw new NotFound("service", input.serviceId);
  if (!service.active) {
    throw ValidationError.field(
      "serviceId",
      `${service.providerName}: ${service.name} takes no new referrals.`,
    );
  }

  const { person } = await referredPerson(tx, acting, input);

  const crossesOrganisations = service.organisationId !== acting.organisationId;
  const ground = shareGround({
    attributor: person.attributor,
    providerName: service.providerName,
    crossesOrganisations,
    safeguarding: isSafeguardingReferral(service),
    consent: crossesOrganisations ? await currentShareConsent(tx, person.id) : null,
    lawfulBasis: input.lawfulBasis,
  });
  if (typeof ground !== "string") throw ground;

  const [open] = await tx
    .select({ number: referrals.number, status: referrals.status })
    .from(referrals)
    .where(
      and(
        eq(referrals.personId, person.id),
        eq(referrals.serviceId, service.id),
        inArray(referrals.status, [...openReferralStatuses]),
      ),
    )
    .limit(1);
  if (open) {
    throw new Conflict(
      `${person.attributor} already has an open referral to ${service.providerName}: ${service.name} (${referralReference(open.number)}, \`${open.status}\`).`,
    );
  }

  const at = now(ctx);
  const isTreatment = (treatmentServiceCodes as readonly string[]).includes(service.code);
  const [created] = await tx
    .insert(referrals)
    .values({
      clientKey: input.clientKey ?? null,
      personId: person.id,
      contactId: input.contactId ?? null,
      referringUserId: acting.userId,
      referringOrganisationId: acting.organisationId,
      serviceId: service.id,
      reason: input.reason,
      source: input.source,
      status: "requested",
      requestedAt: at,
      statusChangedAt: at,
      isRepresentation: isTreatment && (await followsSuccessfulDischarge(tx, person.id, localDay(at))),
      ...lawfulBasisColumns(ground === "lawful_basis" ? input.lawfulBasis : undefined),
    })
    .returning({ id: referrals.id });
  await tx
    .insert(referralEvents)
    .values({ referralId: created!.id, status: "requested", at, byUserId: acting.userId });
  await audit(tx, ctx, { action: "create", entity: "referral", entityId: created!.id, personId: person.id });
  if (ground === "lawful_basis") {
    // Listed for the Caldicott guardian (sharesWithoutConsent) and visible in the audit log.
    await audit(tx, ctx, {
      action: "share_without_consent",
      entity: "referral",
      entityId: created!.id,
      personId: person.id,
    });
  }
  const [row] = await referralRows(tx).where(eq(referrals.id, created!.id));
  return referrerView(tx, row!);
}
