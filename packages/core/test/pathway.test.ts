import { describeDb } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { listCaseload, listWaitingList } from "../src/caseload.ts";
import {
  discharge,
  getEpisode,
  listOverdueTopReviews,
  recordAppointmentOutcome,
  recordTopReview,
  scheduleAppointment,
  startEpisode,
} from "../src/episodes/index.ts";
import { createReferral, getReferral, listMyReferrals, moveReferral } from "../src/referrals/index.ts";
import {
  addContact,
  addPerson,
  auditOf,
  clinicalFields,
  keysOf,
  makePathwayWorld,
  type PathwayWorld,
  topInput,
} from "./pathway-fixtures.ts";

/** What the referrer sees of their one referral: its status and the statuses it has been through. */
async function referrerSees(world: PathwayWorld) {
  const mine = await listMyReferrals({
    ctx: world.ctx("outreach_worker"),
    input: { limit: 25, show: "all" },
  });
  expect(mine.items).toHaveLength(1);
  const [referral] = mine.items;
  expect([...keysOf(mine)].filter((key) => clinicalFields.includes(key))).toEqual([]);
  return { status: referral!.status, history: referral!.history.map((event) => event.status) };
}

describeDb("the pathway from street contact to completion", (use) => {
  it("walks a person from a contact to a drug-free completion, and marks a later referral as a re-presentation", async () => {
    const world = await makePathwayWorld(use().db, "2026-01-05T10:00:00Z");
    const outreach = () => world.ctx("outreach_worker");
    const manager = () => world.ctx("treatment_manager");
    const person = await addPerson(use().db, { share: "given" });
    const contact = await addContact(world, person.id, new Date("2026-01-05T09:30:00Z"));

    // Contact -> referral, made from the contact screen.
    const referral = await createReferral({
      ctx: outreach(),
      input: {
        contactId: contact.id,
        serviceId: world.serviceIds.opiate_treatment,
        reason: "Injecting heroin daily, asked for help getting onto a script",
        source: "outreach",
        clientKey: `contact-${contact.id}`,
      },
    });
    expect(referral.status).toBe("requested");
    expect(referral.reference).toBe(`R-${referral.number}`);
    expect(referral.person.id).toBe(person.id);
    expect(await referrerSees(world)).toEqual({ status: "requested", history: ["requested"] });

    // The provider sees it on the waiting list, then receives and accepts it.
    const waiting = await listWaitingList({ ctx: manager(), input: { limit: 25, show: "all" } });
    expect(waiting.items.map((row) => row.reference)).toEqual([referral.reference]);
    world.clock.set("2026-01-06T11:00:00Z");
    await moveReferral({ ctx: manager(), input: { referralId: referral.id, to: "received" } });
    expect(await referrerSees(world)).toEqual({ status: "received", history: ["requested", "received"] });
    world.clock.set("2026-01-08T15:00:00Z");
    await moveReferral({
      ctx: manager(),
      input: { referralId: referral.id, to: "accepted", note: "Assessment booked for 19 January" },
    });
    expect(await referrerSees(world)).toEqual({
      status: "accepted",
      history: ["requested", "received", "accepted"],
    });

    // The episode starts from the referral: the referral becomes treatment_started, waiting days counted.
    world.clock.set("2026-01-19T09:00:00Z");
    const episode = await startEpisode({
      ctx: manager(),
      input: {
        referralId: referral.id,
        keyworkerId: world.keyworkerIds[0],
        substanceGroup: "opiate",
        startedOn: "2026-01-19",
      },
    });
    expect(episode.referral).toMatchObject({ status: "treatment_started", waitingDays: 14 });
    expect(episode.isRepresentation).toBe(false);
    const started = await getReferral({ ctx: manager(), input: { referralId: referral.id } });
    expect(started.referral.status).toBe("treatment_started");
    expect(await referrerSees(world)).toEqual({
      status: "treatment_started",
      history: ["requested", "received", "accepted", "treatment_started"],
    });
    expect((await listWaitingList({ ctx: manager(), input: { limit: 25, show: "all" } })).items).toEqual([]);

    // Appointments: one attended, then three did-not-attends in a row put the episode at risk.
    const outcomes = ["attended", "did_not_attend", "did_not_attend", "did_not_attend"] as const;
    let atRiskSince: Date | null = null;
    for (const [week, outcome] of outcomes.entries()) {
      const scheduledAt = new Date(Date.UTC(2026, 0, 20 + week * 7, 10));
      const appointment = await scheduleAppointment({
        ctx: manager(),
        input: { episodeId: episode.id, scheduledAt },
      });
      world.clock.set(new Date(scheduledAt.getTime() + 3_600_000).toISOString());
      ({ atRiskSince } = await recordAppointmentOutcome({
        ctx: manager(),
        input: { appointmentId: appointment.id, outcome },
      }));
      expect(Boolean(atRiskSince), `after ${week + 1} appointments`).toBe(week === 3);
    }
    const atRisk = await listCaseload({ ctx: manager(), input: { limit: 25, show: "at_risk" } });
    expect(atRisk.items.map((row) => row.id)).toEqual([episode.id]);

    // He comes back: an attended appointment clears the flag.
    const back = await scheduleAppointment({
      ctx: manager(),
      input: { episodeId: episode.id, scheduledAt: new Date("2026-02-17T10:00:00Z") },
    });
    world.clock.set("2026-02-17T12:00:00Z");
    expect(
      (
        await recordAppointmentOutcome({
          ctx: manager(),
          input: { appointmentId: back.id, outcome: "attended" },
        })
      ).atRiskSince,
    ).toBeNull();

    // TOP at start; the review falls due 182 days later and is listed as overdue until recorded.
    const start = await recordTopReview({
      ctx: manager(),
      input: topInput(episode.id, "start", "2026-01-20"),
    });
    expect(start.nextTopDue).toBe("2026-07-21");
    world.clock.set("2026-07-24T10:00:00Z");
    const overdue = await listOverdueTopReviews({ ctx: manager(), input: { limit: 25 } });
    expect(overdue.items.map((row) => [row.id, row.nextTopDue])).toEqual([[episode.id, "2026-07-21"]]);
    const review = await recordTopReview({
      ctx: manager(),
      input: {
        ...topInput(episode.id, "review", "2026-07-24"),
        substanceDays: { heroin: 0 },
        injectingDays: 0,
      },
    });
    expect(review.nextTopDue).toBe("2027-01-22");
    expect((await listOverdueTopReviews({ ctx: manager(), input: { limit: 25 } })).items).toEqual([]);

    // Exit TOP and a drug-free completion, off OST.
    world.clock.set("2026-10-01T14:00:00Z");
    await recordTopReview({
      ctx: manager(),
      input: {
        ...topInput(episode.id, "exit", "2026-10-01"),
        substanceDays: { heroin: 0 },
        injectingDays: 0,
      },
    });
    const discharged = await discharge({
      ctx: manager(),
      input: {
        episodeId: episode.id,
        dischargedOn: "2026-10-01",
        reason: "completed_drug_free",
        ostAtExit: false,
      },
    });
    expect(discharged.successfulDischarge).toBe(true);
    const closed = await getEpisode({ ctx: manager(), input: { episodeId: episode.id } });
    expect(closed).toMatchObject({
      dischargedOn: "2026-10-01",
      dischargeReason: "completed_drug_free",
      daysInTreatment: 255,
      nextTopDue: null,
      referral: { reference: referral.reference, waitingDays: 14 },
    });
    expect(closed.topReviews.map((top) => top.stage)).toEqual(["start", "review", "exit"]);

    // 100 days later he is referred again: a re-presentation, for the provider to see (not the referrer).
    world.clock.set("2027-01-09T10:00:00Z");
    const again = await createReferral({
      ctx: outreach(),
      input: {
        personId: person.id,
        serviceId: world.serviceIds.opiate_treatment,
        reason: "Using again after a bereavement",
        source: "outreach",
      },
    });
    const providerView = await getReferral({ ctx: manager(), input: { referralId: again.id } });
    expect(providerView.view).toBe("provider");
    expect(providerView.referral).toMatchObject({ isRepresentation: true, status: "requested" });
    const waitingAgain = await listWaitingList({ ctx: manager(), input: { limit: 25, show: "all" } });
    expect(waitingAgain.items.map((row) => [row.reference, row.isRepresentation])).toEqual([
      [again.reference, true],
    ]);
    const referrerView = await getReferral({ ctx: outreach(), input: { referralId: again.id } });
    expect(referrerView.view).toBe("referrer");
    expect([...keysOf(referrerView)].filter((key) => clinicalFields.includes(key))).toEqual([]);

    // Every step left its audit trail on the referral and the episode.
    expect((await auditOf(use().db, referral.id)).map((event) => event.action)).toContain("create");
    expect((await auditOf(use().db, episode.id)).every((event) => event.personId === person.id)).toBe(true);
  });

  it("counts waiting days in London calendar days, across midnight in summer time", async () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London: the referral was made on 1 July.
    const world = await makePathwayWorld(use().db, "2026-06-30T23:30:00Z");
    const person = await addPerson(use().db);
    const referral = await createReferral({
      ctx: world.ctx("outreach_worker"),
      input: {
        personId: person.id,
        serviceId: world.serviceIds.alcohol_treatment,
        reason: "Drinking",
        source: "outreach",
      },
    });
    for (const to of ["received", "accepted"] as const) {
      await moveReferral({ ctx: world.ctx("treatment_manager"), input: { referralId: referral.id, to } });
    }
    world.clock.set("2026-07-22T09:00:00Z");
    const episode = await startEpisode({
      ctx: world.ctx("treatment_manager"),
      input: { referralId: referral.id, substanceGroup: "alcohol", startedOn: "2026-07-22" },
    });
    expect(episode.referral?.waitingDays).toBe(21);
  });
});
