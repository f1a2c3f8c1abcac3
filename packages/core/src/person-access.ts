import { and, type Executor, episodes, eq, people, referrals, type SQL, services, sql } from "@pathways/db";
import { attributorOf, type PersonInput } from "@pathways/validators";
import type { Role } from "@pathways/validators/codes";
import { type AuditRecord, audit } from "./audit.ts";
import { type Ctx, now, type SystemActor, type UserActor } from "./context.ts";
import { Forbidden, NotFound, ValidationError } from "./errors.ts";

/** Roles that read person-level records (commissioners never do). */
export const personReaderRoles = ["outreach_worker", "treatment_manager", "admin"] as const satisfies Role[];

export type Person = typeof people.$inferSelect;

/**
 * Treatment managers see their own provider's clients only: people referred to one of its services,
 * with an episode there, or recorded by it. Outreach workers and admins see everyone.
 */
export function clientOf(organisationId: string): SQL {
  return sql`(${people.createdByOrganisationId} = ${organisationId}
    or exists (select 1 from ${referrals} inner join ${services} on ${services.id} = ${referrals.serviceId}
      where ${referrals.personId} = ${people.id} and ${services.organisationId} = ${organisationId})
    or exists (select 1 from ${episodes}
      where ${episodes.personId} = ${people.id} and ${episodes.providerOrganisationId} = ${organisationId}))`;
}

/** The condition a list of people is filtered by for this actor, or undefined when they see everyone. */
export function visiblePeople(actor: UserActor | SystemActor): SQL | undefined {
  return actor.kind === "user" && actor.role === "treatment_manager"
    ? clientOf(actor.organisationId)
    : undefined;
}

/** Refuses a treatment manager a person who is not their provider's client. */
export async function assertMayReadPerson(tx: Executor, actor: UserActor | SystemActor, person: Person) {
  const condition = visiblePeople(actor);
  if (!condition || actor.kind !== "user") return;
  const [row] = await tx
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.id, person.id), clientOf(actor.organisationId)));
  if (!row) {
    throw new Forbidden(
      `${person.attributor} is not a client of ${actor.organisationName}; treatment managers see their own provider's clients only.`,
    );
  }
}

/** Only the treatment provider may record or see a person's full name (DOMAIN.md). */
export function seesFullName(actor: UserActor | SystemActor): boolean {
  return (
    actor.kind === "system" ||
    (actor.role === "treatment_manager" && actor.organisationKind === "treatment_provider")
  );
}

export async function loadPerson(
  tx: Executor,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Person> {
  const query = tx.select().from(people).where(eq(people.id, id));
  const [person] = options.lock ? await query.for("update") : await query;
  if (!person) throw new NotFound("person", id);
  return person;
}

/**
 * The person a record should be attached to now: a merged person's survivor (following a chain of
 * merges). A contact queued offline for someone who has since been merged lands on the survivor.
 */
export async function currentPerson(tx: Executor, id: string, field: string): Promise<Person> {
  const seen = new Set<string>();
  let [person] = await tx.select().from(people).where(eq(people.id, id));
  if (!person) {
    throw ValidationError.field(
      field,
      `No person ${id} was found; search again or add them as a new person.`,
    );
  }
  while (person.mergedIntoId && !seen.has(person.id)) {
    seen.add(person.id);
    [person] = await tx.select().from(people).where(eq(people.id, person.mergedIntoId));
    if (!person) throw new NotFound("person", id);
  }
  return person;
}

/** What a reader sees of a person: the full name only when they are the treatment provider. */
export function personView(person: Person, actor: UserActor | SystemActor) {
  return {
    id: person.id,
    attributor: person.attributor,
    firstInitial: person.firstInitial,
    surnameInitial: person.surnameInitial,
    dateOfBirth: person.dateOfBirth,
    sex: person.sex,
    alias: person.alias,
    partialPostcode: person.partialPostcode,
    ...(seesFullName(actor) ? { fullName: person.fullName } : {}),
    mergedIntoId: person.mergedIntoId,
    createdAt: person.createdAt,
  };
}
export type PersonView = ReturnType<typeof personView>;

/** Audit records with each record once, however many times a verb touched it. */
export function oncePerRecord(records: AuditRecord[]): AuditRecord[] {
  const seen = new Map<string, AuditRecord>();
  for (const record of records) seen.set(`${record.action}:${record.entity}:${record.entityId}`, record);
  return [...seen.values()];
}

/** Keyset cursor over (time, id), newest first: opaque to clients, checked when it comes back. */
export function timeCursor(at: Date, id: string): string {
  return `${at.toISOString()}_${id}`;
}

export function parseTimeCursor(cursor: string): { at: string; id: string } {
  const match =
    /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
      cursor,
    );
  const at = match ? new Date(match[1]!) : null;
  if (!match || !at || Number.isNaN(at.getTime()) || at.toISOString() !== match[1]) {
    throw ValidationError.field("cursor", "cursor is not valid; start again from the first page");
  }
  return { at: match[1]!, id: match[2]! };
}

/**
 * Adds a person on an open transaction (logContact uses it to add the person met with the contact).
 * Only the treatment provider may record a full name.
 */
export async function insertPerson(
  tx: Executor,
  ctx: Ctx,
  actor: UserActor | SystemActor,
  input: PersonInput,
  fieldPrefix = "",
): Promise<Person> {
  if (input.fullName && !seesFullName(actor)) {
    throw ValidationError.field(
      `${fieldPrefix}fullName`,
      "only the treatment provider may record a full name; leave it blank",
    );
  }
  const [person] = await tx
    .insert(people)
    .values({
      attributor: attributorOf(input),
      firstInitial: input.firstInitial,
      surnameInitial: input.surnameInitial,
      dateOfBirth: input.dateOfBirth,
      sex: input.sex,
      alias: input.alias ?? null,
      partialPostcode: input.partialPostcode ?? null,
      fullName: input.fullName ?? null,
      createdByUserId: actor.kind === "user" ? actor.userId : null,
      createdByOrganisationId: actor.kind === "user" ? actor.organisationId : null,
      createdAt: now(ctx),
    })
    .returning();
  await audit(tx, ctx, { action: "create", entity: "person", entityId: person!.id, personId: person!.id });
  return person!;
}
