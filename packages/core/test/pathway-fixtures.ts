import { randomUUID } from "node:crypto";
import {
  auditEvents,
  consents,
  contacts,
  type Database,
  eq,
  keyworkers,
  people,
  safeguardingFlags,
  services,
} from "@pathways/db";
import type { Role, ServiceCode } from "@pathways/validators";
import { makeWorld } from "@pathways/vitest-config";
import type { Ctx } from "../src/context.ts";

/** A settable clock: tests move "now" through the pathway day by day. */
export class Clock {
  constructor(public at: Date) {}
  set(iso: string) {
    this.at = new Date(iso);
  }
}

/**
 * A world for the referral and treatment tests: the usual organisations and users, the provider's
 * services and two keyworkers, and one clock every actor shares.
 */
export async function makePathwayWorld(db: Database, start = "2026-01-05T10:00:00Z") {
  const world = await makeWorld(db);
  const clock = new Clock(new Date(start));
  const provider = world.actors.treatment_manager.organisationId;
  const serviceRows = await db
    .insert(services)
    .values(
      (
        [
          ["opiate_treatment", "Opiate treatment"],
          ["non_opiate_treatment", "Non-opiate treatment"],
          ["alcohol_treatment", "Alcohol treatment"],
        ] as const
      ).map(([code, name]) => ({ organisationId: provider, code, name })),
    )
    .returning();
  const [housing] = await db
    .insert(services)
    .values({
      organisationId: world.actors.admin.organisationId,
      code: "housing_support",
      name: "Housing support",
    })
    .returning();
  const serviceIds = Object.fromEntries(serviceRows.map((service) => [service.code, service.id])) as Record<
    ServiceCode,
    string
  >;
  serviceIds.housing_support = housing!.id;
  const keyworkerRows = await db
    .insert(keyworkers)
    .values([
      { organisationId: provider, name: `Aisha Khan ${world.tag}` },
      { organisationId: provider, name: `Ben Carter ${world.tag}` },
    ])
    .returning();
  const ctx = (role: Role): Ctx => ({ ...world.ctxOf(role), now: () => clock.at });
  return { ...world, clock, ctx, serviceIds, keyworkerIds: keyworkerRows.map((keyworker) => keyworker.id) };
}
export type PathwayWorld = Awaited<ReturnType<typeof makePathwayWorld>>;

let personCount = 0;

/**
 * A person met on the street, with their consent to share as given (or none, refused, withdrawn);
 * `clientOf` records them as that provider's own (a walk-in it may start a self-referral for).
 */
export async function addPerson(
  db: Database,
  options: { share?: "given" | "refused" | "withdrawn" | null; alias?: string; clientOf?: string } = {},
) {
  personCount += 1;
  const day = String((personCount % 28) + 1).padStart(2, "0");
  const [person] = await db
    .insert(people)
    .values({
      attributor: `JS-1988-03-${day}-M`,
      firstInitial: "J",
      surnameInitial: "S",
      dateOfBirth: `1988-03-${day}`,
      sex: "male",
      alias: options.alias ?? `Jonno ${personCount}`,
      fullName: `John Smith ${personCount}`,
      createdByOrganisationId: options.clientOf ?? null,
    })
    .returning();
  const share = options.share === undefined ? "given" : options.share;
  if (share) await recordShareConsent(db, person!.id, share, "2025-12-01");
  return person!;
}

export async function recordShareConsent(
  db: Database,
  personId: string,
  status: "given" | "refused" | "withdrawn",
  recordedOn: string,
) {
  await db.insert(consents).values({ personId, kind: "share", status, recordedOn, recordedAt: new Date() });
}

/** A street contact by the world's outreach worker, naming the person. */
export async function addContact(world: PathwayWorld, personId: string | null, occurredAt: Date) {
  const worker = world.actors.outreach_worker;
  const [contact] = await world
    .ctxOf("outreach_worker")
    .db.insert(contacts)
    .values({
      clientKey: randomUUID(),
      occurredAt,
      location: "South Park, by the pavilion",
      workerId: worker.userId,
      organisationId: worker.organisationId,
      personId,
      contactType: "street_outreach",
      substances: ["heroin", "crack"],
    })
    .returning();
  return contact!;
}

export async function raiseSafeguardingFlag(
  db: Database,
  personId: string,
  concern: "cuckooing" | "county_lines",
) {
  await db.insert(safeguardingFlags).values({ personId, concern, raisedAt: new Date() });
}

/** The audit events written about one record. */
export async function auditOf(db: Database, entityId: string) {
  return db
    .select({ action: auditEvents.action, entity: auditEvents.entity, personId: auditEvents.personId })
    .from(auditEvents)
    .where(eq(auditEvents.entityId, entityId));
}

/** A TOP review with middling, valid values; tests override what they check. */
export function topInput(episodeId: string, stage: "start" | "review" | "exit", completedOn: string) {
  return {
    episodeId,
    stage,
    completedOn,
    substanceDays: { heroin: 20 },
    injectingDays: 10,
    sharedEquipment: false,
    crimeDays: 2,
    psychologicalHealth: 9,
    physicalHealth: 11,
    qualityOfLife: 8,
    paidWorkDays: 0,
    acuteHousingProblem: false,
  };
}

/** Every key anywhere in a value: to prove a field never reaches someone. */
export function keysOf(value: unknown, keys = new Set<string>()): Set<string> {
  if (value instanceof Date) return keys;
  if (Array.isArray(value)) for (const item of value) keysOf(item, keys);
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      keys.add(key);
      keysOf(inner, keys);
    }
  }
  return keys;
}

/** Fields that carry clinical treatment detail: an outreach worker must never receive one. */
export const clinicalFields = [
  "substanceGroup",
  "substanceDays",
  "injectingDays",
  "psychologicalHealth",
  "physicalHealth",
  "qualityOfLife",
  "topReviews",
  "interventions",
  "appointments",
  "outcome",
  "dischargeReason",
  "ostAtExit",
  "atRiskSince",
  "isRepresentation",
  "episodeId",
  "keyworker",
];
