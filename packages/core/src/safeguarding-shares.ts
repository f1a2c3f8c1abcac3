import { desc, eq, isNotNull, organisations, people, referrals, services, sql, users } from "@pathways/db";
import {
  type LawfulBasis,
  type LawfulBasisInput,
  type OrganisationKind,
  type ServiceCode,
  SharesWithoutConsentInput,
} from "@pathways/validators";
import { audit } from "./audit.ts";
import type { VerbArgs } from "./context.ts";
import { Forbidden, ValidationError } from "./errors.ts";
import { referralReference } from "./referral-reference.ts";
import { requireRole, verbRoles } from "./rights.ts";

/**
 * DOMAIN.md, "Sharing without consent": a referral to another organisation needs the person's consent
 * to share, except a safeguarding referral - to social care, or to the police (the taskforce) for
 * exploitation - where a child or an adult is at risk of significant harm. Then the worker records the
 * lawful basis and why instead, and says whether the person was told. This file is that rule's one home.
 */

/** A safeguarding referral: to a social care service, or to social care or the police (the taskforce). */
export function isSafeguardingReferral(service: {
  code: ServiceCode;
  organisationKind: OrganisationKind;
}): boolean {
  return (
    service.code === "safeguarding_social_care" ||
    service.organisationKind === "social_care" ||
    service.organisationKind === "taskforce"
  );
}

export const lawfulBasisLabels: Record<LawfulBasis, string> = {
  child_at_risk_of_significant_harm: "a child at risk of significant harm",
  adult_at_risk: "an adult at risk",
  prevention_of_serious_crime: "prevention of serious crime",
};

type ShareConsent = { status: "given" | "refused" | "withdrawn"; recordedOn: string } | null;

/**
 * How a referral may share the person's details with the receiving organisation: `none` (same
 * organisation), `consent`, or `lawful_basis`; or the refusal to throw. A lawful basis is refused
 * where consent is given (it is not needed) and where the referral is not a safeguarding one.
 */
export function shareGround({
  attributor,
  providerName,
  crossesOrganisations,
  safeguarding,
  consent,
  lawfulBasis,
}: {
  attributor: string;
  providerName: string;
  crossesOrganisations: boolean;
  safeguarding: boolean;
  consent: ShareConsent;
  lawfulBasis: LawfulBasisInput | undefined;
}): "none" | "consent" | "lawful_basis" | Forbidden | ValidationError {
  if (lawfulBasis && !safeguarding) {
    return ValidationError.field(
      "lawfulBasis.basis",
      `A lawful basis instead of consent is only for safeguarding referrals (to social care or the police); a referral to ${providerName} needs ${attributor}'s consent to share.`,
    );
  }
  if (!crossesOrganisations) return lawfulBasis ? "lawful_basis" : "none";
  if (consent?.status === "given") {
    return lawfulBasis
      ? ValidationError.field(
          "lawfulBasis.basis",
          `${attributor} has given consent to share, so no lawful basis is needed: leave it out.`,
        )
      : "consent";
  }
  if (lawfulBasis) return "lawful_basis";
  const state = consent
    ? `${consent.status === "withdrawn" ? "withdrew" : "refused"} consent to share on ${consent.recordedOn}`
    : "has no consent to share recorded";
  return new Forbidden(
    safeguarding
      ? `A referral to ${providerName} shares ${attributor}'s details with another organisation, and ${attributor} ${state}. Record their consent, or, as this is a safeguarding referral, the lawful basis for sharing without it.`
      : `A referral to ${providerName} shares ${attributor}'s details with another organisation, and ${attributor} ${state}. Record their consent to share before referring.`,
  );
}

/** The referral columns for a share on a lawful basis (null columns otherwise). */
export function lawfulBasisColumns(lawfulBasis: LawfulBasisInput | undefined) {
  return {
    lawfulBasis: lawfulBasis?.basis ?? null,
    lawfulBasisReason: lawfulBasis?.reason ?? null,
    personInformed: lawfulBasis ? lawfulBasis.personInformed : null,
    notInformedReason:
      lawfulBasis && !lawfulBasis.personInformed ? (lawfulBasis.notInformedReason ?? null) : null,
  };
}

/**
 * Every share made without consent, for the Caldicott guardian (admins): who shared whose details
 * with whom, on which basis and why, and whether the person was told. Each row read is audited.
 */
export async function sharesWithoutConsent({ ctx, input }: VerbArgs<SharesWithoutConsentInput>) {
  // The Caldicott guardian works with the admins, who already read the audit log.
  requireRole(ctx.actor, verbRoles.administer);
  const { limit } = SharesWithoutConsentInput.parse(input ?? {});
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: referrals.id,
        number: referrals.number,
        requestedAt: referrals.requestedAt,
        status: referrals.status,
        personId: referrals.personId,
        attributor: people.attributor,
        referredBy: users.name,
        referringOrganisation: sql<string>`(select o.name from organisations o where o.id = ${referrals.referringOrganisationId})`,
        serviceName: services.name,
        providerName: organisations.name,
        lawfulBasis: referrals.lawfulBasis,
        reason: referrals.lawfulBasisReason,
        personInformed: referrals.personInformed,
        notInformedReason: referrals.notInformedReason,
      })
      .from(referrals)
      .innerJoin(people, eq(people.id, referrals.personId))
      .innerJoin(services, eq(services.id, referrals.serviceId))
      .innerJoin(organisations, eq(organisations.id, services.organisationId))
      .leftJoin(users, eq(users.id, referrals.referringUserId))
      .where(isNotNull(referrals.lawfulBasis))
      .orderBy(desc(referrals.requestedAt), desc(referrals.number))
      .limit(limit);
    await audit(
      tx,
      ctx,
      rows.map((row) => ({ action: "list", entity: "referral", entityId: row.id, personId: row.personId })),
    );
    return rows.map(({ number, lawfulBasis, ...row }) => ({
      ...row,
      reference: referralReference(number),
      lawfulBasis: lawfulBasis!,
    }));
  });
}
