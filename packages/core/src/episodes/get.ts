import {
  and,
  appointments,
  asc,
  desc,
  eq,
  isNull,
  keyworkers,
  organisations,
  people,
  referrals,
  safeguardingFlags,
  services,
  topReviews,
  treatmentInterventions,
} from "@pathways/db";
import type { EpisodeIdInput } from "@pathways/validators";
import { actingUser, type OnBehalf } from "../acting.ts";
import { audit } from "../audit.ts";
import { daysBetween, localDay } from "../calendar.ts";
import { now, type VerbArgs } from "../context.ts";
import { referralReference } from "../referral-reference.ts";
import { verbRoles } from "../rights.ts";
import { isSuccessfulDischarge } from "../rules/discharge.ts";
import { nextTopDue } from "../rules/pathway-windows.ts";
import { loadEpisode } from "../treatment-records.ts";

/** An episode in full for its provider: appointments, interventions, TOP reviews, flags and what is due. */
export async function getEpisode({ ctx, input }: VerbArgs<EpisodeIdInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
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
