import { randomUUID } from "node:crypto";
import { type Actor, localDay } from "@pathways/core";
import {
  and,
  communityReportEvents,
  communityReports,
  type Database,
  episodes,
  eq,
  hotspots,
  keyworkers,
  outboxMessages,
  safeguardingFlags,
  services,
} from "@pathways/db";
import type { Role } from "@pathways/validators/codes";
import { describeDb, makeWorld, type TestUserActor } from "@pathways/vitest-config";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { appRouter } from "../src/root.ts";
import type { ProcedureMeta } from "../src/trpc.ts";
import { callerAs } from "./helpers.ts";

/*
 * The record-access matrix (issue 15): every procedure that takes an id, as every role, on a record of
 * the caller's own organisation and of another (a second taskforce, a second treatment provider, a
 * second council). The list of id fields is read from the router, so a new procedure (or a new id
 * field) fails the first test until it is given a row here.
 */

type Side = "own" | "other";
type ProcedureDef = { _def: { inputs: unknown[]; meta?: ProcedureMeta } };
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
const roles = ["outreach_worker", "treatment_manager", "commissioner", "admin"] as const satisfies Role[];

/** The id fields of a zod input schema: `id` and every `somethingId`, through defaults, pipes and unions. */
function idFields(schema: unknown): string[] {
  const zod = schema as {
    shape?: Record<string, unknown>;
    _zod?: { def?: { innerType?: unknown; in?: unknown; options?: unknown[] } };
  };
  if (zod.shape) return Object.keys(zod.shape).filter((key) => key === "id" || key.endsWith("Id"));
  const def = zod._zod?.def;
  if (def?.innerType) return idFields(def.innerType);
  if (def?.in) return idFields(def.in);
  if (def?.options) return [...new Set(def.options.flatMap(idFields))];
  return [];
}

function idFieldsOfRouter(): string[] {
  return Object.entries(procedures).flatMap(([path, procedure]) =>
    [...new Set(procedure._def.inputs.flatMap(idFields))].map((field) => `${path}#${field}`),
  );
}

/** The refusal of a record the caller may not touch, word for word: the same as for no such record. */
const notYours = (entity: string, id: string) => `No ${entity} ${id} was found, or it is not yours to see.`;

/** Who may touch world A's record, by role and by whether they are in world A ("own") or B ("other"). */
const rules = {
  /** person-access.ts: outreach workers and admins everyone, treatment managers their own clients. */
  person: (role: Role, side: Side) =>
    role === "outreach_worker" || role === "admin" || (role === "treatment_manager" && side === "own"),
  /** A referral from a contact: the contact's own organisation only. */
  contactToReferFrom: (role: Role, side: Side) => role === "outreach_worker" && side === "own",
  /** Reading a contact (linking it to a community report): like its person. */
  contactToRead: (role: Role, side: Side) => rules.person(role, side),
  /** The referrer and the provider it is to; no one else. */
  referral: (_role: Role, side: Side) => side === "own",
  /** Only the provider starts treatment from a referral. */
  referralToStart: (role: Role, side: Side) => role === "treatment_manager" && side === "own",
  /** Episodes and what hangs off them, and keyworkers: the provider's treatment managers. */
  provider: (role: Role, side: Side) => role === "treatment_manager" && side === "own",
  /** Community reports are about places: every triage role works the whole queue. */
  everyone: () => true,
  /** A taskforce's operations and days of action: its own outreach workers. */
  taskforce: (role: Role, side: Side) => role === "outreach_worker" && side === "own",
  /** Reading a taskforce's activity (before and after an action): its own outreach workers, and admins. */
  taskforceRead: (role: Role, side: Side) =>
    role === "admin" || (role === "outreach_worker" && side === "own"),
};

interface World {
  a: Awaited<ReturnType<typeof makeWorld>>;
  b: Awaited<ReturnType<typeof makeWorld>>;
  ids: Record<string, string>;
}

