import { and, communityReportSubmissions, count, eq, gt, lt, min, sql, type Transaction } from "@pathways/db";
import { RateLimited } from "../errors.ts";
import { hashAddress } from "./tokens.ts";

/** Reports one address may send in the window: enough for a busy resident, too few for a flood. */
export const maxSubmissionsPerAddress = 5;
export const submissionWindowMinutes = 10;
/** Rows older than this are deleted: the table only ever holds the last hour of submissions. */
const keepMinutes = 60;

/**
 * Counts this submission against its address, or refuses it. Runs in the submission's transaction,
 * so a submission that fails counts for nothing. The advisory lock makes concurrent submissions from
 * one address (on several API processes) queue for the count, so the sixth is refused even when all
 * six arrive at once; it is released at commit.
 */
export async function countSubmission(tx: Transaction, address: string, at: Date): Promise<void> {
  const addressHash = hashAddress(address);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${addressHash}))`);
  await tx
    .delete(communityReportSubmissions)
    .where(lt(communityReportSubmissions.at, new Date(at.getTime() - keepMinutes * 60_000)));
  const windowStart = new Date(at.getTime() - submissionWindowMinutes * 60_000);
  const [recent] = await tx
    .select({ n: count(), first: min(communityReportSubmissions.at) })
    .from(communityReportSubmissions)
    .where(
      and(
        eq(communityReportSubmissions.addressHash, addressHash),
        gt(communityReportSubmissions.at, windowStart),
      ),
    );
  if ((recent?.n ?? 0) >= maxSubmissionsPerAddress && recent?.first) {
    // The oldest submission in the window leaves it first: that is when the next one is allowed.
    const retryAt = new Date(recent.first).getTime() + submissionWindowMinutes * 60_000;
    const seconds = Math.max(1, Math.ceil((retryAt - at.getTime()) / 1000));
    const minutes = Math.ceil(seconds / 60);
    throw new RateLimited(
      `You have sent ${maxSubmissionsPerAddress} reports in the last ${submissionWindowMinutes} minutes. ` +
        `Try again in ${minutes} minute${minutes === 1 ? "" : "s"}. If someone is in danger, call 999.`,
      seconds,
    );
  }
  await tx.insert(communityReportSubmissions).values({ addressHash, at });
}
