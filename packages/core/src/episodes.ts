import {
  and,
  appointments,
  asc,
  desc,
  type Executor,
  episodes,
  eq,
  gt,
  inArray,
  isNull,
  keyworkers,
  organisations,
  people,
  referralEvents,
  referrals,
  safeguardingFlags,
  services,
  sql,
  topReviews,
  treatmentInterventions,
} from "@pathways/db";
import {
  AppointmentInput,
  AppointmentOutcomeInput,
  type CaseloadInput,
  DischargeInput,
  EndInterventionInput,
  type EpisodeIdInput,
  InterventionInput,
  StartEpisodeInput,
  TopReviewInput,
} from "@pathways/validators";
import { audit } from "./audit.ts";
import { daysBetween, localDay, serviceTimeZone } from "./calendar.ts";
import { listCaseload } from "./caseload.ts";
import { type Ctx, now, type VerbArgs } from "./context.ts";
import { Conflict, Forbidden, InvalidTransition, NotFound, ValidationError } from "./errors.ts";
import {
  actingUser,
  type EpisodeRow,
  followsSuccessfulDischarge,
  isSuccessfulDischarge,
  loadEpisode,
  loadPerson,
  nextTopDue,
  type OnBehalf,
  referralReference,
  requireKeyworker,
  validated,
} from "./pathway-rules.ts";
import { lockReferral, referralMoveRefusal } from "./referrals.ts";

/** Treatment is the provider's: only its treatment managers see or change episodes (clinical detail). */
export const treatmentRoles = ["treatment_manager"] as const;

/** Three did-not-attends in a row flag an episode at risk of dropping out. */
export const didNotAttendRunForRisk = 3;

const appointmentTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: serviceTimeZone,
  dateStyle: "medium",
  timeStyle: "short",
});

function refuseWhenDischarged(episode: EpisodeRow, what: string) {
  if (episode.dischargedOn) {
    throw new Conflict(`This episode was discharged on ${episode.dischargedOn}; it takes no new ${what}.`);
  }
}

/**
 * Starts a treatment episode from an accepted referral (which moves to `treatment_started` in the same
 * transaction) or for a person who referred themselves. Waiting days run from the referral's request
 * to the start, in London calendar days.
 */