interface Case {
  rule: keyof typeof rules;
  /** The entity a refusal names. */
  entity: string;
  /** World A's record this case reaches for. */
  record: (world: World) => string;
  /** A valid input naming `id` in the field under test; other fields are the caller's own records. */
  input: (id: string, world: World, caller: Side) => unknown;
  /** What an id that does not exist answers, when not "not found or not yours" (a field error). */
  missing?: "field";
}

const today = () => localDay(new Date());
const topReview = (episodeId: string) => ({
  episodeId,
  stage: "start" as const,
  completedOn: today(),
  substanceDays: { heroin: 20 },
  injectingDays: 10,
  sharedEquipment: false,
  crimeDays: 0,
  psychologicalHealth: 10,
  physicalHealth: 10,
  qualityOfLife: 10,
  paidWorkDays: 0,
  acuteHousingProblem: false,
});
const contactInput = (personId: string | undefined) => ({
  clientKey: `device-${randomUUID()}`,
  occurredAt: new Date(Date.now() - 60_000),
  location: "South Park, by the bandstand",
  contactType: "street_outreach" as const,
  ...(personId ? { personId } : {}),
});

const needleSweep = () => ({
  clientKey: `device-${randomUUID()}`,
  kind: "needle_sweep" as const,
  occurredAt: new Date(Date.now() - 60_000),
  location: "Towpath by the lock",
});

