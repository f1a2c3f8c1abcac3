import {
  and,
  appointments,
  contacts,
  type Executor,
  episodes,
  eq,
  gt,
  isNull,
  sql,
  topReviews,
  treatmentInterventions,
} from "@pathways/db";
import { DischargeInput } from "@pathways/validators";
import type { DischargeReason } from "@pathways/validators/codes";
import { actingUser, type OnBehalf, validated } from "../acting.ts";
import { audit } from "../audit.ts";
import { localDay, localDaySql } from "../calendar.ts";
import { type Ctx, now, type VerbArgs } from "../context.ts";
import { Conflict, ValidationError } from "../errors.ts";
import { verbRoles } from "../rights.ts";
import { isSuccessfulDischarge, occasionalUserMessage, occasionalUserRefusal } from "../rules/discharge.ts";
import { loadEpisode } from "../treatment-records.ts";

import { appointmentTime, refuseFutureDay } from "./guards.ts";

/**
 * Discharges an episode with a DOMAIN.md reason. `completed_occasional_user` is refused for opiate or
 * crack users; opiate clients must say whether they are on OST at exit. Open interventions end on the
 * discharge date and appointments still to come are cancelled by the service.
 */
export async function discharge({ ctx, input }: VerbArgs<DischargeInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
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
    const crackEvidence =
      exit.reason === "completed_occasional_user" && !isOpiate
        ? await crackUseRecorded(tx, episode, exit.dischargedOn)
        : null;
    const refusal = occasionalUserRefusal(exit.reason, {
      substanceGroup: episode.substanceGroup,
      crackUseRecorded: crackEvidence !== null,
    });
    if (refusal) {
      throw ValidationError.field("reason", occasionalUserMessage(refusal, crackEvidence ?? ""));
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
          sql`${localDaySql(appointments.scheduledAt)} > ${exit.dischargedOn}::date`,
        ),
      )
      .limit(1);
    if (laterAttendance) {
      throw ValidationError.field(
        "dischargedOn",
        `discharge date cannot be before an attended appointment (${appointmentTime.format(laterAttendance.scheduledAt)})`,
      );
    }

    const { ended, cancelled } = await closeEpisode(tx, ctx, episode, exit, at);
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

/**
 * The writes of a discharge, once its rules are checked: the episode closed with its reason, its open
 * interventions ended on the day, appointments still to come cancelled by the service, each audited.
 * Also used when a recorded death closes the person's open episodes (`incomplete_client_died`).
 */
export async function closeEpisode(
  tx: Executor,
  ctx: Ctx,
  episode: { id: string; personId: string },
  exit: { dischargedOn: string; reason: DischargeReason; ostAtExit?: boolean },
  at: Date,
) {
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
  return { ended, cancelled };
}

/**
 * Where crack use is recorded for the person of this episode (rules/discharge.ts): on a TOP of the
 * episode, or on a contact with them on or before the discharge day. Null when nowhere.
 */
async function crackUseRecorded(
  tx: Executor,
  episode: { id: string; personId: string },
  dischargedOn: string,
): Promise<"TOP" | "contacts" | null> {
  const [onTop] = await tx
    .select({ id: topReviews.id })
    .from(topReviews)
    .where(
      and(
        eq(topReviews.episodeId, episode.id),
        sql`coalesce((${topReviews.substanceDays} ->> 'crack')::int, 0) > 0`,
      ),
    )
    .limit(1);
  if (onTop) return "TOP";
  const [onContact] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      and(
        eq(contacts.personId, episode.personId),
        sql`'crack' = any(${contacts.substances})`,
        sql`${localDaySql(contacts.occurredAt)} <= ${dischargedOn}::date`,
      ),
    )
    .limit(1);
  return onContact ? "contacts" : null;
}
