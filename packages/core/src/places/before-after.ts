import { and, eq, hotspots, taskforceActivity } from "@pathways/db";
import type { BeforeAfterInput } from "@pathways/validators";
import { addDays, localDay, serviceToday } from "../calendar.ts";
import type { VerbArgs } from "../context.ts";
import { NotYours, ValidationError } from "../errors.ts";
import { taskforceReader } from "../taskforce/access.ts";
import { activeHotspotAreas, placeOf } from "./containment.ts";
import { placedCounts } from "./counts.ts";

/** What a before/after comparison counts at the action's hotspot (DOMAIN.md "Taskforce activity"). */
export const beforeAfterMeasures = ["reports", "needles", "incidents"] as const;
type Measure = (typeof beforeAfterMeasures)[number];

export interface BeforeAfterWindow extends Record<Measure, number> {
  from: string;
  to: string;
}

export interface BeforeAfter {
  action: {
    id: string;
    kind: string;
    day: string;
    hotspotId: string;
    hotspotName: string;
    note: string | null;
  };
  days: number;
  /** The N days before the action's day, and the N days after it; the day itself is in neither. */
  before: BeforeAfterWindow;
  after: BeforeAfterWindow;
  /** False while the after window has not yet ended: its counts are provisional. */
  afterComplete: boolean;
}

/**
 * Reports, needles and incidents at an action's hotspot, the same N days before and after it
 * (D - N <= day < D, and D < day <= D + N). The caller must be able to read the action (its
 * taskforce's outreach workers, admins).
 */
export async function beforeAfterAction({ ctx, input }: VerbArgs<BeforeAfterInput>): Promise<BeforeAfter> {
  const { organisationId } = taskforceReader(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [activity] = await tx
      .select()
      .from(taskforceActivity)
      .where(
        and(
          eq(taskforceActivity.id, input.activityId),
          organisationId ? eq(taskforceActivity.organisationId, organisationId) : undefined,
        ),
      );
    if (!activity) throw new NotYours("taskforce activity", input.activityId);
    const areas = await activeHotspotAreas(tx);
    const hotspotId = placeOf(activity, areas);
    if (!hotspotId) {
      throw ValidationError.field(
        "activityId",
        "this action is not at a hotspot; a before and after comparison needs one",
      );
    }
    const [hotspot] = await tx.select().from(hotspots).where(eq(hotspots.id, hotspotId));
    const day = localDay(activity.occurredAt);
    const window = (from: string, to: string): BeforeAfterWindow => ({
      from,
      to,
      reports: 0,
      needles: 0,
      incidents: 0,
    });
    const before = window(addDays(day, -input.days), addDays(day, -1));
    const after = window(addDays(day, 1), addDays(day, input.days));
    for (const measure of beforeAfterMeasures) {
      const counts = await placedCounts(tx, measure, { from: before.from, to: after.to }, areas, "day");
      for (const { place, bucket, count } of counts) {
        if (place !== hotspotId) continue;
        if (bucket <= before.to) before[measure] += count;
        else if (bucket >= after.from) after[measure] += count;
      }
    }
    return {
      action: {
        id: activity.id,
        kind: activity.action ?? activity.kind,
        day,
        hotspotId,
        hotspotName: hotspot!.name,
        note: activity.note,
      },
      days: input.days,
      before,
      after,
      afterComplete: after.to < serviceToday(),
    };
  });
}
