import { and, appointments, desc, type Executor, episodes, eq, inArray } from "@pathways/db";
import { AppointmentInput, AppointmentOutcomeInput } from "@pathways/validators";
import { actingUser, type OnBehalf, validated } from "../acting.ts";
import { audit } from "../audit.ts";
import { localDay } from "../calendar.ts";
import { type Ctx, now, type VerbArgs } from "../context.ts";
import { Conflict, ValidationError } from "../errors.ts";
import { appointmentFor } from "../record-access.ts";
import { verbRoles } from "../rights.ts";
import { type EpisodeRow, loadEpisode } from "../treatment-records.ts";

import { appointmentTime, refuseWhenDischarged } from "./guards.ts";

/** Three did-not-attends in a row flag an episode at risk of dropping out. */
export const didNotAttendRunForRisk = 3;

/** Books an appointment on an open episode; it may be in the past (entered late) or the future. */
export async function scheduleAppointment({ ctx, input }: VerbArgs<AppointmentInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
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
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
  const outcome = validated(AppointmentOutcomeInput, input);
  return ctx.db.transaction(async (tx) => {
    const appointment = await appointmentFor(tx, acting, outcome.appointmentId);
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
