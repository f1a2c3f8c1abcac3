import { eq, organisations, referrals, services } from "@pathways/db";
import { describeDb } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { Forbidden, ValidationError } from "../src/errors.ts";
import { createReferral, referralDraft } from "../src/referrals/index.ts";
import { isSafeguardingReferral, sharesWithoutConsent } from "../src/safeguarding-shares.ts";
import { addPerson, auditOf, makePathwayWorld, type PathwayWorld } from "./pathway-fixtures.ts";

/** A children's social care team taking safeguarding referrals. */
async function socialCare(world: PathwayWorld) {
  const db = world.ctxOf("admin").db;
  const [organisation] = await db
    .insert(organisations)
    .values({ name: `Children's Social Care ${world.tag}`, kind: "social_care" })
    .returning();
  const [service] = await db
    .insert(services)
    .values({ organisationId: organisation!.id, code: "safeguarding_social_care", name: "Safeguarding" })
    .returning();
  return service!.id;
}

const childAtRisk = {
  basis: "child_at_risk_of_significant_harm" as const,
  reason: "A 15-year-old seen running drugs for an older man at the bandstand twice this week.",
  personInformed: false,
  notInformedReason: "Telling him could warn the man exploiting him.",
};

describeDb("sharing without consent (safeguarding)", (use) => {
  it("knows a safeguarding referral: to social care, or to the police (taskforce)", () => {
    expect(isSafeguardingReferral({ code: "safeguarding_social_care", organisationKind: "council" })).toBe(
      true,
    );
    expect(isSafeguardingReferral({ code: "housing_support", organisationKind: "social_care" })).toBe(true);
    expect(isSafeguardingReferral({ code: "housing_support", organisationKind: "taskforce" })).toBe(true);
    expect(isSafeguardingReferral({ code: "opiate_treatment", organisationKind: "treatment_provider" })).toBe(
      false,
    );
  });

  it("refers to social care without consent on a recorded lawful basis, audited and listed for the Caldicott guardian", async () => {
    const world = await makePathwayWorld(use().db);
    const serviceId = await socialCare(world);
    const person = await addPerson(use().db, { share: "refused" });

    // Without consent and without a basis: refused, saying what would let it go ahead.
    await expect(
      createReferral({
        ctx: world.ctx("outreach_worker"),
        input: { personId: person.id, serviceId, reason: "Exploited", source: "outreach" },
      }),
    ).rejects.toThrow(/as this is a safeguarding referral, the lawful basis for sharing without it/);
    const draft = await referralDraft({ ctx: world.ctx("outreach_worker"), input: { personId: person.id } });
    expect(draft.services.find((service) => service.id === serviceId)).toMatchObject({
      safeguarding: true,
      crossesOrganisations: true,
    });

    const referral = await createReferral({
      ctx: world.ctx("outreach_worker"),
      input: {
        personId: person.id,
        serviceId,
        reason: "Exploited",
        source: "outreach",
        lawfulBasis: childAtRisk,
      },
    });
    const [row] = await use().db.select().from(referrals).where(eq(referrals.id, referral.id));
    expect(row).toMatchObject({
      lawfulBasis: "child_at_risk_of_significant_harm",
      lawfulBasisReason: childAtRisk.reason,
      personInformed: false,
      notInformedReason: childAtRisk.notInformedReason,
    });
    expect(await auditOf(use().db, referral.id)).toEqual(
      expect.arrayContaining([
        { action: "create", entity: "referral", personId: person.id },
        { action: "share_without_consent", entity: "referral", personId: person.id },
      ]),
    );

    const listed = await sharesWithoutConsent({ ctx: world.ctx("admin"), input: { limit: 500 } });
    const share = listed.find((entry) => entry.id === referral.id);
    expect(share).toMatchObject({
      reference: referral.reference,
      attributor: person.attributor,
      lawfulBasis: "child_at_risk_of_significant_harm",
      reason: childAtRisk.reason,
      personInformed: false,
      referringOrganisation: world.actors.outreach_worker.organisationName,
    });
    // Reading the list is itself audited, per person.
    expect((await auditOf(use().db, referral.id)).filter((event) => event.action === "list")).toHaveLength(1);
    // Only admins (the Caldicott guardian's role) may list them.
    await expect(
      sharesWithoutConsent({ ctx: world.ctx("outreach_worker"), input: { limit: 10 } }),
    ).rejects.toBeInstanceOf(Forbidden);
  });

  it("refuses a lawful basis for a treatment referral, and where consent is given", async () => {
    const world = await makePathwayWorld(use().db);
    const refused = await addPerson(use().db, { share: "withdrawn" });
    const treatment = createReferral({
      ctx: world.ctx("outreach_worker"),
      input: {
        personId: refused.id,
        serviceId: world.serviceIds.opiate_treatment,
        reason: "Wants help",
        source: "outreach",
        lawfulBasis: { ...childAtRisk, basis: "adult_at_risk" },
      },
    });
    await expect(treatment).rejects.toBeInstanceOf(ValidationError);
    await expect(treatment).rejects.toMatchObject({
      fields: { "lawfulBasis.basis": [expect.stringMatching(/only for safeguarding referrals/)] },
    });

    const serviceId = await socialCare(world);
    const consenting = await addPerson(use().db, { share: "given" });
    await expect(
      createReferral({
        ctx: world.ctx("outreach_worker"),
        input: {
          personId: consenting.id,
          serviceId,
          reason: "x",
          source: "outreach",
          lawfulBasis: childAtRisk,
        },
      }),
    ).rejects.toMatchObject({
      fields: { "lawfulBasis.basis": [expect.stringMatching(/no lawful basis is needed/)] },
    });
    const withConsent = await createReferral({
      ctx: world.ctx("outreach_worker"),
      input: { personId: consenting.id, serviceId, reason: "x", source: "outreach" },
    });
    const [row] = await use().db.select().from(referrals).where(eq(referrals.id, withConsent.id));
    expect(row!.lawfulBasis).toBeNull();
  });

  it("needs a reason when the person is not told", async () => {
    const world = await makePathwayWorld(use().db);
    const serviceId = await socialCare(world);
    const person = await addPerson(use().db, { share: null });
    await expect(
      createReferral({
        ctx: world.ctx("outreach_worker"),
        input: {
          personId: person.id,
          serviceId,
          reason: "x",
          source: "outreach",
          lawfulBasis: { basis: "adult_at_risk", reason: "Cuckooed flat", personInformed: false },
        },
      }),
    ).rejects.toMatchObject({ fields: { "lawfulBasis.notInformedReason": [expect.any(String)] } });
  });
});
