import { and, type Executor, episodes, eq, sql } from "@pathways/db";
import { addDays, withinDaysAfterSql } from "../calendar.ts";
import { successfulDischargeSql } from "./discharge.ts";

/*
 * The pathway's windows (DOMAIN.md): how many days after one step the next still counts. Each is
 * defined here once; reports, rollups, verbs, the import and the scale generator read them. The
 * waiting-time threshold (more than 21 days) is `waitingThresholdDays` in @pathways/validators, as
 * the web app draws it.
 */

/** A referral on the day of a contact or within this many days after it counts as "referred" (funnel). */
export const referralWindowDays = 90;

/** Re-presentation: a new episode or treatment referral within this many days after a successful discharge. */
export const representationWindowDays = 182;

/**
 * True when `day` falls within 182 days after a successful discharge of the person, from any
 * provider ("within N days after D" is D < day <= D + N).
 */
export async function followsSuccessfulDischarge(
  db: Executor,
  personId: string,
  day: string,
): Promise<boolean> {
  const [row] = await db
    .select({ id: episodes.id })
    .from(episodes)
    .where(
      and(
        eq(episodes.personId, personId),
        successfulDischargeSql("episodes"),
        withinDaysAfterSql(sql`${day}::date`, episodes.dischargedOn, representationWindowDays),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** A TOP review is due every 182 days while an episode is open. */
export const topReviewIntervalDays = 182;
/** The start TOP is expected within two weeks of the episode starting. */
export const startTopWithinDays = 14;

/**
 * When the next TOP is due for an open episode: the start TOP two weeks after the start, then a review
 * 182 days after the latest start or review. Closed episodes have none due.
 */
export function nextTopDue(
  episode: { startedOn: string; dischargedOn: string | null },
  reviews: { stage: "start" | "review" | "exit"; completedOn: string }[],
): string | null {
  if (episode.dischargedOn) return null;
  if (!reviews.some((review) => review.stage === "start")) {
    return addDays(episode.startedOn, startTopWithinDays);
  }
  const latest = reviews
    .filter((review) => review.stage !== "exit")
    .map((review) => review.completedOn)
    .sort()
    .at(-1)!;
  return addDays(latest, topReviewIntervalDays);
}