export async function startEpisode({ ctx, input }: VerbArgs<StartEpisodeInput & OnBehalf>) {
  const acting = await actingUser(ctx, treatmentRoles, input.onBehalfOf);
  const start = validated(StartEpisodeInput, input);
  return ctx.db.transaction(async (tx) => {
    const at = now(ctx);
    if (start.startedOn > localDay(at)) {
      throw ValidationError.field("startedOn", "start date cannot be in the future");
    }
    const referral = start.referralId ? await lockReferral(tx, start.referralId) : null;
    if (referral) {
      const reference = referralReference(referral.number);
      if (referral.providerOrganisationId !== acting.organisationId) {
        throw new Forbidden(
          `Referral ${reference} is to ${referral.providerName}; only that provider can start treatment from it.`,
        );
      }
      if (referral.status !== "accepted") {
        throw new InvalidTransition(
          referralMoveRefusal(reference, referral.status, "treatment_started") ??
            `Referral ${reference} must be \`accepted\` before treatment starts.`,
        );
      }
      const requestedOn = localDay(referral.requestedAt);
      if (start.startedOn < requestedOn) {
        throw ValidationError.field(
          "startedOn",
          `start date cannot be before referral ${reference} was requested (${requestedOn})`,
        );
      }
    }
    const person = await loadPerson(tx, referral?.personId ?? start.personId!);

    const [open] = await tx
      .select({ startedOn: episodes.startedOn })
      .from(episodes)
      .where(
        and(
          eq(episodes.personId, person.id),
          eq(episodes.providerOrganisationId, acting.organisationId),
          isNull(episodes.dischargedOn),
        ),
      )
      .limit(1);
    if (open) {
      throw new Conflict(
        `${person.attributor} already has an open episode with ${acting.organisationName} (started ${open.startedOn}); discharge it before starting another.`,
      );
    }
    if (!referral) {
      // Starting "self-referred" past an accepted referral would leave its referrer waiting forever.
      const [accepted] = await tx
        .select({ number: referrals.number })
        .from(referrals)
        .innerJoin(services, eq(services.id, referrals.serviceId))
        .where(
          and(
            eq(referrals.personId, person.id),
            eq(services.organisationId, acting.organisationId),
            eq(referrals.status, "accepted"),
          ),
        )
        .limit(1);
      if (accepted) {
        throw ValidationError.field(
          "personId",
          `${person.attributor} has an accepted referral, ${referralReference(accepted.number)}; start the episode from it so the referrer sees treatment start.`,
        );
      }
    }
    const keyworker = start.keyworkerId ? await requireKeyworker(tx, acting, start.keyworkerId) : null;

    const [episode] = await tx
      .insert(episodes)
      .values({
        personId: person.id,
        providerOrganisationId: acting.organisationId,
        keyworkerId: keyworker?.id ?? null,
        substanceGroup: start.substanceGroup,
        referralId: referral?.id ?? null,
        startedOn: start.startedOn,
        isRepresentation: await followsSuccessfulDischarge(tx, person.id, start.startedOn),
      })
      .returning({ id: episodes.id, isRepresentation: episodes.isRepresentation });
    await audit(tx, ctx, { action: "create", entity: "episode", entityId: episode!.id, personId: person.id });
    if (referral) {
      await tx
        .update(referrals)
        .set({ status: "treatment_started", failureReason: null, statusChangedAt: at })
        .where(eq(referrals.id, referral.id));
      await tx
        .insert(referralEvents)
        .values({ referralId: referral.id, status: "treatment_started", at, byUserId: acting.userId });
      await audit(tx, ctx, {
        action: "update",
        entity: "referral",
        entityId: referral.id,
        personId: person.id,
      });
    }
    return {
      id: episode!.id,
      personId: person.id,
      attributor: person.attributor,
      startedOn: start.startedOn,
      substanceGroup: start.substanceGroup,
      keyworker: keyworker ? { id: keyworker.id, name: keyworker.name } : null,
      isRepresentation: episode!.isRepresentation,
      referral: referral
        ? {
            id: referral.id,
            reference: referralReference(referral.number),
            status: "treatment_started" as const,
            waitingDays: daysBetween(localDay(referral.requestedAt), start.startedOn),
          }
        : null,
    };
  });
}

