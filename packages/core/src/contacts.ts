import {
  and,
  auditEvents,
  contactInterventions,
  contacts,
  desc,
  type Executor,
  eq,
  hotspots,
  inArray,
  people,
  placeholderFor,
  preparedStatement,
  type SQL,
  safeguardingFlags,
  sql,
  users,
} from "@pathways/db";
import type { ContactInput, PageInput, PersonContactsInput } from "@pathways/validators";
import { type AuditRecord, audit } from "./audit.ts";
import { requireHotspot, storeOnce } from "./client-key.ts";
import { actorName, type Ctx, type SystemActor, type UserActor, type VerbArgs } from "./context.ts";
import { currentPerson, insertPerson, parseTimeCursor, personFor, timeCursor } from "./person-access.ts";
import { requireRole, requireRoleOrSystem, verbRoles } from "./rights.ts";

/** The worker a record is logged for: the signed-in user, or the one a system job (the seed) names. */
export interface LoggedBy {
  userId: string;
  organisationId: string;
}

export function workerOf(actor: UserActor | SystemActor, loggedBy: LoggedBy | undefined): LoggedBy {
  if (actor.kind === "user") return { userId: actor.userId, organisationId: actor.organisationId };
  if (!loggedBy) throw new Error("A system job logging a record must say which worker it is logged for.");
  return loggedBy;
}

type ContactRow = typeof contacts.$inferSelect;
/** What a view shows of a contact row: everything but when the row was written. */
type ContactFields = Omit<ContactRow, "createdAt">;

/** What a contact view names besides the contact row itself. */
interface ViewLookups {
  interventions: Pick<typeof contactInterventions.$inferSelect, "contactId" | "intervention" | "quantity">[];
  hotspotName: Map<string, string>;
  person: Map<string, { attributor: string; alias: string | null }>;
  workerName: Map<string, string>;
}

function toContactView(row: ContactFields, lookups: ViewLookups) {
  const { interventions, hotspotName, person, workerName } = lookups;
  return {
    id: row.id,
    clientKey: row.clientKey,
    occurredAt: row.occurredAt,
    hotspotId: row.hotspotId,
    hotspotName: row.hotspotId ? (hotspotName.get(row.hotspotId) ?? null) : null,
    location: row.location,
    lat: row.lat,
    lng: row.lng,
    contactType: row.contactType,
    substances: row.substances,
    safeguardingConcerns: row.safeguardingConcerns,
    interventions: interventions
      .filter((item) => item.contactId === row.id)
      .map((item) => ({ intervention: item.intervention, quantity: item.quantity })),
    notes: row.notes,
    personId: row.personId,
    personAttributor: row.personId ? (person.get(row.personId)?.attributor ?? null) : null,
    personAlias: row.personId ? (person.get(row.personId)?.alias ?? null) : null,
    workerName: workerName.get(row.workerId) ?? null,
  };
}

/** Contacts as readers see them: hotspot name, person attributor and interventions filled in. */
async function contactViews(tx: Executor, rows: ContactRow[]) {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const hotspotIds = [...new Set(rows.flatMap((row) => (row.hotspotId ? [row.hotspotId] : [])))];
  const personIds = [...new Set(rows.flatMap((row) => (row.personId ? [row.personId] : [])))];
  const workerIds = [...new Set(rows.map((row) => row.workerId))];
  const [interventionRows, hotspotRows, personRows, workerRows] = [
    await tx.select().from(contactInterventions).where(inArray(contactInterventions.contactId, ids)),
    hotspotIds.length
      ? await tx
          .select({ id: hotspots.id, name: hotspots.name })
          .from(hotspots)
          .where(inArray(hotspots.id, hotspotIds))
      : [],
    personIds.length
      ? await tx
          .select({ id: people.id, attributor: people.attributor, alias: people.alias })
          .from(people)
          .where(inArray(people.id, personIds))
      : [],
    await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, workerIds)),
  ];
  const lookups: ViewLookups = {
    interventions: interventionRows,
    hotspotName: new Map(hotspotRows.map((row) => [row.id, row.name])),
    person: new Map(personRows.map((row) => [row.id, row])),
    workerName: new Map(workerRows.map((row) => [row.id, row.name])),
  };
  return rows.map((row) => toContactView(row, lookups));
}
export type ContactView = Awaited<ReturnType<typeof contactViews>>[number];

