import { randomUUID } from "node:crypto";
import { type Actor, addDays, localDay } from "@pathways/core";
import { type Database, services } from "@pathways/db";
import { describeDb, makeWorld, testDisclosureSecret } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import type { ApiContext } from "../src/context.ts";
import { createCaller } from "../src/root.ts";
import { refusal } from "./helpers.ts";

/** A caller as the HTTP server builds it, on a clock the test moves (verbs read `ctx.now`). */
function callerAt(db: Database, actor: Actor, clock: { at: Date }) {
  const ctx: ApiContext & { now: () => Date } = {
    db,
    actor,
    requestId: "pathway-test",
    request: {
      requestId: "pathway-test",
      address: "127.0.0.1",
      sessionToken: null,
      setSessionCookie: () => {},
      clearSessionCookie: () => {},
    },
    sessions: { secret: "test-secret-test-secret-test-secret-0123", idleMinutes: 30 },
    disclosureSecret: testDisclosureSecret,
    now: () => clock.at,
  };
  return createCaller(ctx);
}

function keysOf(value: unknown, keys = new Set<string>()): Set<string> {
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

/** Clinical treatment detail an outreach worker must never receive. */
const clinicalFields = [
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

async function pathwayWorld(db: Database) {
  const world = await makeWorld(db);
  const provider = world.actors.treatment_manager.organisationId;
  const [opiate] = await db
    .insert(services)
    .values({ organisationId: provider, code: "opiate_treatment", name: "Opiate treatment" })
    .returning();
  // The pathway runs over a year that ended yesterday, so every date is in the real past as well.
  const clock = { at: new Date(`${addDays(localDay(new Date()), -400)}T10:00:00Z`) };
  const as = (role: keyof typeof world.actors) => callerAt(db, world.actors[role], clock);
  const advance = (days: number, time = "10:00:00") => {
    clock.at = new Date(`${addDays(localDay(clock.at), days)}T${time}Z`);
  };
  const keyworker = await as("treatment_manager").caseload.createKeyworker({
    name: `Aisha Khan ${world.tag}`,
  });
  return { ...world, clock, as, advance, serviceId: opiate!.id, keyworkerId: keyworker.id };
}

describeDb("the pathway through the API", (use) => {
  it("walks contact -> referral -> received -> accepted -> episode -> DNAs -> TOPs -> drug-free discharge -> re-presentation", async () => {
    const world = await pathwayWorld(use().db);
    const outreach = () => world.as("outreach_worker");
    const manager = () => world.as("treatment_manager");
    const seen: string[] = [];
    const referrerSees = async () => {
      const mine = await outreach().referrals.mine({ limit: 25, show: "all" });
      expect([...keysOf(mine)].filter((key) => clinicalFields.includes(key))).toEqual([]);
      const [referral] = mine.items;
      seen.push(referral!.status);
      return referral!;
    };

    // The outreach worker meets him at South Park, records him, his consent to share and the contact.
    const startDay = localDay(world.clock.at);
    const person = await outreach().people.create({
      firstInitial: "J",
      surnameInitial: "S",
      dateOfBirth: "1988-03-14",
      sex: "male",
      alias: "Jonno",
    });
    await outreach().people.recordConsent({
      personId: person.id,
      kind: "share",
      status: "given",
      recordedOn: startDay,
    });
    const contact = await outreach().contacts.log({
      clientKey: `device-${randomUUID()}`,
      occurredAt: new Date(world.clock.at.getTime() - 30 * 60_000),
      location: "South Park, by the bandstand",
      contactType: "street_outreach",
      substances: ["heroin"],
      interventions: [{ intervention: "naloxone_supplied", quantity: 1 }],
      personId: person.id,
    });

    // One tap from the contact: the referral.
    const referral = await outreach().referrals.create({
      contactId: contact.id,
      serviceId: world.serviceId,
      reason: "Injecting daily; wants a script",
      source: "outreach",
      clientKey: `referral-${contact.id}`,
    });
    expect((await referrerSees()).reference).toBe(referral.reference);
    const version = await outreach().referrals.mineVersion();

    world.advance(1);
    await manager().referrals.move({ referralId: referral.id, to: "received" });
    expect((await outreach().referrals.mineVersion()).latestChangeAt).not.toEqual(version.latestChangeAt);
    await referrerSees();
    world.advance(2);
    await manager().referrals.move({ referralId: referral.id, to: "accepted", note: "Assessment on Monday" });
    await referrerSees();
    const illegal = await refusal(manager().referrals.move({ referralId: referral.id, to: "received" }));
    expect(illegal).toMatchObject({
      code: "CONFLICT",
      message: `Referral ${referral.reference} is \`accepted\`; it cannot move to \`received\`. Next it can move to \`treatment_started\`, or end as rejected, unable to contact, declined by client or cancelled.`,
    });

    world.advance(4);
    const episode = await manager().episodes.start({
      referralId: referral.id,
      keyworkerId: world.keyworkerId,
      substanceGroup: "opiate",
      startedOn: localDay(world.clock.at),
    });
    expect(episode.referral).toMatchObject({ status: "treatment_started", waitingDays: 7 });
    const started = await referrerSees();
    expect(started.history.map((event) => event.status)).toEqual([
      "requested",
      "received",
      "accepted",
      "treatment_started",
    ]);
    expect(seen).toEqual(["requested", "received", "accepted", "treatment_started"]);

    // Three did-not-attends in a row: at risk on the caseload.
    for (let week = 1; week <= 3; week += 1) {
      world.advance(7);
      const appointment = await manager().episodes.scheduleAppointment({
        episodeId: episode.id,
        scheduledAt: new Date(world.clock.at.getTime() - 3_600_000),
      });
      await manager().episodes.recordAppointmentOutcome({
        appointmentId: appointment.id,
        outcome: "did_not_attend",
      });
    }
    const atRisk = await manager().caseload.episodes({
      keyworkerId: world.keyworkerId,
      limit: 25,
      show: "at_risk",
    });
    expect(atRisk.items.map((row) => row.id)).toEqual([episode.id]);

    // TOP at start, then a review 182 days later.
    const topAt = (stage: "start" | "review" | "exit", completedOn: string) => ({
      episodeId: episode.id,
      stage,
      completedOn,
      substanceDays: { heroin: stage === "start" ? 25 : 0 },
      injectingDays: stage === "start" ? 20 : 0,
      sharedEquipment: false,
      crimeDays: 0,
      psychologicalHealth: 10,
      physicalHealth: 12,
      qualityOfLife: 11,
      paidWorkDays: 0,
      acuteHousingProblem: false,
    });
    const start = await manager().episodes.recordTopReview(topAt("start", episode.startedOn));
    expect(start.nextTopDue).toBe(addDays(episode.startedOn, 182));
    world.advance(170);
    const review = await manager().episodes.recordTopReview(topAt("review", localDay(world.clock.at)));
    expect(review.review.stage).toBe("review");

    // Discharged drug-free, off OST; the exit TOP with it.
    world.advance(30);
    const dischargeDay = localDay(world.clock.at);
    await manager().episodes.recordTopReview(topAt("exit", dischargeDay));
    const done = await manager().episodes.discharge({
      episodeId: episode.id,
      dischargedOn: dischargeDay,
      reason: "completed_drug_free",
      ostAtExit: false,
    });
    expect(done.successfulDischarge).toBe(true);

    // 100 days later, referred again: a re-presentation for the provider.
    world.advance(100);
    const again = await outreach().referrals.create({
      personId: person.id,
      serviceId: world.serviceId,
      reason: "Using again",
      source: "outreach",
    });
    const providerView = await manager().referrals.get({ referralId: again.id });
    expect(providerView).toMatchObject({ view: "provider", referral: { isRepresentation: true } });
    const referrerView = await outreach().referrals.get({ referralId: again.id });
    expect(referrerView.view).toBe("referrer");
    expect([...keysOf(referrerView)].filter((key) => clinicalFields.includes(key))).toEqual([]);

    // The outreach worker never reaches the episode itself; nor does another provider.
    expect((await refusal(outreach().episodes.get({ episodeId: episode.id }))).code).toBe("FORBIDDEN");
    const other = await makeWorld(use().db);
    const otherManager = callerAt(use().db, other.actors.treatment_manager, world.clock);
    expect(await refusal(otherManager.episodes.get({ episodeId: episode.id }))).toMatchObject({
      code: "NOT_FOUND",
      message: `No episode ${episode.id} was found, or it is not yours to see.`,
    });
    expect(await refusal(otherManager.referrals.get({ referralId: referral.id }))).toMatchObject({
      code: "NOT_FOUND",
      message: `No referral ${referral.id} was found, or it is not yours to see.`,
    });
  });

  it("answers every out-of-range TOP value with a message on that field", async () => {
    const world = await pathwayWorld(use().db);
    const person = await world.as("treatment_manager").people.create({
      firstInitial: "A",
      surnameInitial: "B",
      dateOfBirth: "1990-01-01",
      sex: "female",
    });
    const episode = await world.as("treatment_manager").episodes.start({
      personId: person.id,
      substanceGroup: "alcohol",
      startedOn: localDay(world.clock.at),
    });
    const valid = {
      episodeId: episode.id,
      stage: "start" as const,
      completedOn: episode.startedOn,
      substanceDays: { alcohol: 28 },
      injectingDays: 0,
      sharedEquipment: false,
      crimeDays: 0,
      psychologicalHealth: 0,
      physicalHealth: 20,
      qualityOfLife: 10,
      paidWorkDays: 28,
      acuteHousingProblem: false,
    };
    const outOfRange: [string, Record<string, unknown>][] = [
      ["injectingDays", { injectingDays: -1 }],
      ["injectingDays", { injectingDays: 29 }],
      ["crimeDays", { crimeDays: -1 }],
      ["crimeDays", { crimeDays: 29 }],
      ["paidWorkDays", { paidWorkDays: -1 }],
      ["paidWorkDays", { paidWorkDays: 29 }],
      ["psychologicalHealth", { psychologicalHealth: -1 }],
      ["psychologicalHealth", { psychologicalHealth: 21 }],
      ["physicalHealth", { physicalHealth: -1 }],
      ["physicalHealth", { physicalHealth: 21 }],
      ["qualityOfLife", { qualityOfLife: -1 }],
      ["qualityOfLife", { qualityOfLife: 21 }],
      ["substanceDays.alcohol", { substanceDays: { alcohol: -1 } }],
      ["substanceDays.alcohol", { substanceDays: { alcohol: 29 } }],
    ];
    for (const [field, change] of outOfRange) {
      const answer = await refusal(
        world.as("treatment_manager").episodes.recordTopReview({ ...valid, ...change } as typeof valid),
      );
      expect(answer.code, field).toBe("BAD_REQUEST");
      expect(Object.keys(answer.fieldErrors ?? {}), field).toEqual([field]);
      expect(answer.message, field).toMatch(/between 0 and 28|from 0 to 20/);
    }
    expect((await world.as("treatment_manager").episodes.recordTopReview(valid)).review.stage).toBe("start");
  });
});