/** An episode in full for its provider: appointments, interventions, TOP reviews, flags and what is due. */
export async function getEpisode({ ctx, input }: VerbArgs<EpisodeIdInput & OnBehalf>) {
  const acting = await actingUser(ctx, treatmentRoles, input.onBehalfOf);
  return ctx.db.transaction(async (tx) => {
    const episode = await loadEpisode(tx, acting, input.episodeId);
    const today = localDay(now(ctx));
    const [person] = await tx
      .select({
        id: people.id,
        attributor: people.attributor,
        alias: people.alias,
        fullName: people.fullName,
        dateOfBirth: people.dateOfBirth,
        sex: people.sex,
      })
      .from(people)
      .where(eq(people.id, episode.personId));
    const [keyworker] = episode.keyworkerId
      ? await tx
          .select({ id: keyworkers.id, name: keyworkers.name })
          .from(keyworkers)
          .where(eq(keyworkers.id, episode.keyworkerId))
      : [];
    const [referral] = episode.referralId
      ? await tx
          .select({
            id: referrals.id,
            number: referrals.number,
            requestedAt: referrals.requestedAt,
            source: referrals.source,
            serviceName: services.name,
            referringOrganisationName: organisations.name,
          })
          .from(referrals)
          .innerJoin(services, eq(services.id, referrals.serviceId))
          .innerJoin(organisations, eq(organisations.id, referrals.referringOrganisationId))
          .where(eq(referrals.id, episode.referralId))
      : [];
    const interventionRows = await tx
      .select({
        id: treatmentInterventions.id,
        type: treatmentInterventions.type,
        setting: treatmentInterventions.setting,
        startedOn: treatmentInterventions.startedOn,
        endedOn: treatmentInterventions.endedOn,
      })
      .from(treatmentInterventions)
      .where(eq(treatmentInterventions.episodeId, episode.id))
      .orderBy(desc(treatmentInterventions.startedOn), desc(treatmentInterventions.id));
    const appointmentRows = await tx
      .select({
        id: appointments.id,
        scheduledAt: appointments.scheduledAt,
        outcome: appointments.outcome,
        note: appointments.note,
        recordedAt: appointments.recordedAt,
      })
      .from(appointments)
      .where(eq(appointments.episodeId, episode.id))
      .orderBy(desc(appointments.scheduledAt), desc(appointments.id));
    const reviewRows = await tx
      .select({
        id: topReviews.id,
        stage: topReviews.stage,
        completedOn: topReviews.completedOn,
        substanceDays: topReviews.substanceDays,
        injectingDays: topReviews.injectingDays,
        sharedEquipment: topReviews.sharedEquipment,
        crimeDays: topReviews.crimeDays,
        psychologicalHealth: topReviews.psychologicalHealth,
        physicalHealth: topReviews.physicalHealth,
        qualityOfLife: topReviews.qualityOfLife,
        paidWorkDays: topReviews.paidWorkDays,
        acuteHousingProblem: topReviews.acuteHousingProblem,
      })
      .from(topReviews)
      .where(eq(topReviews.episodeId, episode.id))
      .orderBy(asc(topReviews.completedOn), asc(topReviews.createdAt));
    const flags = await tx
      .select({
        id: safeguardingFlags.id,
        concern: safeguardingFlags.concern,
        raisedAt: safeguardingFlags.raisedAt,
      })
      .from(safeguardingFlags)
      .where(and(eq(safeguardingFlags.personId, episode.personId), isNull(safeguardingFlags.resolvedAt)))
      .orderBy(desc(safeguardingFlags.raisedAt));
    // The episode is read as one record; the person's open safeguarding flags shown with it are their own.
    await audit(tx, ctx, [
      { action: "read", entity: "episode", entityId: episode.id, personId: episode.personId },
      ...flags.map((flag) => ({
        action: "list" as const,
        entity: "safeguarding_flag",
        entityId: flag.id,
        personId: episode.personId,
      })),
    ]);

    const due = nextTopDue(episode, reviewRows);
    const lastAttended = appointmentRows.find((appointment) => appointment.outcome === "attended");
    return {
      id: episode.id,
      person: person!,
      providerName: episode.providerName,
      keyworker: keyworker ?? null,
      substanceGroup: episode.substanceGroup,
      startedOn: episode.startedOn,
      dischargedOn: episode.dischargedOn,
      dischargeReason: episode.dischargeReason,
      ostAtExit: episode.ostAtExit,
      successfulDischarge: episode.dischargedOn ? isSuccessfulDischarge(episode) : null,
      isRepresentation: episode.isRepresentation,
      atRiskSince: episode.atRiskSince,
      daysInTreatment: daysBetween(episode.startedOn, episode.dischargedOn ?? today),
      referral: referral
        ? {
            id: referral.id,
            reference: referralReference(referral.number),
            requestedAt: referral.requestedAt,
            source: referral.source,
            serviceName: referral.serviceName,
            referringOrganisationName: referral.referringOrganisationName,
            waitingDays: daysBetween(localDay(referral.requestedAt), episode.startedOn),
          }
        : null,
      interventions: interventionRows,
      appointments: appointmentRows,
      lastAttendedAt: lastAttended?.scheduledAt ?? null,
      topReviews: reviewRows,
      nextTopDue: due,
      topOverdue: due !== null && today > due,
      safeguardingFlags: flags,
    };
  });
}