function contactAudit(action: AuditRecord["action"], contact: { id: string; personId: string | null }) {
  return {
    action,
    entity: "contact",
    entityId: contact.id,
    personId: contact.personId,
  } satisfies AuditRecord;
}

/** A contact's columns as a worker logs it. */
function contactFields(
  input: ContactInput,
  worker: LoggedBy,
  personId: string | null,
): Omit<ContactFields, "id"> {
  return {
    clientKey: input.clientKey,
    occurredAt: input.occurredAt,
    hotspotId: input.hotspotId ?? null,
    location: input.location ?? null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    workerId: worker.userId,
    organisationId: worker.organisationId,
    personId,
    contactType: input.contactType,
    substances: input.substances,
    safeguardingConcerns: input.safeguardingConcerns,
    notes: input.notes ?? null,
  };
}

/**
 * Logs a contact. Idempotent on `clientKey`: a device that resends (after a lost response, or twice
 * at once) gets the stored contact back and nothing new is created. Each safeguarding concern raises
 * an open safeguarding flag on the person met.
 */
export async function logContact({
  ctx,
  input,
  loggedBy,
}: VerbArgs<ContactInput> & { loggedBy?: LoggedBy }): Promise<ContactView & { replayed: boolean }> {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.logOutreach);
  if (actor.kind === "user" && !input.newPerson) {
    const logged = await logContactInOneStatement(ctx, actor, input);
    if (logged) return logged;
  }
  return logContactInTransaction(ctx, actor, workerOf(actor, loggedBy), input);
}

/**
 * Logs a contact step by step in one transaction, stored once by its client key (client-key.ts): a
 * resend, a new person, a merged person, a wrong id, a system job. Exported for the test that holds
 * it equal to the one-statement way.
 */
export function logContactInTransaction(
  ctx: Ctx,
  actor: UserActor | SystemActor,
  worker: LoggedBy,
  input: ContactInput,
): Promise<ContactView & { replayed: boolean }> {
  return ctx.db.transaction(async (tx) => {
    let hotspot: { id: string; name: string } | null = null;
    let known: Awaited<ReturnType<typeof currentPerson>> | null = null;
    let logged: ContactView | null = null;
    return storeOnce({
      stored: async () =>
        (await tx.select().from(contacts).where(eq(contacts.clientKey, input.clientKey)))[0],
      sentByCaller: (row) => row.workerId === worker.userId,
      usedByAnother:
        "This contact's client key was already used by another worker; the device must make a new one.",
      check: async () => {
        hotspot = await requireHotspot(tx, input.hotspotId);
        known = input.personId ? await currentPerson(tx, input.personId, "personId") : null;
      },
      // The loser of a race inserts nothing (waiting for the winner to commit on PostgreSQL).
      insert: async () =>
        (
          await tx
            .insert(contacts)
            .values(contactFields(input, worker, known?.id ?? null))
            .onConflictDoNothing({ target: contacts.clientKey })
            .returning()
        )[0],
      created: async (inserted) => {
        logged = await writeContactDetails(tx, ctx, actor, { inserted, input, worker, known, hotspot });
      },
      replayed: (stored) => audit(tx, ctx, contactAudit("read", stored)),
      view: async (row) => (logged?.id === row.id ? logged : (await contactViews(tx, [row]))[0]!),
    });
  });
}

/**
 * What a new contact writes besides its row: a new person (the contact then names them), its
 * interventions, a flag for each safeguarding concern about a known person, and the audit events.
 * Answers with the contact's view.
 */
