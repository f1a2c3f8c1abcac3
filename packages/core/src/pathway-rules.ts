import {
  and,
  type Executor,
  episodes,
  eq,
  inArray,
  keyworkers,
  organisations,
  people,
  type SQL,
  sql,
  users,
} from "@pathways/db";
import {
  type DischargeReason,
  fieldErrors,
  type Role,
  type SubstanceGroup,
  successfulDischargeReasons,
} from "@pathways/validators";
import type { z } from "zod";
import { addDays } from "./calendar.ts";
import type { Ctx } from "./context.ts";
import { Conflict, Forbidden, NotFound, ValidationError } from "./errors.ts";
import { requireRoleOrSystem } from "./rights.ts";

/** The user a verb acts for: the signed-in user, or the user a system job (seed, import) names. */
export interface ActingUser {
  userId: string;
  name: string;
  role: Role;
  organisationId: string;
  organisationName: string;
}

/** Lets Pathways itself (seed, import) act for a named user; never reachable through the API. */
export interface OnBehalf {
  onBehalfOf?: string;
}

/**
 * Checks the actor may use a verb and says who it acts for. A system job must name a user with one of
 * `roles`, so records always carry a real referrer or manager and every rule applies to it as well.
 */
export async function actingUser(
  ctx: Ctx,
  roles: readonly Role[],
  onBehalfOf: string | undefined,
): Promise<ActingUser> {
  const actor = requireRoleOrSystem(ctx.actor, roles);
  if (actor.kind === "user") {
    if (onBehalfOf && onBehalfOf !== actor.userId) throw new Forbidden("You can only act as yourself.");
    return {
      userId: actor.userId,
      name: actor.name,
      role: actor.role,
      organisationId: actor.organisationId,
      organisationName: actor.organisationName,
    };
  }
  if (!onBehalfOf) throw new Forbidden("A system job must say which user it acts for.");
  const [user] = await ctx.db
    .select({
      userId: users.id,
      name: users.name,
      role: users.role,
      organisationId: users.organisationId,
      organisationName: organisations.name,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, onBehalfOf));
  if (!user) throw new NotFound("user", onBehalfOf);
  if (!roles.includes(user.role)) throw new Forbidden(`${user.name} may not do this in their role.`);
  return user;
}

/**
 * Re-checks input against its schema in core, so a caller that skips the API (CLI, import, seed)
 * meets the same rules and the same per-field messages.
 */
export function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = fieldErrors(result.error);
  const summary = Object.values(fields).flat().join("; ");
  throw new ValidationError(`Please check: ${summary}`, fields);
}

/** How people quote a referral on the phone. */
export function referralReference(number: number): string {
  return `R-${number}`;
}

/**
 * A successful discharge (DOMAIN.md): a successful reason, and for an opiate client not still on
 * opioid substitution at exit.
 */
export function isSuccessfulDischarge(episode: {
  dischargeReason: DischargeReason | null;
  substanceGroup: SubstanceGroup;
  ostAtExit: boolean | null;
}): boolean {
  if (!episode.dischargeReason) return false;
  if (!(successfulDischargeReasons as readonly string[]).includes(episode.dischargeReason)) return false;
  return !(episode.substanceGroup === "opiate" && episode.ostAtExit === true);
}

/** Re-presentation: a new episode or treatment referral within this many days after a successful discharge. */
export const representationWindowDays = 182;

/** SQL for "this episode row ended in a successful discharge", matching isSuccessfulDischarge. */
export function successfulDischargeSql(): SQL {
  return sql`(${inArray(episodes.dischargeReason, [...successfulDischargeReasons])} and not (${episodes.substanceGroup} = 'opiate' and coalesce(${episodes.ostAtExit}, false)))`;
}

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
        successfulDischargeSql(),
        sql`${episodes.dischargedOn} < ${day}::date`,
        sql`${day}::date <= ${episodes.dischargedOn} + ${representationWindowDays}::int`,
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

/** A person who can be referred or treated: present, and not merged into another record. */
export async function loadPerson(db: Executor, personId: string) {
  const [person] = await db
    .select({
      id: people.id,
      attributor: people.attributor,
      alias: people.alias,
      fullName: people.fullName,
      dateOfBirth: people.dateOfBirth,
      sex: people.sex,
      mergedIntoId: people.mergedIntoId,
    })
    .from(people)
    .where(eq(people.id, personId));
  if (!person) throw new NotFound("person", personId);
  if (person.mergedIntoId) {
    throw new Conflict(
      `${person.attributor} was merged into another record; use the record they were merged into.`,
    );
  }
  return person;
}

/** The episode, locked for the transaction when it is about to change, refused outside its provider. */
export async function loadEpisode(db: Executor, acting: ActingUser, episodeId: string, lock = false) {
  const query = db
    .select({
      id: episodes.id,
      personId: episodes.personId,
      providerOrganisationId: episodes.providerOrganisationId,
      providerName: organisations.name,
      keyworkerId: episodes.keyworkerId,
      substanceGroup: episodes.substanceGroup,
      referralId: episodes.referralId,
      startedOn: episodes.startedOn,
      dischargedOn: episodes.dischargedOn,
      dischargeReason: episodes.dischargeReason,
      ostAtExit: episodes.ostAtExit,
      isRepresentation: episodes.isRepresentation,
      atRiskSince: episodes.atRiskSince,
    })
    .from(episodes)
    .innerJoin(organisations, eq(organisations.id, episodes.providerOrganisationId))
    .where(eq(episodes.id, episodeId));
  const [episode] = lock ? await query.for("update", { of: episodes }) : await query;
  if (!episode) throw new NotFound("episode", episodeId);
  if (episode.providerOrganisationId !== acting.organisationId) {
    throw new Forbidden(
      `This episode is with ${episode.providerName}; only its own treatment managers can see it.`,
    );
  }
  return episode;
}
export type EpisodeRow = Awaited<ReturnType<typeof loadEpisode>>;

export async function requireKeyworker(db: Executor, acting: ActingUser, keyworkerId: string) {
  const [keyworker] = await db
    .select({
      id: keyworkers.id,
      name: keyworkers.name,
      organisationId: keyworkers.organisationId,
      active: keyworkers.active,
    })
    .from(keyworkers)
    .where(eq(keyworkers.id, keyworkerId));
  if (!keyworker) throw new NotFound("keyworker", keyworkerId);
  if (keyworker.organisationId !== acting.organisationId) {
    throw ValidationError.field(
      "keyworkerId",
      `${keyworker.name} is not a keyworker of ${acting.organisationName}.`,
    );
  }
  if (!keyworker.active) {
    throw ValidationError.field(
      "keyworkerId",
      `${keyworker.name} no longer takes a caseload; choose another keyworker.`,
    );
  }
  return keyworker;
}

/** Keyset cursor: the last row's sort time and id. */
export function encodeCursor(at: Date | string, id: string): string {
  return `${typeof at === "string" ? at : at.toISOString()}_${id}`;
}

export function decodeCursor(cursor: string): { at: string; id: string } {
  const match =
    /^(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}\.\d{3}Z)?)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
      cursor,
    );
  if (!match || Number.isNaN(Date.parse(match[1]!))) {
    throw ValidationError.field("cursor", "cursor is not valid; start again from the first page");
  }
  return { at: match[1]!, id: match[2]! };
}