/** Books an appointment on an open episode; it may be in the past (entered late) or the future. */
export async function scheduleAppointment({ ctx, input }: VerbArgs<AppointmentInput & OnBehalf>) {
  const acting = await actingUser(ctx, treatmentRoles, input.onBehalfOf);
  const appointment = validated(AppointmentInput, input);
  return ctx.db.transaction(async (tx) => {
    const episode = await loadEpisode(tx, acting, appointment.episodeId, true);
    refuseWhenDischarged(episode, "appointments");
    if (localDay(appointment.scheduledAt) < episode.startedOn) {
      throw ValidationError.field(
        "scheduledAt",
        `appointment time cannot be before the episode started (${episode.startedOn})`,
      );
    }
    const [created] = await tx
      .insert(appointments)
      .values({ episodeId: episode.id, scheduledAt: appointment.scheduledAt, note: appointment.note ?? null })
      .returning({
        id: appointments.id,
        scheduledAt: appointments.scheduledAt,
        outcome: appointments.outcome,
        note: appointments.note,
      });
    await audit(tx, ctx, {
      action: "create",
      entity: "appointment",
      entityId: created!.id,
      personId: episode.personId,
    });
    return created!;
  });
}

/**
 * Records what happened at an appointment (or corrects it). Attended and did-not-attend need the time to
 * have passed; a cancellation may be recorded ahead. Then re-reads the run of outcomes: three
 * did-not-attends in a row set the episode at risk, an attended appointment clears it.
 */
export async function recordAppointmentOutcome({ ctx, input }: VerbArgs<AppointmentOutcomeInput & OnBehalf>) {
  const acting = await actingUser(ctx, treatmentRoles, input.onBehalfOf);
  const outcome = validated(AppointmentOutcomeInput, input);
  return ctx.db.transaction(async (tx) => {
    const [appointment] = await tx
      .select({
        id: appointments.id,
        episodeId: appointments.episodeId,
        scheduledAt: appointments.scheduledAt,
      })
      .from(appointments)
      .where(eq(appointments.id, outcome.appointmentId));
    if (!appointment) throw new NotFound("appointment", outcome.appointmentId);
    const episode = await loadEpisode(tx, acting, appointment.episodeId, true);
    const at = now(ctx);
    const happened = outcome.outcome === "attended" || outcome.outcome === "did_not_attend";
    if (happened && appointment.scheduledAt > at) {
      throw ValidationError.field(
        "outcome",
        `This appointment is on ${appointmentTime.format(appointment.scheduledAt)}, still to come; record whether they attended once it has happened.`,
      );
    }
    if (episode.dischargedOn && localDay(appointment.scheduledAt) > episode.dischargedOn) {
      throw new Conflict(
        `This episode was discharged on ${episode.dischargedOn}; appointments after that cannot change.`,
      );
    }
    const [updated] = await tx
      .update(appointments)
      .set({
        outcome: outcome.outcome,
        recordedAt: at,
        ...(outcome.note === undefined ? {} : { note: outcome.note }),
      })
      .where(eq(appointments.id, appointment.id))
      .returning({
        id: appointments.id,
        scheduledAt: appointments.scheduledAt,
        outcome: appointments.outcome,
        note: appointments.note,
      });
    await audit(tx, ctx, {
      action: "update",
      entity: "appointment",
      entityId: appointment.id,
      personId: episode.personId,
    });

    const atRiskSince = await refreshAtRisk(tx, ctx, episode, at);
    return { appointment: updated!, atRiskSince };
  });
}

/** Cancellations neither count towards nor break a run of did-not-attends. */
async function refreshAtRisk(tx: Executor, ctx: Ctx, episode: EpisodeRow, at: Date): Promise<Date | null> {
  const latest = await tx
    .select({ outcome: appointments.outcome })
    .from(appointments)
    .where(
      and(
        eq(appointments.episodeId, episode.id),
        inArray(appointments.outcome, ["attended", "did_not_attend"]),
      ),
    )
    .orderBy(desc(appointments.scheduledAt), desc(appointments.id))
    .limit(didNotAttendRunForRisk);
  const atRisk =
    latest.length === didNotAttendRunForRisk && latest.every((row) => row.outcome === "did_not_attend");
  if (atRisk === Boolean(episode.atRiskSince)) return episode.atRiskSince;
  const atRiskSince = atRisk ? at : null;
  await tx.update(episodes).set({ atRiskSince }).where(eq(episodes.id, episode.id));
  await audit(tx, ctx, {
    action: "update",
    entity: "episode",
    entityId: episode.id,
    personId: episode.personId,
  });
  return atRiskSince;
}

