import {
  addDays,
  addIntervention,
  type Ctx,
  createPerson,
  createReferral,
  daysBetween,
  discharge,
  localDay,
  moveReferral,
  recordAppointmentOutcome,
  recordConsent,
  recordTopReview,
  scheduleAppointment,
  startEpisode,
} from "@pathways/core";
import { and, asc, consents, contacts, desc, eq, isNull, people } from "@pathways/db";
import type { ServiceCode, Substance, SubstanceGroup } from "@pathways/validators/codes";
import type { DemoWorld } from "./world.ts";

/** Where a demo person's referral has got to; each is a screen the demo should show. */
type Stage =
  | "completed_then_represented"
  | "in_treatment_at_risk"
  | "in_treatment_top_due"
  | "in_treatment_long"
  | "accepted_waiting_long"
  | "stale_requested"
  | "fresh_requested"
  | "rejected"
  | "unable_to_contact"
  | "dropped_out";

const stages: Stage[] = [
  "completed_then_represented",
  "in_treatment_at_risk",
  "in_treatment_top_due",
  "accepted_waiting_long",
  "stale_requested",
  "in_treatment_long",
  "rejected",
  "fresh_requested",
  "unable_to_contact",
  "dropped_out",
];

/** People who walk in to the provider themselves, to fill out the keyworkers' caseloads. */
const selfReferrals: {
  initials: string;
  dateOfBirth: string;
  sex: "male" | "female";
  group: SubstanceGroup;
  startedDaysAgo: number;
}[] = [
  { initials: "GH", dateOfBirth: "1975-05-06", sex: "male", group: "alcohol", startedDaysAgo: 210 },
  { initials: "WJ", dateOfBirth: "1991-09-17", sex: "female", group: "non_opiate", startedDaysAgo: 95 },
  { initials: "RP", dateOfBirth: "1968-12-01", sex: "male", group: "opiate", startedDaysAgo: 330 },
  {
    initials: "SA",
    dateOfBirth: "1999-02-14",
    sex: "female",
    group: "non_opiate_and_alcohol",
    startedDaysAgo: 60,
  },
  { initials: "DK", dateOfBirth: "1984-07-29", sex: "male", group: "opiate", startedDaysAgo: 20 },
];

function groupOf(substances: Substance[]): SubstanceGroup {
  if (substances.some((substance) => substance === "heroin" || substance === "other_opioid")) return "opiate";
  const alcohol = substances.includes("alcohol");
  const drugs = substances.some((substance) => substance !== "alcohol");
  if (alcohol && drugs) return "non_opiate_and_alcohol";
  return alcohol ? "alcohol" : "non_opiate";
}

const serviceFor: Record<SubstanceGroup, ServiceCode> = {
  opiate: "opiate_treatment",
  non_opiate: "non_opiate_treatment",
  non_opiate_and_alcohol: "non_opiate_treatment",
  alcohol: "alcohol_treatment",
};

const reasons: Record<SubstanceGroup, string> = {
  opiate: "Injecting heroin daily; asked about getting onto a script.",
  non_opiate: "Smoking crack most days; wants to talk to someone about cutting down.",
  non_opiate_and_alcohol: "Drinking heavily and using cocaine at weekends; asked for help.",
  alcohol: "Drinking from first thing; shaky, wants a detox.",
};

/**
 * Referrals and treatment for the demo city, through the verbs: people the taskforce met (with consent
 * to share) referred from their contacts and taken to every stage of the pathway, plus walk-in clients,
 * so the waiting list, caseloads, episode pages and "My referrals" all have something true to show.
 */
