import { appointments, episodes, eq, referrals, topReviews, treatmentInterventions } from "@pathways/db";
import type { SubstanceGroup } from "@pathways/validators";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import {
  addIntervention,
  discharge,
  endIntervention,
  getEpisode,
  recordAppointmentOutcome,
  recordTopReview,
  scheduleAppointment,
  startEpisode,
} from "../src/episodes/index.ts";
import { Conflict, Forbidden, InvalidTransition, NotYours, ValidationError } from "../src/errors.ts";
import { createReferral, moveReferral } from "../src/referrals/index.ts";
import {
  addContact,
  addPerson,
  auditOf,
  makePathwayWorld,
  type PathwayWorld,
  topInput,
} from "./pathway-fixtures.ts";

/** A self-referred person's open episode, started on `startedOn`. */
async function openEpisode(
  world: PathwayWorld,
  substanceGroup: SubstanceGroup = "opiate",
  startedOn = "2026-01-05",
) {
  const person = await addPerson(world.ctxOf("admin").db, {
    clientOf: world.actors.treatment_manager.organisationId,
  });
  const episode = await startEpisode({
    ctx: world.ctx("treatment_manager"),
    input: { personId: person.id, substanceGroup, startedOn, keyworkerId: world.keyworkerIds[0] },
  });
  return { ...episode, person };
}