async function writeContactDetails(
  tx: Executor,
  ctx: Ctx,
  actor: UserActor | SystemActor,
  written: {
    inserted: ContactRow;
    input: ContactInput;
    worker: LoggedBy;
    known: { id: string; attributor: string; alias: string | null } | null;
    hotspot: { id: string; name: string } | null;
  },
): Promise<ContactView> {
  const { inserted, input, worker, hotspot } = written;
  const trail: AuditRecord[] = [];
  let contact = inserted;
  let person = written.known;
  if (input.newPerson) {
    person = await insertPerson(tx, ctx, actor, input.newPerson, "newPerson.");
    const [updated] = await tx
      .update(contacts)
      .set({ personId: person.id })
      .where(eq(contacts.id, inserted.id))
      .returning();
    contact = updated!;
  }
  trail.push(contactAudit("create", contact));
  if (input.interventions.length) {
    await tx.insert(contactInterventions).values(
      input.interventions.map((item) => ({
        contactId: inserted.id,
        intervention: item.intervention,
        quantity: item.quantity ?? null,
      })),
    );
  }
  const personId = contact.personId;
  if (personId && input.safeguardingConcerns.length) {
    const flags = await tx
      .insert(safeguardingFlags)
      .values(
        input.safeguardingConcerns.map((concern) => ({
          personId,
          concern,
          contactId: inserted.id,
          raisedAt: input.occurredAt,
          raisedByUserId: worker.userId,
        })),
      )
      .returning({ id: safeguardingFlags.id });
    for (const flag of flags) {
      trail.push({ action: "create", entity: "safeguarding_flag", entityId: flag.id, personId });
    }
  }
  await audit(tx, ctx, trail);
  if (actor.kind !== "user") return (await contactViews(tx, [contact]))[0]!;
  // Everything the view names was just written or read in this transaction: no need to read it back.
  return toContactView(contact, {
    interventions: input.interventions.map((item) => ({
      contactId: contact.id,
      intervention: item.intervention,
      quantity: item.quantity ?? null,
    })),
    hotspotName: new Map(hotspot ? [[hotspot.id, hotspot.name]] : []),
    person: new Map(person ? [[person.id, person]] : []),
    workerName: new Map([[actor.userId, actor.name]]),
  });
}

const value = (name: string) => sql.placeholder(name);

/**
 * The common contact (a signed-in worker; no one new to create) written as one statement: the contact,
 * its interventions, a flag for each safeguarding concern about a known person, and the audit events
 * for them (the contact's first, then the flags' in the order given), as logContact's transaction
 * writes them. It inserts nothing unless the hotspot exists, the person exists and was not merged
 * away and the client key is new; anything else (a resend, a wrong id, a merged person) is for the
 * transaction to decide and explain.
 */
const logContactStatement = preparedStatement<{
  id: string;
  hotspotName: string | null;
  personAttributor: string | null;
  personAlias: string | null;
}>(
  "contacts_log",
  () => sql`
    with hotspot as (
      select name from ${hotspots} where id = ${value("hotspotId")}::uuid
    ),
    person as (
      select attributor, alias from ${people}
      where id = ${value("personId")}::uuid and merged_into_id is null
    ),
    inserted as (
      insert into ${contacts} (client_key, occurred_at, hotspot_id, location, lat, lng, worker_id,
        organisation_id, person_id, contact_type, substances, safeguarding_concerns, notes)
      select ${value("clientKey")}, ${placeholderFor("occurredAt", contacts.occurredAt)}::timestamptz,
        ${value("hotspotId")}::uuid, ${value("location")}, ${value("lat")}::float8, ${value("lng")}::float8,
        ${value("workerId")}::uuid, ${value("organisationId")}::uuid, ${value("personId")}::uuid,
        ${value("contactType")}::contact_type,
        ${placeholderFor("substances", contacts.substances)}::substance[],
        ${placeholderFor("safeguardingConcerns", contacts.safeguardingConcerns)}::safeguarding_concern[],
        ${value("notes")}
      where (${value("hotspotId")}::uuid is null or exists (select from hotspot))
        and (${value("personId")}::uuid is null or exists (select from person))
      on conflict (client_key) do nothing
      returning id, person_id
    ),
    interventions as (
      insert into ${contactInterventions} (contact_id, intervention, quantity)
      select inserted.id, given.intervention, given.quantity
      from inserted,
        jsonb_to_recordset(${value("interventions")}::jsonb)
          as given(intervention intervention_kind, quantity integer)
    ),
    concerns as (
      select concern, position
      from unnest(${placeholderFor("safeguardingConcerns", contacts.safeguardingConcerns)}::safeguarding_concern[])
        with ordinality as given(concern, position)
    ),
    flags as (
      insert into ${safeguardingFlags} (person_id, concern, contact_id, raised_at, raised_by_user_id)
      select inserted.person_id, concerns.concern, inserted.id,
        ${placeholderFor("occurredAt", contacts.occurredAt)}::timestamptz, ${value("workerId")}::uuid
      from inserted, concerns
      where inserted.person_id is not null
      order by concerns.position
      returning id, person_id, concern
    ),
    audited as (
      insert into ${auditEvents} (actor_kind, actor_user_id, actor_name, organisation_id, action, entity,
        entity_id, person_id, request_id)
      select 'user', ${value("workerId")}::uuid, ${value("actorName")}, ${value("organisationId")}::uuid,
        'create', trail.entity, trail.entity_id, trail.person_id, ${value("requestId")}
      from (
        select 0, 'contact', id::text, person_id from inserted
        union all
        select concerns.position, 'safeguarding_flag', flags.id::text, flags.person_id
        from flags join concerns using (concern)
      ) as trail(position, entity, entity_id, person_id)
      order by trail.position
    )
    select inserted.id,
      (select name from hotspot) as "hotspotName",
      (select attributor from person) as "personAttributor",
      (select alias from person) as "personAlias"
    from inserted`,
);