export async function seedDemoTreatment(world: DemoWorld) {
  const today = localDay(world.today);
  const moment = (daysAgo: number, time = "10:00") => new Date(`${addDays(today, -daysAgo)}T${time}:00Z`);
  const at = (when: Date): Ctx => ({ ...world.ctx, now: () => when });
  const referrer = world.userIds.outreach_worker!;
  const manager = world.userIds.treatment_manager!;
  const keyworkers = world.keyworkerIds;
  let nextKeyworker = 0;
  const keyworker = () => keyworkers[nextKeyworker++ % keyworkers.length] ?? null;

  const move = async (referralId: string, daysAgo: number, to: "received" | "accepted", note?: string) =>
    moveReferral({ ctx: at(moment(daysAgo, "11:30")), input: { referralId, to, note, onBehalfOf: manager } });

  /**
   * Weekly appointments from the start until `untilDaysAgo` (default: two weeks ahead); outcomes by
   * `pattern` for those that have happened, none for those to come.
   */
  const appointmentsFor = async (
    episodeId: string,
    startedDaysAgo: number,
    pattern: (week: number) => "attended" | "did_not_attend" | "cancelled_by_client",
    untilDaysAgo = -14,
  ) => {
    for (let week = 1; startedDaysAgo - week * 7 > untilDaysAgo; week += 1) {
      const daysAgo = startedDaysAgo - week * 7;
      const scheduledAt = moment(daysAgo, "14:00");
      const appointment = await scheduleAppointment({
        ctx: at(moment(Math.max(daysAgo + 7, 1))),
        input: {
          episodeId,
          scheduledAt,
          note: week === 1 ? "First keywork session" : undefined,
          onBehalfOf: manager,
        },
      });
      if (daysAgo < 1) continue;
      await recordAppointmentOutcome({
        ctx: at(moment(daysAgo, "16:00")),
        input: { appointmentId: appointment.id, outcome: pattern(week), onBehalfOf: manager },
      });
    }
  };

  const top = async (
    episodeId: string,
    stage: "start" | "review" | "exit",
    daysAgo: number,
    substance: Substance,
    progress: number,
  ) =>
    recordTopReview({
      ctx: at(moment(daysAgo, "15:00")),
      input: {
        episodeId,
        stage,
        completedOn: addDays(today, -daysAgo),
        substanceDays: { [substance]: Math.max(0, 26 - progress * 12) },
        injectingDays: substance === "heroin" ? Math.max(0, 20 - progress * 10) : 0,
        sharedEquipment: progress === 0 && substance === "heroin",
        crimeDays: Math.max(0, 6 - progress * 3),
        psychologicalHealth: Math.min(20, 6 + progress * 5),
        physicalHealth: Math.min(20, 8 + progress * 4),
        qualityOfLife: Math.min(20, 5 + progress * 6),
        paidWorkDays: progress >= 2 ? 12 : 0,
        acuteHousingProblem: progress === 0,
        onBehalfOf: manager,
      },
    });

  // The people the taskforce met who consented to share, with the contacts to refer them from.
  const consenting = await world.ctx.db
    .selectDistinctOn([people.attributor], { id: people.id, attributor: people.attributor })
    .from(people)
    .innerJoin(
      consents,
      and(eq(consents.personId, people.id), eq(consents.kind, "share"), eq(consents.status, "given")),
    )
    .where(isNull(people.mergedIntoId))
    .orderBy(asc(people.attributor));
  while (consenting.length < stages.length) {
    const n = consenting.length;
    const met = moment(360 - n);
    const person = await createPerson({
      ctx: at(met),
      input: {
        firstInitial: "X",
        surnameInitial: String.fromCharCode(65 + n),
        dateOfBirth: `198${n % 10}-01-15`,
        sex: "male",
      },
    });
    await recordConsent({
      ctx: at(met),
      input: { personId: person.id, kind: "share", status: "given", recordedOn: localDay(met) },
    });
    consenting.push({ id: person.id, attributor: person.attributor });
  }

  for (const [index, stage] of stages.entries()) {
    const person = consenting[index]!;
    const theirContacts = await world.ctx.db
      .select({ id: contacts.id, occurredAt: contacts.occurredAt, substances: contacts.substances })
      .from(contacts)
      .where(eq(contacts.personId, person.id))
      .orderBy(desc(contacts.occurredAt));
    const substances = [...new Set(theirContacts.flatMap((contact) => contact.substances))];
    const group = groupOf(substances.length ? substances : ["heroin"]);
    const mainSubstance: Substance =
      group === "opiate"
        ? "heroin"
        : group === "alcohol"
          ? "alcohol"
          : (substances.find((s) => s !== "alcohol") ?? "crack");
    const referredDaysAgo: Record<Stage, number> = {
      completed_then_represented: 330,
      in_treatment_at_risk: 150,
      in_treatment_top_due: 60,
      in_treatment_long: 240,
      accepted_waiting_long: 30,
      stale_requested: 12,
      fresh_requested: 2,
      rejected: 45,
      unable_to_contact: 80,
      dropped_out: 200,
    };
    const daysAgo = referredDaysAgo[stage];
    // Referred from their contact in the ten days before that day, or directly when there is none.
    const contact = theirContacts.find((row) => {
      const gap = daysBetween(localDay(row.occurredAt), today);
      return gap >= daysAgo && gap <= daysAgo + 10;
    });
    const requestedAt = contact ? new Date(contact.occurredAt.getTime() + 20 * 60_000) : moment(daysAgo);
    const requestedDaysAgo = daysBetween(localDay(requestedAt), today);
    const referral = await createReferral({
      ctx: at(requestedAt),
      input: {
        personId: person.id,
        contactId: contact?.id,
        serviceId: world.serviceIds[serviceFor[group]]!,
        reason: reasons[group],
        source: "outreach",
        clientKey: `demo-referral-${index + 1}`,
        onBehalfOf: referrer,
      },
    });
    if (stage === "fresh_requested" || stage === "stale_requested") continue;
    if (stage === "rejected") {
      await moveReferral({
        ctx: at(moment(requestedDaysAgo - 2, "12:00")),
        input: {
          referralId: referral.id,
          to: "rejected",
          failureReason: "not_eligible",
          note: "Registered with a GP outside Oxfordshire; passed to their local service.",
          onBehalfOf: manager,
        },
      });
      continue;
    }
    await move(referral.id, requestedDaysAgo - 1, "received");
    if (stage === "unable_to_contact") {
      await moveReferral({
        ctx: at(moment(requestedDaysAgo - 15, "12:00")),
        input: {
          referralId: referral.id,
          to: "unable_to_contact",
          note: "Three calls and a letter, no reply. Refer again when you next see him.",
          onBehalfOf: manager,
        },
      });
      continue;
    }
    await move(referral.id, requestedDaysAgo - 3, "accepted", "Assessment booked.");
    if (stage === "accepted_waiting_long") continue;

    const startedDaysAgo = requestedDaysAgo - 9;
    const episode = await startEpisode({
      ctx: at(moment(startedDaysAgo, "09:30")),
      input: {
        referralId: referral.id,
        keyworkerId: keyworker(),
        substanceGroup: group,
        startedOn: addDays(today, -startedDaysAgo),
        onBehalfOf: manager,
      },
    });
    await addIntervention({
      ctx: at(moment(startedDaysAgo, "12:00")),
      input: {
        episodeId: episode.id,
        type: group === "opiate" ? "pharmacological" : "psychosocial",
        setting: "community",
        startedOn: addDays(today, -startedDaysAgo),
        onBehalfOf: manager,
      },
    });
    if (stage !== "in_treatment_top_due")
      await top(episode.id, "start", startedDaysAgo - 3, mainSubstance, 0);

    if (stage === "completed_then_represented") {
      // Six months of treatment, a drug-free completion, then back 100 days later.
      const endDaysAgo = startedDaysAgo - 190;
      await appointmentsFor(
        episode.id,
        startedDaysAgo,
        (week) => (week % 6 === 0 ? "did_not_attend" : "attended"),
        endDaysAgo + 1,
      );
      await top(episode.id, "review", startedDaysAgo - 180, mainSubstance, 1);
      await top(episode.id, "exit", endDaysAgo, mainSubstance, 2);
      await discharge({
        ctx: at(moment(endDaysAgo, "17:00")),
        input: {
          episodeId: episode.id,
          dischargedOn: addDays(today, -endDaysAgo),
          reason: group === "alcohol" ? "completed_alcohol_free" : "completed_drug_free",
          ostAtExit: group === "opiate" ? false : undefined,
          onBehalfOf: manager,
        },
      });
      const again = await createReferral({
        ctx: at(moment(endDaysAgo - 100, "13:10")),
        input: {
          personId: person.id,
          serviceId: world.serviceIds[serviceFor[group]]!,
          reason: "Using again after losing his flat; asked to come back to the service.",
          source: "outreach",
          clientKey: `demo-referral-${index + 1}-again`,
          onBehalfOf: referrer,
        },
      });
      await move(again.id, endDaysAgo - 101, "received");
    } else if (stage === "dropped_out") {
      const endDaysAgo = startedDaysAgo - 60;
      await appointmentsFor(
        episode.id,
        startedDaysAgo,
        (week) => (week < 5 ? "attended" : "did_not_attend"),
        endDaysAgo,
      );
      await discharge({
        ctx: at(moment(endDaysAgo, "17:00")),
        input: {
          episodeId: episode.id,
          dischargedOn: addDays(today, -endDaysAgo),
          reason: "incomplete_dropped_out",
          ostAtExit: group === "opiate" ? false : undefined,
          onBehalfOf: manager,
        },
      });
    } else {
      const weeks = Math.floor((startedDaysAgo - 1) / 7);
      await appointmentsFor(episode.id, startedDaysAgo, (week) =>
        stage === "in_treatment_at_risk" && week > weeks - 3
          ? "did_not_attend"
          : week % 5 === 0
            ? "cancelled_by_client"
            : "attended",
      );
      if (stage === "in_treatment_long")
        await top(episode.id, "review", startedDaysAgo - 30, mainSubstance, 1);
    }
  }

  // Walk-ins: self-referred, spread across the keyworkers.
  for (const [index, walkIn] of selfReferrals.entries()) {
    const met = moment(walkIn.startedDaysAgo, "09:00");
    const person = await createPerson({
      ctx: at(met),
      input: {
        firstInitial: walkIn.initials[0]!,
        surnameInitial: walkIn.initials[1]!,
        dateOfBirth: walkIn.dateOfBirth,
        sex: walkIn.sex,
        partialPostcode: "OX4 2",
        // A walk-in is recorded by the provider, so it may start their self-referral.
        onBehalfOf: manager,
      },
    });
    const episode = await startEpisode({
      ctx: at(met),
      input: {
        personId: person.id,
        keyworkerId: keyworker(),
        substanceGroup: walkIn.group,
        startedOn: addDays(today, -walkIn.startedDaysAgo),
        onBehalfOf: manager,
      },
    });
    const substance: Substance =
      walkIn.group === "opiate" ? "heroin" : walkIn.group === "alcohol" ? "alcohol" : "cocaine";
    await top(episode.id, "start", walkIn.startedDaysAgo - 2, substance, 0);
    await appointmentsFor(episode.id, walkIn.startedDaysAgo, (week) =>
      (week + index) % 7 === 0 ? "did_not_attend" : "attended",
    );
  }
}
