import { randomUUID } from "node:crypto";
import { and, auditEvents, type Database, episodes, eq, referrals, services } from "@pathways/db";
import type { ContactInput, PersonInput } from "@pathways/validators";
import type { TestCtx } from "@pathways/vitest-config";
import type { Ctx } from "../src/context.ts";
import { createHotspot } from "../src/hotspots.ts";

/** A hotspot with a name unique to the test. */
export async function makeHotspot(admin: TestCtx, name = `Park ${randomUUID().slice(0, 8)}`) {
  return createHotspot({ ctx: admin as Ctx, input: { name, lat: 51.75, lng: -1.23 } });
}

export function personInput(overrides: Partial<PersonInput> = {}): PersonInput {
  return { firstInitial: "J", surnameInitial: "S", dateOfBirth: "1988-03-14", sex: "male", ...overrides };
}

/** A parsed contact input, as the API would hand it to the verb. */
export function contactInput(overrides: Partial<ContactInput> = {}): ContactInput {
  return {
    clientKey: `device-${randomUUID()}`,
    occurredAt: new Date(Date.now() - 5 * 60_000),
    contactType: "street_outreach",
    substances: [],
    interventions: [],
    safeguardingConcerns: [],
    ...overrides,
  };
}

/** Audit events about one record: the tests check each read or write leaves exactly one. */
export async function auditOf(db: Database, entity: string, entityId: string) {
  return db
    .select({
      action: auditEvents.action,
      personId: auditEvents.personId,
      actorUserId: auditEvents.actorUserId,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, entity), eq(auditEvents.entityId, entityId)));
}

/**
 * A referral and an episode for a person at the provider, written straight to the tables: the referral
 * verbs belong to another area, and these tests only need the rows to exist.
 */
export async function referAndStart(
  db: Database,
  personId: string,
  providerOrganisationId: string,
  referrer: string,
) {
  const [service] = await db
    .insert(services)
    .values({ organisationId: providerOrganisationId, code: "opiate_treatment", name: "Opiate treatment" })
    .onConflictDoNothing()
    .returning();
  const serviceId =
    service?.id ??
    (
      await db
        .select({ id: services.id })
        .from(services)
        .where(
          and(eq(services.organisationId, providerOrganisationId), eq(services.code, "opiate_treatment")),
        )
    )[0]!.id;
  const at = new Date("2026-01-10T10:00:00Z");
  const [referral] = await db
    .insert(referrals)
    .values({
      personId,
      referringOrganisationId: referrer,
      serviceId,
      reason: "Wants to start treatment",
      source: "outreach",
      status: "treatment_started",
      requestedAt: at,
      statusChangedAt: new Date("2026-01-12T10:00:00Z"),
    })
    .returning();
  const [episode] = await db
    .insert(episodes)
    .values({
      personId,
      providerOrganisationId,
      substanceGroup: "opiate",
      referralId: referral!.id,
      startedOn: "2026-01-12",
    })
    .returning();
  return { referral: referral!, episode: episode! };
}
