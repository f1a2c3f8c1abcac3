import {
  and,
  asc,
  episodes,
  eq,
  inArray,
  isNull,
  keyworkers,
  organisations,
  people,
  queryRows,
  referrals,
  type SQL,
  services,
  sql,
  users,
} from "@pathways/db";
import {
  type CaseloadInput,
  KeyworkerInput,
  KeyworkerUpdate,
  openReferralStatuses,
  ReassignEpisodeInput,
  type SubstanceGroup,
  type WaitingListInput,
  waitingThresholdDays,
} from "@pathways/validators";
import { actingUser, type OnBehalf, validated } from "./acting.ts";
import { audit } from "./audit.ts";
import { addDays, daysBetween, localDay, localDaySql } from "./calendar.ts";
import { now, type VerbArgs } from "./context.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { Conflict, NotYours, ValidationError } from "./errors.ts";
import { referralReference } from "./referral-reference.ts";
import { referralWait, staleAfterDays } from "./referrals/status.ts";
import { verbRoles } from "./rights.ts";
import { startTopWithinDays, topReviewIntervalDays } from "./rules/pathway-windows.ts";
import { loadEpisode, requireKeyworker } from "./treatment-records.ts";

/** An instant as ISO-8601 in SQL, so both drivers hand back the same string. */
function isoInstant(value: SQL): SQL {
  return sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * The provider's open episodes with what a caseload shows. `next_top_due` follows nextTopDue() in
 * rules/pathway-windows.ts: two weeks after the start until the start TOP, then 182 days after the latest
 * start or review.
 */
function openEpisodes(organisationId: string): SQL {
  return sql`
    select e.id, e.person_id, e.keyworker_id, e.substance_group, e.started_on, e.is_representation,
      e.at_risk_since,
      (select max(a.scheduled_at) from appointments a
        where a.episode_id = e.id and a.outcome = 'attended') as last_attended_at,
      (select case when bool_or(r.stage = 'start')
          then max(r.completed_on) filter (where r.stage <> 'exit') + ${topReviewIntervalDays}::int
          else e.started_on + ${startTopWithinDays}::int end
        from top_reviews r where r.episode_id = e.id) as next_top_due,
      (select string_agg(distinct f.concern::text, ',') from safeguarding_flags f
        where f.person_id = e.person_id and f.resolved_at is null) as safeguarding
    from episodes e
    where e.provider_organisation_id = ${organisationId} and e.discharged_on is null`;
}

interface CaseloadRow {
  id: string;
  personId: string;
  attributor: string;
  alias: string | null;
  fullName: string | null;
  keyworkerId: string | null;
  keyworkerName: string | null;
  substanceGroup: SubstanceGroup;
  startedOn: string;
  isRepresentation: boolean;
  atRiskSince: string | null;
  lastAttendedAt: string | null;
  nextTopDue: string;
  safeguarding: string | null;
}

/**
 * A caseload: the provider's open episodes (one keyworker's, the unassigned, or all), with days in
 * treatment, last attended appointment, next TOP due, and at-risk and open safeguarding flags.
 * Longest in treatment first, a page at a time.
 */
export async function listCaseload({ ctx, input }: VerbArgs<CaseloadInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
  const today = localDay(now(ctx));
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const conditions: SQL[] = [sql`true`];
  if (input.keyworkerId === "unassigned") conditions.push(sql`c.keyworker_id is null`);
  else if (input.keyworkerId) conditions.push(sql`c.keyworker_id = ${input.keyworkerId}`);
  if (input.show === "at_risk") conditions.push(sql`c.at_risk_since is not null`);
  if (input.show === "top_overdue") conditions.push(sql`c.next_top_due < ${today}::date`);
  if (cursor) conditions.push(sql`(c.started_on, c.id) > (${cursor.at}::date, ${cursor.id}::uuid)`);
  return ctx.db.transaction(async (tx) => {
    const rows = await queryRows<CaseloadRow>(
      tx,
      sql`with c as (${openEpisodes(acting.organisationId)})
        select c.id, c.person_id as "personId", p.attributor, p.alias, p.full_name as "fullName",
          c.keyworker_id as "keyworkerId", k.name as "keyworkerName", c.substance_group::text as "substanceGroup",
          c.started_on::text as "startedOn", c.is_representation as "isRepresentation",
          ${isoInstant(sql`c.at_risk_since`)} as "atRiskSince",
          ${isoInstant(sql`c.last_attended_at`)} as "lastAttendedAt",
          c.next_top_due::text as "nextTopDue", c.safeguarding
        from c
        join people p on p.id = c.person_id
        left join keyworkers k on k.id = c.keyworker_id
        where ${sql.join(conditions, sql` and `)}
        order by c.started_on, c.id
        limit ${input.limit + 1}`,
    );
    const page = rows.slice(0, input.limit);
    await audit(
      tx,
      ctx,
      page.map((row) => ({ action: "list", entity: "episode", entityId: row.id, personId: row.personId })),
    );
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        id: row.id,
        person: { id: row.personId, attributor: row.attributor, alias: row.alias, fullName: row.fullName },
        keyworker: row.keyworkerId ? { id: row.keyworkerId, name: row.keyworkerName! } : null,
        substanceGroup: row.substanceGroup,
        startedOn: row.startedOn,
        daysInTreatment: daysBetween(row.startedOn, today),
        isRepresentation: row.isRepresentation,
        atRiskSince: row.atRiskSince ? new Date(row.atRiskSince) : null,
        lastAttendedAt: row.lastAttendedAt ? new Date(row.lastAttendedAt) : null,
        nextTopDue: row.nextTopDue,
        topOverdue: today > row.nextTopDue,
        safeguardingConcerns: row.safeguarding ? row.safeguarding.split(",").sort() : [],
      })),
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.startedOn, last.id) : null,
    };
  });
}