function refuseFutureDay(field: string, label: string, day: string, today: string) {
  if (day > today) throw ValidationError.field(field, `${label} cannot be in the future`);
}

/** Adds a treatment intervention (pharmacological, psychosocial, recovery support) to an open episode. */
export async function addIntervention({ ctx, input }: VerbArgs<InterventionInput & OnBehalf>) {
  const acting = await actingUser(ctx, treatmentRoles, input.onBehalfOf);
  const intervention = validated(InterventionInput, input);
  return ctx.db.transaction(async (tx) => {
    const episode = await loadEpisode(tx, acting, intervention.episodeId, true);
    refuseWhenDischarged(episode, "interventions");
    const today = localDay(now(ctx));
    if (intervention.startedOn < episode.startedOn) {
      throw ValidationError.field(
        "startedOn",
        `start date cannot be before the episode started (${episode.startedOn})`,
      );
    }
    refuseFutureDay("startedOn", "start date", intervention.startedOn, today);
    if (intervention.endedOn) refuseFutureDay("endedOn", "end date", intervention.endedOn, today);
    const [created] = await tx
      .insert(treatmentInterventions)
      .values({
        episodeId: episode.id,
        type: intervention.type,
        setting: intervention.setting,
        startedOn: intervention.startedOn,
        endedOn: intervention.endedOn ?? null,
      })
      .returning();
    await audit(tx, ctx, {
      action: "create",
      entity: "treatment_intervention",
      entityId: created!.id,
      personId: episode.personId,
    });
    return created!;
  });
}

export async function endIntervention({ ctx, input }: VerbArgs<EndInterventionInput & OnBehalf>) {
  const acting = await actingUser(ctx, treatmentRoles, input.onBehalfOf);
  const end = validated(EndInterventionInput, input);
  return ctx.db.transaction(async (tx) => {
    const [intervention] = await tx
      .select()
      .from(treatmentInterventions)
      .where(eq(treatmentInterventions.id, end.interventionId));
    if (!intervention) throw new NotFound("intervention", end.interventionId);
    const episode = await loadEpisode(tx, acting, intervention.episodeId, true);
    if (intervention.endedOn)
      throw new Conflict(`This intervention already ended on ${intervention.endedOn}.`);
    if (end.endedOn < intervention.startedOn) {
      throw ValidationError.field(
        "endedOn",
        `end date cannot be before the start date (${intervention.startedOn})`,
      );
    }
    refuseFutureDay("endedOn", "end date", end.endedOn, localDay(now(ctx)));
    const [updated] = await tx
      .update(treatmentInterventions)
      .set({ endedOn: end.endedOn })
      .where(eq(treatmentInterventions.id, intervention.id))
      .returning();
    await audit(tx, ctx, {
      action: "update",
      entity: "treatment_intervention",
      entityId: intervention.id,
      personId: episode.personId,
    });
    return updated!;
  });
}

/**
 * Records a Treatment Outcomes Profile. One start and one exit per episode; reviews follow the start
 * and are due every 182 days while the episode is open. Exit TOPs may be entered after discharge.
 */
