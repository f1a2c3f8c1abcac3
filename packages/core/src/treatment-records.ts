import { and, type Executor, episodes, eq, keyworkers, organisations } from "@pathways/db";
import type { ActingUser } from "./acting.ts";
import { NotYours, ValidationError } from "./errors.ts";
import { visibleEpisodes } from "./record-access.ts";

/**
 * The episode, when the acting user may touch it (record-access.ts: its provider's treatment managers),
 * locked for the transaction when it is about to change; otherwise NotYours.
 */
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
    .where(and(eq(episodes.id, episodeId), visibleEpisodes(acting)));
  const [episode] = lock ? await query.for("update", { of: episodes }) : await query;
  if (!episode) throw new NotYours("episode", episodeId);
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
  // Another provider's keyworker is refused as one that does not exist, without their name.
  if (!keyworker || keyworker.organisationId !== acting.organisationId) {
    throw new NotYours("keyworker", keyworkerId);
  }
  if (!keyworker.active) {
    throw ValidationError.field(
      "keyworkerId",
      `${keyworker.name} no longer takes a caseload; choose another keyworker.`,
    );
  }
  return keyworker;
}