const cases: Record<string, Case> = {
  "people.get#id": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (id) => ({ id }),
  },
  "people.recordConsent#personId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (personId) => ({ personId, kind: "ndtms", status: "given", recordedOn: today() }),
  },
  "people.resolveSafeguardingFlag#flagId": {
    rule: "person",
    entity: "safeguarding flag",
    record: (w) => w.ids.flag!,
    input: (flagId) => ({ flagId, note: "Seen safe and well at the hub." }),
  },
  "people.merge#survivorId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.mergeSurvivor!,
    input: (survivorId, w) => ({ survivorId, mergedId: w.ids.mergeDuplicate }),
  },
  "people.merge#mergedId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.mergeDuplicate!,
    input: (mergedId, w) => ({ survivorId: w.ids.mergeSurvivor, mergedId }),
  },
  "people.correct#personId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (personId) => ({
      personId,
      changes: { alias: `Quinn ${randomUUID().slice(0, 6)}` },
      reason: "Spelled as they spell it",
    }),
  },
  "people.corrections#personId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (personId) => ({ personId }),
  },
  "people.undoMerge#mergeId": {
    rule: "person",
    entity: "merge",
    record: (w) => w.ids.merge!,
    input: (mergeId) => ({ mergeId }),
  },
  "contacts.log#personId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (personId) => contactInput(personId),
    // The offline queue shows a field error on the form it came from (the person may have been removed).
    missing: "field",
  },
  "contacts.forPerson#personId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (personId) => ({ personId, limit: 5 }),
  },
  "referrals.draft#personId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (personId) => ({ personId }),
  },
  "referrals.draft#contactId": {
    rule: "contactToReferFrom",
    entity: "contact",
    record: (w) => w.ids.contact!,
    input: (contactId) => ({ contactId }),
  },
  "referrals.create#personId": {
    rule: "person",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (personId, w) => ({
      personId,
      serviceId: w.ids.housing,
      reason: "Needs housing",
      source: "outreach",
    }),
  },
  "referrals.create#contactId": {
    rule: "contactToReferFrom",
    entity: "contact",
    record: (w) => w.ids.contact!,
    input: (contactId, w) => ({
      contactId,
      serviceId: w.ids.housing,
      reason: "Needs housing",
      source: "outreach",
    }),
  },
  "referrals.move#referralId": {
    rule: "referral",
    entity: "referral",
    record: (w) => w.ids.referral!,
    input: (referralId) => ({ referralId, to: "cancelled" }),
  },
  "referrals.get#referralId": {
    rule: "referral",
    entity: "referral",
    record: (w) => w.ids.referral!,
    input: (referralId) => ({ referralId }),
  },
  "episodes.start#referralId": {
    rule: "referralToStart",
    entity: "referral",
    record: (w) => w.ids.referral!,
    input: (referralId) => ({ referralId, substanceGroup: "opiate", startedOn: today() }),
  },
  "episodes.start#personId": {
    rule: "provider",
    entity: "person",
    record: (w) => w.ids.person!,
    input: (personId) => ({ personId, substanceGroup: "alcohol", startedOn: today() }),
  },
  "episodes.start#keyworkerId": {
    rule: "provider",
    entity: "keyworker",
    record: (w) => w.ids.keyworker!,
    // A walk-in the caller's own provider recorded, so only the keyworker may be someone else's.
    input: (keyworkerId, w, caller) => ({
      personId: caller === "own" ? w.ids.newWalkIn : w.ids.otherWalkIn,
      keyworkerId,
      substanceGroup: "alcohol",
      startedOn: today(),
    }),
  },
  "episodes.get#episodeId": {
    rule: "provider",
    entity: "episode",
    record: (w) => w.ids.episode!,
    input: (episodeId) => ({ episodeId }),
  },
  "episodes.scheduleAppointment#episodeId": {
    rule: "provider",
    entity: "episode",
    record: (w) => w.ids.episode!,
    input: (episodeId) => ({ episodeId, scheduledAt: new Date(Date.now() + 86_400_000) }),
  },
  "episodes.recordAppointmentOutcome#appointmentId": {
    rule: "provider",
    entity: "appointment",
    record: (w) => w.ids.appointment!,
    input: (appointmentId) => ({ appointmentId, outcome: "cancelled_by_client" }),
  },
  "episodes.addIntervention#episodeId": {
    rule: "provider",
    entity: "episode",
    record: (w) => w.ids.episode!,
    input: (episodeId) => ({ episodeId, type: "psychosocial", setting: "community", startedOn: today() }),
  },
  "episodes.endIntervention#interventionId": {
    rule: "provider",
    entity: "intervention",
    record: (w) => w.ids.intervention!,
    input: (interventionId) => ({ interventionId, endedOn: today() }),
  },
  "episodes.recordTopReview#episodeId": {
    rule: "provider",
    entity: "episode",
    record: (w) => w.ids.episode!,
    input: (episodeId) => topReview(episodeId),
  },
  "episodes.discharge#episodeId": {
    rule: "provider",
    entity: "episode",
    record: (w) => w.ids.episode!,
    input: (episodeId) => ({
      episodeId,
      dischargedOn: today(),
      reason: "incomplete_dropped_out",
      ostAtExit: true,
    }),
  },
  "caseload.updateKeyworker#keyworkerId": {
    rule: "provider",
    entity: "keyworker",
    record: (w) => w.ids.keyworker!,
    input: (keyworkerId) => ({ keyworkerId, active: true }),
  },
  "caseload.reassign#episodeId": {
    rule: "provider",
    entity: "episode",
    record: (w) => w.ids.episode!,
    input: (episodeId, w) => ({ episodeId, keyworkerId: w.ids.secondKeyworker }),
  },
  "caseload.reassign#keyworkerId": {
    rule: "provider",
    entity: "keyworker",
    record: (w) => w.ids.keyworker!,
    input: (keyworkerId, w, caller) => ({
      episodeId: caller === "own" ? w.ids.walkInEpisode : w.ids.otherWalkInEpisode,
      keyworkerId,
    }),
  },
  "community.get#id": {
    rule: "everyone",
    entity: "community report",
    record: (w) => w.ids.report!,
    input: (id) => ({ id }),
  },
  "community.linkCandidates#id": {
    rule: "everyone",
    entity: "community report",
    record: (w) => w.ids.report!,
    input: (id) => ({ id }),
  },
  "community.acknowledge#id": {
    rule: "everyone",
    entity: "community report",
    record: (w) => w.ids.report!,
    input: (id) => ({ id }),
  },
  "community.changeStatus#id": {
    rule: "everyone",
    entity: "community report",
    record: (w) => w.ids.report!,
    input: (id) => ({ id, status: "in_progress", publicNote: "An officer is looking into it." }),
  },
  "community.addNote#id": {
    rule: "everyone",
    entity: "community report",
    record: (w) => w.ids.report!,
    input: (id) => ({ id, internalNote: "Patrol asked to pass by." }),
  },
  "community.markDuplicate#id": {
    rule: "everyone",
    entity: "community report",
    record: (w) => w.ids.report!,
    input: (id, w) => ({ id, duplicateOfReference: w.ids.earlierReference }),
  },
  "community.link#id": {
    rule: "everyone",
    entity: "community report",
    record: (w) => w.ids.report!,
    input: (id) => ({ id, contactId: null }),
  },
  "community.link#contactId": {
    rule: "contactToRead",
    entity: "contact",
    record: (w) => w.ids.contact!,
    input: (contactId, w) => ({ id: w.ids.report, contactId }),
    missing: "field",
  },
  "taskforce.log#operationId": {
    rule: "taskforce",
    entity: "operation",
    record: (w) => w.ids.operation!,
    input: (operationId) => ({ ...needleSweep(), operationId }),
  },
  "taskforce.log#dayOfActionId": {
    rule: "taskforce",
    entity: "day of action",
    record: (w) => w.ids.dayOfAction!,
    input: (dayOfActionId) => ({ ...needleSweep(), dayOfActionId }),
  },
  "taskforce.createDayOfAction#operationId": {
    rule: "taskforce",
    entity: "operation",
    record: (w) => w.ids.operation!,
    input: (operationId) => ({ name: "Warrants", date: today(), operationId }),
  },
  "places.beforeAfter#activityId": {
    rule: "taskforceRead",
    entity: "taskforce activity",
    record: (w) => w.ids.environmentalAction!,
    input: (activityId) => ({ activityId, days: 90 }),
  },
  "community.retryUpdate#messageId": {
    rule: "everyone",
    entity: "update",
    record: (w) => w.ids.update!,
    input: (messageId) => ({ messageId }),
  },
};