/**
 * The provider's keyworkers with the size and state of each caseload (counts only, no person), and the
 * open episodes no keyworker holds.
 */
export async function listKeyworkers({ ctx, input }: VerbArgs<OnBehalf | undefined>) {
  const acting = await actingUser(ctx, verbRoles.treat, input?.onBehalfOf);
  const today = localDay(now(ctx));
  const counts = await queryRows<{
    keyworkerId: string | null;
    active: number;
    atRisk: number;
    topOverdue: number;
  }>(
    ctx.db,
    sql`with c as (${openEpisodes(acting.organisationId)})
      select c.keyworker_id as "keyworkerId", count(*)::int as active,
        (count(*) filter (where c.at_risk_since is not null))::int as "atRisk",
        (count(*) filter (where c.next_top_due < ${today}::date))::int as "topOverdue"
      from c group by c.keyworker_id`,
  );
  const rows = await ctx.db
    .select({ id: keyworkers.id, name: keyworkers.name, active: keyworkers.active })
    .from(keyworkers)
    .where(eq(keyworkers.organisationId, acting.organisationId))
    .orderBy(asc(keyworkers.name));
  const none = { active: 0, atRisk: 0, topOverdue: 0 };
  const countsOf = (keyworkerId: string | null) => {
    const row = counts.find((count) => count.keyworkerId === keyworkerId);
    return row ? { active: row.active, atRisk: row.atRisk, topOverdue: row.topOverdue } : none;
  };
  return {
    keyworkers: rows.map((keyworker) => ({ ...keyworker, caseload: countsOf(keyworker.id) })),
    unassigned: countsOf(null),
  };
}

export async function createKeyworker({ ctx, input }: VerbArgs<KeyworkerInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
  const keyworker = validated(KeyworkerInput, input);
  return ctx.db.transaction(async (tx) => {
    const [same] = await tx
      .select({ id: keyworkers.id })
      .from(keyworkers)
      .where(
        and(
          eq(keyworkers.organisationId, acting.organisationId),
          sql`lower(${keyworkers.name}) = lower(${keyworker.name})`,
        ),
      );
    if (same)
      throw new Conflict(`${acting.organisationName} already has a keyworker called ${keyworker.name}.`);
    const [created] = await tx
      .insert(keyworkers)
      .values({ name: keyworker.name, organisationId: acting.organisationId })
      .returning({ id: keyworkers.id, name: keyworkers.name, active: keyworkers.active });
    return created!;
  });
}

/** Renames a keyworker, or stops or restarts their caseload; one who still holds episodes cannot stop. */
export async function updateKeyworker({ ctx, input }: VerbArgs<KeyworkerUpdate & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
  const change = validated(KeyworkerUpdate, input);
  return ctx.db.transaction(async (tx) => {
    const [keyworker] = await tx
      .select({ id: keyworkers.id, name: keyworkers.name, organisationId: keyworkers.organisationId })
      .from(keyworkers)
      .where(eq(keyworkers.id, change.keyworkerId));
    if (!keyworker || keyworker.organisationId !== acting.organisationId) {
      throw new NotYours("keyworker", change.keyworkerId);
    }
    if (change.active === false) {
      const open = await tx
        .select({ id: episodes.id })
        .from(episodes)
        .where(and(eq(episodes.keyworkerId, keyworker.id), isNull(episodes.dischargedOn)));
      if (open.length > 0) {
        throw new Conflict(
          `${keyworker.name} still holds ${open.length} open episode${open.length === 1 ? "" : "s"}; reassign them first.`,
        );
      }
    }
    const [updated] = await tx
      .update(keyworkers)
      .set({
        ...(change.name === undefined ? {} : { name: change.name }),
        ...(change.active === undefined ? {} : { active: change.active }),
      })
      .where(eq(keyworkers.id, keyworker.id))
      .returning({ id: keyworkers.id, name: keyworkers.name, active: keyworkers.active });
    return updated!;
  });
}

