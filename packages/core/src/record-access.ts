import {
  and,
  appointments,
  contacts,
  type Executor,
  episodes,
  eq,
  people,
  referrals,
  type SQL,
  safeguardingFlags,
  services,
  sql,
  treatmentInterventions,
} from "@pathways/db";
import { NotYours } from "./errors.ts";
import { type Accessor, isSystem, visiblePeople } from "./person-access.ts";

/*
 * One access rule per kind of record (the person's is in person-access.ts). Each is a condition the
 * loader of that record puts in its own query, and each refusal is NotYours: "not found or not yours",
 * the same code and words whether the id does not exist or belongs to someone else. Which roles may
 * call a verb at all is rights.ts's verbRoles; these rules say which records that caller may touch.
 */

/**
 * THE CONTACT RULE. Reading: a contact logged by one's own organisation, or about a person one may read
 * (outreach workers and admins: every contact; a treatment manager: their clients' contacts).
 * Building on it (a referral from a contact): one's own organisation's contacts only.
 */
export function visibleContacts(actor: Accessor, use: "read" | "refer"): SQL | undefined {
  if (isSystem(actor)) return undefined;
  const own = eq(contacts.organisationId, actor.organisationId);
  if (use === "refer") return own;
  const person = visiblePeople(actor);
  if (!person) return undefined;
  return sql`(${own} or exists (select 1 from ${people} where ${people.id} = ${contacts.personId} and ${person}))`;
}

/** A contact the actor may use as `use`, or NotYours. */
export async function contactFor(tx: Executor, actor: Accessor, id: string, use: "read" | "refer") {
  const [contact] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, id), visibleContacts(actor, use)));
  if (!contact) throw new NotYours("contact", id);
  return contact;
}

/**
 * THE REFERRAL RULE. A referral is seen and worked by the treatment managers of the provider it is to,
 * and seen (status and dates only) and cancelled by the user who made it. No one else, whatever their
 * organisation. A condition on `referrals` joined to its `services`.
 */
export function visibleReferrals(actor: Accessor): SQL | undefined {
  if (isSystem(actor)) return undefined;
  const mine = eq(referrals.referringUserId, actor.userId);
  return actor.role === "treatment_manager"
    ? sql`(${mine} or ${services.organisationId} = ${actor.organisationId})`
    : mine;
}

/** Whether the actor is the provider the referral is to (they see it in full and move it). */
export function isReferralProvider(actor: Accessor, referral: { providerOrganisationId: string }): boolean {
  return (
    !isSystem(actor) &&
    actor.role === "treatment_manager" &&
    actor.organisationId === referral.providerOrganisationId
  );
}

/**
 * THE EPISODE RULE: treatment is the provider's. An episode, and what hangs off it (appointments,
 * interventions, TOP reviews), is read and written by its provider's treatment managers only.
 * A condition on `episodes`.
 */
export function visibleEpisodes(actor: Accessor): SQL | undefined {
  if (isSystem(actor)) return undefined;
  return actor.role === "treatment_manager"
    ? eq(episodes.providerOrganisationId, actor.organisationId)
    : sql`false`;
}

/** The episode an appointment belongs to, when the actor may touch it; otherwise NotYours. */
export async function appointmentFor(tx: Executor, actor: Accessor, id: string) {
  const [appointment] = await tx
    .select({
      id: appointments.id,
      episodeId: appointments.episodeId,
      scheduledAt: appointments.scheduledAt,
    })
    .from(appointments)
    .innerJoin(episodes, eq(episodes.id, appointments.episodeId))
    .where(and(eq(appointments.id, id), visibleEpisodes(actor)));
  if (!appointment) throw new NotYours("appointment", id);
  return appointment;
}

/** A treatment intervention, when the actor may touch its episode; otherwise NotYours. */
export async function interventionFor(tx: Executor, actor: Accessor, id: string) {
  const [row] = await tx
    .select({ intervention: treatmentInterventions })
    .from(treatmentInterventions)
    .innerJoin(episodes, eq(episodes.id, treatmentInterventions.episodeId))
    .where(and(eq(treatmentInterventions.id, id), visibleEpisodes(actor)));
  if (!row) throw new NotYours("intervention", id);
  return row.intervention;
}

/**
 * THE SAFEGUARDING FLAG RULE: a flag is the person's, so whoever may read the person may read it, and
 * whoever may write the person (rights.ts: writePeople) may resolve it. Locked when about to change.
 */
export async function safeguardingFlagFor(
  tx: Executor,
  actor: Accessor,
  id: string,
  options: { lock?: boolean } = {},
) {
  const query = tx
    .select({ flag: safeguardingFlags })
    .from(safeguardingFlags)
    .innerJoin(people, eq(people.id, safeguardingFlags.personId))
    .where(and(eq(safeguardingFlags.id, id), visiblePeople(actor)));
  const [row] = options.lock ? await query.for("update", { of: safeguardingFlags }) : await query;
  if (!row) throw new NotYours("safeguarding flag", id);
  return row.flag;
}

/**
 * THE COMMUNITY REPORT RULE: reports come from the public about places, not people, and every triage
 * role (rights.ts: triage) works the whole queue, so there is no narrower condition; a missing report
 * (or an update of one) is refused in the same words as any other record.
 */
export function communityReportNotYours(id: string): NotYours {
  return new NotYours("community report", id);
}