/**
 * Id fields that name no one's record: places, services and the administration's own lists are shared,
 * and a filter within the caller's own provider finds nothing when given another's id (tested below).
 */
const shared: Record<string, string> = {
  "hotspots.update#id": "hotspots are the partnership's shared places (admins)",
  "contacts.log#hotspotId": "hotspots are shared places",
  "needleFinds.log#hotspotId": "hotspots are shared places",
  "community.submit#hotspotId": "hotspots are shared places",
  "taskforce.log#hotspotId": "hotspots are shared places",
  "taskforce.list#hotspotId": "a filter on shared places",
  "taskforce.list#operationId": "a filter within the caller's own taskforce (admins read every taskforce's)",
  "community.list#hotspotId": "a filter on shared places",
  "community.link#needleFindId": "needle finds are about places, and every triage role sees them",
  "reports.funnel#hotspotId": "a filter on shared places",
  "reports.hotspots#hotspotId": "a filter on shared places",
  "reports.safeguarding#hotspotId": "a filter on shared places",
  "reports.taskforce#hotspotId": "a filter on shared places",
  "referrals.create#serviceId": "every referrer sees every active service (referrals.services)",
  "episodes.overdueTopReviews#keyworkerId": "a filter within the caller's own provider",
  "caseload.episodes#keyworkerId": "a filter within the caller's own provider",
  "caseload.waitingList#serviceId": "a filter within the caller's own provider",
  "admin.createUser#organisationId": "admins administer every organisation",
  "admin.setUserDisabled#userId": "admins administer every user",
  "admin.resetPassword#userId": "admins administer every user",
  "admin.resetSecondFactor#userId": "admins administer every user",
  "admin.setOrganisationSecondFactor#organisationId": "admins administer every organisation",
  "admin.auditLog#personId": "admins read the whole audit log",
  "admin.auditLog#userId": "admins read the whole audit log",
  "admin.updateUser#userId": "admins administer every user",
  "admin.updateUser#organisationId": "admins administer every organisation",
  "admin.createService#organisationId": "admins administer every organisation",
  "admin.changeService#serviceId": "admins administer every service",
  "deaths.record#areaId": "areas (the city, the county, wards) are the partnership's shared places",
  "deaths.list#areaId": "a filter on shared places",
  "deaths.setPopulation#areaId": "areas are shared places (admins)",
  "deaths.createArea#withinAreaId": "areas are shared places (admins)",
  "episodes.start#residenceAreaId": "areas (the city, the county, wards) are the partnership's shared places",
  "deaths.correct#deathId":
    "the register of drug-related deaths is the partnership's, kept by every provider",
  // The person rule itself (personFor), asked before a death is linked; a row here would close the
  // world's open episodes (a death ends them), so it is tested in core/test/deaths.test.ts.
  "deaths.record#personId":
    "the person rule, tested where a death can be linked without ending the world's episodes",
};

