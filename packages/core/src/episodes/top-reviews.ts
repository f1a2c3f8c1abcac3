import { eq, topReviews } from "@pathways/db";
import { type CaseloadInput, TopReviewInput } from "@pathways/validators";
import { actingUser, type OnBehalf, validated } from "../acting.ts";
import { audit } from "../audit.ts";
import { localDay } from "../calendar.ts";
import { listCaseload } from "../caseload.ts";
import { now, type VerbArgs } from "../context.ts";
import { Conflict, ValidationError } from "../errors.ts";
import { verbRoles } from "../rights.ts";
import { nextTopDue } from "../rules/pathway-windows.ts";
import { loadEpisode } from "../treatment-records.ts";

import { refuseFutureDay } from "./guards.ts";

/**
 * Records a Treatment Outcomes Profile. One start and one exit per episode; reviews follow the start
 * and are due every 182 days while the episode is open. Exit TOPs may be entered after discharge.
 */
export async function recordTopReview({ ctx, input }: VerbArgs<TopReviewInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
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

/** Open episodes whose next TOP is overdue, for the acting treatment manager's provider. */
export async function listOverdueTopReviews({
  ctx,
  input,
}: VerbArgs<Omit<CaseloadInput, "show"> & OnBehalf>) {
  return listCaseload({ ctx, input: { ...input, show: "top_overdue" } });
}