/** Moves an open episode to another of the provider's keyworkers. */
export async function reassignEpisode({ ctx, input }: VerbArgs<ReassignEpisodeInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
  const change = validated(ReassignEpisodeInput, input);
  return ctx.db.transaction(async (tx) => {
    const episode = await loadEpisode(tx, acting, change.episodeId, true);
    if (episode.dischargedOn) {
      throw new Conflict(`This episode was discharged on ${episode.dischargedOn}; it keeps its keyworker.`);
    }
    const keyworker = await requireKeyworker(tx, acting, change.keyworkerId);
    if (episode.keyworkerId === keyworker.id) {
      throw ValidationError.field("keyworkerId", `${keyworker.name} is already this episode's keyworker`);
    }
    await tx.update(episodes).set({ keyworkerId: keyworker.id }).where(eq(episodes.id, episode.id));
    await audit(tx, ctx, {
      action: "update",
      entity: "episode",
      entityId: episode.id,
      personId: episode.personId,
    });
    return { id: episode.id, keyworker: { id: keyworker.id, name: keyworker.name } };
  });
}

/**
 * The waiting list: referrals to the provider's services not yet started, longest waiting first, with
 * days waiting (over 21 highlighted) and days since the last movement (7 or more is "stale").
 */
export async function listWaitingList({ ctx, input }: VerbArgs<WaitingListInput & OnBehalf>) {
  const acting = await actingUser(ctx, verbRoles.treat, input.onBehalfOf);
  const today = localDay(now(ctx));
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  // Over 21 days waiting: requested before today - 21. Stale: last moved on or before today - 7.
  const longWait = sql`${localDaySql(referrals.requestedAt)} < ${addDays(today, -waitingThresholdDays)}::date`;
  const stale = sql`${localDaySql(referrals.statusChangedAt)} <= ${addDays(today, -staleAfterDays)}::date`;
  const base = and(
    eq(services.organisationId, acting.organisationId),
    inArray(referrals.status, [...openReferralStatuses]),
    input.serviceId ? eq(referrals.serviceId, input.serviceId) : undefined,
  );
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: referrals.id,
        number: referrals.number,
        personId: referrals.personId,
        attributor: people.attributor,
        alias: people.alias,
        fullName: people.fullName,
        serviceId: services.id,
        serviceName: services.name,
        serviceCode: services.code,
        referringOrganisationName: organisations.name,
        referringUserName: users.name,
        source: referrals.source,
        reason: referrals.reason,
        status: referrals.status,
        requestedAt: referrals.requestedAt,
        statusChangedAt: referrals.statusChangedAt,
        isRepresentation: referrals.isRepresentation,
      })
      .from(referrals)
      .innerJoin(services, eq(services.id, referrals.serviceId))
      .innerJoin(people, eq(people.id, referrals.personId))
      .innerJoin(organisations, eq(organisations.id, referrals.referringOrganisationId))
      .leftJoin(users, eq(users.id, referrals.referringUserId))
      .where(
        and(
          base,
          input.show === "over_21_days" ? longWait : undefined,
          input.show === "stale" ? stale : undefined,
          cursor
            ? sql`(${referrals.requestedAt}, ${referrals.id}) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(asc(referrals.requestedAt), asc(referrals.id))
      .limit(input.limit + 1);
    const [totals] = await tx
      .select({
        all: sql<number>`count(*)::int`,
        over21Days: sql<number>`(count(*) filter (where ${longWait}))::int`,
        stale: sql<number>`(count(*) filter (where ${stale}))::int`,
      })
      .from(referrals)
      .innerJoin(services, eq(services.id, referrals.serviceId))
      .where(base);
    const page = rows.slice(0, input.limit);
    await audit(
      tx,
      ctx,
      page.map((row) => ({ action: "list", entity: "referral", entityId: row.id, personId: row.personId })),
    );
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        id: row.id,
        number: row.number,
        reference: referralReference(row.number),
        person: { id: row.personId, attributor: row.attributor, alias: row.alias, fullName: row.fullName },
        service: { id: row.serviceId, name: row.serviceName, code: row.serviceCode },
        referrer: { organisationName: row.referringOrganisationName, userName: row.referringUserName },
        source: row.source,
        reason: row.reason,
        status: row.status,
        requestedAt: row.requestedAt,
        statusChangedAt: row.statusChangedAt,
        isRepresentation: row.isRepresentation,
        ...referralWait(row, today),
      })),
      counts: totals ?? { all: 0, over21Days: 0, stale: 0 },
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.requestedAt, last.id) : null,
    };
  });
}