describe("the record-access matrix is complete", () => {
  it("has a row for every id field of every procedure in the router, and none for one that is gone", () => {
    expect([...Object.keys(cases), ...Object.keys(shared)].sort()).toEqual(idFieldsOfRouter().sort());
  });
});

function access(path: string): ProcedureMeta["access"] {
  return procedures[path]!._def.meta!.access;
}

async function call(db: Database, actor: Actor, path: string, input: unknown) {
  let target: unknown = callerAs(db, actor);
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  try {
    await (target as (input: unknown) => Promise<unknown>)(input);
    return null;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.code, message: error.message };
  }
}

/**
 * Two of everything (makeWorld twice: taskforce, treatment provider, commissioner, council) and, in
 * world A, one of each kind of record, made through the API as its own users would.
 */
async function twoWorlds(db: Database): Promise<World> {
  const a = await makeWorld(db);
  const b = await makeWorld(db);
  const as = (actor: TestUserActor) => callerAs(db, actor);
  const worker = as(a.actors.outreach_worker);
  const manager = as(a.actors.treatment_manager);
  const [hotspot] = await db
    .insert(hotspots)
    .values({ name: `South Park ${a.tag}`, lat: 51.75, lng: -1.23 })
    .returning();
  const [opiate, housing] = await db
    .insert(services)
    .values([
      { organisationId: a.actors.treatment_manager.organisationId, code: "opiate_treatment", name: "Opiate" },
      { organisationId: a.actors.admin.organisationId, code: "housing_support", name: "Housing" },
    ])
    .returning();
  const [keyworker, secondKeyworker] = await db
    .insert(keyworkers)
    .values([
      { organisationId: a.actors.treatment_manager.organisationId, name: `Aisha ${a.tag}` },
      { organisationId: a.actors.treatment_manager.organisationId, name: `Ben ${a.tag}` },
    ])
    .returning();
  const personOf = (alias: string) =>
    worker.people.create({
      firstInitial: "Q",
      surnameInitial: "Z",
      dateOfBirth: "1985-05-05",
      sex: "male",
      alias: `${alias} ${a.tag}`,
    });
  const person = await personOf("Quinn");
  await worker.people.recordConsent({
    personId: person.id,
    kind: "share",
    status: "given",
    recordedOn: today(),
  });
  const contact = await worker.contacts.log({
    ...contactInput(person.id),
    hotspotId: hotspot!.id,
    location: undefined,
    safeguardingConcerns: ["cuckooing"],
  });
  const [flag] = await db.select().from(safeguardingFlags).where(eq(safeguardingFlags.contactId, contact.id));
  const referral = await worker.referrals.create({
    personId: person.id,
    serviceId: opiate!.id,
    reason: "Wants to stop using",
    source: "outreach",
  });
  await manager.referrals.move({ referralId: referral.id, to: "received" });
  await manager.referrals.move({ referralId: referral.id, to: "accepted" });
  const episode = await manager.episodes.start({
    referralId: referral.id,
    keyworkerId: keyworker!.id,
    substanceGroup: "opiate",
    startedOn: today(),
  });
  const appointment = await manager.episodes.scheduleAppointment({
    episodeId: episode.id,
    scheduledAt: new Date(Date.now() + 2 * 86_400_000),
  });
  const intervention = await manager.episodes.addIntervention({
    episodeId: episode.id,
    type: "pharmacological",
    setting: "community",
    startedOn: today(),
  });
  const walkIn = await manager.people.create({
    firstInitial: "W",
    surnameInitial: "K",
    dateOfBirth: "1979-09-09",
    sex: "female",
  });
  const walkInEpisode = await manager.episodes.start({
    personId: walkIn.id,
    substanceGroup: "alcohol",
    startedOn: today(),
  });
  const newWalkIn = await manager.people.create({
    firstInitial: "N",
    surnameInitial: "W",
    dateOfBirth: "1981-01-01",
    sex: "female",
  });
  // World B's provider has its own walk-ins, one in treatment, and a keyworker.
  const otherManager = as(b.actors.treatment_manager);
  const walkInOf = (firstInitial: string) =>
    otherManager.people.create({ firstInitial, surnameInitial: "B", dateOfBirth: "1990-02-02", sex: "male" });
  const otherWalkIn = await walkInOf("O");
  const otherWalkInEpisode = await otherManager.episodes.start({
    personId: (await walkInOf("P")).id,
    substanceGroup: "alcohol",
    startedOn: today(),
  });
  const survivor = await personOf("Merge survivor");
  const duplicate = await personOf("Merge duplicate");
  const merge = await worker.people.merge({ survivorId: survivor.id, mergedId: duplicate.id });
  const operation = await worker.taskforce.createOperation({
    name: `Operation ${a.tag}`,
    startedOn: today(),
  });
  const dayOfAction = await worker.taskforce.createDayOfAction({
    name: `Day of action ${a.tag}`,
    date: today(),
    operationId: operation.id,
  });
  const environmentalAction = await worker.taskforce.log({
    clientKey: `device-${randomUUID()}`,
    kind: "environmental_action",
    action: "vegetation_cut_back",
    occurredAt: new Date(Date.now() - 60_000),
    hotspotId: hotspot!.id,
  });
  const resident = callerAs(db, { kind: "public", address: `203.0.113.${randomUUID()}` });
  const report = {
    category: "drug_dealing" as const,
    location: "Behind the bowls club",
    description: "Two people handing over small packages by the bins, most evenings around 6pm.",
  };
  const earlier = await resident.community.submit(report);
  const submitted = await resident.community.submit({
    ...report,
    contactEmail: `resident.${a.tag}@example.org`,
  });
  const [row] = await db
    .select({ id: communityReports.id })
    .from(communityReports)
    .where(eq(communityReports.reference, submitted.reference));
  // Acknowledging queues an update for the reporter: an outbox message to retry.
  await worker.community.acknowledge({ id: row!.id });
  const [update] = await db
    .select({ id: outboxMessages.id })
    .from(outboxMessages)
    .innerJoin(communityReportEvents, eq(communityReportEvents.id, outboxMessages.reportEventId))
    .where(eq(communityReportEvents.reportId, row!.id));
  return {
    a,
    b,
    ids: {
      person: person.id,
      flag: flag!.id,
      contact: contact.id,
      referral: referral.id,
      episode: episode.id,
      appointment: appointment.id,
      intervention: intervention.id,
      keyworker: keyworker!.id,
      secondKeyworker: secondKeyworker!.id,
      walkIn: walkIn.id,
      walkInEpisode: walkInEpisode.id,
      newWalkIn: newWalkIn.id,
      otherWalkIn: otherWalkIn.id,
      otherWalkInEpisode: otherWalkInEpisode.id,
      earlierReference: earlier.reference,
      mergeSurvivor: survivor.id,
      mergeDuplicate: duplicate.id,
      merge: merge.mergeId,
      housing: housing!.id,
      report: row!.id,
      update: update!.id,
      operation: operation.id,
      dayOfAction: dayOfAction.id,
      environmentalAction: environmentalAction.id,
    },
  };
}

