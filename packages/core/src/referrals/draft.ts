import {
  and,
  asc,
  type Executor,
  eq,
  hotspots,
  inArray,
  organisations,
  referrals,
  services,
} from "@pathways/db";
import { openReferralStatuses, type ReferralDraftInput } from "@pathways/validators";
import { type ActingUser, actingUser, type OnBehalf } from "../acting.ts";
import { audit } from "../audit.ts";
import type { VerbArgs } from "../context.ts";
import { referralReference } from "../referral-reference.ts";
import { verbRoles } from "../rights.ts";
import { isSafeguardingReferral, shareGround } from "../safeguarding-shares.ts";

import { currentShareConsent, referralRows, referredPerson } from "./records.ts";

/** Services that take referrals, with whether referring to each crosses organisations. */
export async function listReferralServices({ ctx, input }: VerbArgs<OnBehalf | undefined>) {
  const acting = await actingUser(ctx, verbRoles.refer, input?.onBehalfOf);
  return servicesFor(ctx.db, acting);
}

async function servicesFor(db: Executor, acting: ActingUser) {
  const rows = await db
    .select({
      id: services.id,
      code: services.code,
      name: services.name,
      organisationId: services.organisationId,
      organisationName: organisations.name,
      organisationKind: organisations.kind,
    })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(and(eq(services.active, true), eq(organisations.active, true)))
    .orderBy(asc(organisations.name), asc(services.name));
  return rows.map(({ organisationKind, ...service }) => ({
    ...service,
    crossesOrganisations: service.organisationId !== acting.organisationId,
    /** A safeguarding referral may share without consent on a recorded lawful basis. */
    safeguarding: isSafeguardingReferral({ code: service.code, organisationKind }),
  }));
}

/** The message of a refusal to share, or null when the referral may go ahead. */
function refusalWithoutBasis(ground: ReturnType<typeof shareGround>): string | null {
  return typeof ground === "string" ? null : ground.message;
}

/**
 * What the referral form shows before it is filled in: who is being referred, from which contact,
 * their current consent to share, and which services that consent allows.
 */
export async function referralDraft({ ctx, input }: VerbArgs<ReferralDraftInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.refer, input.onBehalfOf);
  return ctx.db.transaction(async (tx) => {
    const { person, contact: row } = await referredPerson(tx, acting, input);
    let contact: { id: string; occurredAt: Date; place: string | null } | null = null;
    if (row) {
      const [hotspot] = row.hotspotId
        ? await tx.select({ name: hotspots.name }).from(hotspots).where(eq(hotspots.id, row.hotspotId))
        : [];
      contact = { id: row.id, occurredAt: row.occurredAt, place: hotspot?.name ?? row.location };
      await audit(tx, ctx, { action: "read", entity: "contact", entityId: row.id, personId: row.personId });
    }
    await audit(tx, ctx, { action: "read", entity: "person", entityId: person.id, personId: person.id });
    const shareConsent = await currentShareConsent(tx, person.id);
    const openReferrals = await referralRows(tx).where(
      and(eq(referrals.personId, person.id), inArray(referrals.status, [...openReferralStatuses])),
    );
    const available = await servicesFor(tx, acting);
    return {
      person: { id: person.id, attributor: person.attributor, alias: person.alias },
      contact,
      shareConsent,
      services: available.map((service) => {
        const openReferral = openReferrals.find((referral) => referral.serviceId === service.id);
        return {
          ...service,
          blockedBy: refusalWithoutBasis(
            shareGround({
              attributor: person.attributor,
              providerName: service.organisationName,
              crossesOrganisations: service.crossesOrganisations,
              safeguarding: service.safeguarding,
              consent: shareConsent,
              lawfulBasis: undefined,
            }),
          ),
          openReferral: openReferral
            ? { reference: referralReference(openReferral.number), status: openReferral.status }
            : null,
        };
      }),
    };
  });
}
