import { and, count, desc, eq, inArray, max, people, referrals, type SQL, sql } from "@pathways/db";
import { type MyReferralsInput, openReferralStatuses } from "@pathways/validators";
import { actingUser, type OnBehalf } from "../acting.ts";
import { audit } from "../audit.ts";
import type { VerbArgs } from "../context.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { referralReference } from "../referral-reference.ts";
import { verbRoles } from "../rights.ts";

import { referralRows } from "./records.ts";
import { treatmentNews } from "./treatment-news.ts";
import { historyOf } from "./views.ts";

function showCondition(show: MyReferralsInput["show"]): SQL | undefined {
  if (show === "open") return inArray(referrals.status, [...openReferralStatuses]);
  if (show === "closed") return sql`${referrals.status} not in ('requested', 'received', 'accepted')`;
  return undefined;
}

/**
 * "My referrals": the referrals the acting user made, newest first, each with its status history.
 * Status and dates, and of the treatment only when it started and ended and whether it was completed
 * (`treatmentNews`): the referrer never sees the episode's clinical record.
 */
export async function listMyReferrals({ ctx, input }: VerbArgs<MyReferralsInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.refer, input.onBehalfOf);
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  return ctx.db.transaction(async (tx) => {
    const rows = await referralRows(tx)
      .where(
        and(
          eq(referrals.referringUserId, acting.userId),
          showCondition(input.show),
          cursor
            ? sql`(${referrals.requestedAt}, ${referrals.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(desc(referrals.requestedAt), desc(referrals.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const personRows = page.length
      ? await tx
          .select({ id: people.id, attributor: people.attributor, alias: people.alias })
          .from(people)
          .where(
            inArray(
              people.id,
              page.map((row) => row.personId),
            ),
          )
      : [];
    const personById = new Map(personRows.map((person) => [person.id, person]));
    const history = await historyOf(
      tx,
      page.map((row) => row.id),
      false,
    );
    const treatment = await treatmentNews(
      tx,
      page.map((row) => row.id),
    );
    await audit(
      tx,
      ctx,
      page.map((row) => ({ action: "list", entity: "referral", entityId: row.id, personId: row.personId })),
    );
    const last = page.at(-1);
    return {
      items: page.map((referral) => ({
        id: referral.id,
        number: referral.number,
        reference: referralReference(referral.number),
        status: referral.status,
        failureReason: referral.failureReason,
        reason: referral.reason,
        requestedAt: referral.requestedAt,
        statusChangedAt: referral.statusChangedAt,
        person: personById.get(referral.personId)!,
        service: { id: referral.serviceId, name: referral.serviceName, code: referral.serviceCode },
        providerName: referral.providerName,
        history: history.get(referral.id) ?? [],
        treatment: treatment.get(referral.id) ?? null,
      })),
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.requestedAt, last.id) : null,
    };
  });
}

/**
 * A cheap fingerprint of "my referrals" (how many, and the latest change) that the screen polls; it
 * refetches the list, and writes audit events, only when this changes. Carries nothing about a person.
 */
export async function myReferralsVersion({ ctx, input }: VerbArgs<OnBehalf | undefined>) {
  const acting = await actingUser(ctx, verbRoles.refer, input?.onBehalfOf);
  const [row] = await ctx.db
    .select({ count: count(), latestChangeAt: max(referrals.statusChangedAt) })
    .from(referrals)
    .where(eq(referrals.referringUserId, acting.userId));
  return { count: row?.count ?? 0, latestChangeAt: row?.latestChangeAt ?? null };
}