describeDb("record access", (use) => {
  it("refuses another organisation's record exactly as one that does not exist, and lets its own through", async () => {
    const db = use().db;
    const world = await twoWorlds(db);
    const actorOf = (side: Side, role: Role) => (side === "own" ? world.a : world.b).actors[role];
    const wrong: string[] = [];
    const say = (path: string, role: Role, side: Side | "missing", what: string) =>
      wrong.push(`${path} as ${role} (${side}): ${what}`);

    // Refusals and missing ids first (they change nothing), then the calls that may change records.
    for (const side of ["other", "missing", "own"] as const) {
      for (const [key, spec] of Object.entries(cases)) {
        const path = key.split("#")[0]!;
        const allowedRoles = access(path);
        for (const role of roles) {
          const roleAllowed = allowedRoles !== "public" && allowedRoles.includes(role);
          const id = side === "missing" ? randomUUID() : spec.record(world);
          const actor = actorOf(side === "missing" ? "own" : side, role);
          const answer = await call(
            db,
            actor,
            path,
            spec.input(id, world, side === "other" ? "other" : "own"),
          );
          if (!roleAllowed) {
            if (answer?.code !== "FORBIDDEN")
              say(path, role, side, `expected the role refusal, got ${JSON.stringify(answer)}`);
            continue;
          }
          if (side === "missing") {
            if (spec.missing === "field") {
              if (answer?.code !== "BAD_REQUEST")
                say(path, role, side, `expected a field error, got ${JSON.stringify(answer)}`);
            } else if (answer?.code !== "NOT_FOUND" || answer.message !== notYours(spec.entity, id)) {
              say(path, role, side, `expected not found or not yours, got ${JSON.stringify(answer)}`);
            }
            continue;
          }
          const mayTouch = rules[spec.rule](role, side);
          const refused = answer?.code === "NOT_FOUND" && answer.message === notYours(spec.entity, id);
          if (mayTouch && (refused || answer?.code === "FORBIDDEN" || answer?.code === "BAD_REQUEST")) {
            say(path, role, side, `expected to be let through, got ${JSON.stringify(answer)}`);
          }
          if (!mayTouch && !refused)
            say(path, role, side, `expected not found or not yours, got ${JSON.stringify(answer)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 180_000);

  it("finds nothing of another provider's through a filter given its keyworker or service id", async () => {
    const db = use().db;
    const world = await twoWorlds(db);
    const other = callerAs(db, world.b.actors.treatment_manager);
    const [service] = await db
      .select({ id: services.id })
      .from(services)
      .where(eq(services.organisationId, world.a.actors.treatment_manager.organisationId));
    expect((await other.caseload.episodes({ keyworkerId: world.ids.keyworker!, limit: 25 })).items).toEqual(
      [],
    );
    expect(
      (await other.episodes.overdueTopReviews({ keyworkerId: world.ids.keyworker!, limit: 25 })).items,
    ).toEqual([]);
    expect((await other.caseload.waitingList({ serviceId: service!.id, limit: 25 })).items).toEqual([]);
    // The provider itself finds its own.
    const own = callerAs(db, world.a.actors.treatment_manager);
    expect(
      (await own.caseload.episodes({ keyworkerId: world.ids.keyworker!, limit: 25 })).items,
    ).toHaveLength(1);
  });

  it("cannot take another provider's client over by starting a self-referral, then read or resolve with it", async () => {
    const db = use().db;
    const world = await twoWorlds(db);
    const intruder = callerAs(db, world.b.actors.treatment_manager);
    const person = world.ids.person!;
    const refusals = [
      await call(db, world.b.actors.treatment_manager, "episodes.start", {
        personId: person,
        substanceGroup: "opiate",
        startedOn: today(),
      }),
      await call(db, world.b.actors.treatment_manager, "people.get", { id: person }),
      await call(db, world.b.actors.treatment_manager, "contacts.forPerson", { personId: person, limit: 5 }),
      await call(db, world.b.actors.treatment_manager, "people.resolveSafeguardingFlag", {
        flagId: world.ids.flag,
        note: "Closing this",
      }),
      await call(db, world.b.actors.treatment_manager, "people.recordConsent", {
        personId: person,
        kind: "share",
        status: "withdrawn",
        recordedOn: today(),
      }),
      await call(db, world.b.actors.treatment_manager, "referrals.draft", { personId: person }),
    ];
    expect(refusals.map((answer) => answer?.code)).toEqual(Array(refusals.length).fill("NOT_FOUND"));
    // Nothing was written: no episode with the intruder's provider, the flag still open.
    const theirs = await db
      .select({ id: episodes.id })
      .from(episodes)
      .where(
        and(
          eq(episodes.personId, person),
          eq(episodes.providerOrganisationId, world.b.actors.treatment_manager.organisationId),
        ),
      );
    expect(theirs).toEqual([]);
    const [flag] = await db.select().from(safeguardingFlags).where(eq(safeguardingFlags.id, world.ids.flag!));
    expect(flag!.resolvedAt).toBeNull();
    // Nor does the search find them.
    expect((await intruder.people.find({ query: "QZ-1985", limit: 10 })).items).toEqual([]);
    // The refusals say nothing about the person or who holds them.
    const said = refusals.map((answer) => answer?.message ?? "").join(" ");
    for (const secret of [
      "QZ-1985-05-05-M",
      "Quinn",
      world.a.actors.treatment_manager.organisationName,
      world.a.actors.outreach_worker.organisationName,
    ]) {
      expect(said).not.toContain(secret);
    }
  });

  it("cannot make someone its client by referring them to itself, nor reach a referral or episode by id", async () => {
    const db = use().db;
    const world = await twoWorlds(db);
    const [theirService] = await db
      .insert(services)
      .values({
        organisationId: world.b.actors.treatment_manager.organisationId,
        code: "opiate_treatment",
        name: "Opiate (B)",
      })
      .returning();
    const manager = world.b.actors.treatment_manager;
    const answers = [
      await call(db, manager, "referrals.create", {
        personId: world.ids.person,
        serviceId: theirService!.id,
        reason: "Self-referral",
        source: "self",
      }),
      await call(db, manager, "people.get", { id: world.ids.person }),
      await call(db, manager, "referrals.move", {
        referralId: world.ids.referral,
        to: "rejected",
        failureReason: "other",
      }),
      await call(db, manager, "caseload.reassign", {
        episodeId: world.ids.episode,
        keyworkerId: world.ids.keyworker,
      }),
      await call(db, manager, "episodes.discharge", {
        episodeId: world.ids.episode,
        dischargedOn: today(),
        reason: "incomplete_dropped_out",
        ostAtExit: true,
      }),
    ];
    expect(answers).toEqual([
      { code: "NOT_FOUND", message: notYours("person", world.ids.person!) },
      { code: "NOT_FOUND", message: notYours("person", world.ids.person!) },
      { code: "NOT_FOUND", message: notYours("referral", world.ids.referral!) },
      { code: "NOT_FOUND", message: notYours("episode", world.ids.episode!) },
      { code: "NOT_FOUND", message: notYours("episode", world.ids.episode!) },
    ]);
    // The legitimate way in: an outreach worker refers the person to that provider (with consent), and
    // then the provider sees them, as DOMAIN.md's closed loop means.
    await callerAs(db, world.b.actors.outreach_worker).referrals.create({
      personId: world.ids.person!,
      serviceId: theirService!.id,
      reason: "Moved across the city",
      source: "outreach",
    });
    expect((await callerAs(db, manager).people.get({ id: world.ids.person! })).person.id).toBe(
      world.ids.person,
    );
    // Still never the other provider's episode.
    expect(await call(db, manager, "episodes.get", { episodeId: world.ids.episode })).toEqual({
      code: "NOT_FOUND",
      message: notYours("episode", world.ids.episode!),
    });
  });

  it("refuses another organisation's contact to refer from, and another's referral to start treatment from", async () => {
    const db = use().db;
    const world = await twoWorlds(db);
    expect(
      await call(db, world.b.actors.outreach_worker, "referrals.draft", { contactId: world.ids.contact }),
    ).toEqual({
      code: "NOT_FOUND",
      message: notYours("contact", world.ids.contact!),
    });
    // The referrer may see their referral, but only the provider starts treatment from it.
    expect(
      await call(db, world.b.actors.treatment_manager, "episodes.start", {
        referralId: world.ids.referral,
        substanceGroup: "opiate",
        startedOn: today(),
      }),
    ).toEqual({ code: "NOT_FOUND", message: notYours("referral", world.ids.referral!) });
  });
});
