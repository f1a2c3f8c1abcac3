import { eq, treatmentInterventions } from "@pathways/db";
import { EndInterventionInput, InterventionInput } from "@pathways/validators";
import { actingUser, type OnBehalf, validated } from "../acting.ts";
import { audit } from "../audit.ts";
import { localDay } from "../calendar.ts";
import { now, type VerbArgs } from "../context.ts";
import { Conflict, ValidationError } from "../errors.ts";
import { interventionFor } from "../record-access.ts";
import { verbRoles } from "../rights.ts";
import { loadEpisode } from "../treatment-records.ts";

import { refuseFutureDay, refuseWhenDischarged } from "./guards.ts";

/** Adds a treatment intervention (pharmacological, psychosocial, recovery support) to an open episode. */
export async function addIntervention({ ctx, input }: VerbArgs<InterventionInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
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
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
  const end = validated(EndInterventionInput, input);
  return ctx.db.transaction(async (tx) => {
    const intervention = await interventionFor(tx, acting, end.interventionId);
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