export async function recordTopReview({ ctx, input }: VerbArgs<TopReviewInput & OnBehalf>) {
  const acting = await actingUser(ctx, treatmentRoles, input.onBehalfOf);
  const review = validated(TopReviewInput, input);
  return ctx.db.transaction(async (tx) => {
    const episode = await loadEpisode(tx, acting, review.episodeId, true);
    if (review.completedOn < episode.startedOn) {
      throw ValidationError.field(
        "completedOn",
        `completed on cannot be before the episode started (${episode.startedOn})`,
      );
    }
    if (episode.dischargedOn && review.completedOn > episode.dischargedOn) {
      throw ValidationError.field(
        "completedOn",
        `completed on cannot be after the discharge (${episode.dischargedOn})`,
      );
    }
    refuseFutureDay("completedOn", "completed on", review.completedOn, localDay(now(ctx)));
    const existing = await tx
      .select({ stage: topReviews.stage, completedOn: topReviews.completedOn })
      .from(topReviews)
      .where(eq(topReviews.episodeId, episode.id));
    const startTop = existing.find((row) => row.stage === "start");
    const exitTop = existing.find((row) => row.stage === "exit");
    if (review.stage === "start" && startTop) {
      throw new Conflict(
        `This episode already has its start TOP (${startTop.completedOn}); record a review instead.`,
      );
    }
    if (exitTop) throw new Conflict(`This episode already has its exit TOP (${exitTop.completedOn}).`);
    if (review.stage === "review" && !startTop) {
      throw ValidationError.field("stage", "record the start TOP before a review");
    }
    if (review.stage === "review" && episode.dischargedOn) {
      throw ValidationError.field("stage", "the episode is discharged: record its exit TOP, not a review");
    }
    if (review.stage !== "start" && startTop && review.completedOn < startTop.completedOn) {
      throw ValidationError.field(
        "completedOn",
        `completed on cannot be before the start TOP (${startTop.completedOn})`,
      );
    }
    const { episodeId: _episodeId, ...scores } = review;
    const [created] = await tx
      .insert(topReviews)
      .values({ ...scores, episodeId: episode.id, recordedByUserId: acting.userId })
      .returning();
    await audit(tx, ctx, {
      action: "create",
      entity: "top_review",
      entityId: created!.id,
      personId: episode.personId,
    });
    return {
      review: created!,
      nextTopDue: nextTopDue(episode, [
        ...existing,
        { stage: created!.stage, completedOn: created!.completedOn },
      ]),
    };
  });
}

/**
 * Discharges an episode with a DOMAIN.md reason. `completed_occasional_user` is refused for opiate or
 * crack users; opiate clients must say whether they are on OST at exit. Open interventions end on the
 * discharge date and appointments still to come are cancelled by the service.
 */