/**
 * Logs a contact in one statement (see above), or returns null when the transaction must decide.
 * Exported for the test that holds it equal to the transaction's way.
 */
export async function logContactInOneStatement(
  ctx: Ctx,
  actor: UserActor,
  input: ContactInput,
): Promise<(ContactView & { replayed: boolean }) | null> {
  const fields = contactFields(input, actor, input.personId ?? null);
  const [row] = await logContactStatement(ctx.db, {
    ...fields,
    interventions: JSON.stringify(
      input.interventions.map((item) => ({
        intervention: item.intervention,
        quantity: item.quantity ?? null,
      })),
    ),
    actorName: actorName(actor),
    requestId: ctx.requestId ?? null,
  });
  if (!row) return null;
  // The row as stored: every column but the id is what was just written.
  const view = toContactView(
    { id: row.id, ...fields },
    {
      interventions: input.interventions.map((item) => ({
        contactId: row.id,
        intervention: item.intervention,
        quantity: item.quantity ?? null,
      })),
      hotspotName: new Map(input.hotspotId && row.hotspotName ? [[input.hotspotId, row.hotspotName]] : []),
      person: new Map(
        input.personId && row.personAttributor
          ? [[input.personId, { attributor: row.personAttributor, alias: row.personAlias }]]
          : [],
      ),
      workerName: new Map([[actor.userId, actor.name]]),
    },
  );
  return { ...view, replayed: false };
}

/** A page of contacts, newest first, on an open transaction; the caller writes the audit events. */
export async function contactPage(
  tx: Executor,
  options: { personId?: string; workerId?: string; cursor?: string; limit: number },
) {
  const conditions: SQL[] = [];
  if (options.personId) conditions.push(eq(contacts.personId, options.personId));
  if (options.workerId) conditions.push(eq(contacts.workerId, options.workerId));
  if (options.cursor) {
    const { at, id } = parseTimeCursor(options.cursor);
    conditions.push(sql`(${contacts.occurredAt}, ${contacts.id}) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await tx
    .select()
    .from(contacts)
    .where(and(...conditions))
    .orderBy(desc(contacts.occurredAt), desc(contacts.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: await contactViews(tx, page),
    nextCursor: rows.length > options.limit && last ? timeCursor(last.occurredAt, last.id) : null,
  };
}

/** "My recent contacts": the signed-in worker's own contacts, newest first. */
export async function listMyRecentContacts({ ctx, input }: VerbArgs<PageInput>) {
  const actor = requireRole(ctx.actor, verbRoles.logOutreach);
  return ctx.db.transaction(async (tx) => {
    const page = await contactPage(tx, { workerId: actor.userId, cursor: input.cursor, limit: input.limit });
    await audit(
      tx,
      ctx,
      page.items.map((contact) => contactAudit("list", contact)),
    );
    return page;
  });
}

/** A person's contacts, newest first: the person page's "more contacts". */
export async function listPersonContacts({ ctx, input }: VerbArgs<PersonContactsInput>) {
  const actor = requireRole(ctx.actor, verbRoles.readPeople);
  return ctx.db.transaction(async (tx) => {
    const person = await personFor(tx, actor, input.personId);
    const page = await contactPage(tx, { personId: person.id, cursor: input.cursor, limit: input.limit });
    await audit(
      tx,
      ctx,
      page.items.map((contact) => contactAudit("list", contact)),
    );
    return page;
  });
}
