import { and, consents, desc, type Executor, eq, organisations, referrals, services } from "@pathways/db";
import type { ActingUser } from "../acting.ts";
import { NotYours, ValidationError } from "../errors.ts";
import { personFor, refuseMerged } from "../person-access.ts";
import { contactFor, visibleReferrals } from "../record-access.ts";

/** The row every referral verb starts from: the referral, its service and the service's provider. */
export function referralRows(db: Executor) {
  return db
    .select({
      id: referrals.id,
      number: referrals.number,
      clientKey: referrals.clientKey,
      personId: referrals.personId,
      contactId: referrals.contactId,
      referringUserId: referrals.referringUserId,
      referringOrganisationId: referrals.referringOrganisationId,
      serviceId: referrals.serviceId,
      serviceName: services.name,
      serviceCode: services.code,
      providerOrganisationId: services.organisationId,
      providerName: organisations.name,
      reason: referrals.reason,
      source: referrals.source,
      status: referrals.status,
      failureReason: referrals.failureReason,
      requestedAt: referrals.requestedAt,
      statusChangedAt: referrals.statusChangedAt,
      isRepresentation: referrals.isRepresentation,
    })
    .from(referrals)
    .innerJoin(services, eq(services.id, referrals.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId));
}
export type ReferralRow = Awaited<ReturnType<ReturnType<typeof referralRows>["execute"]>>[number];

/**
 * A referral the acting user may see (record-access.ts: its provider or the person who made it),
 * locked for the rest of the transaction when it is about to change, so two moves cannot interleave.
 */
export async function referralFor(
  tx: Executor,
  acting: ActingUser,
  referralId: string,
  options: { lock?: boolean } = {},
): Promise<ReferralRow> {
  const query = referralRows(tx).where(and(eq(referrals.id, referralId), visibleReferrals(acting)));
  const [referral] = options.lock ? await query.for("update", { of: referrals }) : await query;
  if (!referral) throw new NotYours("referral", referralId);
  return referral;
}

/** The latest `share` consent of a person (DOMAIN.md: the latest row is the current state). */
export async function currentShareConsent(db: Executor, personId: string) {
  const [consent] = await db
    .select({ status: consents.status, recordedOn: consents.recordedOn })
    .from(consents)
    .where(and(eq(consents.personId, personId), eq(consents.kind, "share")))
    .orderBy(desc(consents.recordedAt), desc(consents.recordedOn))
    .limit(1);
  return consent ?? null;
}

/**
 * The person a referral form names, directly or through a contact: the contact must be one of the
 * referrer's own organisation's, and the person one they may write (person-access.ts). Merged people
 * are refused after the access check, so the refusal of someone else's person names no one.
 */
export async function referredPerson(
  tx: Executor,
  acting: ActingUser,
  input: { personId?: string; contactId?: string },
) {
  let personId = input.personId;
  let contact: Awaited<ReturnType<typeof contactFor>> | null = null;
  if (input.contactId) {
    contact = await contactFor(tx, acting, input.contactId, "refer");
    if (!contact.personId) {
      throw ValidationError.field(
        "contactId",
        "This contact is anonymous: add the person to the contact before referring them.",
      );
    }
    if (personId && personId !== contact.personId) {
      throw ValidationError.field("personId", "The person does not match the person on the contact.");
    }
    personId = contact.personId;
  }
  const person = await personFor(tx, acting, personId!);
  refuseMerged(person, "make the referral");
  return { person, contact };
}