describeDb("treatment episodes", (use) => {
  it("refuses every out-of-range TOP value, naming the field, and stores nothing", async () => {
    const world = await makePathwayWorld(use().db);
    const episode = await openEpisode(world);
    const cases: [string, Record<string, unknown>, string][] = [];
    for (const [field, label] of [
      ["injectingDays", "days injected"],
      ["crimeDays", "days of crime"],
      ["paidWorkDays", "days of paid work"],
    ] as const) {
      for (const value of [-1, 29]) {
        cases.push([field, { [field]: value }, `${label} must be between 0 and 28 (days in the past 28)`]);
      }
    }
    for (const [field, label] of [
      ["psychologicalHealth", "psychological health"],
      ["physicalHealth", "physical health"],
      ["qualityOfLife", "quality of life"],
    ] as const) {
      for (const value of [-1, 21])
        cases.push([field, { [field]: value }, `${label} must be a score from 0 to 20`]);
    }
    for (const value of [-1, 29]) {
      cases.push([
        "substanceDays.crack",
        { substanceDays: { crack: value } },
        "days using crack must be between 0 and 28 (days in the past 28)",
      ]);
    }
    for (const [field, change, message] of cases) {
      const attempt = recordTopReview({
        ctx: world.ctx("treatment_manager"),
        input: { ...topInput(episode.id, "start", "2026-01-05"), ...change },
      });
      await expect(attempt, field).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt, field).rejects.toMatchObject({ fields: { [field]: [message] } });
    }
    expect(cases).toHaveLength(14);
    expect(await use().db.select().from(topReviews).where(eq(topReviews.episodeId, episode.id))).toEqual([]);
  });

  it("keeps TOP stages in order: one start, reviews after it, one exit, within the episode's dates", async () => {
    const world = await makePathwayWorld(use().db, "2026-03-01T10:00:00Z");
    const episode = await openEpisode(world, "opiate", "2026-01-05");
    const ctx = world.ctx("treatment_manager");
    await expect(
      recordTopReview({ ctx, input: topInput(episode.id, "review", "2026-02-01") }),
    ).rejects.toMatchObject({ fields: { stage: ["record the start TOP before a review"] } });
    await expect(
      recordTopReview({ ctx, input: topInput(episode.id, "start", "2026-01-04") }),
    ).rejects.toMatchObject({
      fields: { completedOn: ["completed on cannot be before the episode started (2026-01-05)"] },
    });
    await expect(
      recordTopReview({ ctx, input: topInput(episode.id, "start", "2026-03-02") }),
    ).rejects.toMatchObject({ fields: { completedOn: ["completed on cannot be in the future"] } });
    const start = await recordTopReview({ ctx, input: topInput(episode.id, "start", "2026-01-10") });
    expect(start.nextTopDue).toBe("2026-07-11");
    await expect(
      recordTopReview({ ctx, input: topInput(episode.id, "start", "2026-01-12") }),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(
      recordTopReview({ ctx, input: topInput(episode.id, "review", "2026-01-09") }),
    ).rejects.toMatchObject({
      fields: { completedOn: ["completed on cannot be before the start TOP (2026-01-10)"] },
    });
    await recordTopReview({ ctx, input: topInput(episode.id, "exit", "2026-02-20") });
    await expect(
      recordTopReview({ ctx, input: topInput(episode.id, "review", "2026-02-21") }),
    ).rejects.toThrow("This episode already has its exit TOP (2026-02-20).");
  });

  it("refuses an outcome for an appointment still to come, but takes a cancellation ahead", async () => {
    const world = await makePathwayWorld(use().db, "2026-01-10T10:00:00Z");
    const episode = await openEpisode(world);
    const ctx = world.ctx("treatment_manager");
    const next = await scheduleAppointment({
      ctx,
      input: { episodeId: episode.id, scheduledAt: new Date("2026-01-12T14:30:00Z"), note: "Script review" },
    });
    for (const outcome of ["attended", "did_not_attend"] as const) {
      await expect(
        recordAppointmentOutcome({ ctx, input: { appointmentId: next.id, outcome } }),
      ).rejects.toMatchObject({
        fields: {
          outcome: [
            "This appointment is on 12 Jan 2026, 14:30, still to come; record whether they attended once it has happened.",
          ],
        },
      });
    }
    const cancelled = await recordAppointmentOutcome({
      ctx,
      input: { appointmentId: next.id, outcome: "cancelled_by_client", note: "Rang to say he is unwell" },
    });
    expect(cancelled.appointment).toMatchObject({
      outcome: "cancelled_by_client",
      note: "Rang to say he is unwell",
    });
    await expect(
      scheduleAppointment({
        ctx,
        input: { episodeId: episode.id, scheduledAt: new Date("2026-01-04T10:00:00Z") },
      }),
    ).rejects.toMatchObject({
      fields: { scheduledAt: ["appointment time cannot be before the episode started (2026-01-05)"] },
    });
  });

  it("flags three did-not-attends in a row; cancellations neither count nor break the run", async () => {
    const world = await makePathwayWorld(use().db, "2026-03-01T10:00:00Z");
    const episode = await openEpisode(world);
    const ctx = world.ctx("treatment_manager");
    // Two DNAs, an attendance, then DNA, DNA and a cancellation: never three DNAs in a row yet.
    const run = [
      "did_not_attend",
      "did_not_attend",
      "attended",
      "did_not_attend",
      "did_not_attend",
      "cancelled_by_service",
    ] as const;
    const states: boolean[] = [];
    for (const [index, outcome] of run.entries()) {
      const appointment = await scheduleAppointment({
        ctx,
        input: { episodeId: episode.id, scheduledAt: new Date(Date.UTC(2026, 0, 6 + index * 3, 10)) },
      });
      states.push(
        Boolean(
          (await recordAppointmentOutcome({ ctx, input: { appointmentId: appointment.id, outcome } }))
            .atRiskSince,
        ),
      );
    }
    expect(states).toEqual([false, false, false, false, false, false]);
    const third = await scheduleAppointment({
      ctx,
      input: { episodeId: episode.id, scheduledAt: new Date("2026-01-27T10:00:00Z") },
    });
    // DNA, DNA, (cancelled), DNA: the cancellation does not break the run.
    const flagged = await recordAppointmentOutcome({
      ctx,
      input: { appointmentId: third.id, outcome: "did_not_attend" },
    });
    expect(flagged.atRiskSince).toEqual(new Date("2026-03-01T10:00:00Z"));
    // Correcting the last one to attended clears the flag again.
    const corrected = await recordAppointmentOutcome({
      ctx,
      input: { appointmentId: third.id, outcome: "attended" },
    });
    expect(corrected.atRiskSince).toBeNull();
  });

  it("starts an episode only from an accepted referral of its own provider, on a sensible date", async () => {
    const world = await makePathwayWorld(use().db, "2026-01-05T10:00:00Z");
    const person = await addPerson(use().db);
    const referral = await createReferral({
      ctx: world.ctx("outreach_worker"),
      input: {
        personId: person.id,
        serviceId: world.serviceIds.opiate_treatment,
        reason: "Help",
        source: "outreach",
      },
    });
    const manager = world.ctx("treatment_manager");
    const start = (startedOn: string) =>
      startEpisode({ ctx: manager, input: { referralId: referral.id, substanceGroup: "opiate", startedOn } });
    await expect(start("2026-01-05")).rejects.toThrow(
      new InvalidTransition(
        `Referral ${referral.reference} is \`requested\`; it cannot move to \`treatment_started\`. Next it can move to \`received\`, or end as rejected, unable to contact, declined by client or cancelled.`,
      ),
    );
    await moveReferral({ ctx: manager, input: { referralId: referral.id, to: "received" } });
    await moveReferral({ ctx: manager, input: { referralId: referral.id, to: "accepted" } });
    const other = await makeWorld(use().db);
    await expect(
      startEpisode({
        ctx: other.ctxOf("treatment_manager"),
        input: { referralId: referral.id, substanceGroup: "opiate", startedOn: "2026-01-05" },
      }),
    ).rejects.toThrow(new NotYours("referral", referral.id));
    await expect(start("2026-01-04")).rejects.toMatchObject({
      fields: {
        startedOn: [`start date cannot be before referral ${referral.reference} was requested (2026-01-05)`],
      },
    });
    await expect(start("2026-01-06")).rejects.toMatchObject({
      fields: { startedOn: ["start date cannot be in the future"] },
    });
    // A "self-referral" past the accepted referral would leave the referrer waiting: refused.
    await expect(
      startEpisode({
        ctx: manager,
        input: { personId: person.id, substanceGroup: "opiate", startedOn: "2026-01-05" },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    const episode = await start("2026-01-05");
    expect(episode.referral?.waitingDays).toBe(0);
    await expect(start("2026-01-05")).rejects.toThrow(
      `Referral ${referral.reference} is already \`treatment_started\`; it cannot move to \`treatment_started\`.`,
    );
    // One open episode per person per provider.
    await expect(
      startEpisode({
        ctx: manager,
        input: { personId: person.id, substanceGroup: "opiate", startedOn: "2026-01-05" },
      }),
    ).rejects.toBeInstanceOf(Conflict);
    // Two records written (the episode and the referral), one audit event each.
    expect((await auditOf(use().db, episode.id)).map((event) => event.action)).toEqual(["create"]);
  });

  it("refuses a discharge before the start or in the future, and a second discharge", async () => {
    const world = await makePathwayWorld(use().db, "2026-02-01T10:00:00Z");
    const episode = await openEpisode(world, "alcohol", "2026-01-05");
    const ctx = world.ctx("treatment_manager");
    await expect(
      discharge({
        ctx,
        input: { episodeId: episode.id, dischargedOn: "2026-01-04", reason: "completed_alcohol_free" },
      }),
    ).rejects.toMatchObject({
      fields: { dischargedOn: ["discharge date cannot be before the episode started (2026-01-05)"] },
    });
    await expect(
      discharge({
        ctx,
        input: { episodeId: episode.id, dischargedOn: "2026-02-02", reason: "completed_alcohol_free" },
      }),
    ).rejects.toMatchObject({ fields: { dischargedOn: ["discharge date cannot be in the future"] } });
    await expect(
      discharge({
        ctx,
        input: {
          episodeId: episode.id,
          dischargedOn: "2026-02-01",
          reason: "completed_alcohol_free",
          ostAtExit: false,
        },
      }),
    ).rejects.toMatchObject({ fields: { ostAtExit: ["OST at exit is recorded for opiate clients only"] } });
    const done = await discharge({
      ctx,
      input: { episodeId: episode.id, dischargedOn: "2026-02-01", reason: "completed_alcohol_free" },
    });
    expect(done.successfulDischarge).toBe(true);
    await expect(
      discharge({
        ctx,
        input: { episodeId: episode.id, dischargedOn: "2026-02-01", reason: "incomplete_dropped_out" },
      }),
    ).rejects.toThrow("This episode was already discharged on 2026-02-01 (`completed_alcohol_free`).");
    await expect(
      scheduleAppointment({
        ctx,
        input: { episodeId: episode.id, scheduledAt: new Date("2026-02-03T10:00:00Z") },
      }),
    ).rejects.toThrow("This episode was discharged on 2026-02-01; it takes no new appointments.");
  });

  it("refuses `completed_occasional_user` for opiate and crack users, and needs OST at exit for opiate clients", async () => {
    const world = await makePathwayWorld(use().db, "2026-03-01T10:00:00Z");
    const ctx = world.ctx("treatment_manager");
    const opiate = await openEpisode(world, "opiate");
    await expect(
      discharge({
        ctx,
        input: {
          episodeId: opiate.id,
          dischargedOn: "2026-03-01",
          reason: "completed_occasional_user",
          ostAtExit: false,
        },
      }),
    ).rejects.toMatchObject({
      fields: {
        reason: [
          "`completed_occasional_user` is not valid for opiate or crack users, and this is opiate treatment.",
        ],
      },
    });
    await expect(
      discharge({
        ctx,
        input: { episodeId: opiate.id, dischargedOn: "2026-03-01", reason: "completed_drug_free" },
      }),
    ).rejects.toMatchObject({
      fields: {
        ostAtExit: [
          "OST at exit is required for opiate clients: say whether they are still on opioid substitution therapy",
        ],
      },
    });
    // On OST at exit: recorded, but not a successful completion (DOMAIN.md measures).
    const onOst = await discharge({
      ctx,
      input: {
        episodeId: opiate.id,
        dischargedOn: "2026-03-01",
        reason: "completed_drug_free",
        ostAtExit: true,
      },
    });
    expect(onOst).toMatchObject({ ostAtExit: true, successfulDischarge: false });

    const crack = await openEpisode(world, "non_opiate");
    await recordTopReview({
      ctx,
      input: { ...topInput(crack.id, "start", "2026-01-06"), substanceDays: { crack: 12, cannabis: 20 } },
    });
    await expect(
      discharge({
        ctx,
        input: { episodeId: crack.id, dischargedOn: "2026-03-01", reason: "completed_occasional_user" },
      }),
    ).rejects.toMatchObject({
      fields: {
        reason: [
          "`completed_occasional_user` is not valid for opiate or crack users, and crack use is recorded on their TOP.",
        ],
      },
    });
    const cannabis = await openEpisode(world, "non_opiate");
    const occasional = await discharge({
      ctx,
      input: { episodeId: cannabis.id, dischargedOn: "2026-03-01", reason: "completed_occasional_user" },
    });
    expect(occasional.successfulDischarge).toBe(true);

    // Crack seen on a street contact before the discharge makes them a crack user too.
    const seenWithCrack = await openEpisode(world, "non_opiate");
    await addContact(world, seenWithCrack.person.id, new Date("2026-02-10T21:00:00Z"));
    await expect(
      discharge({
        ctx,
        input: {
          episodeId: seenWithCrack.id,
          dischargedOn: "2026-03-01",
          reason: "completed_occasional_user",
        },
      }),
    ).rejects.toMatchObject({
      fields: {
        reason: [
          "`completed_occasional_user` is not valid for opiate or crack users, and crack use is recorded on their contacts.",
        ],
      },
    });
  });

  it("ends open interventions and cancels appointments still to come at discharge", async () => {
    const world = await makePathwayWorld(use().db, "2026-02-01T10:00:00Z");
    const episode = await openEpisode(world, "non_opiate", "2026-01-05");
    const ctx = world.ctx("treatment_manager");
    const psychosocial = await addIntervention({
      ctx,
      input: { episodeId: episode.id, type: "psychosocial", setting: "community", startedOn: "2026-01-05" },
    });
    const support = await addIntervention({
      ctx,
      input: {
        episodeId: episode.id,
        type: "recovery_support",
        setting: "community",
        startedOn: "2026-01-06",
      },
    });
    await endIntervention({ ctx, input: { interventionId: support.id, endedOn: "2026-01-20" } });
    await expect(
      endIntervention({ ctx, input: { interventionId: support.id, endedOn: "2026-01-21" } }),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(
      addIntervention({
        ctx,
        input: {
          episodeId: episode.id,
          type: "pharmacological",
          setting: "primary_care",
          startedOn: "2026-01-04",
        },
      }),
    ).rejects.toMatchObject({
      fields: { startedOn: ["start date cannot be before the episode started (2026-01-05)"] },
    });
    const future = await scheduleAppointment({
      ctx,
      input: { episodeId: episode.id, scheduledAt: new Date("2026-02-08T10:00:00Z") },
    });
    const result = await discharge({
      ctx,
      input: { episodeId: episode.id, dischargedOn: "2026-02-01", reason: "incomplete_dropped_out" },
    });
    expect(result).toMatchObject({
      successfulDischarge: false,
      interventionsEnded: 1,
      appointmentsCancelled: 1,
    });
    const [ended] = await use()
      .db.select()
      .from(treatmentInterventions)
      .where(eq(treatmentInterventions.id, psychosocial.id));
    expect(ended!.endedOn).toBe("2026-02-01");
    const [cancelled] = await use().db.select().from(appointments).where(eq(appointments.id, future.id));
    expect(cancelled).toMatchObject({
      outcome: "cancelled_by_service",
      note: "Cancelled: episode discharged",
    });
  });

  it("marks a new episode or treatment referral within 182 days after a successful discharge as a re-presentation", async () => {
    const world = await makePathwayWorld(use().db, "2026-01-01T10:00:00Z");
    const ctx = world.ctx("treatment_manager");
    const first = await openEpisode(world, "alcohol", "2025-06-01");
    await discharge({
      ctx,
      input: { episodeId: first.id, dischargedOn: "2026-01-01", reason: "completed_alcohol_free" },
    });
    const personId = first.person.id;

    // Day 182 after discharge: still a re-presentation. (Self-referral, new episode.)
    world.clock.set("2026-07-02T10:00:00Z");
    const back = await startEpisode({
      ctx,
      input: { personId, substanceGroup: "alcohol", startedOn: "2026-07-02" },
    });
    expect(back.isRepresentation).toBe(true);
    await discharge({
      ctx,
      input: { episodeId: back.id, dischargedOn: "2026-07-02", reason: "incomplete_dropped_out" },
    });

    // Day 183: outside the window.
    world.clock.set("2026-07-03T10:00:00Z");
    const later = await startEpisode({
      ctx,
      input: { personId, substanceGroup: "alcohol", startedOn: "2026-07-03" },
    });
    expect(later.isRepresentation).toBe(false);

    // A referral to housing is not a treatment referral, so never a re-presentation.
    const housing = await createReferral({
      ctx: world.ctx("outreach_worker"),
      input: {
        personId,
        serviceId: world.serviceIds.housing_support,
        reason: "Sofa surfing",
        source: "outreach",
      },
    });
    const [row] = await use().db.select().from(referrals).where(eq(referrals.id, housing.id));
    expect(row!.isRepresentation).toBe(false);
    const [episodeRow] = await use().db.select().from(episodes).where(eq(episodes.id, back.id));
    expect(episodeRow!.isRepresentation).toBe(true);
  });

  it("shows an episode only to its own provider's treatment managers", async () => {
    const world = await makePathwayWorld(use().db, "2026-02-01T10:00:00Z");
    const episode = await openEpisode(world);
    const view = await getEpisode({ ctx: world.ctx("treatment_manager"), input: { episodeId: episode.id } });
    expect(view).toMatchObject({
      id: episode.id,
      daysInTreatment: 27,
      nextTopDue: "2026-01-19",
      topOverdue: true,
    });
    expect((await auditOf(use().db, episode.id)).filter((event) => event.action === "read")).toHaveLength(1);
    const other = await makeWorld(use().db);
    await expect(
      getEpisode({ ctx: other.ctxOf("treatment_manager"), input: { episodeId: episode.id } }),
    ).rejects.toThrow(new NotYours("episode", episode.id));
    for (const role of ["outreach_worker", "admin", "commissioner"] as const) {
      await expect(
        getEpisode({ ctx: world.ctx(role), input: { episodeId: episode.id } }),
      ).rejects.toBeInstanceOf(Forbidden);
      await expect(
        recordTopReview({ ctx: world.ctx(role), input: topInput(episode.id, "start", "2026-01-05") }),
      ).rejects.toBeInstanceOf(Forbidden);
    }
  });
});
