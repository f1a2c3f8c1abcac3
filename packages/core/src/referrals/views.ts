import {
  asc,
  type Executor,
  episodes,
  eq,
  inArray,
  organisations,
  people,
  referralEvents,
  referrals,
  users,
} from "@pathways/db";
import type { ReferralIdInput, ReferralStatus } from "@pathways/validators";
import { actingUser, type OnBehalf } from "../acting.ts";
import { audit } from "../audit.ts";
import { localDay } from "../calendar.ts";
import { type Ctx, now, type VerbArgs } from "../context.ts";
import { isReferralProvider } from "../record-access.ts";
import { referralReference } from "../referral-reference.ts";
import { verbRoles } from "../rights.ts";
import { type ReferralRow, referralFor } from "./records.ts";
import { referralWait } from "./status.ts";

/** What the person who made a referral sees: its status and dates, never clinical detail. */
export async function referrerView(db: Executor, referral: ReferralRow) {
  const [person] = await db
    .select({ id: people.id, attributor: people.attributor, alias: people.alias })
    .from(people)
    .where(eq(people.id, referral.personId));
  const history = await historyOf(db, [referral.id], false);
  return {
    id: referral.id,
    number: referral.number,
    reference: referralReference(referral.number),
    status: referral.status,
    failureReason: referral.failureReason,
    reason: referral.reason,
    requestedAt: referral.requestedAt,
    statusChangedAt: referral.statusChangedAt,
    person: person!,
    service: { id: referral.serviceId, name: referral.serviceName, code: referral.serviceCode },
    providerName: referral.providerName,
    history: history.get(referral.id) ?? [],
  };
}
export type ReferrerReferralView = Awaited<ReturnType<typeof referrerView>>;

/** Status history, oldest first; `withAuthors` adds who moved it (for the provider only). */
export async function historyOf(db: Executor, referralIds: string[], withAuthors: boolean) {
  const byId = new Map<
    string,
    {
      status: ReferralStatus;
      at: Date;
      failureReason: ReferralRow["failureReason"];
      note: string | null;
      byName?: string | null;
    }[]
  >();
  if (referralIds.length === 0) return byId;
  const rows = await db
    .select({
      referralId: referralEvents.referralId,
      status: referralEvents.status,
      at: referralEvents.at,
      failureReason: referralEvents.failureReason,
      note: referralEvents.note,
      byName: users.name,
    })
    .from(referralEvents)
    .leftJoin(users, eq(users.id, referralEvents.byUserId))
    .where(inArray(referralEvents.referralId, referralIds))
    .orderBy(asc(referralEvents.at), asc(referralEvents.id));
  for (const { referralId, byName, ...event } of rows) {
    const list = byId.get(referralId) ?? [];
    list.push(withAuthors ? { ...event, byName } : event);
    byId.set(referralId, list);
  }
  return byId;
}

/** What the provider sees: the referral, the person, who referred, how long they have waited. */
export async function providerView(db: Executor, ctx: Ctx, referral: ReferralRow) {
  const [details] = await db
    .select({
      person: {
        id: people.id,
        attributor: people.attributor,
        alias: people.alias,
        fullName: people.fullName,
      },
      referringOrganisationName: organisations.name,
      referringUserName: users.name,
    })
    .from(referrals)
    .innerJoin(people, eq(people.id, referrals.personId))
    .innerJoin(organisations, eq(organisations.id, referrals.referringOrganisationId))
    .leftJoin(users, eq(users.id, referrals.referringUserId))
    .where(eq(referrals.id, referral.id));
  const [episode] = await db
    .select({ id: episodes.id })
    .from(episodes)
    .where(eq(episodes.referralId, referral.id));
  const history = await historyOf(db, [referral.id], true);
  return {
    id: referral.id,
    number: referral.number,
    reference: referralReference(referral.number),
    status: referral.status,
    failureReason: referral.failureReason,
    reason: referral.reason,
    source: referral.source,
    requestedAt: referral.requestedAt,
    statusChangedAt: referral.statusChangedAt,
    isRepresentation: referral.isRepresentation,
    person: details!.person,
    service: { id: referral.serviceId, name: referral.serviceName, code: referral.serviceCode },
    providerName: referral.providerName,
    referrer: { organisationName: details!.referringOrganisationName, userName: details!.referringUserName },
    ...referralWait(referral, localDay(now(ctx))),
    episodeId: episode?.id ?? null,
    history: history.get(referral.id) ?? [],
  };
}

/**
 * One referral: in full for its provider, status and dates only for the person who made it.
 * Anyone else is refused, whatever their organisation.
 */
export async function getReferral({ ctx, input }: VerbArgs<ReferralIdInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.refer, input.onBehalfOf);
  return ctx.db.transaction(async (tx) => {
    const referral = await referralFor(tx, acting, input.referralId);
    const isProvider = isReferralProvider(acting, referral);
    await audit(tx, ctx, {
      action: "read",
      entity: "referral",
      entityId: referral.id,
      personId: referral.personId,
    });
    return isProvider
      ? { view: "provider" as const, referral: await providerView(tx, ctx, referral) }
      : { view: "referrer" as const, referral: await referrerView(tx, referral) };
  });
}