export async function discharge({ ctx, input }: VerbArgs<DischargeInput & OnBehalf>) {
  const acting = await actingUser(ctx, treatmentRoles, input.onBehalfOf);
  const exit = validated(DischargeInput, input);
  return ctx.db.transaction(async (tx) => {
    const episode = await loadEpisode(tx, acting, exit.episodeId, true);
    if (episode.dischargedOn) {
      throw new Conflict(
        `This episode was already discharged on ${episode.dischargedOn} (\`${episode.dischargeReason}\`).`,
      );
    }
    const at = now(ctx);
    if (exit.dischargedOn < episode.startedOn) {
      throw ValidationError.field(
        "dischargedOn",
        `discharge date cannot be before the episode started (${episode.startedOn})`,
      );
    }
    refuseFutureDay("dischargedOn", "discharge date", exit.dischargedOn, localDay(at));

    const isOpiate = episode.substanceGroup === "opiate";
    if (exit.reason === "completed_occasional_user") {
      const why = isOpiate
        ? "this is opiate treatment"
        : (await crackUseRecorded(tx, episode.id))
          ? "crack use is recorded on their TOP"
          : null;
      if (why) {
        throw ValidationError.field(
          "reason",
          `\`completed_occasional_user\` is not valid for opiate or crack users, and ${why}.`,
        );
      }
    }
    if (isOpiate && exit.ostAtExit === undefined) {
      throw ValidationError.field(
        "ostAtExit",
        "OST at exit is required for opiate clients: say whether they are still on opioid substitution therapy",
      );
    }
    if (!isOpiate && exit.ostAtExit !== undefined) {
      throw ValidationError.field("ostAtExit", "OST at exit is recorded for opiate clients only");
    }
    const [laterIntervention] = await tx
      .select({ startedOn: treatmentInterventions.startedOn })
      .from(treatmentInterventions)
      .where(
        and(
          eq(treatmentInterventions.episodeId, episode.id),
          sql`${treatmentInterventions.startedOn} > ${exit.dischargedOn}::date`,
        ),
      )
      .limit(1);
    if (laterIntervention) {
      throw ValidationError.field(
        "dischargedOn",
        `discharge date cannot be before an intervention that started on ${laterIntervention.startedOn}`,
      );
    }
    const [laterAttendance] = await tx
      .select({ scheduledAt: appointments.scheduledAt })
      .from(appointments)
      .where(
        and(
          eq(appointments.episodeId, episode.id),
          eq(appointments.outcome, "attended"),
          sql`(${appointments.scheduledAt} at time zone ${serviceTimeZone})::date > ${exit.dischargedOn}::date`,
        ),
      )
      .limit(1);
    if (laterAttendance) {
      throw ValidationError.field(
        "dischargedOn",
        `discharge date cannot be before an attended appointment (${appointmentTime.format(laterAttendance.scheduledAt)})`,
      );
    }

    await tx
      .update(episodes)
      .set({
        dischargedOn: exit.dischargedOn,
        dischargeReason: exit.reason,
        ostAtExit: exit.ostAtExit ?? null,
      })
      .where(eq(episodes.id, episode.id));
    await audit(tx, ctx, {
      action: "update",
      entity: "episode",
      entityId: episode.id,
      personId: episode.personId,
    });
    const ended = await tx
      .update(treatmentInterventions)
      .set({ endedOn: exit.dischargedOn })
      .where(and(eq(treatmentInterventions.episodeId, episode.id), isNull(treatmentInterventions.endedOn)))
      .returning({ id: treatmentInterventions.id });
    const cancelled = await tx
      .update(appointments)
      .set({
        outcome: "cancelled_by_service",
        recordedAt: at,
        note: sql`coalesce(${appointments.note}, 'Cancelled: episode discharged')`,
      })
      .where(
        and(
          eq(appointments.episodeId, episode.id),
          isNull(appointments.outcome),
          gt(appointments.scheduledAt, at),
        ),
      )
      .returning({ id: appointments.id });
    await audit(tx, ctx, [
      ...ended.map(({ id }) => ({
        action: "update" as const,
        entity: "treatment_intervention",
        entityId: id,
        personId: episode.personId,
      })),
      ...cancelled.map(({ id }) => ({
        action: "update" as const,
        entity: "appointment",
        entityId: id,
        personId: episode.personId,
      })),
    ]);
    const discharged = {
      ...episode,
      dischargedOn: exit.dischargedOn,
      dischargeReason: exit.reason,
      ostAtExit: exit.ostAtExit ?? null,
    };
    return {
      id: episode.id,
      dischargedOn: exit.dischargedOn,
      dischargeReason: exit.reason,
      ostAtExit: discharged.ostAtExit,
      successfulDischarge: isSuccessfulDischarge(discharged),
      interventionsEnded: ended.length,
      appointmentsCancelled: cancelled.length,
    };
  });
}

/** Crack use on any of the episode's TOPs makes the person a crack user for discharge rules. */
async function crackUseRecorded(tx: Executor, episodeId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: topReviews.id })
    .from(topReviews)
    .where(
      and(
        eq(topReviews.episodeId, episodeId),
        sql`coalesce((${topReviews.substanceDays} ->> 'crack')::int, 0) > 0`,
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** Open episodes whose next TOP is overdue, for the acting treatment manager's provider. */
export async function listOverdueTopReviews({
  ctx,
  input,
}: VerbArgs<Omit<CaseloadInput, "show"> & OnBehalf>) {
  return listCaseload({ ctx, input: { ...input, show: "top_overdue" } });
}
