import { type Executor, episodes, inArray } from "@pathways/db";
import type { DischargeReason, SubstanceGroup } from "@pathways/validators";
import { isSuccessfulDischarge } from "../rules/discharge.ts";

/**
 * How a referral's treatment ended, as the referrer may learn it (DOMAIN.md: the referrer sees the
 * status of the referrals they made, never clinical detail): completed, transferred to another
 * service, or ended before completing. The discharge reason itself (custody, death, withdrawn by
 * the provider) and OST stay with the provider.
 */
export type TreatmentEnding = "completed" | "transferred" | "ended";

export function treatmentEnding(episode: {
  dischargeReason: DischargeReason | null;
  substanceGroup: SubstanceGroup;
  ostAtExit: boolean | null;
}): TreatmentEnding | null {
  if (!episode.dischargeReason) return null;
  if (isSuccessfulDischarge(episode)) return "completed";
  return episode.dischargeReason.startsWith("transferred_") ? "transferred" : "ended";
}

/** What the referrer sees of the episode each referral started: its start, its end and how it ended. */
export async function treatmentNews(tx: Executor, referralIds: string[]) {
  if (referralIds.length === 0) return new Map<string, TreatmentNews>();
  const rows = await tx
    .select({
      referralId: episodes.referralId,
      startedOn: episodes.startedOn,
      dischargedOn: episodes.dischargedOn,
      dischargeReason: episodes.dischargeReason,
      substanceGroup: episodes.substanceGroup,
      ostAtExit: episodes.ostAtExit,
    })
    .from(episodes)
    .where(inArray(episodes.referralId, referralIds));
  return new Map(
    rows.map((row) => [
      row.referralId!,
      { startedOn: row.startedOn, endedOn: row.dischargedOn, ending: treatmentEnding(row) } as TreatmentNews,
    ]),
  );
}

export interface TreatmentNews {
  startedOn: string;
  endedOn: string | null;
  ending: TreatmentEnding | null;
}
