import { and, type Executor, episodes, eq, people, referrals, type SQL, services, sql } from "@pathways/db";
import { attributorOf, type PersonInput } from "@pathways/validators";
import type { Role } from "@pathways/validators/codes";
import { type AuditRecord, audit } from "./audit.ts";
import { type Ctx, now, type SystemActor, type UserActor } from "./context.ts";
import { Conflict, NotFound, NotYours, ValidationError } from "./errors.ts";

export type Person = typeof people.$inferSelect;

/**
 * Whoever a record rule is asked about: a signed-in user, the user a system job acts for (both carry a
 * role and an organisation), or Pathways itself (seed, import), which may touch every record.
 */
export type Accessor = SystemActor | { kind?: "user"; role: Role; organisationId: string; userId: string };

export function isSystem(actor: Accessor): actor is SystemActor {
  return "kind" in actor && actor.kind === "system";
}

/**
 * A treatment provider's clients: people referred to one of its services, with an episode there, or
 * recorded by it. A treatment manager reads and writes these people only.
 */
export function clientOf(organisationId: string): SQL {
  return sql`(${people.createdByOrganisationId} = ${organisationId}
    or exists (select 1 from ${referrals} inner join ${services} on ${services.id} = ${referrals.serviceId}
      where ${referrals.personId} = ${people.id} and ${services.organisationId} = ${organisationId})
    or exists (select 1 from ${episodes}
      where ${episodes.personId} = ${people.id} and ${episodes.providerOrganisationId} = ${organisationId}))`;
}

/**
 * THE PERSON RULE, as a condition on `people`: who may read a person, and write one (record consent,
 * resolve a flag, refer, start an episode, merge) where their role may write at all (rights.ts).
 * Outreach workers and admins: everyone (the partnership's street register is shared, so duplicates
 * are found). Treatment managers: their own provider's clients. Commissioners: no one.
 * Undefined means no restriction.
 */
export function visiblePeople(actor: Accessor): SQL | undefined {
  if (isSystem(actor)) return undefined;
  switch (actor.role) {
    case "outreach_worker":
    case "admin":
      return undefined;
    case "treatment_manager":
      return clientOf(actor.organisationId);
    case "commissioner":
      return sql`false`;
  }
}

/**
 * The person, when the actor may see them; otherwise refused exactly as a person who does not exist,
 * so a refusal names no one (not their attributor, not who holds them).
 */
export async function personFor(
  tx: Executor,
  actor: Accessor,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Person> {
  const query = tx
    .select()
    .from(people)
    .where(and(eq(people.id, id), visiblePeople(actor)));
  const [person] = options.lock ? await query.for("update") : await query;
  if (!person) throw new NotYours("person", id);
  return person;
}

/** A person whose record was merged into another takes no new records: they go on the survivor. */
export function refuseMerged(person: Pick<Person, "attributor" | "mergedIntoId">, what: string): void {
  if (person.mergedIntoId) {
    throw new Conflict(`${person.attributor} was merged into another person; ${what} on them instead.`);
  }
}

/** Only the treatment provider may record or see a person's full name (DOMAIN.md). */
export function seesFullName(actor: UserActor | SystemActor): boolean {
  return (
    actor.kind === "system" ||
    (actor.role === "treatment_manager" && actor.organisationKind === "treatment_provider")
  );
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

/** Keyset cursor over (time, id), newest first: the one cursor (cursor.ts), under the names its callers use. */
export { decodeCursor as parseTimeCursor, encodeCursor as timeCursor } from "./cursor.ts";

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
